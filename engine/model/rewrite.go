package model

import (
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/settle-sim/settle/engine/money"
)

// rewritten is an expression with its money literals and percentages
// replaced by plain numbers that expr can parse.
type rewritten struct {
	src     string
	orig    []int        // orig[r] is the rune offset in the original of rune r of src
	moneyAt map[int]bool // rune offsets in src where a money literal stands
	errs    []litError
}

type litError struct {
	off int // rune offset in the original
	msg string
}

// rewrite replaces the literals in src (£700m, 1.1bn, £250k, 60%) with
// their exact values written as plain numbers, outside string literals,
// checking that amounts are in the currency cur.
//
// Commas separate a function's arguments inside an expression, so that
// pert(1,2,3) has three. They are thousands separators only where the
// whole expression is one number (£600,000,000, 1,000: the case of a
// value typed with --set), and then only between groups of three
// digits. Inside an expression a number followed without a space by a
// comma and three digits that cannot be an argument of their own (1,000,
// whose 000 has a leading zero) or that follow an amount with a
// currency sign (£1,500) is an error: it was surely meant as one number.
func rewrite(src string, cur money.Currency) rewritten {
	if rw, ok := rewriteWhole(src, cur); ok {
		return rw
	}
	var b strings.Builder
	rw := rewritten{moneyAt: map[int]bool{}}
	origRune := 0
	emit := func(s string, from int) {
		for range utf8.RuneCountInString(s) {
			rw.orig = append(rw.orig, from)
		}
		b.WriteString(s)
	}
	var quote byte
	prev := struct {
		start, end int // bytes of the last literal in src
		startRune  int
		sign       string
	}{start: -1, end: -1}
	reported := 0 // where the last number reported for its commas ends
	for i := 0; i < len(src); {
		c := src[i]
		if quote != 0 {
			if c == '\\' && quote != '`' && i+1 < len(src) {
				emit(src[i:i+2], origRune)
				origRune += 2
				i += 2
				continue
			}
			if c == quote {
				quote = 0
			}
		} else if c == '"' || c == '\'' || c == '`' {
			quote = c
		} else if money.StartsLiteral(src, i) {
			lit, ok, err := money.Scan(src, i)
			if ok {
				n := max(lit.Len, 1)
				text := src[i : i+n]
				if err == nil && math.IsInf(lit.Float(), 0) {
					err = fmt.Errorf("%s is beyond the largest number settle holds, about 1.8e308", text)
				}
				if err == nil {
					err = cur.Check(lit, text)
				}
				if err == nil && i >= reported && i >= 2 && src[i-1] == ',' && prev.end == i-1 && isGroup(text) && (text[0] == '0' || prev.sign != "") {
					reported = groupsEnd(src, i)
					rw.errs = append(rw.errs, litError{off: prev.startRune, msg: commaError(src[prev.start:reported]).Error()})
				}
				switch {
				case err != nil:
					rw.errs = append(rw.errs, litError{off: origRune, msg: err.Error()})
					emit(text, origRune)
				case lit.Money || lit.Percent:
					if lit.Money {
						rw.moneyAt[len(rw.orig)] = true
					}
					emit(number(lit), origRune)
				default:
					emit(text, origRune)
				}
				prev.start, prev.end, prev.startRune, prev.sign = i, i+n, origRune, lit.Sign
				origRune += utf8.RuneCountInString(text)
				i += n
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(src[i:])
		emit(src[i:i+size], origRune)
		origRune++
		i += size
	}
	rw.orig = append(rw.orig, origRune)
	rw.src = b.String()
	return rw
}

// rewriteWhole rewrites src when all of it is one number or amount, in
// which commas may separate thousands: £600,000,000. ok is false when it
// is not, and src is an expression. A value that is plainly meant as one
// number but is not one (1,00,000) is reported here.
func rewriteWhole(src string, cur money.Currency) (rewritten, bool) {
	text := strings.TrimSpace(src)
	if text == "" {
		return rewritten{}, false
	}
	lead := utf8.RuneCountInString(src[:strings.Index(src, text)])
	rw := rewritten{moneyAt: map[int]bool{}}
	lit, err := money.Parse(text)
	if err == nil && !lit.Money && !lit.Percent && !strings.Contains(text, ",") {
		return rewritten{}, false // a plain number, which the expression path reads as well
	}
	if err == nil {
		err = cur.Check(lit, text)
	}
	if err != nil {
		if !strings.Contains(text, ",") || !wholeRE.MatchString(text) {
			return rewritten{}, false
		}
		rw.errs = append(rw.errs, litError{off: lead, msg: err.Error()})
		rw.src = text
		for range utf8.RuneCountInString(text) {
			rw.orig = append(rw.orig, lead)
		}
		rw.orig = append(rw.orig, utf8.RuneCountInString(src))
		return rw, true
	}
	var b strings.Builder
	if lit.Value.Sign() < 0 {
		b.WriteString("-")
		lit.Value = lit.Value.Neg()
	}
	if lit.Money {
		rw.moneyAt[b.Len()] = true
	}
	b.WriteString(number(lit))
	rw.src = b.String()
	for range utf8.RuneCountInString(rw.src) {
		rw.orig = append(rw.orig, lead)
	}
	rw.orig = append(rw.orig, utf8.RuneCountInString(src))
	return rw, true
}

// wholeRE matches text meant as one number, though it may not be one:
// a sign, a currency, digits with commas or a point, a suffix, a %.
var wholeRE = regexp.MustCompile(`^[-+]?\s*(?:[^\s\d(),]{1,3}\s?)?-?\d[\d,._]*(?:[eE][-+]?\d+)?\s*(?:[a-zA-Z]{1,2})?\s*%?$`)

// isGroup reports whether text is three digits, as after a thousands
// separator.
func isGroup(text string) bool {
	return len(text) == 3 && isDigits(text)
}

func isDigits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// groupsEnd is where a run of ,ddd groups from byte i of src ends, with
// any suffix: the end of 1,000,000m.
func groupsEnd(src string, i int) int {
	j := i + 3
	for j+4 <= len(src) && src[j] == ',' && isDigits(src[j+1:j+4]) && (j+4 == len(src) || !isDigitByte(src[j+4])) {
		j += 4
	}
	for j < len(src) && (src[j] >= 'a' && src[j] <= 'z' || src[j] >= 'A' && src[j] <= 'Z') {
		j++
	}
	return j
}

func isDigitByte(c byte) bool { return '0' <= c && c <= '9' }

// commaError is the error for a number with thousands separators inside
// an expression.
func commaError(text string) error {
	return fmt.Errorf("%s is not one number inside an expression, where a comma separates a function's arguments; write %s or %s (thousands separators are read only in a value that is one number, such as --set claim=£600,000,000)",
		text, strings.ReplaceAll(text, ",", "_"), strings.ReplaceAll(text, ",", ""))
}

// number writes lit's value as an expr number literal.
func number(lit money.Literal) string {
	if lit.Value.IsInteger() && lit.Value.Abs().LessThan(maxExactInt) {
		return lit.Value.String()
	}
	return strconv.FormatFloat(lit.Float(), 'g', -1, 64)
}

var maxExactInt = decimal.New(1, 15)
