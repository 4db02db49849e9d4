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

// TestRanges: each family refuses parameters beyond the range where its
// samplers are exact, saying what the range is, and accepts those at its
// edge.
func TestRanges(t *testing.T) {
	tests := []struct {
		name  string
		arity int
		p     Params
		want  string // "" when valid
	}{
		{"poisson", 1, Params{MaxPoissonMean}, ""},
		{"poisson", 1, Params{1e17}, "lambda (100,000,000,000,000,000) must be at most 1,000,000,000"},
		{"poisson", 1, Params{1e300}, "lambda (1e+300) must be at most 1,000,000,000"},
		{"binomial", 2, Params{MaxBinomialTrials, 0.5}, ""},
		{"binomial", 2, Params{2e9, 0.5}, "n (2,000,000,000) must be a whole number from 0 to 1,000,000,000"},
		{"beta", 2, Params{MaxShape, MaxShape}, ""},
		{"beta", 2, Params{1e300, 1e300}, "alpha (1e+300) must be at most 1,000,000"},
		{"beta", 2, Params{2, 2e6}, "beta (2,000,000) must be at most 1,000,000"},
		{"beta", 2, Params{0.05, 0.05}, ""},
		{"beta", 2, Params{0.01, 0.01}, "alpha + beta (0.02) must be at least 0.1"},
		{"beta", 2, Params{0.001, 1}, ""},
		{"gamma", 2, Params{MinGammaShape, 1}, ""},
		{"gamma", 2, Params{0.01, 1}, "shape (0.01) must be at least 0.05"},
		{"gamma", 2, Params{MaxGammaShape, 1}, ""},
		{"gamma", 2, Params{1e20, 1}, "shape (100,000,000,000,000,000,000) must be at most 100,000,000"},
		{"weibull", 2, Params{MinWeibullShape, 1}, ""},
		{"weibull", 2, Params{0.001, 1}, "shape (0.001) must be at least 0.05"},
		{"student_t", 3, Params{0.1, 0, 1}, ""},
		{"student_t", 3, Params{0.001, 0, 1}, "df (0.001) must be at least 0.1"},
		{"student_t", 3, Params{MaxStudentDF, 0, 1}, ""},
		{"student_t", 3, Params{1e20, 0, 1}, "df (100,000,000,000,000,000,000) must be at most 10,000"},
		{"uniform", 2, Params{-5e299, 5e299}, ""},
		{"uniform", 2, Params{-1e308, 1e308}, "max (1e+308) − min (-1e+308) must be at most 1e+300"},
		{"triangular", 3, Params{-5e149, 0, 5e149}, ""},
		{"triangular", 3, Params{0, 1e200, 2e200}, "max (2e+200) − min (0) must be at most 1e+150"},
		{"pert", 3, Params{-5e299, 0, 5e299}, ""},
		{"pert", 3, Params{-1e308, 0, 1e308}, "max (1e+308) − min (-1e+308) must be at most 1e+300"},
		{"pert", 4, Params{0, 1, 2, MaxShape - 1}, ""},
		{"pert", 4, Params{0, 1, 2, 1e7}, "shape (10,000,000) must be at most 999,999"},
		{"pert", 4, Params{-1e308, 0, 1e308, 4}, "must be at most 1e+300"},
		{"loguniform", 2, Params{1, 1e300}, ""},
		{"loguniform", 2, Params{1e-300, 1e300}, "max / min (+Inf) must be at most 1e+300"},
		{"normal_ci", 2, Params{-1e300, 1e300}, ""},
		{"normal_ci", 2, Params{1e307, 1e308}, "|lo| (1e+307) must be at most 1e+300"},
	}
	for _, tt := range tests {
		f, ok := LookupArity(tt.name, tt.arity)
		if !ok || len(f.Params) != tt.arity {
			t.Fatalf("no family %s/%d", tt.name, tt.arity)
		}
		err := Validate(f, tt.p)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s%v: %v", tt.name, tt.p[:tt.arity], err)
		case tt.want != "" && err == nil:
			t.Errorf("%s%v: valid, want an error with %q", tt.name, tt.p[:tt.arity], tt.want)
		case tt.want != "" && !strings.Contains(err.Error(), tt.want):
			t.Errorf("%s%v: %v\nwant it to contain %q", tt.name, tt.p[:tt.arity], err, tt.want)
		}
	}
}

