package model

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/scenario"
)

func compileText(t *testing.T, body string) error {
	t.Helper()
	path := filepath.Join(t.TempDir(), "p.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Load(path)
	if err != nil {
		return err
	}
	_, err = Compile(sc)
	return err
}

func TestPartiesErrors(t *testing.T) {
	head := "name: p\ninputs:\n  figure: 10\n  win: bernoulli(0.5)\nrules:\n  court: \"win ? 100 : 0\"\n  settled: figure - 1\n  fixed: 5\noutputs: [court]\n"
	tests := []struct{ tail, want string }{
		{"parties:\n  s: {net: court, court: court, settled: settld}\nsettlement: {figure: figure}\n",
			`p.yaml:11:42: party s settled: unknown name "settld"; did you mean settled?`},
		{"parties:\n  s: {net: court, court: court, settled: fixed}\nsettlement: {figure: figure}\n",
			"p.yaml:11:42: party s: its settled outcome fixed does not depend on the settlement figure"},
		{"parties:\n  s: {net: win, court: court, settled: settled}\nsettlement: {figure: figure}\n",
			"p.yaml:11:12: party s net: win is true/false, not an amount"},
		{"parties:\n  s: {net: court, court: court, settled: settled}\nsettlement: {figure: court}\n",
			"p.yaml:12:22: settlement figure: court is a rule"},
		{"parties:\n  s: {net: court, court: court, settled: settled}\n",
			"p.yaml:11:3: the scenario has parties but no settlement figure"},
		{"parties:\n  s: {net: court, court: court}\nsettlement: {figure: figure}\n",
			"p.yaml:11:3: party s has no settled"},
		{"parties:\n  s: {net: court, settled: settled}\nsettlement: {figure: figure}\n",
			"p.yaml:11:3: party s has no court; write court: NAME, the var that is the party's net outcome if the case goes to judgment"},
		{"parties:\n  s: {net: court, court: court, settled: settled, risk_tolerance: -£5m}\nsettlement: {figure: figure}\n",
			`p.yaml:11:67: risk_tolerance "-£5m" is not a positive amount`},
		{"parties:\n  s: {net: court, court: court, settled: settled, risk: 5}\nsettlement: {figure: figure}\n",
			`p.yaml:11:51: unknown key "risk" in party s`},
	}
	for _, tt := range tests {
		err := compileText(t, head+tt.tail)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%s\ngot  %v\nwant %s", tt.tail, err, tt.want)
		}
	}
	if err := compileText(t, head+"parties:\n  s: {net: court, court: court, settled: settled, risk_tolerance: £5m}\nsettlement: {figure: figure, search: [0, £1m]}\n"); err != nil {
		t.Errorf("a good party: %v", err)
	}
}
