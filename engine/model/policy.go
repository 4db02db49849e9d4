package model

import (
	"math"

	"github.com/settle-sim/settle/engine/lsmc"
)

// Policy is how the parties of a scenario with stages decide at each
// opportunity to settle: each party's reservation value given what it
// knows there (Process.State), from which the settlement range and the
// figure they agree follow. engine/process fits it.
type Policy struct {
	// Valuations holds, for each stage with an opportunity before it,
	// each party's valuation there (in the order of Program.Parties);
	// nil for a stage without one.
	Valuations [][]*Valuation
	// Payee is the index of the party paid the settlement figure, Payer
	// that of the party paying it.
	Payee, Payer int
	// Share, Offer and HasOffer are Process's PayeeShare, Offer and
	// HasOffer.
	Share    float64
	Offer    float64
	HasOffer bool
}

// Valuation is one party's fitted values at one opportunity, as
// functions of the state there: the expected utility of going on (under
// the policy at later opportunities), that of settling at a figure of 0,
// and how its settled outcome moves with the figure.
type Valuation struct {
	// Fit predicts, given the state: E[u(going on)], E[u(settled at 0)]
	// and the slope of the settled outcome in the figure. For a
	// risk-neutral party u(x) = x; for risk tolerance R, u(x) =
	// exp(−(x − Shift)/R), whose expectation is turned back into a
	// certainty equivalent by Shift − R·log E.
	Fit           *lsmc.Model
	RiskTolerance float64
	Shift         float64
}

// tiny keeps an exponential utility's fitted expectation positive.
const tiny = 1e-300

// At returns the party's reservation value at state x, the figure at
// which settling and going on are worth the same to it, and the
// certainty equivalent of going on. Where the settled outcome is a·1 +
// k·figure with the same k throughout the state, CE(settle at f) =
// CE(a) + k·f under either attitude, so the reservation value is
// (CE(going on) − CE(a)) / k.
func (v *Valuation) At(x []float64) (reservation, goingOn float64) {
	var out [3]float64
	v.Fit.Predict(x, out[:])
	a, slope := out[1], out[2]
	goingOn = out[0]
	if r := v.RiskTolerance; r > 0 {
		goingOn = v.Shift - r*math.Log(max(goingOn, tiny))
		a = v.Shift - r*math.Log(max(a, tiny))
	}
	if slope == 0 {
		return math.NaN(), goingOn
	}
	return (goingOn - a) / slope, goingOn
}

// Decide returns whether the parties settle at stage k's opportunity in
// state x, and at what figure: they do where the settlement range is not
// empty (the payee's reservation value at most the payer's; a range of
// zero width is not empty), at the payee's reservation value plus Share
// of the range's width, or at the fixed offer when there is one and it
// lies in the range.
func (pol *Policy) Decide(k int, x []float64) (bool, float64) {
	if pol.Valuations[k] == nil {
		return false, 0
	}
	return pol.Settle(pol.Range(k, x))
}

// Range returns the settlement range at stage k's opportunity, which
// has one, in state x: from the payee's reservation value lo to the
// payer's hi, empty unless lo ≤ hi.
func (pol *Policy) Range(k int, x []float64) (lo, hi float64) {
	vs := pol.Valuations[k]
	lo, _ = vs[pol.Payee].At(x)
	hi, _ = vs[pol.Payer].At(x)
	return lo, hi
}

// Settle is Decide on the range from lo to hi.
func (pol *Policy) Settle(lo, hi float64) (bool, float64) {
	if !(lo <= hi) {
		return false, 0
	}
	if pol.HasOffer {
		return lo <= pol.Offer && pol.Offer <= hi, pol.Offer
	}
	return true, lo + pol.Share*(hi-lo)
}

// WithViews returns a copy of p that records each party's own beliefs:
// views[i], when not nil, is p's scenario with party i's view applied.
// The parties of a scenario with stages decide on them.
func (p *Program) WithViews(views []*Program) *Program {
	q := *p
	q.views = views
	return &q
}

// Views returns the parties' own beliefs recorded by WithViews.
func (p *Program) Views() []*Program { return p.views }
