package model

import (
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/settle-sim/settle/engine/dist"
	"github.com/settle-sim/settle/engine/money"
)

// Explain is what settle says of a message of expr's parser about the
// expression src, at rune offset off of it: a sentence in the terms of
// what was written, and a hint of what to write instead; messages it
// does not know are returned as they are. Anything written as expr
// expressions, such as compare's policies, can use it.
func Explain(msg, src string, off int) (string, string) { return explain(msg, src, off, "") }

// explain turns a message of expr's parser or checker about the
// expression src, at rune offset off of it, into a sentence that says
// what is wrong in the terms of what was written, and what to write
// instead. Messages it does not know are returned as they are, with
// hint.
func explain(msg, src string, off int, hint string) (string, string) {
	runes := []rune(src)
	off = min(max(off, 0), len(runes))
	before := strings.TrimRightFunc(string(runes[:off]), unicode.IsSpace)
	switch {
	case msg == "unexpected token EOF" || msg == "unexpected end of expression":
		return explainEnd(src)
	case strings.HasPrefix(msg, "unexpected token "):
		kind, value := token(strings.TrimPrefix(msg, "unexpected token "))
		return explainToken(kind, value, src, before, off)
	case strings.HasPrefix(msg, "unrecognized character: "):
		if off < len(runes) {
			return explainChar(runes[off], before)
		}
	case strings.HasPrefix(msg, "bad number syntax: "):
		word := strings.TrimPrefix(msg, "bad number syntax: ")
		if w, err := strconv.Unquote(word); err == nil {
			word = w
		}
		return fmt.Sprintf("%s is not a number", word), "write numbers such as 0.35, 1e6, 143_000_000 or 60%, and amounts such as £700m"
	case strings.HasPrefix(msg, "not enough arguments to call ") || strings.HasPrefix(msg, "too many arguments to call "):
		return explainArity(msg, src)
	}
	return msg, hint
}

// token splits expr's description of a token, Operator(","), into its
// kind and value.
func token(s string) (kind, value string) {
	kind, rest, ok := strings.Cut(s, "(")
	if !ok {
		return s, ""
	}
	value = strings.TrimSuffix(rest, ")")
	if v, err := strconv.Unquote(value); err == nil {
		value = v
	}
	return kind, value
}

// explainEnd explains an expression that ends too soon.
func explainEnd(src string) (string, string) {
	text := strings.TrimSpace(src)
	if open := depth(text, '(', ')'); open > 0 {
		return fmt.Sprintf("%q has %s not closed", text, plural(open, "(")), "add ) where each one ends"
	}
	if open := depth(text, '[', ']'); open > 0 {
		return fmt.Sprintf("%q has a [ not closed", text), "add ] where the list ends"
	}
	if strings.Contains(text, "?") && !strings.Contains(text, ":") {
		return fmt.Sprintf("%q has a ? without its :", text), "write cond ? value_if_true : value_if_false"
	}
	if op := trailingOperator(text); op != "" {
		return fmt.Sprintf("%q is incomplete: nothing follows %s", text, op),
			fmt.Sprintf("write what comes after %s, or remove it", op)
	}
	return fmt.Sprintf("%q ends too soon", text), "complete the expression"
}

// trailingOperator is the operator text ends with, if any.
func trailingOperator(text string) string {
	for _, op := range []string{"**", "==", "!=", "<=", ">=", "&&", "||", "+", "-", "*", "/", "%", "^", "<", ">", "!", ",", ":"} {
		if strings.HasSuffix(text, op) {
			return op
		}
	}
	for _, w := range []string{"and", "or", "not"} {
		if strings.HasSuffix(text, " "+w) || text == w {
			return w
		}
	}
	return ""
}

// depth is how many more open than close characters src has, outside
// strings.
func depth(src string, open, close rune) int {
	n := 0
	var quote rune
	for _, r := range src {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '"' || r == '\'' || r == '`':
			quote = r
		case r == open:
			n++
		case r == close:
			n--
		}
	}
	return n
}

// thousandsRE finds a number written with thousands separators.
var thousandsRE = regexp.MustCompile(`\d,\d{3}\b`)

// explainToken explains a token the parser did not expect at rune off
// of src; before is the text before it.
func explainToken(kind, value, src, before string, off int) (string, string) {
	prev := lastWord(before)
	switch {
	case kind == "Operator" && value == ",":
		if at := thousandsRE.FindStringIndex(src); at != nil {
			num := numberAround(src, at[0])
			return commaError(num).Error(), ""
		}
		return "a comma outside a function's arguments", "commas separate a function's arguments, as in max(a, b); write thousands as 1_000 or 1000"
	case kind == "Operator" && value == "=":
		return "= is not a comparison", "write == to compare, as in x == 1"
	case kind == "Operator" && (value == "&" || value == "|"):
		return fmt.Sprintf("%s is not an operator", value), fmt.Sprintf("write %s%s or %s", value, value, map[string]string{"&": "and", "|": "or"}[value])
	case kind == "Identifier" && money.IsCurrency(value) && prev != "" && startsDigit(prev):
		return fmt.Sprintf("%s after the amount %s", value, prev), fmt.Sprintf("write the currency before the amount: %s %s", value, prev)
	case value == "if" || value == "then" || value == "else":
		return fmt.Sprintf("%s is not part of an expression", value), "write cond ? value_if_true : value_if_false"
	case kind == "Identifier" || kind == "Number":
		if prev != "" && !isOperatorWord(prev) {
			return fmt.Sprintf("%s follows %s with no operator between them", value, prev),
				fmt.Sprintf("write an operator such as * or + between them, as in %s * %s", prev, value)
		}
		return fmt.Sprintf("%s is not expected here", value), ""
	case kind == "Bracket" && (value == ")" || value == "]"):
		open := map[string]rune{")": '(', "]": '['}[value]
		if depth(before, open, rune(value[0])) <= 0 {
			return fmt.Sprintf("a %s without the %c it closes", value, open), "remove it, or add the " + string(open) + " it closes"
		}
		if strings.HasSuffix(before, ",") || strings.HasSuffix(before, "(") && before != "" {
			return fmt.Sprintf("a value is missing before %s", value), "remove the comma, or write the missing argument"
		}
		return fmt.Sprintf("%s is not expected here", value), ""
	case kind == "Bracket" && value == "(" && prev != "" && !isOperatorWord(prev):
		return fmt.Sprintf("( follows %s with no operator between them", prev), fmt.Sprintf("write an operator, as in %s * (…)", prev)
	case kind == "Operator":
		if prev == "" || isOperatorWord(prev) {
			return fmt.Sprintf("%s has nothing before it", value), fmt.Sprintf("write a value before %s", value)
		}
		return fmt.Sprintf("%s is not expected here", value), ""
	}
	return fmt.Sprintf("%s is not expected here", value), ""
}

