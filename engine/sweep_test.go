package engine_test

import (
	"context"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine"
)

func TestParseAxis(t *testing.T) {
	a, err := engine.ParseAxis("settlement_figure=£100m..£300m:£50m")
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Values(); !reflect.DeepEqual(got, []float64{100e6, 150e6, 200e6, 250e6, 300e6}) {
		t.Errorf("values %v", got)
	}
	// Rounding must not lose the last point: 0.1 steps to 0.9.
	b, _ := engine.ParseAxis("p=0.5..0.9:0.1")
	if n := len(b.Values()); n != 5 {
		t.Errorf("0.5..0.9:0.1 has %d points, want 5", n)
	}
	for _, bad := range []struct{ in, want string }{
		{"p", "NAME=FROM..TO:STEP"},
		{"p=1..2", "NAME=FROM..TO:STEP"},
		{"p=a..2:1", "FROM"},
		{"p=1..2:0", "STEP must be positive"},
		{"p=2..1:1", "TO must not be less"},
		{"p=0..1e9:1", "at most"},
	} {
		if _, err := engine.ParseAxis(bad.in); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("ParseAxis(%q) = %v, want an error about %q", bad.in, err, bad.want)
		}
	}
}

// TestSweepPointEqualsRun: each point of a sweep is the plain run with
// the inputs set to the point's values, exactly (common random numbers),
// whether the axes reach the parties' court and settled outcomes or not,
// and whichever way the points are evaluated.
func TestSweepPointEqualsRun(t *testing.T) {
	tests := []struct {
		name  string
		spec  engine.Spec
		axes  []string
		check func(t *testing.T, res *engine.SweepResult)
	}{
		{"p_settle and discount rate", engine.Spec{Path: reference, Offer: "£150m"},
			[]string{"p_settle=0.5..0.9:0.2", "discount_rate=0.02..0.05:0.03"},
			func(t *testing.T, res *engine.SweepResult) {
				// A higher chance of settling moves the supplier's
				// expected outcome monotonically, with no noise to
				// reverse it.
				if !(res.Points[0].Parties[0].Net.Mean < res.Points[2].Parties[0].Net.Mean &&
					res.Points[2].Parties[0].Net.Mean < res.Points[4].Parties[0].Net.Mean) {
					t.Error("supplier's expected outcome does not rise with p_settle")
				}
			}},
		{"the settlement figure", engine.Spec{Path: reference},
			[]string{"settlement_figure=£50m..£250m:£100m"}, nil},
		{"claim, reaching court", engine.Spec{Path: reference, Positions: []string{"../rules/positions/one-step-buyer.yaml"}},
			[]string{"claim=£400m..£700m:£300m"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var axes []engine.Axis
			for _, s := range tt.axes {
				a, err := engine.ParseAxis(s)
				if err != nil {
					t.Fatal(err)
				}
				axes = append(axes, a)
			}
			res, err := engine.Sweep(context.Background(), tt.spec, axes, engine.Options{Trials: 3000, Seed: 9})
			if err != nil {
				t.Fatal(err)
			}
			for _, pt := range res.Points {
				s := tt.spec
				for k, a := range axes {
					s.Settings = append(s.Settings, engine.Setting{Name: a.Name, Value: strconv.FormatFloat(pt.Values[k], 'g', -1, 64)})
				}
				p, err := s.Load()
				if err != nil {
					t.Fatal(err)
				}
				one, err := engine.Run(context.Background(), p, engine.Options{Trials: 3000, Seed: 9, Workers: 3})
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(one.Parties, pt.Parties) || !reflect.DeepEqual(one.Range, pt.Range) {
					t.Errorf("point %v differs from a plain run:\n%+v\n%+v", pt.Values, one.Parties[0], pt.Parties[0])
				}
			}
			if tt.check != nil {
				tt.check(t, res)
			}
		})
	}
}

func TestSweepErrors(t *testing.T) {
	a, _ := engine.ParseAxis("p_setle=0.5..0.9:0.2")
	_, err := engine.Sweep(context.Background(), engine.Spec{Path: reference}, []engine.Axis{a}, engine.Options{Trials: 10, Seed: 1})
	if err == nil || !strings.Contains(err.Error(), "did you mean p_settle?") {
		t.Errorf("got %v", err)
	}
	b, _ := engine.ParseAxis("supplier_net=0..1:1")
	if _, err := engine.Sweep(context.Background(), engine.Spec{Path: reference}, []engine.Axis{b}, engine.Options{Trials: 10, Seed: 1}); err == nil {
		t.Error("swept a rule")
	}
}

// BenchmarkSweep50 measures a 50-point sweep of the reference case
// against single runs of it, with the same trials per point.
//
//	go test ./engine -run '^$' -bench Sweep50 -benchtime 1x
func BenchmarkSweep50(b *testing.B) {
	const trials = 200_000
	spec := engine.Spec{Path: reference, Offer: "£150m"}
	axis, _ := engine.ParseAxis("p_settle=0.5..0.99:0.01")
	b.Run("run", func(b *testing.B) {
		p := load(b, reference)
		for b.Loop() {
			if _, err := engine.Run(context.Background(), p, engine.Options{Trials: trials, Seed: 1}); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sweep50", func(b *testing.B) {
		if n := len(axis.Values()); n != 50 {
			b.Fatalf("%d points", n)
		}
		for b.Loop() {
			if _, err := engine.Sweep(context.Background(), spec, []engine.Axis{axis}, engine.Options{Trials: trials, Seed: 1}); err != nil {
				b.Fatal(err)
			}
		}
	})
}
