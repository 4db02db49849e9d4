package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/settle-sim/settle/engine/chart"
	"github.com/settle-sim/settle/engine/htmlreport"
	"github.com/settle-sim/settle/engine/report"
)

// chartKinds are the charts plot draws.
var chartKinds = append([]string{"s-curve", "histogram", "tornado", "settlement-range", "timeline", "endings"}, driverKinds...)

func newPlotCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "plot RESULT.json... --var NAME -o CHART.png|svg",
		Short: "Draw one chart of a result document as PNG or SVG",
		Long: `Plot draws one chart of an output (or sampled input) from result
documents written by settle run --format json: its cumulative
distribution with p5, p50 and p95 marked (s-curve, the default), its
histogram, its tornado (when the document has sensitivity), or the
settlement range drawn on the settlement figure's distribution. Given
several documents it overlays their cumulative distributions. spider
and sobol draw an output's spider and Sobol' indices (run with
--sensitivity=spider or sobol); voi a party's value of information,
--var naming the party (run with --voi; with stages, --stage chooses
an opportunity after the first). For a scenario with stages, timeline
draws the share of disputes still open against time and endings where
they end.`,
		Example: `  settle plot result.json --var supplier_net -o supplier_net.png
  settle plot result.json --var supplier_net --chart histogram -o hist.svg
  settle plot before.json after.json --var buyer_cost -o compared.png
  settle plot result.json --chart settlement-range -o range.svg
  settle plot result.json --chart timeline -o timeline.svg`,
		Args: cobra.MinimumNArgs(1),
		RunE: runPlot,
	}
	f := cmd.Flags()
	f.String("var", "", "the output (or sampled input) to draw, by `NAME`")
	f.VarP(&outputs{}, "output", "o", "write the chart to `FILE`, PNG or SVG by its extension")
	f.String("out", "", "write the chart to `FILE` (old name of -o/--output)")
	f.MarkHidden("out")
	f.String("chart", "s-curve", "what to draw: "+strings.Join(chartKinds, ", "))
	f.String("stage", "", "with --chart voi in a scenario with stages, the opportunity to settle, by the `STAGE` it comes before (default: the first)")
	f.String("format", "", "png or svg (default: from -o's extension)")
	return cmd
}

func runPlot(cmd *cobra.Command, args []string) error {
	f := cmd.Flags()
	name, _ := f.GetString("var")
	outs := f.Lookup("output").Value.(*outputs)
	out := outs.String()
	if old, _ := f.GetString("out"); old != "" {
		fmt.Fprintln(cmd.ErrOrStderr(), "settle: --out is the old name of -o/--output, which every command uses for the file it writes")
		if out == "" {
			out = old
		}
	}
	kind, _ := f.GetString("chart")
	format, _ := f.GetString("format")
	if len(*outs) > 1 {
		// settle plot --output NAME -o FILE, as before --output named the
		// file: say what it is now.
		for _, o := range *outs {
			if filepath.Ext(o) == "" && name == "" {
				return failed(exitBadInput, fmt.Errorf("--output names the file to write, as -o does; name what to draw with --var %s", o))
			}
		}
		return failed(exitBadInput, fmt.Errorf("-o/--output given twice (%s): name one file to write", strings.Join(*outs, ", ")))
	}
	if out == "" {
		return failed(exitBadInput, fmt.Errorf("-o FILE is required: name a .png or .svg file to write"))
	}
	if filepath.Ext(out) == "" && name == "" && format == "" && f.Changed("output") {
		return failed(exitBadInput, fmt.Errorf("--output %s: --output names the file to write, as -o does; name what to draw with --var %s", out, out))
	}
	if format == "" {
		format = strings.TrimPrefix(strings.ToLower(filepath.Ext(out)), ".")
	}
	if format != "png" && format != "svg" {
		return failed(exitBadInput, fmt.Errorf("-o %s: write a .png or .svg file, or give --format png or svg", out))
	}
	docs, labels, err := readResults(cmd, args)
	if err != nil {
		return failed(exitBadInput, err)
	}
	if err := checkOutputs(fileInputs("a result document", args...), out); err != nil {
		return failed(exitBadInput, err)
	}
	stage, _ := f.GetString("stage")
	if stage != "" && kind != "voi" {
		return failed(exitBadInput, fmt.Errorf("--stage chooses the opportunity of --chart voi; drop it, or add --chart voi"))
	}
	c, err := plotChart(docs, labels, name, kind, stage)
	if err != nil {
		return failed(exitBadInput, err)
	}
	c.Caption = plotCaption(docs, labels)
	if err := emit(cmd, out, func(w io.Writer) error { return c.Write(w, format) }); err != nil {
		return err
	}
	return nil
}

