package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/htmlreport"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/progress"
	"github.com/settle-sim/settle/engine/report"
)

func newRunCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "run SCENARIO",
		Short: "Run a scenario and report its outcome distributions",
		Long: `Run evaluates the scenario's rules over its uncertain inputs for the given
number of trials and summarises every output and every sampled input:
mean, standard deviation, standard error, quantiles p1…p99, the
probability of being positive and a histogram.

The same scenario, seed, trial count and settle version give the same
result document, whatever the number of workers.`,
		Example: `  settle run scenarios/reference.yaml
  settle run scenarios/reference.yaml --trials 1m --set claim=£600m --set 'p_liability=beta(5,5)'
  settle run scenarios/reference.yaml --format json -o result.json`,
		Args: cobra.ExactArgs(1),
		RunE: run,
	}
	f := cmd.Flags()
	addScenarioFlags(f)
	addShardFlag(f)
	f.StringArray("view", nil, "a party's own beliefs: `PARTY=FILE`, a position file applied for that party only; repeatable. With stages the party decides on them; without, its figures are computed on them")
	addTargetFlags(f)
	addVOIFlags(f)
	addSensitivityFlags(f, "true")
	f.String("format", "", "output format: table (or text), json, csv, markdown or html, the report settle report writes (default: from -o's extension, else table)")
	f.StringP("output", "o", "", "write the result to `FILE` (atomically; through for a device, FIFO or socket; - for standard output) instead of standard output")
	f.BoolP("quiet", "q", false, "do not report progress and timing on standard error")
	addSamplesFlag(cmd)
	addProgressFlag(f)
	return cmd
}

func run(cmd *cobra.Command, args []string) error {
	v, err := config(cmd)
	if err != nil {
		return failed(exitBadInput, err)
	}
	out := v.GetString("output")
	format, err := pickFormat(v.GetString("format"), out, runFormats, "table")
	if err != nil {
		return failed(exitBadInput, v.blame("format", err))
	}
	sp, p, opt, err := load(cmd, v, args[0])
	if err != nil {
		return failed(exitBadInput, err)
	}
	if err := sensitivityOptions(v, &opt); err != nil {
		return failed(exitBadInput, err)
	}
	if err := voiOptions(cmd, v, &opt); err != nil {
		return failed(exitBadInput, err)
	}
	if err := target(cmd, v, &opt); err != nil {
		return failed(exitBadInput, err)
	}

	viewed, err := viewInputs(sp, sp.Views)
	if err != nil {
		return failed(exitBadInput, err)
	}
	samplesOut, _ := cmd.Flags().GetString("samples")
	if err := checkOutputs(append(programInputs(sp, p), viewed...), out, "--samples", samplesOut); err != nil {
		return failed(exitBadInput, err)
	}
	mode, err := progressMode(v)
	if err != nil {
		return failed(exitBadInput, err)
	}

	ctx := cmd.Context() // cancelled on SIGINT or SIGTERM (catchSignals), once the signal is recorded
	start := time.Now()
	if s := v.GetString("shard"); s != "" {
		// With stages the parties decide on their views, in every shard;
		// without, each view is a run of its own.
		return runShard(ctx, cmd, v.GetBool("quiet"), s, sp, p, opt, out, len(sp.Views) > 0 && !p.IsProcess(), mode)
	}
	if opt.Target == nil {
		boundHeap(p, opt)
	}
	bar := progress.Start(cmd.ErrOrStderr(), opt.Trials, mode)
	opt.Progress = bar.Set
	res, err := engine.Run(ctx, p, opt)
	if err == nil {
		err = engine.ApplyViews(ctx, res, sp, sp.Views, opt)
	}
	bar.Stop()
	if err != nil {
		if ctx.Err() != nil {
			return failed(exitBadInput, fmt.Errorf("interrupted"))
		}
		return failed(exitBadInput, err)
	}
	elapsed := time.Since(start)
	opt.Trials = res.Trials // a run to a target standard error chooses its trials
	if res.QuantileError > 0 {
		if s, _ := cmd.Flags().GetString("samples"); s != "" {
			return failed(exitBadInput, fmt.Errorf("--samples %s: %s trials is above the exact limit, so not every value is kept; raise --exact-limit", s, money.FormatNumber(float64(opt.Trials))))
		}
		if !v.GetBool("quiet") {
			fmt.Fprintf(cmd.ErrOrStderr(), "settle: %s trials is above the exact limit (--exact-limit): quantiles come from a sketch, within %.2g%%\n",
				money.FormatNumber(float64(opt.Trials)), 100*res.QuantileError)
		}
	}
	if err := writeSamples(cmd, res); err != nil {
		return err
	}
	doc := report.New(res)
	write := func(w io.Writer) error { return report.Write(w, doc, format) }
	if format == "html" {
		r := htmlreport.New(filepath.Base(args[0]), doc)
		write = func(w io.Writer) error { return htmlreport.Write(w, []htmlreport.Result{r}) }
	}
	if err := emit(cmd, out, write); err != nil {
		return err
	}
	if quiet, _ := v.Bool("quiet"); !quiet {
		fmt.Fprintf(cmd.ErrOrStderr(), "settle: %s trials in %s (%s trials/s)\n",
			money.FormatNumber(float64(opt.Trials)), elapsed.Round(time.Millisecond),
			money.FormatNumber(float64(opt.Trials)/elapsed.Seconds()))
	}
	return nil
}

