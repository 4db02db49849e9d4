package engine

import (
	"github.com/settle-sim/settle/engine/run"
	"runtime"
	"testing"
)

// TestWorkers: a run's workers are what it asks for, one per CPU when it
// asks for none, never more than MaxWorkers and never more than its
// chunks of trials.
func TestWorkers(t *testing.T) {
	cpus := runtime.GOMAXPROCS(0)
	most := MaxWorkers()
	if most != WorkersPerCPU*cpus {
		t.Fatalf("MaxWorkers() = %d, want %d per CPU, %d", most, WorkersPerCPU, WorkersPerCPU*cpus)
	}
	many := 1_000 * run.Chunk // trials enough for any cap
	tests := []struct {
		workers, trials, want int
	}{
		{0, many, cpus},
		{-3, many, cpus},
		{1, many, 1},
		{3, many, min(3, most)},
		{most, many, most},
		{most + 1, many, most},
		{2_000_000_000, many, most},
		{2_000_000_000, 1, 1},
		{2_000_000_000, run.Chunk, 1},
		{2_000_000_000, run.Chunk + 1, min(2, most)},
		{8, 5_000, min(5, most)}, // 5,000 trials are 5 chunks
		{0, 0, 1},
		{2_000_000_000, 1 << 62, most},
		{2_000_000_000, int(^uint(0) >> 1), most}, // the most trials, without overflow
	}
	for _, tt := range tests {
		if got := workers(Options{Workers: tt.workers, Trials: tt.trials}); got != tt.want {
			t.Errorf("workers(Workers: %d, Trials: %d) = %d, want %d", tt.workers, tt.trials, got, tt.want)
		}
	}
	for _, tt := range []struct {
		n    int
		caps bool
	}{{0, false}, {1, false}, {most, false}, {most + 1, true}, {2_000_000_000, true}} {
		if got := CapsWorkers(tt.n); got != tt.caps {
			t.Errorf("CapsWorkers(%d) = %v, want %v", tt.n, got, tt.caps)
		}
	}
}
