package model_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/sampling"
	"github.com/settle-sim/settle/engine/scenario"
	"github.com/settle-sim/settle/engine/sensitivity"
)

// TestMoreCalls checks the means of the new calls against closed forms.
func TestMoreCalls(t *testing.T) {
	const n = 100000
	// normal(0, 1) truncated to [0, ∞) in effect: the half-normal, mean √(2/π).
	// truncated(uniform(0, 10), 2, 4): uniform(2, 4), mean 3, var 1/3.
	// mixture([normal(0,1), normal(10,1)], [1, 3]): mean 7.5, var 1 + 0.25·0.75·100.
	p := compile(t, `inputs:
  half: truncated(normal(0, 1), 0, 50)
  tu: truncated(uniform(0, 10), 2, 4)
  mix: mixture([normal(0, 1), normal(10, 1)], [1, 3])
  shaped: pert(0, 1, 2, 10)
  ci: normal_ci(£1m, £3m)
  pois: truncated(poisson(3), 1, 4)
outputs: [half, tu, mix, shaped, ci, pois]
`)
	vals := sample(t, p, 5, n, "half", "tu", "mix", "shaped", "ci", "pois")
	check := func(what string, xs []float64, mean, vari float64) {
		t.Helper()
		m, se := meanSE(xs)
		within(t, what+" mean", m, mean, se)
		v, sev := varianceSE(xs)
		within(t, what+" variance", v, vari, sev)
	}
	check("half-normal", vals[0], math.Sqrt(2/math.Pi), 1-2/math.Pi)
	check("truncated uniform", vals[1], 3, 4.0/12)
	check("mixture", vals[2], 7.5, 1+0.25*0.75*100)
	check("pert shape 10", vals[3], 1, 4*36.0/(144*13))
	check("normal_ci", vals[4], 2e6, math.Pow(1e6/1.6448536269514722, 2))
	// poisson(3) on {1, 2, 3, 4}
	pr := distuv.Poisson{Lambda: 3}
	var z, m1, m2 float64
	for k := 1.0; k <= 4; k++ {
		z += pr.Prob(k)
		m1 += k * pr.Prob(k)
		m2 += k * k * pr.Prob(k)
	}
	check("truncated poisson", vals[5], m1/z, m2/z-(m1/z)*(m1/z))
	for _, x := range vals[5] {
		if x < 1 || x > 4 || x != math.Floor(x) {
			t.Fatalf("truncated poisson drew %g", x)
		}
	}
	if v, _ := p.Lookup("ci"); v.Unit != model.Money {
		t.Errorf("normal_ci(£1m, £3m) has unit %q, want money", v.Unit)
	}
}

