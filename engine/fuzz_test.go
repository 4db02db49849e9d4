package engine_test

import (
	"testing"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/internal/fuzzguard"
)

// FuzzSetting: no --set value makes parsing it, applying it to the
// reference scenario and compiling panic or hang, and a scenario that
// compiles with it evaluates a trial without panicking.
//
//	go test ./engine -run '^$' -fuzz FuzzSetting -fuzztime 30s
func FuzzSetting(f *testing.F) {
	for _, s := range []string{"claim=£600m", "p_liability=beta(5,5)", "claim=pert(3e8,5e8,7e8)", "claim=", "=1",
		"nosuch=1", "award=1", "claim=normal(£500m, -1)", "claim=1e400", "p_settle=discrete([0.1, 0.9], [1e308, 1e308])",
		"claim=empirical(\"x.csv\", \"a\")", "claim=truncated(normal(0, 1), 8, 9)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 1<<12 {
			return
		}
		defer fuzzguard.Start(s)()
		set, err := engine.ParseSetting(s)
		if err != nil {
			return
		}
		p, err := engine.Spec{Path: reference, Settings: []engine.Setting{set}}.Load()
		if err != nil {
			return
		}
		p.Eval(p.NewState(), 1, 0)
	})
}
