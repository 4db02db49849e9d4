package fit

import (
	"errors"
	"math"
	"slices"

	"gonum.org/v1/gonum/mathext"

	"github.com/settle-sim/settle/engine/dist"
)

// Family is a distribution settle fits: a family of engine/dist under
// its own name and parameters, so that a fit is pasted as it is called
// in a scenario, with its log-density and its maximum-likelihood fit.
type Family struct {
	// Name is the family's name in scenarios: normal, lognormal, ….
	Name string
	// Params are its parameters' names, in order.
	Params []string
	// Regular is true when the log-likelihood is smooth at its maximum,
	// so that the inverse of the observed information is the parameters'
	// covariance. It is false where a parameter is an end of the support
	// (uniform, triangular, loguniform), where it is not.
	Regular bool

	dist  *dist.Family
	kinds []kind // how each parameter changes when the data are scaled
	// scaled is true when the family is fitted to the data divided by a
	// power of ten near their size, which keeps the optimisation and the
	// information matrix well conditioned; beta is fitted as it is.
	scaled bool
	// applies says why the family cannot describe the data, "" when it
	// can.
	applies func(d *data) string
	// mle returns the maximum-likelihood parameters on d.
	mle func(d *data) (dist.Params, error)
	// logpdf is the log-density at x.
	logpdf func(p dist.Params, x float64) float64
	// loglik, when not nil, is the log-likelihood from d's sums, faster
	// than summing logpdf.
	loglik func(p dist.Params, d *data) float64
	// irregularSE, for a family that is not regular, gives the standard
	// errors known otherwise (NaN where none is).
	irregularSE func(p dist.Params, d *data) []float64
}

// kind is how a parameter changes when the data are multiplied by s.
type kind uint8

const (
	shape  kind = iota // unchanged
	scale              // multiplied by s (locations, scales, ends)
	rate               // divided by s
	logLoc             // increased by log s (lognormal's mu)
)

// data are the values fitted, sorted, with the sums the closed-form
// fits and log-likelihoods use.
type data struct {
	x                      []float64 // sorted
	n                      float64
	sum, sumSq, sumLog     float64
	sumLog1m               float64 // Σ log(1−x), for values in (0, 1)
	min, max, mean, sd     float64
	allPositive, allInUnit bool

	// start, when not nil, is where a numerical fit starts (a bootstrap
	// sample's refit starts from the fit it was drawn from), and quick
	// asks for one pass of the optimiser rather than two.
	start *dist.Params
	quick bool
}

func newData(x []float64) *data {
	d := &data{x: slices.Sorted(slices.Values(x)), n: float64(len(x))}
	d.min, d.max = d.x[0], d.x[len(d.x)-1]
	d.allPositive, d.allInUnit = d.min > 0, d.min > 0 && d.max < 1
	for _, v := range d.x {
		d.sum += v
		if d.allPositive {
			d.sumLog += math.Log(v)
		}
		if d.allInUnit {
			d.sumLog1m += math.Log1p(-v)
		}
	}
	d.mean = d.sum / d.n
	for _, v := range d.x {
		d.sumSq += (v - d.mean) * (v - d.mean)
	}
	d.sd = math.Sqrt(d.sumSq / d.n)
	return d
}

// DefaultFamilies are the families settle fit tries when none are
// named, in the order of ties.
var DefaultFamilies = []string{"normal", "lognormal", "gamma", "weibull", "exponential", "beta", "pert", "triangular", "uniform", "loguniform", "student_t"}

// Lookup returns the family called name.
func Lookup(name string) (*Family, bool) {
	for _, f := range families {
		if f.Name == name {
			return f, true
		}
	}
	return nil, false
}

// Families returns every family settle can fit.
func Families() []*Family { return slices.Clone(families) }

func distFamily(name string) *dist.Family {
	f, ok := dist.Lookup(name)
	if !ok {
		panic("fit: no distribution " + name)
	}
	return f
}

func positive(d *data) string {
	if !d.allPositive {
		return "it takes positive values only, and the data have values at or below 0"
	}
	return ""
}

func always(*data) string { return "" }

func atLeast3Distinct(d *data) string {
	if d.min == d.max {
		return "the data have a single value"
	}
	return ""
}

var errNoFit = errors.New("the likelihood has no maximum for these data")

