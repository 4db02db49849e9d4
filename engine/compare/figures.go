package compare

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/report"
)

// A Figure is an estimate a result document holds besides its outputs'
// summaries, with its standard error, named by its path in the document:
//
//	voi.<party>.evpi                     EVPI in money
//	voi.<party>.evpi.ce                  EVPI on the party's utility
//	voi.<party>.evppi.<input or group>   EVPPI in money
//	voi.<party>.evppi.<…>.ce             EVPPI on the party's utility
//	voi.<party>.opportunities.<stage>.evpi, .evpi.ce, .evppi.<…>, .evppi.<…>.ce
//	                                     the same at a later opportunity
//	                                     (an input known there already
//	                                     is no figure)
//	sensitivity.<output>.sobol.<input>.first   first-order Sobol' index
//	sensitivity.<output>.sobol.<input>.total   total Sobol' index
//	statistics.<name>                    a statistic the scenario declares
//	parties.<party>.ce                   a party's certainty equivalent
//	parties.<party>.reservation          a party's reservation value
//
// Figures present on both sides are compared like outputs' means (a
// z-test on the difference, the two estimates taken as independent; a
// party's certainty equivalent trial by trial where both sides have its
// outcome per trial, see pairedFigure), with Holm's adjustment across
// the figures, and judged by the policy's conditions that name them or
// by its figures: conditions.
type Figure struct {
	Name      string
	Unit      string // the currency's code for money, "GBP"; "share" for indices
	Value, SE float64
}

// Figures lists d's figures, in document order.
func Figures(d *report.Document) []Figure {
	var fs []Figure
	cur := d.Money().Code
	for _, p := range d.VOI {
		add := func(path string, v report.VOIValue) {
			fs = append(fs, Figure{path, cur, v.Value, v.SE}, Figure{path + ".ce", cur, v.CE, v.CESE})
		}
		decision := func(at string, evpi report.VOIValue, evppi report.VOIValues) {
			add(at+".evpi", evpi)
			for _, v := range evppi.Estimated() {
				add(at+".evppi."+v.Name, v)
			}
		}
		decision("voi."+p.Name, p.EVPI, p.EVPPI)
		for _, o := range p.Opportunities {
			decision("voi."+p.Name+".opportunities."+o.Stage, o.EVPI, o.EVPPI)
		}
	}
	for _, s := range d.Sensitivity {
		for _, ix := range s.Sobol {
			path := "sensitivity." + s.Output + ".sobol." + ix.Input
			fs = append(fs, Figure{path + ".first", "share", ix.First, ix.FirstSE}, Figure{path + ".total", "share", ix.Total, ix.TotalSE})
		}
	}
	return append(fs, decisionFigures(d)...)
}

// isFigureName reports whether a policy's name is a figure's path.
func isFigureName(name string) bool {
	for _, prefix := range []string{"voi.", "sensitivity.", "statistics.", "parties."} {
		if strings.HasPrefix(name, prefix) {
			return true
		}
	}
	return false
}

