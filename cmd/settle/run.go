package main

import (
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/outfile"
	"github.com/settle-sim/settle/engine/progress"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/scenario"
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
	f.String("trials", "", "number of trials, e.g. 200000, 200_000 or 200k (default: the scenario's, else 10,000)")
	f.String("seed", "", "random seed (default: the scenario's, else 1)")
	f.Int("workers", 0, "goroutines to run trials on (default: one per CPU)")
	f.StringArray("set", nil, "replace an input: `NAME=VALUE`, a number, amount (£400m) or distribution (pert(3e8,5e8,7e8)); repeatable")
	f.String("format", "", "output format: table, json, csv or markdown (default: from -o's extension, else table)")
	f.StringP("output", "o", "", "write the result to `FILE` (atomically) instead of standard output")
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
	var settings []engine.Setting
	sets, _ := cmd.Flags().GetStringArray("set")
	for _, s := range sets {
		st, err := engine.ParseSetting(s)
		if err != nil {
			return failed(exitBadInput, err)
		}
		settings = append(settings, st)
	}
	out := v.GetString("output")
	format, err := outputFormat(v.GetString("format"), out)
	if err != nil {
		return failed(exitBadInput, err)
	}

	p, err := engine.Load(args[0], settings...)
	if err != nil {
		return failed(exitBadInput, err)
	}
	opt := engine.Defaults(p)
	if v.IsSet("trials") && v.GetString("trials") != "" {
		n, err := scenario.ParseCount(v.GetString("trials"))
		if err != nil || n < 1 || n > maxTrials {
			return failed(exitBadInput, fmt.Errorf("--trials %q: want a whole number of trials from 1 to %s, such as 200000, 200_000 or 200k", v.GetString("trials"), money.FormatNumber(maxTrials)))
		}
		opt.Trials = int(n)
	}
	if v.IsSet("seed") && v.GetString("seed") != "" {
		n, err := scenario.ParseCount(v.GetString("seed"))
		if err != nil {
			return failed(exitBadInput, fmt.Errorf("--seed %q: want a whole number such as 42", v.GetString("seed")))
		}
		opt.Seed = n
	}
	opt.Workers = v.GetInt("workers")
	if opt.Workers < 0 {
		return failed(exitBadInput, fmt.Errorf("--workers %d: want 0 (one per CPU) or more", opt.Workers))
	}

	mode, err := progressMode(v)
	if err != nil {
		return failed(exitBadInput, err)
	}

	ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt)
	defer stop()
	start := time.Now()
	bar := progress.Start(cmd.ErrOrStderr(), opt.Trials, mode)
	opt.Progress = bar.Set
	res, err := engine.Run(ctx, p, opt)
	bar.Stop()
	if err != nil {
		if ctx.Err() != nil {
			return failed(exitBadInput, fmt.Errorf("interrupted"))
		}
		return failed(exitBadInput, err)
	}
	elapsed := time.Since(start)
	if err := writeSamples(cmd, res); err != nil {
		return err
	}
	doc := report.New(res)
	write := func(w io.Writer) error { return report.Write(w, doc, format) }
	if out != "" {
		err = outfile.Write(out, write)
	} else {
		err = write(cmd.OutOrStdout())
	}
	if err != nil {
		return failed(exitBadInput, err)
	}
	if !v.GetBool("quiet") {
		fmt.Fprintf(cmd.ErrOrStderr(), "settle: %s trials in %s (%s trials/s)\n",
			money.FormatNumber(float64(opt.Trials)), elapsed.Round(time.Millisecond),
			money.FormatNumber(float64(opt.Trials)/elapsed.Seconds()))
	}
	return nil
}

// maxTrials bounds a run's trial count: each tracked value takes 8 bytes
// a trial.
const maxTrials = 100_000_000

// outputFormat is the format asked for, or the one -o's extension
// implies, or table.
func outputFormat(format, out string) (string, error) {
	if format == "" {
		switch strings.ToLower(filepath.Ext(out)) {
		case ".json":
			return "json", nil
		case ".csv":
			return "csv", nil
		case ".md":
			return "markdown", nil
		}
		return "table", nil
	}
	for _, f := range report.Formats {
		if f == format {
			return f, nil
		}
	}
	return "", fmt.Errorf("--format %q: use one of %s", format, strings.Join(report.Formats, ", "))
}