// plotChart draws the chart kind of var name.
func plotChart(docs []*report.Document, labels []string, name, kind, stage string) (*chart.Chart, error) {
	d := docs[0]
	if slices.Contains(driverKinds, kind) {
		if len(docs) > 1 {
			return nil, fmt.Errorf("--chart %s draws one result; give one file", kind)
		}
		if kind != "voi" && findVar(d, name) == nil {
			return nil, fmt.Errorf("--var NAME is required: the output to draw; %s has outputs %s", labels[0], names(d.Outputs))
		}
		return plotDriver(d, labels[0], name, kind, stage)
	}
	if kind == "settlement-range" {
		if len(docs) > 1 {
			return nil, fmt.Errorf("--chart settlement-range draws one result; give one file")
		}
		x := htmlreport.ExtrasOf(d)
		if x.Range == nil {
			return nil, fmt.Errorf("%s has no settlement range: the scenario names no parties and settlement figure", labels[0])
		}
		v := htmlreport.RangeVar(d, x.Range)
		if v == nil {
			return nil, fmt.Errorf("%s: the settlement figure %s is not among its outputs or inputs; list it under outputs: to draw the range on it", labels[0], x.Range.Output)
		}
		var marks []chart.Mark
		for _, p := range x.Parties {
			marks = append(marks, chart.Mark{Label: p.Name + "'s reservation value", X: p.Reservation})
		}
		return chart.SettlementRange(v, "The settlement range on "+v.Name, x.Range.Low, x.Range.High, x.Range.Exists, marks)
	}
	switch kind {
	case "timeline", "endings":
		if len(docs) > 1 {
			return nil, fmt.Errorf("--chart %s draws one result; give one file", kind)
		}
		if d.Process == nil {
			return nil, fmt.Errorf("%s has no process section: --chart %s needs a scenario with stages", labels[0], kind)
		}
		if kind == "timeline" {
			return chart.Timeline(d.Process, "how long the dispute lasts")
		}
		return chart.Endings(d.Process, "where the dispute ends")
	}
	if name == "" {
		return nil, fmt.Errorf("--var NAME is required: the output or input to draw; %s has outputs %s", labels[0], names(d.Outputs))
	}
	v := findVar(d, name)
	if v == nil {
		return nil, fmt.Errorf("%s has no output or input %q; its outputs are %s", labels[0], name, names(d.Outputs))
	}
	switch kind {
	case "s-curve", "histogram":
		if len(docs) > 1 {
			var series []chart.Series
			for i, od := range docs {
				u := findVar(od, name)
				if u == nil {
					return nil, fmt.Errorf("%s has no output or input %q", labels[i], name)
				}
				series = append(series, chart.Series{Label: labels[i], Var: u})
			}
			return chart.Overlay(chart.Title(v), series)
		}
		if kind == "histogram" {
			return chart.Histogram(v, chart.Title(v))
		}
		return chart.SCurve(v, chart.Title(v))
	case "tornado":
		for _, t := range htmlreport.ExtrasOf(d).Tornadoes {
			if t.Output == name {
				return chart.Tornado(chart.TornadoTitle(v), name+" (mean)", t.Base, t.Bars, v.Format)
			}
		}
		return nil, fmt.Errorf("%s has no sensitivity for %s, so no tornado", labels[0], name)
	}
	return nil, fmt.Errorf("--chart %q: use one of %s", kind, strings.Join(chartKinds, ", "))
}

func findVar(d *report.Document, name string) *report.Var {
	for _, vs := range []report.Vars{d.Outputs, d.Inputs} {
		for i := range vs {
			if vs[i].Name == name {
				return &vs[i]
			}
		}
	}
	return nil
}

func names(vs report.Vars) string {
	var s []string
	for _, v := range vs {
		s = append(s, v.Name)
	}
	return strings.Join(s, ", ")
}

// outputs is the -o/--output flag of plot, keeping every value given so
// that the old form, --output NAME -o FILE, is recognised and explained.
type outputs []string

func (o *outputs) String() string {
	if o == nil || len(*o) == 0 {
		return ""
	}
	return (*o)[len(*o)-1]
}

func (o *outputs) Set(s string) error {
	*o = append(*o, s)
	return nil
}

func (o *outputs) Type() string { return "string" }

// plotCaption says what made the charted figures: the run's provenance,
// or each file's for an overlay.
func plotCaption(docs []*report.Document, labels []string) string {
	if len(docs) == 1 {
		return docs[0].Heading()
	}
	var parts []string
	for i, d := range docs {
		parts = append(parts, labels[i]+": "+strings.Join(d.Provenance().Conditions(), ", "))
	}
	return strings.Join(parts, "; ")
}