// families are the families settle fits: their parameterisations are
// engine/dist's.
var families = []*Family{
	{
		// normal(mean, sd): μ̂ = x̄, σ̂² = Σ(x−x̄)²/n.
		Name: "normal", Params: []string{"mean", "sd"}, Regular: true, scaled: true,
		kinds: []kind{scale, scale}, applies: atLeast3Distinct,
		mle: func(d *data) (dist.Params, error) { return dist.Params{d.mean, d.sd}, nil },
		logpdf: func(p dist.Params, x float64) float64 {
			z := (x - p[0]) / p[1]
			return -0.5*z*z - math.Log(p[1]) - lnSqrt2Pi
		},
		loglik: func(p dist.Params, d *data) float64 {
			ss := d.sumSq + d.n*(d.mean-p[0])*(d.mean-p[0])
			return -ss/(2*p[1]*p[1]) - d.n*(math.Log(p[1])+lnSqrt2Pi)
		},
	},
	{
		// lognormal(mu, sigma): μ̂ and σ̂ are normal's on log x.
		Name: "lognormal", Params: []string{"mu", "sigma"}, Regular: true, scaled: true,
		kinds: []kind{logLoc, shape}, applies: positive,
		mle: func(d *data) (dist.Params, error) {
			mu := d.sumLog / d.n
			ss := 0.0
			for _, v := range d.x {
				e := math.Log(v) - mu
				ss += e * e
			}
			return dist.Params{mu, math.Sqrt(ss / d.n)}, nil
		},
		logpdf: func(p dist.Params, x float64) float64 {
			l := math.Log(x)
			z := (l - p[0]) / p[1]
			return -0.5*z*z - math.Log(p[1]) - lnSqrt2Pi - l
		},
	},
	{
		// gamma(shape, rate): α̂ solves log α − ψ(α) = log x̄ − mean(log x)
		// (found by bisection on log α: the left side falls from ∞ to 0),
		// and β̂ = α̂/x̄.
		Name: "gamma", Params: []string{"shape", "rate"}, Regular: true, scaled: true,
		kinds: []kind{shape, rate}, applies: positive,
		mle: func(d *data) (dist.Params, error) {
			s := math.Log(d.mean) - d.sumLog/d.n
			if !(s > 0) {
				return dist.Params{}, errNoFit
			}
			lo, hi := math.Log(1e-8), math.Log(1e10)
			for range 200 {
				mid := (lo + hi) / 2
				a := math.Exp(mid)
				if math.Log(a)-mathext.Digamma(a) > s {
					lo = mid
				} else {
					hi = mid
				}
			}
			a := math.Exp((lo + hi) / 2)
			return dist.Params{a, a / d.mean}, nil
		},
		logpdf: func(p dist.Params, x float64) float64 {
			lg, _ := math.Lgamma(p[0])
			return p[0]*math.Log(p[1]) - lg + (p[0]-1)*math.Log(x) - p[1]*x
		},
		loglik: func(p dist.Params, d *data) float64 {
			lg, _ := math.Lgamma(p[0])
			return d.n*(p[0]*math.Log(p[1])-lg) + (p[0]-1)*d.sumLog - p[1]*d.sum
		},
	},
	{
		// weibull(shape, scale): k̂ solves the profile equation
		// Σ x^k log x / Σ x^k − 1/k − mean(log x) = 0, whose left side
		// rises with k (Newton's steps on log k, kept within a bracket),
		// and λ̂ = (Σ x^k / n)^(1/k) (Johnson, Kotz and Balakrishnan,
		// Continuous Univariate Distributions 1, 1994, §21.4).
		Name: "weibull", Params: []string{"shape", "scale"}, Regular: true, scaled: true,
		kinds: []kind{shape, scale}, applies: positive,
		mle:    weibullMLE,
		logpdf: weibullLogpdf,
		loglik: weibullLoglik,
	},
	{
		// exponential(rate): λ̂ = 1/x̄.
		Name: "exponential", Params: []string{"rate"}, Regular: true, scaled: true,
		kinds: []kind{rate}, applies: positive,
		mle: func(d *data) (dist.Params, error) { return dist.Params{1 / d.mean}, nil },
		logpdf: func(p dist.Params, x float64) float64 {
			return math.Log(p[0]) - p[0]*x
		},
		loglik: func(p dist.Params, d *data) float64 { return d.n*math.Log(p[0]) - p[0]*d.sum },
	},
	{
		// beta(alpha, beta) on (0, 1): numerically, from the moments.
		Name: "beta", Params: []string{"alpha", "beta"}, Regular: true,
		kinds: []kind{shape, shape},
		applies: func(d *data) string {
			if !d.allInUnit {
				return "it takes values between 0 and 1 only"
			}
			return atLeast3Distinct(d)
		},
		mle: func(d *data) (dist.Params, error) {
			m, v := d.mean, d.sd*d.sd
			c := max(m*(1-m)/v-1, 0.1)
			t0 := []float64{math.Log(m * c), math.Log((1 - m) * c)}
			if d.start != nil {
				t0 = []float64{math.Log(d.start[0]), math.Log(d.start[1])}
			}
			return numeric(d, t0, func(t []float64) dist.Params {
				return dist.Params{math.Exp(t[0]), math.Exp(t[1])}
			}, betaLoglik)
		},
		logpdf: betaLogpdf,
		loglik: betaLoglik,
	},
	{
		// pert(min, mode, max): numerically, min below and max above the
		// data, from ends a tenth of the range beyond them and the mode
		// that gives the data's mean.
		Name: "pert", Params: []string{"min", "mode", "max"}, Regular: true, scaled: true,
		kinds: []kind{scale, scale, scale}, applies: atLeast3Distinct,
		mle: func(d *data) (dist.Params, error) {
			r := d.max - d.min
			lo, hi := d.min-r/10, d.max+r/10
			mode := min(max((6*d.mean-lo-hi)/4, lo+r/100), hi-r/100)
			return numeric(d, endsTheta(d, lo, mode, hi, r), endsParams(d), pertLoglik)
		},
		logpdf: pertLogpdf,
		loglik: pertLoglik,
	},
	{
		// triangular(min, mode, max): numerically, like pert (the
		// likelihood has corners at the data, so Nelder–Mead, which needs
		// no derivatives).
		Name: "triangular", Params: []string{"min", "mode", "max"}, scaled: true,
		kinds: []kind{scale, scale, scale}, applies: atLeast3Distinct,
		mle: func(d *data) (dist.Params, error) {
			r := d.max - d.min
			lo, hi := d.min-r/20, d.max+r/20
			mode := min(max(3*d.mean-lo-hi, lo+r/100), hi-r/100)
			return numeric(d, endsTheta(d, lo, mode, hi, r), endsParams(d), sumLogpdf(triangularLogpdf))
		},
		logpdf: triangularLogpdf,
		// The mode's information with the ends known is
		// P(x<c)/(c−a)² + P(x>c)/(b−c)² = 1/((c−a)(b−c)); the ends, where
		// the density vanishes, have no finite information.
		irregularSE: func(p dist.Params, d *data) []float64 {
			return []float64{math.NaN(), math.Sqrt((p[1] - p[0]) * (p[2] - p[1]) / d.n), math.NaN()}
		},
	},
	{
		// uniform(min, max): the data's least and greatest values.
		Name: "uniform", Params: []string{"min", "max"}, scaled: true,
		kinds: []kind{scale, scale}, applies: atLeast3Distinct,
		mle: func(d *data) (dist.Params, error) { return dist.Params{d.min, d.max}, nil },
		logpdf: func(p dist.Params, x float64) float64 {
			if x < p[0] || x > p[1] {
				return math.Inf(-1)
			}
			return -math.Log(p[1] - p[0])
		},
		// The least and greatest of n uniform values miss the ends by
		// about (max−min)/n, their standard deviation.
		irregularSE: func(p dist.Params, d *data) []float64 {
			e := (p[1] - p[0]) / d.n
			return []float64{e, e}
		},
	},
	{
		// loguniform(min, max): the data's least and greatest values.
		Name: "loguniform", Params: []string{"min", "max"}, scaled: true,
		kinds: []kind{scale, scale},
		applies: func(d *data) string {
			if s := positive(d); s != "" {
				return s
			}
			return atLeast3Distinct(d)
		},
		mle: func(d *data) (dist.Params, error) { return dist.Params{d.min, d.max}, nil },
		logpdf: func(p dist.Params, x float64) float64 {
			if x < p[0] || x > p[1] {
				return math.Inf(-1)
			}
			return -math.Log(x) - math.Log(math.Log(p[1]/p[0]))
		},
		// As uniform's, on the log scale: log max − log min over n.
		irregularSE: func(p dist.Params, d *data) []float64 {
			e := math.Log(p[1]/p[0]) / d.n
			return []float64{p[0] * e, p[1] * e}
		},
	},
	{
		// student_t(df, loc, scale): numerically, from df 5, the median and
		// the interquartile range.
		Name: "student_t", Params: []string{"df", "loc", "scale"}, Regular: true, scaled: true,
		kinds: []kind{shape, scale, scale}, applies: atLeast3Distinct,
		mle: func(d *data) (dist.Params, error) {
			q := func(p float64) float64 { return d.x[int(p*(d.n-1))] }
			iqr := q(0.75) - q(0.25)
			if iqr <= 0 {
				iqr = d.sd
			}
			t0 := []float64{math.Log(5), q(0.5), math.Log(iqr / 1.5)}
			if d.start != nil {
				t0 = []float64{math.Log(d.start[0]), d.start[1], math.Log(d.start[2])}
			}
			return numeric(d, t0, func(t []float64) dist.Params {
				return dist.Params{math.Exp(t[0]), t[1], math.Exp(t[2])}
			}, studentLoglik)
		},
		logpdf: studentLogpdf,
		loglik: studentLoglik,
	},
}

