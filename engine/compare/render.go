package compare

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/settle-sim/settle/engine/markdown"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/report"
)

// Formats are the names accepted by Write.
var Formats = []string{"text", "markdown", "json", "csv"}

// Write renders r in the named format.
func Write(w io.Writer, r *Result, format string) error {
	switch format {
	case "text", "table":
		return WriteText(w, r)
	case "markdown", "md":
		return WriteMarkdown(w, r)
	case "json":
		return WriteJSON(w, r)
	case "csv":
		return WriteCSV(w, r)
	}
	return fmt.Errorf("unknown format %q; use one of %s", format, strings.Join(Formats, ", "))
}

// WriteJSON writes r as indented JSON; numbers that are not finite
// (relative changes from zero) are null.
func WriteJSON(w io.Writer, r *Result) error { return report.WriteIndented(w, r) }

// Head names the columns of Cells.
var Head = []string{"old", "new", "Δ", "Δ%", "CI of Δ", "Δp5", "Δp50", "Δp95", "p", "verdict"}

// Cells are w's columns in a table, formatted for people: money as money,
// true/false as percentages with changes in percentage points.
func (w *Row) Cells() []string {
	v := &w.newVar
	pct := v.IsBool() || isShare(v.Unit)
	delta := func(d Num) string {
		if d == 0 {
			return "0"
		}
		if pct {
			return signed(strings.TrimSuffix(money.FormatPercent(float64(d)), "%")) + " pp"
		}
		return signed(v.Format(float64(d)))
	}
	rel := func(abs, r Num) string {
		if pct {
			return delta(abs)
		}
		return formatRel(r)
	}
	cells := []string{
		v.Format(float64(w.Old.Mean)), v.Format(float64(w.New.Mean)),
		delta(w.MeanAbs), formatRel(w.MeanRel),
		"[" + delta(w.MeanLo) + ", " + delta(w.MeanHi) + "]",
	}
	if v.IsBool() {
		cells = append(cells, "", "", "")
	} else {
		cells = append(cells, rel(w.P5Abs, w.P5Rel), rel(w.P50Abs, w.P50Rel), rel(w.P95Abs, w.P95Rel))
	}
	return append(cells, formatP(float64(w.PAdj)), w.Verdict())
}

// PartyHead names the columns of PartyRow.Cells.
var PartyHead = []string{"CE old", "CE new", "Δ CE", "reservation old", "reservation new", "Δ reservation"}

// Cells are p's columns in a table; amounts are money.
func (p PartyRow) Cells() []string {
	cur := money.CurrencyOf(p.currency)
	d := func(x Num) string {
		if x == 0 {
			return "0"
		}
		return signed(cur.Format(float64(x)))
	}
	return []string{cur.Format(float64(p.CEOld)), cur.Format(float64(p.CENew)), d(p.CEAbs),
		cur.Format(float64(p.ReservationOld)), cur.Format(float64(p.ReservationNew)), d(p.ReservationAbs)}
}

// Verdict is "~" when the change is not significant, "significant"
// when it is, followed by "FAIL" when a policy condition fired.
func (w *Row) Verdict() string {
	s := "~"
	if w.Significant {
		s = "significant"
	}
	if w.Identical {
		s = "identical"
	}
	if len(w.Fired) > 0 {
		s += " FAIL"
	}
	return s
}

func isShare(unit string) bool {
	switch strings.ToLower(unit) {
	case "probability", "fraction", "share", "%":
		return true
	}
	return false
}

func signed(s string) string {
	if strings.HasPrefix(s, "-") || strings.HasPrefix(s, "+") || s == "NaN" {
		return s
	}
	if strings.Trim(s, "0.,") == "" || strings.Trim(s, "0., pp") == "" || isZeroAmount(s) {
		return "±" + s
	}
	return "+" + s
}

// isZeroAmount reports whether s is an amount that rounds to zero in
// some currency: £0, $0.00, CHF 0.
func isZeroAmount(s string) bool {
	digits := strings.TrimLeft(s, "£$€¥₹₩ABCDEFGHIJKLMNOPQRSTUVWXYZ ")
	return digits != s && digits != "" && strings.Trim(digits, "0.,") == ""
}

