// Package money parses and formats the numbers people write and read:
// amounts of money, percentages and plain numbers.
//
// Literals are parsed exactly with decimal arithmetic: £700m, 1.1bn,
// 143_000_000, £250k, 1.5e6, 60% (0.6), and, as the whole of a value,
// £600,000,000. A literal is money when it carries a currency sign or
// code ($700m, €1.1bn, USD 700m) or a k, m or bn suffix; a Currency says
// which signs a scenario's amounts may carry. Amounts are shown to
// people in their currency with sensible rounding (£412.3m, $1.10bn,
// -€12.5k), never in exponent form, and other numbers to four
// significant figures.
package money

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Literal is a parsed number or money literal.
type Literal struct {
	Value decimal.Decimal // exact value
	Money bool            // written with a currency sign or code, or a k, m or bn suffix
	Len   int             // length in bytes of the literal in its source
	// Sign is the currency sign or code the amount was written with,
	// "£", "$", "USD"; "" when none was.
	Sign string
	// Percent is true when the number was written as a percentage, 60%,
	// which Value holds as a fraction, 0.6.
	Percent bool
}

// Float returns the literal's value as the nearest float64.
func (l Literal) Float() float64 {
	f, _ := l.Value.Float64()
	return f
}

var suffixes = []struct {
	text string
	exp  int32
}{
	{"bn", 9}, {"BN", 9}, {"Bn", 9}, {"k", 3}, {"K", 3}, {"m", 6}, {"M", 6},
}

// StartsLiteral reports whether a number or money literal may start at
// byte i of the expression src: a digit, a currency sign (£, $, US$, €,
// …) or a currency code followed by a space and a digit (USD 700m), not
// inside a name or another number.
func StartsLiteral(src string, i int) bool {
	if i > 0 {
		if p := src[i-1]; p == '_' || p == '.' || isDigit(p) || 'a' <= p && p <= 'z' || 'A' <= p && p <= 'Z' {
			return false
		}
	}
	if isDigit(src[i]) {
		return true
	}
	s, _ := signAt(src, i, true)
	return s != ""
}

// Scan scans a number literal starting at byte i of src, as it stands
// inside an expression. ok is false when no number literal starts at i
// (or the number runs into a name, as in 0x1f or 5min, which are left
// to the expression parser). When ok is true, lit.Len is the length of
// the literal and err says what is wrong with it, if anything.
//
// A literal is a number with an optional fraction and exponent (0.35,
// 1e6, 143_000_000), then an optional k, m or bn suffix, which makes it
// an amount of money; it may start with a currency sign or a code and a
// space (£700m, $1.1bn, USD 700m), which makes it an amount too. A
// number directly followed by % is a percentage (60% is 0.6), unless
// what follows the % is an operand, as in 7%x, which is the remainder
// operator. Commas are never part of a literal inside an expression:
// there they separate a function's arguments. A number that a letter O
// or l makes a name (7OOm) is reported as not a number.
func Scan(src string, i int) (lit Literal, ok bool, err error) {
	return scan(src, i, false)
}

