package scenario

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestLoadIncludes(t *testing.T) {
	files := map[string]string{
		"scenarios/case.yaml": `name: case
include:
  - ../rules/terms.yaml
inputs:
  claim: £500m
  rate:
    value: 0.3
    doc: ours
outputs: [award, claim]
`,
		"rules/terms.yaml": `description: terms
include: [common/base.yaml]
inputs:
  rate: 0.5
rules:
  award: claim * rate + fee
`,
		"rules/common/base.yaml": `inputs:
  fee: £1m
  claim: £1
`,
	}
	dir := writeFiles(t, files)
	sc, err := Load(filepath.Join(dir, "scenarios", "case.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sc.Names(), []string{"fee", "claim", "rate", "award"}; !slices.Equal(got, want) {
		t.Errorf("Names() = %v, want %v", got, want)
	}
	wantDefs := map[string]struct{ expr, pos string }{
		"fee":   {"£1m", "rules/common/base.yaml:2:3"},
		"claim": {"£500m", "scenarios/case.yaml:5:3"},
		"rate":  {"0.3", "scenarios/case.yaml:6:3"},
		"award": {"claim * rate + fee", "rules/terms.yaml:6:3"},
	}
	for name, w := range wantDefs {
		d, ok := sc.Lookup(name)
		if !ok {
			t.Errorf("no %s", name)
			continue
		}
		if got := rel(dir, filepath.ToSlash(d.Pos.String())); d.Expr != w.expr || got != w.pos {
			t.Errorf("%s = %q at %s, want %q at %s", name, d.Expr, got, w.expr, w.pos)
		}
	}
	if _, ok := sc.Lookup("nope"); ok {
		t.Error("Lookup(nope) found something")
	}
	// Every override is a note naming both positions, in the order made.
	var notes []string
	for _, n := range sc.Notes {
		n.Pos.File = rel(dir, filepath.ToSlash(n.Pos.File))
		notes = append(notes, rel(dir, filepath.ToSlash(n.String())))
	}
	wantNotes := []string{
		"scenarios/case.yaml:5:3: note: input claim overrides input claim from rules/common/base.yaml:3:3",
		"scenarios/case.yaml:6:3: note: input rate overrides input rate from rules/terms.yaml:4:3",
	}
	if !slices.Equal(notes, wantNotes) {
		t.Errorf("notes:\n%s\nwant:\n%s", strings.Join(notes, "\n"), strings.Join(wantNotes, "\n"))
	}
	// The description is the scenario's, not an included file's.
	if sc.Description != "" {
		t.Errorf("Description = %q, want the scenario's (none)", sc.Description)
	}
	var srcs []string
	for _, s := range sc.Sources {
		if len(s.SHA256) != 64 {
			t.Errorf("source %s has digest %q", s.Path, s.SHA256)
		}
		srcs = append(srcs, s.Path)
	}
	if want := []string{"../rules/terms.yaml", "../rules/common/base.yaml"}; !slices.Equal(srcs, want) {
		t.Errorf("Sources = %v, want %v", srcs, want)
	}
}

func TestLoadIncludeScalarAndDiamond(t *testing.T) {
	// A file included by two others is not a duplicate definition.
	files := map[string]string{
		"s.yaml": "include: [a.yaml, b.yaml]\noutputs: [x, y, z]\n",
		"a.yaml": "include: c.yaml\nrules:\n  x: z + 1\n",
		"b.yaml": "include: c.yaml\nrules:\n  y: z + 2\n",
		"c.yaml": "inputs:\n  z: 3\n",
	}
	dir := writeFiles(t, files)
	sc, err := Load(filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if got := sc.Names(); !slices.Equal(got, []string{"z", "x", "y"}) {
		t.Errorf("Names() = %v", got)
	}
}

func TestLoadIncludeErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  [][]string
	}{
		{"missing include",
			map[string]string{"s.yaml": "name: x\ninclude:\n  - rules/terms.yaml\n  - rules/nope.yaml\noutputs: [a]\n",
				"rules/terms.yaml": "inputs:\n  a: 1\n"},
			[][]string{{"s.yaml:4:5", "cannot read", "rules/nope.yaml: no such file", "include paths are relative to the including file"}}},
		{"missing include of an include",
			map[string]string{"s.yaml": "include: [rules/terms.yaml]\noutputs: [a]\n",
				"rules/terms.yaml": "include:\n  - ../base.yaml\n  - base.yaml\ninputs:\n  a: 1\n",
				"base.yaml":        "inputs:\n  b: 1\n"},
			[][]string{{"rules/terms.yaml:3:5", "rules/base.yaml: no such file"}}},
		{"include cycle",
			map[string]string{"s.yaml": "include: [a.yaml]\noutputs: [a]\n",
				"a.yaml":     "include: [sub/b.yaml]\ninputs:\n  a: 1\n",
				"sub/b.yaml": "include:\n  - ../a.yaml\n"},
			[][]string{{"sub/b.yaml:2:5", "include cycle", "a.yaml includes itself", "remove one of the includes"}}},
		{"includes itself",
			map[string]string{"s.yaml": "include: [s.yaml]\ninputs:\n  a: 1\noutputs: [a]\n"},
			[][]string{{"s.yaml:1:11", "include cycle: ", "s.yaml includes itself"}}},
		{"include not a path",
			map[string]string{"s.yaml": "include:\n  - {a: b}\ninputs:\n  a: 1\noutputs: [a]\n"},
			[][]string{{"s.yaml:2:5", "each include must be a file path"}}},
		{"include a mapping",
			map[string]string{"s.yaml": "include: {a: b}\ninputs:\n  a: 1\noutputs: [a]\n"},
			[][]string{{"s.yaml:1:10", "include must be a list of file paths"}}},
		{"errors in an included file",
			map[string]string{"s.yaml": "include: [r.yaml]\ninputs:\n  a: 1\noutputs: [a]\n",
				"r.yaml": "inputs:\n  b: 1\n   c: 2\n"},
			[][]string{{"r.yaml:3", "malformed YAML"}}},
		{"scenario keys in a rule file",
			map[string]string{"s.yaml": "include: [r.yaml]\ninputs:\n  a: 1\noutputs: [a]\n",
				"r.yaml": "trials: 5\noutputs: [a]\ninputs:\n  b: 1\n"},
			[][]string{
				{"r.yaml:1:1", `unknown key "trials" in a rule file`},
				{"r.yaml:2:1", `unknown key "outputs" in a rule file`},
			}},
		{"missing root", map[string]string{}, [][]string{{"s.yaml", "cannot read", "no such file"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := loadDiags(t, tt.files, "s.yaml")
			wantDiags(t, got, tt.want)
		})
	}
}

func TestSet(t *testing.T) {
	text := `inputs:
  claim:
    value: pert(£400m, £600m, £700m)
    unit: GBP
    doc: The claim.
  p_liability: beta(4, 6)
rules:
  award: claim * p_liability
outputs: [award]
`
	tests := []struct {
		name, set, value string
		err              []string // fragments of the error; nil for none
	}{
		{"replace", "claim", "£500m", nil},
		{"replace with a distribution", "p_liability", "uniform(0.2, 0.6)", nil},
		{"unknown with suggestion", "claimm", "1", []string{`--set claimm: no input named "claimm"`, "did you mean claim?"}},
		{"unknown far from all", "zzzzzzzz", "1", []string{`no input named "zzzzzzzz"`, "--set replaces one of the scenario's inputs"}},
		{"rule refused", "award", "1", []string{"--set award: award is a rule, not an input", "s.yaml:8:3", "--set replaces inputs"}},
		{"rule suggestion skips rules", "awardd", "1", []string{`no input named "awardd"`}},
		{"empty value", "claim", "  ", []string{"--set claim: no value"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := loadText(t, text)
			if err != nil {
				t.Fatal(err)
			}
			old, _ := sc.Lookup(tt.set)
			err = sc.Set(tt.set, tt.value)
			if tt.err != nil {
				if err == nil {
					t.Fatal("no error")
				}
				for _, frag := range tt.err {
					if !strings.Contains(err.Error(), frag) {
						t.Errorf("error %q does not contain %q", err, frag)
					}
				}
				if strings.Contains(err.Error(), "did you mean award") {
					t.Errorf("error %q suggests a rule", err)
				}
				if len(sc.Settings) != 0 {
					t.Errorf("Settings = %v after a refused --set", sc.Settings)
				}
				if d, ok := sc.Lookup(tt.set); ok && d != old {
					t.Errorf("a refused --set replaced %s", tt.set)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			d, ok := sc.Lookup(tt.set)
			if !ok || d.Expr != tt.value || d.Kind != Input || d.Unit != old.Unit || d.Doc != old.Doc {
				t.Errorf("after Set, %s = %+v", tt.set, d)
			}
			if got := d.Pos.String(); got != "--set "+tt.set+":1:1" {
				t.Errorf("Pos = %s", got)
			}
			if got := d.PosAt(2).String(); got != "--set "+tt.set+":1:3" {
				t.Errorf("PosAt(2) = %s", got)
			}
			if want := []Setting{{Name: tt.set, Value: tt.value}}; !slices.Equal(sc.Settings, want) {
				t.Errorf("Settings = %v, want %v", sc.Settings, want)
			}
			if got := sc.Names(); !slices.Equal(got, []string{"claim", "p_liability", "award"}) {
				t.Errorf("Set changed the order of names: %v", got)
			}
		})
	}
}

func TestSetTwice(t *testing.T) {
	sc, err := loadText(t, "inputs:\n  a: 1\n  b: 2\noutputs: [a]\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []Setting{{"a", "5"}, {"b", "£1m"}, {"a", "6"}} {
		if err := sc.Set(s.Name, s.Value); err != nil {
			t.Fatal(err)
		}
	}
	if d, _ := sc.Lookup("a"); d.Expr != "6" {
		t.Errorf("a = %q, want the last setting", d.Expr)
	}
	if want := []Setting{{"a", "5"}, {"b", "£1m"}, {"a", "6"}}; !slices.Equal(sc.Settings, want) {
		t.Errorf("Settings = %v, want %v", sc.Settings, want)
	}
}

func TestRuleFile(t *testing.T) {
	sc, err := loadText(t, "description: d\ninputs:\n  a: 1\nrules:\n  b: a + c\n")
	if err != nil {
		t.Fatal(err)
	}
	if !sc.IsRuleFile || sc.Description != "d" {
		t.Errorf("IsRuleFile = %v, Description = %q", sc.IsRuleFile, sc.Description)
	}
	// A file with a name is a scenario, even without outputs (which
	// compiling it reports), so a misspelt outputs key is named as such
	// and name is not rejected.
	sc, err = loadText(t, "name: n\ninputs:\n  a: 1\n")
	if err != nil || sc.IsRuleFile {
		t.Errorf("a file with a name: IsRuleFile = %v, err %v", sc != nil && sc.IsRuleFile, err)
	}
	got := loadDiags(t, map[string]string{"s.yaml": "name: n\ninputs:\n  a: 1\noutput: [a]\n"}, "s.yaml")
	wantDiags(t, got, [][]string{{"s.yaml:4:1", `unknown key "output" in a scenario, which has no outputs; did you mean outputs?`}})
	got = loadDiags(t, map[string]string{"r.yaml": "inputs:\n  a: 1\noutput: [a]\n"}, "r.yaml")
	wantDiags(t, got, [][]string{{"r.yaml:3:1", `unknown key "output" in a rule file; did you mean outputs?`}})
}
