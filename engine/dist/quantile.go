package dist

import (
	"math"

	"gonum.org/v1/gonum/mathext"
)

// accurateShape is the shape from which gonum's inverse regularised
// incomplete gamma function (GammaIncRegInv) is accurate everywhere:
// below it, it misses in the lower tail, where the distribution crowds
// its mass near 0 (on a grid of 10⁵ probabilities, gamma(0.1)'s
// quantiles were wrong below u = 0.06, gamma(0.05)'s below 0.24, and
// gamma(0.3)'s five times below 5·10⁻⁵). There the quantile is found again
// from the distribution function, which is accurate, by refine. (Its
// inverse incomplete beta function holds in the lower tail for every
// shape tried down to 0.05.)
const accurateShape = 0.5

// gammaQuantile is the quantile of gamma(shape a, rate b): gonum's
// inverse of the regularised incomplete gamma function P(a, x), checked
// and, below accurateShape, refined.
func gammaQuantile(a, b, u float64) float64 {
	x := mathext.GammaIncRegInv(a, u)
	if a < accurateShape {
		x = refine(func(x float64) float64 { return mathext.GammaIncReg(a, x) }, u, x, math.MaxFloat64)
	}
	return x / b
}

// refine returns x when cdf(x) is u to within 10⁻⁹ of the smaller of u
// and 1 − u (or within a few steps of float64 near 1), and otherwise the
// least x in [0, hi] with cdf(x) ≥ u, by bisection on the bits of x:
// for x ≥ 0 the order of float64 numbers is the order of their bits, so
// that 64 halvings find it exactly, whatever the shape of cdf.
func refine(cdf func(float64) float64, u, x, hi float64) float64 {
	if x >= 0 && x <= hi {
		if d := math.Abs(cdf(x) - u); d <= max(1e-9*min(u, 1-u), 4e-16) {
			return x
		}
	}
	lo, up := uint64(0), math.Float64bits(hi)
	if cdf(0) >= u {
		return 0
	}
	for up-lo > 1 { // cdf(lo) < u <= cdf(up)
		mid := lo + (up-lo)/2
		if cdf(math.Float64frombits(mid)) >= u {
			up = mid
		} else {
			lo = mid
		}
	}
	return math.Float64frombits(up)
}
