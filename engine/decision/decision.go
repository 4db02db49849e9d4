// Package decision turns simulated outcomes into what a party to a
// dispute decides with: its expected value and certainty equivalent under
// its attitude to risk, the settlement figure that leaves it indifferent
// to going to court, the settlement range both sides should prefer to
// court, and the chance that a given offer beats court.
//
// Outcomes are a party's net position in money, larger being better for
// it. A settlement figure is what the payer (the buyer) pays the payee
// (the supplier) to settle; a party's settled outcome moves with the
// figure, up for the payee and down for the payer.
package decision

import (
	"fmt"
	"math"

	"github.com/settle-sim/settle/engine/stats"
)

// Attitude is a party's attitude to risk. The zero value is risk-neutral.
type Attitude struct {
	// RiskTolerance is R of the exponential utility u(x) = −exp(−x/R),
	// in money; 0 means risk-neutral (u(x) = x).
	RiskTolerance float64
}

// Neutral reports whether a is risk-neutral.
func (a Attitude) Neutral() bool { return a.RiskTolerance == 0 }

// String describes a.
func (a Attitude) String() string {
	if a.Neutral() {
		return "risk-neutral"
	}
	return fmt.Sprintf("exponential utility, risk tolerance %g", a.RiskTolerance)
}

// Utility returns u(x).
func (a Attitude) Utility(x float64) float64 {
	if a.Neutral() {
		return x
	}
	return -math.Exp(-x / a.RiskTolerance)
}

// CertaintyEquivalent returns the sure amount the party values as much as
// the uncertain outcomes xs (equally likely): their mean when
// risk-neutral, −R·log E[exp(−X/R)] under exponential utility, computed
// without overflow.
func (a Attitude) CertaintyEquivalent(xs []float64) float64 {
	if len(xs) == 0 {
		return math.NaN()
	}
	if a.Neutral() {
		var s stats.Sum
		for _, x := range xs {
			s.Add(x)
		}
		return s.Value() / float64(len(xs))
	}
	r := a.RiskTolerance
	m := shift(xs, r)
	var s stats.Sum
	for _, x := range xs {
		s.Add(math.Exp(-x/r - m))
	}
	return -r * (m + math.Log(s.Value()/float64(len(xs))))
}

// Side says which way a party's settled outcome moves with the figure.
type Side int

const (
	// Payee receives the settlement figure: it accepts figures at or
	// above its reservation value.
	Payee Side = 1
	// Payer pays the settlement figure: it accepts figures at or below
	// its reservation value.
	Payer Side = -1
)

func (s Side) String() string {
	if s == Payer {
		return "payer"
	}
	return "payee"
}

// Party is one side's simulated outcomes, trial by trial.
type Party struct {
	Name     string
	Attitude Attitude
	// Court is the party's net outcome in each trial if the case goes
	// to judgment.
	Court []float64
	// Settled returns the party's net outcome in each trial if it
	// settles at figure; it writes into dst, which has len(Court).
	Settled func(figure float64, dst []float64) error
}

// Reservation is a party's walk-away settlement figure.
type Reservation struct {
	Side Side
	// Value is the figure at which the party values settling as much as
	// court: a payee accepts figures ≥ Value, a payer figures ≤ Value.
	Value float64
	// CourtCE is the certainty equivalent of going to court.
	CourtCE float64
	// Method is "closed form" when the settled outcome moves one for one
	// with the figure (plus a fixed slope), else "bisection".
	Method string
	// SE and CourtSE are the standard errors of Value and CourtCE, by
	// the delta method (SEMethod).
	SE, CourtSE float64
}

// Accepts reports whether the party prefers settling at figure to court.
func (r Reservation) Accepts(figure float64) bool {
	if r.Side == Payer {
		return figure <= r.Value
	}
	return figure >= r.Value
}

