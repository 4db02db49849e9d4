// Package htmlreport writes one or more result documents as a single,
// self-contained HTML file to take into a meeting: no network, no
// scripts, no external fonts or style sheets; every chart is SVG inlined
// in the page (drawn by engine/chart).
//
// For each result it shows, per output, a histogram, the cumulative
// distribution (S-curve) with p5, p50 and p95 marked and the summary
// table; per party, the expected value and certainty equivalent with the
// settlement range drawn on the party's distribution; a tornado chart per
// output that has one; and the sampled inputs. Given several results
// (positions, or old and new) it first overlays them, output by output.
//
// The same documents give the same bytes: the page holds no timestamps.
package htmlreport

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"io"
	"strings"

	"github.com/settle-sim/settle/engine/chart"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/stats"
)

//go:embed report.html.tmpl style.css
var files embed.FS

var page = template.Must(template.New("report.html.tmpl").Funcs(template.FuncMap{
	"pct": money.FormatPercent,
}).ParseFS(files, "report.html.tmpl"))

// Result is one result document to report, with the label that names it
// in the page (its file name, say).
type Result struct {
	Label  string
	Doc    *report.Document
	Extras Extras
}

// Party is what the report shows of one party.
type Party struct {
	Name     string
	Output   string // the output holding the party's court outcome, if any
	Attitude string // "risk-neutral", or its risk tolerance
	// The expected value and certainty equivalent of going to court, and
	// of the outcome however the dispute ends.
	ExpectedValue, CertaintyEquivalent       float64
	NetExpectedValue, NetCertaintyEquivalent float64
	HasReservation                           bool
	Reservation                              float64 // the figure at which the party is indifferent to court
	Money                                    bool    // figures are money
	// The standard errors of the certainty equivalents and the
	// reservation value, when the document has them.
	CESE, NetCESE, ReservationSE float64
}

// Range is the settlement range: the figures both parties prefer to
// court, drawn on the distribution of Output (an output or input: the
// settlement figure).
type Range struct {
	Output    string
	Exists    bool
	Low, High float64
}

// Tornado is the inputs that move an output most.
type Tornado struct {
	Output string
	Base   float64 // the output's mean
	Bars   []chart.TornadoBar
}

// Extras are the parts of a report beyond the outputs' distributions.
type Extras struct {
	Parties   []Party
	Range     *Range
	Tornadoes []Tornado
	// VOI, Sobols and Spiders are the value of information, Sobol'
	// indices and spiders, when the document has them.
	VOI     []VOI
	Sobols  []Sobol
	Spiders []Spider
}

// New makes the Result of a document, with its Extras taken from the
// document by ExtrasOf.
func New(label string, d *report.Document) Result {
	return Result{Label: label, Doc: d, Extras: ExtrasOf(d)}
}

// Write writes the report of results to w.
func Write(w io.Writer, results []Result) error {
	if len(results) == 0 {
		return fmt.Errorf("report: no results")
	}
	css, err := files.ReadFile("style.css")
	if err != nil {
		return err
	}
	v := view{CSS: template.CSS(css)}
	if len(results) == 1 {
		v.Title = results[0].Doc.Scenario.Name
	} else {
		v.Title = fmt.Sprintf("%d results compared", len(results))
		if v.Overlays, err = overlays(results); err != nil {
			return err
		}
	}
	for i, r := range results {
		rv, err := resultView(i, r)
		if err != nil {
			return err
		}
		v.Results = append(v.Results, rv)
	}
	var b bytes.Buffer
	if err := page.Execute(&b, v); err != nil {
		return err
	}
	_, err = w.Write(b.Bytes())
	return err
}

type view struct {
	Title    string
	CSS      template.CSS
	Overlays []figure
	Results  []resultV
}

type figure struct {
	Kind, Var, Caption string
	SVG                template.HTML
}

