package dist

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// This file adds the families beyond the first eight, and gives every
// family its distribution function and quantile function.

func init() {
	for _, f := range families {
		q, ok := inverses[f.Name]
		if !ok {
			panic("dist: no CDF and quantile for " + f.Name)
		}
		f.CDF, f.Quantile = q.cdf, q.quantile
	}
	families = append(families, more...)
	slices.SortStableFunc(families, func(a, b *Family) int { return strings.Compare(a.Name, b.Name) })
}

// LookupArity returns the family called name that takes n parameters,
// such as pert(min, mode, max, shape), or else the first called name.
func LookupArity(name string, n int) (*Family, bool) {
	var first *Family
	for _, f := range families {
		if f.Name != name {
			continue
		}
		if len(f.Params) == n {
			return f, true
		}
		if first == nil {
			first = f
		}
	}
	return first, first != nil
}

// Z90 is the standard normal's 95th percentile: a 90% interval is the
// mean ± Z90 standard deviations.
const Z90 = 1.6448536269514722

type inverse struct {
	cdf      func(p Params, x float64) float64
	quantile func(p Params, u float64) float64
}

// inverses are the CDF and quantile of the families of dist.go.
var inverses = map[string]inverse{
	"bernoulli": {
		cdf: func(p Params, x float64) float64 {
			switch {
			case x < 0:
				return 0
			case x < 1:
				return 1 - p[0]
			}
			return 1
		},
		quantile: func(p Params, u float64) float64 {
			if u > 1-p[0] {
				return 1
			}
			return 0
		},
	},
	"beta": {
		cdf:      func(p Params, x float64) float64 { return distuv.Beta{Alpha: p[0], Beta: p[1]}.CDF(x) },
		quantile: func(p Params, u float64) float64 { return distuv.Beta{Alpha: p[0], Beta: p[1]}.Quantile(u) },
	},
	"gamma": {
		cdf:      func(p Params, x float64) float64 { return distuv.Gamma{Alpha: p[0], Beta: p[1]}.CDF(x) },
		quantile: func(p Params, u float64) float64 { return gammaQuantile(p[0], p[1], u) },
	},
	"lognormal": {
		cdf:      func(p Params, x float64) float64 { return lognormalCDF(p[0], p[1], x) },
		quantile: func(p Params, u float64) float64 { return math.Exp(p[0] + p[1]*mathext.NormalQuantile(u)) },
	},
	"normal": {
		cdf:      func(p Params, x float64) float64 { return normalCDF(p[0], p[1], x) },
		quantile: func(p Params, u float64) float64 { return p[0] + p[1]*mathext.NormalQuantile(u) },
	},
	"pert": {
		cdf:      func(p Params, x float64) float64 { return pertCDF(p[0], p[1], p[2], 4, x) },
		quantile: func(p Params, u float64) float64 { return pertQuantile(p[0], p[1], p[2], 4, u) },
	},
	"triangular": {
		cdf:      func(p Params, x float64) float64 { return triangle(p).CDF(x) },
		quantile: func(p Params, u float64) float64 { return triangle(p).Quantile(u) },
	},
	"uniform": {
		cdf: func(p Params, x float64) float64 {
			if p[1] == p[0] {
				return step(x, p[0])
			}
			return clamp01((x - p[0]) / (p[1] - p[0]))
		},
		quantile: func(p Params, u float64) float64 { return p[0] + u*(p[1]-p[0]) },
	},
}

func triangle(p Params) distuv.Triangle { return distuv.NewTriangle(p[0], p[2], p[1], nil) }

func clamp01(x float64) float64 { return min(max(x, 0), 1) }

// step is the CDF of a point mass at at.
func step(x, at float64) float64 {
	if x < at {
		return 0
	}
	return 1
}

func normalCDF(mu, sd, x float64) float64 {
	if sd == 0 {
		return step(x, mu)
	}
	return 0.5 * math.Erfc(-(x-mu)/(sd*math.Sqrt2))
}

