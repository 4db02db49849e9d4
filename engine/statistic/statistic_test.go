package statistic

import (
	"errors"
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/settle-sim/settle/internal/longtest"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in          string
		kind        Kind
		prob        float64
		of, given   string
		ofAt, gAt   int
		wantFunc    string
		description string
	}{
		{in: "P(supplier_net > £50m)", kind: Probability, of: "supplier_net > £50m", ofAt: 2, wantFunc: "P"},
		{in: "  prob( a || b )", kind: Probability, of: "a || b", ofAt: 8, wantFunc: "prob"},
		{in: "mean(court_award | liability)", kind: Mean, of: "court_award", ofAt: 5, given: "liability", gAt: 19, wantFunc: "mean"},
		{in: "sd(x|y && z > max(1, 2))", kind: SD, of: "x", ofAt: 3, given: "y && z > max(1, 2)", gAt: 5, wantFunc: "sd"},
		{in: "p97.5(buyer_cost)", kind: Quantile, prob: 0.975, of: "buyer_cost", ofAt: 6, wantFunc: "p97.5"},
		{in: "p5(£1m + x | £2m > y)", kind: Quantile, prob: 0.05, of: "£1m + x", ofAt: 3, given: "£2m > y", gAt: 13, wantFunc: "p5"},
		{in: "median(x)", kind: Quantile, prob: 0.5, of: "x", ofAt: 7, wantFunc: "median"},
		{in: `P(name == "a|b")`, kind: Probability, of: `name == "a|b"`, ofAt: 2, wantFunc: "P"},
	} {
		s, err := Parse(tc.in)
		if err != nil {
			t.Errorf("%q: %v", tc.in, err)
			continue
		}
		if s.Kind != tc.kind || s.Prob != tc.prob || s.Of.Text != tc.of || s.Of.Off != tc.ofAt || s.Given.Text != tc.given || s.Func != tc.wantFunc {
			t.Errorf("%q: %+v", tc.in, s)
		}
		if tc.given != "" && s.Given.Off != tc.gAt {
			t.Errorf("%q: condition at %d, want %d", tc.in, s.Given.Off, tc.gAt)
		}
	}
	for _, tc := range []struct {
		in   string
		off  int
		want string
	}{
		{"supplier_net > £50m", 0, `"supplier_net > £50m" is not a statistic; write one of P(condition)`},
		{"mode(x)", 0, "unknown statistic mode(); write one of"},
		{"p100(x)", 0, "p100 is not a percentile"},
		{"p0(x)", 0, "p0 is not a percentile"},
		{"mean(x | )", 7, "nothing after |"},
		{"mean( | y)", 5, "mean() of nothing"},
		{"P()", 2, "P() of nothing: write a condition"},
		{"mean(x | y | z)", 11, "a second |"},
		{"mean(x) + 1)", 6, "unbalanced )"},
		{"(x)", 0, "no statistic before ("},
		{"£ mean(x | £5m < y) | z)", 0, "unknown statistic £ mean()"},
	} {
		_, err := Parse(tc.in)
		var e *Error
		if !errors.As(err, &e) || e.Off != tc.off || len(e.Msg) < len(tc.want) || e.Msg[:len(tc.want)] != tc.want {
			t.Errorf("%q: %v (at %v), want %q at %d", tc.in, err, e, tc.want, tc.off)
		}
	}
}

// Exact and the Accumulator agree: the same moments, merged in any
// grouping of consecutive trials, and quantiles within the sketch's
// accuracy.
func TestExactAndAccumulatorAgree(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 20_000
	of, given := make([]float64, n), make([]float64, n)
	for i := range of {
		of[i] = 100 + 30*r.NormFloat64() + 50*r.ExpFloat64()
		if r.Float64() < 0.3 {
			given[i] = 1
		}
	}
	for _, tc := range []struct {
		kind Kind
		prob float64
	}{{Mean, 0}, {SD, 0}, {Quantile, 0.975}, {Quantile, 0.05}, {Probability, 0}} {
		xs := of
		if tc.kind == Probability {
			xs = make([]float64, n)
			for i, x := range of {
				if x > 150 {
					xs[i] = 1
				}
			}
		}
		for _, g := range [][]float64{nil, given} {
			want := Exact(tc.kind, tc.prob, xs, g)
			var whole Accumulator
			whole.Kind, whole.Prob = tc.kind, tc.prob
			parts := []*Accumulator{{Kind: tc.kind, Prob: tc.prob}, {Kind: tc.kind, Prob: tc.prob}, {Kind: tc.kind, Prob: tc.prob}}
			for i, x := range xs {
				holds := g == nil || g[i] != 0
				parts[i*3/n].Add(x, holds)
			}
			for _, p := range parts {
				whole.Merge(p)
			}
			got := whole.Estimate()
			tol := 1e-9
			if tc.kind == Quantile {
				tol = 2e-3 // the sketch's accuracy, with room
			}
			if got.N != want.N || math.Abs(got.Value-want.Value) > tol*math.Abs(want.Value) || math.Abs(got.SE-want.SE) > 50*tol*math.Abs(want.SE)+1e-12 {
				t.Errorf("%v %v (conditional %v): streamed %+v, exact %+v", tc.kind, tc.prob, g != nil, got, want)
			}
		}
	}
	if e := Exact(Mean, 0, []float64{1, 2}, []float64{0, 0}); e.N != 0 || !math.IsNaN(e.Value) {
		t.Errorf("no trial meets the condition: %+v", e)
	}
}

