package fit_test

import (
	"context"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/dist"
	"github.com/settle-sim/settle/engine/fit"
	"github.com/settle-sim/settle/engine/model"
)

// TestExpressionsPaste: each fit's expression, pasted into a scenario as
// an input, compiles, is an amount of money when the data are, and draws
// from the fitted distribution (its mean within four standard errors,
// allowing for the rounding of the parameters to four digits).
func TestExpressionsPaste(t *testing.T) {
	src := rand.NewPCG(1, 2)
	xs := make([]float64, 400)
	f, _ := dist.Lookup("lognormal")
	for i := range xs {
		xs[i] = f.Sample(src, dist.Params{19.8, 0.31})
	}
	res, err := fit.Run(xs, fit.Options{Money: true, Bootstrap: -1})
	if err != nil {
		t.Fatal(err)
	}
	for _, ft := range res.Fits {
		for _, isMoney := range []bool{true, false} {
			expr := ft.Expression(isMoney)
			path := filepath.Join(t.TempDir(), "s.yaml")
			body := "name: paste\ninputs:\n  x: " + expr + "\noutputs: [x]\n"
			if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
			p, err := engine.Load(path)
			if err != nil {
				t.Errorf("%s: %v", expr, err)
				continue
			}
			r, err := engine.Run(context.Background(), p, engine.Options{Trials: 40_000, Seed: 3})
			if err != nil {
				t.Fatal(err)
			}
			s := r.Outputs[0].Summary
			var q dist.Params
			copy(q[:], ft.Params)
			want := distMean(t, ft.Family.Name, q)
			if tol := 4*s.SE + 2e-3*math.Abs(want); math.Abs(s.Mean-want) > tol {
				t.Errorf("%s: mean %.5g, the fit's %.5g ± %.3g", expr, s.Mean, want, tol)
			}
			if isMoney && r.Outputs[0].Var.Unit != model.Money {
				t.Errorf("%s is not an amount of money (unit %q)", expr, r.Outputs[0].Var.Unit)
			}
		}
	}
}

func distMean(t *testing.T, name string, p dist.Params) float64 {
	f, ok := dist.Lookup(name)
	if !ok {
		t.Fatalf("no family %s", name)
	}
	return f.Mean(p)
}

func TestExpressionDigits(t *testing.T) {
	for _, tc := range []struct {
		name    string
		params  []float64
		isMoney bool
		want    string
	}{
		{"normal", []float64{420.69999e6, 117.4012e6}, false, "normal(420700000, 117400000)"},
		{"normal", []float64{420.69999e6, 117.4012e6}, true, "normal(£420.7m, £117.4m)"},
		{"lognormal", []float64{19.8213, 0.28771}, false, "lognormal(19.82, 0.2877)"},
		{"gamma", []float64{12.7, 3.019e-8}, true, "£33.12m * gamma(12.7, 1)"},
		{"gamma", []float64{12.7, 3.019e-8}, false, "gamma(12.7, 0.00000003019)"},
		{"exponential", []float64{2.5e-8}, true, "£40m * exponential(1)"},
		{"pert", []float64{1.2e9, 1.5e9, 2.25e9}, true, "pert(£1.2bn, £1.5bn, £2.25bn)"},
		{"weibull", []float64{1.7, 950e3}, true, "weibull(1.7, £950k)"},
		{"student_t", []float64{4, -12.5e6, 3e6}, true, "student_t(4, -£12.5m, £3m)"},
	} {
		f, _ := fit.Lookup(tc.name)
		ft := &fit.Fit{Family: f, Params: tc.params}
		if got := ft.Expression(tc.isMoney); got != tc.want {
			t.Errorf("%s %v money %v: %s, want %s", tc.name, tc.params, tc.isMoney, got, tc.want)
		}
	}
}