func formatRel(r Num) string {
	f := float64(r)
	switch {
	case f == 0:
		return "0"
	case math.IsNaN(f):
		return ""
	case math.IsInf(f, 0):
		return "from 0"
	}
	return signed(money.FormatPercent(f))
}

func formatP(p float64) string {
	switch {
	case math.IsNaN(p):
		return ""
	case p < 0.001:
		return "<0.001"
	}
	return fmt.Sprintf("%.3f", p)
}

// Explain says in words how r was computed: the tests used and the
// significance rule.
func (r *Result) Explain() string {
	return explain(r.Alpha, r.tests(), len(r.Parties) > 0)
}

func (r *Result) tests() map[string]bool {
	used := map[string]bool{}
	for _, w := range r.Outputs {
		used[w.MeanTest] = true
		if w.DistTest != "" {
			used[w.DistTest] = true
		}
	}
	return used
}

// Explain is the explanation for several comparisons together.
func Explain(rs []*Result) string {
	used := map[string]bool{}
	parties := false
	alpha := 0.05
	for _, r := range rs {
		for t := range r.tests() {
			used[t] = true
		}
		parties = parties || len(r.Parties) > 0
		alpha = r.Alpha
	}
	return explain(alpha, used, parties)
}

func explain(alpha float64, used map[string]bool, parties bool) string {
	conf := strconv.FormatFloat(100*(1-alpha), 'g', 10, 64) + "%"
	var parts []string
	if used[MeanPaired] {
		parts = append(parts, "a paired t-test on the per-trial differences (same seed and trials)")
	}
	if used[MeanWelch] {
		parts = append(parts, "Welch's t-test on the means")
	}
	s := fmt.Sprintf("Δ is new − old, with its %s confidence interval (CI) from %s", conf, strings.Join(parts, " or "))
	if used[DistKS] {
		s += "; whole distributions compared with the two-sample Kolmogorov–Smirnov test"
	}
	per := "the p-value of the test on the means"
	if used[DistKS] {
		per = "the smaller of the tests' p-values, doubled where there are two"
	}
	s += fmt.Sprintf(". p is %s, Holm-adjusted across the outputs compared; significant when p < %v. Δp5, Δp50 and Δp95 are relative changes of the percentiles; true/false values change in percentage points (pp).", per, alpha)
	if parties {
		s += " Parties' certainty equivalents (CE) and reservation values are tested as figures (parties.NAME.ce, parties.NAME.reservation), with their standard errors."
	}
	return s
}

// side says what one side is: its scenario and what made its figures
// (report.Provenance), and whether its trials were compared.
func side(m Meta) string {
	s := m.Scenario
	if s == "" {
		s = "(no scenario name)"
	}
	s += fmt.Sprintf(" · %s trials", money.FormatNumber(float64(m.Trials)))
	if m.HasSeed {
		s += fmt.Sprintf(" · seed %d", m.Seed)
	}
	if m.Version != "" {
		s += " · settle " + m.Version
	}
	if !m.Untyped {
		s += " · " + strings.Join(m.Provenance().Conditions(), " · ")
	}
	if m.Sampled {
		s += " · per-trial samples"
	}
	return s
}