// coverage draws reps samples of n standard normal values and returns,
// for each statistic, the share of replications whose interval ± 1.96 SE
// holds the truth and the sd of the standardised errors.
func coverage(reps, n int) map[string][2]float64 {
	norm := distuv.UnitNormal
	cases := []struct {
		name  string
		kind  Kind
		prob  float64
		of    func(x float64) float64
		given func(x, y float64) bool
		truth float64
	}{
		{"P(x > 1)", Probability, 0, func(x float64) float64 { return b(x > 1) }, nil, norm.Survival(1)},
		{"P(x > 1 | y > 0)", Probability, 0, func(x float64) float64 { return b(x > 1) }, func(_, y float64) bool { return y > 0 }, norm.Survival(1)},
		{"mean(x)", Mean, 0, func(x float64) float64 { return x }, nil, 0},
		{"mean(x | x > 0)", Mean, 0, func(x float64) float64 { return x }, func(x, _ float64) bool { return x > 0 }, norm.Prob(0) / 0.5},
		{"sd(x)", SD, 0, func(x float64) float64 { return x }, nil, 1},
		{"sd(x²)", SD, 0, func(x float64) float64 { return x * x }, nil, math.Sqrt2},
		{"p97.5(x)", Quantile, 0.975, func(x float64) float64 { return x }, nil, norm.Quantile(0.975)},
		{"p50(x | y > 0)", Quantile, 0.5, func(x float64) float64 { return x }, func(_, y float64) bool { return y > 0 }, 0},
		{"p10(exp(x))", Quantile, 0.1, math.Exp, nil, math.Exp(norm.Quantile(0.1))},
	}
	r := rand.New(rand.NewPCG(20080527, uint64(n)))
	in := make([]int, len(cases))
	zz := make([]float64, len(cases))
	xs, ys := make([]float64, n), make([]float64, n)
	of, given := make([]float64, n), make([]float64, n)
	for range reps {
		for i := range xs {
			xs[i], ys[i] = r.NormFloat64(), r.NormFloat64()
		}
		for k, c := range cases {
			var g []float64
			if c.given != nil {
				g = given
			}
			for i, x := range xs {
				of[i] = c.of(x)
				if g != nil {
					g[i] = b(c.given(x, ys[i]))
				}
			}
			e := Exact(c.kind, c.prob, of, g)
			z := (e.Value - c.truth) / e.SE
			if math.Abs(z) <= z95 {
				in[k]++
			}
			zz[k] += z * z
		}
	}
	out := map[string][2]float64{}
	for k, c := range cases {
		out[c.name] = [2]float64{float64(in[k]) / float64(reps), math.Sqrt(zz[k] / float64(reps))}
	}
	return out
}

func b(x bool) float64 {
	if x {
		return 1
	}
	return 0
}

func checkCoverage(t *testing.T, reps, n int) {
	tol := 4 * math.Sqrt(0.95*0.05/float64(reps))
	// Order-statistic intervals are conservative: the ranks are rounded
	// outwards, so their coverage is at least 95%, and their standardised
	// errors' spread below 1, by up to a few percent.
	for name, c := range coverage(reps, n) {
		cov, sd := c[0], c[1]
		if math.Abs(cov-0.95) > tol {
			t.Errorf("%s: 95%% intervals hold the truth in %.1f%% of %d replications (want 95 ± %.1f)", name, 100*cov, reps, 100*tol)
		}
		if sdTol := 4/math.Sqrt(2*float64(reps)) + 0.03; math.Abs(sd-1) > sdTol {
			t.Errorf("%s: standardised errors have sd %.3f, want 1 ± %.3f", name, sd, sdTol)
		}
	}
}

// TestStandardErrorCoverage: each kind of statistic's standard error
// gives 95% intervals that hold the truth in 95% of 400 replications of
// 2,000 trials (fixed seed), within four binomial standard errors.
func TestStandardErrorCoverage(t *testing.T) { checkCoverage(t, 400, 2000) }

// TestStandardErrorCoverageLong is the same over 5,000 replications of
// 10,000 trials.
func TestStandardErrorCoverageLong(t *testing.T) {
	longtest.Skip(t)
	checkCoverage(t, 5000, 10_000)
}
