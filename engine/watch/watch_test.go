package watch

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/model"
)

// syncBuffer is a bytes.Buffer safe to read while Loop writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestLoop(t *testing.T) {
	dir := t.TempDir()
	scen := filepath.Join(dir, "s.yaml")
	rules := filepath.Join(dir, "r.yaml")
	write := func(path, body string, age time.Duration) {
		t.Helper()
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		// Make each save visibly newer, whatever the clock's resolution.
		stamp := time.Now().Add(age)
		os.Chtimes(path, stamp, stamp)
	}
	write(rules, "rules:\n  award: claim * 0.5\n", -time.Hour)
	write(scen, "name: watched\ninclude: [r.yaml]\ninputs:\n  claim: uniform(£100m, £200m)\noutputs: [award]\n", -time.Hour)

	var out, errs syncBuffer
	runs := make(chan int, 10)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() {
		done <- Loop(ctx, Config{
			Spec: engine.Spec{Path: scen},
			Options: func(p *model.Program) (engine.Options, error) {
				return engine.Options{Trials: 2000, Seed: 1}, nil
			},
			Interval: 10 * time.Millisecond,
			Out:      &out, Errs: &errs,
			Runs: func(n int) { runs <- n },
		})
	}()
	wait := func(want int) {
		t.Helper()
		select {
		case n := <-runs:
			if n != want {
				t.Fatalf("attempt %d, want %d", n, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("no attempt %d; out:\n%s\nerrs:\n%s", want, out.String(), errs.String())
		}
	}
	wait(1)
	if !strings.Contains(out.String(), "award") || strings.Contains(out.String(), "changes since") {
		t.Fatalf("first run:\n%s", out.String())
	}
	// Saving an included file re-runs and shows the change.
	write(rules, "rules:\n  award: claim * 0.6\n", 0)
	wait(2)
	if !strings.Contains(out.String(), "changes since the last run") {
		t.Errorf("no changes after an edit:\n%s", out.String())
	}
	// A broken save shows its error and watching goes on.
	write(scen, "name: watched\ninclude: [r.yaml]\ninputs:\n  claim: uniform(£100m, £200m\noutputs: [award]\n", time.Second)
	wait(3)
	if !strings.Contains(errs.String(), "s.yaml:4:") {
		t.Errorf("no positioned error:\n%s", errs.String())
	}
	write(scen, "name: watched\ninclude: [r.yaml]\ninputs:\n  claim: uniform(£100m, £300m)\noutputs: [award]\n", 2*time.Second)
	wait(4)
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Loop returned %v", err)
	}
}