// TestDrawsAtTheLimits draws from each family at the edge of its range,
// by its Sample, its Sampler and its Quantile (fewer draws: the inverse
// incomplete beta and gamma functions take up to a millisecond with such
// parameters), and checks the draws: the
// mean and variance (of the draws scaled by what the case says) within
// four standard errors of their closed forms, or, for the heavy-tailed,
// the Kolmogorov–Smirnov statistic against the CDF.
func TestDrawsAtTheLimits(t *testing.T) {
	const n, nq = 20_000, 1_000
	z := 1.6448536269514722
	unscaled := func(x float64) float64 { return x }
	scaled := func(s float64) func(float64) float64 { return func(x float64) float64 { return x * s } }
	tests := []struct {
		name     string
		arity    int
		p        Params
		f        func(float64) float64 // what is tested of a draw
		mean, vr float64               // of f(draw), when cdf is nil
		cdf      func(float64) float64 // of f(draw)

		lowerHalf bool // test only the draws below 1/2
	}{
		{"poisson", 1, Params{1e9}, unscaled, 1e9, 1e9, nil, false},
		{"binomial", 2, Params{1e9, 0.3}, unscaled, 3e8, 1e9 * 0.3 * 0.7, nil, false},
		{"binomial", 2, Params{1e9, 1e-9}, unscaled, 1, 1 - 1e-9, nil, false},
		{"beta", 2, Params{1e6, 1e6}, unscaled, 0.5, 0.25 / (2e6 + 1), nil, false},
		// beta(0.05, 0.05) and gamma(0.05, 1) crowd their draws near 0 (and
		// 1): their sample variances converge too slowly for 1,000 draws.
		// Of beta(0.05, 0.05)'s draws, 7% are within 10⁻¹⁶ of 1 and so
		// are 1, which the KS statistic would count against them: its
		// draws below 1/2 are tested against the CDF given x < 1/2, 2F(x).
		{"beta", 2, Params{0.05, 0.05}, unscaled, 0, 0, func(x float64) float64 {
			return 2 * distuv.Beta{Alpha: 0.05, Beta: 0.05}.CDF(x)
		}, true},
		{"gamma", 2, Params{0.05, 1}, unscaled, 0, 0, distuv.Gamma{Alpha: 0.05, Beta: 1}.CDF, false},
		{"gamma", 2, Params{1e8, 1}, unscaled, 1e8, 1e8, nil, false},
		// weibull(0.05, 1) has mean 20! and a fourth moment of 80!: test
		// its CDF, 1 − exp(−x^0.05).
		{"weibull", 2, Params{0.05, 1}, unscaled, 0, 0, func(x float64) float64 { return -math.Expm1(-math.Pow(x, 0.05)) }, false},
		{"student_t", 3, Params{0.1, 0, 1}, unscaled, 0, 0, distuv.StudentsT{Nu: 0.1, Mu: 0, Sigma: 1}.CDF, false},
		{"student_t", 3, Params{1e4, 0, 1}, unscaled, 0, 1e4 / (1e4 - 2), nil, false},
		{"uniform", 2, Params{-5e299, 5e299}, scaled(1e-300), 0, 1.0 / 12, nil, false},
		{"triangular", 3, Params{-5e149, 0, 5e149}, scaled(1e-150), 0, 0.75 / 18, nil, false},
		// pert(−a, 0, a) is a + 2a·Beta(3, 3): variance 4a²·9/(36·7) = 1/28 for a = 1/2.
		{"pert", 3, Params{-5e299, 0, 5e299}, scaled(1e-300), 0, 1.0 / 28, nil, false},
		// pert(0, 1, 2, λ) is 2·Beta(1 + λ/2, 1 + λ/2): variance 1/(λ + 3).
		{"pert", 4, Params{0, 1, 2, MaxShape - 1}, unscaled, 1, 1 / (MaxShape + 2), nil, false},
		// log(loguniform(1, 1e300)) / log(1e300) is uniform on [0, 1].
		{"loguniform", 2, Params{1, 1e300}, func(x float64) float64 { return math.Log(x) / math.Log(1e300) }, 0.5, 1.0 / 12, nil, false},
		{"normal_ci", 2, Params{-1e300, 1e300}, scaled(1e-300), 0, 1 / (z * z), nil, false},
	}
	for _, tt := range tests {
		f, ok := LookupArity(tt.name, tt.arity)
		if !ok {
			t.Fatalf("no family %s/%d", tt.name, tt.arity)
		}
		if err := Validate(f, tt.p); err != nil {
			t.Fatal(err)
		}
		smp := NewSampler(f, tt.p)
		r := rand.New(rand.NewPCG(5, 6))
		var s rng.Stream
		for _, how := range []string{"Sample", "Sampler", "Quantile"} {
			xs := make([]float64, n)
			if how == "Quantile" {
				xs = xs[:nq]
			}
			for i := range xs {
				s.Reset(31, uint64(i))
				var x float64
				switch how {
				case "Sample":
					x = f.Sample(&s, tt.p)
				case "Sampler":
					x = smp.Sample(&s)
				default:
					x = f.Quantile(tt.p, r.Float64())
				}
				if math.IsNaN(x) || math.IsInf(x, 0) {
					t.Fatalf("%s%v by %s drew %v", tt.name, tt.p[:tt.arity], how, x)
				}
				xs[i] = tt.f(x)
			}
			if tt.lowerHalf {
				xs = slices.DeleteFunc(xs, func(x float64) bool { return x >= 0.5 })
			}
			if tt.cdf != nil {
				if d := ks(xs, tt.cdf); d > ksCritical(len(xs)) {
					t.Errorf("%s%v by %s: KS statistic %.4f, critical %.4f", tt.name, tt.p[:tt.arity], how, d, ksCritical(len(xs)))
				}
				continue
			}
			mean, vr, seMean, seVar := moments(xs)
			if math.Abs(mean-tt.mean) > 4*seMean {
				t.Errorf("%s%v by %s: mean %.10g, want %.10g ± %.3g", tt.name, tt.p[:tt.arity], how, mean, tt.mean, 4*seMean)
			}
			if math.Abs(vr-tt.vr) > 4*seVar {
				t.Errorf("%s%v by %s: variance %.10g, want %.10g ± %.3g", tt.name, tt.p[:tt.arity], how, vr, tt.vr, 4*seVar)
			}
		}
	}
}

