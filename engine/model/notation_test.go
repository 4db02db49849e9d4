package model_test

import (
	"math"
	"testing"
)

// TestNotations compiles inputs written as people type them and checks
// each one's value and unit.
func TestNotations(t *testing.T) {
	tests := []struct {
		name, currency, expr string
		want                 float64
		unit                 string
	}{
		{"percentage", "", "60%", 0.6, ""},
		{"fractional percentage", "", "2.5%", 0.025, ""},
		{"percentage with a space", "", "60 %", 0.6, ""},
		{"percentage in an expression", "", "£700m * 60%", 420e6, "GBP"},
		{"percentage before an operator", "", "50% - 10%", 0.4, ""},
		{"percentage as an argument", "", "max(10%, 2.5%)", 0.1, ""},
		{"remainder, not a percentage", "", "7 % 4", 3, ""},
		{"remainder without spaces", "", "7%4", 3, ""},
		{"remainder of a bracket", "", "7%(2+2)", 3, ""},
		{"thousands in a whole value", "", "1,000", 1000, ""},
		{"thousands in an amount", "", "£600,000,000", 600e6, "GBP"},
		{"negative amount with thousands", "", "-£1,250,000", -1.25e6, "GBP"},
		{"commas separate arguments", "", "max(1,2)", 2, ""},
		{"three-digit arguments", "", "max(100,200,300)", 300, ""},
		{"a zero and three digits", "", "clamp(150,0,100)", 100, ""},
		{"dollars in a USD scenario", "USD", "$700m", 700e6, "USD"},
		{"code in a USD scenario", "USD", "USD 700m + US$1m", 701e6, "USD"},
		{"whole code without a space", "USD", "USD700m", 700e6, "USD"},
		{"euros", "EUR", "€1.1bn", 1.1e9, "EUR"},
		{"a bare suffix takes the currency", "JPY", "70bn", 70e9, "JPY"},
		{"money times a fraction", "CHF", "CHF 5m * 0.5", 2.5e6, "CHF"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := "name: n\n"
			if tt.currency != "" {
				text += "currency: " + tt.currency + "\n"
			}
			text += "inputs:\n  x: '" + tt.expr + "'\noutputs: [x]\n"
			p := compile(t, text)
			v, _ := p.Lookup("x")
			if math.Abs(v.Const-tt.want) > 1e-9*math.Abs(tt.want) || v.Unit != tt.unit {
				t.Errorf("x: %s = %v %q, want %v %q", tt.expr, v.Const, v.Unit, tt.want, tt.unit)
			}
		})
	}
}

