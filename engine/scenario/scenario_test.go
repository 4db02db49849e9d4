package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/diag"
)

// writeFiles writes files (relative path -> content) under a new
// temporary directory and returns it.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	// The directory is a project: settle.yaml marks its root, so that
	// scenarios may include ../rules.
	if err := os.WriteFile(filepath.Join(dir, "settle.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// rel strips dir from the file names in s.
func rel(dir, s string) string {
	return strings.ReplaceAll(s, filepath.ToSlash(dir)+"/", "")
}

// loadText loads one scenario file with the given text.
func loadText(t *testing.T, text string) (*Scenario, error) {
	t.Helper()
	dir := writeFiles(t, map[string]string{"s.yaml": text})
	sc, err := Load(filepath.Join(dir, "s.yaml"))
	if err != nil {
		return sc, errors.New(rel(dir, err.Error()))
	}
	return sc, nil
}

// diagsOf returns the diagnostics of err, a *diag.ListError, formatted
// with dir stripped from their file names.
func diagsOf(t *testing.T, dir string, err error) []string {
	t.Helper()
	if err == nil {
		t.Fatal("no error, want one")
	}
	var le *diag.ListError
	if !errors.As(err, &le) {
		t.Fatalf("error %v (%T) is not a *diag.ListError", err, err)
	}
	out := make([]string, len(le.List))
	for i, d := range le.List {
		d.Pos.File = rel(dir, filepath.ToSlash(d.Pos.File))
		out[i] = d.String()
	}
	return out
}

// loadDiags loads files[root] and returns its diagnostics.
func loadDiags(t *testing.T, files map[string]string, root string) []string {
	t.Helper()
	dir := writeFiles(t, files)
	sc, err := Load(filepath.Join(dir, filepath.FromSlash(root)))
	if err == nil {
		t.Fatalf("Load succeeded (%d defs), want an error", len(sc.Defs))
	}
	if sc != nil {
		t.Errorf("Load returned a scenario with its error")
	}
	return diagsOf(t, dir, err)
}

// wantDiags checks that got has exactly one diagnostic per want entry,
// each starting with the position want[i][0] and containing every other
// string of want[i].
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

func TestLoadMalformedYAML(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"bad indentation", "inputs:\n  a: 1\n   b: 2\noutputs: [a]\n",
			[]string{"s.yaml:3", "malformed YAML", "mapping values are not allowed"}},
		{"key less indented", "inputs:\n  a: 1\n b: 2\noutputs: [a]\n",
			[]string{"s.yaml:3", "malformed YAML", "did not find expected key"}},
		{"unclosed bracket", "name: x\ninputs:\n  a: 1\noutputs: [a, b\nrules:\n  b: a\n",
			[]string{"s.yaml:4", "malformed YAML", "did not find expected ',' or ']'"}},
		{"unclosed bracket nested", "inputs:\n  a: [1, 2\n  b: 3\noutputs: [a]\n",
			[]string{"s.yaml:2", "malformed YAML", "did not find expected ',' or ']'"}},
		{"unclosed brace", "inputs: {a: 1\noutputs: [a]\n",
			[]string{"s.yaml:2", "malformed YAML", "did not find expected ',' or '}'"}},
		{"error on the first line", "inputs: a: 1\noutputs: [a]\n",
			[]string{"s.yaml:1", "malformed YAML", "mapping values are not allowed"}},
		{"sequence then mapping", "- a\nb: 1\n",
			[]string{"s.yaml:2", "malformed YAML", "did not find expected '-' indicator"}},
		{"unterminated quote", "inputs:\n  a: \"1 + 2\noutputs: [a]\n",
			[]string{"s.yaml:2", "malformed YAML", "found unexpected end of stream"}},
		{"control character", "inputs:\n  a: 1\x01\noutputs: [a]\n",
			[]string{"s.yaml:2:7", "malformed YAML", "control characters are not allowed"}},
		{"not UTF-8", "inputs:\n  a: \xff\n",
			[]string{"s.yaml", "not valid UTF-8"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := loadDiags(t, map[string]string{"s.yaml": tt.text}, "s.yaml")
			wantDiags(t, got, [][]string{tt.want})
		})
	}
}

func TestLoadStructureErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       [][]string
	}{
		{"unknown top key", "inputs:\n  a: 1\nouputs: [a]\n",
			[][]string{{"s.yaml:3:1", `unknown key "ouputs" in a rule file`, "did you mean outputs?"}}},
		{"unknown top key in scenario", "inputs:\n  a: 1\nrulez:\n  b: a\noutputs: [a]\n",
			[][]string{{"s.yaml:3:1", `unknown key "rulez" in a scenario`, "did you mean rules?"}}},
		{"unknown def key", "inputs:\n  a:\n    vaule: 1\noutputs: [a]\n",
			[][]string{
				{"s.yaml:3:5", `unknown key "vaule" in input a`, "did you mean value?"},
				{"s.yaml:2:3", "input a has no value", "add `value: EXPRESSION`"},
			}},
		{"rule needs expr", "inputs:\n  a: 1\nrules:\n  b:\n    value: a\noutputs: [a]\n",
			[][]string{
				{"s.yaml:5:5", `unknown key "value" in rule b`, "the keys are expr, unit, doc"},
				{"s.yaml:4:3", "rule b has no expr", "add `expr: EXPRESSION`"},
			}},
		{"invalid name", "inputs:\n  2a: 1\n  b-c: 2\noutputs: [b]\n",
			[][]string{{"s.yaml:2:3", `"2a" is not a valid name`}, {"s.yaml:3:3", `"b-c" is not a valid name`}}},
		{"empty expression", "inputs:\n  a: ''\noutputs: [a]\n",
			[][]string{{"s.yaml:2:6", "input a is empty"}}},
		{"list as expression", "inputs:\n  a: [1, 2]\noutputs: [a]\n",
			[][]string{{"s.yaml:2:6", "input a must be an expression"}}},
		{"inputs not a mapping", "inputs: [a, b]\noutputs: [a]\n",
			[][]string{{"s.yaml:1:9", "inputs must be a mapping"}}},
		{"outputs not a list", "inputs:\n  a: 1\noutputs: a\n",
			[][]string{{"s.yaml:3:10", "outputs must be a list of names"}}},
		{"output twice", "inputs:\n  a: 1\noutputs: [a, a]\n",
			[][]string{{"s.yaml:3:14", "output a is listed twice"}}},
		{"output not a name", "inputs:\n  a: 1\noutputs: [a + 1]\n",
			[][]string{{"s.yaml:3:11", "each output must be the name"}}},
		{"top level list", "- a\n- b\n",
			[][]string{{"s.yaml:1:1", "must be a mapping"}}},
		{"empty file", "# nothing\n",
			[][]string{{"s.yaml", "file is empty"}}},
		{"seed not a number", "seed: soon\ninputs:\n  a: 1\noutputs: [a]\n",
			[][]string{{"s.yaml:1:7", `seed "soon" is not a whole number`}}},
		{"defined twice in one file", "inputs:\n  a: 1\n  a: 2\noutputs: [a]\n",
			[][]string{{"s.yaml:3:3", "a is defined twice in this file; first at ", "s.yaml:2:3"}}},
		{"input and rule of one name", "inputs:\n  a: 1\nrules:\n  a: 2\noutputs: [a]\n",
			[][]string{{"s.yaml:4:3", "a is defined twice in this file"}}},
		{"correlations without pairs", "inputs:\n  a: normal(0, 1)\noutputs: [a]\ncorrelations: []\n",
			[][]string{{"s.yaml:4:15", "correlations lists no pairs", "leave correlations out"}}},
		{"correlations' pairs without any", "inputs:\n  a: normal(0, 1)\noutputs: [a]\ncorrelations:\n  pairs: []\n",
			[][]string{{"s.yaml:5:10", "correlations lists no pairs"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := loadDiags(t, map[string]string{"s.yaml": tt.text}, "s.yaml")
			wantDiags(t, got, tt.want)
		})
	}
}

func TestLoadReservedNames(t *testing.T) {
	for word := range reserved {
		t.Run(word, func(t *testing.T) {
			got := loadDiags(t, map[string]string{"s.yaml": "inputs:\n  ok: 1\n  " + word + ": 2\noutputs: [ok]\n"}, "s.yaml")
			wantDiags(t, got, [][]string{{"s.yaml:3:3", `"` + word + `" is a reserved word`, "choose another name"}})
		})
	}
	// Words that only look special are fine.
	sc, err := loadText(t, "inputs:\n  trueish: 1\n  index: 2\n  lets: 3\noutputs: [trueish]\n")
	if err != nil {
		t.Fatal(err)
	}
	if got := sc.Names(); !slices.Equal(got, []string{"trueish", "index", "lets"}) {
		t.Errorf("Names() = %v", got)
	}
}

