package dist

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/settle-sim/settle/engine/rng"
)

// example returns valid parameters for f, for tests that need some.
func example(f *Family) Params {
	switch f.Name {
	case "gamma", "beta", "weibull":
		return Params{2, 3}
	case "binomial":
		return Params{20, 0.3}
	case "student_t":
		return Params{5, 1, 2}
	case "loguniform", "lognormal_ci":
		return Params{1, 100}
	case "pert":
		if len(f.Params) == 4 {
			return Params{0.2, 0.5, 0.9, 8}
		}
	}
	return Params{0.2, 0.5, 0.9}
}

// TestMoreMoments checks the added families' closed-form mean and
// variance against independent formulas and their samples, within four
// standard errors.
func TestMoreMoments(t *testing.T) {
	const n = 200000
	z := 1.6448536269514722
	tests := []struct {
		name  string
		arity int
		p     Params
		mean  float64
		vari  float64
	}{
		{"exponential", 1, Params{0.5}, 2, 4},
		{"exponential", 1, Params{20}, 0.05, 0.0025},
		// Weibull k=1 is exponential with mean λ; k=2: λ√π/2, λ²(1−π/4).
		{"weibull", 2, Params{1, 3}, 3, 9},
		{"weibull", 2, Params{2, 1}, math.Sqrt(math.Pi) / 2, 1 - math.Pi/4},
		{"student_t", 3, Params{5, 10, 2}, 10, 4 * 5.0 / 3},
		{"student_t", 3, Params{30, -1, 1}, -1, 30.0 / 28},
		{"poisson", 1, Params{3.5}, 3.5, 3.5},
		{"poisson", 1, Params{250}, 250, 250},
		{"binomial", 2, Params{10, 0.3}, 3, 2.1},
		{"binomial", 2, Params{1000, 0.02}, 20, 19.6},
		// loguniform(1, e): mean e−1, E[X²] = (e²−1)/2.
		{"loguniform", 2, Params{1, math.E}, math.E - 1, (math.E*math.E-1)/2 - (math.E-1)*(math.E-1)},
		// pert(0, 1, 2, λ) is symmetric: mean 1; 2·Beta(1+λ/2, 1+λ/2).
		{"pert", 4, Params{0, 1, 2, 4}, 1, 4 * 9.0 / (36 * 7)},
		{"pert", 4, Params{0, 1, 2, 0}, 1, 4.0 / 12},
		{"pert", 4, Params{0, 1, 5, 10}, 15.0 / 12, 25 * (3 * 9.0) / (144 * 13)},
		{"normal_ci", 2, Params{-10, 30}, 10, (20 / z) * (20 / z)},
		{"lognormal_ci", 2, Params{1, math.Exp(2 * z)}, math.Exp(z + 0.5), (math.E - 1) * math.Exp(2*z+1)},
	}
	for _, tt := range tests {
		f, ok := LookupArity(tt.name, tt.arity)
		if !ok || len(f.Params) != tt.arity {
			t.Fatalf("no family %s with %d parameters", tt.name, tt.arity)
		}
		if err := Validate(f, tt.p); err != nil {
			t.Fatalf("%s%v: %v", tt.name, tt.p, err)
		}
		if got := f.Mean(tt.p); math.Abs(got-tt.mean) > 1e-9*math.Max(1, math.Abs(tt.mean)) {
			t.Errorf("%s%v: Mean() = %g, closed form %g", tt.name, tt.p, got, tt.mean)
		}
		if got := f.Var(tt.p); math.Abs(got-tt.vari) > 1e-9*math.Max(1, math.Abs(tt.vari)) {
			t.Errorf("%s%v: Var() = %g, closed form %g", tt.name, tt.p, got, tt.vari)
		}
		var s rng.Stream
		xs := make([]float64, n)
		for i := range xs {
			s.Reset(7, uint64(i))
			xs[i] = f.Sample(&s, tt.p)
		}
		mean, vari, seMean, seVar := moments(xs)
		if math.Abs(mean-tt.mean) > 4*seMean {
			t.Errorf("%s%v: sample mean %g, want %g ± %g", tt.name, tt.p, mean, tt.mean, 4*seMean)
		}
		if math.Abs(vari-tt.vari) > 4*seVar {
			t.Errorf("%s%v: sample variance %g, want %g ± %g", tt.name, tt.p, vari, tt.vari, 4*seVar)
		}
	}
}

