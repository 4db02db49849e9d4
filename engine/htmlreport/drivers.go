package htmlreport

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/settle-sim/settle/engine/chart"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/sensitivity"
)

// VOI is what knowing more is worth to one party: the value of perfect
// information on each input and group, on the party's utility.
type VOI struct {
	Party       string
	Figure      float64
	FigureBasis string
	Choice      string
	EVPI        report.VOIValue
	Values      []report.VOIValue // largest first
	// Later, in a scenario with stages, marks the decision at an
	// opportunity after the first, before Stage: valued over the trials
	// open there (PReach of them), where the party, on what it knows,
	// settles in PSettle of them at each trial's own figure (Figure is
	// their mean); Known are the inputs it knows there already.
	Later           bool
	Stage           string
	PReach, PSettle float64
	Known           []string
}

// Title is the title of v's chart.
func (v VOI) Title() string {
	if v.Later {
		return "what knowing is worth to the " + v.Party + " before " + v.Stage
	}
	return "what knowing is worth to the " + v.Party
}

// Sobol is an output's Sobol' indices, largest total first.
type Sobol struct {
	Output string
	Bars   []chart.SobolBar
}

// Spider is an output's spider: its mean as each input moves across its
// percentiles, widest line first.
type Spider struct {
	Output string
	Lines  []chart.SpiderLine
}

// sobolBars is the most inputs a Sobol' chart shows.
const sobolBars = 8

// driversOf takes the value of information, Sobol' indices and spiders
// out of a document.
func driversOf(d *report.Document, x *Extras) {
	known := func(vs report.VOIValues) []string {
		var names []string
		for _, v := range vs.Revealed() {
			names = append(names, v.Name)
		}
		return names
	}
	for _, p := range d.VOI {
		x.VOI = append(x.VOI, VOI{Party: p.Name, Figure: p.Figure, FigureBasis: p.FigureBasis, Choice: p.Choice, EVPI: p.EVPI,
			Stage: p.Stage, Values: p.EVPPI.ByValue(), Known: known(p.EVPPI)})
		for _, o := range p.Opportunities {
			x.VOI = append(x.VOI, VOI{Party: p.Name, Figure: o.MeanFigure, FigureBasis: o.FigureBasis, Choice: o.Choice, EVPI: o.EVPI,
				Later: true, Stage: o.Stage, PReach: o.PReach, PSettle: o.PSettle, Values: o.EVPPI.ByValue(), Known: known(o.EVPPI)})
		}
	}
	for _, s := range d.Sensitivity {
		if len(s.Sobol) > 0 {
			ix := slices.Clone(s.Sobol)
			slices.SortStableFunc(ix, func(a, b sensitivity.SobolIndex) int { return cmp.Compare(b.Total, a.Total) })
			sb := Sobol{Output: s.Output}
			for _, i := range ix[:min(len(ix), sobolBars)] {
				sb.Bars = append(sb.Bars, chart.SobolBar{Input: i.Input, First: i.First, FirstLo: i.FirstLo, FirstHi: i.FirstHi,
					Total: i.Total, TotalLo: i.TotalLo, TotalHi: i.TotalHi})
			}
			x.Sobols = append(x.Sobols, sb)
		}
		if v := lookup(d.Outputs, s.Output); v != nil && !v.IsBool() && len(s.Spider) > 0 {
			sp := Spider{Output: s.Output}
			for _, l := range s.Spider {
				cl := chart.SpiderLine{Input: l.Input}
				for _, pt := range l.Points {
					cl.P = append(cl.P, pt.P)
					cl.Mean = append(cl.Mean, pt.Mean)
				}
				sp.Lines = append(sp.Lines, cl)
			}
			x.Spiders = append(x.Spiders, sp)
		}
	}
}

// voiV is a party's value of information as the page shows it.
type voiV struct {
	Party, Stage, Note string
	Figure             figure
	Rows               []voiRow
}

type voiRow struct{ Label, Money, SE, CE, CESE, Change string }

// driverViews draws the value of information, Sobol' and spider charts.
func driverViews(r Result, d *report.Document, rv *resultV) error {
	cur := d.Money()
	for _, v := range r.Extras.VOI {
		var bars []chart.VOIBar
		row := func(label string, x report.VOIValue) voiRow {
			return voiRow{label, cur.Format(x.Value), "±" + cur.Format(x.SE), cur.Format(x.CE), "±" + cur.Format(x.CESE), money.FormatPercent(x.PChange)}
		}
		vv := voiV{Party: v.Party, Stage: v.Stage, Rows: []voiRow{row("everything (EVPI)", v.EVPI)}, Note: voiNote(v, cur)}
		for _, x := range v.Values {
			label := x.Name
			if len(x.Inputs) > 0 {
				label = fmt.Sprintf("%s (%d inputs)", x.Name, len(x.Inputs))
			}
			bars = append(bars, chart.VOIBar{Label: label, Value: x.CE, SE: x.CESE})
			vv.Rows = append(vv.Rows, row(label, x))
		}
		if len(bars) > 0 {
			when := ""
			if v.Later {
				when = " before " + v.Stage
			}
			c, err := chart.VOI(v.Title(), v.EVPI.CE, bars, cur.Format)
			f, err := svg(c, err, "voi", v.Party+when, "the value to the "+v.Party+" of knowing each input before deciding"+when+", on its utility")
			if err != nil {
				return err
			}
			vv.Figure = f
		}
		rv.VOI = append(rv.VOI, vv)
	}
	for _, s := range r.Extras.Sobols {
		c, err := chart.Sobol("variance of "+s.Output, s.Bars)
		f, err := svg(c, err, "sobol", s.Output, "Sobol' indices: the share of "+s.Output+"'s variance each input explains")
		if err != nil {
			return err
		}
		rv.Sobols = append(rv.Sobols, f)
	}
	if len(rv.Sobols) > 0 {
		rv.SobolNote = fmt.Sprintf("From a Saltelli design of %s trials a matrix; whiskers are 95%% bootstrap intervals.", money.FormatNumber(float64(d.SobolTrials)))
	}
	for _, s := range r.Extras.Spiders {
		format := money.FormatNumber
		if v := lookup(d.Outputs, s.Output); v != nil {
			format = v.Format
		}
		c, err := chart.Spider("spider: "+s.Output, s.Output, s.Lines, format)
		f, err := svg(c, err, "spider", s.Output, "spider: the mean of "+s.Output+" with each input held at its percentiles")
		if err != nil {
			return err
		}
		rv.Spiders = append(rv.Spiders, f)
	}
	return nil
}

// voiNote says at what figure the decision valued by v is made, and what
// the party decides without more information.
func voiNote(v VOI, cur money.Currency) string {
	if !v.Later {
		lead := "Deciding"
		if v.Stage != "" {
			lead = "Before " + v.Stage + ", deciding"
		}
		return fmt.Sprintf("%s at %s (%s); without information the %s would %s.", lead, cur.Format(v.Figure), v.FigureBasis, v.Party, report.ChoiceWords(v.Choice))
	}
	at := "at each trial's own midpoint of the reservation values, on average " + cur.Format(v.Figure)
	if v.FigureBasis == "offer" {
		at = "at the offer, " + cur.Format(v.Figure)
	}
	note := fmt.Sprintf("Before %s, where the dispute is still open in %s of the trials, deciding %s; without more information, on what it knows there, the %s would settle in %s of them.",
		v.Stage, money.FormatPercent(v.PReach), at, v.Party, money.FormatPercent(v.PSettle))
	if len(v.Known) > 0 {
		note += " Known there already: " + strings.Join(v.Known, ", ") + "."
	}
	return note
}