// scan is Scan; whole is true when src is one value, where a currency
// code needs no space after it (USD700m).
func scan(src string, i int, whole bool) (lit Literal, ok bool, err error) {
	j := i
	if s, n := signAt(src, j, !whole); s != "" {
		lit.Money, lit.Sign = true, s
		j += n
		if j < len(src) && src[j] == ' ' && !IsCurrency(s) {
			j++ // € 700m
		}
	}
	start := j
	digits := func() (n int, bad error) {
		for j < len(src) {
			c := src[j]
			switch {
			case isDigit(c):
				n++
			case c == '_' && j+1 < len(src) && isDigit(src[j+1]) && n > 0:
			case c == '_':
				bad = errors.New("misplaced _ in number: put _ only between digits, as in 143_000_000")
			default:
				return n, bad
			}
			j++
		}
		return n, bad
	}
	n, bad := digits()
	if n == 0 {
		if lit.Money {
			end := wordEnd(src, start)
			lit.Len = end - i
			return lit, true, notAmount(src[i:end], lit.Sign, start-i)
		}
		return lit, false, nil
	}
	// A fraction needs a digit after the point: 1..5 is a range and 1.x a
	// member access, both left alone.
	if j+1 < len(src) && src[j] == '.' && isDigit(src[j+1]) {
		j++
		if _, b := digits(); b != nil && bad == nil {
			bad = b
		}
	}
	if j < len(src) && (src[j] == 'e' || src[j] == 'E') {
		k := j + 1
		if k < len(src) && (src[k] == '+' || src[k] == '-') {
			k++
		}
		if k < len(src) && isDigit(src[k]) {
			j = k
			if _, b := digits(); b != nil && bad == nil {
				bad = b
			}
		}
	}
	body := strings.ReplaceAll(src[start:j], "_", "")
	exp := int32(0)
	for _, s := range suffixes {
		if strings.HasPrefix(src[j:], s.text) && !isIdent(src, j+len(s.text)) {
			exp = s.exp
			lit.Money = true
			j += len(s.text)
			break
		}
	}
	if isIdent(src, j) {
		end := wordEnd(src, j)
		if fixed, what, ok := lookalike(src[start:end]); ok {
			lit.Len = end - i
			noun := "a number"
			if lit.Money || strings.ContainsAny(fixed, "kKmMbB") {
				noun = "an amount"
			}
			return lit, true, fmt.Errorf("%s is not %s: it has %s; write %s%s", src[i:end], noun, what, src[i:start], fixed)
		}
		if lit.Money && lit.Sign != "" {
			lit.Len = end - i
			return lit, true, notAmount(src[i:end], lit.Sign, start-i)
		}
		return Literal{}, false, nil
	}
	if j < len(src) && src[j] == '%' && !operandAt(src, j+1) {
		if lit.Money {
			lit.Len = j + 1 - i
			return lit, true, fmt.Errorf("%s is not a number: an amount of money cannot be a percentage", src[i:j+1])
		}
		lit.Percent = true
		exp -= 2
		j++
	}
	lit.Len = j - i
	if bad != nil {
		return lit, true, bad
	}
	v, perr := decimal.NewFromString(body)
	if perr != nil {
		return lit, true, fmt.Errorf("malformed number %q", src[i:j])
	}
	lit.Value = v.Shift(exp)
	return lit, true, nil
}

// wordEnd is where the run of letters, digits, _ and . from byte j of
// src ends.
func wordEnd(src string, j int) int {
	for j < len(src) && (isIdent(src, j) && src[j] < 0x80 || src[j] == '.') {
		j++
	}
	return j
}

// lookalike reports whether word, which is not a number, is one with
// the letter O (or o) for a zero or l (or I) for a one: 7OOm is 700m.
// It returns the number meant and what is wrong.
func lookalike(word string) (fixed, what string, ok bool) {
	fixed, what = lookalikeText(word)
	if fixed == word {
		return "", "", false
	}
	lit, ok, err := scan(fixed, 0, true)
	if !ok || err != nil || lit.Len != len(fixed) {
		return "", "", false
	}
	return fixed, what, true
}

// lookalikeText replaces the letters O and l with the digits they look
// like, and says which it replaced.
func lookalikeText(word string) (fixed, what string) {
	var letters []string
	fixed = strings.Map(func(r rune) rune {
		switch r {
		case 'O', 'o':
			if !slices.Contains(letters, "the letter O where a zero belongs") {
				letters = append(letters, "the letter O where a zero belongs")
			}
			return '0'
		case 'l', 'I':
			if !slices.Contains(letters, "the letter l where a one belongs") {
				letters = append(letters, "the letter l where a one belongs")
			}
			return '1'
		}
		return r
	}, word)
	return fixed, strings.Join(letters, " and ")
}

// notAmount is the error for text that starts with a currency sign but
// is not an amount; the amount's digits start at byte at of text.
func notAmount(text, sign string, at int) error {
	if fixed, what, ok := lookalike(text[at:]); ok {
		return fmt.Errorf("%s is not an amount: it has %s; write %s%s", text, what, text[:at], fixed)
	}
	if at == len(text) {
		return fmt.Errorf("%s must be followed by an amount, as in %s700m", sign, sign)
	}
	return fmt.Errorf("%s is not an amount: write a number after %s with an optional k, m or bn, as in %s700m or %s1.1bn", text, sign, sign, sign)
}

// operandAt reports whether an operand starts at byte k of src, after
// any spaces: then a % before it is the remainder operator, not a
// percentage.
func operandAt(src string, k int) bool {
	for k < len(src) && (src[k] == ' ' || src[k] == '\t') {
		k++
	}
	if k >= len(src) {
		return false
	}
	c := src[k]
	if c == '(' || c == '.' || c == '"' || c == '\'' || c == '`' || c == '$' || isIdent(src, k) {
		return true
	}
	s, _ := signAt(src, k, true)
	return s != ""
}

