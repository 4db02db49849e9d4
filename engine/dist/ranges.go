package dist

import (
	"fmt"
	"math"
)

// The ranges of parameters over which each family's samplers (its
// Sample, its Sampler and its Quantile, which Latin hypercube and Sobol'
// sampling, correlated inputs, truncation and mixtures draw through)
// give draws exact to float64 precision. A family's Check refuses
// parameters outside them with the range, rather than draw numbers that
// are silently wrong: poisson(1e300) returned 1e300 every time, and the
// spread of poisson(1e17) was 25–30% too wide; beta(1e300, 1e300) drew 0
// (its two gamma draws overflow when added), where it is 0.5; pert with
// bounds ±1e308 made the gamma sampler loop for ever, and gonum's panic.
// Each limit below says what fails beyond it; TestRanges draws at the
// limits and checks the draws.
const (
	// MaxPoissonMean bounds poisson's lambda. The sampler (Hörmann's
	// PTRS, through gonum) accepts a candidate k by comparing
	// k·log λ − λ − lgamma(k+1) with a bound: at λ = 10⁹ the three terms
	// are near 2·10¹⁰ and the difference is off by at most about 10⁻⁵,
	// so the acceptance is exact to that relative error; at 10¹⁵ it is
	// off by units, at 10¹⁷ by hundreds, and candidates are accepted
	// regardless.
	MaxPoissonMean = 1e9
	// MaxBinomialTrials bounds binomial's n, for the same reason: the
	// Cauchy rejection compares log-probabilities of size n·log n.
	MaxBinomialTrials = 1e9

	// MaxShape bounds the shapes of beta (and of the betas behind pert
	// with a shape) and gamma: gonum's inverse regularised incomplete
	// beta and gamma functions, the quantile functions, lose accuracy
	// above it (beta(10⁸, 10⁸)'s quantiles are off by 5% in probability;
	// at 10⁶ by 3·10⁻¹⁰).
	MaxShape = 1e6
	// MaxGammaShape is gamma's own bound: its quantile function holds to
	// 10⁻¹¹ up to shape 10⁸, and is off by 12% in the lower tail at 10⁹.
	MaxGammaShape = 1e8
	// MinGammaShape bounds gamma's shape from below (and student_t's df,
	// which draws a gamma of shape df/2): a gamma of shape a falls below
	// the smallest normal float64, 2.2e-308, with probability about
	// e^(−708·a), once in 10¹⁵ draws at a = 0.05; below it, draws that
	// underflow to 0 are then divided by the rate (gamma) or taken the
	// square root of and divided by (student_t, which returns ±Inf).
	MinGammaShape = 0.05
	// MinBetaShapeSum bounds alpha + beta of beta from below: both gamma
	// draws of beta's ratio X/(X+Y) underflow to 0, and the draw is 0/0,
	// with probability about e^(−708·(alpha+beta)), 2·10⁻³¹ at 0.1.
	MinBetaShapeSum = 0.1
	// MinWeibullShape bounds weibull's shape k from below for the same
	// reason as gamma's: λ·E^(1/k), E exponential, underflows to 0 before
	// the scale multiplies it with probability about 2.2e-308^k.
	MinWeibullShape = 0.05

	// MaxStudentDF bounds student_t's df: gonum's quantile function,
	// through the inverse incomplete beta of df/2, puts the 10⁻¹²
	// quantile of student_t(10⁵) at −82 instead of −7.03. Beyond 10⁴,
	// student_t is normal to within 10⁻⁴: write normal(loc, scale).
	MaxStudentDF = 1e4

	// MaxSpan bounds max − min of uniform and pert, hi − lo of
	// normal_ci, and max / min of loguniform: the samplers compute the
	// span (and pert 4·(mode − min)), which overflows to +Inf near
	// 1.8e308.
	MaxSpan = 1e300
	// MaxTriangularSpan bounds triangular's max − min: its quantile takes
	// the square root of u·(max − min)·(mode − min), whose product
	// overflows beyond 1.3e154.
	MaxTriangularSpan = 1e150
)

// The checks that parameters are positive, made once.
var (
	betaPositive    = positive2("alpha", "beta")
	gammaPositive   = positive2("shape", "rate")
	poissonPositive = positive1("lambda")
	weibullPositive = positive2("shape", "scale")
	normalInterval  = checkInterval(false)
)

// atMost returns the message for a parameter above its limit.
func atMost(what string, v, limit float64, why string) string {
	return fmt.Sprintf("%s (%s) must be at most %s: %s", what, num(v), num(limit), why)
}

// atLeast returns the message for a parameter below its limit.
func atLeast(what string, v, limit float64, why string) string {
	return fmt.Sprintf("%s (%s) must be at least %s: %s", what, num(v), num(limit), why)
}

// checkSpan checks that hi − lo, what the samplers compute, is at most
// limit (and finite: the difference of two finite numbers may not be).
func checkSpan(lo, hi float64, loName, hiName string, limit float64) string {
	if d := hi - lo; !(d <= limit) {
		return fmt.Sprintf("%s (%s) − %s (%s) must be at most %s: the sampler computes the difference, which would overflow",
			hiName, num(hi), loName, num(lo), num(limit))
	}
	return ""
}

