package report

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/sampling"
)

// Correlations are the declared correlations and those achieved, and
// the copula that imposed them (docs/copulas.md).
type Correlations struct {
	// Copula is gaussian, t or clayton.
	Copula string `json:"copula"`
	// Measure is what each pair's declared, used and achieved values
	// are: spearman (rank correlation) or kendall (Kendall's tau).
	Measure string `json:"measure"`
	// DF is the t copula's degrees of freedom.
	DF float64 `json:"df,omitempty"`
	// Tail is the tail of a Clayton copula's dependence: lower or upper.
	Tail string `json:"tail,omitempty"`
	// Repaired is true when the declared matrix was not positive
	// semi-definite and the nearest valid one was used instead.
	Repaired bool              `json:"repaired,omitempty"`
	Pairs    []CorrelationPair `json:"pairs"`
}

// CorrelationPair is one declared pair: its correlation as declared, as
// imposed (after any repair) and as achieved in the run; the Kendall's
// tau achieved with its standard error; and the copula's lower and upper
// tail dependence coefficients for the pair, in closed form.
type CorrelationPair struct {
	Inputs       [2]string `json:"inputs"`
	Declared     float64   `json:"declared"`
	Used         float64   `json:"used"`
	Achieved     *float64  `json:"achieved,omitempty"`
	KendallTau   *float64  `json:"kendall_tau,omitempty"`
	KendallTauSE *float64  `json:"kendall_tau_se,omitempty"`
	LowerTail    float64   `json:"lower_tail"`
	UpperTail    float64   `json:"upper_tail"`
}

// Convergence is a run to a target standard error.
type Convergence struct {
	TargetSE  string   `json:"target_se"`
	Outputs   []string `json:"outputs"`
	MaxTrials int      `json:"max_trials"`
	Trials    int      `json:"trials"`
	Met       bool     `json:"met"`
	Batches   []Batch  `json:"batches"`
	// Missed are the outputs above their target after the last batch,
	// furthest first.
	Missed []Miss `json:"missed,omitempty"`
}

// Miss is an output that did not reach the target: its standard error
// after the last batch, its target and the trials estimated to reach
// it (were the error to fall as 1/√n).
type Miss struct {
	Output          string  `json:"output"`
	SE              float64 `json:"se"`
	Target          float64 `json:"target"`
	EstimatedTrials float64 `json:"estimated_trials"`
}

// Batch is one batch of a run to a target.
type Batch struct {
	Trials int     `json:"trials"`
	Worst  string  `json:"worst_output"`
	SE     float64 `json:"se"`
	Target float64 `json:"target"`
}

// newSampling returns the document's sampler ("" for pseudo-random
// sampling, so that such documents are as before), correlations and
// convergence.
func newSampling(res *engine.Result) (string, *Correlations, *Convergence) {
	sampler := ""
	if res.Sampler != sampling.Random {
		sampler = res.Sampler.String()
	}
	var corr *Correlations
	if len(res.Correlations) > 0 {
		mc := res.Program.Correlation()
		corr = &Correlations{Copula: mc.Copula.Family.String(), Measure: mc.Measure, Repaired: res.CorrelationsRepaired}
		switch mc.Copula.Family {
		case sampling.StudentT:
			corr.DF = mc.Copula.DF
		case sampling.Clayton:
			corr.Tail = "lower"
			if mc.Copula.Upper {
				corr.Tail = "upper"
			}
		}
		for _, p := range res.Correlations {
			cp := CorrelationPair{Inputs: [2]string{p.A, p.B}, Declared: p.Declared, Used: p.Used,
				Achieved: finite(p.Achieved), KendallTau: finite(p.KendallTau), KendallTauSE: finite(p.KendallTauSE),
				LowerTail: p.LowerTail, UpperTail: p.UpperTail}
			corr.Pairs = append(corr.Pairs, cp)
		}
	}
	var conv *Convergence
	if c := res.Convergence; c != nil {
		conv = &Convergence{TargetSE: c.Target, Outputs: c.Outputs, MaxTrials: c.MaxTrials, Trials: c.Trials, Met: c.Met}
		for _, b := range c.Batches {
			conv.Batches = append(conv.Batches, Batch{Trials: b.Trials, Worst: b.Worst, SE: b.SE, Target: b.Target})
		}
		for _, m := range c.Missed {
			conv.Missed = append(conv.Missed, Miss{Output: m.Output, SE: m.SE, Target: m.Target, EstimatedTrials: math.Round(m.Estimated)})
		}
	}
	return sampler, corr, conv
}

