// Package voi estimates the value of information of a decision from
// Monte Carlo trials: how much a decision maker should pay to learn,
// before deciding, everything that is uncertain (the expected value of
// perfect information, EVPI) or only some inputs (the expected value of
// partial perfect information, EVPPI).
//
// A decision is a choice among actions whose payoffs are known in each
// trial. Without information the decision maker takes the action best on
// average; with perfect information, the best action in each trial; with
// information on inputs θ, the action best on average given θ:
//
//	EVPI  = E[maxₐ NBₐ] − maxₐ E[NBₐ]
//	EVPPI = E_θ[maxₐ E[NBₐ | θ]] − maxₐ E[NBₐ]
//
// where NB is the net benefit: money for a risk-neutral decision maker,
// and utility for a risk-averse one, u(x) = −exp(−x/R), whose value is
// then given as the difference of certainty equivalents (with
// exponential utility that difference is exactly what the decision maker
// would pay for the information, whatever its wealth).
//
// E[NBₐ | θ] is estimated by nonparametric regression of the net
// benefits on θ across the trials (Strong, Oakley and Brennan,
// "Estimating multiparameter partial expected value of perfect
// information from a probabilistic sensitivity analysis sample: a
// nonparametric regression approach", Medical Decision Making 34, 2014),
// by penalised regression splines (package smooth). Only the differences
// between actions matter, so one regression is made for each action but
// the first, of its net benefit less the first's: Dₐ = NBₐ − NB₀.
//
// Strong and Oakley's estimate is the plug-in mean of the fitted means'
// maximum, (1/n) Σₜ m(ĝₜ) − m(D̄) with m(g) = max(0, maxₐ gₐ). It is
// biased upwards: noise in the fit crosses the decision boundary, and max
// is convex. The estimate reported here adds the plug-in's first-order
// (influence-function) correction, (1/n) Σₜ (D_{a*ₜ,t} − ĝ_{a*ₜ,t}),
// a*ₜ the action the fit prefers at trial t; the sum is then
// (1/n) Σₜ (D_{a*ₜ,t} − D_{b,t}), b the action preferred without
// information: the value of deciding by the fitted means, scored on the
// trials' own payoffs. It loses the plug-in's first-order bias, it is
// never above EVPI (each trial's payoff under any rule is at most its
// best), and it is exactly 0 for an input whose fit never changes the
// decision. It is truncated at 0. The plug-in figure is reported beside
// it (PlugIn), as other tools give it.
//
// Standard errors are the delta method's: the estimate is a mean of
// per-trial terms (or, on utility, a smooth function of two means), and
// its influence function is that term, so SE = sd/√n.
package voi

import (
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/settle-sim/settle/engine/smooth"
	"github.com/settle-sim/settle/engine/stats"
)

// Decision is a choice among actions, with each action's payoff in each
// trial.
type Decision struct {
	// Payoffs[a][t] is action a's payoff in trial t, in money, larger
	// being better. Every action has the same number of trials.
	Payoffs [][]float64
	// RiskTolerance is R of the decision maker's exponential utility
	// u(x) = −exp(−x/R); 0 means risk-neutral.
	RiskTolerance float64

	// The net benefits in money and in utility, made once: a Decision
	// may be valued from several goroutines at once.
	once [2]sync.Once
	nb   [2]*netBenefits
}

// Estimate is an estimated value with its standard error, in money.
type Estimate struct {
	Value float64 `json:"value"`
	SE    float64 `json:"se"`
}

// Value is the value of some information, in money.
type Value struct {
	// Money is the value in expected money: to a risk-neutral holder of
	// the decision, deciding by expected payoff.
	Money Estimate
	// CE is the value on the decision maker's utility, as the rise in
	// its certainty equivalent; equal to Money when it is risk-neutral.
	CE Estimate
	// PChange is the share of trials in which the information changes
	// the decision (on the decision maker's utility).
	PChange float64
	// MoneyPlugIn and CEPlugIn are Strong and Oakley's plug-in
	// estimates, which exceed Money and CE by about the regression's
	// upward bias (for EVPI they equal Money and CE); NaN when the fit
	// claims more utility than there is to gain.
	MoneyPlugIn, CEPlugIn float64
	// EDF is the regression's effective degrees of freedom, the largest
	// among the actions' (EVPPI only).
	EDF float64
}