// ReservationValue finds the figure at which p is indifferent between
// settling and court. When each trial's settled outcome is an affine
// function of the figure with one slope k (as when the figure is simply
// paid or received), CE(settled(f)) = k·f + CE(settled(0)) exactly under
// both attitudes, and the value is solved in closed form; otherwise it is
// found by bisection on [lo, hi]. lo and hi also serve as the figures at
// which the slope is probed.
func ReservationValue(p *Party, lo, hi float64) (Reservation, error) {
	n := len(p.Court)
	if n == 0 {
		return Reservation{}, fmt.Errorf("party %s: no trials", p.Name)
	}
	if !(lo < hi) {
		return Reservation{}, fmt.Errorf("party %s: empty search interval [%g, %g]", p.Name, lo, hi)
	}
	probeLo, probeHi := lo, hi
	courtCE, courtSE := p.Attitude.CertaintyEquivalentSE(p.Court)
	s0 := make([]float64, n)
	s1 := make([]float64, n)
	if err := p.Settled(probeLo, s0); err != nil {
		return Reservation{}, err
	}
	if err := p.Settled(probeHi, s1); err != nil {
		return Reservation{}, err
	}
	k := (s1[0] - s0[0]) / (probeHi - probeLo)
	if k == 0 {
		return Reservation{}, fmt.Errorf("party %s: its settled outcome does not depend on the settlement figure; make its settled rule use the figure", p.Name)
	}
	side := Payee
	if k < 0 {
		side = Payer
	}
	affine := true
	for i := range n {
		if ki := (s1[i] - s0[i]) / (probeHi - probeLo); math.Abs(ki-k) > 1e-9*math.Abs(k) {
			affine = false
			break
		}
	}
	if affine {
		// Check a third point too: affine, not merely equal slopes at two.
		mid := 0.5 * (lo + hi)
		sm := make([]float64, n)
		if err := p.Settled(mid, sm); err != nil {
			return Reservation{}, err
		}
		for i := range n {
			want := s0[i] + k*(mid-probeLo)
			if math.Abs(sm[i]-want) > 1e-9*(math.Abs(want)+math.Abs(k*mid)+1) {
				affine = false
				break
			}
		}
	}
	if affine {
		v := probeLo + (courtCE-p.Attitude.CertaintyEquivalent(s0))/k
		return Reservation{Side: side, Value: v, CourtCE: courtCE, Method: "closed form",
			SE: reservationSE(p.Attitude, s0, p.Court, k), CourtSE: courtSE}, nil
	}
	// Bisection on g(f) = CE(settled(f)) − CE(court), monotone in f with
	// the sign of k.
	buf := make([]float64, n)
	r, err := Bisect(p.Name, side, courtCE, lo, hi, func(f float64) (float64, error) {
		if err := p.Settled(f, buf); err != nil {
			return 0, err
		}
		return p.Attitude.CertaintyEquivalent(buf), nil
	})
	if err != nil {
		return r, err
	}
	slope, atV, err := bisectionSlope(p, r.Value, 1e-3*(probeHi-probeLo))
	if err != nil {
		return Reservation{}, err
	}
	r.SE, r.CourtSE = reservationSE(p.Attitude, atV, p.Court, slope), courtSE
	return r, nil
}

// Range is the settlement range: the figures both sides prefer to court.
type Range struct {
	Exists bool
	Low    float64 // the payee's reservation value
	High   float64 // the payer's reservation value
	Width  float64 // High − Low; negative when there is no range
}

// SettlementRange combines a payee's and a payer's reservation values.
func SettlementRange(payee, payer Reservation) (Range, error) {
	if payee.Side != Payee || payer.Side != Payer {
		return Range{}, fmt.Errorf("a settlement range needs one party that receives the figure and one that pays it")
	}
	r := Range{Low: payee.Value, High: payer.Value, Width: payer.Value - payee.Value}
	r.Exists = r.Width >= 0
	return r, nil
}

// BeatsCourt returns the fraction of trials in which settling at figure
// leaves p better off than the court outcome of the same trial.
func BeatsCourt(p *Party, figure float64) (float64, error) {
	buf := make([]float64, len(p.Court))
	if err := p.Settled(figure, buf); err != nil {
		return 0, err
	}
	n := 0
	for i, x := range buf {
		if x > p.Court[i] {
			n++
		}
	}
	return float64(n) / float64(len(buf)), nil
}

// shift is the largest −x/R of xs: exp(−x/R − shift) is at most 1, so
// sums of it cannot overflow.
func shift(xs []float64, r float64) float64 {
	m := math.Inf(-1)
	for _, x := range xs {
		m = math.Max(m, -x/r)
	}
	return m
}