// figures compares the figures on both sides and judges them by policy.
func (r *Result) figures(old, new *Side, opt Options, conf float64) error {
	oldBy := map[string]Figure{}
	for _, f := range old.Figures {
		oldBy[f.Name] = f
	}
	seen := map[string]bool{}
	for _, nf := range new.Figures {
		seen[nf.Name] = true
		of, ok := oldBy[nf.Name]
		if !ok {
			continue
		}
		v := report.Var{Name: nf.Name, Type: model.Number.String(), Unit: nf.Unit}
		w := &Row{Name: nf.Name, Unit: nf.Unit, Type: v.Type, oldVar: v, newVar: v}
		nan := Num(math.NaN())
		w.Old = Stat{Mean: Num(of.Value), SE: Num(of.SE), P5: nan, P50: nan, P95: nan}
		w.New = Stat{Mean: Num(nf.Value), SE: Num(nf.SE), P5: nan, P50: nan, P95: nan}
		w.MeanAbs, w.MeanRel = change(of.Value, nf.Value)
		w.P5Abs, w.P5Rel, w.P50Abs, w.P50Rel, w.P95Abs, w.P95Rel = nan, nan, nan, nan, nan, nan
		t := MeanTest{Diff: nf.Value - of.Value, SE: math.Hypot(of.SE, nf.SE), DF: math.Inf(1)}.finish(conf)
		w.MeanTest = MeanZ
		if pt, ok := pairedFigure(nf.Name, of, nf, old, new, conf); ok {
			t, w.MeanTest = pt, MeanPaired
		}
		w.MeanLo, w.MeanHi, w.MeanP, w.P = Num(t.Lo), Num(t.Hi), Num(t.P), Num(t.P)
		w.Identical = of == nf
		r.Figures = append(r.Figures, w)
	}
	oldOnly := 0
	for _, f := range old.Figures {
		if !seen[f.Name] {
			oldOnly++
		}
	}
	if newOnly := len(new.Figures) - len(r.Figures); oldOnly+newOnly > 0 {
		r.Notes = append(r.Notes, fmt.Sprintf("figures (value of information, Sobol' indices, statistics, parties' CE and reservation values) on one side only: %d old, %d new; compared where both have them", oldOnly, newOnly))
	}
	ps := make([]float64, len(r.Figures))
	for i, w := range r.Figures {
		ps[i] = float64(w.P)
		if math.IsNaN(ps[i]) {
			ps[i] = 1
		}
	}
	for i, p := range Holm(ps) {
		r.Figures[i].PAdj = Num(p)
		r.Figures[i].Significant = p < r.Alpha
	}
	if opt.Policy == nil {
		return nil
	}
	have := map[string]bool{}
	for _, f := range append(append([]Figure{}, old.Figures...), new.Figures...) {
		have[f.Name] = true
	}
	for _, name := range opt.Policy.order {
		if isFigureName(name) && !have[name] {
			r.Notes = append(r.Notes, fmt.Sprintf("the policy names %s, which neither side has", name))
		}
	}
	for _, w := range r.Figures {
		fired, err := opt.Policy.EvalFigure(w)
		if err != nil {
			return err
		}
		w.Fired = fired
		if len(fired) > 0 {
			r.Failed = true
		}
	}
	return nil
}

// MeanZ names the z-test figures are compared with.
const MeanZ = "z"

// FigureHead names the columns of FigureCells.
var FigureHead = []string{"old", "± se", "new", "± se", "Δ", "CI of Δ", "p", "verdict"}

// FigureCells are a figure's columns in a table.
func (w *Row) FigureCells() []string {
	v := &w.newVar
	d := func(x Num) string {
		if x == 0 {
			return "0"
		}
		return signed(v.Format(float64(x)))
	}
	return []string{v.Format(float64(w.Old.Mean)), "±" + v.Format(float64(w.Old.SE)), v.Format(float64(w.New.Mean)),
		"±" + v.Format(float64(w.New.SE)), d(w.MeanAbs), "[" + d(w.MeanLo) + ", " + d(w.MeanHi) + "]",
		formatP(float64(w.PAdj)), w.Verdict()}
}

// writeFigures writes the figures compared, as text or Markdown.
func writeFigures(out io.Writer, r *Result, md bool) {
	if len(r.Figures) == 0 {
		return
	}
	if md {
		fmt.Fprintf(out, "\n| figure | %s |\n|---|%s---|\n", strings.Join(FigureHead, " | "), strings.Repeat("---:|", len(FigureHead)-1))
		for _, w := range r.Figures {
			cells := w.FigureCells()
			if len(w.Fired) > 0 || w.Significant {
				cells[len(cells)-1] = "**" + cells[len(cells)-1] + "**"
			}
			fmt.Fprintf(out, "| `%s` | %s |\n", w.Name, strings.Join(cells, " | "))
		}
		for _, w := range r.Figures {
			for _, c := range w.Fired {
				fmt.Fprintf(out, "\n- **FAIL** `%s`: `%s`", w.Name, c)
			}
		}
		fmt.Fprintln(out)
		return
	}
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "figure\t%s\t\n", strings.Join(FigureHead, "\t"))
	for _, w := range r.Figures {
		fmt.Fprintf(tw, "%s\t%s\t\n", w.Name, strings.Join(w.FigureCells(), "\t"))
	}
	tw.Flush()
	for _, w := range r.Figures {
		for _, c := range w.Fired {
			fmt.Fprintf(out, "FAIL %s: %s\n", w.Name, c)
		}
	}
	fmt.Fprintf(out, "Figures (value of information, Sobol' indices, statistics, parties' CE and reservation values) are compared with a z-test on their standard errors (a party's CE trial by trial where both sides have its outcome per trial), Holm-adjusted across the figures.\n\n")
}
