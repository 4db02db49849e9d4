package scenario

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/diag"
)

func writeTree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		path := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(path), 0o755)
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestApplyPosition(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"s.yaml":        "name: s\ninputs:\n  claim:\n    value: £500m\n    unit: GBP\n    doc: the claim\n  p: 0.5\nrules:\n  award: claim * p\noutputs: [award]\n",
		"pos/good.yaml": "description: a view\ninputs:\n  p: 0.2\nrules:\n  award: claim * p * 0.9\n",
		"pos/bad.yaml":  "inputs:\n  q: 0.2\n  clam: £1m\nrules:\n  awrd: 1\nseed: 3\n",
	})
	sc, err := Load(filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	before := sc.Clone()
	if err := sc.Apply(filepath.Join(dir, "pos", "good.yaml")); err != nil {
		t.Fatal(err)
	}
	p, _ := sc.Lookup("p")
	award, _ := sc.Lookup("award")
	if p.Expr != "0.2" || award.Expr != "claim * p * 0.9" {
		t.Errorf("p = %q, award = %q", p.Expr, award.Expr)
	}
	if len(sc.Positions) != 1 || sc.Positions[0].Path != "pos/good.yaml" || sc.Positions[0].Description != "a view" ||
		strings.Join(sc.Positions[0].Replaced, ",") != "p,award" || len(sc.Positions[0].SHA256) != 64 {
		t.Errorf("positions %+v", sc.Positions)
	}
	if sc.Description != "" {
		t.Errorf("the position's description became the scenario's: %q", sc.Description)
	}
	notes := sc.Notes.Notes()
	if len(notes) != 2 || !strings.Contains(notes[0].String(), "good.yaml:3:3: note: position replaces input p (0.5, from ") {
		t.Errorf("notes %v", notes)
	}
	// The clone taken before is untouched.
	if bp, _ := before.Lookup("p"); bp.Expr != "0.5" || len(before.Positions) != 0 {
		t.Error("Apply changed a clone")
	}

	// A bad position changes nothing and reports every problem.
	err = before.Apply(filepath.Join(dir, "pos", "bad.yaml"))
	var le *diag.ListError
	if !errors.As(err, &le) || len(le.List) != 4 {
		t.Fatalf("got %v, want 4 problems", err)
	}
	for _, want := range []string{
		"bad.yaml:2:3: position replaces input q, which the scenario does not define",
		"bad.yaml:3:3: position replaces input clam, which the scenario does not define; did you mean claim?",
		"bad.yaml:5:3: position replaces rule awrd, which the scenario does not define; did you mean award?",
		`bad.yaml:6:1: unknown key "seed" in a position file`,
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing %q in\n%v", want, err)
		}
	}
	if bp, _ := before.Lookup("p"); bp.Expr != "0.5" || len(before.Positions) != 0 {
		t.Error("a failed Apply changed the scenario")
	}
}

func TestExtends(t *testing.T) {
	dir := writeTree(t, map[string]string{
		"base.yaml": "name: base\ndescription: the base\nseed: 5\ntrials: 100\ninclude: [r.yaml]\ninputs:\n  claim: £500m\noutputs: [award, claim]\n" +
			"parties:\n  s: {net: award, court: award, settled: settled}\n  b: {net: award, court: award, settled: settled}\nsettlement: {figure: claim}\n",
		"r.yaml":    "rules:\n  award: claim * 0.5\n  settled: claim\n",
		"kid.yaml":  "name: kid\nextends: base.yaml\ninputs:\n  claim: £600m\noutputs: [award]\nparties:\n  s: {net: award, court: award, settled: settled, risk_tolerance: £1m}\n",
		"loop.yaml": "name: loop\nextends: loop.yaml\noutputs: [x]\n",
		"gone.yaml": "name: gone\nextends: nosuch.yaml\n",
	})
	sc, err := Load(filepath.Join(dir, "kid.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	c, _ := sc.Lookup("claim")
	if sc.Name != "kid" || sc.Description != "the base" || sc.Seed != 5 || sc.Trials != 100 || c.Expr != "£600m" {
		t.Errorf("got name %q desc %q seed %d trials %d claim %q", sc.Name, sc.Description, sc.Seed, sc.Trials, c.Expr)
	}
	if len(sc.Outputs) != 1 || sc.Outputs[0].Name != "award" {
		t.Errorf("outputs %v: the kid's list should replace the base's", sc.Outputs)
	}
	if len(sc.Parties) != 2 || sc.Parties[0].RiskTolerance != 1e6 || sc.Parties[1].RiskTolerance != 0 || sc.Settlement == nil {
		t.Errorf("parties %+v settlement %v", sc.Parties, sc.Settlement)
	}
	if sc.IsRuleFile {
		t.Error("an extending file without outputs of its own is a scenario")
	}
	if _, err := Load(filepath.Join(dir, "loop.yaml")); err == nil || !strings.Contains(err.Error(), "includes itself") {
		t.Errorf("extends loop: %v", err)
	}
	if _, err := Load(filepath.Join(dir, "gone.yaml")); err == nil || !strings.Contains(err.Error(), "gone.yaml:2:10: cannot read") ||
		!strings.Contains(err.Error(), "extends paths are relative to the extending file") {
		t.Errorf("missing base: %v", err)
	}
}
