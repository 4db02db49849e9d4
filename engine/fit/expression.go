package fit

import (
	"math"
	"strconv"
	"strings"

	"github.com/settle-sim/settle/engine/dist"
)

// Digits is the number of significant digits of a parameter in a fit's
// expression: enough that rounding moves no parameter by more than a
// small fraction of its standard error with a few thousand values.
const Digits = 4

// Expression is the fit as a scenario's input expression, ready to
// paste: lognormal(19.8, 0.31), or in money when the values are
// (normal(£412.3m, £50.12m)). Where a family's parameters are not
// amounts, a money fit is written so that its draws still are:
// lognormal as lognormal_ci(lo, hi), its 90% interval (the same
// distribution), gamma and exponential as an amount times the family
// with rate 1 (£19.3m * gamma(2.1, 1)).
func (f *Fit) Expression(isMoney bool) string {
	name, p := f.Family.Name, f.Params
	if !isMoney {
		return call(name, p, nil, false)
	}
	switch name {
	case "lognormal":
		z := dist.Z90
		lo, hi := math.Exp(p[0]-z*p[1]), math.Exp(p[0]+z*p[1])
		return call("lognormal_ci", []float64{lo, hi}, []kind{scale, scale}, true)
	case "gamma":
		return amount(1/p[1]) + " * " + call("gamma", []float64{p[0], 1}, nil, false)
	case "exponential":
		return amount(1/p[0]) + " * exponential(1)"
	}
	return call(name, p, f.Family.kinds, true)
}

// call writes name(p…), the parameters of kind scale as money when
// isMoney.
func call(name string, p []float64, kinds []kind, isMoney bool) string {
	args := make([]string, len(p))
	for i, x := range p {
		if isMoney && kinds != nil && kinds[i] == scale {
			args[i] = amount(x)
		} else {
			args[i] = number(x)
		}
	}
	return name + "(" + strings.Join(args, ", ") + ")"
}

// round rounds x to Digits significant digits.
func round(x float64) float64 {
	if x == 0 || math.IsNaN(x) || math.IsInf(x, 0) {
		return x
	}
	// Divide or multiply by an exact power of ten, so that the result
	// is the double nearest the rounded decimal.
	e := math.Floor(math.Log10(math.Abs(x))) - Digits + 1
	if e >= 0 {
		f := math.Pow(10, e)
		return math.Round(x/f) * f
	}
	f := math.Pow(10, -e)
	return math.Round(x*f) / f
}

// number writes x to Digits significant digits as a plain decimal,
// never with an exponent: 0.3101, 19.84, 0.00000002513.
func number(x float64) string {
	return strconv.FormatFloat(round(x), 'f', -1, 64)
}

// amount writes x as a money literal to Digits significant digits:
// £412.3m, £1.204bn, £950k, -£12.5m.
func amount(x float64) string {
	sign := ""
	if x < 0 {
		sign, x = "-", -x
	}
	r := round(x)
	for _, u := range []struct {
		scale  float64
		suffix string
	}{{1e9, "bn"}, {1e6, "m"}, {1e3, "k"}} {
		if r >= u.scale {
			return sign + "£" + strconv.FormatFloat(round(r/u.scale), 'f', -1, 64) + u.suffix
		}
	}
	return sign + "£" + strconv.FormatFloat(r, 'f', -1, 64)
}
