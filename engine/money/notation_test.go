package money

import (
	"strings"
	"testing"
)

// TestParseNotations covers what people type as a whole value: a
// --set or --offer value, an input that is one number, a --vary bound.
func TestParseNotations(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		money   bool
		sign    string
		percent bool
	}{
		{"60%", "0.6", false, "", true},
		{"2.5%", "0.025", false, "", true},
		{"60 %", "0.6", false, "", true},
		{"-0.5%", "-0.005", false, "", true},
		{"100%", "1", false, "", true},
		{"1,000", "1000", false, "", false},
		{"1,234,567", "1234567", false, "", false},
		{"£600,000,000", "600000000", true, "£", false},
		{"$700m", "700000000", true, "$", false},
		{"US$700m", "700000000", true, "US$", false},
		{"€1.1bn", "1100000000", true, "€", false},
		{"€ 1.1bn", "1100000000", true, "€", false},
		{"¥70bn", "70000000000", true, "¥", false},
		{"USD 700m", "700000000", true, "USD", false},
		{"USD700m", "700000000", true, "USD", false},
		{"CHF 1,250,000", "1250000", true, "CHF", false},
		{"-$5m", "-5000000", true, "$", false},
		{"$-5m", "-5000000", true, "$", false},
		{"\u22123m", "-3000000", true, "", false},
		{"C$2m", "2000000", true, "C$", false},
		{"1.5e6", "1500000", false, "", false},
	}
	for _, tt := range tests {
		lit, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if lit.Value.String() != tt.want || lit.Money != tt.money || lit.Sign != tt.sign || lit.Percent != tt.percent {
			t.Errorf("Parse(%q) = %s money=%v sign=%q percent=%v, want %s money=%v sign=%q percent=%v",
				tt.in, lit.Value, lit.Money, lit.Sign, lit.Percent, tt.want, tt.money, tt.sign, tt.percent)
		}
	}
}

// TestScanNotations covers literals inside expressions: percentages
// against the remainder operator, currency signs and codes, and
// numbers mistyped with letters.
func TestScanNotations(t *testing.T) {
	tests := []struct {
		src     string
		ok      bool
		n       int // length
		val     string
		percent bool
		err     string
	}{
		{"60%", true, 3, "0.6", true, ""},
		{"60%)", true, 3, "0.6", true, ""},
		{"60% * x", true, 3, "0.6", true, ""},
		{"60%, 1", true, 3, "0.6", true, ""},
		{"60% - x", true, 3, "0.6", true, ""},
		{"7%x", true, 1, "7", false, ""},   // remainder
		{"7 % 3", true, 1, "7", false, ""}, // remainder
		{"7% 3", true, 1, "7", false, ""},  // remainder: an operand follows
		{"7%(x)", true, 1, "7", false, ""}, // remainder
		{"1,000", true, 1, "1", false, ""}, // a comma ends a literal in an expression
		{"$700m)", true, 5, "700000000", false, ""},
		{"€1.1bn", true, len("€1.1bn"), "1100000000", false, ""},
		{"USD 700m", true, 8, "700000000", false, ""},
		{"USD700m", false, 0, "", false, ""}, // a name, in an expression
		{"£7OOm", true, len("£7OOm"), "", false, "£7OOm is not an amount: it has the letter O where a zero belongs; write £700m"},
		{"7OOm + 1", true, 4, "", false, "7OOm is not an amount: it has the letter O where a zero belongs; write 700m"},
		{"1O", true, 2, "", false, "1O is not a number: it has the letter O where a zero belongs; write 10"},
		{"£1l0k", true, len("£1l0k"), "", false, "the letter l where a one belongs"},
		{"£5x", true, len("£5x"), "", false, "£5x is not an amount"},
		{"£5%", true, len("£5%"), "", false, "cannot be a percentage"},
		{"5min", false, 0, "", false, ""},
		{"0x1f", false, 0, "", false, ""},
	}
	for _, tt := range tests {
		lit, ok, err := Scan(tt.src, 0)
		if ok != tt.ok {
			t.Errorf("Scan(%q) ok = %v, want %v", tt.src, ok, tt.ok)
			continue
		}
		if !ok {
			continue
		}
		if lit.Len != tt.n {
			t.Errorf("Scan(%q) Len = %d, want %d", tt.src, lit.Len, tt.n)
		}
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("Scan(%q): %v", tt.src, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("Scan(%q) error %v, want %q", tt.src, err, tt.err)
		case err == nil && (lit.Value.String() != tt.val || lit.Percent != tt.percent):
			t.Errorf("Scan(%q) = %s percent=%v, want %s percent=%v", tt.src, lit.Value, lit.Percent, tt.val, tt.percent)
		}
	}
}