// lastWord is the last token of text: a name, a number, an amount or an
// operator.
func lastWord(text string) string {
	text = strings.TrimSpace(text)
	if text == "" {
		return ""
	}
	i := len(text)
	for i > 0 {
		r, size := utf8.DecodeLastRuneInString(text[:i])
		if unicode.IsSpace(r) || strings.ContainsRune("()[],+-*/%^<>=!&|?:", r) {
			break
		}
		i -= size
	}
	if i == len(text) {
		r, _ := utf8.DecodeLastRuneInString(text)
		return string(r)
	}
	return text[i:]
}

func startsDigit(s string) bool { return s != "" && s[0] >= '0' && s[0] <= '9' }

func isOperatorWord(s string) bool {
	return s == "and" || s == "or" || s == "not" || strings.Trim(s, "()[],+-*/%^<>=!&|?:") == ""
}

// numberAround is the number with thousands separators that src has
// at byte i.
func numberAround(src string, i int) string {
	start := i
	for start > 0 && strings.IndexByte("0123456789.,_", src[start-1]) >= 0 {
		start--
	}
	for start > 0 && !strings.ContainsAny(src[start-1:start], " (+-*/,") {
		start-- // a currency sign
	}
	end := i + 1
	for end < len(src) && (strings.IndexByte("0123456789._", src[end]) >= 0 || src[end] == ',' && thousandsRE.MatchString(src[end-1:min(end+5, len(src))])) {
		end++
	}
	for end < len(src) && unicode.IsLetter(rune(src[end])) {
		end++
	}
	return strings.Trim(src[start:end], ",")
}

// lookalikeChars are characters people type, or word processors put in,
// for an operator.
var lookalikeChars = map[rune]string{
	'×': "*", '·': "*", '÷': "/", '−': "-", '–': "-", '—': "-",
	'≤': "<=", '≥': ">=", '≠': "!=", '‘': "'", '’': "'", '“': `"`, '”': `"`,
}

// explainChar explains a character an expression cannot hold.
func explainChar(r rune, before string) (string, string) {
	if op, ok := lookalikeChars[r]; ok {
		return fmt.Sprintf("%c is not an operator settle reads", r), fmt.Sprintf("write %s instead", op)
	}
	if unicode.Is(unicode.Sc, r) {
		if prev := lastWord(before); prev != "" && !isOperatorWord(prev) {
			return fmt.Sprintf("%c follows %s with no operator between them", r, prev), "write an operator before the amount, as in x * £5m"
		}
		return fmt.Sprintf("%c is not a currency sign settle reads", r), "write amounts with the scenario's currency sign or code, as in £700m or GBP 700m, or without one: 700m"
	}
	return fmt.Sprintf("the character %q (%U) cannot appear in an expression", r, r), "expressions use names, numbers, amounts, + - * / ** %, comparisons, and, or, not, ?: and function calls"
}

// explainArity explains a call with the wrong number of arguments.
func explainArity(msg, src string) (string, string) {
	name := msg[strings.LastIndex(msg, " ")+1:]
	few := strings.HasPrefix(msg, "not enough")
	what := "too many arguments"
	if few {
		what = "too few arguments"
	}
	var forms []string
	for _, f := range dist.Families() {
		if f.Name == name {
			forms = append(forms, f.Signature())
		}
	}
	if n, ok := mathFuncs[name]; ok {
		forms = append(forms, fmt.Sprintf("%s(%s)", name, strings.Join([]string{"x", "lo", "hi"}[:n], ", ")))
	}
	hint := ""
	if len(forms) > 0 {
		slices.Sort(forms)
		hint = "write " + strings.Join(forms, " or ")
	}
	if !few && thousandsRE.MatchString(src) {
		hint = "inside an expression a comma separates arguments, so 1,000 is two: write 1_000, 1000 or 1k"
	}
	return fmt.Sprintf("%s() has %s", name, what), hint
}

func plural(n int, what string) string {
	if n == 1 {
		return "a " + what
	}
	return fmt.Sprintf("%d %s", n, what)
}

// currencyWord splits a name that is a currency code run into an
// amount, USD700m, into the code and the amount.
func currencyWord(name string) (code, amount string) {
	if len(name) > 3 && money.IsCurrency(name[:3]) && startsDigit(name[3:]) {
		return name[:3], name[3:]
	}
	return "", ""
}