// TestNotationErrors checks what is said of notations that are wrong:
// where, what and what to write instead.
func TestNotationErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       [][]string
	}{
		{"O for zero", "inputs:\n  x: £7OOm\noutputs: [x]\n",
			[][]string{{"s.yaml:2:6", "input x: £7OOm is not an amount: it has the letter O where a zero belongs; write £700m"}}},
		{"O for zero in an expression", "inputs:\n  x: 2 * 1OOk\noutputs: [x]\n",
			[][]string{{"s.yaml:2:10", "input x: 1OOk is not an amount: it has the letter O where a zero belongs; write 100k"}}},
		{"another currency", "inputs:\n  x: $600m\noutputs: [x]\n",
			[][]string{{"s.yaml:2:6", "input x: $600m is in US dollars (USD), but the scenario's amounts are in pounds sterling (GBP): write £700m, GBP 700m or 700m, or declare currency: USD"}}},
		{"pounds in a euro scenario", "currency: EUR\ninputs:\n  x: pert(€1m, £2m, €3m)\noutputs: [x]\n",
			[][]string{{"s.yaml:3:16", "input x: £2m is in pounds sterling (GBP), but the scenario's amounts are in euros (EUR): write €700m, EUR 700m or 700m, or declare currency: GBP"}}},
		{"declared unit in another currency", "currency: USD\ninputs:\n  x:\n    value: 5\n    unit: GBP\noutputs: [x]\n",
			[][]string{{"s.yaml:3:3", "input x: unit GBP, but the scenario's amounts are in USD", "write unit: USD"}}},
		{"thousands inside a call", "inputs:\n  x: max(1,000)\noutputs: [x]\n",
			[][]string{{"s.yaml:2:10", "input x: 1,000 is not one number inside an expression, where a comma separates a function's arguments; write 1_000 or 1000"}}},
		{"thousands of an amount inside a call", "inputs:\n  x: pert(£400,000,000, £600m, £700m)\noutputs: [x]\n",
			[][]string{{"s.yaml:2:11", "input x: £400,000,000 is not one number inside an expression", "write £400_000_000 or £400000000"}}},
		{"thousands in arithmetic", "inputs:\n  x: 1,250 + 1\noutputs: [x]\n",
			[][]string{{"s.yaml:2:7", "input x: 1,250 is not one number inside an expression", "write 1_250 or 1250"}}},
		{"thousands in the wrong groups", "inputs:\n  x: 1,00,000\noutputs: [x]\n",
			[][]string{{"s.yaml:2:6", "commas must separate groups of three digits"}}},
		{"decimal comma", "inputs:\n  x: 1,5m\noutputs: [x]\n",
			[][]string{{"s.yaml:2:6", "write the decimal point as a point, as in 1.5m"}}},
		{"incomplete", "inputs:\n  claim: 1\n  x: claim +\noutputs: [x]\n",
			[][]string{{"s.yaml:3:12", `input x: "claim +" is incomplete: nothing follows +; write what comes after +, or remove it`}}},
		{"missing operator", "inputs:\n  claim: 1\n  x: 2 claim\noutputs: [x]\n",
			[][]string{{"s.yaml:3:8", "input x: claim follows 2 with no operator between them; write an operator such as * or + between them, as in 2 * claim"}}},
		{"unclosed bracket", "inputs:\n  x: max(1, 2\noutputs: [x]\n",
			[][]string{{"s.yaml:2:13", `input x: "max(1, 2" has a ( not closed; add ) where each one ends`}}},
		{"extra bracket", "inputs:\n  x: 1 + 2)\noutputs: [x]\n",
			[][]string{{"s.yaml:2:11", "input x: a ) without the ( it closes"}}},
		{"equals", "inputs:\n  a: 1\n  x: a = 1\noutputs: [x]\n",
			[][]string{{"s.yaml:3:8", "input x: = is not a comparison; write == to compare"}}},
		{"question without colon", "inputs:\n  a: true\n  x: a ? 1\noutputs: [x]\n",
			[][]string{{"s.yaml:3:10", `input x: "a ? 1" has a ? without its :; write cond ? value_if_true : value_if_false`}}},
		{"times sign", "inputs:\n  x: 2 × 3\noutputs: [x]\n",
			[][]string{{"s.yaml:2:8", "input x: × is not an operator settle reads; write * instead"}}},
		{"typographic minus", "inputs:\n  x: 2 − 3\noutputs: [x]\n",
			[][]string{{"s.yaml:2:8", "input x: − is not an operator settle reads; write - instead"}}},
		{"currency after the amount", "currency: USD\ninputs:\n  x: 700m USD\noutputs: [x]\n",
			[][]string{{"s.yaml:3:11", "input x: USD after the amount 700m; write the currency before the amount: USD 700m"}}},
		{"code run into the amount", "currency: USD\ninputs:\n  a: 1\n  x: a + USD700m\noutputs: [x]\n",
			[][]string{{"s.yaml:4:10", `unknown name "USD700m"`, "put a space after the currency code: USD 700m"}}},
		{"unknown currency sign", "inputs:\n  x: ₽5m\noutputs: [x]\n",
			[][]string{{"s.yaml:2:6", "input x: ₽ is not a currency sign settle reads"}}},
		{"too many arguments from thousands", "inputs:\n  x: pert(1,200, 2,500, 3,900)\noutputs: [x]\n",
			[][]string{{"s.yaml:2:6", "input x: pert() has too many arguments", "1,000 is two"}}},
		{"too few arguments", "inputs:\n  x: triangular(1, 2)\noutputs: [x]\n",
			[][]string{{"s.yaml:2:6", "input x: triangular() has too few arguments; write triangular(min, mode, max)"}}},
		{"percentage of money", "inputs:\n  x: £5m%\noutputs: [x]\n",
			[][]string{{"s.yaml:2:6", "input x: £5m% is not a number: an amount of money cannot be a percentage"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantDiags(t, compileDiags(t, tt.text), tt.want)
		})
	}
}

// TestCurrencyUnits checks that arithmetic over amounts keeps the
// scenario's currency as its unit, whatever the other operand's unit.
func TestCurrencyUnits(t *testing.T) {
	p := compile(t, `name: n
currency: EUR
inputs:
  share:
    value: uniform(0.2, 0.4)
    unit: fraction
  claim: pert(€1m, €2m, €4m)
  sites: 8
rules:
  award: share * claim
  per_site: claim / sites
  ratio: claim / claim
outputs: [award, per_site, ratio]
`)
	for name, want := range map[string]string{"share": "fraction", "claim": "EUR", "award": "EUR", "per_site": "EUR", "ratio": ""} {
		if v, _ := p.Lookup(name); v.Unit != want {
			t.Errorf("%s: unit %q, want %q", name, v.Unit, want)
		}
	}
}
