package engine_test

import (
	"bytes"
	"context"
	"math"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/sampling"

	"gonum.org/v1/gonum/stat/distuv"
)

// TestCopulasReported: under the t and Clayton copulas and every
// sampler, each pair's achieved Kendall's tau is within four of its
// standard errors of the tau asked, the document gives the closed-form
// tail dependence, and every input keeps its own distribution (its mean
// within four standard errors of the closed form).
func TestCopulasReported(t *testing.T) {
	const inputs = `inputs:
  a: normal(0, 1)
  b: lognormal(0, 0.5)
  c: pert(0, 1, 5)
  d: beta(2, 5)
outputs: [a, b, c, d]
`
	means := map[string]float64{"a": 0, "b": math.Exp(0.125), "c": 1.5, "d": 2.0 / 7}
	for _, tc := range []struct {
		name, corr   string
		lower, upper float64 // of the first pair
	}{
		{"t", "correlations:\n  copula: t\n  df: 4\n  pairs: [[a, b, 0.5], [c, d, -0.3]]\n",
			2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: 5}.CDF(-math.Sqrt(5*(1-math.Sin(math.Pi/4))/(1+math.Sin(math.Pi/4)))), 0},
		{"clayton", "correlations:\n  copula: clayton\n  groups: [{inputs: [a, b, c], tau: 0.5}]\n", math.Pow(2, -0.5), 0},
		{"clayton upper", "correlations:\n  copula: clayton\n  tail: upper\n  pairs: [[a, b, 0.5], [c, d, 0.2]]\n", 0, math.Pow(2, -0.5)},
	} {
		if tc.name == "t" {
			tc.upper = tc.lower
		}
		p := load(t, writeScenario(t, inputs+tc.corr))
		for _, m := range []sampling.Method{sampling.Random, sampling.LHS, sampling.Sobol} {
			res, err := engine.Run(context.Background(), p, engine.Options{Trials: 20_000, Seed: 4, Sampler: m})
			if err != nil {
				t.Fatal(err)
			}
			doc := report.New(res)
			c := doc.Correlations
			if c == nil || c.Measure != "kendall" {
				t.Fatalf("%s, %v: correlations %+v", tc.name, m, c)
			}
			for i, pr := range c.Pairs {
				if pr.KendallTau == nil || pr.KendallTauSE == nil || *pr.Achieved != *pr.KendallTau {
					t.Fatalf("%s, %v: %v: no Kendall's tau", tc.name, m, pr.Inputs)
				}
				if d := *pr.KendallTau - pr.Declared; math.Abs(d) > 4**pr.KendallTauSE {
					t.Errorf("%s, %v: %v: tau %.4f asked %.4f (se %.4f)", tc.name, m, pr.Inputs, *pr.KendallTau, pr.Declared, *pr.KendallTauSE)
				}
				if i == 0 && (math.Abs(pr.LowerTail-tc.lower) > 1e-9 || math.Abs(pr.UpperTail-tc.upper) > 1e-9) {
					t.Errorf("%s: tails %.4f, %.4f, want %.4f, %.4f", tc.name, pr.LowerTail, pr.UpperTail, tc.lower, tc.upper)
				}
			}
			for _, v := range doc.Inputs {
				if math.Abs(v.Mean-means[v.Name]) > 4*v.SE {
					t.Errorf("%s, %v: %s's mean %.5f, want %.5f ± %.5f", tc.name, m, v.Name, v.Mean, means[v.Name], 4*v.SE)
				}
			}
			var b bytes.Buffer
			report.WriteTable(&b, doc)
			if !strings.Contains(b.String(), "dependence: ") || !strings.Contains(b.String(), "lower tail") {
				t.Errorf("%s: the table has no dependence section:\n%s", tc.name, b.String())
			}
		}
	}
}