// TestPoissonBeyondTheLimit shows what the limit guards against: drawn
// anyway, poisson(1e17)'s variance is far from 1e17 (gonum's sampler, by
// the transformed rejection, accepts candidates whatever they are once
// its log-probabilities lose their precision).
func TestPoissonBeyondTheLimit(t *testing.T) {
	const n = 20_000
	p := Params{1e17}
	f, _ := Lookup("poisson")
	var s rng.Stream
	xs := make([]float64, n)
	for i := range xs {
		s.Reset(31, uint64(i))
		xs[i] = f.Sample(&s, p)
	}
	_, vr, _, seVar := moments(xs)
	if math.Abs(vr-1e17) < 8*seVar {
		t.Errorf("poisson(1e17) drawn anyway has variance %.4g, within 8 SE of 1e17: is the limit still needed?", vr)
	}
}

// TestValidateNoAlloc: checking parameters computed in a trial, which
// every such draw does, allocates nothing when they are valid.
func TestValidateNoAlloc(t *testing.T) {
	for _, f := range Families() {
		p := example(f)
		if n := testing.AllocsPerRun(100, func() {
			if err := Validate(f, p); err != nil {
				t.Fatal(err)
			}
		}); n != 0 {
			t.Errorf("%s: Validate allocates %v times", f.Signature(), n)
		}
	}
}

// TestGammaQuantileSmallShapes: the quantile of a gamma of small shape is
// the inverse of its distribution function in the lower tail too, where
// gonum's inverse missed (gamma(0.1)'s quantiles below u = 0.06 were 0),
// on a grid of probabilities, and is unchanged from gonum's where that
// was right.
func TestGammaQuantileSmallShapes(t *testing.T) {
	for _, a := range []float64{0.05, 0.1, 0.3, 0.49, 0.5, 2} {
		p := Params{a, 3}
		f, _ := Lookup("gamma")
		bad := 0
		for i := 1; i < 2000; i++ {
			u := float64(i) / 2000
			x := f.Quantile(p, u)
			if c := f.CDF(p, x); !(math.Abs(c-u) <= 1e-9*min(u, 1-u)) {
				if bad++; bad <= 3 {
					t.Errorf("gamma(%g, 3): Quantile(%g) = %g, whose CDF is %g", a, u, x, c)
				}
			}
			if a >= accurateShape {
				if g := (distuv.Gamma{Alpha: a, Beta: 3}).Quantile(u); x != g {
					t.Errorf("gamma(%g, 3): Quantile(%g) = %g, gonum's %g", a, u, x, g)
				}
			}
		}
	}
}

// TestCumulate: ordinary weights are summed as they are (their draws do
// not change); weights whose sum overflows or is not a normal float64
// are summed divided by the largest, giving the same shares.
func TestCumulate(t *testing.T) {
	tests := []struct {
		w, want []float64
	}{
		{[]float64{0.2, 0.3, 0.5}, []float64{0.2, 0.5, 1}},
		{[]float64{1, 0, 2}, []float64{1, 1, 3}},
		{[]float64{1e308, 1e308, 1e308}, []float64{1, 2, 3}},
		{[]float64{1e308, 5e307}, []float64{1, 1.5}},
		{[]float64{5e-324, 5e-324, 1e-323}, []float64{0.5, 1, 2}},
		{[]float64{0, 0}, []float64{0, 0}},
	}
	for _, tt := range tests {
		cum := make([]float64, len(tt.w))
		total := Cumulate(cum, tt.w)
		if !slices.Equal(cum, tt.want) || total != tt.want[len(tt.want)-1] {
			t.Errorf("Cumulate(%v) = %v, total %v; want %v", tt.w, cum, total, tt.want)
		}
	}
}
