// Package dist holds the probability distributions that rules can call,
// such as pert(min, mode, max), with their parameter checks and samplers.
//
// A family's Sample draws through gonum's distuv with a caller's random
// source; a Sampler (fast.go) draws the common families on an
// *rng.Stream directly, with beta and pert of fixed shapes by the strip
// method (strip.go). A family's parameters travel as a fixed-size array
// so that drawing does not allocate.
package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/settle-sim/settle/engine/money"
)

// MaxParams is the largest number of parameters a family takes.
const MaxParams = 4

// Params holds a family's parameters in order; unused ones are zero.
type Params [MaxParams]float64

// Family is a distribution that rules call by name.
type Family struct {
	Name   string   // the function name in rules, e.g. "pert"
	Params []string // parameter names, for messages and documentation
	Bool   bool     // true when draws are true/false (stored as 1/0)
	Doc    string   // one line for documentation

	// Check returns "" when p is a valid parameter set, or else what is
	// wrong with it and what would fix it.
	Check func(p Params) string
	// Sample draws one value using src. p must have passed Check.
	Sample func(src rand.Source, p Params) float64
	// Mean and Var are the distribution's closed-form mean and variance.
	Mean, Var func(p Params) float64
	// CDF is the distribution function, and Quantile its inverse: the
	// draw that a uniform u in (0, 1) stands for, used by Latin
	// hypercube and Sobol' sampling, correlated inputs and truncation.
	CDF      func(p Params, x float64) float64
	Quantile func(p Params, u float64) float64
}

// Signature returns the family as it is called, e.g. "pert(min, mode, max)".
func (f *Family) Signature() string {
	s := f.Name + "("
	for i, p := range f.Params {
		if i > 0 {
			s += ", "
		}
		s += p
	}
	return s + ")"
}

// Lookup returns the family called name.
func Lookup(name string) (*Family, bool) {
	i := slices.IndexFunc(families, func(f *Family) bool { return f.Name == name })
	if i < 0 {
		return nil, false
	}
	return families[i], true
}

// Families returns every family, sorted by name.
func Families() []*Family { return slices.Clone(families) }

// Validate checks p for family f, including that every parameter is a
// finite number, and returns a descriptive error.
func Validate(f *Family, p Params) error {
	for i, name := range f.Params {
		if math.IsNaN(p[i]) || math.IsInf(p[i], 0) {
			return fmt.Errorf("%s: %s is %v; parameters must be finite numbers", f.Signature(), name, p[i])
		}
	}
	if msg := f.Check(p); msg != "" {
		return fmt.Errorf("%s: %s", f.Signature(), msg)
	}
	return nil
}

// num shows a parameter in a message as its writer would read it: no
// exponent, thousands separated (£700m is 700,000,000).
func num(x float64) string { return money.FormatExact(x) }

// PERT returns the beta distribution behind pert(min, mode, max): the
// shape parameters of the standard PERT (λ = 4) on [0, 1].
func PERT(min, mode, max float64) distuv.Beta {
	r := max - min
	return distuv.Beta{Alpha: 1 + 4*(mode-min)/r, Beta: 1 + 4*(max-mode)/r}
}

func pertBeta(p Params, src rand.Source) distuv.Beta {
	b := PERT(p[0], p[1], p[2])
	b.Src = src
	return b
}

// Discrete returns the index chosen by a uniform u in [0, 1) from
// cumulative weights cum (increasing, last element the total, finite and
// positive, as Cumulate makes them): the first i with u·total < cum[i].
func Discrete(u float64, cum []float64) int {
	target := u * cum[len(cum)-1]
	for i, c := range cum {
		if target < c {
			return i
		}
	}
	return len(cum) - 1
}

func checkRange(min, mode, max float64) string {
	switch {
	case !(min < max):
		return fmt.Sprintf("min (%s) must be less than max (%s)", num(min), num(max))
	case mode < min || mode > max:
		return fmt.Sprintf("mode (%s) must lie between min (%s) and max (%s); the order is (min, mode, max)", num(mode), num(min), num(max))
	}
	return ""
}