func init() {
	for _, f := range families {
		f.dist = distFamily(f.Name)
	}
}

var lnSqrt2Pi = 0.5 * math.Log(2*math.Pi)

func lnBeta(a, b float64) float64 {
	la, _ := math.Lgamma(a)
	lb, _ := math.Lgamma(b)
	lab, _ := math.Lgamma(a + b)
	return la + lb - lab
}

func weibullLogpdf(p dist.Params, x float64) float64 {
	k, lam := p[0], p[1]
	z := x / lam
	return math.Log(k/lam) + (k-1)*math.Log(z) - math.Pow(z, k)
}

func betaLogpdf(p dist.Params, x float64) float64 {
	return (p[0]-1)*math.Log(x) + (p[1]-1)*math.Log1p(-x) - lnBeta(p[0], p[1])
}

// pertLogpdf is the log-density of pert(min, mode, max): a beta with
// shapes α = 1 + 4(mode−min)/(max−min), β = 1 + 4(max−mode)/(max−min) on
// [min, max].
func pertLogpdf(p dist.Params, x float64) float64 {
	lo, mode, hi := p[0], p[1], p[2]
	if x <= lo || x >= hi {
		return math.Inf(-1)
	}
	r := hi - lo
	a, b := 1+4*(mode-lo)/r, 1+4*(hi-mode)/r
	u := (x - lo) / r
	return (a-1)*math.Log(u) + (b-1)*math.Log1p(-u) - lnBeta(a, b) - math.Log(r)
}

