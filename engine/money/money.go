// Package money parses and formats amounts of money in pounds sterling.
//
// Literals are parsed exactly with decimal arithmetic: £700m, 1.1bn,
// 143_000_000, £250k, 1.5e6. A literal is money when it carries the
// pound sign or a k, m or bn suffix. Amounts are shown to people with
// sensible rounding (£412.3m, £1.10bn, -£12.5k), never in exponent form.
package money

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/shopspring/decimal"
)

// Literal is a parsed number or money literal.
type Literal struct {
	Value decimal.Decimal // exact value
	Money bool            // written with £ or a k, m or bn suffix
	Len   int             // length in bytes of the literal in its source
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

// Scan scans a number literal starting at byte i of src, as it stands
// inside an expression. ok is false when no number literal starts at i
// (or the number runs into an identifier, as in 0x1f or 5min, which are
// left to the expression parser). When ok is true, lit.Len is the length
// of the literal and err says what is wrong with it, if anything.
func Scan(src string, i int) (lit Literal, ok bool, err error) {
	j := i
	if strings.HasPrefix(src[j:], "£") {
		lit.Money = true
		j += len("£")
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
			lit.Len = j - i
			return lit, true, errors.New("£ must be followed by an amount, as in £700m")
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
		return Literal{}, false, nil
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

// Parse parses s, all of it, as a number or money literal with an
// optional sign: "£700m", "1.1bn", "-£12.5k", "143_000_000", "1e6".
// Commas may separate thousands, as in "£1,100,000".
func Parse(s string) (Literal, error) {
	t := strings.TrimSpace(s)
	neg := false
	if strings.HasPrefix(t, "-") || strings.HasPrefix(t, "+") {
		neg = t[0] == '-'
		t = t[1:]
	}
	if strings.HasPrefix(t, "£-") {
		neg = !neg
		t = "£" + t[len("£-"):]
	}
	if strings.Contains(t, ",") {
		var err error
		if t, err = dropCommas(t); err != nil {
			return Literal{}, fmt.Errorf("%q: %w", s, err)
		}
	}
	if t == "" {
		return Literal{}, errors.New("empty amount: write a number such as 250000 or £250k")
	}
	lit, ok, err := Scan(t, 0)
	if !ok || lit.Len != len(t) {
		return Literal{}, fmt.Errorf("%q is not a number or an amount of money; write one such as 0.35, 143_000_000, £250k, £700m or 1.1bn", s)
	}
	if err != nil {
		return Literal{}, fmt.Errorf("%q: %w", s, err)
	}
	if neg {
		lit.Value = lit.Value.Neg()
	}
	lit.Len = len(s)
	return lit, nil
}

// dropCommas removes thousands separators, checking they group by three.
func dropCommas(t string) (string, error) {
	intEnd := strings.IndexFunc(t, func(r rune) bool { return r != ',' && r != '£' && (r < '0' || r > '9') })
	if intEnd < 0 {
		intEnd = len(t)
	}
	groups := strings.Split(strings.TrimPrefix(t[:intEnd], "£"), ",")
	if len(groups[0]) == 0 || len(groups[0]) > 3 {
		return "", errors.New("commas must separate groups of three digits, as in £1,100,000")
	}
	for _, g := range groups[1:] {
		if len(g) != 3 {
			return "", errors.New("commas must separate groups of three digits, as in £1,100,000")
		}
	}
	if strings.Contains(t[intEnd:], ",") {
		return "", errors.New("commas may only separate thousands")
	}
	return strings.ReplaceAll(t, ",", ""), nil
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
// £1.10bn, £12.5k, £950, -£3.2m.
func Format(v float64) string {
	if s, ok := special(v); ok {
		return s
	}
	sign := ""
	if v < 0 {
		sign = "-"
		v = -v
	}
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
		return sign + "£" + group(r.StringFixed(u.places)) + u.suffix
	}
	r := d.Round(0)
	switch {
	case r.GreaterThanOrEqual(thousand):
		u := units[len(units)-1]
		return sign + "£" + d.Shift(-u.exp).Round(u.places).StringFixed(u.places) + u.suffix
	case !r.IsZero():
		return sign + "£" + r.String()
	case d.IsZero():
		return "£0"
	}
	return sign + "£" + d.Round(2).StringFixed(2)
}

var (
	thousand = decimal.NewFromInt(1000)
	units    = []struct {
		exp    int32
		suffix string
		places int32
	}{{9, "bn", 2}, {6, "m", 1}, {3, "k", 1}}
)

// FormatNumber shows a plain number for a person: thousands separated,
// about four significant digits after the point, never an exponent.
func FormatNumber(v float64) string {
	if s, ok := special(v); ok {
		return s
	}
	a := math.Abs(v)
	var s string
	switch {
	case a == 0:
		return "0"
	case a >= 1000:
		s = decimal.NewFromFloat(v).Round(0).String()
	case a >= 1:
		s = decimal.NewFromFloat(v).Round(3).String()
	default:
		places := int32(3 - math.Floor(math.Log10(a)))
		s = decimal.NewFromFloat(v).Round(places).String()
	}
	return group(s)
}

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