// Parse parses s, all of it, as a number, an amount of money or a
// percentage with an optional sign: "£700m", "1.1bn", "-£12.5k",
// "143_000_000", "1e6", "$700m", "USD 700m", "60%", "2.5%". As the
// whole of a value, commas may separate thousands, in groups of three
// digits: "£1,100,000", "1,000". The currency is not checked: see
// Currency.Parse.
func Parse(s string) (Literal, error) {
	lit, err := parse(s)
	if err != nil && strings.ContainsAny(s, "OolI") {
		fixed, what := lookalikeText(s)
		if f, ferr := parse(fixed); ferr == nil {
			noun := "a number"
			if f.Money {
				noun = "an amount"
			}
			return Literal{}, fmt.Errorf("%s is not %s: it has %s; write %s", strings.TrimSpace(s), noun, what, strings.TrimSpace(fixed))
		}
	}
	return lit, err
}

func parse(s string) (Literal, error) {
	t := strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
		neg = t[0] == '-'
		t = strings.TrimSpace(t[1:])
	} else if rest, ok := strings.CutPrefix(t, "−"); ok { // a typographic minus
		neg, t = true, strings.TrimSpace(rest)
	}
	if p, ok := strings.CutSuffix(t, "%"); ok {
		t = strings.TrimSpace(p) + "%" // 60 % as 60%
	}
	sign, n := signAt(t, 0, false)
	body := strings.TrimSpace(t[n:])
	if strings.HasPrefix(body, "-") && sign != "" {
		neg = !neg // £-3m
		body = body[1:]
	}
	if strings.Contains(body, ",") {
		var err error
		if body, err = dropCommas(body, sign); err != nil {
			return Literal{}, fmt.Errorf("%q: %w", s, err)
		}
	}
	if t == "" {
		return Literal{}, errors.New("empty amount: write a number such as 250000 or £250k")
	}
	if sign != "" {
		if IsCurrency(sign) {
			body = sign + " " + body
		} else {
			body = sign + body
		}
	}
	lit, ok, err := scan(body, 0, true)
	if ok && err != nil {
		return Literal{}, err
	}
	if !ok || lit.Len != len(body) {
		return Literal{}, fmt.Errorf("%q is not a number or an amount of money; write one such as 0.35, 60%%, 143_000_000, 1,000, £250k, £700m or 1.1bn", s)
	}
	if neg {
		lit.Value = lit.Value.Neg()
	}
	lit.Len = len(s)
	return lit, nil
}

// Parse is the package's Parse, also checking that an amount written
// with a currency sign or code is in c.
func (c Currency) Parse(s string) (Literal, error) {
	lit, err := Parse(s)
	if err != nil {
		return lit, err
	}
	return lit, c.Check(lit, s)
}

// dropCommas removes thousands separators from a number, checking they
// group by three; sign is the currency sign written before it, for
// messages.
func dropCommas(t, sign string) (string, error) {
	intEnd := strings.IndexFunc(t, func(r rune) bool { return r != ',' && (r < '0' || r > '9') })
	if intEnd < 0 {
		intEnd = len(t)
	}
	groups := strings.Split(t[:intEnd], ",")
	if len(groups) == 2 && len(groups[1]) > 0 && len(groups[1]) < 3 && len(groups[0]) > 0 {
		return "", fmt.Errorf("commas separate thousands, in groups of three digits; write the decimal point as a point, as in %s%s.%s%s", sign, groups[0], groups[1], t[intEnd:])
	}
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return "", errors.New("commas must separate groups of three digits, as in 1,100,000")
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", errors.New("commas must separate groups of three digits, as in 1,100,000")
		}
	}
	if strings.Contains(t[intEnd:], ",") {
		return "", errors.New("commas may only separate thousands")
	}
	return strings.ReplaceAll(t, ",", ""), nil
}

