package decision

import (
	"fmt"
	"math"

	"github.com/settle-sim/settle/engine/stats"
)

// SEMethod names how the standard errors of certainty equivalents and
// reservation values are computed, as documents record it.
const SEMethod = "a mean's standard error, the delta method on streamed sums or kept values, or batch means"

// Influence writes into dst (len(xs) long) the influence of each trial on
// the certainty equivalent of xs and returns the certainty equivalent:
// the first-order change in the estimate from trial i, scaled so that
// the estimate's variance is Var(ψ)/n (the delta method; see, e.g., van
// der Vaart, Asymptotic Statistics, ch. 3 and 20).
//
// Risk-neutral, CE is the mean and ψᵢ = xᵢ − x̄. Under exponential
// utility CE = −R·log Ū with uᵢ = exp(−xᵢ/R) and Ū their mean, so
// ψᵢ = −R·(uᵢ/Ū − 1); uᵢ is computed as exp(−xᵢ/R − m), m the largest
// −xᵢ/R, which leaves uᵢ/Ū unchanged and cannot overflow.
func (a Attitude) Influence(xs, dst []float64) float64 {
	n := len(xs)
	if n == 0 {
		return math.NaN()
	}
	if a.Neutral() {
		var s stats.Sum
		for _, x := range xs {
			s.Add(x)
		}
		mean := s.Value() / float64(n)
		for i, x := range xs {
			dst[i] = x - mean
		}
		return mean
	}
	r := a.RiskTolerance
	m := shift(xs, r)
	var s stats.Sum
	for i, x := range xs {
		dst[i] = math.Exp(-x/r - m)
		s.Add(dst[i])
	}
	u := s.Value() / float64(n)
	for i := range dst[:n] {
		dst[i] = -r * (dst[i]/u - 1)
	}
	return -r * (m + math.Log(u))
}

// CertaintyEquivalentSE returns the certainty equivalent of xs and its
// standard error by the delta method: sd(ψ)/√n with ψ the trials'
// influence (see Influence). Risk-neutral, that is the standard error of
// the mean; under exponential utility R·sd(u)/(Ū·√n). It is the error of
// plain Monte Carlo sampling; of fewer than two trials it is 0, as
// engine/stats gives the mean's.
func (a Attitude) CertaintyEquivalentSE(xs []float64) (ce, se float64) {
	psi := make([]float64, len(xs))
	ce = a.Influence(xs, psi)
	return ce, spread(psi)
}

// spread is sd(ψ)/√n for influences ψ, which have mean zero: the
// standard error they imply; 0 for fewer than two.
func spread(psi []float64) float64 {
	n := len(psi)
	if n < 2 {
		return 0
	}
	var s stats.Sum
	for _, p := range psi {
		s.Add(p * p)
	}
	return math.Sqrt(s.Value()/float64(n-1)) / math.Sqrt(float64(n))
}

// reservationSE is the standard error of a reservation value v that
// solves CE(settled(v)) = CE(court), by the delta method: the estimate
// moves with the two certainty equivalents' joint error, so
// se(v) = sd(ψ_settled − ψ_court)/(|slope|·√n), with ψ the trials'
// influences on the CE of the settled outcome at v and of court, and slope
// d CE(settled(f))/df at v (k in closed form). The two are computed on
// the same trials, so their correlation is kept, not ignored.
func reservationSE(a Attitude, settled, court []float64, slope float64) float64 {
	ps := make([]float64, len(settled))
	pc := make([]float64, len(court))
	a.Influence(settled, ps)
	a.Influence(court, pc)
	for i := range ps {
		ps[i] -= pc[i]
	}
	return spread(ps) / math.Abs(slope)
}

// bisectionSlope estimates d CE(settled(f))/df at v by a central
// difference of step h, for the standard error of a reservation value
// found by bisection, and returns the settled outcomes at v.
func bisectionSlope(p *Party, v, h float64) (slope float64, atV []float64, err error) {
	n := len(p.Court)
	buf := make([]float64, n)
	ce := func(f float64) (float64, error) {
		if err := p.Settled(f, buf); err != nil {
			return 0, err
		}
		return p.Attitude.CertaintyEquivalent(buf), nil
	}
	hi, err := ce(v + h)
	if err != nil {
		return 0, nil, err
	}
	lo, err := ce(v - h)
	if err != nil {
		return 0, nil, err
	}
	atV = make([]float64, n)
	if err := p.Settled(v, atV); err != nil {
		return 0, nil, err
	}
	slope = (hi - lo) / (2 * h)
	if slope == 0 || math.IsNaN(slope) {
		return 0, nil, fmt.Errorf("party %s: its certainty equivalent of settling does not change with the figure near %g", p.Name, v)
	}
	return slope, atV, nil
}