// parseViews reads --view PARTY=FILE flags: each party's own position
// files, in order.
func parseViews(cmd *cobra.Command) (map[string][]string, error) {
	flags, _ := cmd.Flags().GetStringArray("view")
	if len(flags) == 0 {
		return nil, nil
	}
	views := map[string][]string{}
	for _, f := range flags {
		party, file, ok := strings.Cut(f, "=")
		if !ok || party == "" || file == "" {
			return nil, fmt.Errorf("--view %q: write PARTY=FILE, e.g. --view supplier=rules/positions/supplier.yaml", f)
		}
		views[party] = append(views[party], file)
	}
	return views, nil
}

// runShard runs shard s of the run and writes its partial result to out.
func runShard(ctx context.Context, cmd *cobra.Command, quiet bool, s string, sp engine.Spec, p *model.Program, opt engine.Options, out string, views bool, mode progress.Mode) error {
	sh, err := engine.ParseShard(s)
	if err != nil {
		return failed(exitBadInput, err)
	}
	if views {
		return failed(exitBadInput, fmt.Errorf("--shard with --view: run each view's shards as a run of its own"))
	}
	if f, _ := cmd.Flags().GetString("samples"); f != "" {
		return failed(exitBadInput, fmt.Errorf("--shard with --samples: a shard keeps only its own trials; run without --shard to save every trial"))
	}
	start := time.Now()
	boundHeap(p, opt)
	first, end := sh.Trials(opt.Trials)
	bar := progress.Start(cmd.ErrOrStderr(), end-first, mode)
	opt.Progress = bar.Set
	pt, err := engine.RunShard(ctx, sp, p, opt, sh)
	bar.Stop()
	if err != nil {
		if ctx.Err() != nil {
			return failed(exitBadInput, fmt.Errorf("interrupted"))
		}
		return failed(exitBadInput, err)
	}
	if err := writePart(cmd, out, pt); err != nil {
		return err
	}
	if !quiet {
		fmt.Fprintf(cmd.ErrOrStderr(), "settle: shard %s, trials %s to %s, in %s\n", sh, money.FormatNumber(float64(first)),
			money.FormatNumber(float64(end-1)), time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// boundHeap asks the Go runtime to keep its memory within the run's
// estimate (engine.EstimateMemory) and 64 MiB more, unless GOMEMLIMIT
// sets a limit of its own. Without it the garbage collector lets the
// heap grow to twice what is live before it collects: the fit of a
// scenario with stages, whose pilots are garbage once fitted, would
// take about twice its need. The limit is soft: a run that needs more
// collects more often, it is never stopped.
func boundHeap(p *model.Program, opt engine.Options) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetMemoryLimit(engine.EstimateMemory(p, opt).Bytes + 64<<20)
}
