package model_test

import (
	"testing"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/sampling"
	"github.com/settle-sim/settle/engine/scenario"
)

const copulaInputs = `inputs:
  a: normal(0, 1)
  b: lognormal(0, 0.5)
  c: pert(0, 1, 5)
  d: beta(2, 5)
outputs: [a, b, c, d]
`

// TestCopulaEvalAllocs: the t and Clayton copulas keep the per-trial
// path allocation-free under every sampler.
func TestCopulaEvalAllocs(t *testing.T) {
	for _, corr := range []string{
		"correlations:\n  copula: t\n  df: 3\n  pairs: [[a, b, 0.5], [c, d, -0.3]]\n",
		"correlations:\n  copula: clayton\n  groups: [{inputs: [a, b, c], tau: 0.4}]\n",
		"correlations:\n  copula: clayton\n  tail: upper\n  pairs: [[a, b, 0.6], [c, d, 0.2]]\n",
	} {
		base := compile(t, copulaInputs+corr)
		for _, m := range []sampling.Method{sampling.Random, sampling.LHS, sampling.Sobol} {
			p, _ := base.WithSampler(m, 10000)
			if n := evalAllocs(p); n != 0 {
				t.Errorf("%v, %q: Eval allocates %v times a trial", m, corr, n)
			}
		}
	}
}

// TestCopulaCompiled: the declared values become the copula's
// parameters: Kendall's tau → ρ = sin(πτ/2) for t, θ = 2τ/(1−τ) for
// Clayton; the t copula has a dimension of its own.
func TestCopulaCompiled(t *testing.T) {
	p := compile(t, copulaInputs+"correlations:\n  copula: t\n  df: 4\n  pairs: [[a, b, 0.5]]\n")
	c := p.Correlation()
	if c.Measure != scenario.MeasureKendall || c.Copula.Family != sampling.StudentT || c.Copula.DF != 4 {
		t.Fatalf("t copula compiled as %+v", c.Copula)
	}
	if got := c.Copula.KendallTau(0, 1); got < 0.5-1e-12 || got > 0.5+1e-12 {
		t.Errorf("t copula's tau %g, want 0.5", got)
	}
	if p.Dimensions() != 5 {
		t.Errorf("%d dimensions, want 4 draw sites and the t copula's own", p.Dimensions())
	}
	p = compile(t, copulaInputs+"correlations:\n  copula: clayton\n  groups: [{inputs: [a, b, c], tau: 0.5}]\n")
	c = p.Correlation()
	if c.Copula.Family != sampling.Clayton || len(c.Pairs) != 3 || c.Copula.Groups[0].Theta != 2 {
		t.Errorf("clayton group compiled as %+v, pairs %v", c.Copula, c.Pairs)
	}
	// The Gaussian copula takes Kendall's tau when asked.
	p = compile(t, copulaInputs+"correlations:\n  measure: kendall\n  pairs: [[a, b, 0.5]]\n")
	if c := p.Correlation(); c.Copula.Family != sampling.Gaussian || c.Measure != scenario.MeasureKendall {
		t.Errorf("gaussian with kendall compiled as %+v", c)
	}
}

// TestCopulaDiagnostics: every mistake in a copula's declaration is
// reported at its place with what to write instead.
func TestCopulaDiagnostics(t *testing.T) {
	for _, tc := range []struct {
		corr string
		want [][]string
	}{
		{"correlations:\n  copula: frank\n  pairs: [[a, b, 0.5]]\n",
			[][]string{{"s.yaml:8:11", `unknown copula "frank"`, "clayton"}}},
		{"correlations:\n  copula: t\n  pairs: [[a, b, 0.5]]\n",
			[][]string{{"s.yaml:8:3", "needs its degrees of freedom", "df: 4"}}},
		{"correlations:\n  df: 4\n  pairs: [[a, b, 0.5]]\n",
			[][]string{{"s.yaml:8:7", "df goes with copula: t"}}},
		{"correlations:\n  copula: t\n  df: 0.5\n  pairs: [[a, b, 0.5]]\n",
			[][]string{{"s.yaml:9:7", `df "0.5" is not`}}},
		{"correlations:\n  copula: t\n  df: 4\n  measure: spearman\n  pairs: [[a, b, 0.5]]\n",
			[][]string{{"s.yaml:10:12", "takes Kendall's tau, not Spearman's rho"}}},
		{"correlations:\n  copula: clayton\n  pairs: [[a, b, 0.5], [b, c, 0.3]]\n",
			[][]string{{"s.yaml:9:24", "b is in two Clayton pairs", "groups: - {inputs: [a, b, c]"}}},
		{"correlations:\n  copula: clayton\n  pairs: [[a, b, -0.3]]\n",
			[][]string{{"s.yaml:9:11", "not between 0 and 1", "copula: t"}}},
		{"correlations:\n  copula: clayton\n  groups: [{inputs: [a, b], tau: 0.3}, {inputs: [b, c], tau: 0.2}]\n",
			[][]string{{"s.yaml:9:50", "b is in two groups"}}},
		{"correlations:\n  copula: clayton\n  inputs: [a, b]\n  matrix: [[1, 0.3], [0.3, 1]]\n",
			[][]string{{"s.yaml:10:11", "takes groups, not a matrix"}}},
		{"correlations:\n  tail: upper\n  pairs: [[a, b, 0.5]]\n",
			[][]string{{"s.yaml:8:9", "tail goes with copula: clayton"}}},
		{"correlations:\n  groups: [{inputs: [a, b], tau: 0.3}]\n",
			[][]string{{"s.yaml:8:11", "groups go with copula: clayton"}}},
		{"correlations:\n  copula: clayton\n  groups: [{inputs: [a], tau: 0.3}]\n",
			[][]string{{"s.yaml:9:12", "two or more inputs"}}},
	} {
		got := loadDiags(t, copulaInputs+tc.corr)
		wantDiags(t, got, tc.want)
	}
}

// loadDiags is compileDiags for problems found when the file is read
// or when it is compiled.
func loadDiags(t *testing.T, text string) []string {
	t.Helper()
	sc, dir, err := tryLoad(t, text)
	if err != nil {
		return diagsOf(t, err, dir)
	}
	_, err = model.Compile(sc)
	if err == nil {
		t.Fatalf("%q compiled, want an error", text)
	}
	return diagsOf(t, err, dir)
}