// Choice is the action preferred without information: on expected money
// and on the decision maker's utility.
func (d *Decision) Choice() (money, utility int, err error) {
	if err := d.check(); err != nil {
		return 0, 0, err
	}
	nb := d.netBenefits(false)
	money = best(means(nb.diffs))
	if d.RiskTolerance == 0 {
		return money, money, nil
	}
	nb = d.netBenefits(true)
	return money, best(means(nb.diffs)), nil
}

func (d *Decision) check() error {
	if len(d.Payoffs) < 2 {
		return errors.New("voi: a decision needs at least two actions")
	}
	n := len(d.Payoffs[0])
	if n < 2 {
		return errors.New("voi: fewer than 2 trials")
	}
	for _, p := range d.Payoffs {
		if len(p) != n {
			return errors.New("voi: actions with different numbers of trials")
		}
		for t, x := range p {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return fmt.Errorf("voi: payoff in trial %d is not finite", t)
			}
		}
	}
	if d.RiskTolerance < 0 || math.IsNaN(d.RiskTolerance) || math.IsInf(d.RiskTolerance, 0) {
		return fmt.Errorf("voi: risk tolerance %v: want 0 (risk-neutral) or a positive amount", d.RiskTolerance)
	}
	return nil
}

// netBenefits are a decision's net benefits in one scale: base, the first
// action's, and diffs, each other action's less the first's.
type netBenefits struct {
	base  []float64
	diffs [][]float64
	// utility scale: u(x) = −exp(−(x − shift)/R); the CE of an expected
	// utility EU is shift − R·log(−EU).
	utility bool
	r       float64
	shift   float64
}

func (d *Decision) netBenefits(utility bool) *netBenefits {
	i := 0
	if utility {
		i = 1
	}
	d.once[i].Do(func() { d.nb[i] = d.makeNetBenefits(utility) })
	return d.nb[i]
}

func (d *Decision) makeNetBenefits(utility bool) *netBenefits {
	nb := &netBenefits{utility: utility, r: d.RiskTolerance}
	tr := func(x float64) float64 { return x }
	if utility {
		// Shift by the worst payoff so that every utility is in [−1, 0):
		// no overflow, and the worst outcomes, which decide a CE, keep
		// their precision.
		nb.shift = math.Inf(1)
		for _, p := range d.Payoffs {
			for _, x := range p {
				nb.shift = math.Min(nb.shift, x)
			}
		}
		tr = func(x float64) float64 { return -math.Exp(-(x - nb.shift) / nb.r) }
	}
	n := len(d.Payoffs[0])
	nb.base = make([]float64, n)
	for t, x := range d.Payoffs[0] {
		nb.base[t] = tr(x)
	}
	for _, p := range d.Payoffs[1:] {
		diff := make([]float64, n)
		for t, x := range p {
			diff[t] = tr(x) - nb.base[t]
		}
		nb.diffs = append(nb.diffs, diff)
	}
	return nb
}

// EVPI is the expected value of perfect information.
func EVPI(d *Decision) (Value, error) {
	return evppi(d, nil)
}

// EVPPI is the expected value of perfect information on the covariates
// of basis, whose trials are the decision's.
func EVPPI(d *Decision, basis *smooth.Basis) (Value, error) {
	if basis == nil {
		return Value{}, errors.New("voi: no basis")
	}
	return evppi(d, basis)
}

