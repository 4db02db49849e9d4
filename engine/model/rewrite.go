package model

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/shopspring/decimal"

	"github.com/settle-sim/settle/engine/money"
)

// rewritten is an expression with its money literals replaced by plain
// numbers that expr can parse.
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

// rewrite replaces the money literals in src (£700m, 1.1bn, £250k) with
// their exact values written as plain numbers, outside string literals.
func rewrite(src string) rewritten {
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
		} else if startsLiteral(src, i) {
			lit, ok, err := money.Scan(src, i)
			if ok {
				n := max(lit.Len, 1)
				text := src[i : i+n]
				if err == nil && math.IsInf(lit.Float(), 0) {
					err = fmt.Errorf("%s is beyond the largest number settle holds, about 1.8e308", text)
				}
				if err != nil {
					rw.errs = append(rw.errs, litError{off: origRune, msg: err.Error()})
					emit(text, origRune)
				} else if lit.Money {
					rw.moneyAt[len(rw.orig)] = true
					emit(number(lit), origRune)
				} else {
					emit(text, origRune)
				}
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

// startsLiteral reports whether a number literal may start at byte i of
// src: a digit or £ not inside an identifier or another number.
func startsLiteral(src string, i int) bool {
	c := src[i]
	if !(c >= '0' && c <= '9' || strings.HasPrefix(src[i:], "£")) {
		return false
	}
	if i == 0 {
		return true
	}
	p := src[i-1]
	return !(p == '_' || p == '.' || p >= '0' && p <= '9' || p >= 'a' && p <= 'z' || p >= 'A' && p <= 'Z')
}

// number writes lit's value as an expr number literal.
func number(lit money.Literal) string {
	if lit.Value.IsInteger() && lit.Value.Abs().LessThan(maxExactInt) {
		return lit.Value.String()
	}
	return strconv.FormatFloat(lit.Float(), 'g', -1, 64)
}

var maxExactInt = decimal.New(1, 15)