// WriteText writes r as an aligned table for a terminal.
func WriteText(out io.Writer, r *Result) error {
	fmt.Fprintf(out, "old: %s\n     %s\nnew: %s\n     %s\n", r.Old.File, side(r.Old), r.New.File, side(r.New))
	for _, n := range r.Notes {
		fmt.Fprintf(out, "note: %s\n", n)
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "\noutput\t%s\t\n", strings.Join(Head, "\t"))
	for _, w := range r.Outputs {
		fmt.Fprintf(tw, "%s\t%s\t\n", w.Name, strings.Join(w.Cells(), "\t"))
	}
	if len(r.Parties) > 0 {
		fmt.Fprintf(tw, "\nparty\t%s\t\n", strings.Join(PartyHead, "\t"))
		for _, p := range r.Parties {
			fmt.Fprintf(tw, "%s\t%s\t\n", p.Name, strings.Join(p.Cells(), "\t"))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(out)
	writeFigures(out, r, false)
	for _, m := range r.NotCompared {
		fmt.Fprintf(out, "not compared: %s: %s\n", m.Name, m.Reason)
	}
	for _, w := range r.Outputs {
		for _, c := range w.Fired {
			fmt.Fprintf(out, "FAIL %s: %s\n", w.Name, c)
		}
	}
	_, err := fmt.Fprintln(out, Wrap(r.Explain(), 78))
	return err
}

// WriteMarkdown writes r as Markdown, for pull-request comments and
// $GITHUB_STEP_SUMMARY.
func WriteMarkdown(out io.Writer, r *Result) error {
	title := r.New.Scenario
	switch {
	case title == "":
		title = r.New.File
	case r.Old.Scenario != "" && r.Old.Scenario != title:
		title = r.Old.Scenario + " → " + title
	}
	fmt.Fprintf(out, "### settle compare: %s\n\n", markdown.Text(title))
	fmt.Fprintf(out, "- old: %s: %s\n- new: %s: %s\n", markdown.Code(r.Old.File), markdown.Text(side(r.Old)), markdown.Code(r.New.File), markdown.Text(side(r.New)))
	for _, n := range r.Notes {
		fmt.Fprintf(out, "- note: %s\n", markdown.Text(n))
	}
	fmt.Fprintln(out)
	WriteMarkdownTable(out, "", []*Result{r})
	if len(r.Parties) > 0 {
		fmt.Fprintf(out, "\n| party | %s |\n|---|%s\n", strings.Join(PartyHead, " | "), strings.Repeat("---:|", len(PartyHead)))
		for _, p := range r.Parties {
			fmt.Fprintf(out, "| %s | %s |\n", markdown.Text(p.Name), strings.Join(p.Cells(), " | "))
		}
	}
	writeFigures(out, r, true)
	writeMarkdownTail(out, "", r)
	_, err := fmt.Fprintf(out, "\n<sub>%s</sub>\n", r.Explain())
	return err
}

// WriteMarkdownTable writes the rows of rs as one Markdown table; when
// label is not empty, a first column of that name holds each result's
// New.File.
func WriteMarkdownTable(out io.Writer, label string, rs []*Result) {
	head := append([]string{"output"}, Head...)
	if label != "" {
		head = append([]string{label}, head...)
	}
	fmt.Fprintf(out, "| %s |\n|", strings.Join(head, " | "))
	left := len(head) - len(Head) // the name columns
	for i := range head {
		if i < left || i == len(head)-1 {
			fmt.Fprint(out, "---|")
		} else {
			fmt.Fprint(out, "---:|")
		}
	}
	fmt.Fprintln(out)
	for _, r := range rs {
		for _, w := range r.Outputs {
			cells := w.Cells()
			if len(w.Fired) > 0 || w.Significant {
				cells[len(cells)-1] = "**" + cells[len(cells)-1] + "**"
			}
			row := append([]string{markdown.CodeCell(w.Name)}, cells...)
			if label != "" {
				row = append([]string{markdown.Text(r.New.File)}, row...)
			}
			fmt.Fprintf(out, "| %s |\n", strings.Join(row, " | "))
		}
	}
}

func writeMarkdownTail(out io.Writer, prefix string, r *Result) {
	for _, m := range r.NotCompared {
		fmt.Fprintf(out, "\n- not compared: %s%s: %s", prefix, markdown.Code(m.Name), markdown.Text(m.Reason))
	}
	for _, w := range r.Outputs {
		for _, c := range w.Fired {
			fmt.Fprintf(out, "\n- **FAIL** %s%s: %s", prefix, markdown.Code(w.Name), markdown.Code(c))
		}
	}
	if len(r.NotCompared) > 0 || r.Failed {
		fmt.Fprintln(out)
	}
}

// Wrap breaks s into lines of at most width characters.
func Wrap(s string, width int) string {
	var b strings.Builder
	n := 0
	for i, word := range strings.Fields(s) {
		l := len([]rune(word))
		if i > 0 {
			if n+1+l > width {
				b.WriteByte('\n')
				n = 0
			} else {
				b.WriteByte(' ')
				n++
			}
		}
		b.WriteString(word)
		n += l
	}
	return b.String()
}

// Fired lists the policy conditions that fired, each with the output or
// figure it fired for.
func (r *Result) Fired() [][2]string {
	var out [][2]string
	for _, w := range append(append([]*Row{}, r.Outputs...), r.Figures...) {
		for _, c := range w.Fired {
			out = append(out, [2]string{w.Name, c})
		}
	}
	return out
}
