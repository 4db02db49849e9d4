package scenario

import (
	"testing"
)

func TestCurrency(t *testing.T) {
	sc, err := loadText(t, "name: n\ninputs:\n  a: $1m\noutputs: [a]\n")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Currency.Code != "GBP" {
		t.Errorf("default currency %s, want GBP", sc.Currency)
	}
	sc, err = loadText(t, "name: n\ncurrency: usd\ninputs:\n  a: $1m\noutputs: [a]\nparties:\n  p: {net: a, court: a, settled: a, risk_tolerance: $200m}\nsettlement: {figure: a, search: [$0, USD 1bn]}\n")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Currency.Code != "USD" || sc.Parties[0].RiskTolerance != 200e6 || sc.Settlement.Hi != 1e9 {
		t.Errorf("currency %s, risk tolerance %v, search to %v", sc.Currency, sc.Parties[0].RiskTolerance, sc.Settlement.Hi)
	}
}

func TestCurrencyErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  [][]string
	}{
		{"unknown code", map[string]string{"s.yaml": "name: n\ncurrency: USX\ninputs:\n  a: 1\noutputs: [a]\n"},
			[][]string{{"s.yaml:2:11", `currency "USX" is not one settle knows; did you mean USD?`}}},
		{"not a code", map[string]string{"s.yaml": "name: n\ncurrency: [GBP]\ninputs:\n  a: 1\noutputs: [a]\n"},
			[][]string{{"s.yaml:2:11", "currency must be a currency code"}}},
		{"risk tolerance in another currency", map[string]string{"s.yaml": "name: n\ninputs:\n  a: 1\noutputs: [a]\nparties:\n  p: {net: a, court: a, settled: a, risk_tolerance: €200m}\n"},
			[][]string{{"s.yaml:6:53", "risk_tolerance: €200m is in euros (EUR), but the scenario's amounts are in pounds sterling (GBP): write £700m, GBP 700m or 700m, or declare currency: EUR"}}},
		{"rule file in another currency", map[string]string{
			"s.yaml": "name: n\ncurrency: EUR\ninclude: [r.yaml]\noutputs: [a]\n",
			"r.yaml": "currency: GBP\ninputs:\n  a: 1\n"},
			[][]string{{"r.yaml:1:11", "the rule file's currency is GBP, but the scenario's is EUR"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantDiags(t, loadDiags(t, tt.files, "s.yaml"), tt.want)
		})
	}
}

// TestCurrencyInherited: a scenario takes the currency of the one it
// extends unless it declares its own; a rule file that declares the
// scenario's currency is accepted.
func TestCurrencyInherited(t *testing.T) {
	files := map[string]string{
		"base.yaml": "name: b\ncurrency: JPY\ninclude: [r.yaml]\noutputs: [a]\n",
		"r.yaml":    "currency: JPY\ninputs:\n  a: ¥1bn\n",
		"s.yaml":    "extends: base.yaml\nname: s\n",
		"t.yaml":    "extends: base.yaml\nname: t\ncurrency: CHF\n",
	}
	dir := writeFiles(t, files)
	sc, err := Load(dir + "/s.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if sc.Currency.Code != "JPY" {
		t.Errorf("s.yaml's currency %s, want JPY from base.yaml", sc.Currency)
	}
	_, err = Load(dir + "/t.yaml")
	if err == nil {
		t.Fatal("t.yaml (CHF) including a JPY rule file loaded")
	}
}
