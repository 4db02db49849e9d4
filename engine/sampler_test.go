package engine_test

import (
	"bytes"
	"context"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/sampling"
)

// TestSamplersReproducible: for every sampler, the same seed gives the
// same document whatever the number of workers, and another seed a
// different one; the document names the sampler.
func TestSamplersReproducible(t *testing.T) {
	p := load(t, reference)
	for _, m := range []sampling.Method{sampling.Random, sampling.LHS, sampling.Sobol} {
		want := runJSON(t, p, engine.Options{Trials: 2_000, Seed: 7, Workers: 1, Sampler: m, Sensitivity: true})
		for _, w := range []int{2, 3, 8} {
			got := runJSON(t, p, engine.Options{Trials: 2_000, Seed: 7, Workers: w, Sampler: m, Sensitivity: true})
			if !bytes.Equal(got, want) {
				t.Errorf("%v, workers=%d: result differs from workers=1", m, w)
			}
		}
		if other := runJSON(t, p, engine.Options{Trials: 2_000, Seed: 8, Workers: 2, Sampler: m}); bytes.Equal(other, want) {
			t.Errorf("%v: seed 8 gave the document of seed 7", m)
		}
		named := bytes.Contains(want, []byte(`"sampler": "`+m.String()+`"`))
		if named != (m != sampling.Random) {
			t.Errorf("%v: document names the sampler: %v", m, named)
		}
	}
}

// TestSamplersNarrowError: over independent seeds, the spread of the
// mean of a smooth output is narrower with lhs and sobol than with
// random sampling at equal trials, and all three agree on the mean.
func TestSamplersNarrowError(t *testing.T) {
	path := writeScenario(t, `inputs:
  a: pert(£100m, £300m, £700m)
  b: beta(4, 6)
  c: normal(0.5, 0.1)
rules:
  y: a * b + £50m * c
outputs: [y]
`)
	p := load(t, path)
	const seeds, n = 24, 2048
	spread := map[sampling.Method]float64{}
	means := map[sampling.Method]float64{}
	for _, m := range []sampling.Method{sampling.Random, sampling.LHS, sampling.Sobol} {
		var xs []float64
		for seed := range uint64(seeds) {
			res, err := engine.Run(context.Background(), p, engine.Options{Trials: n, Seed: seed + 1, Sampler: m})
			if err != nil {
				t.Fatal(err)
			}
			xs = append(xs, res.Outputs[0].Summary.Mean)
		}
		mean, sd := 0.0, 0.0
		for _, x := range xs {
			mean += x / seeds
		}
		for _, x := range xs {
			sd += (x - mean) * (x - mean) / (seeds - 1)
		}
		spread[m], means[m] = math.Sqrt(sd), mean
	}
	// E[y] = E[a]E[b] + 50m·0.5 = 333.33m·0.4 + 25m
	truth := (100e6+4*300e6+700e6)/6*0.4 + 25e6
	for m, mean := range means {
		if se := spread[m] / math.Sqrt(seeds); math.Abs(mean-truth) > 4*se+1 {
			t.Errorf("%v: mean of means %.4g, want %.4g ± %.3g", m, mean, truth, 4*se)
		}
	}
	t.Logf("SD of the mean over %d seeds, %d trials: random %.3g, lhs %.3g, sobol %.3g", seeds, n,
		spread[sampling.Random], spread[sampling.LHS], spread[sampling.Sobol])
	// Both designs cut the error by far more than the sampling error of
	// the SDs themselves (about 15% with 24 seeds); Latin hypercubes
	// remove the additive part of the variance only, so less so.
	if spread[sampling.LHS] > spread[sampling.Random]/2 {
		t.Errorf("lhs spread %.3g is not half random's %.3g", spread[sampling.LHS], spread[sampling.Random])
	}
	if spread[sampling.Sobol] > spread[sampling.Random]/3 {
		t.Errorf("sobol spread %.3g is not a third of random's %.3g", spread[sampling.Sobol], spread[sampling.Random])
	}
}