// samplingHeading is what the heading says of a run to a target and the
// correlations: nothing for a plain run.
func (d *Document) samplingHeading() string {
	s := ""
	if d.Sampler != "" {
		s += " · " + d.Sampler + " sampling"
		if d.SEMethod != "" {
			s += " (se from " + d.SEMethod + ")"
		}
	}
	if c := d.Convergence; c != nil {
		verdict := "met"
		if !c.Met {
			verdict = "NOT met by --max-trials " + money.FormatNumber(float64(c.MaxTrials))
			for i, m := range c.Missed {
				if i == 2 && len(c.Missed) > 3 {
					verdict += fmt.Sprintf(" and %d more", len(c.Missed)-2)
					break
				}
				sep := ": "
				if i > 0 {
					sep = ", "
				}
				verdict += sep + d.missed(m)
			}
		}
		s += fmt.Sprintf(" · target SE %s %s", c.TargetSE, verdict)
	}
	if c := d.Correlations; c != nil && (c.Copula != "gaussian" && c.Copula != "" || c.Measure == "kendall") {
		s += " · " + c.copulaName()
		for i, p := range c.Pairs {
			sep := " "
			if i > 0 {
				sep = ", "
			}
			s += fmt.Sprintf("%s%s~%s τ %s (asked %s)", sep, p.Inputs[0], p.Inputs[1], two(p.Achieved), two(&p.Used))
		}
	} else if c != nil {
		s += " · rank correlations"
		if c.Repaired {
			s += " (repaired)"
		}
	}
	return s
}

// missed says how far an output is from the target: "supplier_net se
// £301.2k against £8.8k".
func (d *Document) missed(m Miss) string {
	format := money.FormatNumber
	for _, v := range d.Outputs {
		if v.Name == m.Output {
			format = v.Format
		}
	}
	return fmt.Sprintf("%s se %s against %s", m.Output, format(m.SE), format(m.Target))
}

// copulaName says which copula imposed the dependence: "t copula (4 df)".
func (c *Correlations) copulaName() string {
	switch c.Copula {
	case "t":
		return fmt.Sprintf("t copula (%s df)", strconv.FormatFloat(c.DF, 'g', -1, 64))
	case "clayton":
		return fmt.Sprintf("Clayton copula (%s tail)", c.Tail)
	}
	return "Gaussian copula"
}

// writeDependence writes each declared pair's dependence as asked and
// achieved, with its tail dependence, as aligned text or Markdown.
func writeDependence(w io.Writer, d *Document, md bool) error {
	c := d.Correlations
	if c == nil {
		return nil
	}
	measure := "ρs"
	if c.Measure == "kendall" {
		measure = "τ"
	}
	kendall := c.Measure == "kendall"
	head := []string{"pair", "asked " + measure, "achieved " + measure, "Kendall's τ", "± se", "lower tail", "upper tail"}
	if kendall {
		head = slices.Delete(head, 3, 4) // the achieved τ is Kendall's
	}
	if c.Repaired {
		head = slices.Insert(head, 2, "repaired "+measure)
	}
	var rows [][]string
	for _, p := range c.Pairs {
		se := "–"
		if p.KendallTauSE != nil {
			se = "±" + strconv.FormatFloat(*p.KendallTauSE, 'f', 3, 64)
		}
		row := []string{p.Inputs[0] + " ~ " + p.Inputs[1], two(&p.Declared), two(p.Achieved), two(p.KendallTau), se,
			two(&p.LowerTail), two(&p.UpperTail)}
		if kendall {
			row = slices.Delete(row, 3, 4)
		}
		if c.Repaired {
			row = slices.Insert(row, 2, two(&p.Used))
		}
		rows = append(rows, row)
	}
	title := "dependence: " + c.copulaName()
	note := "Tail dependence is the copula's, in closed form: the limit of P(both beyond their q-quantile) / q as q → 0 or 1."
	return writeBlock(w, title, head, rows, note, md)
}

// writeBlock writes a titled table, aligned or in Markdown, and a note
// under it.
func writeBlock(w io.Writer, title string, head []string, rows [][]string, note string, md bool) error {
	if md {
		fmt.Fprintf(w, "\n**%s**\n\n| %s |\n|---|%s\n", title, strings.Join(head, " | "), strings.Repeat("---:|", len(head)-1))
		for _, r := range rows {
			fmt.Fprintf(w, "| `%s` | %s |\n", r[0], strings.Join(r[1:], " | "))
		}
		_, err := fmt.Fprintf(w, "\n%s\n", note)
		return err
	}
	fmt.Fprintf(w, "\n%s\n", title)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\t\n", strings.Join(head, "\t"))
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t\n", strings.Join(r, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	_, err := fmt.Fprintf(w, "%s\n", note)
	return err
}

// two shows a correlation to two places; – when not measured.
func two(p *float64) string {
	if p == nil {
		return "–"
	}
	return strconv.FormatFloat(*p, 'f', 2, 64)
}