// triangularLogpdf is the log-density of triangular(min, mode, max):
// 2(x−min)/((max−min)(mode−min)) below the mode, 2(max−x)/((max−min)(max−mode))
// above.
func triangularLogpdf(p dist.Params, x float64) float64 {
	lo, mode, hi := p[0], p[1], p[2]
	switch {
	case x < lo || x > hi:
		return math.Inf(-1)
	case x < mode:
		return math.Log(2*(x-lo)) - math.Log((hi-lo)*(mode-lo))
	case x > mode:
		return math.Log(2*(hi-x)) - math.Log((hi-lo)*(hi-mode))
	}
	return math.Log(2 / (hi - lo))
}

// studentLogpdf is the log-density of student_t(df, loc, scale).
func studentLogpdf(p dist.Params, x float64) float64 {
	nu, loc, s := p[0], p[1], p[2]
	z := (x - loc) / s
	a, _ := math.Lgamma((nu + 1) / 2)
	b, _ := math.Lgamma(nu / 2)
	return a - b - 0.5*math.Log(nu*math.Pi) - math.Log(s) - (nu+1)/2*math.Log1p(z*z/nu)
}

// endsTheta and endsParams map (min, mode, max), with min below the data
// and max above, to and from unconstrained numbers: the logs of the
// gaps between the ends and the data, and the logit of where the mode
// lies between the ends. endsTheta starts from d.start when it has one,
// its ends moved beyond the data (by a hundredth of the range r) where
// they are not.
func endsTheta(d *data, lo, mode, hi, r float64) []float64 {
	if d.start != nil {
		lo, mode, hi = min(d.start[0], d.min-r/100), d.start[1], max(d.start[2], d.max+r/100)
		mode = min(max(mode, lo+r/100), hi-r/100)
	}
	w := (mode - lo) / (hi - lo)
	return []float64{math.Log(d.min - lo), math.Log(w / (1 - w)), math.Log(hi - d.max)}
}

