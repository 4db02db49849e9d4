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
		Use:   "plot RESULT.json... --output NAME -o CHART.png|svg",
		Short: "Draw one chart of a result document as PNG or SVG",
		Long: `Plot draws one chart of an output (or sampled input) from result
documents written by settle run --format json: its cumulative
distribution with p5, p50 and p95 marked (s-curve, the default), its
histogram, its tornado (when the document has sensitivity), or the
settlement range drawn on the settlement figure's distribution. Given
several documents it overlays their cumulative distributions. spider
and sobol draw an output's spider and Sobol' indices (run with
--sensitivity=spider or sobol); voi a party's value of information,
--output naming the party (run with --voi). For a scenario with stages,
timeline draws the share of disputes still open against time and
endings where they end.`,
		Example: `  settle plot result.json --output supplier_net -o supplier_net.png
  settle plot result.json --output supplier_net --chart histogram -o hist.svg
  settle plot before.json after.json --output buyer_cost -o compared.png`,
		Args: cobra.MinimumNArgs(1),
		RunE: runPlot,
	}
	f := cmd.Flags()
	f.String("output", "", "the output (or sampled input) to draw, by `NAME`")
	f.StringP("out", "o", "", "write the chart to `FILE`, PNG or SVG by its extension")
	f.String("chart", "s-curve", "what to draw: "+strings.Join(chartKinds, ", "))
	f.String("format", "", "png or svg (default: from -o's extension)")
	return cmd
}

func runPlot(cmd *cobra.Command, args []string) error {
	f := cmd.Flags()
	name, _ := f.GetString("output")
	out, _ := f.GetString("out")
	kind, _ := f.GetString("chart")
	format, _ := f.GetString("format")
	if out == "" {
		return failed(exitBadInput, fmt.Errorf("-o FILE is required: name a .png or .svg file to write"))
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
	c, err := plotChart(docs, labels, name, kind)
	if err != nil {
		return failed(exitBadInput, err)
	}
	if err := emit(cmd, out, func(w io.Writer) error { return c.Write(w, format) }); err != nil {
		return err
	}
	return nil
}

// plotChart draws the chart kind of var name.
func plotChart(docs []*report.Document, labels []string, name, kind string) (*chart.Chart, error) {
	d := docs[0]
	if slices.Contains(driverKinds, kind) {
		if len(docs) > 1 {
			return nil, fmt.Errorf("--chart %s draws one result; give one file", kind)
		}
		if kind != "voi" && findVar(d, name) == nil {
			return nil, fmt.Errorf("--output NAME is required: %s has outputs %s", labels[0], names(d.Outputs))
		}
		return plotDriver(d, labels[0], name, kind)
	}
	if kind == "settlement-range" {
		if len(docs) > 1 {
			return nil, fmt.Errorf("--chart settlement-range draws one result; give one file")
		}
		x := htmlreport.ExtrasOf(d)
		if x.Range == nil {
			return nil, fmt.Errorf("%s has no settlement range: the scenario names no parties and settlement figure", labels[0])
		}
		v := findVar(d, x.Range.Output)
		if v == nil {
			return nil, fmt.Errorf("%s: the settlement figure %s is not among its outputs or inputs", labels[0], x.Range.Output)
		}
		var marks []chart.Mark
		for _, p := range x.Parties {
			marks = append(marks, chart.Mark{Label: p.Name + "'s reservation value", X: p.Reservation})
		}
		return chart.SettlementRange(v, "settlement range on "+v.Name, x.Range.Low, x.Range.High, x.Range.Exists, marks)
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
		return nil, fmt.Errorf("--output NAME is required; %s has outputs %s", labels[0], names(d.Outputs))
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
			return chart.Overlay(name, series)
		}
		if kind == "histogram" {
			return chart.Histogram(v, name)
		}
		return chart.SCurve(v, name)
	case "tornado":
		for _, t := range htmlreport.ExtrasOf(d).Tornadoes {
			if t.Output == name {
				return chart.Tornado("what moves "+name, name, t.Base, t.Bars, v.Format)
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