// reference is a family's CDF from gonum's distuv, written here apart
// from the family's own.
type reference struct {
	name     string
	arity    int
	p        Params
	cdf      func(x float64) float64
	discrete bool
	prob     func(k float64) float64 // for discrete families
}

func references() []reference {
	z := 1.6448536269514722
	beta := func(a, b, lo, hi float64) func(float64) float64 {
		d := distuv.Beta{Alpha: a, Beta: b}
		return func(x float64) float64 { return d.CDF(min(max((x-lo)/(hi-lo), 0), 1)) }
	}
	return []reference{
		{name: "normal", arity: 2, p: Params{3, 2}, cdf: distuv.Normal{Mu: 3, Sigma: 2}.CDF},
		{name: "lognormal", arity: 2, p: Params{0.5, 0.4}, cdf: distuv.LogNormal{Mu: 0.5, Sigma: 0.4}.CDF},
		{name: "uniform", arity: 2, p: Params{-2, 6}, cdf: distuv.Uniform{Min: -2, Max: 6}.CDF},
		{name: "triangular", arity: 3, p: Params{0, 1, 4}, cdf: distuv.NewTriangle(0, 4, 1, nil).CDF},
		{name: "pert", arity: 3, p: Params{300, 500, 700}, cdf: beta(3, 3, 300, 700)},
		{name: "pert", arity: 3, p: Params{0, 1, 5}, cdf: beta(1.8, 4.2, 0, 5)},
		{name: "pert", arity: 4, p: Params{0, 1, 5, 10}, cdf: beta(3, 9, 0, 5)},
		{name: "beta", arity: 2, p: Params{6, 4}, cdf: distuv.Beta{Alpha: 6, Beta: 4}.CDF},
		{name: "gamma", arity: 2, p: Params{2.5, 0.5}, cdf: distuv.Gamma{Alpha: 2.5, Beta: 0.5}.CDF},
		{name: "gamma", arity: 2, p: Params{0.3, 2}, cdf: distuv.Gamma{Alpha: 0.3, Beta: 2}.CDF},
		{name: "exponential", arity: 1, p: Params{0.5}, cdf: distuv.Exponential{Rate: 0.5}.CDF},
		{name: "weibull", arity: 2, p: Params{1.5, 3}, cdf: distuv.Weibull{K: 1.5, Lambda: 3}.CDF},
		{name: "student_t", arity: 3, p: Params{3, 10, 2}, cdf: distuv.StudentsT{Nu: 3, Mu: 10, Sigma: 2}.CDF},
		{name: "loguniform", arity: 2, p: Params{1e3, 1e6}, cdf: func(x float64) float64 {
			return distuv.Uniform{Min: math.Log(1e3), Max: math.Log(1e6)}.CDF(math.Log(x))
		}},
		{name: "normal_ci", arity: 2, p: Params{100, 300}, cdf: distuv.Normal{Mu: 200, Sigma: 100 / z}.CDF},
		{name: "lognormal_ci", arity: 2, p: Params{2e6, 5e7}, cdf: distuv.LogNormal{
			Mu: (math.Log(2e6) + math.Log(5e7)) / 2, Sigma: (math.Log(5e7) - math.Log(2e6)) / (2 * z)}.CDF},
		{name: "bernoulli", arity: 1, p: Params{0.3}, discrete: true, prob: distuv.Bernoulli{P: 0.3}.Prob},
		{name: "poisson", arity: 1, p: Params{3.5}, discrete: true, prob: distuv.Poisson{Lambda: 3.5}.Prob},
		{name: "poisson", arity: 1, p: Params{80}, discrete: true, prob: distuv.Poisson{Lambda: 80}.Prob},
		{name: "binomial", arity: 2, p: Params{20, 0.3}, discrete: true, prob: distuv.Binomial{N: 20, P: 0.3}.Prob},
	}
}

// ksCritical is the Kolmogorov–Smirnov statistic that n draws from the
// hypothesised distribution exceed with probability 0.001.
func ksCritical(n int) float64 { return 1.9495 / math.Sqrt(float64(n)) }

