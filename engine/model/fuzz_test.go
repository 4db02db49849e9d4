package model_test

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/scenario"
	"github.com/settle-sim/settle/internal/fuzzguard"
)

// FuzzScenario: no scenario file makes loading and compiling panic or
// hang, and a scenario that compiles evaluates a few trials without
// panicking.
//
//	go test ./engine/model -run '^$' -fuzz FuzzScenario -fuzztime 30s
func FuzzScenario(f *testing.F) {
	for _, path := range []string{"../../scenarios/reference.yaml", "../../rules/termination.yaml", "../../rules/costs.yaml"} {
		data, err := os.ReadFile(path)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	for _, s := range []string{
		"inputs:\n  x: discrete([1, 2, 3], [1e308, 1e308, 1e308])\noutputs: [x]\n",
		"inputs:\n  a: pert(£1m, £2m, £4m)\n  b: truncated(normal(a, £1m), 0, £5m)\nrules:\n  r: \"a > b ? a - b : 0\"\noutputs: [r]\n",
		"trials: 100\ntrials: 200\ninputs:\n  x: {value: poisson(1e17), unit: GBP, unit: USD}\noutputs: [x]\n",
		"inputs:\n  a: b\n  b: a\noutputs: [a]\n",
		"correlations:\n  - [a, b, 0.5]\ninputs:\n  a: normal(0, 1)\n  b: gamma(2, 1)\noutputs: [a]\n",
		"parties:\n  s: {net: a, court: a, settled: a, risk_tolerance: £10m}\nsettlement: {figure: a}\ninputs:\n  a: uniform(0, 1)\noutputs: [a]\n",
	} {
		f.Add([]byte(s))
	}
	dir := f.TempDir()
	path := filepath.Join(dir, "s.yaml")
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<16 {
			return
		}
		defer fuzzguard.Start(data)()
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		sc, err := scenario.Load(path)
		if err != nil {
			return
		}
		p, err := model.Compile(sc)
		if err != nil {
			return
		}
		s := p.NewState()
		for trial := range 3 {
			p.Eval(s, 1, trial)
		}
	})
}
