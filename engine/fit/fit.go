// Package fit fits distributions to data, for scenarios' inputs: each
// family by maximum likelihood, with standard errors from the observed
// information, ranked by AIC with BIC beside, each with a
// Kolmogorov–Smirnov test whose p-value allows for the parameters having
// been estimated (by a parametric bootstrap), and written as the input
// expression a scenario takes (docs/fit.md).
//
// A fit is reproducible: the same data, families, seed and bootstrap
// size give the same result whatever the number of workers.
package fit

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/settle-sim/settle/engine/dist"
)

// DefaultBootstrap is the number of parametric-bootstrap refits behind
// each Kolmogorov–Smirnov p-value when Options.Bootstrap is 0.
const DefaultBootstrap = 199

// Options control a fit.
type Options struct {
	// Families are the families to fit, by name; none means
	// DefaultFamilies (those that cannot describe the data are skipped
	// with the reason).
	Families []string
	// Money says the values are amounts of money, so that the fitted
	// expressions are written in money.
	Money bool
	// Bootstrap is the number of refits behind each KS p-value: 0 means
	// DefaultBootstrap, a negative number none (no p-value).
	Bootstrap int
	// Seed seeds the bootstrap's draws.
	Seed uint64
	// Workers bounds the goroutines; 0 means one per CPU.
	Workers int
}

// Result is every family's fit, best first.
type Result struct {
	N     int     // number of values
	Money bool    // the values are amounts of money
	Min   float64 // least value
	Max   float64 // greatest value
	Mean  float64
	SD    float64 // standard deviation (n−1)
	// Fits are the families fitted, by AIC, smallest (best) first.
	Fits []*Fit
	// Skipped are the families that cannot describe the data, and why.
	Skipped []Skipped
	// Bootstrap is the number of refits behind each KS p-value (0: none).
	Bootstrap int
	Seed      uint64
}

// Fit is one family's maximum-likelihood fit.
type Fit struct {
	Family *Family
	// Params are the fitted parameters, in the family's order, and SE
	// their standard errors (NaN where the family is not regular or the
	// information matrix is singular).
	Params, SE []float64
	// LogLik is the maximised log-likelihood; AIC = 2k − 2 LogLik and
	// BIC = k log n − 2 LogLik for k parameters; DeltaAIC is AIC less
	// the best fit's, and Weight the Akaike weight exp(−Δ/2)/Σ exp(−Δ/2).
	LogLik, AIC, BIC, DeltaAIC, Weight float64
	// KSD is the Kolmogorov–Smirnov distance between the data and the
	// fit, sup |F_n − F|; KSP its p-value by parametric bootstrap (NaN
	// when there is no bootstrap).
	KSD, KSP float64
}

// Skipped is a family that was not fitted.
type Skipped struct {
	Family string
	Reason string
}

// Params returns the fit's parameters in engine/dist's form.
func (f *Fit) params() dist.Params {
	var p dist.Params
	copy(p[:], f.Params)
	return p
}

// CDF is the fitted distribution function.
func (f *Fit) CDF(x float64) float64 { return f.Family.dist.CDF(f.params(), x) }

// Quantile is the fitted quantile function.
func (f *Fit) Quantile(u float64) float64 { return f.Family.dist.Quantile(f.params(), u) }