// ks returns the Kolmogorov–Smirnov statistic of xs against cdf.
func ks(xs []float64, cdf func(float64) float64) float64 {
	xs = slices.Clone(xs)
	slices.Sort(xs)
	n := float64(len(xs))
	d := 0.0
	for i, x := range xs {
		f := cdf(x)
		d = max(d, math.Abs(float64(i+1)/n-f), math.Abs(f-float64(i)/n))
	}
	return d
}

// chi2 returns Pearson's statistic of draws xs of a whole-number
// distribution against prob, pooling the tails until each cell expects
// at least 5, and the degrees of freedom.
func chi2(xs []float64, prob func(float64) float64) (float64, int) {
	counts := map[float64]int{}
	hi := 0.0
	for _, x := range xs {
		counts[x]++
		hi = max(hi, x)
	}
	n := float64(len(xs))
	stat, cells := 0.0, 0
	obs, exp, cdf := 0.0, 0.0, 0.0
	for k := 0.0; ; k++ {
		p := prob(k)
		cdf += p
		obs += float64(counts[k])
		exp += n * p
		tail := n * (1 - cdf)
		if tail < 5 && k >= hi { // the last cell takes the upper tail
			exp += max(tail, 0)
			stat += (obs - exp) * (obs - exp) / exp
			cells++
			break
		}
		if exp >= 5 && tail >= 5 {
			stat += (obs - exp) * (obs - exp) / exp
			cells++
			obs, exp = 0, 0
		}
	}
	return stat, cells - 1
}

// chi2Critical approximates the 0.999 quantile of chi-square with df
// degrees of freedom (Wilson–Hilferty).
func chi2Critical(df int) float64 {
	k := float64(df)
	z := 3.090232306167813
	return k * math.Pow(1-2/(9*k)+z*math.Sqrt(2/(9*k)), 3)
}

// TestKolmogorovSmirnov draws from every family, with its Sample, its
// Sampler and through its quantile function (as Latin hypercube and Sobol'
// sampling do), and tests the draws against gonum's CDF: the KS
// statistic for continuous families, Pearson's chi-square for counts.
func TestKolmogorovSmirnov(t *testing.T) {
	const n = 20000
	covered := map[string]bool{}
	for _, ref := range references() {
		f, ok := LookupArity(ref.name, ref.arity)
		if !ok || len(f.Params) != ref.arity {
			t.Fatalf("no family %s/%d", ref.name, ref.arity)
		}
		covered[f.Signature()] = true
		if err := Validate(f, ref.p); err != nil {
			t.Fatal(err)
		}
		var s rng.Stream
		sampled, inverted, fast := make([]float64, n), make([]float64, n), make([]float64, n)
		r := rand.New(rand.NewPCG(11, 13))
		smp := NewSampler(f, ref.p)
		for i := range n {
			s.Reset(2024, uint64(i))
			sampled[i] = f.Sample(&s, ref.p)
			s.Reset(2024, uint64(i))
			fast[i] = smp.Sample(&s)
			inverted[i] = f.Quantile(ref.p, r.Float64())
		}
		for _, c := range []struct {
			how string
			xs  []float64
		}{{"Sample", sampled}, {"Sampler", fast}, {"Quantile", inverted}} {
			if ref.discrete {
				stat, df := chi2(c.xs, ref.prob)
				if crit := chi2Critical(df); stat > crit {
					t.Errorf("%s%v by %s: chi-square %.1f on %d df, critical %.1f", f.Signature(), ref.p, c.how, stat, df, crit)
				}
				continue
			}
			if d := ks(c.xs, ref.cdf); d > ksCritical(n) {
				t.Errorf("%s%v by %s: KS statistic %.4f, critical %.4f", f.Signature(), ref.p, c.how, d, ksCritical(n))
			}
		}
		// The family's own CDF agrees with gonum's, and inverts Quantile.
		for _, u := range []float64{0.001, 0.05, 0.3, 0.5, 0.77, 0.95, 0.999} {
			x := f.Quantile(ref.p, u)
			if ref.discrete {
				if f.CDF(ref.p, x) < u-1e-12 || (x > 0 && f.CDF(ref.p, x-1) >= u) {
					t.Errorf("%s%v: Quantile(%g) = %g is not the least k with CDF(k) ≥ u", f.Signature(), ref.p, u, x)
				}
				continue
			}
			if got := f.CDF(ref.p, x); math.Abs(got-u) > 1e-6 {
				t.Errorf("%s%v: CDF(Quantile(%g)) = %g", f.Signature(), ref.p, u, got)
			}
			if got := ref.cdf(x); math.Abs(got-u) > 1e-6 {
				t.Errorf("%s%v: gonum CDF(Quantile(%g)) = %g", f.Signature(), ref.p, u, got)
			}
		}
	}
	for _, f := range Families() {
		if !covered[f.Signature()] {
			t.Errorf("%s has no distribution test", f.Signature())
		}
	}
}

