package main

import (
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/report"
)

func newSweepCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "sweep SCENARIO --vary NAME=FROM..TO:STEP [--vary ...]",
		Short: "Run a scenario over a grid of input values and compare the parties' outcomes",
		Long: `Sweep runs the scenario at every point of the grid the --vary flags span
and reports, per point, each party's expected value, certainty
equivalent and reservation value and the settlement range; and, when the
settlement figure is one amount at the point (--vary settlement_figure=…
or --offer), each party's certainty equivalent of settling there and of
going to court, whether it accepts, the chance that settling there beats
court, and whether both accept. In a scenario with stages the figure is
an offer standing at every opportunity, and each party weighs settling
at the first against going on (CE[going on], counting its later chances
to settle) rather than against judgment. CSV headers are snake_case
(supplier_settled_ce, supplier_accepts, both_accept, …) and every row
names the positions, settings, offer, sampler, seed and trials.

Every point runs on the same per-trial random streams (common random
numbers), so differences between points come from the values varied and
a point equals a plain run with --set at that value.`,
		Example: `  settle sweep scenarios/one-step.yaml --vary settlement_figure=£50m..£300m:£25m
  settle sweep scenarios/one-step.yaml --vary p_settle=0.5..0.9:0.1 --vary discount_rate=0.02..0.06:0.01 --format csv`,
		Args: cobra.ExactArgs(1),
		RunE: sweep,
	}
	f := cmd.Flags()
	addScenarioFlags(f)
	addShardFlag(f)
	f.StringArray("vary", nil, "vary an input over `NAME=FROM..TO:STEP`; repeat for a grid")
	f.StringArray("view", nil, "in a scenario with stages, a party's own beliefs on which it decides: `PARTY=FILE`; repeatable")
	f.String("format", "", "output format: table (or text), json, csv or markdown (default: from -o's extension, else table)")
	f.StringP("output", "o", "", "write the result to `FILE` (atomically) instead of standard output")
	f.BoolP("quiet", "q", false, "do not report timing on standard error")
	return cmd
}

func sweep(cmd *cobra.Command, args []string) error {
	v, err := config(cmd)
	if err != nil {
		return failed(exitBadInput, err)
	}
	if _, err := v.Bool("quiet"); err != nil {
		return failed(exitBadInput, err)
	}
	varies, _ := cmd.Flags().GetStringArray("vary")
	if len(varies) == 0 {
		return failed(exitBadInput, fmt.Errorf("sweep: give at least one --vary NAME=FROM..TO:STEP"))
	}
	var axes []engine.Axis
	for _, s := range varies {
		a, err := engine.ParseAxis(s)
		if err != nil {
			return failed(exitBadInput, err)
		}
		axes = append(axes, a)
	}
	out := v.GetString("output")
	format, err := outputFormat(v.GetString("format"), out)
	if err != nil {
		return failed(exitBadInput, v.blame("format", err))
	}
	sp, p, opt, err := load(cmd, v, args[0])
	if err != nil {
		return failed(exitBadInput, err)
	}
	if err := checkOutputs(programInputs(sp, p), out); err != nil {
		return failed(exitBadInput, err)
	}
	ctx := cmd.Context() // cancelled on SIGINT or SIGTERM (catchSignals), once the signal is recorded
	start := time.Now()
	if s := v.GetString("shard"); s != "" {
		sh, err := engine.ParseShard(s)
		if err != nil {
			return failed(exitBadInput, err)
		}
		pt, err := engine.SweepShard(ctx, sp, axes, opt, sh)
		if err != nil {
			return failed(exitBadInput, err)
		}
		return writePart(cmd, out, pt)
	}
	res, err := engine.Sweep(ctx, sp, axes, opt)
	if err != nil {
		if ctx.Err() != nil {
			return failed(exitBadInput, fmt.Errorf("interrupted"))
		}
		return failed(exitBadInput, err)
	}
	elapsed := time.Since(start)
	doc := report.NewSweep(res)
	if err := emit(cmd, out, func(w io.Writer) error { return report.WriteSweep(w, doc, format) }); err != nil {
		return err
	}
	if quiet, _ := v.Bool("quiet"); !quiet {
		fmt.Fprintf(cmd.ErrOrStderr(), "settle: %d points of %s trials in %s\n", len(res.Points),
			money.FormatNumber(float64(opt.Trials)), elapsed.Round(time.Millisecond))
	}
	return nil
}
