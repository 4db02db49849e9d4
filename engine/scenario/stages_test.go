package scenario

import (
	"path/filepath"
	"strings"
	"testing"
)

const stagesBase = `inputs:
  x: 1
  settlement_figure: 0
rules:
  c: x
outputs: [x]
parties:
  supplier: {court: c, settled: c, view: pos/supplier.yaml}
  buyer: {court: c, settled: c}
settlement: {figure: settlement_figure, payee_share: 0.25, offer: £150m}
stages:
  - name: negotiation
    duration: 0.5
    costs: {supplier: £2m, buyer: £1.5m}
  - name: appeal
    when: x > 0
    duration: x
    reveals: [x]
    settle: false
`

func TestLoadStages(t *testing.T) {
	dir := writeFiles(t, map[string]string{"s.yaml": stagesBase, "pos/supplier.yaml": "inputs:\n  x: 2\n", "settle.yaml": ""})
	sc, err := Load(filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if !sc.IsProcess() || len(sc.Stages) != 2 {
		t.Fatalf("stages %+v", sc.Stages)
	}
	neg, app := sc.Stages[0], sc.Stages[1]
	if !neg.Settle || neg.Duration.Expr != "0.5" || len(neg.Costs) != 2 || neg.Costs[1].Party != "buyer" || neg.Costs[1].Expr.Expr != "£1.5m" || neg.When != nil {
		t.Errorf("negotiation %+v", neg)
	}
	if app.Settle || app.When.Expr != "x > 0" || len(app.Reveals) != 1 || app.Reveals[0].Name != "x" {
		t.Errorf("appeal %+v", app)
	}
	if got := app.When.PosAt(0).String(); got != filepath.Join(dir, "s.yaml")+":16:11" {
		t.Errorf("when's position %s", got)
	}
	// The engine computes each party's net: its name defaults.
	if sc.Parties[0].Net.Name != "supplier_net" || sc.Parties[1].Net.Name != "buyer_net" {
		t.Errorf("nets %q and %q", sc.Parties[0].Net.Name, sc.Parties[1].Net.Name)
	}
	if v := sc.Parties[0].View; len(v) != 1 || v[0] != filepath.Join(dir, "pos", "supplier.yaml") {
		t.Errorf("supplier's view %v", v)
	}
	st := sc.Settlement
	if st.PayeeShare != 0.25 || !st.HasOffer || st.Offer != 150e6 {
		t.Errorf("settlement %+v", st)
	}
	want := "elapsed_years,years_to_resolution,settled,settlement_stage,spent_supplier,spent_buyer,start_years_negotiation,start_years_appeal"
	if got := strings.Join(sc.Builtins(), ","); got != want {
		t.Errorf("built-ins %s", got)
	}
}

func TestLoadStagesErrors(t *testing.T) {
	replace := func(old, new string) string {
		if !strings.Contains(stagesBase, old) {
			t.Fatalf("no %q", old)
		}
		return strings.Replace(stagesBase, old, new, 1)
	}
	tests := []struct {
		name, text string
		want       [][]string
	}{
		{"no duration", replace("    duration: 0.5\n", ""),
			[][]string{{"s.yaml:12:5", "stage negotiation has no duration"}}},
		{"no name", replace("  - name: negotiation\n    duration", "  - duration"),
			[][]string{{"s.yaml:12:5", "a stage has no name"}}},
		{"twice", replace("name: appeal", "name: negotiation"),
			[][]string{{"s.yaml:15:5", "stage negotiation is listed twice; first at"}}},
		{"bad name", replace("name: appeal", "name: court of appeal"),
			[][]string{{"s.yaml:15:11", `"court of appeal" is not a valid stage name`}}},
		{"unknown key", replace("    settle: false", "    setle: false"),
			[][]string{{"s.yaml:19:5", `unknown key "setle" in a stage`, "did you mean settle?"}}},
		{"settle not bool", replace("settle: false", "settle: maybe"),
			[][]string{{"s.yaml:19:13", "settle must be true or false"}}},
		{"costs of a stranger", replace("buyer: £1.5m", "insurer: £1.5m"),
			[][]string{{"s.yaml:14:28", `stage negotiation: costs of "insurer", which is not a party`}}},
		{"built-in name", replace("  c: x\n", "  c: x\n  elapsed_years: 2\n"),
			[][]string{{"s.yaml:6:3", "rule elapsed_years has the name of a value the engine provides"}}},
		{"share out of range", replace("payee_share: 0.25", "payee_share: 1.5"),
			[][]string{{"s.yaml:10:54", "payee_share 1.5 is not between 0 and 1"}}},
		{"offer not an amount", replace("offer: £150m", "offer: lots"),
			[][]string{{"s.yaml:10:67", `offer "lots" is not an amount`}}},
		{"view outside the project", replace("view: pos/supplier.yaml", "view: ../../supplier.yaml"),
			[][]string{{"s.yaml:8:42", "../../supplier.yaml leads outside the project root"}}},
		{"stages not a list", replace("stages:\n  - name: negotiation", "stages: 3\nx:\n  - name: negotiation"),
			nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := loadDiags(t, map[string]string{"s.yaml": tc.text, "pos/supplier.yaml": "inputs:\n  x: 2\n", "settle.yaml": ""}, "s.yaml")
			if tc.want == nil {
				if !strings.Contains(strings.Join(got, "\n"), "stages must be a list of stages") {
					t.Errorf("got %v", got)
				}
				return
			}
			wantDiags(t, got, tc.want)
		})
	}
}