func TestEmpirical(t *testing.T) {
	dir := t.TempDir()
	csv := "case,award,note\na,£1m,x\nb,£2m,\nc,£3m,\nd,,missing\ne,£10m,\n"
	if err := os.WriteFile(filepath.Join(dir, "awards.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "s.yaml")
	text := "inputs:\n  award: empirical(\"awards.csv\", \"award\")\noutputs: [award]\n"
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := model.Compile(sc)
	if err != nil {
		t.Fatal(err)
	}
	vals := sample(t, p, 3, 40000, "award")[0]
	counts := map[float64]int{}
	for _, x := range vals {
		counts[x]++
	}
	for _, v := range []float64{1e6, 2e6, 3e6, 10e6} {
		// each of the 4 rows a quarter of the time: SE √(n·¼·¾)
		if d := math.Abs(float64(counts[v]) - 10000); d > 4*math.Sqrt(40000*0.25*0.75) {
			t.Errorf("%g drawn %d times in 40000, want 10000", v, counts[v])
		}
	}
	if len(counts) != 4 {
		t.Errorf("drew %d distinct values, want 4: %v", len(counts), counts)
	}
	if v, _ := p.Lookup("award"); v.Unit != model.Money {
		t.Errorf("unit %q, want money", v.Unit)
	}
	if !slices.ContainsFunc(sc.Sources, func(s scenario.Source) bool { return s.Path == "awards.csv" && len(s.SHA256) == 64 }) {
		t.Errorf("sources %v lack awards.csv with its digest", sc.Sources)
	}
}

func TestMoreCompileErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       [][]string
	}{
		{"truncated empty", "inputs:\n  x: truncated(uniform(0, 1), 2, 3)\noutputs: [x]\n",
			[][]string{{"s.yaml:2:6", "has no probability between 2 and 3"}}},
		{"truncated order", "inputs:\n  x: truncated(normal(0, 1), 3, 2)\noutputs: [x]\n",
			[][]string{{"s.yaml:2:6", "lo (3) must be less than hi (2)"}}},
		{"truncated not a distribution", "inputs:\n  a: 1\n  x: truncated(a, 3, 2)\noutputs: [x]\n",
			[][]string{{"s.yaml:3:16", "truncated takes a distribution here"}}},
		{"truncated bad inner", "inputs:\n  x: truncated(normal(0, -1), 0, 1)\noutputs: [x]\n",
			[][]string{{"s.yaml:2:16", "sd (-1) must not be negative"}}},
		{"mixture weights", "inputs:\n  x: mixture([normal(0, 1)], [1, 2])\noutputs: [x]\n",
			[][]string{{"s.yaml:2:6", "mixture has 1 distributions and 2 weights"}}},
		{"mixture negative weight", "inputs:\n  x: mixture([normal(0, 1), normal(1, 1)], [1, -2])\noutputs: [x]\n",
			[][]string{{"s.yaml:2:48", "mixture: weight 2 is -2"}}},
		{"new family", "inputs:\n  x: weibull(0, 1)\noutputs: [x]\n",
			[][]string{{"s.yaml:2:6", "weibull(shape, scale): shape (0) must be greater than 0"}}},
		{"pert shape", "inputs:\n  x: pert(0, 1, 2, -3)\noutputs: [x]\n",
			[][]string{{"s.yaml:2:6", "pert(min, mode, max, shape): shape (-3) must not be negative"}}},
		{"empirical missing file", "inputs:\n  x: empirical(\"nope.csv\", \"a\")\noutputs: [x]\n",
			[][]string{{"s.yaml:2:16", "empirical: cannot read ", "nope.csv: no such file", "relative to the file"}}},
		{"drawing in a rule", "inputs:\n  a: 1\nrules:\n  x: mixture([normal(0, 1)], [1])\noutputs: [x]\n",
			[][]string{{"s.yaml:4:6", "calls the distribution mixture()"}, {"s.yaml:4:15", "calls the distribution normal()"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantDiags(t, compileDiags(t, tt.text), tt.want)
		})
	}
}

func TestEmpiricalErrors(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "d.csv"), []byte("award,x\n1,2\nabc,3\n"), 0o644)
	for _, tt := range []struct{ expr, pos, msg string }{
		{`empirical("d.csv", "awrd")`, "s.yaml:2:25", `no column "awrd"; did you mean award?`},
		{`empirical("d.csv", "award")`, "s.yaml:2:16", `row 3: "abc" is not a number`},
	} {
		path := filepath.Join(dir, "s.yaml")
		os.WriteFile(path, []byte("inputs:\n  x: "+tt.expr+"\noutputs: [x]\n"), 0o644)
		sc, err := scenario.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		_, err = model.Compile(sc)
		if err == nil || !strings.Contains(err.Error(), tt.pos) || !strings.Contains(err.Error(), tt.msg) {
			t.Errorf("%s: error %v, want %s: … %s", tt.expr, err, tt.pos, tt.msg)
		}
	}
}

func TestMoreEvalErrors(t *testing.T) {
	p := compile(t, "inputs:\n  s: uniform(-1, 1)\n  x: truncated(normal(0, s), 0, 1)\noutputs: [x]\n")
	st := p.NewState()
	var failed int
	for trial := range 100 {
		err := p.Eval(st, 1, trial)
		var ee *model.EvalError
		if errors.As(err, &ee) {
			failed++
			if ee.Trial != trial || ee.Name != "x" || !strings.Contains(ee.Msg, "sd (-") {
				t.Errorf("error %v", err)
			}
		}
	}
	if failed < 25 || failed > 75 {
		t.Errorf("%d of 100 trials failed, want about half", failed)
	}
}

