// Package statistic computes the statistics an analyst declares in a
// scenario, as @RISK users declare targets and percentiles, each with its
// standard error:
//
//	P(supplier_net > £50m)          a target probability
//	P(settles | liability)          a conditional probability
//	mean(court_award | liability)   a (conditional) mean
//	sd(buyer_cost)                  a (conditional) standard deviation
//	p97.5(buyer_cost)               any percentile, median for p50
//
// The part before | is an expression over the scenario's vars (true or
// false for P); the part after, when there is one, a condition, and the
// statistic is then of the trials where it holds. Parse reads the form;
// the expressions are compiled with the scenario (engine/model), and the
// estimates are made here, from every trial's values (Exact) or streamed
// in bounded memory (Accumulator).
package statistic

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/settle-sim/settle/engine/stats"
)

// Kind is what a statistic estimates.
type Kind int

const (
	// Probability is the share of trials in which a condition holds.
	Probability Kind = iota
	// Mean is the mean of an expression.
	Mean
	// SD is the standard deviation of an expression (n − 1).
	SD
	// Quantile is a percentile of an expression (definition 7 of Hyndman
	// and Fan, as every quantile settle reports).
	Quantile
)

var kindNames = []string{"probability", "mean", "sd", "quantile"}

func (k Kind) String() string { return kindNames[k] }

// SEMethod says how the standard error of a statistic of kind k is
// computed, as result documents record it:
//
//   - probability: binomial, √(p(1−p)/n), n the trials the condition
//     after | holds in (all trials without one);
//   - mean: s/√n, the standard error of a mean (for a conditional mean,
//     the delta method's for the ratio Σx·1[c]/Σ1[c], to first order the
//     same);
//   - sd: the delta method on the variance, √((m₄ − s⁴)/n)/(2s), m₄ the
//     fourth central moment;
//   - quantile: order statistics: half the distance between the order
//     statistics of ranks n·q ∓ 1.96·√(n·q·(1−q)), which bound the
//     distribution-free 95% interval of the quantile (Conover, Practical
//     Nonparametric Statistics, 3rd ed., §3.2), over 2·1.96.
func (k Kind) SEMethod() string {
	return [...]string{"binomial", "standard error of the mean", "delta method", "order statistics"}[k]
}

// Spec is a statistic as written: its kind, its probability (for a
// quantile), and the text of its expression and of its condition, each
// with its offset in runes in the statistic's text.
type Spec struct {
	Func  string // as written: P, mean, sd, median, p97.5 …
	Kind  Kind
	Prob  float64 // for a quantile, in (0, 1)
	Of    Span
	Given Span // Text "" when there is no condition
}

// Span is a part of a statistic's text.
type Span struct {
	Text string
	Off  int // in runes from the start of the statistic's text
}

// Error is a problem with a statistic's form, at rune offset Off of its
// text.
type Error struct {
	Off int
	Msg string
}

func (e *Error) Error() string { return e.Msg }

// Forms lists the forms Parse reads, for messages.
const Forms = "P(condition), P(condition | given), mean(x), mean(x | given), sd(x | given), median(x) or p97.5(x | given)"

// Parse reads a statistic: FUNC(EXPR) or FUNC(EXPR | CONDITION), FUNC
// being P (or prob), mean, sd, median or pNN (a percentile from p0.1 to
// p99.9, any number strictly between 0 and 100). The condition is what
// follows the first | that is not part of || and is outside brackets
// and quotes.
func Parse(text string) (Spec, error) {
	lead := len(text) - len(strings.TrimLeftFunc(text, unicode.IsSpace))
	body := strings.TrimRightFunc(text[lead:], unicode.IsSpace)
	runeOff := func(byteOff int) int { return utf8.RuneCountInString(text[:byteOff]) }
	fail := func(byteOff int, format string, args ...any) (Spec, error) {
		return Spec{}, &Error{Off: runeOff(byteOff), Msg: fmt.Sprintf(format, args...)}
	}
	open := strings.IndexByte(body, '(')
	if open < 0 || !strings.HasSuffix(body, ")") {
		return fail(lead, "%q is not a statistic; write one of %s", body, Forms)
	}
	var s Spec
	s.Func = strings.TrimSpace(body[:open])
	switch f := s.Func; {
	case f == "P" || f == "prob":
		s.Kind = Probability
	case f == "mean":
		s.Kind = Mean
	case f == "sd":
		s.Kind = SD
	case f == "median":
		s.Kind, s.Prob = Quantile, 0.5
	case len(f) > 1 && f[0] == 'p' && (f[1] >= '0' && f[1] <= '9'):
		pct, err := strconv.ParseFloat(f[1:], 64)
		if err != nil || !(pct > 0 && pct < 100) {
			return fail(lead, "%s is not a percentile: write p followed by a number between 0 and 100, as in p5, p50 or p97.5", f)
		}
		s.Kind, s.Prob = Quantile, pct/100
	case f == "":
		return fail(lead, "no statistic before (: write one of %s", Forms)
	default:
		return fail(lead, "unknown statistic %s(); write one of %s", f, Forms)
	}
	inner := lead + open + 1
	end := lead + len(body) - 1 // the closing parenthesis
	bar, err := splitAtBar(text, inner, end)
	if err != nil {
		return Spec{}, &Error{Off: runeOff(err.Off), Msg: err.Msg}
	}
	span := func(from, to int) Span {
		t := text[from:to]
		l := len(t) - len(strings.TrimLeftFunc(t, unicode.IsSpace))
		return Span{Text: strings.TrimSpace(t), Off: runeOff(from + l)}
	}
	if bar < 0 {
		s.Of = span(inner, end)
	} else {
		s.Of, s.Given = span(inner, bar), span(bar+1, end)
		if s.Given.Text == "" {
			return fail(bar, "nothing after |: write the condition the statistic is of, as in mean(court_award | liability)")
		}
	}
	if s.Of.Text == "" {
		what := "an expression"
		if s.Kind == Probability {
			what = "a condition, as in P(supplier_net > £50m)"
		}
		return fail(inner, "%s() of nothing: write %s", s.Func, what)
	}
	return s, nil
}

