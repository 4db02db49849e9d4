package model_test

import (
	"errors"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/scenario"
)

// load writes text to s.yaml in a new directory and loads it.
func load(t *testing.T, text string) (*scenario.Scenario, string) {
	t.Helper()
	sc, dir, err := tryLoad(t, text)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return sc, dir
}

// tryLoad writes text to s.yaml in a new directory and loads it,
// returning the error.
func tryLoad(t *testing.T, text string) (*scenario.Scenario, string, error) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Load(path)
	return sc, dir, err
}

// evalAllocs is how many times p's Eval allocates a trial, on average,
// over 500 trials.
func evalAllocs(p *model.Program) float64 {
	s := p.NewState()
	trial := 0
	return testing.AllocsPerRun(500, func() {
		if err := p.Eval(s, 1, trial); err != nil {
			panic(err)
		}
		trial++
	})
}

// compile loads and compiles text, failing the test on any error.
func compile(t *testing.T, text string) *model.Program {
	t.Helper()
	sc, _ := load(t, text)
	p, err := model.Compile(sc)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return p
}

// compileDiags loads and compiles text, which must fail to compile, and
// returns its diagnostics as "s.yaml:line:col: message; hint".
func compileDiags(t *testing.T, text string) []string {
	t.Helper()
	sc, dir := load(t, text)
	p, err := model.Compile(sc)
	if err == nil {
		t.Fatalf("Compile succeeded with %d vars, want an error", len(p.Vars))
	}
	if p != nil {
		t.Error("Compile returned a program with its error")
	}
	return diagsOf(t, err, dir)
}

// diagsOf returns the diagnostics of err, a *diag.ListError, as
// "s.yaml:line:col: message; hint", paths relative to dir.
func diagsOf(t *testing.T, err error, dir string) []string {
	t.Helper()
	var le *diag.ListError
	if !errors.As(err, &le) {
		t.Fatalf("error %v (%T) is not a *diag.ListError", err, err)
	}
	out := make([]string, len(le.List))
	for i, d := range le.List {
		d.Pos.File = strings.TrimPrefix(d.Pos.File, dir+string(filepath.Separator))
		out[i] = d.String()
	}
	return out
}

// wantDiags checks that got has exactly one diagnostic per want entry,
// each at the position want[i][0] and containing every other string of
// want[i].
func wantDiags(t *testing.T, got []string, want [][]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d diagnostics, want %d:\n%s", len(got), len(want), strings.Join(got, "\n"))
	}
	for i, w := range want {
		if !strings.HasPrefix(got[i], w[0]+": ") {
			t.Errorf("diagnostic %d = %q, want position %s", i, got[i], w[0])
		}
		for _, frag := range w[1:] {
			if !strings.Contains(got[i], frag) {
				t.Errorf("diagnostic %d = %q, want it to contain %q", i, got[i], frag)
			}
		}
	}
}

// sample evaluates n trials of p with seed and returns the values of
// the named vars, one slice per name.
func sample(t *testing.T, p *model.Program, seed uint64, n int, names ...string) [][]float64 {
	t.Helper()
	slots := make([]int, len(names))
	for i, name := range names {
		v, ok := p.Lookup(name)
		if !ok {
			t.Fatalf("no var %s", name)
		}
		slots[i] = v.Slot
	}
	out := make([][]float64, len(names))
	for i := range out {
		out[i] = make([]float64, n)
	}
	s := p.NewState()
	for trial := range n {
		if err := p.Eval(s, seed, trial); err != nil {
			t.Fatalf("trial %d: %v", trial, err)
		}
		for i, slot := range slots {
			out[i][trial] = s.Slots[slot]
		}
	}
	return out
}

// meanSE returns the sample mean of xs and its standard error.
func meanSE(xs []float64) (mean, se float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x
	}
	mean /= n
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / (n - 1) / n)
}

// varianceSE returns the sample variance of xs and its standard error,
// sqrt((m4 - s^4)/n), from the sample's fourth central moment.
func varianceSE(xs []float64) (variance, se float64) {
	n := float64(len(xs))
	var mean float64
	for _, x := range xs {
		mean += x
	}
	mean /= n
	var m2, m4 float64
	for _, x := range xs {
		d := (x - mean) * (x - mean)
		m2 += d
		m4 += d * d
	}
	variance = m2 / (n - 1)
	m4 /= n
	return variance, math.Sqrt((m4 - variance*variance) / n)
}

// within checks |got - want| < 4 se.
func within(t *testing.T, what string, got, want, se float64) {
	t.Helper()
	if !(se > 0) {
		t.Fatalf("%s: standard error %v", what, se)
	}
	if d := math.Abs(got - want); !(d < 4*se) {
		t.Errorf("%s = %.6g, want %.6g ± 4×%.3g (off by %.1f SE)", what, got, want, se, d/se)
	}
}
