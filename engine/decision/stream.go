package decision

import (
	"fmt"
	"math"

	"github.com/settle-sim/settle/engine/stats"
)

// ExpSum accumulates the sum of e^(−x/R) over outcomes x, streamed and
// mergeable, for certainty equivalents under exponential utility without
// keeping the outcomes: the sum is held as e^M · S, M the largest −x/R
// seen (a running log-sum-exp), so that no term overflows. It also sums
// the squares, Q, for the certainty equivalent's standard error. S is a
// compensated (Neumaier) sum, Q a plain one (an error of 1e-13 or so in
// a standard error is nothing), both rescaled when M grows. Sums made over
// consecutive ranges of trials and merged in the ranges' order give the
// same bits however the ranges were scheduled.
type ExpSum struct {
	N     int
	M     float64 // the largest exponent, −x/R
	S, C  float64 // Σ u, u = e^(−x/R − M), and its compensation
	Q, QC float64 // Σ u², and the compensation of the sums merged into it
}

// Add adds one outcome's exponent y = −x/R.
func (e *ExpSum) Add(y float64) {
	if e.N == 0 {
		e.N, e.M, e.S, e.C, e.Q, e.QC = 1, y, 1, 0, 1, 0
		return
	}
	e.N++
	if y > e.M {
		e.rescale(math.Exp(e.M - y))
		e.M = y
		e.add(1, 1)
		return
	}
	u := expNeg(y - e.M) // y ≤ M
	e.add(u, u*u)
}

// rescale multiplies the sums by f, their terms' new scale.
func (e *ExpSum) rescale(f float64) {
	e.S, e.C = e.S*f, e.C*f
	f *= f
	e.Q, e.QC = e.Q*f, e.QC*f
}

func (e *ExpSum) add(u, uu float64) {
	stats.Neumaier(&e.S, &e.C, u)
	e.Q += uu
}

// Merge adds o, the sum over the outcomes that follow e's.
func (e *ExpSum) Merge(o ExpSum) {
	switch {
	case o.N == 0:
		return
	case e.N == 0:
		*e = o
		return
	}
	e.N += o.N
	if o.M > e.M {
		e.rescale(math.Exp(e.M - o.M))
		e.M = o.M
		e.merge(o.S, o.C, o.Q, o.QC)
		return
	}
	f := math.Exp(o.M - e.M)
	e.merge(o.S*f, o.C*f, o.Q*f*f, o.QC*f*f)
}

// merge adds another range's sums, on e's scale, compensated.
func (e *ExpSum) merge(s, c, q, qc float64) {
	stats.Neumaier(&e.S, &e.C, s)
	stats.Neumaier(&e.S, &e.C, c)
	stats.Neumaier(&e.Q, &e.QC, q)
	stats.Neumaier(&e.Q, &e.QC, qc)
}

// CertaintyEquivalent returns −R·log E[e^(−X/R)] of the outcomes added
// with exponents −x/R: −R·(M + log(S/N)).
func (e *ExpSum) CertaintyEquivalent(r float64) float64 {
	if e.N == 0 {
		return math.NaN()
	}
	return -r * (e.M + math.Log((e.S+e.C)/float64(e.N)))
}

// CertaintyEquivalentSE returns the standard error of the certainty
// equivalent by the delta method, R·sd(u)/(ū·√n) with u = e^(−x/R − M),
// as Attitude.CertaintyEquivalentSE gives it from kept outcomes, and
// whether the sums can give it: the sum of squared deviations is
// Q − S²/n, which loses precision to cancellation when the outcomes'
// spread is tiny beside R (u nearly constant), so ok is false when it
// is below a millionth of Q (a relative error above about 1e-10). Of
// fewer than two outcomes it is 0.
func (e *ExpSum) CertaintyEquivalentSE(r float64) (se float64, ok bool) {
	if e.N < 2 {
		return 0, true
	}
	n := float64(e.N)
	s, q := e.S+e.C, e.Q+e.QC
	ss := q - s*s/n
	if !(ss >= 1e-6*q) {
		return 0, false
	}
	return math.Abs(r) * math.Sqrt(ss/(n-1)) / (s / n) / math.Sqrt(n), true
}

// Bisect finds the figure in [lo, hi] at which a party on side is
// indifferent between settling and court, when its settled outcome is
// not affine in the figure: g(f) = side·(ce(f) − courtCE), where ce(f)
// is the certainty equivalent of its settled outcome at f, is monotone
// increasing, and bisection halves [lo, hi] until it is within a
// relative 1e-9 of the root.
func Bisect(name string, side Side, courtCE, lo, hi float64, ce func(f float64) (float64, error)) (Reservation, error) {
	g := func(f float64) (float64, error) {
		c, err := ce(f)
		return float64(side) * (c - courtCE), err
	}
	glo, err := g(lo)
	if err != nil {
		return Reservation{}, err
	}
	ghi, err := g(hi)
	if err != nil {
		return Reservation{}, err
	}
	if glo > 0 || ghi < 0 {
		return Reservation{}, fmt.Errorf("party %s: no settlement figure between %g and %g leaves it indifferent to court", name, lo, hi)
	}
	for range 100 {
		mid := 0.5 * (lo + hi)
		gm, err := g(mid)
		if err != nil {
			return Reservation{}, err
		}
		if gm < 0 {
			lo = mid
		} else {
			hi = mid
		}
		if hi-lo <= 1e-9*math.Max(1, math.Abs(mid)) {
			break
		}
	}
	return Reservation{Side: side, Value: 0.5 * (lo + hi), CourtCE: courtCE, Method: "bisection"}, nil
}
