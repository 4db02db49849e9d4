package engine_test

import (
	"bytes"
	"context"
	"math"
	"slices"
	"testing"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/stats"
)

// TestSketchedRun: above the exact limit, a run's summaries come from
// moments and a sketch: the same whatever the number of workers, and
// within the stated accuracy of the exact run's; the parties' analysis,
// the settlement range and the sensitivity are there as in an exact run.
func TestSketchedRun(t *testing.T) {
	p := load(t, reference)
	const trials = 30_000
	exact, err := engine.Run(context.Background(), p, engine.Options{Trials: trials, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	var first []byte
	for _, w := range []int{1, 2, 5} {
		res, err := engine.Run(context.Background(), p, engine.Options{Trials: trials, Seed: 3, Workers: w, ExactLimit: 10_000, Sensitivity: true})
		if err != nil {
			t.Fatal(err)
		}
		if res.QuantileError != stats.SketchAccuracy || len(res.Parties) != 2 || res.Range == nil || len(res.Sensitivity) == 0 {
			t.Fatalf("sketched run: QuantileError %v, parties %v, range %v, sensitivity %d", res.QuantileError, res.Parties, res.Range, len(res.Sensitivity))
		}
		for i, pr := range res.Parties {
			e := exact.Parties[i]
			// The same sums, merged in another order: equal to rounding.
			if d := math.Abs(pr.Reservation.Value - e.Reservation.Value); d > 1e-6*math.Abs(e.Reservation.Value) {
				t.Errorf("%s: reservation %v, exact run %v", pr.Name, pr.Reservation.Value, e.Reservation.Value)
			}
			if d := math.Abs(pr.Net.CE - e.Net.CE); d > 1e-6*math.Abs(e.Net.CE) {
				t.Errorf("%s: CE %v, exact run %v", pr.Name, pr.Net.CE, e.Net.CE)
			}
		}
		var b bytes.Buffer
		if err := report.WriteJSON(&b, report.New(res)); err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = b.Bytes()
		} else if !bytes.Equal(first, b.Bytes()) {
			t.Errorf("workers=%d: sketched result differs from workers=1", w)
		}
		for i, c := range res.Outputs {
			e := exact.Outputs[i].Summary
			s := c.Summary
			if s.N != e.N || s.Min != e.Min || s.Max != e.Max || s.PPositive != e.PPositive {
				t.Errorf("%s: n/min/max/P(>0) differ", c.Var.Name)
			}
			if math.Abs(s.Mean-e.Mean) > 1e-9*e.SD || math.Abs(s.SD-e.SD) > 1e-9*e.SD {
				t.Errorf("%s: mean %v sd %v, exact %v %v", c.Var.Name, s.Mean, s.SD, e.Mean, e.SD)
			}
			sorted := append([]float64(nil), exact.Outputs[i].Values...)
			slicesSort(sorted)
			for k, prob := range stats.Probs {
				h := float64(trials-1) * prob
				lo := int(h)
				bound := stats.SketchAccuracy * math.Max(math.Abs(sorted[lo]), math.Abs(sorted[min(lo+1, trials-1)]))
				if math.Abs(s.Quantiles[k]-e.Quantiles[k]) > bound*(1+1e-12) {
					t.Errorf("%s p%v: %v, exact %v", c.Var.Name, prob, s.Quantiles[k], e.Quantiles[k])
				}
			}
		}
	}
}

// TestMomentsMatchHandWritten: Moments, the streamed evaluation bench/
// times, gives the means of the exact run.
func TestMomentsMatchRun(t *testing.T) {
	p := load(t, reference)
	opt := engine.Options{Trials: 20_000, Seed: 5}
	res, err := engine.Run(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := engine.Moments(context.Background(), p, opt, p.Outputs)
	if err != nil {
		t.Fatal(err)
	}
	for i, c := range res.Outputs {
		if math.Abs(ms[i].Mean-c.Summary.Mean) > 1e-9*c.Summary.SD {
			t.Errorf("%s: Moments mean %v, Run %v", c.Var.Name, ms[i].Mean, c.Summary.Mean)
		}
	}
}

func slicesSort(xs []float64) { slices.Sort(xs) }
