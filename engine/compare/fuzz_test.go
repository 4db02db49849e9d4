package compare

import (
	"testing"

	"github.com/settle-sim/settle/internal/fuzzguard"
)

// FuzzParsePolicy: no policy file makes the parser panic or hang, and a
// policy it accepts evaluates on a comparison without panicking or
// hanging.
//
//	go test ./engine/compare -run '^$' -fuzz FuzzParsePolicy -fuzztime 30s
func FuzzParsePolicy(f *testing.F) {
	for _, s := range []string{
		"alpha: 0.05\nfail_if: significant && abs(mean_rel) > 0.02\noutputs:\n  settles: significant && abs(mean_abs) > 0.01\n  supplier_net:\n    - significant && abs(mean_abs) > £5m\n    - p5_rel < -0.10\n",
		"fail_if: [ks_p < 0.01, name == 'x' && unit == 'GBP']\n",
		"fail_if: |\n  mean_new > 1.1bn or\n  mean_old < -£250k\n",
		"outputs: {a: identical, b: not significant}\n",
		"alpha: 2\nfail_if: ''\n",
	} {
		f.Add([]byte(s))
	}
	row := &Row{Name: "settles", Unit: "GBP", Type: "number", MeanAbs: 1e6, MeanRel: 0.02, P: 0.01, PAdj: 0.02, Significant: true}
	f.Fuzz(func(t *testing.T, data []byte) {
		if len(data) > 1<<14 {
			return
		}
		defer fuzzguard.Start(data)()
		p, err := ParsePolicy("policy.yaml", data)
		if err != nil {
			return
		}
		p.Rules()
		p.Eval(row)
		p.CheckOutputs([]string{"settles"})
	})
}
