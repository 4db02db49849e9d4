package decision

import (
	"fmt"
	"math"

	"github.com/settle-sim/settle/engine/stats"
)

// ExpSum accumulates the sum of e^(−x/R) over outcomes x, streamed and
// mergeable, for certainty equivalents under exponential utility without
// keeping the outcomes: the sum is held as e^M · S, M the largest −x/R
// seen (a running log-sum-exp), so that no term overflows. S is a
// compensated (Neumaier) sum, rescaled when M grows. Sums made over
// consecutive ranges of trials and merged in the ranges' order give the
// same bits however the ranges were scheduled.
type ExpSum struct {
	N    int
	M    float64 // the largest exponent, −x/R
	S, C float64 // Σ e^(−x/R − M) and its compensation
}

// Add adds one outcome's exponent y = −x/R.
func (e *ExpSum) Add(y float64) {
	if e.N == 0 {
		e.N, e.M, e.S, e.C = 1, y, 1, 0
		return
	}
	e.N++
	if y > e.M {
		f := math.Exp(e.M - y)
		e.S, e.C, e.M = e.S*f, e.C*f, y
		e.add(1)
		return
	}
	e.add(math.Exp(y - e.M))
}

func (e *ExpSum) add(x float64) { stats.Neumaier(&e.S, &e.C, x) }

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
		f := math.Exp(e.M - o.M)
		e.S, e.C, e.M = e.S*f, e.C*f, o.M
		e.add(o.S)
		e.add(o.C)
		return
	}
	f := math.Exp(o.M - e.M)
	e.add(o.S * f)
	e.add(o.C * f)
}

// CertaintyEquivalent returns −R·log E[e^(−X/R)] of the outcomes added
// with exponents −x/R: −R·(M + log(S/N)).
func (e *ExpSum) CertaintyEquivalent(r float64) float64 {
	if e.N == 0 {
		return math.NaN()
	}
	return -r * (e.M + math.Log((e.S+e.C)/float64(e.N)))
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