type resultV struct {
	ID, Label  string
	Doc        *report.Document
	Heading    string
	Neutral    bool   // no position, view, setting or offer
	Conditions string // what made the figures besides the scenario
	Changed    string // the positions, views, settings and offer
	Parties    []partyV
	Range      *figure
	RangeNote  string
	Tornadoes  []figure
	Statistics []statV
	VOI        []voiV
	Sobols     []figure
	SobolNote  string
	Spiders    []figure
	Outputs    []varV
	Inputs     []varV
	Process    *processV
}

type partyV struct {
	Name, Attitude, EV, CE, NetEV, NetCE, Reservation string
}

type statV struct {
	Name, Value, SE, Of string
}

type varV struct {
	Name, Doc, Unit string
	Bool            bool
	Share           string // for true/false
	ShareWidth      string
	Figures         []figure
	Cells           []cell
}

type cell struct{ Head, Value string }

func svg(c *chart.Chart, err error, kind, name, caption string) (figure, error) {
	if err != nil {
		return figure{}, err
	}
	s, err := c.InlineSVG(strings.SplitN(caption, " · ", 2)[0])
	if err != nil {
		return figure{}, err
	}
	return figure{Kind: kind, Var: name, Caption: caption, SVG: template.HTML(s)}, nil
}

func lookup(vs report.Vars, name string) *report.Var {
	for i := range vs {
		if vs[i].Name == name {
			return &vs[i]
		}
	}
	return nil
}

// overlays draws, for each number output that every result has, their
// S-curves on one chart.
func overlays(results []Result) ([]figure, error) {
	var figs []figure
	for _, v := range results[0].Doc.Outputs {
		if v.IsBool() {
			continue
		}
		var series []chart.Series
		for _, r := range results {
			if u := lookup(r.Doc.Outputs, v.Name); u != nil && !u.IsBool() && len(u.Histogram.Counts) > 0 {
				series = append(series, chart.Series{Label: r.Label, Var: u})
			}
		}
		if len(series) != len(results) {
			continue
		}
		c, err := chart.Overlay(chart.Title(&v), series)
		caption := v.Name + ": the results' cumulative distributions"
		for _, r := range results {
			caption += " · " + r.Label + ": " + strings.Join(r.Doc.Provenance().Conditions(), ", ")
		}
		f, err := svg(c, err, "overlay", v.Name, caption)
		if err != nil {
			return nil, err
		}
		figs = append(figs, f)
	}
	return figs, nil
}

