package fit

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"
	"unicode"

	"github.com/settle-sim/settle/engine/money"
)

// Source says what was fitted, for the document and the table.
type Source struct {
	File   string `json:"file"`
	SHA256 string `json:"sha256"`
	Column string `json:"column"`
	// Input is the input name the expressions are written for.
	Input string `json:"input"`
}

// Document is a fit's result document (settle fit --format json).
type Document struct {
	Version string `json:"settle_version"`
	Source
	N         int     `json:"values"`
	Money     bool    `json:"money"`
	Min       float64 `json:"min"`
	Max       float64 `json:"max"`
	Mean      float64 `json:"mean"`
	SD        float64 `json:"sd"`
	Bootstrap int     `json:"bootstrap"`
	Seed      uint64  `json:"seed"`
	// KSMethod says how the KS p-values were found.
	KSMethod string    `json:"ks_method"`
	Fits     []FitDoc  `json:"fits"`
	Skipped  []SkipDoc `json:"skipped,omitempty"`
}

// FitDoc is one family's fit in the document, best first.
type FitDoc struct {
	Family     string    `json:"family"`
	Params     NamedNums `json:"params"`
	SE         NamedNums `json:"se"`
	LogLik     float64   `json:"loglik"`
	AIC        float64   `json:"aic"`
	BIC        float64   `json:"bic"`
	DeltaAIC   float64   `json:"delta_aic"`
	Weight     float64   `json:"akaike_weight"`
	KSD        float64   `json:"ks_d"`
	KSP        *float64  `json:"ks_p,omitempty"`
	Expression string    `json:"expression"`
}

// SkipDoc is a family not fitted, and why.
type SkipDoc struct {
	Family string `json:"family"`
	Reason string `json:"reason"`
}

// NamedNums are numbers by name, in order; NaN is written as null.
type NamedNums struct {
	Names  []string
	Values []float64
}

// MarshalJSON writes the numbers as an object in order.
func (n NamedNums) MarshalJSON() ([]byte, error) {
	var b strings.Builder
	b.WriteByte('{')
	for i, name := range n.Names {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(name)
		b.Write(k)
		b.WriteByte(':')
		if v := n.Values[i]; math.IsNaN(v) || math.IsInf(v, 0) {
			b.WriteString("null")
		} else {
			b.WriteString(strconv.FormatFloat(v, 'g', -1, 64))
		}
	}
	b.WriteByte('}')
	return []byte(b.String()), nil
}

// NewDocument is res as a document, for the source src, by settle
// version.
func NewDocument(res *Result, src Source, version string) *Document {
	d := &Document{Version: version, Source: src, N: res.N, Money: res.Money, Min: res.Min, Max: res.Max,
		Mean: res.Mean, SD: res.SD, Bootstrap: res.Bootstrap, Seed: res.Seed, KSMethod: res.KSMethod()}
	for _, f := range res.Fits {
		fd := FitDoc{Family: f.Family.Name, Params: NamedNums{f.Family.Params, f.Params}, SE: NamedNums{f.Family.Params, f.SE},
			LogLik: f.LogLik, AIC: f.AIC, BIC: f.BIC, DeltaAIC: f.DeltaAIC, Weight: f.Weight, KSD: f.KSD,
			Expression: f.Expression(res.Money)}
		if !math.IsNaN(f.KSP) {
			p := f.KSP
			fd.KSP = &p
		}
		d.Fits = append(d.Fits, fd)
	}
	for _, s := range res.Skipped {
		d.Skipped = append(d.Skipped, SkipDoc(s))
	}
	return d
}

// KSMethod says how the KS p-values were found.
func (res *Result) KSMethod() string {
	if res.Bootstrap == 0 {
		return "none"
	}
	return fmt.Sprintf("parametric bootstrap: %d samples drawn from each fit and refitted (the least p is %s)",
		res.Bootstrap, strconv.FormatFloat(1/float64(res.Bootstrap+1), 'g', 3, 64))
}

