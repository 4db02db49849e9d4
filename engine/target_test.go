package engine_test

import (
	"bytes"
	"context"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/sampling"
)

// TestTargetUnreachable: the README's old example, 0.25% of every
// output's mean on the reference case, cannot be met (supplier_net's
// mean is near zero beside its spread). The first batch warns, naming
// the output, its error, the trials it would need and what to do
// instead; batches double up to --max-trials; the result names every
// output that missed with its achieved error.
func TestTargetUnreachable(t *testing.T) {
	p := load(t, reference)
	target, err := engine.ParseTarget("0.25%")
	if err != nil {
		t.Fatal(err)
	}
	var warnings []string
	target.Warn = func(msg string) { warnings = append(warnings, msg) }
	target.MaxTrials = 40_000
	res, err := engine.Run(context.Background(), p, engine.Options{Seed: 5, Target: &target})
	if err != nil {
		t.Fatal(err)
	}
	c := res.Convergence
	var trials []int
	for _, b := range c.Batches {
		trials = append(trials, b.Trials)
	}
	if want := []int{8192, 16384, 32768, 40000}; !slices.Equal(trials, want) {
		t.Errorf("batches of %v trials, want %v", trials, want)
	}
	if c.Met || len(c.Missed) == 0 || c.Missed[0].Output != "supplier_net" {
		t.Fatalf("met %v, missed %+v", c.Met, c.Missed)
	}
	for _, m := range c.Missed {
		if !(m.SE > m.Target) || m.Estimated <= 40_000 {
			t.Errorf("missed %+v", m)
		}
	}
	if len(warnings) != 1 {
		t.Fatalf("%d warnings, want 1: %q", len(warnings), warnings)
	}
	w := warnings[0]
	for _, want := range []string{"will not be met within --max-trials 40,000", "after 8,192 trials",
		"supplier_net: se £", "near zero beside its spread", "--target-se £", "--target-outputs"} {
		if !strings.Contains(w, want) {
			t.Errorf("warning lacks %q:\n%s", want, w)
		}
	}
	var b strings.Builder
	report.WriteTable(&b, report.New(res))
	if head := strings.SplitN(b.String(), "\n", 3)[1]; !strings.Contains(head, "NOT met by --max-trials 40,000: supplier_net se £") {
		t.Errorf("heading does not name the output that missed: %s", head)
	}

	// The suggested amount is met within the same bound.
	i := strings.Index(w, "--target-se £")
	text := strings.Fields(w[i+len("--target-se "):])[0]
	abs, err := engine.ParseTarget(text)
	if err != nil {
		t.Fatalf("suggested %q: %v", text, err)
	}
	abs.MaxTrials = 40_000
	res, err = engine.Run(context.Background(), p, engine.Options{Seed: 5, Target: &abs})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Convergence.Met {
		t.Errorf("the suggested target %s was not met within 40,000 trials: %+v", text, res.Convergence.Missed)
	}
}

// TestTargetDesigns: under Sobol' sampling a run to a target uses the
// replicates' standard error, meeting a target that plain sampling
// needs many times the trials for, and is exactly the run of that many
// trials.
func TestTargetDesigns(t *testing.T) {
	p := load(t, reference)
	target, _ := engine.ParseTarget("£300k")
	target.Outputs = []string{"buyer_cost_settled"}
	trialsTo := map[sampling.Method]int{}
	for _, m := range []sampling.Method{sampling.Random, sampling.Sobol} {
		res, err := engine.Run(context.Background(), p, engine.Options{Seed: 5, Target: &target, Sampler: m})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Convergence.Met {
			t.Fatalf("%v: not met", m)
		}
		trialsTo[m] = res.Trials
		plain, err := engine.Run(context.Background(), p, engine.Options{Seed: 5, Trials: res.Trials, Sampler: m})
		if err != nil {
			t.Fatal(err)
		}
		if a, b := plain.Outputs[6].Summary, res.Outputs[6].Summary; a.Mean != b.Mean || a.SE != b.SE {
			t.Errorf("%v: the run to a target differs from a run of the same trials", m)
		}
	}
	if trialsTo[sampling.Sobol] >= trialsTo[sampling.Random] {
		t.Errorf("sobol took %d trials, random %d", trialsTo[sampling.Sobol], trialsTo[sampling.Random])
	}
}

// TestTargetWithStages: --target-se on a scenario with stages fits the
// parties' decisions once, from the seed, and every batch decides by
// them. The outputs that exist only on one path are measured over the
// trials that ended there, as the document gives their standard error;
// the result is the plain run of as many trials, with the batches.
func TestTargetWithStages(t *testing.T) {
	p, err := engine.Load("../scenarios/reference.yaml")
	if err != nil {
		t.Fatal(err)
	}
	target, err := engine.ParseTarget("£3m")
	if err != nil {
		t.Fatal(err)
	}
	target.Outputs = []string{"supplier_net", "supplier_net_court"}
	target.MaxTrials = 64_000
	opt := engine.Options{Seed: 3, Pilot: 1 << 13, Refits: 1, Workers: 2}
	o := opt
	o.Target = &target
	res, err := engine.Run(context.Background(), p, o)
	if err != nil {
		t.Fatal(err)
	}
	c := res.Convergence
	if !c.Met || len(c.Batches) < 2 {
		t.Fatalf("convergence %+v: want the target met after more than one batch", c)
	}
	last := c.Batches[len(c.Batches)-1]
	var court *engine.Column
	for _, col := range res.Outputs {
		if col.Var.Name == last.Worst {
			court = col
		}
	}
	if last.Worst != "supplier_net_court" || court == nil {
		t.Fatalf("worst output %q; want supplier_net_court, the court outcome, whose mean is over fewer trials", last.Worst)
	}
	if se := court.Summary.SE; math.Abs(last.SE-se) > 1e-9*se {
		t.Errorf("the last batch's SE of %s is %v, the document's %v", last.Worst, last.SE, se)
	}
	plain := opt
	plain.Trials = c.Trials
	want, err := engine.Run(context.Background(), p, plain)
	if err != nil {
		t.Fatal(err)
	}
	res.Convergence = nil
	if !bytes.Equal(docJSON(t, res), docJSON(t, want)) {
		t.Errorf("the target's run of %d trials differs from the plain run of as many", c.Trials)
	}
}
