package stats

import "slices"

// CurvePoints is how many quantiles a distribution's curve has: at
// probabilities 0, 1/200, 2/200, …, 1.
const CurvePoints = 201

// Curve returns the quantiles of xs, which must be finite, at
// probabilities i/(points−1) for i = 0 … points−1, as Quantile gives
// them (definition 7 of Hyndman and Fan), the first being the minimum
// and the last the maximum: enough of the distribution to draw its
// cumulative distribution as a smooth curve. The order statistics are
// found by selection, not a full sort. scratch, if at least len(xs)
// long, holds a copy of xs that is rearranged; xs is not changed. It
// returns nil for no values or fewer than two points.
func Curve(xs []float64, points int, scratch []float64) []float64 {
	n := len(xs)
	if n == 0 || points < 2 {
		return nil
	}
	work := scratch
	if len(work) < n {
		work = make([]float64, n)
	}
	work = work[:n]
	copy(work, xs)
	probs := make([]float64, points)
	ks := make([]int, 0, 2*points)
	for i := range probs {
		probs[i] = float64(i) / float64(points-1)
		lo := int(float64(n-1) * probs[i])
		ks = append(ks, min(lo, n-1), min(lo+1, n-1))
	}
	slices.Sort(ks)
	ks = slices.Compact(ks)
	orderStats(work, ks)
	out := make([]float64, points)
	for i, p := range probs {
		out[i] = Quantile(work, p)
	}
	return out
}