// Run fits the families of opt to xs, which must hold at least five
// finite numbers.
func Run(xs []float64, opt Options) (*Result, error) {
	if len(xs) < 5 {
		return nil, fmt.Errorf("fit: %d values; a fit needs at least 5 (and a few dozen to tell families apart)", len(xs))
	}
	for _, x := range xs {
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, errors.New("fit: the values must be finite numbers")
		}
	}
	names := opt.Families
	if len(names) == 0 {
		names = DefaultFamilies
	}
	var fams []*Family
	for _, n := range names {
		f, ok := Lookup(n)
		if !ok {
			return nil, fmt.Errorf("fit: no family %q; settle fits %s", n, strings.Join(familyNames(), ", "))
		}
		if !slices.Contains(fams, f) {
			fams = append(fams, f)
		}
	}
	d := newData(xs)
	res := &Result{N: len(xs), Money: opt.Money, Min: d.min, Max: d.max, Mean: d.mean,
		SD: math.Sqrt(d.sumSq / (d.n - 1)), Seed: opt.Seed}
	res.Bootstrap = opt.Bootstrap
	if res.Bootstrap == 0 {
		res.Bootstrap = DefaultBootstrap
	}
	if res.Bootstrap < 0 {
		res.Bootstrap = 0
	}
	for _, f := range fams {
		if why := f.applies(d); why != "" {
			res.Skipped = append(res.Skipped, Skipped{f.Name, why})
			continue
		}
		ft, err := f.fit(xs, nil)
		if err != nil {
			res.Skipped = append(res.Skipped, Skipped{f.Name, err.Error()})
			continue
		}
		res.Fits = append(res.Fits, ft)
	}
	if len(res.Fits) == 0 {
		return res, errors.New("fit: no family could be fitted to the data")
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	for _, ft := range res.Fits {
		ft.KSD = ksDistance(d.x, ft.CDF)
		ft.KSP = math.NaN()
		switch {
		case res.Bootstrap == 0:
		case kolmogorovP(ft.KSD, len(xs)) < 0.01/float64(res.Bootstrap+1):
			// With estimated parameters the distance is smaller than
			// Kolmogorov's table allows for (Lilliefors), so the
			// bootstrap's p-value is smaller than the table's: here,
			// below a hundredth of the least it can give, which it would
			// give in 99 runs of 100 at least. Spare the refits.
			ft.KSP = 1 / float64(res.Bootstrap+1)
		default:
			ft.KSP = bootstrapKS(ft, len(xs), res.Bootstrap, opt.Seed, uint64(slices.Index(families, ft.Family)), workers)
		}
	}
	slices.SortStableFunc(res.Fits, func(a, b *Fit) int { return cmpFloat(a.AIC, b.AIC) })
	best := res.Fits[0].AIC
	total := 0.0
	for _, ft := range res.Fits {
		ft.DeltaAIC = ft.AIC - best
		ft.Weight = math.Exp(-ft.DeltaAIC / 2)
		total += ft.Weight
	}
	for _, ft := range res.Fits {
		ft.Weight /= total
	}
	return res, nil
}

// fit fits f to xs: on the values divided by a power of ten near their
// size when f is a scale family, the parameters and their errors scaled
// back. A refit of a bootstrap sample gives the fit it was drawn from as
// start: the optimiser starts there, takes one pass, and no standard
// errors are computed.
func (f *Family) fit(xs []float64, start *Fit) (*Fit, error) {
	s := 1.0
	if f.scaled {
		s = scaleOf(xs)
	}
	ys := xs
	if s != 1 {
		ys = make([]float64, len(xs))
		for i, x := range xs {
			ys[i] = x / s
		}
	}
	d := newData(ys)
	if start != nil {
		p := rescale(f, start.params(), s)
		d.start, d.quick = &p, true
	}
	p, err := f.mle(d)
	if err != nil {
		return nil, err
	}
	if msg := f.dist.Check(unscale(f, p, s)); msg != "" {
		return nil, fmt.Errorf("the fit's parameters are not valid: %s", msg)
	}
	ll := f.logLik(p, d)
	if math.IsNaN(ll) || math.IsInf(ll, 0) {
		return nil, errNoFit
	}
	se := make([]float64, len(f.Params))
	if start == nil {
		se = f.standardErrors(p, d)
	}
	k := float64(len(f.Params))
	n := float64(len(xs))
	ll -= n * math.Log(s) // the density of x = s·y is the density of y over s
	q := unscale(f, p, s)
	ft := &Fit{Family: f, Params: q[:len(f.Params)], SE: make([]float64, len(f.Params)),
		LogLik: ll, AIC: 2*k - 2*ll, BIC: k*math.Log(n) - 2*ll}
	for i, e := range se {
		switch f.kinds[i] {
		case scale:
			e *= s
		case rate:
			e /= s
		}
		ft.SE[i] = e
	}
	return ft, nil
}