// uniformInputs is a scenario of d inputs, each uniform on [0, 1).
func uniformInputs(d int) string {
	var b strings.Builder
	b.WriteString("inputs:\n")
	names := make([]string, d)
	for i := range d {
		names[i] = "u" + string(rune('a'+i))
		b.WriteString("  " + names[i] + ": uniform(0, 1)\n")
	}
	b.WriteString("  t: triangular(0, 1, 4)\n  b: bernoulli(0.3)\n")
	b.WriteString("outputs: [" + strings.Join(names, ", ") + ", t, b]\n")
	return b.String()
}

// TestLatinHypercubeStrata checks that with --sampler lhs each input's
// draws fall one in each of the n equal-probability strata.
func TestLatinHypercubeStrata(t *testing.T) {
	base := compile(t, uniformInputs(4))
	for _, n := range []int{1, 7, 1000, 1024} {
		p, err := base.WithSampler(sampling.LHS, n)
		if err != nil {
			t.Fatal(err)
		}
		vals := sample(t, p, 42, n, "ua", "ub", "uc", "ud", "t")
		tri := distuv.NewTriangle(0, 4, 1, nil)
		for i, xs := range vals {
			seen := make([]bool, n)
			for _, x := range xs {
				u := x
				if i == 4 {
					u = tri.CDF(x)
				}
				k := min(int(u*float64(n)), n-1)
				if seen[k] {
					t.Fatalf("n=%d input %d: two draws in stratum %d", n, i, k)
				}
				seen[k] = true
			}
		}
	}
}

// TestSamplersUnbiased checks each sampler's means against the closed
// form, and that designs differ between seeds.
func TestSamplersUnbiased(t *testing.T) {
	base := compile(t, uniformInputs(3))
	for _, m := range []sampling.Method{sampling.Random, sampling.LHS, sampling.Sobol} {
		var means []float64
		for seed := range uint64(20) {
			p, _ := base.WithSampler(m, 256)
			vals := sample(t, p, seed, 256, "ua", "t", "b")
			mu := 0.0
			for _, x := range vals[0] {
				mu += x / 256
			}
			means = append(means, mu)
			for _, x := range vals[2] {
				if x != 0 && x != 1 {
					t.Fatalf("%v: bernoulli drew %g", m, x)
				}
			}
		}
		m0, se := meanSE(means)
		if se == 0 {
			t.Fatalf("%v: every seed gives the same mean", m)
		}
		if m == sampling.Random {
			within(t, m.String()+" mean of means", m0, 0.5, se)
		} else if math.Abs(m0-0.5) > 4*1/math.Sqrt(12*256*20) {
			t.Errorf("%v: mean of means %g, want 0.5", m, m0)
		}
	}
}

func TestSamplerEvalAllocs(t *testing.T) {
	sc, err := scenario.Load("../../scenarios/reference.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sc.Correlations = &scenario.Correlations{Inputs: []scenario.Ref{{Name: "p_liability"}, {Name: "quantum_fraction"}},
		Matrix: []float64{1, 0.5, 0.5, 1}}
	base, err := model.Compile(sc)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []sampling.Method{sampling.Random, sampling.LHS, sampling.Sobol} {
		p, _ := base.WithSampler(m, 10000)
		s := p.NewState()
		trial := 0
		if n := testing.AllocsPerRun(500, func() {
			if err := p.Eval(s, 1, trial); err != nil {
				panic(err)
			}
			trial++
		}); n != 0 {
			t.Errorf("%v: Eval allocates %v times a trial", m, n)
		}
	}
}