// evppi is EVPPI, or EVPI when basis is nil.
func evppi(d *Decision, basis *smooth.Basis) (Value, error) {
	if err := d.check(); err != nil {
		return Value{}, err
	}
	var v Value
	nb := d.netBenefits(false)
	fits, err := fitAll(nb, basis)
	if err != nil {
		return Value{}, err
	}
	v.Money, v.MoneyPlugIn, v.PChange = value(nb, nil, fitted(fits))
	for _, f := range fits {
		v.EDF = math.Max(v.EDF, f.EDF)
	}
	if d.RiskTolerance == 0 {
		v.CE, v.CEPlugIn = v.Money, v.MoneyPlugIn
		return v, nil
	}
	nb = d.netBenefits(true)
	if fits, err = fitAll(nb, basis); err != nil {
		return Value{}, err
	}
	v.CE, v.CEPlugIn, v.PChange = value(nb, nil, fitted(fits))
	return v, nil
}

// fitted returns the fits' fitted values; nil for no fits.
func fitted(fits []*smooth.Fit) [][]float64 {
	if fits == nil {
		return nil
	}
	out := make([][]float64, len(fits))
	for a, f := range fits {
		out[a] = f.Fitted
	}
	return out
}

// A Regression estimates conditional means from the trials of a
// decision: given responses, one value a trial each, it returns each
// response's fitted mean in each trial, given what it conditions on in
// that trial. Fitting every response at once lets a basis be made once.
type Regression func(ys [][]float64) ([][]float64, error)

// ValuesGiven values information to decision makers who already know
// something when they decide, each trial its own: the decisions ds, on
// the same trials, are each taken without the information by the
// action best given what known conditions on (E[NBₐ | known], a
// regression of the net benefits on it), and with it by the action best
// given what with conditions on, which should include what known does;
// with nil, by each trial's best action (perfect information). The
// value is the corrected estimator's, the mean over the trials of
// D_{a*ₜ,t} − D_{bₜ,t}, bₜ the action known's fit prefers at trial t
// and a*ₜ with's: so it is never above the value of perfect
// information given the same known, and 0 when the two fits prefer the
// same actions. Where known conditions on nothing (its fit is each
// response's mean) this is EVPPI, and EVPI with a nil with. The
// plug-in figures are the mean of maxₐ ĝₐ(with) − ĝ_{bₜ}(with) (for
// perfect information, the value itself); EDF is not set.
func ValuesGiven(ds []*Decision, known, with Regression) ([]Value, error) {
	g, err := Known(ds, known)
	if err != nil {
		return nil, err
	}
	return g.Values(with)
}

// Given is decisions whose makers already know something: their
// differences, in money and, for a risk-averse decision maker, in
// utility, fitted once on what they know, against which the value of
// knowing more is measured (Values) as often as asked.
type Given struct {
	ds     []*Decision
	scales [][]givenScale // each decision's, money then utility
	base   [][]float64    // the fits of every difference on what is known
}

// givenScale is one decision's differences on one scale, their first
// fit in Given.base.
type givenScale struct {
	nb    *netBenefits
	first int
}

// Known fits the differences of the decisions ds, on the same trials,
// by known: what their makers decide on without more information.
func Known(ds []*Decision, known Regression) (*Given, error) {
	if known == nil {
		return nil, errors.New("voi: no regression on what is known")
	}
	// Every decision's differences, fitted together.
	var ys [][]float64
	g := &Given{ds: ds, scales: make([][]givenScale, len(ds))}
	for i, d := range ds {
		if err := d.check(); err != nil {
			return nil, err
		}
		if i > 0 && len(d.Payoffs[0]) != len(ds[0].Payoffs[0]) {
			return nil, errors.New("voi: decisions with different numbers of trials")
		}
		for _, u := range []bool{false, true} {
			if u && d.RiskTolerance == 0 {
				break
			}
			nb := d.netBenefits(u)
			g.scales[i] = append(g.scales[i], givenScale{nb, len(ys)})
			ys = append(ys, nb.diffs...)
		}
	}
	var err error
	if g.base, err = fitChecked(known, ys); err != nil {
		return nil, err
	}
	return g, nil
}