// TestCorrelationsReported: the document and the table report each
// declared pair with the Spearman correlation achieved.
func TestCorrelationsReported(t *testing.T) {
	path := writeScenario(t, `inputs:
  a: pert(0, 1, 3)
  b: lognormal(0, 0.5)
  c: uniform(0, 1)
outputs: [a, b, c]
correlations:
  - [a, b, 0.6]
  - [b, c, -0.3]
`)
	p := load(t, path)
	for _, m := range []sampling.Method{sampling.Random, sampling.Sobol} {
		res, err := engine.Run(context.Background(), p, engine.Options{Trials: 20_000, Seed: 3, Sampler: m})
		if err != nil {
			t.Fatal(err)
		}
		doc := report.New(res)
		if doc.Correlations == nil || len(doc.Correlations.Pairs) != 2 {
			t.Fatalf("%v: correlations %+v", m, doc.Correlations)
		}
		for _, pr := range doc.Correlations.Pairs {
			if pr.Achieved == nil || math.Abs(*pr.Achieved-pr.Declared) > 4*(1-pr.Declared*pr.Declared)/math.Sqrt(20_000) {
				t.Errorf("%v: %v declared %g achieved %v", m, pr.Inputs, pr.Declared, pr.Achieved)
			}
		}
		var b bytes.Buffer
		report.WriteTable(&b, doc)
		// The table shows each pair as asked and achieved, the same
		// achieved figure as the document's.
		want := regexp.MustCompile(`(?m)^ +a ~ b +0\.60 +` + regexp.QuoteMeta(strconv.FormatFloat(*doc.Correlations.Pairs[0].Achieved, 'f', 2, 64)) + `$`)
		if !strings.Contains(b.String(), "rank correlations  asked  achieved") || !want.MatchString(b.String()) {
			t.Errorf("table lacks the correlations:\n%s", b.String())
		}
	}
}

// TestTargetSE: a run to a target standard error stops at the first
// batch that meets it, is exactly the run of that many trials, and says
// when the target was not met.
func TestTargetSE(t *testing.T) {
	p := load(t, reference)
	target, err := engine.ParseTarget("2%")
	if err != nil {
		t.Fatal(err)
	}
	target.Outputs = []string{"buyer_cost"}
	res, err := engine.Run(context.Background(), p, engine.Options{Seed: 5, Target: &target})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Convergence
	if c == nil || !c.Met || c.Trials != res.Trials {
		t.Fatalf("convergence %+v, trials %d", c, res.Trials)
	}
	for i, b := range c.Batches {
		if b.Trials%engine.FirstBatch != 0 || (i > 0 && b.Trials <= c.Batches[i-1].Trials) {
			t.Errorf("batch %d has %d trials", i, b.Trials)
		}
		met := b.SE <= b.Target
		if met != (i == len(c.Batches)-1) {
			t.Errorf("batch %d (%d trials): SE %g, target %g", i, b.Trials, b.SE, b.Target)
		}
	}
	out := res.Outputs[1]
	if out.Var.Name != "buyer_cost" || out.Summary.SE > 0.02*math.Abs(out.Summary.Mean) {
		t.Errorf("%s: SE %g of mean %g is not under 2%%", out.Var.Name, out.Summary.SE, out.Summary.Mean)
	}
	// exactly the run of that many trials
	plain, err := engine.Run(context.Background(), p, engine.Options{Seed: 5, Trials: res.Trials})
	if err != nil {
		t.Fatal(err)
	}
	if a, b := plain.Outputs[1].Summary, out.Summary; a.Mean != b.Mean || a.SE != b.SE || a.Min != b.Min || a.Max != b.Max {
		t.Error("the run to a target differs from a run of the same trials")
	}

	// an unreachable target stops at the maximum, not met
	tight, _ := engine.ParseTarget("£1")
	tight.MaxTrials = 20_000
	res, err = engine.Run(context.Background(), p, engine.Options{Seed: 5, Target: &tight})
	if err != nil {
		t.Fatal(err)
	}
	if c := res.Convergence; c.Met || res.Trials != 20_000 || c.Batches[len(c.Batches)-1].Trials != 20_000 {
		t.Errorf("unreachable target: met %v after %d trials in %d batches", c.Met, res.Trials, len(c.Batches))
	}
	if _, err := engine.ParseTarget("-3%"); err == nil {
		t.Error("ParseTarget(-3%) succeeded")
	}
	bad := target
	bad.Outputs = []string{"nosuch"}
	if _, err := engine.Run(context.Background(), p, engine.Options{Seed: 5, Target: &bad}); err == nil || !strings.Contains(err.Error(), "not an output") {
		t.Errorf("unknown target output: %v", err)
	}
}