func endsParams(d *data) func(t []float64) dist.Params {
	return func(t []float64) dist.Params {
		lo, hi := d.min-math.Exp(t[0]), d.max+math.Exp(t[2])
		w := 1 / (1 + math.Exp(-t[1]))
		return dist.Params{lo, lo + w*(hi-lo), hi}
	}
}

// weibullLoglik is the Weibull log-likelihood:
// n(log(k/λ) − (k−1) log λ) + (k−1) Σ log x − Σ (x/λ)^k.
func weibullLoglik(p dist.Params, d *data) float64 {
	k, lam := p[0], p[1]
	s := 0.0
	for _, x := range d.x {
		s += math.Pow(x/lam, k)
	}
	return d.n*(math.Log(k/lam)-(k-1)*math.Log(lam)) + (k-1)*d.sumLog - s
}

// pertLoglik is the PERT log-likelihood, the beta's on [min, max]:
// Σ (α−1) log(x−min) + (β−1) log(max−x) − n(log B(α, β) + (α+β−1) log(max−min)).
func pertLoglik(p dist.Params, d *data) float64 {
	lo, mode, hi := p[0], p[1], p[2]
	if d.min <= lo || d.max >= hi {
		return math.Inf(-1)
	}
	r := hi - lo
	a, b := 1+4*(mode-lo)/r, 1+4*(hi-mode)/r
	s := 0.0
	for _, x := range d.x {
		s += (a-1)*math.Log(x-lo) + (b-1)*math.Log(hi-x)
	}
	return s - d.n*(lnBeta(a, b)+(a+b-1)*math.Log(r))
}

// studentLoglik is the log-likelihood of student_t(df, loc, scale).
func studentLoglik(p dist.Params, d *data) float64 {
	nu, loc, sc := p[0], p[1], p[2]
	a, _ := math.Lgamma((nu + 1) / 2)
	b, _ := math.Lgamma(nu / 2)
	s := 0.0
	for _, x := range d.x {
		z := (x - loc) / sc
		s += math.Log1p(z * z / nu)
	}
	return d.n*(a-b-0.5*math.Log(nu*math.Pi)-math.Log(sc)) - (nu+1)/2*s
}

// betaLoglik is the beta log-likelihood from Σ log x and Σ log(1−x).
func betaLoglik(p dist.Params, d *data) float64 {
	return (p[0]-1)*d.sumLog + (p[1]-1)*d.sumLog1m - d.n*lnBeta(p[0], p[1])
}

// weibullMLE is the Weibull fit: see the family's comment. The powers
// are taken relative to the largest value, x^k = e^(k(log x − log max))
// max^k, so that none overflows.
func weibullMLE(d *data) (dist.Params, error) {
	logs := make([]float64, len(d.x))
	top := math.Log(d.max)
	for i, x := range d.x {
		logs[i] = math.Log(x) - top
	}
	mlog := d.sumLog/d.n - top
	// g(k) and its derivative, in the logs relative to the top.
	g := func(k float64) (float64, float64) {
		var s0, s1, s2 float64
		for _, l := range logs {
			w := math.Exp(k * l)
			s0 += w
			s1 += w * l
			s2 += w * l * l
		}
		m1 := s1 / s0
		return m1 - 1/k - mlog, s2/s0 - m1*m1 + 1/(k*k)
	}
	lo, hi := 1e-3, 1e3
	if v, _ := g(lo); v > 0 {
		return dist.Params{}, errNoFit
	}
	if v, _ := g(hi); v < 0 {
		return dist.Params{}, errNoFit
	}
	k := 1.0
	if d.start != nil {
		k = min(max(d.start[0], lo), hi)
	}
	for range 100 {
		v, dv := g(k)
		if v < 0 {
			lo = k
		} else {
			hi = k
		}
		next := k - v/dv
		if !(next > lo && next < hi) {
			next = math.Sqrt(lo * hi) // bisect on the log scale
		}
		if math.Abs(next-k) <= 1e-13*k {
			k = next
			break
		}
		k = next
	}
	s := 0.0
	for _, l := range logs {
		s += math.Exp(k * l)
	}
	return dist.Params{k, math.Exp(top + math.Log(s/d.n)/k)}, nil
}
