package money

import (
	"math"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		in    string
		want  string
		money bool
	}{
		{"£700m", "700000000", true},
		{"1.1bn", "1100000000", true},
		{"143_000_000", "143000000", false},
		{"£250k", "250000", true},
		{"£1,100,000", "1100000", true},
		{"0.35", "0.35", false},
		{"1e6", "1000000", false},
		{"2.5E-3", "0.0025", false},
		{"-£12.5k", "-12500", true},
		{"£-3m", "-3000000", true},
		{" 41 ", "41", false},
		{"£0.1m", "100000", true},
		{"1.234567891234bn", "1234567891.234", true},
		{"7M", "7000000", true},
		{"£5", "5", true},
	}
	for _, tt := range tests {
		lit, err := Parse(tt.in)
		if err != nil {
			t.Errorf("Parse(%q): %v", tt.in, err)
			continue
		}
		if lit.Value.String() != tt.want || lit.Money != tt.money {
			t.Errorf("Parse(%q) = %s money=%v, want %s money=%v", tt.in, lit.Value, lit.Money, tt.want, tt.money)
		}
	}
}

func TestParseExact(t *testing.T) {
	// 1.1bn is exactly 1_100_000_000, not 1.1 × 1e9 in floating point.
	lit, err := Parse("1.1bn")
	if err != nil {
		t.Fatal(err)
	}
	if lit.Float() != 1_100_000_000 {
		t.Errorf("Float = %v", lit.Float())
	}
	lit, _ = Parse("£0.3m")
	if !lit.Value.IsInteger() || lit.Value.IntPart() != 300_000 {
		t.Errorf("£0.3m = %s", lit.Value)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ in, want string }{
		{"", "empty amount"},
		{"£", "must be followed by an amount"},
		{"abc", "not a number"},
		{"12x", "not a number"},
		{"1__000", "misplaced _"},
		{"1_000_", "misplaced _"},
		{"£1,10,000", "groups of three"},
		{"1.5.5", "not a number"},
		{"5 m", "not a number"},
		{"0x10", "not a number"},
		// mistyped amounts, commas, percentages and currencies
		{"£7OOm", "£7OOm is not an amount: it has the letter O where a zero belongs; write £700m"},
		{"7OO", "the letter O where a zero belongs; write 700"},
		{"£1O0,000", "£1O0,000 is not an amount: it has the letter O where a zero belongs; write £100,000"},
		{"1,5m", "write the decimal point as a point, as in 1.5m"},
		{"€2,25bn", "as in €2.25bn"},
		{"1,0000", "groups of three digits"},
		{"12,34,567", "groups of three digits"},
		{",100", "groups of three digits"},
		{"£5%", "an amount of money cannot be a percentage"},
		{"5m%", "an amount of money cannot be a percentage"},
		{"%", "not a number"},
		{"£5x", "£5x is not an amount: write a number after £"},
		{"$", "$ must be followed by an amount"},
		{"USD", "not a number"},
		{"XYZ 700m", "not a number"},
		{"1.1b", "not a number"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.in)
		if err == nil {
			t.Errorf("Parse(%q) succeeded", tt.in)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) error %q, want it to contain %q", tt.in, err, tt.want)
		}
	}
}

func TestScan(t *testing.T) {
	tests := []struct {
		src  string
		ok   bool
		n    int
		val  string
		fail bool
	}{
		{"£700m * 2", true, len("£700m"), "700000000", false},
		{"1..5", true, 1, "1", false},
		{"2**3", true, 1, "2", false},
		{"1.5m+x", true, 4, "1500000", false},
		{"5min", false, 0, "", false},
		{"0x1f", false, 0, "", false},
		{"3e+2)", true, 4, "300", false},
		{"3e", false, 0, "", false},
		{"£)", true, len("£"), "", true},
		{"2k,", true, 2, "2000", false},
		{"1__0", true, 4, "", true},
	}
	for _, tt := range tests {
		lit, ok, err := Scan(tt.src, 0)
		if ok != tt.ok {
			t.Errorf("Scan(%q) ok = %v", tt.src, ok)
			continue
		}
		if !ok {
			continue
		}
		if (err != nil) != tt.fail {
			t.Errorf("Scan(%q) err = %v", tt.src, err)
		}
		if lit.Len != tt.n {
			t.Errorf("Scan(%q) Len = %d, want %d", tt.src, lit.Len, tt.n)
		}
		if err == nil && lit.Value.String() != tt.val {
			t.Errorf("Scan(%q) = %s, want %s", tt.src, lit.Value, tt.val)
		}
	}
}

func TestFormat(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{412_345_678, "£412.3m"},
		{1.1e9, "£1.10bn"},
		{12_500, "£12.5k"},
		{950, "£950"},
		{999.7, "£1.0k"},
		{1000, "£1.0k"},
		{-3_240_000, "-£3.2m"},
		{0, "£0"},
		{0.25, "£0.25"},
		{0.6, "£0.60"},
		{0.996, "£1"},
		{-0.001, "£0"},
		{-1e-9, "£0"},
		{-0.4, "-£0.40"},
		{0.004, "£0"},
		{999_960_000, "£1.00bn"},
		{999_960, "£1.0m"},
		{143e6, "£143.0m"},
		{2.5e12, "£2,500.00bn"},
		{math.NaN(), "NaN"},
		{math.Inf(-1), "-Inf"},
	}
	for _, tt := range tests {
		if got := Format(tt.v); got != tt.want {
			t.Errorf("Format(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestFormatNumber(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{200000, "200,000"},
		{4.123e8, "412,300,000"},
		{1e20, "100,000,000,000,000,000,000"},
		{12.3456, "12.35"},
		{999.978, "1,000"},
		{-0.003382, "-0.003382"},
		{0.002424, "0.002424"},
		{1.23456, "1.235"},
		{123.456, "123.5"},
		{9.99996, "10"},
		{123_456.7, "123,457"},
		{0.5, "0.5"},
		{0.00012345, "0.0001235"},
		{-1234.5, "-1,235"},
		{0, "0"},
		{1, "1"},
		{1e-300, "1×10⁻³⁰⁰"},
		{-1.23456e-9, "-1.235×10⁻⁹"},
		{2.5e-7, "2.5×10⁻⁷"},
	}
	for _, tt := range tests {
		got := FormatNumber(tt.v)
		if got != tt.want {
			t.Errorf("FormatNumber(%v) = %q, want %q", tt.v, got, tt.want)
		}
		if strings.ContainsAny(got, "eE") {
			t.Errorf("FormatNumber(%v) = %q has an exponent", tt.v, got)
		}
	}
}

func TestFormatPercent(t *testing.T) {
	tests := []struct {
		v    float64
		want string
	}{
		{0.273, "27.3%"},
		{1, "100.0%"},
		{0, "0.0%"},
		{0.0005, "0.05%"},
		{0.8, "80.0%"},
	}
	for _, tt := range tests {
		if got := FormatPercent(tt.v); got != tt.want {
			t.Errorf("FormatPercent(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestFormatExact(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{
		{7e8, "700,000,000"},
		{0.35, "0.35"},
		{-1, "-1"},
		{1.0000001, "1.0000001"},
		{1234.5678, "1,234.5678"},
		{0, "0"},
		{1e-9, "1e-09"},
		{math.Inf(1), "+Inf"},
	} {
		if got := FormatExact(tt.v); got != tt.want {
			t.Errorf("FormatExact(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}
