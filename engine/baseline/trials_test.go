package baseline

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/samples"
)

// The kept trials read back as written: the first KeptTrials of each
// output, rounded to samples.BaselineBits, with the run's seed; the same
// trials give the same bytes.
func TestKeptTrialsRoundTrip(t *testing.T) {
	p, err := engine.Load("../../scenarios/reference.yaml")
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(context.Background(), p, engine.Options{Trials: KeptTrials + 5000, Seed: 3})
	if err != nil {
		t.Fatal(err)
	}
	set := KeptSet(res)
	enc, err := encodeTrials(set)
	if err != nil {
		t.Fatal(err)
	}
	again, _ := encodeTrials(KeptSet(res))
	if !bytes.Equal(enc, again) {
		t.Error("the same trials give different bytes")
	}
	got, err := decodeTrials(bytes.NewReader(enc), "x.trials.gz")
	if err != nil {
		t.Fatal(err)
	}
	if got.Trials != KeptTrials || got.Seed != 3 || got.Bits != samples.BaselineBits || len(got.Columns) != len(res.Outputs) {
		t.Fatalf("read back %d trials, seed %d, %d bits, %d columns", got.Trials, got.Seed, got.Bits, len(got.Columns))
	}
	for i, c := range got.Columns {
		want := res.Outputs[i]
		if c.Name != want.Var.Name || c.Unit != want.Var.Unit {
			t.Errorf("column %d is %s (%s), want %s", i, c.Name, c.Unit, want.Var.Name)
		}
		for k, x := range c.Values {
			y := want.Values[k]
			if x != samples.Round(y, samples.BaselineBits) || math.Abs(x-y) > math.Abs(y)*math.Ldexp(1, -samples.BaselineBits) {
				t.Fatalf("%s trial %d: %v, want %v rounded", c.Name, k, x, y)
			}
		}
	}
	// 16 bits in byte planes: under 2.5 bytes a value.
	if per := float64(len(enc)) / float64(KeptTrials*len(res.Outputs)); per > 2.5 {
		t.Errorf("%.2f bytes a value", per)
	}
	for _, bad := range [][]byte{[]byte("not gzip"), enc[:len(enc)/2]} {
		if _, err := decodeTrials(bytes.NewReader(bad), "x.trials.gz"); err == nil || !strings.Contains(err.Error(), "x.trials.gz: not a baseline's kept trials") {
			t.Errorf("damaged file: %v", err)
		}
	}
}

// Update writes the kept trials beside the document; a second update
// leaves both alone; a test pairs them with the rerun's; kept trials of
// another run are noted and not used.
func TestRunKeepsTrials(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"a.yaml": scenario})
	ctx := context.Background()
	if _, err := Run(ctx, Options{Dir: dir, Update: true}); err != nil {
		t.Fatal(err)
	}
	tpath := filepath.Join(dir, "baselines", "a.trials.gz")
	first, err := os.ReadFile(tpath)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Run(ctx, Options{Dir: dir, Update: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Cases[0].Status != Identical {
		t.Errorf("second update: %s", rep.Cases[0].Detail)
	}
	write(t, dir, map[string]string{"a.yaml": strings.Replace(scenario, "k: 1", "k: 1.001", 1)})
	rep, err = Run(ctx, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	c := rep.Cases[0]
	if c.Status != Failed || c.Result.Outputs[0].MeanTest != "paired" || !c.Result.Outputs[0].Significant {
		t.Errorf("a 0.1%% change: %s %s, %+v", c.State, c.Detail, c.Result.Outputs[0])
	}
	// Trials of another seed are not paired.
	write(t, dir, map[string]string{"a.yaml": strings.Replace(scenario, "seed: 1", "seed: 2", 1)})
	if _, err := Run(ctx, Options{Dir: dir, Update: true}); err != nil {
		t.Fatal(err)
	}
	write(t, dir, map[string]string{"a.yaml": scenario})
	if err := os.WriteFile(tpath, first, 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err = Run(ctx, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	r := rep.Cases[0].Result
	if r.Outputs[0].MeanTest != "welch" || !strings.Contains(strings.Join(r.Notes, "\n"), "kept trials are not of its document's run") {
		t.Errorf("stale kept trials: %s, notes %q", r.Outputs[0].MeanTest, r.Notes)
	}
}
