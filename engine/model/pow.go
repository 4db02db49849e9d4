// The loop below is that of Go's math.Pow (Copyright 2009 The Go Authors,
// BSD-style licence in Go's LICENSE file), with the base's logarithm and
// binary exponent computed once.

package model

import (
	"math"

	"github.com/settle-sim/settle/engine/dist"
)

// plainPath, set only by tests, compiles draws to the families' Sample
// (gonum, through rand.Source) and ** to math.Pow: the plain path that
// the fast one (dist.Sampler, powBase) must equal exactly.
var plainPath = false

func newSampler(f *dist.Family, p dist.Params) dist.Sampler {
	if plainPath {
		return dist.PlainSampler(f, p)
	}
	return dist.NewSampler(f, p)
}

// powBase computes x**y for a base x fixed when the rule is compiled,
// such as (1 + discount_rate) ** -years: exactly math.Pow(x, y)
// (TestPowBaseMatchesPow), without computing log(x) and frexp(x) again
// in every trial.
type powBase struct {
	x, logx float64
	frac    float64 // x = frac · 2^exp
	exp     int
	plain   bool // x is not finite and positive, or is 1: use math.Pow
}

func newPowBase(x float64) powBase {
	b := powBase{x: x, plain: !(x > 0) || math.IsInf(x, 0) || x == 1}
	if !b.plain {
		b.logx = math.Log(x)
		b.frac, b.exp = math.Frexp(x)
	}
	return b
}

func (b *powBase) pow(y float64) float64 {
	x := b.x
	switch {
	case b.plain || math.IsNaN(y) || math.IsInf(y, 0) || y == 0.5 || y == -0.5:
		return math.Pow(x, y)
	case y == 0:
		return 1
	case y == 1:
		return x
	}
	yi, yf := math.Modf(math.Abs(y))
	if yi >= 1<<63 {
		return math.Pow(x, y)
	}
	a1 := 1.0
	ae := 0
	if yf != 0 {
		if yf > 0.5 {
			yf--
			yi++
		}
		a1 = math.Exp(yf * b.logx)
	}
	x1, xe := b.frac, b.exp
	for i := int64(yi); i != 0; i >>= 1 {
		if xe < -1<<12 || 1<<12 < xe {
			ae += xe
			break
		}
		if i&1 == 1 {
			a1 *= x1
			ae += xe
		}
		x1 *= x1
		xe <<= 1
		if x1 < .5 {
			x1 += x1
			xe--
		}
	}
	if y < 0 {
		a1 = 1 / a1
		ae = -ae
	}
	if a1 > 0x1p-60 && a1 < 0x1p60 && ae > -900 && ae < 900 {
		// A normal result: times 2^ae, which is exact, is Ldexp.
		return a1 * math.Float64frombits(uint64(1023+ae)<<52)
	}
	return math.Ldexp(a1, ae)
}