var families = []*Family{
	{
		Name: "bernoulli", Params: []string{"p"}, Bool: true,
		Doc: "true with probability p",
		Check: func(p Params) string {
			if p[0] < 0 || p[0] > 1 {
				return fmt.Sprintf("p (%s) must be a probability between 0 and 1", num(p[0]))
			}
			return ""
		},
		Sample: func(src rand.Source, p Params) float64 {
			return distuv.Bernoulli{P: p[0], Src: src}.Rand()
		},
		Mean: func(p Params) float64 { return p[0] },
		Var:  func(p Params) float64 { return p[0] * (1 - p[0]) },
	},
	{
		Name: "beta", Params: []string{"alpha", "beta"},
		Doc:   "beta distribution on [0, 1] with shapes alpha and beta",
		Check: checkBeta,
		Sample: func(src rand.Source, p Params) float64 {
			return distuv.Beta{Alpha: p[0], Beta: p[1], Src: src}.Rand()
		},
		Mean: func(p Params) float64 { return distuv.Beta{Alpha: p[0], Beta: p[1]}.Mean() },
		Var:  func(p Params) float64 { return distuv.Beta{Alpha: p[0], Beta: p[1]}.Variance() },
	},
	{
		Name: "gamma", Params: []string{"shape", "rate"},
		Doc:   "gamma distribution with the given shape and rate (mean shape/rate)",
		Check: checkGamma,
		Sample: func(src rand.Source, p Params) float64 {
			return distuv.Gamma{Alpha: p[0], Beta: p[1], Src: src}.Rand()
		},
		Mean: func(p Params) float64 { return p[0] / p[1] },
		Var:  func(p Params) float64 { return p[0] / (p[1] * p[1]) },
	},
	{
		Name: "lognormal", Params: []string{"mu", "sigma"},
		Doc: "exp of a normal(mu, sigma): mu and sigma are on the log scale",
		Check: func(p Params) string {
			if p[1] < 0 {
				return fmt.Sprintf("sigma (%s) must not be negative", num(p[1]))
			}
			return ""
		},
		Sample: func(src rand.Source, p Params) float64 {
			return distuv.LogNormal{Mu: p[0], Sigma: p[1], Src: src}.Rand()
		},
		Mean: func(p Params) float64 { return math.Exp(p[0] + p[1]*p[1]/2) },
		Var: func(p Params) float64 {
			s2 := p[1] * p[1]
			return (math.Exp(s2) - 1) * math.Exp(2*p[0]+s2)
		},
	},
	{
		Name: "normal", Params: []string{"mean", "sd"},
		Doc: "normal distribution with the given mean and standard deviation",
		Check: func(p Params) string {
			if p[1] < 0 {
				return fmt.Sprintf("sd (%s) must not be negative", num(p[1]))
			}
			return ""
		},
		Sample: func(src rand.Source, p Params) float64 {
			return distuv.Normal{Mu: p[0], Sigma: p[1], Src: src}.Rand()
		},
		Mean: func(p Params) float64 { return p[0] },
		Var:  func(p Params) float64 { return p[1] * p[1] },
	},
	{
		Name: "pert", Params: []string{"min", "mode", "max"},
		Doc:   "PERT distribution: a beta on [min, max] whose most likely value is mode",
		Check: checkPert,
		Sample: func(src rand.Source, p Params) float64 {
			return p[0] + (p[2]-p[0])*pertBeta(p, src).Rand()
		},
		Mean: func(p Params) float64 { return (p[0] + 4*p[1] + p[2]) / 6 },
		Var: func(p Params) float64 {
			r := p[2] - p[0]
			return r * r * PERT(p[0], p[1], p[2]).Variance()
		},
	},
	{
		Name: "triangular", Params: []string{"min", "mode", "max"},
		Doc:   "triangular distribution on [min, max] peaking at mode",
		Check: checkTriangular,
		Sample: func(src rand.Source, p Params) float64 {
			return distuv.NewTriangle(p[0], p[2], p[1], src).Rand()
		},
		Mean: func(p Params) float64 { return (p[0] + p[1] + p[2]) / 3 },
		Var: func(p Params) float64 {
			a, c, b := p[0], p[1], p[2]
			return (a*a + b*b + c*c - a*b - a*c - b*c) / 18
		},
	},
	{
		Name: "uniform", Params: []string{"min", "max"},
		Doc:   "uniform distribution on [min, max)",
		Check: checkUniform,
		Sample: func(src rand.Source, p Params) float64 {
			return distuv.Uniform{Min: p[0], Max: p[1], Src: src}.Rand()
		},
		Mean: func(p Params) float64 { return (p[0] + p[1]) / 2 },
		Var:  func(p Params) float64 { d := p[1] - p[0]; return d * d / 12 },
	},
}

func positive2(a, b string) func(p Params) string {
	return func(p Params) string {
		switch {
		case p[0] <= 0:
			return fmt.Sprintf("%s (%s) must be greater than 0", a, num(p[0]))
		case p[1] <= 0:
			return fmt.Sprintf("%s (%s) must be greater than 0", b, num(p[1]))
		}
		return ""
	}
}
