package model_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/model"
)

// frequencies returns the share of xs equal to each of values, failing
// on any other value.
func frequencies(t *testing.T, xs []float64, values ...float64) []float64 {
	t.Helper()
	out := make([]float64, len(values))
	for _, x := range xs {
		i := -1
		for k, v := range values {
			if x == v {
				i = k
			}
		}
		if i < 0 {
			t.Fatalf("drew %v, want one of %v", x, values)
		}
		out[i]++
	}
	for i := range out {
		out[i] /= float64(len(xs))
	}
	return out
}

// TestWeightsThatOverflow: weights whose sum overflows float64 (three of
// 1e308), or whose sum is not a normal float64 (three of 5e-324), give
// each value its share, whether the weights are constants or computed in
// each trial; they used to draw the last value every time (the sum was
// +Inf) or a third of the time too rarely (the sum was three units of the
// smallest float64).
func TestWeightsThatOverflow(t *testing.T) {
	p := compile(t, `inputs:
  big: discrete([1, 2, 3], [1e308, 1e308, 1e308])
  uneven: discrete([1, 2, 3], [1e308, 1e308, 1.5e308])
  tiny: discrete([1, 2, 3], [5e-324, 5e-324, 5e-324])
  one: uniform(1, 1.0000001)
  computed: discrete([1, 2, 3], [one * 1e308, one * 1e308, one * 1e308])
  mix: mixture([uniform(0, 1), uniform(10, 11)], [1e308, 1e308])
outputs: [big, uneven, tiny, computed, mix]
`)
	const n = 30_000
	xs := sample(t, p, seed, n, "big", "uneven", "tiny", "computed", "mix")
	check := func(what string, got []float64, want ...float64) {
		for i := range want {
			within(t, fmt.Sprintf("%s: share of %d", what, i+1), got[i], want[i], math.Sqrt(want[i]*(1-want[i])/n))
		}
	}
	third := []float64{1.0 / 3, 1.0 / 3, 1.0 / 3}
	check("three weights of 1e308", frequencies(t, xs[0], 1, 2, 3), third...)
	check("1e308, 1e308, 1.5e308", frequencies(t, xs[1], 1, 2, 3), 1/3.5, 1/3.5, 1.5/3.5)
	check("three weights of 5e-324", frequencies(t, xs[2], 1, 2, 3), third...)
	check("three computed weights near 1e308", frequencies(t, xs[3], 1, 2, 3), third...)
	low := 0.0
	for _, x := range xs[4] {
		if !(x >= 0 && x < 1 || x >= 10 && x < 11) {
			t.Fatalf("mixture drew %v", x)
		}
		if x < 1 {
			low++
		}
	}
	within(t, "mixture with weights of 1e308: share of the first", low/n, 0.5, math.Sqrt(0.25/n))
}

// TestParameterRanges: a parameter outside the range where its family's
// sampler is exact is an error that gives the range, at compile time for
// constants (with the call's position) and in the trial for computed
// parameters (naming the trial).
func TestParameterRanges(t *testing.T) {
	got := compileDiags(t, `inputs:
  a: poisson(1e17)
  b: beta(1e300, 1e300)
  c: pert(-1e308, 0, 1e308)
  d: truncated(normal(0, 1), 8, 9)
  e: 1 + £1e400
  f: gamma(0.01, 1)
outputs: [a, b, c, d, e, f]
`)
	wantDiags(t, got, [][]string{
		{"s.yaml:2:6", "input a: poisson(lambda): lambda (100,000,000,000,000,000) must be at most 1,000,000,000"},
		{"s.yaml:3:6", "input b: beta(alpha, beta): alpha (1e+300) must be at most 1,000,000"},
		{"s.yaml:4:6", "input c: pert(min, mode, max): max (1e+308) − min (-1e+308) must be at most 1e+300"},
		{"s.yaml:5:6", "input d: truncated: normal(mean, sd) with parameters [0 1] between 8 and 9: its probability there, 6.66e-16, is too little to draw from accurately"},
		{"s.yaml:6:10", "£1e400 is beyond the largest number settle holds"},
		{"s.yaml:7:6", "input f: gamma(shape, rate): shape (0.01) must be at least 0.05"},
	})

	sc, _ := load(t, "inputs:\n  lam: uniform(2e9, 3e9)\n  n: poisson(lam)\noutputs: [n]\n")
	p, err := model.Compile(sc)
	if err != nil {
		t.Fatal(err)
	}
	err = p.Eval(p.NewState(), seed, 17)
	var ee *model.EvalError
	if !errors.As(err, &ee) || ee.Trial != 17 || ee.Name != "n" || !strings.Contains(ee.Msg, "must be at most 1,000,000,000") {
		t.Errorf("poisson of a computed lambda beyond the range: got %v, want trial 17's error for n with the range", err)
	}
}

// TestTruncatedTails: a truncation to a far lower tail, where the
// distribution function resolves small probabilities, and to an upper
// tail with enough probability to resolve, draw with the right mean.
func TestTruncatedTails(t *testing.T) {
	p := compile(t, `inputs:
  low: truncated(normal(0, 1), -9, -8)
  high: truncated(normal(0, 1), 5, 6)
outputs: [low, high]
`)
	const n = 20_000
	xs := sample(t, p, seed, n, "low", "high")
	phi := func(x float64) float64 { return math.Exp(-x*x/2) / math.Sqrt(2*math.Pi) }
	Phi := func(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
	// E[X | a < X < b] = (φ(a) − φ(b)) / (Φ(b) − Φ(a)); the lower tail's
	// Φ from the upper by symmetry, which keeps its digits.
	for i, c := range []struct{ a, b, mass float64 }{
		{-9, -8, Phi(9) - Phi(8)},
		{5, 6, Phi(6) - Phi(5)},
	} {
		want := (phi(c.a) - phi(c.b)) / c.mass
		if c.a < 0 {
			want = (phi(c.a) - phi(c.b)) / (0.5*math.Erfc(8/math.Sqrt2) - 0.5*math.Erfc(9/math.Sqrt2))
		}
		mean, se := meanSE(xs[i])
		for _, x := range xs[i] {
			if x < c.a || x > c.b {
				t.Fatalf("truncated to [%g, %g] drew %g", c.a, c.b, x)
			}
		}
		within(t, fmt.Sprintf("mean of normal(0, 1) truncated to [%g, %g]", c.a, c.b), mean, want, se)
	}
}