// IsWhole reports whether src, all of it but spaces, is a single
// literal as Parse reads it: the case where commas are thousands
// separators rather than separators of arguments.
func IsWhole(src string) bool {
	_, err := Parse(src)
	return err == nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// isIdent reports whether an identifier character stands at byte j.
func isIdent(src string, j int) bool {
	if j >= len(src) {
		return false
	}
	c := src[j]
	return c == '_' || isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c >= 0x80
}

// Format shows an amount of pounds rounded for a person: £412.3m,
// £1.10bn, £12.5k, £950, -£3.2m. Currency.Format shows other
// currencies.
func Format(v float64) string { return GBP.Format(v) }

// formatAmount shows v, finite and not negative, without a currency:
// 412.3m, 1.10bn, 12.5k, 950, 0.35.
func formatAmount(v float64) string {
	d := decimal.NewFromFloat(v)
	for i, u := range units {
		if d.LessThan(decimal.New(1, u.exp)) {
			continue
		}
		r := d.Shift(-u.exp).Round(u.places)
		if i > 0 && r.GreaterThanOrEqual(thousand) {
			// rounding carried into the unit above, as in 999.96m
			u = units[i-1]
			r = d.Shift(-u.exp).Round(u.places)
		}
		return group(r.StringFixed(u.places)) + u.suffix
	}
	r := d.Round(0)
	switch {
	case r.GreaterThanOrEqual(thousand):
		u := units[len(units)-1]
		return d.Shift(-u.exp).Round(u.places).StringFixed(u.places) + u.suffix
	case d.GreaterThanOrEqual(one):
		return r.String()
	}
	// Under one: in hundredths (pence, cents), and 0 when it rounds to
	// none, so that -0.001 is not shown as -£0.00.
	switch p := d.Round(2); {
	case p.IsZero():
		return "0"
	case p.GreaterThanOrEqual(one):
		return "1"
	default:
		return p.StringFixed(2)
	}
}

var (
	thousand = decimal.NewFromInt(1000)
	one      = decimal.NewFromInt(1)
	units    = []struct {
		exp    int32
		suffix string
		places int32
	}{{9, "bn", 2}, {6, "m", 1}, {3, "k", 1}}
)

// FormatNumber shows a plain number for a person to four significant
// figures, or all the digits of its whole part when it has more,
// thousands separated and never in exponent form: 0.003382, 12.35,
// 999.978 as 1,000, 123,456.7 as 123,457. Whole numbers of trials and
// the like are shown exactly.
func FormatNumber(v float64) string {
	if s, ok := special(v); ok {
		return s
	}
	a := math.Abs(v)
	if a == 0 {
		return "0"
	}
	if a < 1e-6 {
		return tiny(v)
	}
	places := max(int32(sigFigs-1-math.Floor(math.Log10(a))), 0)
	return group(decimal.NewFromFloat(v).Round(places).String())
}

// tiny shows v, 0 < |v| < 1e-6, to four significant figures times a
// power of ten written out, 1.235×10⁻⁹, rather than with its zeros or an
// exponent a person may not read.
func tiny(v float64) string {
	m, e, _ := strings.Cut(strconv.FormatFloat(v, 'e', sigFigs-1, 64), "e")
	if strings.Contains(m, ".") {
		m = strings.TrimRight(strings.TrimRight(m, "0"), ".")
	}
	exp, _ := strconv.Atoi(e)
	return m + "×10" + superscript(exp)
}

// superscript writes n in superscript digits.
func superscript(n int) string {
	digits := [10]rune{'⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'}
	var b strings.Builder
	if n < 0 {
		b.WriteRune('⁻')
		n = -n
	}
	for _, c := range strconv.Itoa(n) {
		b.WriteRune(digits[c-'0'])
	}
	return b.String()
}

// sigFigs is how many significant figures FormatNumber shows.
const sigFigs = 4

// FormatExact shows a number exactly, for messages about a value a
// person wrote: the shortest decimal that reads back as v, thousands
// separated, never an exponent (700000000 is 700,000,000, 0.35 is
// 0.35), except beyond 1e21 or below 1e-6, where no digits would fit.
func FormatExact(v float64) string {
	if s, ok := special(v); ok {
		return s
	}
	if a := math.Abs(v); a != 0 && (a >= 1e21 || a < 1e-6) {
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return group(strconv.FormatFloat(v, 'f', -1, 64))
}

// FormatPercent shows a fraction as a percentage: 0.273 is 27.3%.
func FormatPercent(v float64) string {
	if s, ok := special(v); ok {
		return s
	}
	p := decimal.NewFromFloat(v).Shift(2)
	a := math.Abs(v * 100)
	if a > 0 && a < 0.1 {
		places := int32(1 - math.Floor(math.Log10(a)))
		return p.Round(places).String() + "%"
	}
	return p.Round(1).StringFixed(1) + "%"
}

func special(v float64) (string, bool) {
	switch {
	case math.IsNaN(v):
		return "NaN", true
	case math.IsInf(v, 1):
		return "+Inf", true
	case math.IsInf(v, -1):
		return "-Inf", true
	}
	return "", false
}

// group puts thousands separators into the integer part of a decimal
// string.
func group(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	intPart, frac, hasFrac := strings.Cut(s, ".")
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range intPart {
		if i > 0 && (len(intPart)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if hasFrac {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}
