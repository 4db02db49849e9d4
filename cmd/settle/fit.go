package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/chart"
	"github.com/settle-sim/settle/engine/datafile"
	"github.com/settle-sim/settle/engine/fit"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/report"
)

func newFitCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "fit FILE.csv COLUMN",
		Short: "Fit distributions to a column of data and print them as inputs to paste",
		Long: `Fit fits each family to the numbers of a CSV column by maximum likelihood,
ranks the fits by AIC (with BIC and the Akaike weight beside), tests each
with a Kolmogorov–Smirnov test whose p-value comes from a parametric
bootstrap (so that it allows for the parameters having been estimated),
gives each parameter's standard error from the observed information, and
prints the best fits as input expressions to paste into a scenario.
A column with values written as money (£12.5m, 1.1bn) is money, and so
are the expressions. See docs/fit.md.`,
		Example: `  settle fit awards.csv award
  settle fit awards.csv award --families lognormal,gamma,weibull -o award-fit.svg
  settle fit durations.csv years --chart qq -o qq.png
  settle fit awards.csv award --format json -o award-fit.json`,
		Args: cobra.ExactArgs(2),
		RunE: runFit,
	}
	f := cmd.Flags()
	f.String("families", "", "the families to fit, `a,b,…` (default: "+strings.Join(fit.DefaultFamilies, ", ")+")")
	f.Bool("money", false, "the values are amounts of money even where not written as money")
	f.String("name", "", "the input `NAME` in the expressions (default: from the column)")
	f.Int("bootstrap", fit.DefaultBootstrap, "refits behind each KS p-value; 0 for none")
	f.Uint64("seed", 1, "seed of the bootstrap's draws")
	f.Int("workers", 0, "goroutines for the bootstrap (default one per CPU; the result is the same whatever N)")
	f.String("format", "", "table (default) or json")
	f.StringP("output", "o", "", "write `FILE`: a chart (.svg, .png) of the fits over the data, or the result (.json), atomically")
	f.String("chart", "cdf", "the chart -o draws: cdf (the data's distribution function with the three best fits) or qq (the data against the best fit's quantiles)")
	return cmd
}

func runFit(cmd *cobra.Command, args []string) error {
	fl := cmd.Flags()
	path, column := args[0], args[1]
	out, _ := fl.GetString("output")
	format, _ := fl.GetString("format")
	kind, _ := fl.GetString("chart")
	ext := strings.TrimPrefix(strings.ToLower(filepath.Ext(out)), ".")
	isChart := ext == "svg" || ext == "png"
	switch {
	case format == "" && ext == "json":
		format = "json"
	case format == "":
		format = "table"
	case format != "table" && format != "json":
		return failed(exitBadInput, fmt.Errorf("--format %q: use table or json", format))
	}
	if out != "" && !isChart && ext != "json" {
		return failed(exitBadInput, fmt.Errorf("-o %s: write a chart (.svg or .png) or the result (.json)", out))
	}
	if kind != "cdf" && kind != "qq" {
		return failed(exitBadInput, fmt.Errorf("--chart %q: use cdf or qq", kind))
	}
	popt, err := projectOptions(cmd)
	if err != nil {
		return failed(exitBadInput, err)
	}
	if err := checkOutputs(fileInputs("the data", path), out); err != nil {
		return failed(exitBadInput, err)
	}
	col, err := datafile.Read(path, column, popt)
	if err != nil {
		return failed(exitBadInput, err)
	}
	opt := fit.Options{Money: col.Money}
	opt.Money = opt.Money || must(fl.GetBool("money"))
	opt.Bootstrap = must(fl.GetInt("bootstrap"))
	if opt.Bootstrap == 0 {
		opt.Bootstrap = -1
	}
	if opt.Bootstrap < -1 || opt.Bootstrap > 100_000 {
		return failed(exitBadInput, fmt.Errorf("--bootstrap %d: give a number of refits from 0 to 100,000", opt.Bootstrap))
	}
	opt.Seed = must(fl.GetUint64("seed"))
	opt.Workers = must(fl.GetInt("workers"))
	if s := must(fl.GetString("families")); s != "" {
		for _, name := range strings.Split(s, ",") {
			name = strings.TrimSpace(name)
			if _, ok := fit.Lookup(name); !ok {
				var known []string
				for _, f := range fit.Families() {
					known = append(known, f.Name)
				}
				return failed(exitBadInput, fmt.Errorf("--families: no family %q; settle fits %s", name, strings.Join(known, ", ")))
			}
			opt.Families = append(opt.Families, name)
		}
	}
	res, err := fit.Run(col.Values, opt)
	if err != nil {
		return failed(exitBadInput, fmt.Errorf("%s, column %s: %w", path, column, err))
	}
	src := fit.Source{File: path, SHA256: col.SHA256, Column: column, Input: must(fl.GetString("name"))}
	if src.Input == "" {
		src.Input = fit.InputName(column)
	}
	if isChart {
		c, err := fitChart(res, col, kind)
		if err != nil {
			return failed(exitBadInput, err)
		}
		if err := emit(cmd, out, func(w io.Writer) error { return c.Write(w, ext) }); err != nil {
			return err
		}
		out = ""
	}
	if format == "json" {
		return emit(cmd, out, func(w io.Writer) error {
			return report.WriteIndented(w, fit.NewDocument(res, src, engine.Version))
		})
	}
	return emit(cmd, out, func(w io.Writer) error { return fit.WriteTable(w, res, src) })
}

// fitChart draws the data with the best fits: their distribution
// functions, or a Q–Q plot against the best.
func fitChart(res *fit.Result, col *datafile.Column, kind string) (*chart.Chart, error) {
	sorted := slices.Sorted(slices.Values(col.Values))
	format := money.FormatNumber
	if res.Money {
		format = money.Format
	}
	var curves []chart.Curve
	for i, f := range res.Fits {
		if i == 3 {
			break
		}
		curves = append(curves, chart.Curve{Label: f.Expression(res.Money), CDF: f.CDF, Quantile: f.Quantile})
	}
	title := fmt.Sprintf("%s: %s values and the best fits", col.Name, money.FormatNumber(float64(len(sorted))))
	if kind == "qq" {
		return chart.QQ(fmt.Sprintf("%s against %s", col.Name, res.Fits[0].Family.Name), sorted, curves[0], format)
	}
	return chart.FitCDF(title, col.Name, sorted, curves, format)
}

// must returns v, a flag's value; flags are declared, so err is nil.
func must[T any](v T, _ error) T { return v }
