package model_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/scenario"
)

// largeScenario writes a scenario of n entries, half inputs and half
// rules, in the forms scenarios use (distributions over earlier inputs,
// money, mappings with a unit and a doc, conditions, true/false rules),
// each referring to a near and a far earlier name, and returns its path.
func largeScenario(tb testing.TB, n int) string {
	tb.Helper()
	var b strings.Builder
	far := func(i int) int { return i/8*4 + 1 } // an earlier amount of money, x1, x5, x9...
	b.WriteString("name: large\ntrials: 100\ninputs:\n")
	for i := range n / 2 {
		switch {
		case i == 0:
			b.WriteString("  x0: normal(0, 1)\n")
		case i%4 == 1:
			fmt.Fprintf(&b, "  x%d: £%dm\n", i, i)
		case i%4 == 2:
			fmt.Fprintf(&b, "  x%d: {value: \"uniform(x%d, x%d + £1m)\", unit: GBP, doc: input %d}\n", i, far(i), i-1, i)
		case i%4 == 3:
			fmt.Fprintf(&b, "  x%d: bernoulli(0.5)\n", i)
		default:
			fmt.Fprintf(&b, "  x%d: normal(x%d, 1)\n", i, far(i))
		}
	}
	b.WriteString("rules:\n")
	for i := range n / 2 {
		switch {
		case i == 0:
			b.WriteString("  r0: x0 * 2\n")
		case i%4 == 3:
			fmt.Fprintf(&b, "  r%d: \"x%d and r%d > 0\"\n", i, i, i-1)
		case i%4 == 0:
			fmt.Fprintf(&b, "  r%d: \"r%d ? x%d : max(x%d, 0)\"\n", i, i-1, far(i), i-2)
		default:
			fmt.Fprintf(&b, "  r%d: \"r%d * 0.5 + x%d\"\n", i, i-(i%4), i-(i%4))
		}
	}
	b.WriteString("outputs: [")
	for i := 0; i < n/2; i += 7 {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "r%d", i)
	}
	b.WriteString("]\n")
	path := filepath.Join(tb.TempDir(), "large.yaml")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return path
}

// loadLarge loads and compiles the scenario at path, as settle check
// does, and reports how many entries it has.
func loadLarge(tb testing.TB, path string) int {
	tb.Helper()
	sc, err := scenario.Load(path)
	if err != nil {
		tb.Fatal(err)
	}
	p, err := model.Compile(sc)
	if err != nil {
		tb.Fatal(err)
	}
	return len(p.Vars)
}

// TestLoadingIsLinear loads scenarios of 2,000 and 8,000 entries and
// checks that the larger costs about four times as much, not sixteen: in
// allocations, which are counted exactly, and in the CPU time of the best
// of three loads of each (not with -short, which the race detector runs).
// Checking each definition against an environment of every earlier name
// made loading quadratic: 5,000 inputs took 7.5 s, and this test 185 s
// to fail at 4,000 and 16,000.
func TestLoadingIsLinear(t *testing.T) {
	const small, large = 2_000, 8_000
	paths := map[int]string{small: largeScenario(t, small), large: largeScenario(t, large)}
	allocs := func(n int) float64 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		got := loadLarge(t, paths[n])
		runtime.ReadMemStats(&after)
		if got != n {
			t.Fatalf("%d entries compiled to %d vars", n, got)
		}
		return float64(after.Mallocs - before.Mallocs)
	}
	// Linear is 4; n log n at these sizes under 5; quadratic 16.
	as, al := allocs(small), allocs(large)
	if r := al / as; r > 6 {
		t.Fatalf("loading %d entries makes %.1f times the allocations of %d (%.0f against %.0f); want about %d (linear)", large, r, small, al, as, large/small)
	}
	if testing.Short() {
		return
	}
	best := func(n int) time.Duration {
		d := time.Duration(1<<63 - 1)
		for range 3 {
			start := cpuTime()
			loadLarge(t, paths[n])
			d = min(d, cpuTime()-start)
		}
		return d
	}
	ts, tl := best(small), best(large)
	if r := float64(tl) / float64(ts); r > 8 {
		t.Errorf("loading %d entries takes %.1f times as long as %d (%v against %v); want about %d (linear)", large, r, small, tl, ts, large/small)
	}
}

// BenchmarkLoad measures loading and compiling a scenario of 100,000
// entries; ns/entry should not grow with the size.
//
//	go test ./engine/model -run '^$' -bench Load
func BenchmarkLoad(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			path := largeScenario(b, n)
			b.ReportAllocs()
			for b.Loop() {
				loadLarge(b, path)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/entry")
		})
	}
}

var start = time.Now()

// wallTime returns the time on the clock since the tests started.
func wallTime() time.Duration { return time.Since(start) }
