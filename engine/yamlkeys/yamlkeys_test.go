package yamlkeys

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestDuplicates(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"none", "a: 1\nb: {c: 1, d: 2}\ne: [1, 1]\n", nil},
		{"top level", "trials: 1\nseed: 2\ntrials: 3\n",
			[]string{`f.yaml:3:1: key "trials" is given twice in this mapping; first at f.yaml:1:1; remove one of them, or merge them`}},
		{"nested, flow", "inputs:\n  b: {value: 2, unit: GBP, unit: USD}\n",
			[]string{`f.yaml:2:28: key "unit" is given twice in this mapping; first at f.yaml:2:17`}},
		{"in a list", "x:\n  - {a: 1, a: 2}\n  - a: 1\n    a: 2\n    a: 3\n",
			[]string{`f.yaml:2:12: key "a" is given twice in this mapping; first at f.yaml:2:6`, `f.yaml:4:5: key "a" is given twice in this mapping; first at f.yaml:3:5`,
				`f.yaml:5:5: key "a" is given twice in this mapping; first at f.yaml:3:5`}},
		{"quoted is the same key", "a: 1\n'a': 2\n", []string{`f.yaml:2:1: key "a" is given twice`}},
		{"a number and a string are not", "1: a\n'1': b\n", nil},
		{"same key in two mappings", "a: {x: 1}\nb: {x: 1}\n", nil},
		{"aliases are not followed", "a: &m {x: 1, y: 2}\nb: *m\nc: *m\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var doc yaml.Node
			if err := yaml.Unmarshal([]byte(tt.text), &doc); err != nil {
				t.Fatal(err)
			}
			got := Duplicates("f.yaml", &doc)
			if len(got) != len(tt.want) {
				t.Fatalf("got %d diagnostics, want %d:\n%s", len(got), len(tt.want), got.Err())
			}
			for i, w := range tt.want {
				if !strings.HasPrefix(got[i].String(), w) {
					t.Errorf("diagnostic %d = %q, want %q", i, got[i], w)
				}
			}
		})
	}
}

// TestDuplicatesSkip: a mapping the caller checks itself is skipped, the
// mappings it holds are not.
func TestDuplicatesSkip(t *testing.T) {
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte("inputs:\n  a: 1\n  a: {value: 1, doc: x, doc: y}\n"), &doc); err != nil {
		t.Fatal(err)
	}
	inputs := doc.Content[0].Content[1]
	got := Duplicates("f.yaml", &doc, inputs)
	if len(got) != 1 || !strings.HasPrefix(got[0].String(), `f.yaml:3:25: key "doc"`) {
		t.Errorf("got %v, want only the doc key of the second a", got)
	}
}