func TestLoadAllErrorsAtOnce(t *testing.T) {
	text := `name: three problems
trials: lots
inputs:
  a: 1
  not: 2
rules:
  b:
    expr: a
    units: GBP
outputs: [a, b]
`
	got := loadDiags(t, map[string]string{"s.yaml": text}, "s.yaml")
	wantDiags(t, got, [][]string{
		{"s.yaml:2:9", `trials "lots" is not a whole number`},
		{"s.yaml:5:3", `"not" is a reserved word`},
		{"s.yaml:9:5", `unknown key "units" in rule b`, "did you mean unit?"},
	})
}

func TestLoadTrials(t *testing.T) {
	tests := []struct {
		value string
		want  int
		err   string
	}{
		{value: "200000", want: 200000},
		{value: "200_000", want: 200000},
		{value: "200k", want: 200000},
		{value: "1m", want: 1000000},
		{value: "2e5", want: 200000},
		{value: "'1000'", want: 1000},
		{value: "1", want: 1},
		{value: "lots", err: `s.yaml:2:9: trials "lots" is not a whole number; write a whole number such as 200000, 200_000 or 200k`},
		{value: "1.5", err: `s.yaml:2:9: trials "1.5" is not a whole number`},
		{value: "-5", err: `s.yaml:2:9: trials "-5" is not a whole number`},
		{value: "£200k", err: `s.yaml:2:9: trials "£200k" is not a whole number`},
		{value: "0", err: "s.yaml:2:9: trials must be at least 1"},
		{value: "18446744073709551615", err: "s.yaml:2:9: trials must be at most 9223372036854775807"},
		{value: "99999999999999999999", err: `s.yaml:2:9: trials "99999999999999999999" is not a whole number`},
		{value: "[1]", err: `s.yaml:2:9: trials "" is not a whole number`},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			sc, err := loadText(t, "name: t\ntrials: "+tt.value+"\ninputs:\n  a: 1\noutputs: [a]\n")
			if tt.err != "" {
				if err == nil {
					t.Fatalf("no error; Trials = %d", sc.Trials)
				}
				if !strings.HasPrefix(err.Error(), tt.err) {
					t.Fatalf("error %q, want prefix %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !sc.HasTrials || sc.Trials != tt.want {
				t.Errorf("Trials = %d (HasTrials %v), want %d", sc.Trials, sc.HasTrials, tt.want)
			}
		})
	}
}

func TestLoadSeedAndHeader(t *testing.T) {
	sc, err := loadText(t, "name: Ref\ndescription: >-\n  two\n  lines\nseed: 20080527\ninputs:\n  a: 1\noutputs: [a]\n")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Name != "Ref" || sc.Description != "two lines" || !sc.HasSeed || sc.Seed != 20080527 || sc.HasTrials {
		t.Errorf("got name %q description %q seed %d/%v trials %v", sc.Name, sc.Description, sc.Seed, sc.HasSeed, sc.HasTrials)
	}
	if sc.IsRuleFile {
		t.Error("a file with outputs is not a rule file")
	}
	if len(sc.SHA256) != 64 {
		t.Errorf("SHA256 = %q", sc.SHA256)
	}
}

