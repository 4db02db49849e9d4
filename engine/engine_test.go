package engine_test

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/settle-sim/settle/bench/peers/handgo"
	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/rng"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// reference is the reference case in one step, the model settle 0.2 used
// and bench/peers implement by hand: the goldens and the hand-written
// comparison pin its numbers. scenarios/reference.yaml is the reference
// case as a process (stages), tested by settle test's baseline.
const reference = "../scenarios/one-step.yaml"

func load(t testing.TB, path string, settings ...engine.Setting) *model.Program {
	t.Helper()
	p, err := engine.Load(path, settings...)
	if err != nil {
		t.Fatalf("load %s: %v", path, err)
	}
	return p
}

func runJSON(t testing.TB, p *model.Program, opt engine.Options) []byte {
	t.Helper()
	res, err := engine.Run(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := report.WriteJSON(&b, report.New(res)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestWorkersDoNotChangeResult: the result document is byte-identical
// whatever the number of workers, including runs whose trial count is
// not a multiple of the chunk size.
func TestWorkersDoNotChangeResult(t *testing.T) {
	p := load(t, reference)
	want := runJSON(t, p, engine.Options{Trials: 5_000, Seed: 7, Workers: 1, Sensitivity: true})
	for _, w := range []int{2, 3, 8, 0} {
		got := runJSON(t, p, engine.Options{Trials: 5_000, Seed: 7, Workers: w, Sensitivity: true})
		if !bytes.Equal(got, want) {
			t.Errorf("workers=%d: result differs from workers=1", w)
		}
	}
	other := runJSON(t, p, engine.Options{Trials: 5_000, Seed: 8, Workers: 1})
	if bytes.Equal(other, want) {
		t.Error("a different seed gave the same result")
	}
}

// TestGoldenReference pins the result document of the reference case in
// one step.
// Any change to the engine, the distributions or the reference files
// that changes results shows here; run `go test ./engine -update` after
// checking that the change is intended.
func TestGoldenReference(t *testing.T) {
	p := load(t, reference)
	got := runJSON(t, p, engine.Options{Trials: 20_000, Seed: 20080527, Sensitivity: true})
	golden := filepath.Join("testdata", "one-step.golden.json")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test ./engine -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("result differs from %s; if the change is intended, run go test ./engine -update", golden)
	}
	for _, s := range []string{"time", "elapsed", "duration", "host"} {
		if bytes.Contains(got, []byte(`"`+s)) {
			t.Errorf("result document has a %q key", s)
		}
	}
}

// TestReferenceMatchesHandWritten checks the compiled reference scenario
// against the same model written by hand in Go, trial by trial: with
// the same draws in the same order the values must be identical.
func TestReferenceMatchesHandWritten(t *testing.T) {
	p := load(t, reference)
	s := p.NewState()
	h := handgo.New()
	var src rng.Stream
	slots := make([]int, len(handgo.Outputs))
	for i, n := range handgo.Outputs {
		v, ok := p.Lookup(n)
		if !ok {
			t.Fatalf("reference has no %s", n)
		}
		slots[i] = v.Slot
	}
	for trial := range 5_000 {
		if err := p.Eval(s, 99, trial); err != nil {
			t.Fatal(err)
		}
		src.Reset(99, uint64(trial))
		o := h.Trial(&src)
		for i, want := range o.Values() {
			if got := s.Slots[slots[i]]; got != want {
				t.Fatalf("trial %d: %s = %v, hand-written model gives %v; if scenarios/one-step.yaml or rules/ changed, update bench/peers/handgo",
					trial, handgo.Outputs[i], got, want)
			}
		}
	}
}

// TestEvalDoesNotAllocate: the per-trial loop allocates nothing.
func TestEvalDoesNotAllocate(t *testing.T) {
	p := load(t, reference)
	s := p.NewState()
	trial := 0
	allocs := testing.AllocsPerRun(1000, func() {
		if err := p.Eval(s, 1, trial); err != nil {
			t.Fatal(err)
		}
		trial++
	})
	if allocs != 0 {
		t.Errorf("Eval allocates %v times a trial", allocs)
	}
}

func writeScenario(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "s.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRunErrorIsFirstFailingTrial: when trials fail, in a draw or with
// a rule that is infinite or NaN, the error names the var, its line and
// the earliest failing trial whatever the number of workers, exact or
// streamed.
func TestRunErrorIsFirstFailingTrial(t *testing.T) {
	for _, tc := range []struct {
		name, text, in, want string
	}{
		{"draw", `name: fails sometimes
inputs:
  sd: uniform(-0.01, 1)
  x: normal(0, sd)
outputs: [x]
`, "x", "s.yaml:4"},
		{"non-finite rule", `name: divides by zero sometimes
inputs:
  x: uniform(-1, 1)
rules:
  y: "x > 0.999 ? 1 / (x - x) : x"
  z: "x < -0.999 ? sqrt(x) : x"
outputs: [z, y]
`, "z", "value is NaN"},
	} {
		p := load(t, writeScenario(t, tc.text))
		var first error
		// Exact runs, and streamed ones (above the exact limit), whose
		// segments fail apart.
		for _, w := range []int{1, 2, 5, -1, -2, -5} {
			opt := engine.Options{Trials: 50_000, Seed: 3, Workers: w}
			if w < 0 {
				opt.Workers, opt.ExactLimit = -w, 10_000
			}
			_, err := engine.Run(context.Background(), p, opt)
			var ee *model.EvalError
			if !errors.As(err, &ee) {
				t.Fatalf("%s, workers=%d: got %v, want an EvalError", tc.name, w, err)
			}
			if ee.Name != tc.in || !strings.Contains(ee.Error(), tc.want) || !strings.Contains(ee.Error(), "trial ") {
				t.Errorf("%s: error %q does not name %s, %q and the trial", tc.name, ee, tc.in, tc.want)
			}
			if first == nil {
				first = err
			} else if err.Error() != first.Error() {
				t.Errorf("%s, workers=%d: %v, with one worker %v", tc.name, w, err, first)
			}
		}
	}
}

func TestRunRejectsNoTrials(t *testing.T) {
	p := load(t, reference)
	if _, err := engine.Run(context.Background(), p, engine.Options{Trials: 0}); err == nil {
		t.Error("Run with 0 trials succeeded")
	}
}

func TestRunCancelled(t *testing.T) {
	p := load(t, reference)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := engine.Run(ctx, p, engine.Options{Trials: 100_000}); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

// TestClosedFormScenario runs a whole scenario whose expectation is
// known: a call payoff on a lognormal claim.
func TestClosedFormScenario(t *testing.T) {
	path := writeScenario(t, `name: lognormal call
seed: 11
inputs:
  s: lognormal(mu, sigma)
  mu: 0.1
  sigma: 0.4
  k: 1.2
rules:
  payoff: max(s - k, 0)
outputs: [payoff]
`)
	p := load(t, path)
	res, err := engine.Run(context.Background(), p, engine.Options{Trials: 200_000, Seed: 11})
	if err != nil {
		t.Fatal(err)
	}
	mu, sigma, k := 0.1, 0.4, 1.2
	d1 := (mu - math.Log(k) + sigma*sigma) / sigma
	d2 := d1 - sigma
	phi := func(x float64) float64 { return 0.5 * math.Erfc(-x/math.Sqrt2) }
	truth := math.Exp(mu+sigma*sigma/2)*phi(d1) - k*phi(d2)
	s := res.Outputs[0].Summary
	if math.Abs(s.Mean-truth) > 4*s.SE {
		t.Errorf("E[payoff] = %v ± %v, closed form %v", s.Mean, s.SE, truth)
	}
	// P(payoff > 0) = P(S > K) = Φ(d2)
	if se := math.Sqrt(phi(d2) * (1 - phi(d2)) / 200_000); math.Abs(s.PPositive-phi(d2)) > 4*se {
		t.Errorf("P(payoff > 0) = %v, closed form %v", s.PPositive, phi(d2))
	}
}

func TestSettingsRecorded(t *testing.T) {
	p := load(t, reference, engine.Setting{Name: "claim", Value: "£600m"})
	res, err := engine.Run(context.Background(), p, engine.Options{Trials: 100, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Settings) != 1 || res.Settings[0].Value != "£600m" {
		t.Errorf("settings = %v", res.Settings)
	}
	for _, c := range res.Inputs {
		if c.Var.Name == "claim" {
			t.Error("claim is still sampled after --set claim=£600m")
		}
	}
	v, _ := p.Lookup("claim")
	if v.Const != 600e6 {
		t.Errorf("claim = %v", v.Const)
	}
}

func TestParseSetting(t *testing.T) {
	s, err := engine.ParseSetting(" p_liability = beta(5, 5) ")
	if err != nil || s.Name != "p_liability" || s.Value != "beta(5, 5)" {
		t.Errorf("got %+v, %v", s, err)
	}
	for _, bad := range []string{"claim", "=3", ""} {
		if _, err := engine.ParseSetting(bad); err == nil {
			t.Errorf("ParseSetting(%q) succeeded", bad)
		}
	}
}

// TestCommonRandomNumbers: replacing or pinning one input leaves every
// other input's draws unchanged, trial by trial.
func TestCommonRandomNumbers(t *testing.T) {
	base := load(t, reference)
	set := load(t, reference, engine.Setting{Name: "claim", Value: "£600m"})
	pinned, err := base.Pin("p_liability", 0.9)
	if err != nil {
		t.Fatal(err)
	}
	column := func(p *model.Program, name string) []float64 {
		res, err := engine.Run(context.Background(), p, engine.Options{Trials: 3000, Seed: 5})
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range res.Inputs {
			if c.Var.Name == name {
				return c.Values
			}
		}
		t.Fatalf("no input %s", name)
		return nil
	}
	want := column(base, "quantum_fraction")
	for name, p := range map[string]*model.Program{"--set claim": set, "pinned p_liability": pinned} {
		if got := column(p, "quantum_fraction"); !slices.Equal(got, want) {
			t.Errorf("%s changed the draws of quantum_fraction", name)
		}
	}
	if _, err := base.Pin("contract_value", 1); err == nil {
		t.Error("pinned a constant")
	}
	if _, err := base.Pin("nosuch", 1); err == nil {
		t.Error("pinned an unknown name")
	}
}