// TestCorrelations checks the achieved Spearman correlation of declared
// pairs for several matrices and every sampler, each input keeping its
// own distribution.
func TestCorrelations(t *testing.T) {
	const n = 20000
	text := `inputs:
  a: normal(0, 1)
  b: lognormal(0, 1)
  c: pert(0, 1, 5)
  d: beta(2, 5)
outputs: [a, b, c, d]
correlations:
  inputs: [a, b, c, d]
  matrix: MATRIX
`
	matrices := [][]float64{
		{1, 0.6, 0, 0, 0.6, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1},
		{1, -0.5, 0.3, 0.2, -0.5, 1, -0.4, 0, 0.3, -0.4, 1, 0.7, 0.2, 0, 0.7, 1},
		{1, 0.9, 0.8, 0.7, 0.9, 1, 0.85, 0.6, 0.8, 0.85, 1, 0.5, 0.7, 0.6, 0.5, 1},
	}
	for mi, m := range matrices {
		var rows []string
		for i := range 4 {
			var cells []string
			for j := range 4 {
				cells = append(cells, strconv.FormatFloat(m[i*4+j], 'g', -1, 64))
			}
			rows = append(rows, "["+strings.Join(cells, ", ")+"]")
		}
		base := compile(t, strings.Replace(text, "MATRIX", "["+strings.Join(rows, ", ")+"]", 1))
		for _, method := range []sampling.Method{sampling.Random, sampling.LHS, sampling.Sobol} {
			p, _ := base.WithSampler(method, n)
			vals := sample(t, p, 9, n, "a", "b", "c", "d")
			for i := range 4 {
				for j := i + 1; j < 4; j++ {
					rho := sensitivity.Spearman(vals[i], vals[j])
					want := m[i*4+j]
					// SE of Spearman ≈ (1−ρ²)/√n, at least that of ρ = 0.7
					tol := 4 * math.Max(1-want*want, 0.5) / math.Sqrt(n)
					if math.Abs(rho-want) > tol {
						t.Errorf("matrix %d %v: Spearman(%d,%d) = %.4f, want %.4f ± %.4f", mi, method, i, j, rho, want, tol)
					}
				}
			}
			// marginals unchanged: a is still normal(0, 1)
			mean, se := meanSE(vals[0])
			within(t, "correlated a mean", mean, 0, se)
		}
	}
}

func TestCorrelationErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       [][]string
	}{
		{"not PSD", `inputs:
  a: normal(0, 1)
  b: normal(0, 1)
  c: normal(0, 1)
outputs: [a]
correlations:
  - [a, b, 0.9]
  - [b, c, 0.9]
  - [a, c, -0.9]
`, [][]string{{"s.yaml:7:3", "not positive semi-definite", "smallest eigenvalue -0.", "repair: nearest"}}},
		{"derived input", `inputs:
  a: normal(0, 1)
  b: a * 2
outputs: [a]
correlations: [[a, b, 0.5]]
`, [][]string{{"s.yaml:5:20", "b draws from no distribution of its own"}}},
		{"two draws", `inputs:
  a: normal(0, 1)
  b: normal(0, 1) + uniform(0, 1)
outputs: [a]
correlations: [[a, b, 0.5]]
`, [][]string{{"s.yaml:5:20", "b draws from 2 distributions"}}},
		{"unknown", `inputs:
  alpha: normal(0, 1)
  b: normal(0, 1)
outputs: [b]
correlations: [[alpa, b, 0.5]]
`, [][]string{{"s.yaml:5:17", `unknown input "alpa"`, "alpha"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantDiags(t, compileDiags(t, tt.text), tt.want)
		})
	}
}

func TestCorrelationRepair(t *testing.T) {
	p := compile(t, `inputs:
  a: normal(0, 1)
  b: normal(0, 1)
  c: normal(0, 1)
outputs: [a]
correlations:
  pairs:
    - [a, b, 0.9]
    - [b, c, 0.9]
    - [a, c, -0.9]
  repair: nearest
`)
	c := p.Correlation()
	if c == nil || !c.Repaired || c.MinEigenvalue > -0.5 {
		t.Fatalf("correlation %+v, want a repair of a matrix with a negative eigenvalue", c)
	}
	if ok, e := sampling.IsPSD(c.Used, 3); !ok {
		t.Errorf("repaired matrix has eigenvalue %g", e)
	}
	vals := sample(t, p, 1, 20000, "a", "b", "c")
	if got, want := sensitivity.Spearman(vals[0], vals[1]), c.Used[1]; math.Abs(got-want) > 0.03 {
		t.Errorf("Spearman(a, b) = %.3f, want the repaired %.3f", got, want)
	}
}