func checkBeta(p Params) string {
	if msg := betaPositive(p); msg != "" {
		return msg
	}
	const why = "beyond it the quantile function (used by lhs, sobol, correlations and truncated) loses accuracy"
	switch {
	case p[0] > MaxShape:
		return atMost("alpha", p[0], MaxShape, why)
	case p[1] > MaxShape:
		return atMost("beta", p[1], MaxShape, why)
	case p[0]+p[1] < MinBetaShapeSum:
		return atLeast("alpha + beta", p[0]+p[1], MinBetaShapeSum, "with smaller shapes a draw can be 0/0")
	}
	return ""
}

func checkGamma(p Params) string {
	if msg := gammaPositive(p); msg != "" {
		return msg
	}
	switch {
	case p[0] < MinGammaShape:
		return atLeast("shape", p[0], MinGammaShape, "with smaller shapes too many draws fall below the smallest float64 (2.2e-308) and are lost")
	case p[0] > MaxGammaShape:
		return atMost("shape", p[0], MaxGammaShape, "beyond it the quantile function (used by lhs, sobol, correlations and truncated) loses accuracy")
	}
	return ""
}

func checkPoisson(p Params) string {
	if msg := poissonPositive(p); msg != "" {
		return msg
	}
	if p[0] > MaxPoissonMean {
		return atMost("lambda", p[0], MaxPoissonMean, "beyond it the sampler loses precision; for so large a count, normal(lambda, sqrt(lambda)) is within 1/sqrt(lambda) of it")
	}
	return ""
}

func checkWeibull(p Params) string {
	if msg := weibullPositive(p); msg != "" {
		return msg
	}
	if p[0] < MinWeibullShape {
		return atLeast("shape", p[0], MinWeibullShape, "with smaller shapes too many draws fall below the smallest float64 (2.2e-308) and are lost")
	}
	return ""
}

func checkStudentT(p Params) string {
	switch {
	case p[0] <= 0:
		return fmt.Sprintf("df (%s) must be greater than 0", num(p[0]))
	case p[2] <= 0:
		return fmt.Sprintf("scale (%s) must be greater than 0", num(p[2]))
	case p[0] < 2*MinGammaShape:
		return atLeast("df", p[0], 2*MinGammaShape, "with fewer degrees of freedom draws overflow to infinity")
	case p[0] > MaxStudentDF:
		return atMost("df", p[0], MaxStudentDF, "beyond it the quantile function loses accuracy, and student_t is normal to within 0.01%: write normal(loc, scale)")
	}
	return ""
}

func checkUniform(p Params) string {
	if p[0] > p[1] {
		return fmt.Sprintf("min (%s) must not exceed max (%s)", num(p[0]), num(p[1]))
	}
	return checkSpan(p[0], p[1], "min", "max", MaxSpan)
}

func checkLogUniform(p Params) string {
	switch {
	case p[0] <= 0:
		return fmt.Sprintf("min (%s) must be greater than 0", num(p[0]))
	case !(p[0] < p[1]):
		return fmt.Sprintf("min (%s) must be less than max (%s)", num(p[0]), num(p[1]))
	case !(p[1]/p[0] <= MaxSpan):
		return atMost("max / min", p[1]/p[0], MaxSpan, "the quantile function computes it and would overflow")
	}
	return ""
}

// checkPert checks pert(min, mode, max) and the bounds of a pert with a
// shape.
func checkPert(p Params) string {
	if msg := checkRange(p[0], p[1], p[2]); msg != "" {
		return msg
	}
	return checkSpan(p[0], p[2], "min", "max", MaxSpan)
}

func checkPertShape(p Params) string {
	if msg := checkPert(p); msg != "" {
		return msg
	}
	if p[3] < 0 {
		return fmt.Sprintf("shape (%s) must not be negative", num(p[3]))
	}
	if p[3] > MaxShape-1 {
		return atMost("shape", p[3], MaxShape-1, "the beta behind the pert has shapes of up to 1 + shape, and its quantile function loses accuracy beyond 1,000,000")
	}
	return ""
}

func checkTriangular(p Params) string {
	if msg := checkRange(p[0], p[1], p[2]); msg != "" {
		return msg
	}
	return checkSpan(p[0], p[2], "min", "max", MaxTriangularSpan)
}

func checkNormalCI(p Params) string {
	if msg := normalInterval(p); msg != "" {
		return msg
	}
	switch {
	case math.Abs(p[0]) > MaxSpan:
		return atMost("|lo|", math.Abs(p[0]), MaxSpan, "the sampler computes (lo + hi)/2 and would overflow")
	case math.Abs(p[1]) > MaxSpan:
		return atMost("|hi|", math.Abs(p[1]), MaxSpan, "the sampler computes (lo + hi)/2 and would overflow")
	}
	return ""
}

// MinTruncationSteps is the fewest distinct values of a family's
// distribution function that a truncation to [lo, hi] must span: it is
// drawn as the quantile of F(lo) + u·(F(hi) − F(lo)), and in a far upper
// tail F is within a few float64 steps of 1 (normal(0, 1) between 8 and
// 9 spans three, so that every draw was one of three numbers).
const MinTruncationSteps = 1 << 30

// CheckTruncation returns "" when the probabilities fa = F(lo) and
// fb = F(hi), fa < fb, are far enough apart for a truncation to [lo, hi]
// to be drawn accurately, or else what is wrong.
func CheckTruncation(fa, fb float64) string {
	step := math.Nextafter(fb, math.Inf(1)) - fb
	if need := MinTruncationSteps * step; fb-fa < need {
		return fmt.Sprintf("its probability there, %.3g, is too little to draw from accurately (its distribution function moves in steps of %.3g there; it needs at least %.3g)",
			fb-fa, step, need)
	}
	return ""
}
