package report

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/settle-sim/settle/engine/markdown"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/termhist"
)

// Formats are the names accepted by Write.
var Formats = []string{"table", "json", "csv", "markdown"}

// Write renders d in the named format.
func Write(w io.Writer, d *Document, format string) error {
	switch format {
	case "table", "text":
		return WriteTable(w, d)
	case "json":
		return WriteJSON(w, d)
	case "csv":
		return WriteCSV(w, d)
	case "markdown", "md":
		return WriteMarkdown(w, d)
	}
	return fmt.Errorf("unknown format %q; use one of %s", format, strings.Join(Formats, ", "))
}

// Format formats x as v's values are shown to people: money as money
// in its currency (£412.3m, $412.3m), probabilities and true/false as
// percentages, other numbers to four significant figures.
func (v *Var) Format(x float64) string {
	switch {
	case model.IsMoney(v.Unit):
		return money.CurrencyOf(v.Unit).Format(x)
	case v.IsBool() || isShare(v.Unit):
		return money.FormatPercent(x)
	}
	return money.FormatNumber(x)
}

func isShare(unit string) bool {
	switch strings.ToLower(unit) {
	case "probability", "fraction", "share", "%":
		return true
	}
	return false
}

// label is the name with any unit that values do not show themselves.
func (v *Var) label() string {
	if v.Unit == "" || model.IsMoney(v.Unit) || isShare(v.Unit) {
		return v.Name
	}
	return fmt.Sprintf("%s (%s)", v.Name, v.Unit)
}

var tableHead = []string{"mean", "± se", "p5", "p50", "p95", "P(>0)"}

// cells are a var's columns in the table and Markdown.
func (v *Var) cells() []string {
	if v.IsBool() {
		return []string{money.FormatPercent(v.Mean), "±" + money.FormatPercent(v.SE), "", "", "", ""}
	}
	return []string{v.Format(v.Mean), "±" + v.Format(v.SE), v.Format(v.Quantile("p5")),
		v.Format(v.Quantile("p50")), v.Format(v.Quantile("p95")), money.FormatPercent(v.PPositive)}
}

func (d *Document) heading() string {
	return d.Provenance().Heading() + d.samplingHeading()
}

// histWidth is the number of characters of a var's histogram in the
// table and Markdown: its 20 bins in pairs.
const histWidth = 10

// spark is v's histogram in block characters with its range, money as
// money; true/false values have none.
func (v *Var) spark(color bool) string {
	line := termhist.Line(v.Histogram.Counts, histWidth)
	if v.IsBool() || line == "" {
		return ""
	}
	return fmt.Sprintf("%s %s to %s", termhist.Paint(line, color), v.Format(v.Histogram.Min), v.Format(v.Histogram.Max))
}

// WriteTable writes d as aligned text for a terminal, with a histogram
// of each var, coloured only when w is a terminal and NO_COLOR is not
// set.
func WriteTable(w io.Writer, d *Document) error {
	return WriteTableColor(w, d, termhist.ColorFor(w))
}

// WriteTableColor is WriteTable with colour on or off.
func WriteTableColor(w io.Writer, d *Document, color bool) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(w, "%s\n%s\n", d.Scenario.Name, d.heading())
	for _, sec := range []struct {
		title string
		vars  Vars
	}{{"outputs", d.Outputs}, {"sampled inputs", d.Inputs}} {
		if len(sec.vars) == 0 {
			continue
		}
		fmt.Fprintf(tw, "\n%s\t%s\t  histogram\n", sec.title, strings.Join(tableHead, "\t"))
		for _, v := range sec.vars {
			fmt.Fprintf(tw, "%s\t%s\t  %s\n", v.label(), strings.Join(v.cells(), "\t"), v.spark(color))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	writeCorrelations(w, d, false)
	writeStatistics(w, d, false)
	writeParties(w, d, false)
	writeDependence(w, d, false)
	writeProcess(w, d, false)
	writeSensitivity(w, d, false)
	writeSpider(w, d, false)
	writeSobol(w, d, false)
	writeVOI(w, d, false)
	_, err := fmt.Fprintf(w, "\n%s\nA histogram spans its min to max in 10 equal bins.\n", d.footnote())
	return err
}

// WriteMarkdown writes d as Markdown tables, for pull requests and
// reports.
func WriteMarkdown(w io.Writer, d *Document) error {
	fmt.Fprintf(w, "### %s\n\n%s\n", markdown.Text(d.Scenario.Name), markdown.Text(d.heading()))
	for _, sec := range []struct {
		title string
		vars  Vars
	}{{"Output", d.Outputs}, {"Sampled input", d.Inputs}} {
		if len(sec.vars) == 0 {
			continue
		}
		fmt.Fprintf(w, "\n| %s | %s | histogram |\n|---|%s:---|\n", sec.title, strings.Join(tableHead, " | "), strings.Repeat("---:|", len(tableHead)))
		for _, v := range sec.vars {
			fmt.Fprintf(w, "| %s | %s | %s |\n", markdown.CodeCell(v.label()), strings.Join(v.cells(), " | "), v.spark(false))
		}
	}
	writeCorrelations(w, d, true)
	writeDependence(w, d, true)
	writeStatistics(w, d, true)
	writeParties(w, d, true)
	writeProcess(w, d, true)
	writeSensitivity(w, d, true)
	writeSobol(w, d, true)
	writeVOI(w, d, true)
	return nil
}

// footnote says what ± means.
func (d *Document) footnote() string {
	how := ""
	if d.SEMethod != "" {
		how = ", estimated from " + d.SEMethod + " of the " + d.Sampler + " design"
	}
	s := "± se is the standard error of the mean" + how + "; true/false values show the share of trials where true."
	if len(d.Parties) > 0 {
		s += "\nCertainty equivalents (CE) and reservation values show ± their standard error (" + d.Parties[0].SEMethod + ")."
	}
	return s
}

// varRow is a var's row of the CSV result.
func varRow(section string, v *Var) []string {
	row := []string{section, v.Name, v.Kind, v.Type, v.Unit, num(v.Mean), num(v.SD), num(v.SE), num(v.Min), num(v.Max), num(v.PPositive)}
	for _, q := range v.Quantiles {
		row = append(row, num(q))
	}
	return row
}
