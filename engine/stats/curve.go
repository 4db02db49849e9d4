package stats

// CurvePoints is how many quantiles a distribution's curve has: at
// probabilities 0, 1/200, 2/200, …, 1.
const CurvePoints = 201

// Curve returns the quantiles of xs, which must be finite, at
// probabilities i/(points−1) for i = 0 … points−1, as Quantile gives
// them (definition 7 of Hyndman and Fan), the first being the minimum
// and the last the maximum: enough of the distribution to draw its
// cumulative distribution as a smooth curve. The order statistics are
// found by bucket selection, as Summarize finds its quantiles: three
// passes over xs, which is not changed, and a selection among the few
// values of the buckets that hold them. It returns nil for no values or
// fewer than two points.
func Curve(xs []float64, points int) []float64 {
	n := len(xs)
	if n == 0 || points < 2 {
		return nil
	}
	lo, hi, atLo, atHi := xs[0], xs[0], 0, 0
	for _, x := range xs {
		lo, atLo = lower(lo, atLo, x)
		hi, atHi = higher(hi, atHi, x)
	}
	b := newBucketing(lo, hi)
	defer b.release()
	b.atLo, b.atHi = atLo, atHi
	b.count(xs)
	out := make([]float64, points)
	b.quantiles(xs, curveProbs(points), out)
	return out
}

// curveProbs are a curve's probabilities, i/(points−1) for i = 0 … points−1.
func curveProbs(points int) []float64 {
	probs := make([]float64, points)
	for i := range probs {
		probs[i] = float64(i) / float64(points-1)
	}
	return probs
}