// The KS test above must be able to fail: samples of a normal are
// rejected against a normal shifted by a tenth of a standard deviation.
func TestKolmogorovSmirnovDetectsShift(t *testing.T) {
	const n = 20000
	f, _ := Lookup("normal")
	var s rng.Stream
	xs := make([]float64, n)
	for i := range xs {
		s.Reset(2024, uint64(i))
		xs[i] = f.Sample(&s, Params{0, 1})
	}
	if d := ks(xs, distuv.Normal{Mu: 0.1, Sigma: 1}.CDF); d <= ksCritical(n) {
		t.Errorf("KS statistic %.4f against a shifted normal is under the critical %.4f", d, ksCritical(n))
	}
	p, _ := LookupArity("poisson", 1)
	for i := range xs {
		s.Reset(2024, uint64(i))
		xs[i] = p.Sample(&s, Params{3.5})
	}
	if stat, df := chi2(xs, distuv.Poisson{Lambda: 3.7}.Prob); stat <= chi2Critical(df) {
		t.Errorf("chi-square %.1f of poisson(3.5) against poisson(3.7) is under the critical %.1f", stat, chi2Critical(df))
	}
}

func TestMoreValidate(t *testing.T) {
	tests := []struct {
		name  string
		arity int
		p     Params
		want  string
	}{
		{"exponential", 1, Params{0}, "rate (0) must be greater than 0"},
		{"weibull", 2, Params{1, -1}, "scale (-1) must be greater than 0"},
		{"student_t", 3, Params{0, 1, 1}, "df (0) must be greater than 0"},
		{"student_t", 3, Params{3, 1, 0}, "scale (0) must be greater than 0"},
		{"poisson", 1, Params{-2}, "lambda (-2) must be greater than 0"},
		{"binomial", 2, Params{2.5, 0.5}, "n (2.5) must be a whole number"},
		{"binomial", 2, Params{10, 1.5}, "p (1.5) must be a probability"},
		{"loguniform", 2, Params{0, 10}, "min (0) must be greater than 0"},
		{"loguniform", 2, Params{10, 1}, "min (10) must be less than max (1)"},
		{"pert", 4, Params{0, 1, 2, -1}, "shape (-1) must not be negative"},
		{"pert", 4, Params{0, 3, 2, 4}, "mode (3) must lie between"},
		{"normal_ci", 2, Params{5, 1}, "lo (5) must not exceed hi (1); the order is (lo, hi)"},
		{"lognormal_ci", 2, Params{-1, 1}, "lo (-1) must be greater than 0"},
		{"pert", 4, Params{0, 1, 2, 0}, ""},
		{"normal_ci", 2, Params{1, 1}, ""},
	}
	for _, tt := range tests {
		f, _ := LookupArity(tt.name, tt.arity)
		err := Validate(f, tt.p)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s%v: unexpected error %v", tt.name, tt.p, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s%v: error %v, want it to contain %q", tt.name, tt.p, err, tt.want)
		}
	}
}

func TestQuantileNoAlloc(t *testing.T) {
	for _, f := range Families() {
		p := example(f)
		if err := Validate(f, p); err != nil {
			t.Fatalf("%s: %v", f.Signature(), err)
		}
		if n := testing.AllocsPerRun(100, func() { f.Quantile(p, 0.3); f.CDF(p, 0.4) }); n != 0 {
			t.Errorf("%s: Quantile and CDF allocate %v times", f.Signature(), n)
		}
	}
}
