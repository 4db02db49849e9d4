package money

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// Currency is the currency a scenario's amounts are in: how amounts in
// it may be written and how they are shown.
type Currency struct {
	// Code is the ISO 4217 code, such as "GBP"; it is also the unit of
	// every amount in the currency.
	Code string
	// Name is what a person calls it: "pounds sterling".
	Name string
	// Symbol is what amounts are shown with: "£" gives £412.3m; a
	// currency without a symbol of its own shows its code, CHF 412.3m.
	Symbol string
	// Signs are what an amount may be written with besides the code, as
	// in $700m or US$700m; the first is the usual one.
	Signs []string
}

// GBP, pounds sterling, is the currency of a scenario that declares
// none.
var GBP = Currency{Code: "GBP", Name: "pounds sterling", Symbol: "£", Signs: []string{"£"}}

// currencies are the currencies a scenario may declare. A sign shared by
// several ($, ¥) means the scenario's own currency when it is one of
// them, and the first listed otherwise.
var currencies = []Currency{
	GBP,
	{Code: "USD", Name: "US dollars", Symbol: "$", Signs: []string{"$", "US$"}},
	{Code: "EUR", Name: "euros", Symbol: "€", Signs: []string{"€"}},
	{Code: "JPY", Name: "Japanese yen", Symbol: "¥", Signs: []string{"¥", "JP¥"}},
	{Code: "CHF", Name: "Swiss francs", Symbol: "CHF "},
	{Code: "CAD", Name: "Canadian dollars", Symbol: "C$", Signs: []string{"C$", "CA$", "$"}},
	{Code: "AUD", Name: "Australian dollars", Symbol: "A$", Signs: []string{"A$", "AU$", "$"}},
	{Code: "NZD", Name: "New Zealand dollars", Symbol: "NZ$", Signs: []string{"NZ$", "$"}},
	{Code: "HKD", Name: "Hong Kong dollars", Symbol: "HK$", Signs: []string{"HK$", "$"}},
	{Code: "SGD", Name: "Singapore dollars", Symbol: "S$", Signs: []string{"S$", "$"}},
	{Code: "CNY", Name: "Chinese yuan", Symbol: "CN¥", Signs: []string{"CN¥", "¥"}},
	{Code: "INR", Name: "Indian rupees", Symbol: "₹", Signs: []string{"₹"}},
	{Code: "KRW", Name: "South Korean won", Symbol: "₩", Signs: []string{"₩"}},
	{Code: "BRL", Name: "Brazilian reais", Symbol: "R$", Signs: []string{"R$"}},
	{Code: "MXN", Name: "Mexican pesos", Symbol: "MX$", Signs: []string{"MX$", "$"}},
	{Code: "SEK", Name: "Swedish kronor", Symbol: "SEK "},
	{Code: "NOK", Name: "Norwegian kroner", Symbol: "NOK "},
	{Code: "DKK", Name: "Danish kroner", Symbol: "DKK "},
	{Code: "PLN", Name: "Polish złoty", Symbol: "PLN "},
	{Code: "ZAR", Name: "South African rand", Symbol: "ZAR "},
}

// Currencies returns the currencies a scenario may declare, GBP first.
func Currencies() []Currency { return slices.Clone(currencies) }

// Codes returns the codes of the currencies a scenario may declare, in
// alphabetical order.
func Codes() []string {
	codes := make([]string, len(currencies))
	for i, c := range currencies {
		codes[i] = c.Code
	}
	sort.Strings(codes)
	return codes
}

// LookupCurrency returns the currency with the ISO 4217 code, in any
// case: "USD", "usd".
func LookupCurrency(code string) (Currency, bool) {
	code = strings.ToUpper(strings.TrimSpace(code))
	for _, c := range currencies {
		if c.Code == code {
			return c, true
		}
	}
	return Currency{}, false
}

// IsCurrency reports whether unit is the code of a currency: whether
// values in that unit are amounts of money.
func IsCurrency(unit string) bool {
	for _, c := range currencies {
		if c.Code == unit {
			return true
		}
	}
	return false
}

// CurrencyOf returns the currency whose code is unit; GBP when unit is
// empty, as in documents written before currencies were recorded.
func CurrencyOf(unit string) Currency {
	if c, ok := LookupCurrency(unit); ok && unit != "" {
		return c
	}
	return GBP
}

// Accepts reports whether an amount written with sign (as Literal.Sign
// holds it: "£", "$", "USD"; "" for none) is in c.
func (c Currency) Accepts(sign string) bool {
	return sign == "" || sign == c.Code || slices.Contains(c.Signs, sign)
}

// Check returns an error when lit, written as text, is an amount in
// another currency than c, saying what c's amounts are written as.
func (c Currency) Check(lit Literal, text string) error {
	if c.Accepts(lit.Sign) {
		return nil
	}
	other := "another currency"
	if o, ok := currencyOfSign(lit.Sign); ok {
		other = o.Name + " (" + o.Code + ")"
	}
	declare := ""
	if o, ok := currencyOfSign(lit.Sign); ok {
		declare = ", or declare currency: " + o.Code
	}
	return fmt.Errorf("%s is in %s, but the scenario's amounts are in %s (%s): write %s%s",
		strings.TrimSpace(text), other, c.Name, c.Code, c.Examples(), declare)
}

// Examples says how an amount of 700m in c may be written, for
// messages: "£700m, GBP 700m or 700m".
func (c Currency) Examples() string {
	var ways []string
	if len(c.Signs) > 0 {
		ways = append(ways, c.Signs[0]+"700m")
	}
	ways = append(ways, c.Code+" 700m", "700m")
	return strings.Join(ways[:len(ways)-1], ", ") + " or " + ways[len(ways)-1]
}

// String returns c's code.
func (c Currency) String() string { return c.Code }

// currencyOfSign is the currency a sign first stands for: USD for $.
func currencyOfSign(sign string) (Currency, bool) {
	for _, c := range currencies {
		if sign == c.Code || slices.Contains(c.Signs, sign) {
			return c, true
		}
	}
	return Currency{}, false
}

// signs are every currency sign, longest first, so that US$ is matched
// before $.
var signs = func() []string {
	var all []string
	for _, c := range currencies {
		for _, s := range c.Signs {
			if !slices.Contains(all, s) {
				all = append(all, s)
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return len(all[i]) > len(all[j]) })
	return all
}()

// signAt returns the currency sign or code at byte i of src and its
// length in bytes, or "" when none is there. A code must be followed by
// a space (or, when spaced is false, a digit) and then a digit: USD 700m.
func signAt(src string, i int, spaced bool) (string, int) {
	rest := src[i:]
	for _, s := range signs {
		if strings.HasPrefix(rest, s) {
			return s, len(s)
		}
	}
	if len(rest) < 4 {
		return "", 0
	}
	code := rest[:3]
	if !IsCurrency(code) {
		return "", 0
	}
	n := 3
	for n < len(rest) && rest[n] == ' ' {
		n++
	}
	if n == 3 && spaced || n > 4 || n >= len(rest) || !isDigit(rest[n]) {
		return "", 0
	}
	return code, n
}

// Format shows an amount in c rounded for a person: £412.3m, $1.10bn,
// -€12.5k, CHF 950.
func (c Currency) Format(v float64) string {
	if s, ok := special(v); ok {
		return s
	}
	sign := ""
	if v < 0 {
		sign = "-"
		v = -v
	}
	a := formatAmount(v)
	if a == "0" {
		sign = "" // rounds to nothing: no sign
	}
	return sign + c.Symbol + a
}
