package model

import (
	"math"

	"github.com/settle-sim/settle/engine/dist"
)

// plainPath, set only by tests, compiles draws to the families' Sample
// (gonum, through rand.Source) and operations to one closure per node:
// the plain path that the fast one (dist.Sampler, fused closures) must
// equal exactly.
var plainPath = false

func newSampler(f *dist.Family, p dist.Params) dist.Sampler {
	if plainPath {
		return dist.PlainSampler(f, p)
	}
	return dist.NewSampler(f, p)
}

// powBase computes x**y for a base x fixed when the rule is compiled,
// such as (1 + discount_rate) ** -years. Where |y log x| ≤ 1 (a discount
// factor over up to 29 years at 3.5%), it is exp(y log x) with log x
// computed once: the roundings of log x and of y log x each move the
// result by at most about 2⁻⁵³ relatively, and exp adds less than an
// ulp, so it lies within 3 ulps of the true power (TestPowBaseAccuracy:
// 2 at worst in 12,000 cases, where math.Pow is up to 11 off), at half
// math.Pow's cost. Elsewhere, and for y = 1 and ±0.5, it is
// math.Pow(x, y).
type powBase struct {
	x, logx float64
	plain   bool // x is not finite and positive, or is 1: use math.Pow
}

func newPowBase(x float64) powBase {
	b := powBase{x: x, plain: !(x > 0) || math.IsInf(x, 0) || x == 1}
	if !b.plain {
		b.logx = math.Log(x)
	}
	return b
}

func (b *powBase) pow(y float64) float64 {
	if t := y * b.logx; t >= -1 && t <= 1 && !b.plain && y != 1 && y != 0.5 && y != -0.5 {
		return math.Exp(t)
	}
	return math.Pow(b.x, y)
}
