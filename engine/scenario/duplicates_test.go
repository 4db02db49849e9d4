package scenario

import (
	"path/filepath"
	"testing"
)

// TestDuplicateKeys: a key given twice in any mapping of a scenario, a
// rule file it includes or a position applied to it is an error at the
// repeat naming the first, where the last one used to win silently; a
// name defined twice keeps its own message.
func TestDuplicateKeys(t *testing.T) {
	files := map[string]string{
		"s.yaml": `name: x
trials: 100
include: [r.yaml]
inputs:
  a: 1
  b: {value: 2, unit: GBP, unit: USD}
  b: 3
parties:
  s: {net: a, court: a, settled: a}
  s: {net: a, court: a, settled: a}
trials: 200
outputs: [a]
`,
		"r.yaml": "rules:\n  c:\n    expr: a\n    doc: one\n    doc: two\n",
	}
	wantDiags(t, loadDiags(t, files, "s.yaml"), [][]string{
		{"s.yaml:6:28", `key "unit" is given twice in this mapping; first at `, "s.yaml:6:17;", "remove one of them, or merge them"},
		{"s.yaml:10:3", `key "s" is given twice in this mapping; first at `, "s.yaml:9:3;"},
		{"s.yaml:11:1", `key "trials" is given twice in this mapping; first at `, "s.yaml:2:1;"},
		{"r.yaml:5:5", `key "doc" is given twice in this mapping; first at `, "r.yaml:4:5;"},
		{"s.yaml:7:3", "b is defined twice in this file; first at ", "s.yaml:6:3;"},
	})

	dir := writeFiles(t, map[string]string{
		"s.yaml": "inputs:\n  a: 1\noutputs: [a]\n",
		"p.yaml": "description: one\ninputs:\n  a: 2\ndescription: two\n",
	})
	sc, err := Load(filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	wantDiags(t, diagsOf(t, dir, sc.Apply(filepath.Join(dir, "p.yaml"))), [][]string{
		{"p.yaml:4:1", `key "description" is given twice in this mapping; first at `, "p.yaml:1:1;"},
	})
}
