package engine_test

import (
	"bytes"
	"context"
	"runtime"
	"testing"

	"github.com/settle-sim/settle/engine"
)

// TestHugeWorkers: asking for two billion workers runs on at most
// MaxWorkers, with the same result as one worker and little memory
// (it used to die allocating a slot per worker), for runs, streamed runs
// and sweeps.
func TestHugeWorkers(t *testing.T) {
	p := load(t, reference)
	const huge = 2_000_000_000
	want := runJSON(t, p, engine.Options{Trials: 20_000, Seed: 5, Workers: 1})
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	got := runJSON(t, p, engine.Options{Trials: 20_000, Seed: 5, Workers: huge})
	runtime.ReadMemStats(&after)
	if !bytes.Equal(got, want) {
		t.Error("--workers 2000000000 gives another result than one worker")
	}
	// The run keeps 20,000 trials of a few dozen columns, a few MB.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 256<<20 {
		t.Errorf("a run of 20,000 trials on %d workers allocated %d MB", huge, alloc>>20)
	}
	if _, err := engine.Run(context.Background(), p, engine.Options{Trials: 20_000, Seed: 5, Workers: huge, ExactLimit: 5_000}); err != nil {
		t.Errorf("streamed run: %v", err)
	}
	axis, err := engine.ParseAxis("settlement_figure=£50m..£250m:£100m")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := engine.Sweep(context.Background(), engine.Spec{Path: reference}, []engine.Axis{axis}, engine.Options{Trials: 2_000, Seed: 5, Workers: huge}); err != nil {
		t.Errorf("sweep: %v", err)
	}
}
