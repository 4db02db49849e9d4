package baseline

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/settle-sim/settle/engine/compare"
	"github.com/settle-sim/settle/engine/markdown"
	"github.com/settle-sim/settle/engine/report"
)

// Formats are the names accepted by Write.
var Formats = []string{"text", "markdown", "json", "csv"}

// Write renders r in the named format.
func Write(w io.Writer, r *Report, format string) error {
	switch format {
	case "text", "table":
		return WriteText(w, r)
	case "markdown", "md":
		return WriteMarkdown(w, r)
	case "json":
		return report.WriteIndented(w, r)
	case "csv":
		return WriteCSV(w, r)
	}
	return fmt.Errorf("unknown format %q; use one of %s", format, strings.Join(Formats, ", "))
}

func (r *Report) results() []*compare.Result {
	var rs []*compare.Result
	for _, c := range r.Cases {
		if c.Result != nil {
			rs = append(rs, c.Result)
		}
	}
	return rs
}

// Counts summarises the cases in words: "3 scenarios: 1 identical, 2 failed".
func (r *Report) Counts() string {
	n := map[string]int{}
	for _, c := range r.Cases {
		n[countName(c.Status)]++
	}
	var parts []string
	for _, k := range []string{"identical", "changed within policy", "updated", "failed", "broken"} {
		if n[k] > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n[k], k))
		}
	}
	s := "scenarios"
	if len(r.Cases) == 1 {
		s = "scenario"
	}
	return fmt.Sprintf("%d %s: %s", len(r.Cases), s, strings.Join(parts, ", "))
}

func countName(s Status) string {
	switch s {
	case Identical:
		return "identical"
	case Changed:
		return "changed within policy"
	case Updated:
		return "updated"
	case Broken:
		return "broken"
	}
	return "failed"
}

// WriteText writes r for a terminal: one table of every output of every
// scenario compared, then a line per scenario with its status.
func WriteText(w io.Writer, r *Report) error {
	if rs := r.results(); len(rs) > 0 {
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "scenario\toutput\t%s\t\n", strings.Join(compare.Head, "\t"))
		for _, c := range r.Cases {
			if c.Result == nil {
				continue
			}
			for _, row := range c.Result.Outputs {
				fmt.Fprintf(tw, "%s\t%s\t%s\t\n", c.Scenario, row.Name, strings.Join(row.Cells(), "\t"))
			}
		}
		if err := tw.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(w)
		writeExtras(w, r, false)
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	for _, c := range r.Cases {
		lines := strings.Split(c.Detail, "\n")
		fmt.Fprintf(tw, "%s\t%s\t%s\n", c.State, c.Scenario, lines[0])
		for _, l := range lines[1:] {
			fmt.Fprintf(tw, "\t\t%s\n", l)
		}
		if c.Result != nil {
			fmt.Fprintf(tw, "\t\trun: %s\n", c.Result.New.Provenance().Heading())
			for _, n := range c.Result.Notes {
				fmt.Fprintf(tw, "\t\tnote: %s\n", n)
			}
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	fmt.Fprintln(w, r.Counts())
	if rs := r.results(); len(rs) > 0 {
		fmt.Fprintln(w, compare.Wrap(compare.Explain(rs), 78))
	}
	return nil
}

// WriteMarkdown writes r as Markdown, for $GITHUB_STEP_SUMMARY and
// pull-request comments.
func WriteMarkdown(w io.Writer, r *Report) error {
	fmt.Fprintf(w, "### settle test: %s\n\n%s\n\n", markdown.Text(r.Dir), r.Counts())
	fmt.Fprintln(w, "| status | scenario | detail |\n|---|---|---|")
	for _, c := range r.Cases {
		state := c.State
		if c.Status.Failing() {
			state = "**" + state + "**"
		}
		detail := c.Detail
		if c.Result != nil {
			detail += "\nrun: " + c.Result.New.Provenance().Heading()
		}
		lines := strings.Split(detail, "\n")
		for i, l := range lines {
			lines[i] = markdown.Text(l)
		}
		fmt.Fprintf(w, "| %s | %s | %s |\n", state, markdown.CodeCell(c.Scenario), strings.Join(lines, "<br>"))
	}
	if rs := r.results(); len(rs) > 0 {
		fmt.Fprintln(w)
		compare.WriteMarkdownTable(w, "scenario", rs)
		writeExtras(w, r, true)
		fmt.Fprintf(w, "\n<sub>%s</sub>\n", compare.Explain(rs))
	}
	return nil
}

// writeExtras writes the figures (statistics, parties' certainty
// equivalents and reservation values, values of information, Sobol'
// indices) and the parties compared, scenario by scenario, as aligned
// text or Markdown.
func writeExtras(w io.Writer, r *Report, md bool) {
	table := func(head []string, rows [][]string) {
		if len(rows) == 0 {
			return
		}
		if md {
			fmt.Fprintf(w, "\n| %s |\n|---|---|%s\n", strings.Join(head, " | "), strings.Repeat("---:|", len(head)-2))
			for _, row := range rows {
				fmt.Fprintf(w, "| `%s` | %s |\n", row[0], strings.Join(row[1:], " | "))
			}
			return
		}
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "%s\t\n", strings.Join(head, "\t"))
		for _, row := range rows {
			fmt.Fprintf(tw, "%s\t\n", strings.Join(row, "\t"))
		}
		tw.Flush()
		fmt.Fprintln(w)
	}
	var figures, parties [][]string
	for _, c := range r.Cases {
		if c.Result == nil {
			continue
		}
		for _, w := range c.Result.Figures {
			figures = append(figures, append([]string{c.Scenario, w.Name}, w.FigureCells()...))
		}
		for _, p := range c.Result.Parties {
			parties = append(parties, append([]string{c.Scenario, p.Name}, p.Cells()...))
		}
	}
	table(append([]string{"scenario", "party"}, compare.PartyHead...), parties)
	table(append([]string{"scenario", "figure"}, compare.FigureHead...), figures)
}