// InputName turns a column heading into an input name: lower case,
// other characters than letters and digits as _, a letter first.
func InputName(column string) string {
	var b strings.Builder
	under := false
	for _, r := range strings.ToLower(strings.TrimSpace(column)) {
		if r < 0x80 && (unicode.IsLetter(r) || unicode.IsDigit(r)) {
			b.WriteRune(r)
			under = false
		} else if !under && b.Len() > 0 {
			b.WriteByte('_')
			under = true
		}
	}
	s := strings.TrimSuffix(b.String(), "_")
	if s == "" || unicode.IsDigit(rune(s[0])) {
		s = "x_" + s
	}
	return strings.TrimSuffix(s, "_")
}

// WriteTable writes res as a person reads it: the data, the fits best
// first with their parameters and errors, the expressions to paste and
// how the figures were made.
func WriteTable(w io.Writer, res *Result, src Source) error {
	show := money.FormatNumber
	unit := ""
	if res.Money {
		show, unit = money.Format, " (money)"
	}
	fmt.Fprintf(w, "%s, column %s: %s values%s from %s to %s, mean %s, sd %s\n\n", src.File, src.Column,
		money.FormatNumber(float64(res.N)), unit, show(res.Min), show(res.Max), show(res.Mean), show(res.SD))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "rank\tfamily\tΔAIC\tAIC\tBIC\tweight\tKS D\tKS p\tparameters ± se")
	for i, f := range res.Fits {
		p := "–"
		if !math.IsNaN(f.KSP) {
			p = strconv.FormatFloat(f.KSP, 'f', 3, 64)
			if f.KSP <= 1/float64(res.Bootstrap+1) {
				p = "≤ " + p
			}
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", i+1, f.Family.Name, oneDecimal(f.DeltaAIC), oneDecimal(f.AIC), oneDecimal(f.BIC),
			weight(f.Weight), strconv.FormatFloat(f.KSD, 'f', 4, 64), p, f.describe(res.Money))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, s := range res.Skipped {
		fmt.Fprintf(w, "not fitted: %s: %s\n", s.Family, s.Reason)
	}
	fmt.Fprintf(w, "\nReady to paste into a scenario's inputs, best first:\n")
	for i, f := range res.Fits {
		if i == 3 {
			break
		}
		e := f.Expression(res.Money)
		if plain := f.Expression(false); !strings.HasPrefix(e, f.Family.Name+"(") {
			e += "    # " + plain
		}
		fmt.Fprintf(w, "  %s: %s\n", src.Input, e)
	}
	fmt.Fprintf(w, "\nAIC = 2k − 2 log L and BIC = k log n − 2 log L for k parameters (smaller is better); weight is the Akaike weight.\n")
	if res.Bootstrap > 0 {
		fmt.Fprintf(w, "KS p: %s; it allows for the parameters having been estimated, which Kolmogorov's table does not.\n", res.KSMethod())
	}
	_, err := fmt.Fprintf(w, "± se: from the observed information (the inverse Hessian of −log L at the fit); – where the likelihood is not smooth there.\n")
	return err
}

func oneDecimal(x float64) string { return strconv.FormatFloat(x, 'f', 1, 64) }

// weight shows an Akaike weight as a percentage, the negligible as such.
func weight(w float64) string {
	if w < 0.001 {
		return "< 0.1%"
	}
	return money.FormatPercent(w)
}

// describe lists the parameters with their standard errors, money as
// money.
func (f *Fit) describe(isMoney bool) string {
	var parts []string
	for i, name := range f.Family.Params {
		show := number
		if isMoney && f.Family.kinds[i] == scale {
			show = func(x float64) string { return money.Format(x) }
		}
		s := name + " " + show(f.Params[i])
		se := f.SE[i]
		if isMoney && f.Family.kinds[i] == rate {
			// a rate per pound: show its reciprocal, the scale, and the
			// relative error
			s = name + " 1/" + money.Format(1/f.Params[i])
			if !math.IsNaN(se) {
				s += " ± " + money.FormatPercent(se/f.Params[i])
			}
		} else if !math.IsNaN(se) {
			s += " ± " + show(se)
		}
		parts = append(parts, s)
	}
	return strings.Join(parts, ", ")
}