// Values is ValuesGiven on g's decisions and what they know, with
// what with conditions on (nil for perfect information). It may be
// called from several goroutines at once.
func (g *Given) Values(with Regression) ([]Value, error) {
	var fits [][]float64
	if with != nil {
		var ys [][]float64
		for _, scs := range g.scales {
			for _, sc := range scs {
				ys = append(ys, sc.nb.diffs...)
			}
		}
		var err error
		if fits, err = fitChecked(with, ys); err != nil {
			return nil, err
		}
	}
	out := make([]Value, len(g.ds))
	for i := range g.ds {
		var v Value
		for j, sc := range g.scales[i] {
			m := len(sc.nb.diffs)
			var f [][]float64
			if fits != nil {
				f = fits[sc.first : sc.first+m]
			}
			est, plugIn, pChange := value(sc.nb, g.base[sc.first:sc.first+m], f)
			if j == 0 {
				v.Money, v.MoneyPlugIn, v.PChange = est, plugIn, pChange
				v.CE, v.CEPlugIn = est, plugIn
			} else {
				v.CE, v.CEPlugIn, v.PChange = est, plugIn, pChange
			}
		}
		out[i] = v
	}
	return out, nil
}

// fitChecked fits ys by r and checks that it gave a value for each.
func fitChecked(r Regression, ys [][]float64) ([][]float64, error) {
	got, err := r(ys)
	if err != nil {
		return nil, err
	}
	if len(got) != len(ys) {
		return nil, fmt.Errorf("voi: the regression gave %d fits of %d responses", len(got), len(ys))
	}
	for j, g := range got {
		if len(g) != len(ys[j]) {
			return nil, fmt.Errorf("voi: the regression gave %d fitted values for %d trials", len(g), len(ys[j]))
		}
		for t, x := range g {
			if math.IsNaN(x) || math.IsInf(x, 0) {
				return nil, fmt.Errorf("voi: the regression's fitted value in trial %d is not finite", t)
			}
		}
	}
	return got, nil
}

// fitAll fits each difference on basis; with no basis, none.
func fitAll(nb *netBenefits, basis *smooth.Basis) ([]*smooth.Fit, error) {
	if basis == nil {
		return nil, nil
	}
	var fits []*smooth.Fit
	for _, diff := range nb.diffs {
		f, err := basis.Fit(diff)
		if err != nil {
			return nil, err
		}
		fits = append(fits, f)
	}
	return fits, nil
}

// means returns each slice's mean (compensated sums).
func means(xs [][]float64) []float64 {
	out := make([]float64, len(xs))
	for i, x := range xs {
		var s stats.Sum
		for _, v := range x {
			s.Add(v)
		}
		out[i] = s.Value() / float64(len(x))
	}
	return out
}

// best is the action with the largest mean net benefit, given the means
// of the differences from action 0 (which is 0 for action 0 itself).
func best(diffMeans []float64) int {
	_, a := maxPart(diffMeans)
	return a
}

// maxPart returns max(0, maxₐ gₐ) and the action it belongs to (0 for
// the first action, a+1 for g[a]); ties go to the earlier action.
func maxPart(g []float64) (float64, int) {
	m, at := 0.0, 0
	for a, x := range g {
		if x > m {
			m, at = x, a+1
		}
	}
	return m, at
}

// at is action a's entry of differences g: 0 for the first action.
func at(g []float64, a int) float64 {
	if a == 0 {
		return 0
	}
	return g[a-1]
}