// scaleOf is the power of ten nearest the median size of xs (1 when
// that is 0).
func scaleOf(xs []float64) float64 {
	a := make([]float64, len(xs))
	for i, x := range xs {
		a[i] = math.Abs(x)
	}
	slices.Sort(a)
	m := a[len(a)/2]
	if m == 0 || math.IsInf(m, 0) {
		return 1
	}
	return math.Pow(10, math.Round(math.Log10(m)))
}

// unscale maps parameters fitted to x/s back to x.
func unscale(f *Family, p dist.Params, s float64) dist.Params {
	for i, k := range f.kinds {
		switch k {
		case scale:
			p[i] *= s
		case rate:
			p[i] /= s
		case logLoc:
			p[i] += math.Log(s)
		}
	}
	return p
}

// rescale maps parameters of x to x/s: unscale's inverse.
func rescale(f *Family, p dist.Params, s float64) dist.Params {
	for i, k := range f.kinds {
		switch k {
		case scale:
			p[i] /= s
		case rate:
			p[i] *= s
		case logLoc:
			p[i] -= math.Log(s)
		}
	}
	return p
}

// ksDistance is sup_x |F_n(x) − F(x)| for sorted x:
// max_i max(i/n − F(x_i), F(x_i) − (i−1)/n).
func ksDistance(sorted []float64, cdf func(float64) float64) float64 {
	n := float64(len(sorted))
	d := 0.0
	for i, x := range sorted {
		f := cdf(x)
		d = max(d, float64(i+1)/n-f, f-float64(i)/n)
	}
	return d
}

// bootstrapKS is the p-value of ft's Kolmogorov–Smirnov distance when
// its parameters were estimated from the n values (Lilliefors' problem:
// the usual tables would be far too lenient): b samples of n values are
// drawn from the fitted distribution, each is refitted the same way, and
// p = (1 + #{D_b ≥ D}) / (1 + b), D_b each sample's distance from its
// own fit (Stute, Gonzáles Manteiga and Presedo Quindimil, Bootstrap
// based goodness-of-fit tests, Metrika 40, 1993). Sample i is drawn from
// a stream seeded by (seed, family, i), so the p-value does not depend
// on the number of workers. A sample that cannot be refitted counts as
// at least as far as the data (conservatively).
func bootstrapKS(ft *Fit, n, b int, seed, family uint64, workers int) float64 {
	ds := make([]float64, b)
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for range min(workers, b) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			xs := make([]float64, n)
			for {
				next.Lock()
				k := i
				i++
				next.Unlock()
				if k >= b {
					return
				}
				src := rand.NewPCG(seed, family<<32|uint64(k))
				p := ft.params()
				for j := range xs {
					xs[j] = ft.Family.dist.Sample(src, p)
				}
				ds[k] = math.Inf(1)
				if refit, err := ft.Family.fit(xs, ft); err == nil {
					ds[k] = ksDistance(slices.Sorted(slices.Values(xs)), refit.CDF)
				}
			}
		}()
	}
	wg.Wait()
	count := 1
	for _, d := range ds {
		if d >= ft.KSD {
			count++
		}
	}
	return float64(count) / float64(b+1)
}

func familyNames() []string {
	var out []string
	for _, f := range families {
		out = append(out, f.Name)
	}
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// kolmogorovP is the p-value of a Kolmogorov–Smirnov distance d between
// n values and a distribution fixed in advance, from Kolmogorov's
// limiting distribution with Stephens' correction for finite n,
// Q(√n + 0.12 + 0.11/√n)·d) (Stephens, EDF statistics for goodness of
// fit, J. Am. Stat. Assoc. 69, 1974), Q(λ) = 2 Σ (−1)^(k−1) e^(−2k²λ²).
func kolmogorovP(d float64, n int) float64 {
	sn := math.Sqrt(float64(n))
	l := (sn + 0.12 + 0.11/sn) * d
	if l < 0.2 {
		return 1
	}
	q := 0.0
	for k := 1; k <= 100; k++ {
		term := math.Exp(-2 * float64(k*k) * l * l)
		if k%2 == 0 {
			term = -term
		}
		q += 2 * term
		if math.Abs(term) < 1e-16 {
			break
		}
	}
	return min(max(q, 0), 1)
}