func lognormalCDF(mu, sigma, x float64) float64 {
	if x <= 0 {
		return 0
	}
	return normalCDF(mu, sigma, math.Log(x))
}

// pertBetaShape returns the beta behind a PERT with shape lambda.
func pertBetaShape(min, mode, max, lambda float64) distuv.Beta {
	r := max - min
	return distuv.Beta{Alpha: 1 + lambda*(mode-min)/r, Beta: 1 + lambda*(max-mode)/r}
}

func pertCDF(min, mode, max, lambda, x float64) float64 {
	return pertBetaShape(min, mode, max, lambda).CDF(clamp01((x - min) / (max - min)))
}

func pertQuantile(min, mode, max, lambda, u float64) float64 {
	return min + (max-min)*pertBetaShape(min, mode, max, lambda).Quantile(u)
}

// discreteQuantile returns the smallest whole k ≥ lo with cdf(k) ≥ u,
// searching from guess.
func discreteQuantile(cdf func(k float64) float64, guess, lo, hi, u float64) float64 {
	k := math.Max(lo, math.Min(hi, math.Floor(guess)))
	for k > lo && cdf(k-1) >= u {
		k--
	}
	for k < hi && cdf(k) < u {
		k++
	}
	return k
}

// more are the families added to the first eight.
var more = []*Family{
	{
		Name: "exponential", Params: []string{"rate"},
		Doc:   "exponential distribution with the given rate (mean 1/rate)",
		Check: positive1("rate"),
		Sample: func(src rand.Source, p Params) float64 {
			return distuv.Exponential{Rate: p[0], Src: src}.Rand()
		},
		Mean: func(p Params) float64 { return 1 / p[0] },
		Var:  func(p Params) float64 { return 1 / (p[0] * p[0]) },
		CDF: func(p Params, x float64) float64 {
			if x <= 0 {
				return 0
			}
			return -math.Expm1(-p[0] * x)
		},
		Quantile: func(p Params, u float64) float64 { return -math.Log1p(-u) / p[0] },
	},
	{
		Name: "weibull", Params: []string{"shape", "scale"},
		Doc:   "Weibull distribution with the given shape k and scale λ",
		Check: checkWeibull,
		Sample: func(src rand.Source, p Params) float64 {
			return distuv.Weibull{K: p[0], Lambda: p[1], Src: src}.Rand()
		},
		Mean: func(p Params) float64 { return p[1] * math.Gamma(1+1/p[0]) },
		Var: func(p Params) float64 {
			g1 := math.Gamma(1 + 1/p[0])
			return p[1] * p[1] * (math.Gamma(1+2/p[0]) - g1*g1)
		},
		CDF: func(p Params, x float64) float64 {
			if x <= 0 {
				return 0
			}
			return -math.Expm1(-math.Pow(x/p[1], p[0]))
		},
		Quantile: func(p Params, u float64) float64 { return p[1] * math.Pow(-math.Log1p(-u), 1/p[0]) },
	},
	{
		Name: "student_t", Params: []string{"df", "loc", "scale"},
		Doc:   "Student's t with df degrees of freedom, shifted by loc and stretched by scale",
		Check: checkStudentT,
		Sample: func(src rand.Source, p Params) float64 {
			return studentsT(p, src).Rand()
		},
		// The mean exists for df > 1 and the variance for df > 2.
		Mean: func(p Params) float64 {
			if p[0] <= 1 {
				return math.NaN()
			}
			return p[1]
		},
		Var: func(p Params) float64 {
			switch {
			case p[0] <= 1:
				return math.NaN()
			case p[0] <= 2:
				return math.Inf(1)
			}
			return p[2] * p[2] * p[0] / (p[0] - 2)
		},
		CDF:      func(p Params, x float64) float64 { return studentsT(p, nil).CDF(x) },
		Quantile: func(p Params, u float64) float64 { return studentsT(p, nil).Quantile(u) },
	},
	{
		Name: "poisson", Params: []string{"lambda"},
		Doc:   "Poisson count with mean lambda",
		Check: checkPoisson,
		Sample: func(src rand.Source, p Params) float64 {
			return distuv.Poisson{Lambda: p[0], Src: src}.Rand()
		},
		Mean: func(p Params) float64 { return p[0] },
		Var:  func(p Params) float64 { return p[0] },
		CDF: func(p Params, x float64) float64 {
			if x < 0 {
				return 0
			}
			return distuv.Poisson{Lambda: p[0]}.CDF(math.Floor(x))
		},
		Quantile: func(p Params, u float64) float64 {
			d := distuv.Poisson{Lambda: p[0]}
			guess := p[0] + math.Sqrt(p[0])*mathext.NormalQuantile(u)
			return discreteQuantile(d.CDF, guess, 0, math.Inf(1), u)
		},
	},
	{
		Name: "binomial", Params: []string{"n", "p"},
		Doc: "number of successes in n trials each with probability p",
		Check: func(p Params) string {
			switch {
			case p[0] < 0 || p[0] != math.Floor(p[0]) || p[0] > MaxBinomialTrials:
				return fmt.Sprintf("n (%s) must be a whole number from 0 to %s", num(p[0]), num(MaxBinomialTrials))
			case p[1] < 0 || p[1] > 1:
				return fmt.Sprintf("p (%s) must be a probability between 0 and 1", num(p[1]))
			}
			return ""
		},
		Sample: func(src rand.Source, p Params) float64 {
			return distuv.Binomial{N: p[0], P: p[1], Src: src}.Rand()
		},
		Mean: func(p Params) float64 { return p[0] * p[1] },
		Var:  func(p Params) float64 { return p[0] * p[1] * (1 - p[1]) },
		CDF: func(p Params, x float64) float64 {
			switch {
			case x < 0:
				return 0
			case x >= p[0]:
				return 1
			}
			return distuv.Binomial{N: p[0], P: p[1]}.CDF(math.Floor(x))
		},
		Quantile: func(p Params, u float64) float64 {
			d := distuv.Binomial{N: p[0], P: p[1]}
			guess := p[0]*p[1] + math.Sqrt(p[0]*p[1]*(1-p[1]))*mathext.NormalQuantile(u)
			return discreteQuantile(d.CDF, guess, 0, p[0], u)
		},
	},
	{
		Name: "loguniform", Params: []string{"min", "max"},
		Doc:   "log-uniform on [min, max]: every factor of 10 equally likely",
		Check: checkLogUniform,
		Sample: func(src rand.Source, p Params) float64 {
			return math.Exp(distuv.Uniform{Min: math.Log(p[0]), Max: math.Log(p[1]), Src: src}.Rand())
		},
		Mean: func(p Params) float64 { return (p[1] - p[0]) / math.Log(p[1]/p[0]) },
		Var: func(p Params) float64 {
			l := math.Log(p[1] / p[0])
			m := (p[1] - p[0]) / l
			return (p[1]*p[1]-p[0]*p[0])/(2*l) - m*m
		},
		CDF: func(p Params, x float64) float64 {
			if x <= p[0] {
				return 0
			}
			return clamp01(math.Log(x/p[0]) / math.Log(p[1]/p[0]))
		},
		Quantile: func(p Params, u float64) float64 { return p[0] * math.Pow(p[1]/p[0], u) },
	},
	{
		Name: "pert", Params: []string{"min", "mode", "max", "shape"},
		Doc:   "PERT with a shape: larger shapes crowd the draws round mode (pert(min, mode, max) has shape 4)",
		Check: checkPertShape,
		Sample: func(src rand.Source, p Params) float64 {
			b := pertBetaShape(p[0], p[1], p[2], p[3])
			b.Src = src
			return p[0] + (p[2]-p[0])*b.Rand()
		},
		Mean: func(p Params) float64 { return (p[0] + p[3]*p[1] + p[2]) / (p[3] + 2) },
		Var: func(p Params) float64 {
			r := p[2] - p[0]
			return r * r * pertBetaShape(p[0], p[1], p[2], p[3]).Variance()
		},
		CDF:      func(p Params, x float64) float64 { return pertCDF(p[0], p[1], p[2], p[3], x) },
		Quantile: func(p Params, u float64) float64 { return pertQuantile(p[0], p[1], p[2], p[3], u) },
	},
	{
		Name: "normal_ci", Params: []string{"lo", "hi"},
		Doc:   "normal whose 90% interval is [lo, hi]: 5% below lo, 5% above hi",
		Check: checkNormalCI,
		Sample: func(src rand.Source, p Params) float64 {
			m, sd := normalCI(p)
			return distuv.Normal{Mu: m, Sigma: sd, Src: src}.Rand()
		},
		Mean: func(p Params) float64 { m, _ := normalCI(p); return m },
		Var:  func(p Params) float64 { _, sd := normalCI(p); return sd * sd },
		CDF: func(p Params, x float64) float64 {
			m, sd := normalCI(p)
			return normalCDF(m, sd, x)
		},
		Quantile: func(p Params, u float64) float64 {
			m, sd := normalCI(p)
			return m + sd*mathext.NormalQuantile(u)
		},
	},
	{
		Name: "lognormal_ci", Params: []string{"lo", "hi"},
		Doc:   "lognormal whose 90% interval is [lo, hi]: 5% below lo, 5% above hi",
		Check: checkInterval(true),
		Sample: func(src rand.Source, p Params) float64 {
			mu, sigma := lognormalCI(p)
			return distuv.LogNormal{Mu: mu, Sigma: sigma, Src: src}.Rand()
		},
		Mean: func(p Params) float64 {
			mu, sigma := lognormalCI(p)
			return math.Exp(mu + sigma*sigma/2)
		},
		Var: func(p Params) float64 {
			mu, sigma := lognormalCI(p)
			s2 := sigma * sigma
			return (math.Exp(s2) - 1) * math.Exp(2*mu+s2)
		},
		CDF: func(p Params, x float64) float64 {
			mu, sigma := lognormalCI(p)
			return lognormalCDF(mu, sigma, x)
		},
		Quantile: func(p Params, u float64) float64 {
			mu, sigma := lognormalCI(p)
			return math.Exp(mu + sigma*mathext.NormalQuantile(u))
		},
	},
}

