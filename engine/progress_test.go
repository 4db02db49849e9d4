package engine_test

import (
	"bytes"
	"sync"
	"testing"

	"github.com/settle-sim/settle/engine"
)

// TestProgressReportsEveryTrial: the progress callback sees counts that
// rise to the trial count, and watching progress does not change the
// result.
func TestProgressReportsEveryTrial(t *testing.T) {
	p := load(t, reference)
	for _, tc := range []struct {
		trials, workers int
	}{{1, 1}, {1024, 2}, {5_000, 3}, {10_241, 0}} {
		var mu sync.Mutex
		calls, last := 0, 0
		opt := engine.Options{Trials: tc.trials, Seed: 3, Workers: tc.workers, Progress: func(done int) {
			mu.Lock()
			defer mu.Unlock()
			calls++
			if done > tc.trials || done < 1 {
				t.Errorf("trials=%d: progress %d out of range", tc.trials, done)
			}
			last = max(last, done)
		}}
		got := runJSON(t, p, opt)
		if last != tc.trials {
			t.Errorf("trials=%d workers=%d: progress reached %d, want %d", tc.trials, tc.workers, last, tc.trials)
		}
		if want := (tc.trials + 1023) / 1024; calls != want {
			t.Errorf("trials=%d: %d progress calls, want one a chunk (%d)", tc.trials, calls, want)
		}
		opt.Progress = nil
		if want := runJSON(t, p, opt); !bytes.Equal(got, want) {
			t.Errorf("trials=%d: result with progress differs from the result without", tc.trials)
		}
	}
}
