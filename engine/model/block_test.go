package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/settle-sim/settle/engine/scenario"
)

// sameBlocks evaluates trials from first … first+trials−1 of p by
// blocks of size (the last one shorter) and trial by trial, and requires
// every slot's value, and the error, to be identical; with columns off
// (noColumns) the blocks evaluate every step by its closure.
func sameBlocks(t *testing.T, name string, p *Program, first, trials, size int) {
	t.Helper()
	s, b := p.NewState(), p.NewBlock(size)
	for start := first; start < first+trials; start += size {
		n := min(size, first+trials-start)
		errB := p.EvalBlock(b, 11, start, n)
		var errS error
		for trial := start; trial < start+n; trial++ {
			e := p.Eval(s, 11, trial)
			if e != nil && errS == nil {
				errS = e
			}
		}
		if fmt.Sprint(errB) != fmt.Sprint(errS) {
			t.Fatalf("%s, block at %d of %d: error %v by blocks, %v by trials", name, start, n, errB, errS)
		}
		if errS != nil {
			return // values after a failure are not compared
		}
		for trial := start; trial < start+n; trial++ {
			if err := p.Eval(s, 11, trial); err != nil {
				t.Fatal(err)
			}
			for _, v := range p.Vars {
				x, y := s.Slots[v.Slot], b.Values(v)[trial-start]
				if math.Float64bits(x) != math.Float64bits(y) && !(x != x && y != y) {
					t.Fatalf("%s trial %d: %s = %v by trials, %v by blocks", name, trial, v.Name, x, y)
				}
			}
		}
	}
}

// blockPrograms compiles every shipped scenario that EvalBlock can
// evaluate and 40 random ones, with columns on or off.
func blockPrograms(t *testing.T, columns bool) map[string]*Program {
	t.Helper()
	noColumns = !columns
	defer func() { noColumns = false }()
	paths, _ := filepath.Glob("../../scenarios/*.yaml")
	more, _ := filepath.Glob("../../examples/*/*.yaml")
	paths = append(paths, more...)
	r := rand.New(rand.NewPCG(2026, 12))
	dir := t.TempDir()
	for k := range 40 {
		path := filepath.Join(dir, fmt.Sprintf("random%d.yaml", k))
		if err := os.WriteFile(path, []byte(randomScenario(r)), 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, path)
	}
	out := map[string]*Program{}
	for _, path := range paths {
		sc, err := scenario.Load(path)
		if err != nil {
			continue // not a scenario on its own
		}
		p, err := Compile(sc)
		if err != nil || !p.Blocks() {
			continue
		}
		out[path] = p
	}
	if len(out) < 41 || out["../../scenarios/one-step.yaml"] == nil {
		t.Fatalf("%d programs to evaluate by blocks, want one-step.yaml and 40 random ones", len(out))
	}
	return out
}

// TestEvalBlockMatchesEval: every shipped scenario without stages and
// every random rule set gives, by blocks of several sizes, from a trial
// other than 0, the values Eval gives trial by trial, bit for bit, with
// the rules' column forms and with every step by its closure.
func TestEvalBlockMatchesEval(t *testing.T) {
	for _, columns := range []bool{true, false} {
		progs := blockPrograms(t, columns)
		cols := 0
		for path, p := range progs {
			for _, st := range p.steps {
				if st.vec != nil {
					cols++
				}
			}
			for _, size := range []int{1, 7, 256} {
				sameBlocks(t, fmt.Sprintf("%s (columns %v, size %d)", filepath.Base(path), columns, size), p, 1000, 600, size)
			}
		}
		if columns != (cols > 0) {
			t.Errorf("columns %v: %d steps have a column form", columns, cols)
		}
	}
}

// TestEvalBlockErrors: a block names the earliest failing trial and,
// within it, the first failing step, as Eval does, whether the failure is
// in a column form or a closure, and whether an earlier step fails in a
// later trial.
func TestEvalBlockErrors(t *testing.T) {
	const text = `inputs:
  x: normal(0, 1)
  y: normal(0, 1)
  a: beta(x + 1.5, 2)
  b: "x > 1.2 ? discrete([1, 2], [y, 1]) : 0"
  c: "bernoulli(y + 0.9) ? 1 : 0"
rules:
  out: a + b + c
outputs: [out]
`
	path := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	p := compilePath(t, path)
	for _, columns := range []bool{true, false} {
		noColumns = !columns
		q := compilePath(t, path)
		noColumns = false
		failing := 0
		for start := 0; start < 4000; start += 64 {
			s, b := q.NewState(), q.NewBlock(64)
			errB := q.EvalBlock(b, 5, start, 64)
			var errS error
			for trial := start; trial < start+64 && errS == nil; trial++ {
				errS = p.Eval(s, 5, trial)
			}
			if fmt.Sprint(errB) != fmt.Sprint(errS) {
				t.Fatalf("columns %v, block at %d: %v by blocks, %v by trials", columns, start, errB, errS)
			}
			if errS != nil {
				failing++
			}
		}
		if failing < 10 {
			t.Fatalf("columns %v: only %d of 62 blocks failed; the test needs failures", columns, failing)
		}
	}
}

