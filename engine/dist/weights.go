package dist

import "math"

// Cumulate fills cum with the running sums of the weights w (finite, 0 or
// more) for Discrete, and returns their total. Where the weights are so
// large that their sum overflows (three weights of 1e308 add up to +Inf,
// and every draw would then fall on the last), or so small that it is
// not a normal float64 and loses precision, the sums are of the weights
// divided by the largest: the same probabilities w_i / Σw, computed
// without overflow or underflow. Weights of ordinary size are summed as
// they are, so their draws do not change.
func Cumulate(cum, w []float64) float64 {
	total := 0.0
	for i, x := range w {
		total += x
		cum[i] = total
	}
	if total == 0 || total >= minWeightTotal && total <= maxWeightTotal {
		return total
	}
	m := 0.0
	for _, x := range w {
		m = max(m, x)
	}
	total = 0
	for i, x := range w {
		total += x / m
		cum[i] = total
	}
	return total
}

// The totals of weights that Cumulate sums as they are: beyond them the
// running sums may overflow, or lose the precision of normal numbers.
const (
	maxWeightTotal = math.MaxFloat64 / 2
	minWeightTotal = 0x1p-1022 * 0x1p53 // 53 bits above the smallest normal float64
)
