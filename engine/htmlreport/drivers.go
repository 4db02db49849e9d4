package htmlreport

import (
	"cmp"
	"fmt"
	"slices"

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
	for _, p := range d.VOI {
		v := VOI{Party: p.Name, Figure: p.Figure, FigureBasis: p.FigureBasis, Choice: p.Choice, EVPI: p.EVPI,
			Values: slices.Clone(p.EVPPI)}
		slices.SortStableFunc(v.Values, func(a, b report.VOIValue) int {
			return cmp.Or(cmp.Compare(b.CE, a.CE), cmp.Compare(b.Value, a.Value))
		})
		x.VOI = append(x.VOI, v)
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
	Party, Note string
	Figure      figure
	Rows        []voiRow
}

type voiRow struct{ Label, Money, SE, CE, CESE, Change string }

// driverViews draws the value of information, Sobol' and spider charts.
func driverViews(r Result, d *report.Document, rv *resultV) error {
	for _, v := range r.Extras.VOI {
		var bars []chart.VOIBar
		row := func(label string, x report.VOIValue) voiRow {
			return voiRow{label, money.Format(x.Value), "±" + money.Format(x.SE), money.Format(x.CE), "±" + money.Format(x.CESE), money.FormatPercent(x.PChange)}
		}
		vv := voiV{Party: v.Party, Rows: []voiRow{row("everything (EVPI)", v.EVPI)},
			Note: fmt.Sprintf("Deciding at %s (%s); without information the %s would %s.", money.Format(v.Figure), v.FigureBasis, v.Party,
				map[string]string{"settle": "settle", "court": "go to court"}[v.Choice])}
		for _, x := range v.Values {
			label := x.Name
			if len(x.Inputs) > 0 {
				label = fmt.Sprintf("%s (%d inputs)", x.Name, len(x.Inputs))
			}
			bars = append(bars, chart.VOIBar{Label: label, Value: x.CE, SE: x.CESE})
			vv.Rows = append(vv.Rows, row(label, x))
		}
		if len(bars) > 0 {
			c, err := chart.VOI("what knowing is worth to the "+v.Party, v.EVPI.CE, bars, money.Format)
			f, err := svg(c, err, "voi", v.Party, "the value to the "+v.Party+" of knowing each input before deciding, on its utility")
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