// value estimates the value of deciding by the fitted means fits (nil:
// by each trial's own payoffs, perfect information) with its standard
// error, and Strong and Oakley's plug-in estimate, and the share of
// trials in which the decision changes. Without the information the
// decision is the action best on average, or, given base (the
// differences' fitted means given what is known in each trial), the
// action best given that in each trial.
//
// In each trial the regret avoided is rₜ = D_{a*,t} − D_{b,t}, a* the
// action preferred given the information and b the one preferred without
// it. The expected net benefit is EU₀ = E[NB₀ + D_b] without information
// and EU₁ = EU₀ + E[r] with it.
func value(nb *netBenefits, base, fits [][]float64) (est Estimate, plugIn, pChange float64) {
	n := len(nb.base)
	b := best(means(nb.diffs))
	g := make([]float64, len(nb.diffs))
	gb := make([]float64, len(nb.diffs))
	dt := make([]float64, len(nb.diffs))
	r := make([]float64, n)
	u0 := make([]float64, n) // the net benefit without information
	var sr, s0, sp stats.Sum
	changed := 0
	for t := range n {
		for a := range dt {
			dt[a] = nb.diffs[a][t]
			g[a] = dt[a]
			if fits != nil {
				g[a] = fits[a][t]
			}
			if base != nil {
				gb[a] = base[a][t]
			}
		}
		if base != nil {
			_, b = maxPart(gb)
		}
		m, a := maxPart(g)
		if a != b {
			changed++
		}
		r[t] = at(dt, a) - at(dt, b)
		u0[t] = nb.base[t] + at(dt, b)
		sr.Add(r[t])
		s0.Add(u0[t])
		sp.Add(m - at(g, b))
	}
	rbar, eu0 := sr.Value()/float64(n), s0.Value()/float64(n)
	val, dr, d0 := nb.gain(rbar, eu0)
	var mom stats.Moments
	for t := range n {
		mom.Add(dr*r[t] + d0*u0[t])
	}
	est = Estimate{Value: math.Max(val, 0), SE: mom.SD() / math.Sqrt(float64(n))}
	plugIn, _, _ = nb.gain(sp.Value()/float64(n), eu0)
	if plugIn < 0 {
		plugIn = 0 // rounding
	}
	return est, plugIn, float64(changed) / float64(n)
}

// Chosen is the share of the trials in which a decision maker who knows
// what known conditions on would take each action: for each decision of
// ds, on money and on its utility. It is the same known as ValuesGiven's.
func Chosen(ds []*Decision, known Regression) (money, utility [][]float64, err error) {
	g, err := Known(ds, known)
	if err != nil {
		return nil, nil, err
	}
	money, utility = g.Chosen()
	return money, utility, nil
}

// Chosen is the package's Chosen on g's decisions and what they know.
func (g *Given) Chosen() (money, utility [][]float64) {
	share := func(sc givenScale) []float64 {
		fit := g.base[sc.first : sc.first+len(sc.nb.diffs)]
		out := make([]float64, len(fit)+1)
		n := len(fit[0])
		x := make([]float64, len(fit))
		for t := range n {
			for a := range fit {
				x[a] = fit[a][t]
			}
			_, b := maxPart(x)
			out[b]++
		}
		for a := range out {
			out[a] /= float64(n)
		}
		return out
	}
	for _, scs := range g.scales {
		sm := share(scs[0])
		su := sm
		if len(scs) > 1 {
			su = share(scs[1])
		}
		money, utility = append(money, sm), append(utility, su)
	}
	return money, utility
}

// gain is the value of information given the mean regret avoided rbar
// and the expected net benefit without information eu0, with its
// derivatives by each, for the delta method. In money it is rbar; on
// utility it is the rise in the certainty equivalent, CE(eu0 + rbar) −
// CE(eu0) with CE(EU) = shift − R·log(−EU).
func (nb *netBenefits) gain(rbar, eu0 float64) (v, dr, d0 float64) {
	if !nb.utility {
		return rbar, 1, 0
	}
	eu1 := eu0 + rbar
	if eu1 >= 0 {
		// Only a plug-in mean of fits can claim more than all utility
		// lost: it has no value then.
		return math.NaN(), 0, 0
	}
	return -nb.r * math.Log1p(rbar/eu0), -nb.r / eu1, nb.r * (1/eu0 - 1/eu1)
}