// splitAtBar finds the | that starts the condition in text[from:to]: not
// part of ||, outside brackets and quotes, which must balance. It
// returns the byte offset of the |, or -1.
func splitAtBar(text string, from, to int) (int, *Error) {
	depth := 0
	var quote byte
	bar := -1
	for i := from; i < to; i++ {
		c := text[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'' || c == '`':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
			if depth < 0 {
				return -1, &Error{Off: i, Msg: fmt.Sprintf("unbalanced %c: the statistic ends at the last )", c)}
			}
		case c == '|' && i+1 < to && text[i+1] == '|':
			i++ // or
		case c == '|' && depth == 0:
			if bar >= 0 {
				return -1, &Error{Off: i, Msg: "a second |: a statistic has one condition; join conditions with && (and)"}
			}
			bar = i
		}
	}
	if depth != 0 || quote != 0 {
		return -1, &Error{Off: from - 1, Msg: "unbalanced brackets or quotes inside the statistic"}
	}
	return bar, nil
}

// Estimate is a statistic's value with its standard error.
type Estimate struct {
	Value float64
	SE    float64
	N     int // the trials it rests on: those where the condition holds
}

// Exact estimates a statistic of kind k (probability prob for a
// quantile) from every trial's values: of (1 or 0 for a probability) and
// given (nil when there is no condition; a trial counts where it is not
// 0). An estimate of no trials is NaN, and so is a standard error of
// fewer than two.
func Exact(k Kind, prob float64, of, given []float64) Estimate {
	var xs []float64
	if given == nil {
		xs = of
	} else {
		xs = make([]float64, 0, len(of))
		for i, x := range of {
			if given[i] != 0 {
				xs = append(xs, x)
			}
		}
	}
	n := len(xs)
	e := Estimate{Value: math.NaN(), SE: math.NaN(), N: n}
	if n == 0 {
		return e
	}
	if k == Quantile {
		sorted := slices.Clone(xs)
		slices.Sort(sorted)
		e.Value = stats.Quantile(sorted, prob)
		if n > 1 {
			lo, hi := quantileRanks(n, prob)
			e.SE = (sorted[hi] - sorted[lo]) / (2 * z95)
		}
		return e
	}
	// Two passes with compensated sums, as engine/stats summarises: a
	// mean(x) statistic is the output's mean to the last bit.
	var sum stats.Sum
	for _, x := range xs {
		sum.Add(x)
	}
	m := moments{n: n, mean: sum.Value() / float64(n)}
	if k == Probability {
		ones := 0
		for _, x := range xs {
			if x != 0 {
				ones++
			}
		}
		m.mean = float64(ones) / float64(n)
	}
	var m2, m4 stats.Sum
	for _, x := range xs {
		d := x - m.mean
		m2.Add(d * d)
		m4.Add(d * d * d * d)
	}
	m.m2, m.m4 = m2.Value(), m4.Value()
	return m.estimate(k)
}

// z95 is the normal quantile of a two-sided 95% interval.
const z95 = 1.959963984540054

// quantileRanks are the 0-based ranks of the order statistics that bound
// the distribution-free 95% interval of the q-quantile of n values:
// n·q ∓ z95·√(n·q·(1−q)), rounded outwards and kept within the values.
func quantileRanks(n int, q float64) (lo, hi int) {
	c := float64(n) * q
	w := z95 * math.Sqrt(float64(n)*q*(1-q))
	lo = max(int(math.Floor(c-w))-1, 0)
	hi = min(int(math.Ceil(c+w))-1, n-1)
	return lo, hi
}

