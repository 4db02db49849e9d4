package scenario

import (
	"path/filepath"
	"testing"

	"github.com/settle-sim/settle/engine/statistic"
)

// Statistics are read in each form, their expression and condition
// placed where they are in the file, plain, quoted or in a block; a
// scenario that extends another adds to its statistics and replaces
// those of the same name.
func TestLoadStatistics(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"base.yaml": `name: base
inputs:
  x: normal(0, 1)
outputs: [x]
statistics:
  tail: P(x > 2)
  spread: sd(x)
`,
		"s.yaml": `name: s
extends: base.yaml
statistics:
  spread: "sd(x | x > 0)"
  upper:
    expr: p97.5(x)
    doc: the upper tail
  block: |
    mean(x |
      x < 0)
`,
		"list.yaml": `name: l
extends: base.yaml
statistics:
  - P(x > 1)
`,
	})
	sc, err := Load(filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, st := range sc.Statistics {
		names = append(names, st.Name)
	}
	if len(names) != 4 || names[0] != "tail" || names[1] != "spread" || names[2] != "upper" || names[3] != "block" {
		t.Fatalf("statistics %q", names)
	}
	spread := sc.Statistics[1]
	if spread.Text != "sd(x | x > 0)" || spread.Spec.Kind != statistic.SD || spread.Given == nil || spread.Given.Expr != "x > 0" {
		t.Errorf("spread %+v", spread)
	}
	for _, tc := range []struct {
		d         *Def
		line, col int
	}{
		{spread.Of, 4, 15}, {spread.Given, 4, 19},
		{sc.Statistics[2].Of, 6, 17},
		{sc.Statistics[3].Of, 9, 10}, {sc.Statistics[3].Given, 10, 7},
	} {
		if p := tc.d.PosAt(0); p.Line != tc.line || p.Col != tc.col {
			t.Errorf("%s %q at %d:%d, want %d:%d", tc.d.Name, tc.d.Expr, p.Line, p.Col, tc.line, tc.col)
		}
	}
	if sc.Statistics[2].Doc != "the upper tail" || sc.Statistics[2].Spec.Prob != 0.975 {
		t.Errorf("upper %+v", sc.Statistics[2])
	}
	if len(sc.Notes) == 0 {
		t.Error("no note that spread overrides the base's")
	}
	l, err := Load(filepath.Join(dir, "list.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if st := l.Statistics[2]; st.Name != "P(x > 1)" || st.String() != "P(x > 1)" {
		t.Errorf("a statistic in a list is named by its text: %q", st.Name)
	}
}

func TestLoadStatisticsErrors(t *testing.T) {
	got := loadDiags(t, map[string]string{"s.yaml": `name: s
inputs:
  x: normal(0, 1)
outputs: [x]
statistics:
  a: mode(x)
  b: {doc: no expr}
  c: {expr: P(x > 1), unit: GBP}
  "d e": P(x > 0)
  f: [P(x > 0)]
  g: mean(x | x > 0 | x < 1)
  a2: p150(x)
  a: P(x > 0)
`}, "s.yaml")
	wantDiags(t, got, [][]string{
		{"s.yaml:13:3", `key "a" is given twice in this mapping`},
		{"s.yaml:6:6", "statistic a: unknown statistic mode()"},
		{"s.yaml:7:3", "statistic b has no expr"},
		{"s.yaml:8:23", `unknown key "unit" in statistic c`},
		{"s.yaml:9:3", `"d e" is not a valid statistic name`},
		{"s.yaml:10:6", "a statistic must be text"},
		{"s.yaml:11:21", "statistic g: a second |"},
		{"s.yaml:12:7", "p150 is not a percentile"},
		{"s.yaml:13:3", "statistic a is declared twice in this file"},
	})
	got = loadDiags(t, map[string]string{"s.yaml": "name: s\ninputs: {x: 1}\noutputs: [x]\nstatistics: P(x > 0)\n"}, "s.yaml")
	wantDiags(t, got, [][]string{{"s.yaml:4:13", "statistics must be a mapping of names to statistics, or a list of them"}})
}