func studentsT(p Params, src rand.Source) distuv.StudentsT {
	return distuv.StudentsT{Nu: p[0], Mu: p[1], Sigma: p[2], Src: src}
}

// normalCI returns the mean and standard deviation of normal_ci(lo, hi).
func normalCI(p Params) (mean, sd float64) {
	return (p[0] + p[1]) / 2, (p[1] - p[0]) / (2 * Z90)
}

// lognormalCI returns mu and sigma of lognormal_ci(lo, hi).
func lognormalCI(p Params) (mu, sigma float64) {
	l, h := math.Log(p[0]), math.Log(p[1])
	return (l + h) / 2, (h - l) / (2 * Z90)
}

func checkInterval(positive bool) func(p Params) string {
	return func(p Params) string {
		switch {
		case positive && p[0] <= 0:
			return fmt.Sprintf("lo (%s) must be greater than 0: a lognormal takes only positive values", num(p[0]))
		case p[0] > p[1]:
			return fmt.Sprintf("lo (%s) must not exceed hi (%s); the order is (lo, hi)", num(p[0]), num(p[1]))
		}
		return ""
	}
}

func positive1(a string) func(p Params) string {
	return func(p Params) string {
		if p[0] <= 0 {
			return fmt.Sprintf("%s (%s) must be greater than 0", a, num(p[0]))
		}
		return ""
	}
}
