package engine_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/sampling"
	"github.com/settle-sim/settle/engine/sensitivity"
)

const sobolScenario = `name: variance-based sensitivity, known indices
inputs:
  x1: normal(0, 1)
  x2: normal(0, 2)
  x3: normal(5, 3)
  liability: bernoulli(0.5)
  quantum: uniform(0, 2)
  derived: x1 * 3
rules:
  linear: x1 + 2 * x2 - x3
  award: "liability ? quantum : 0"
outputs: [linear, award]
`

// TestSobolKnownIndices: for linear = x1 + 2·x2 − x3 the indices are
// aᵢ²σᵢ² / Σ (1/26, 16/26, 9/26), first and total alike; for award =
// liability × quantum (liability ~ bernoulli(½), quantum ~ uniform(0, 2))
// Var = 5/12, S = 0.6 and 0.2, S_T = 0.8 and 0.4: the interaction's 0.2
// is in both totals. Every estimate is within 4 SE and its interval.
func TestSobolKnownIndices(t *testing.T) {
	p := load(t, writeScenario(t, sobolScenario))
	res, err := engine.Run(context.Background(), p, engine.Options{Trials: 2000, Seed: 11, SobolTrials: 40_000})
	if err != nil {
		t.Fatal(err)
	}
	if res.SobolTrials != 40_000 {
		t.Errorf("SobolTrials %d", res.SobolTrials)
	}
	want := map[string]map[string][2]float64{
		"linear": {"x1": {1. / 26, 1. / 26}, "x2": {16. / 26, 16. / 26}, "x3": {9. / 26, 9. / 26},
			"liability": {0, 0}, "quantum": {0, 0}},
		"award": {"liability": {0.6, 0.8}, "quantum": {0.2, 0.4}, "x1": {0, 0}, "x2": {0, 0}, "x3": {0, 0}},
	}
	for _, s := range res.Sensitivity {
		w := want[s.Output]
		if len(s.Sobol) != 5 {
			t.Errorf("%s: %d indices, want 5 (derived draws nothing of its own)", s.Output, len(s.Sobol))
		}
		for _, ix := range s.Sobol {
			tw, ok := w[ix.Input]
			if !ok {
				t.Errorf("%s: index for %s", s.Output, ix.Input)
				continue
			}
			for k, e := range []struct{ got, lo, hi, se float64 }{
				{ix.First, ix.FirstLo, ix.FirstHi, ix.FirstSE}, {ix.Total, ix.TotalLo, ix.TotalHi, ix.TotalSE}} {
				if math.Abs(e.got-tw[k]) > 4*e.se || tw[k] < e.lo-1e-12 || tw[k] > e.hi+1e-12 {
					t.Errorf("%s, %s: %s index %.4f [%.4f, %.4f] ± %.4f, want %.4f", s.Output, ix.Input,
						[]string{"first", "total"}[k], e.got, e.lo, e.hi, e.se, tw[k])
				}
			}
		}
		for _, ix := range s.Sobol {
			t.Logf("%s %s: first %.4f [%.4f, %.4f], total %.4f [%.4f, %.4f]", s.Output, ix.Input, ix.First, ix.FirstLo, ix.FirstHi, ix.Total, ix.TotalLo, ix.TotalHi)
		}
		if s.Tornado != nil || s.Spider != nil {
			t.Errorf("%s: tornado or spider without being asked", s.Output)
		}
	}
	// Reproducible: the same seed gives the same indices and intervals.
	again, err := engine.Run(context.Background(), p, engine.Options{Trials: 2000, Seed: 11, SobolTrials: 40_000, Workers: 1})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := res.Sensitivity[1].Sobol[3], again.Sensitivity[1].Sobol[3]; a != b {
		t.Errorf("another run (1 worker): %+v, then %+v", a, b)
	}
}