// moments are the count, mean and second to fourth central moment sums
// of values, added one at a time and merged in order (Pébay, "Formulas
// for robust, one-pass parallel computation of covariances and
// arbitrary-order statistical moments", Sandia report SAND2008-6212,
// eqs. 3.1 and 2.1–2.3), so that the result depends only on the values
// and their order.
type moments struct {
	n          int
	mean       float64
	m2, m3, m4 float64
}

func (m *moments) add(x float64) {
	o := moments{n: 1, mean: x}
	m.merge(&o)
}

func (m *moments) merge(o *moments) {
	if o.n == 0 {
		return
	}
	if m.n == 0 {
		*m = *o
		return
	}
	na, nb := float64(m.n), float64(o.n)
	n := na + nb
	d := o.mean - m.mean
	d2 := d * d
	m4 := m.m4 + o.m4 + d2*d2*na*nb*(na*na-na*nb+nb*nb)/(n*n*n) +
		6*d2*(na*na*o.m2+nb*nb*m.m2)/(n*n) + 4*d*(na*o.m3-nb*m.m3)/n
	m3 := m.m3 + o.m3 + d2*d*na*nb*(na-nb)/(n*n) + 3*d*(na*o.m2-nb*m.m2)/n
	m.m2 += o.m2 + d2*na*nb/n
	m.m3, m.m4 = m3, m4
	m.mean += d * nb / n
	m.n += o.n
}

func (m *moments) estimate(k Kind) Estimate {
	n := float64(m.n)
	e := Estimate{Value: math.NaN(), SE: math.NaN(), N: m.n}
	if m.n == 0 {
		return e
	}
	switch k {
	case Probability:
		p := m.mean
		e.Value, e.SE = p, math.Sqrt(math.Max(p*(1-p), 0)/n)
	case Mean:
		e.Value = m.mean
		if m.n > 1 {
			e.SE = math.Sqrt(m.m2/(n-1)) / math.Sqrt(n)
		}
	case SD:
		if m.n > 1 {
			v := m.m2 / (n - 1)
			e.Value = math.Sqrt(v)
			m4 := m.m4 / n
			if v > 0 {
				e.SE = math.Sqrt(math.Max(m4-v*v, 0)/n) / (2 * e.Value)
			} else {
				e.SE = 0
			}
		}
	}
	return e
}

// Accumulator estimates a statistic from trials streamed to it, in
// memory that does not grow with their number: moments for
// probabilities, means and standard deviations (the same estimates as
// Exact, up to rounding), and for a quantile a stats.Sketch (within
// stats.SketchAccuracy, relatively, of Exact's, and so its standard
// error). Accumulators of consecutive runs of trials merge in order.
type Accumulator struct {
	Kind Kind
	Prob float64 // for a quantile

	m        moments
	sk       stats.Sketch
	min, max float64
}

// Add adds one trial's value of the expression, when its condition
// holds.
func (a *Accumulator) Add(x float64, holds bool) {
	if !holds {
		return
	}
	if a.Kind != Quantile {
		a.m.add(x)
		return
	}
	if a.m.n == 0 || x < a.min {
		a.min = x
	}
	if a.m.n == 0 || x > a.max {
		a.max = x
	}
	a.m.n++
	a.sk.Add(x)
}

// Merge adds o, the accumulator of the trials that follow a's.
func (a *Accumulator) Merge(o *Accumulator) {
	if a.Kind != Quantile {
		a.m.merge(&o.m)
		return
	}
	if o.m.n == 0 {
		return
	}
	if a.m.n == 0 {
		a.min, a.max = o.min, o.max
	}
	a.min, a.max = math.Min(a.min, o.min), math.Max(a.max, o.max)
	a.m.n += o.m.n
	a.sk.Merge(&o.sk)
}

// Estimate is the statistic of the trials added.
func (a *Accumulator) Estimate() Estimate {
	if a.Kind != Quantile {
		return a.m.estimate(a.Kind)
	}
	n := a.m.n
	e := Estimate{Value: math.NaN(), SE: math.NaN(), N: n}
	if n == 0 {
		return e
	}
	probs := []float64{a.Prob}
	if n > 1 {
		lo, hi := quantileRanks(n, a.Prob)
		probs = append(probs, float64(lo)/float64(n-1), float64(hi)/float64(n-1))
	}
	q := a.sk.Quantiles(probs, a.min, a.max)
	e.Value = q[0]
	if n > 1 {
		e.SE = (q[2] - q[1]) / (2 * z95)
	}
	return e
}