// TestEvalBlockFollows: a followed program evaluated by blocks after its
// base gives the values of the variant evaluated in full.
func TestEvalBlockFollows(t *testing.T) {
	base, variant := figureVariant(t)
	for _, needed := range []string{"settled", "noisy"} {
		v, _ := variant.Lookup(needed)
		q, err := variant.Follow(base, []string{"figure"}, []*Var{v})
		if err != nil {
			t.Fatal(err)
		}
		bb, fb, full := base.NewBlock(100), q.NewBlock(100), variant.NewState()
		fb.Follow(bb)
		for start := 0; start < 1000; start += 100 {
			if err := base.EvalBlock(bb, 3, start, 100); err != nil {
				t.Fatal(err)
			}
			if err := q.EvalBlock(fb, 3, start, 100); err != nil {
				t.Fatal(err)
			}
			for i := range 100 {
				if err := variant.Eval(full, 3, start+i); err != nil {
					t.Fatal(err)
				}
				if got, want := fb.Values(v)[i], full.Slots[v.Slot]; math.Float64bits(got) != math.Float64bits(want) {
					t.Fatalf("%s, trial %d: followed by blocks %v, in full %v", needed, start+i, got, want)
				}
			}
		}
	}
}

// TestEvalBlockPinned: a pinned program's block holds the pinned value.
func TestEvalBlockPinned(t *testing.T) {
	p := compileProgram(t, "inputs:\n  x: normal(0, 1)\nrules:\n  y: x * 2\noutputs: [y]\n")
	q, err := p.Pin("x", 3)
	if err != nil {
		t.Fatal(err)
	}
	sameBlocks(t, "pinned", q, 0, 300, 128)
	b := q.NewBlock(4)
	if err := q.EvalBlock(b, 1, 0, 4); err != nil {
		t.Fatal(err)
	}
	y, _ := q.Lookup("y")
	for _, v := range b.Values(y) {
		if v != 6 {
			t.Fatalf("y = %v with x pinned at 3, want 6", v)
		}
	}
}

// compileProgram compiles the scenario text.
func compileProgram(t *testing.T, text string) *Program {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return compilePath(t, path)
}

// compilePath compiles the scenario at path.
func compilePath(t *testing.T, path string) *Program {
	t.Helper()
	sc, err := scenario.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Compile(sc)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// BenchmarkEvalOneStep times a trial of the one-step reference case
// evaluated trial by trial and by blocks of 1,024.
func BenchmarkEvalOneStep(b *testing.B) {
	sc, err := scenario.Load("../../scenarios/one-step.yaml")
	if err != nil {
		b.Fatal(err)
	}
	p, err := Compile(sc)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("trials", func(b *testing.B) {
		s := p.NewState()
		for i := 0; b.Loop(); i++ {
			if err := p.Eval(s, 1, i); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("blocks", func(b *testing.B) {
		bl := p.NewBlock(1024)
		i := 0
		for b.Loop() {
			if i%1024 == 0 {
				if err := p.EvalBlock(bl, 1, i, 1024); err != nil {
					b.Fatal(err)
				}
			}
			i++
		}
	})
	fallback := 0
	for _, st := range p.steps {
		if st.vec == nil {
			fallback++
		}
	}
	b.ReportMetric(float64(fallback), "by-closure-steps")
}

// TestEvalBlockRedrawn: a program with a factor redrawn from other
// trials' streams, and one with an input pinned, evaluate by blocks as
// trial by trial (the redrawn steps by their closures).
func TestEvalBlockRedrawn(t *testing.T) {
	p := compileProgram(t, `inputs:
  a: normal(0, 1)
  p: beta(2, 3)
  b: bernoulli(p)
  c: clamp(normal(0.3, 0.1), 0, 1) + uniform(0, 1)
rules:
  y: "a + (b ? 1 : 0) + c"
outputs: [y]
`)
	for _, f := range p.Factors() {
		q, err := p.Redraw(f, 5000)
		if err != nil {
			t.Fatal(err)
		}
		sameBlocks(t, "redrawn "+f.Name, q, 100, 700, 256)
	}
}
