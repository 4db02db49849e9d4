package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/diag"
)

// TestReadCommittedDocuments: every result document in the repository
// (goldens and baselines) reads and validates.
func TestReadCommittedDocuments(t *testing.T) {
	for _, path := range []string{
		"testdata/reference.json",
		"../testdata/one-step.golden.json",
		"../htmlreport/testdata/decision.json",
		"../htmlreport/testdata/drivers.json",
		"../../scenarios/baselines/reference.json",
		"../../scenarios/baselines/claimant-offer.json",
	} {
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Read(f, filepath.Base(path)); err != nil {
			t.Errorf("%s: %v", path, err)
		}
		f.Close()
	}
}

// mutate returns the golden document with the value at the dotted path
// (list elements by index) set to v, or deleted when v is deleted.
func mutate(t *testing.T, path string, v any) []byte {
	t.Helper()
	data, err := os.ReadFile("../testdata/one-step.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	var doc any
	if err := json.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	keys := strings.Split(path, ".")
	cur := doc
	for i, k := range keys {
		last := i == len(keys)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				if v == deleted {
					delete(c, k)
				} else {
					c[k] = v
				}
			}
			cur = c[k]
		case []any:
			var n int
			if err := json.Unmarshal([]byte(k), &n); err != nil {
				t.Fatalf("%s: %q is not an index", path, k)
			}
			if last {
				c[n] = v
			}
			cur = c[n]
		default:
			t.Fatalf("%s: no %s", path, k)
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

var deleted = new(int)

// TestReadRefuses: documents no run could have written are refused, each
// problem naming the file and the field by its JSON path.
func TestReadRefuses(t *testing.T) {
	tests := []struct {
		path string
		v    any
		want string
	}{
		{"trials", -5, "r.json: trials: -5 is not a number of trials: a run has 1 or more"},
		{"trials", 0, "trials: 0 is not a number of trials"},
		{"outputs.supplier_net.sd", -3, "r.json: outputs.supplier_net.sd: -3 is negative; a standard deviation is 0 or more"},
		{"outputs.supplier_net.se", -1, "outputs.supplier_net.se: -1 is negative; a standard error is 0 or more"},
		{"outputs.supplier_net.mean", 1e308, "outputs.supplier_net.mean: 1e+308 is outside the range of the values, -164,477,295.91403005 to 343,364,568.770153"},
		{"outputs.supplier_net.min", 1e12, "outputs.supplier_net.min: 1,000,000,000,000 is greater than max (343,364,568.770153)"},
		{"outputs.supplier_net.quantiles.p50", -1.5e8, "outputs.supplier_net.quantiles.p50: -150,000,000 is less than p25 (-27,055,155.444173366)"},
		{"outputs.supplier_net.quantiles.p99", 1e12, "outputs.supplier_net.quantiles.p99: 1,000,000,000,000 is outside the range of the values"},
		{"outputs.supplier_net.p_positive", 1.5, "outputs.supplier_net.p_positive: 1.5 is not a probability"},
		{"outputs.supplier_net.kind", "formula", `outputs.supplier_net.kind: "formula" is not a kind of value: it is one of input, rule, stage, built-in`},
		{"outputs.supplier_net.type", "text", `outputs.supplier_net.type: "text" is neither number nor bool`},
		{"outputs.supplier_net.histogram.counts.0", -1, "outputs.supplier_net.histogram.counts[0]: -1 is negative"},
		{"outputs.supplier_net.histogram.counts.0", 1e6, "outputs.supplier_net.histogram.counts: they add up to"},
		{"inputs.claim.quantiles", map[string]any{"p1": 1}, "inputs.claim: quantiles: no p5"},
		{"inputs.claim.mean", "lots", "inputs.claim.mean: a JSON string, where a number is wanted"},
		{"seed", -1, "seed: a JSON number -1, where a whole number, 0 or more is wanted"},
		{"settle_version", "9.0.0", "settle_version: 9.0.0 is newer than this settle, 0.2.0"},
		{"settle_version", "v2", `settle_version: "v2" is not a settle version such as 0.2.0`},
		{"settle_version", deleted, "settle_version: missing: this is not a settle result document"},
		{"outputs", map[string]any{}, "outputs: none: a result document has at least one output"},
		{"outputs", []any{1}, "outputs: expected an object"},
		{"parties.0.net.p_loss", 2, "parties[0].net.p_loss: 2 is not a probability"},
		{"parties.0.attitude", "bold", `parties[0].attitude: "bold" is neither risk-neutral nor exponential`},
		{"parties.0.risk_tolerance", -5, "parties[0].risk_tolerance: -5 is not a risk tolerance"},
		{"parties.0.side", "", `parties[0].side: "" is neither payee nor payer`},
		{"parties.0.court.sd", -2, "parties[0].court.sd: -2 is negative"},
		{"settlement.width", 1, "settlement.width: 1 is not high − low"},
		{"sensitivity.0.output", "nosuch", `sensitivity[0].output: "nosuch" is not an output or input`},
		{"sensitivity.0.spearman.0.rho", 1.5, "sensitivity[0].spearman[0].rho: 1.5 is not a correlation"},
		{"sensitivity.0.tornado.0.swing", -1, "sensitivity[0].tornado[0].swing: -1 is negative"},
		{"tornado_trials", 1e9, "tornado_trials: 1000000000 is not between 0 and the document's"},
		{"sampler", "halton", `sampler: sampler "halton": use one of`},
	}
	for _, tt := range tests {
		_, err := Read(bytes.NewReader(mutate(t, tt.path, tt.v)), "r.json")
		var le *diag.ListError
		if !errors.As(err, &le) {
			t.Errorf("%s = %v: error %v, want a *diag.ListError", tt.path, tt.v, err)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s = %v:\n got %v\nwant %s", tt.path, tt.v, err, tt.want)
		}
		if !strings.HasPrefix(err.Error(), "r.json: ") {
			t.Errorf("%s = %v: error %q does not start with the file", tt.path, tt.v, err)
		}
	}
}

// TestReadRefusesMalformed: what is not one JSON object with its members
// once each is refused, saying where.
func TestReadRefusesMalformed(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"", "it ends before the document does"},
		{`{"settle_version": "0.2.0",`, "it ends before the document does"},
		{"[]", "the document must be a JSON object"},
		{`{"settle_version": "0.2.0"} {}`, "data after the document's closing }"},
		{`{"trials": 1, "trials": 2}`, "trials: given twice"},
		{"{\n  \"trials\": 1\n  \"seed\": 2}", "line 3, column 3: invalid character"},
		{`{"outputs": {"a b": {"mean": []}}}`, `outputs["a b"].mean: a JSON array, where a number is wanted`},
		{`{"outputs": {"x": {}, "x": {}}, "settle_version": "0.2.0", "trials": 1}`, "outputs.x: given twice"},
	} {
		_, err := Read(strings.NewReader(tt.in), "r.json")
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.in, err, tt.want)
		}
	}
}