func TestStartsLiteral(t *testing.T) {
	tests := []struct {
		src  string
		i    int
		want bool
	}{
		{"x * 5", 4, true},
		{"x5", 1, false},
		{"a.5", 2, false},
		{"£5m", 0, true},
		{"max($5m, 1)", 4, true},
		{"USD 5m", 0, true},
		{"USDX 5m", 0, false},
		{"usd 5m", 0, false},
		{"GBP", 0, false},
		{"x + C$2m", 4, true},
		{"claim", 0, false},
	}
	for _, tt := range tests {
		if got := StartsLiteral(tt.src, tt.i); got != tt.want {
			t.Errorf("StartsLiteral(%q, %d) = %v, want %v", tt.src, tt.i, got, tt.want)
		}
	}
}

func TestCurrencyFormat(t *testing.T) {
	usd, _ := LookupCurrency("usd")
	eur, _ := LookupCurrency("EUR")
	chf, _ := LookupCurrency("CHF")
	jpy, _ := LookupCurrency("JPY")
	tests := []struct {
		c    Currency
		v    float64
		want string
	}{
		{GBP, 412_345_678, "£412.3m"},
		{usd, 700e6, "$700.0m"},
		{usd, -3_240_000, "-$3.2m"},
		{eur, 1.1e9, "€1.10bn"},
		{chf, 950, "CHF 950"},
		{chf, -12_500, "-CHF 12.5k"},
		{jpy, 0, "¥0"},
		{usd, 0.25, "$0.25"},
	}
	for _, tt := range tests {
		if got := tt.c.Format(tt.v); got != tt.want {
			t.Errorf("%s.Format(%v) = %q, want %q", tt.c, tt.v, got, tt.want)
		}
	}
}

func TestCurrencyParse(t *testing.T) {
	usd, _ := LookupCurrency("USD")
	cad, _ := LookupCurrency("CAD")
	tests := []struct {
		c    Currency
		in   string
		want string // error, or "" for none
	}{
		{GBP, "£700m", ""},
		{GBP, "700m", ""},
		{GBP, "GBP 700m", ""},
		{GBP, "60%", ""},
		{GBP, "$700m", "$700m is in US dollars (USD), but the scenario's amounts are in pounds sterling (GBP): write £700m, GBP 700m or 700m, or declare currency: USD"},
		{GBP, "€5m", "is in euros (EUR)"},
		{usd, "$700m", ""},
		{usd, "US$700m", ""},
		{usd, "USD 700m", ""},
		{usd, "£700m", "write $700m, USD 700m or 700m, or declare currency: GBP"},
		{cad, "$700m", ""}, // a dollar sign is the scenario's dollar
		{cad, "C$700m", ""},
		{cad, "US$700m", "is in US dollars (USD)"},
		{cad, "A$700m", "is in Australian dollars (AUD)"},
	}
	for _, tt := range tests {
		_, err := tt.c.Parse(tt.in)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s.Parse(%q): %v", tt.c, tt.in, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s.Parse(%q) error %v, want %q", tt.c, tt.in, err, tt.want)
		}
	}
}

func TestLookupCurrency(t *testing.T) {
	if c, ok := LookupCurrency("gbp"); !ok || c.Code != "GBP" {
		t.Errorf("LookupCurrency(gbp) = %v, %v", c, ok)
	}
	if _, ok := LookupCurrency("XYZ"); ok {
		t.Error("LookupCurrency(XYZ) found one")
	}
	if CurrencyOf("").Code != "GBP" || CurrencyOf("USD").Code != "USD" || CurrencyOf("years").Code != "GBP" {
		t.Error("CurrencyOf")
	}
	if !IsCurrency("EUR") || IsCurrency("eur") || IsCurrency("probability") {
		t.Error("IsCurrency")
	}
	for _, c := range Currencies() {
		if len(c.Code) != 3 || c.Name == "" || c.Symbol == "" {
			t.Errorf("incomplete currency %+v", c)
		}
	}
}