// TestSpider: with x2 held at value v, linear's mean is 2v − 5 (up to
// x1 and x3's noise over the trials used), and the widest line is x2's.
func TestSpider(t *testing.T) {
	p := load(t, writeScenario(t, sobolScenario))
	res, err := engine.Run(context.Background(), p, engine.Options{Trials: 20_000, Seed: 2, Spider: true, Sensitivity: true})
	if err != nil {
		t.Fatal(err)
	}
	s := res.Sensitivity[0]
	if s.Output != "linear" || len(s.Spider) == 0 || s.Spider[0].Input != "x2" {
		t.Fatalf("spider %+v", s.Spider)
	}
	se := math.Sqrt(1+9) / math.Sqrt(float64(res.TornadoTrials))
	for _, pt := range s.Spider[0].Points {
		if want := 2*pt.Value - 5; math.Abs(pt.Mean-want) > 4*se {
			t.Errorf("x2 at p%.0f = %.3f: mean %.4f, want %.4f ± %.4f", 100*pt.P, pt.Value, pt.Mean, want, 4*se)
		}
	}
	if got := len(s.Spider[0].Points); got != len(sensitivity.SpiderProbs) {
		t.Errorf("%d points", got)
	}
	// The spider's ends are the tornado's bars.
	for _, b := range s.Tornado {
		for _, l := range s.Spider {
			if l.Input == b.Input && (l.Points[0].Mean != b.MeanLow || l.Points[len(l.Points)-1].Mean != b.MeanHigh) {
				t.Errorf("%s: spider ends %v, %v; tornado %v, %v", b.Input, l.Points[0].Mean, l.Points[4].Mean, b.MeanLow, b.MeanHigh)
			}
		}
	}
}

// TestSobolCorrelated: correlated inputs are one factor, which explains
// all of y = a + b; an independent c explains the rest of z = a + c. The
// run's Latin hypercube does not reach the design, which is
// pseudo-random.
func TestSobolCorrelated(t *testing.T) {
	p := load(t, writeScenario(t, `name: correlated
inputs:
  a: normal(0, 1)
  b: normal(0, 1)
  c: normal(0, 1)
rules:
  y: a + b
  z: a + c
outputs: [y, z]
correlations:
  - [a, b, 0.5]
`))
	res, err := engine.Run(context.Background(), p, engine.Options{Trials: 1000, Seed: 3, SobolTrials: 20_000, Sampler: sampling.LHS})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range res.Sensitivity {
		if len(s.Sobol) != 2 || s.Sobol[0].Input != "a+b" || s.Sobol[1].Input != "c" {
			t.Fatalf("%s: factors %+v, want a+b and c", s.Output, s.Sobol)
		}
		ab, c := s.Sobol[0], s.Sobol[1]
		want := map[string][2]float64{"y": {1, 0}, "z": {0.5, 0.5}}[s.Output]
		for _, e := range []struct {
			name    string
			got, se float64
			want    float64
		}{{"a+b first", ab.First, ab.FirstSE, want[0]}, {"a+b total", ab.Total, ab.TotalSE, want[0]},
			{"c first", c.First, c.FirstSE, want[1]}, {"c total", c.Total, c.TotalSE, want[1]}} {
			if math.Abs(e.got-e.want) > 4*e.se+1e-12 {
				t.Errorf("%s: %s = %.4f ± %.4f, want %.4f", s.Output, e.name, e.got, e.se, e.want)
			}
		}
	}
}

// TestProcessDrivers: in a scenario with stages the tornado and the
// spider take the run's first ProcessTornadoTrials trials, and leave out
// the outputs summarised on one path (at judgment, or where settled),
// whose means are over trials that holding an input moves.
func TestProcessDrivers(t *testing.T) {
	p := load(t, "../scenarios/reference.yaml")
	res, err := engine.Run(context.Background(), p, engine.Options{Trials: 12_000, Seed: 3, Sensitivity: true, Spider: true,
		Pilot: 1 << 13, Refits: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.TornadoTrials != engine.ProcessTornadoTrials {
		t.Errorf("the tornado took %d trials, want %d", res.TornadoTrials, engine.ProcessTornadoTrials)
	}
	path := map[string]bool{}
	for _, v := range p.Outputs {
		if v.Path != model.AnyPath {
			path[v.Name] = true
		}
	}
	if len(path) == 0 {
		t.Fatal("the reference case has no outputs on one path; the test needs some")
	}
	spiders := 0
	for _, s := range res.Sensitivity {
		if path[s.Output] && (s.Tornado != nil || s.Spider != nil) {
			t.Errorf("%s, an output on one path, has a tornado or spider", s.Output)
		}
		if s.Spider != nil {
			spiders++
		}
	}
	if spiders == 0 {
		t.Error("no output has a spider")
	}
}

// TestProcessPilotBounds: a pilot outside the sizes a fit can use is an
// error that gives them, whoever asks for it.
func TestProcessPilotBounds(t *testing.T) {
	p := load(t, "../scenarios/reference.yaml")
	_, err := engine.Run(context.Background(), p, engine.Options{Trials: 100, Seed: 1, Pilot: 100})
	if err == nil || !strings.Contains(err.Error(), "a pilot of 100 trials; from 4096 to 16777216") {
		t.Fatalf("pilot 100: %v", err)
	}
}