func resultView(i int, r Result) (resultV, error) {
	d := r.Doc
	prov := d.Provenance()
	rv := resultV{ID: fmt.Sprintf("result-%d", i+1), Label: r.Label, Doc: d, Heading: d.Heading(),
		Neutral: prov.Neutral(), Conditions: strings.Join(prov.Conditions(), " · ")}
	if conds := prov.Conditions(); len(conds) > 1 {
		rv.Changed = strings.Join(conds[:len(conds)-1], "; ") // all but the sampler
	}
	// Every figure's caption says what made it, so that one taken out of
	// the page still does.
	captioned := func(s string) string { return s + " · " + rv.Conditions }
	for _, p := range r.Extras.Parties {
		f := money.FormatNumber
		if p.Money {
			f = d.Money().Format
		}
		pm := func(x, se float64) string {
			if se > 0 {
				return f(x) + " ±" + f(se)
			}
			return f(x)
		}
		pv := partyV{Name: p.Name, Attitude: p.Attitude, EV: f(p.ExpectedValue), CE: pm(p.CertaintyEquivalent, p.CESE),
			NetEV: f(p.NetExpectedValue), NetCE: pm(p.NetCertaintyEquivalent, p.NetCESE), Reservation: "—"}
		if p.HasReservation {
			pv.Reservation = pm(p.Reservation, p.ReservationSE)
		}
		rv.Parties = append(rv.Parties, pv)
	}
	for k := range d.Statistics {
		s := &d.Statistics[k]
		cells := s.Cells(d.Trials)
		rv.Statistics = append(rv.Statistics, statV{Name: s.Name, Value: cells[0], SE: cells[1], Of: cells[2]})
	}
	if rg := r.Extras.Range; rg != nil {
		v := RangeVar(d, rg)
		if v != nil && !v.IsBool() && len(v.Histogram.Counts) > 0 {
			var marks []chart.Mark
			for _, p := range r.Extras.Parties {
				if p.HasReservation {
					marks = append(marks, chart.Mark{Label: p.Name + "'s reservation value", X: p.Reservation})
				}
			}
			c, err := chart.SettlementRange(v, "The settlement range on "+v.Name, rg.Low, rg.High, rg.Exists, marks)
			f, err := svg(c, err, "settlement-range", v.Name, captioned("the settlement range drawn on the distribution of "+v.Name))
			if err != nil {
				return rv, err
			}
			rv.Range = &f
		}
		format := d.Money().Format
		if v != nil {
			format = v.Format
		}
		if rg.Exists {
			rv.RangeNote = fmt.Sprintf("Both parties prefer settling anywhere from %s to %s to going to court.", format(rg.Low), format(rg.High))
		} else {
			rv.RangeNote = fmt.Sprintf("There is no settlement range: the payee wants at least %s, the payer will pay at most %s.", format(rg.Low), format(rg.High))
		}
	}
	if err := rv.process(d); err != nil {
		return rv, err
	}
	for _, t := range r.Extras.Tornadoes {
		format := money.FormatNumber
		title := "What moves " + t.Output
		if v := lookup(d.Outputs, t.Output); v != nil {
			format, title = v.Format, chart.TornadoTitle(v)
		}
		c, err := chart.Tornado(title, t.Output+" (mean)", t.Base, t.Bars, format)
		f, err := svg(c, err, "tornado", t.Output, captioned(fmt.Sprintf("tornado: the %d inputs that move %s most", min(len(t.Bars), chart.TornadoMax), t.Output)))
		if err != nil {
			return rv, err
		}
		rv.Tornadoes = append(rv.Tornadoes, f)
	}
	if err := driverViews(r, d, &rv); err != nil {
		return rv, err
	}
	for k := range d.Outputs {
		vv, err := varView(&d.Outputs[k], true, captioned)
		if err != nil {
			return rv, err
		}
		rv.Outputs = append(rv.Outputs, vv)
	}
	for k := range d.Inputs {
		vv, err := varView(&d.Inputs[k], false, captioned)
		if err != nil {
			return rv, err
		}
		rv.Inputs = append(rv.Inputs, vv)
	}
	return rv, nil
}

func varView(v *report.Var, charts bool, captioned func(string) string) (varV, error) {
	vv := varV{Name: v.Name, Doc: v.Doc, Unit: v.Unit, Bool: v.IsBool()}
	if vv.Bool {
		vv.Share = money.FormatPercent(v.Mean)
		vv.ShareWidth = fmt.Sprintf("%.1f%%", 100*min(max(v.Mean, 0), 1))
		vv.Cells = []cell{{"share true", money.FormatPercent(v.Mean)}, {"± se", "±" + money.FormatPercent(v.SE)}}
		return vv, nil
	}
	vv.Cells = []cell{{"mean", v.Format(v.Mean)}, {"± se", "±" + v.Format(v.SE)}, {"sd", v.Format(v.SD)}, {"min", v.Format(v.Min)}}
	for i, name := range stats.ProbNames {
		if i < len(v.Quantiles) {
			vv.Cells = append(vv.Cells, cell{name, v.Format(v.Quantiles[i])})
		}
	}
	vv.Cells = append(vv.Cells, cell{"max", v.Format(v.Max)}, cell{"P(>0)", money.FormatPercent(v.PPositive)})
	if !charts || len(v.Histogram.Counts) == 0 {
		return vv, nil
	}
	h, err := chart.Histogram(v, chart.Title(v))
	fh, err := svg(h, err, "histogram", v.Name, captioned(v.Name+": histogram"))
	if err != nil {
		return vv, err
	}
	s, err := chart.SCurve(v, chart.Title(v))
	fs, err := svg(s, err, "s-curve", v.Name, captioned(v.Name+": cumulative distribution with p5, p50 and p95"))
	if err != nil {
		return vv, err
	}
	vv.Figures = []figure{fh, fs}
	return vv, nil
}