func TestParseCount(t *testing.T) {
	tests := []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"200000", 200000, true},
		{"200_000", 200000, true},
		{"200k", 200000, true},
		{"1m", 1000000, true},
		{"1.5k", 1500, true},
		{"1e3", 1000, true},
		{" 42 ", 42, true},
		{"18446744073709551615", 18446744073709551615, true},
		{"18446744073709551616", 0, false},
		{"1.5", 0, false},
		{"-1", 0, false},
		{"lots", 0, false},
		{"", 0, false},
		{"2__0", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseCount(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseCount(%q) = %d, %v; want %d, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

// TestPosAt checks that PosAt finds, in the file, the character at an
// offset of the expression whatever the YAML style of the scalar.
func TestPosAt(t *testing.T) {
	tests := []struct {
		name, text string
		want       string // position of "target" in the expression
	}{
		{"plain", "rules:\n  r: 1 + target\n", "s.yaml:2:10"},
		{"plain after money", "rules:\n  r: £1m + target\n", "s.yaml:2:12"},
		{"mapping", "rules:\n  r:\n    expr: 1 + target\n", "s.yaml:3:15"},
		{"single quoted", "rules:\n  r: '1 + target'\n", "s.yaml:2:11"},
		{"single quoted with quote", "rules:\n  r: '''a'' + target'\n", "s.yaml:2:15"},
		{"double quoted", "rules:\n  r: \"x ? 1 : target\"\n", "s.yaml:2:15"},
		{"double quoted with escapes", "rules:\n  r: \"1 + \\t\\x20 target\"\n", "s.yaml:2:18"},
		{"plain on two lines", "rules:\n  r: 1 +\n    target\n", "s.yaml:3:5"},
		{"double quoted on two lines", "rules:\n  r: \"1 +\n    target\"\n", "s.yaml:3:5"},
		{"literal block", "rules:\n  r: |\n    1 +\n      target\n", "s.yaml:4:7"},
		{"literal block, first line", "rules:\n  r: |-\n    target + 1\n", "s.yaml:3:5"},
		{"literal block with blank line", "rules:\n  r: |\n    1 +\n\n    2 + target\n", "s.yaml:5:9"},
		{"folded block", "rules:\n  r: >\n    1 +\n    target\n", "s.yaml:4:5"},
		{"folded block in mapping", "rules:\n  r:\n    expr: >-\n      1 +\n      2 + target\n    doc: d\n", "s.yaml:5:11"},
		{"CRLF", "rules:\r\n  r: |\r\n    1 +\r\n    target\r\n", "s.yaml:4:5"},
		{"after non-ASCII", "rules:\n  r: '\"é\" + target'\n", "s.yaml:2:13"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := writeFiles(t, map[string]string{"s.yaml": tt.text})
			sc, err := Load(filepath.Join(dir, "s.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			d, ok := sc.Lookup("r")
			if !ok {
				t.Fatal("no r")
			}
			i := strings.Index(d.Expr, "target")
			if i < 0 {
				t.Fatalf("expression %q has no target", d.Expr)
			}
			off := len([]rune(d.Expr[:i]))
			if got := rel(dir, d.PosAt(off).String()); got != tt.want {
				t.Errorf("PosAt(%d) in %q = %s, want %s", off, d.Expr, got, tt.want)
			}
			// The first character and the end of the expression.
			first := d.PosAt(0)
			if first.Line < 2 || first.Col < 1 {
				t.Errorf("PosAt(0) = %v", first)
			}
			end := d.PosAt(len([]rune(d.Expr)))
			if end.Line < first.Line || end.Line == 0 {
				t.Errorf("PosAt(end) = %v, before PosAt(0) = %v", end, first)
			}
		})
	}
}

func TestDefFields(t *testing.T) {
	sc, err := loadText(t, `inputs:
  claim:
    value: pert(£400m, £600m, £700m)
    unit: GBP
    doc: The claim.
  p: 0.4
rules:
  award: claim * p
outputs: [award]
`)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name, expr, unit, doc, pos string
		kind                       Kind
	}{
		{"claim", "pert(£400m, £600m, £700m)", "GBP", "The claim.", "s.yaml:2:3", Input},
		{"p", "0.4", "", "", "s.yaml:6:3", Input},
		{"award", "claim * p", "", "", "s.yaml:8:3", Rule},
	}
	if len(sc.Defs) != len(want) {
		t.Fatalf("%d defs, want %d", len(sc.Defs), len(want))
	}
	for i, w := range want {
		d := sc.Defs[i]
		got := rel(filepath.Dir(sc.File), d.Pos.String())
		if d.Name != w.name || d.Expr != w.expr || d.Unit != w.unit || d.Doc != w.doc || got != w.pos || d.Kind != w.kind {
			t.Errorf("def %d = %+v at %s, want %+v", i, *d, got, w)
		}
	}
	if len(sc.Outputs) != 1 || sc.Outputs[0].Name != "award" || rel(filepath.Dir(sc.File), sc.Outputs[0].Pos.String()) != "s.yaml:9:11" {
		t.Errorf("Outputs = %+v", sc.Outputs)
	}
	if Input.String() != "input" || Rule.String() != "rule" {
		t.Errorf("Kind strings %q, %q", Input, Rule)
	}
}
