package main

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/process"
	"github.com/settle-sim/settle/engine/scenario"
)

// addScenarioFlags adds the flags that say what to run and how: shared by
// run, sweep and watch.
func addScenarioFlags(f *pflag.FlagSet) {
	f.String("trials", "", "number of trials, e.g. 200000, 200_000 or 200k (default: the scenario's, else 10,000)")
	f.String("seed", "", "random seed (default: the scenario's, else 1)")
	f.Int("workers", 0, "goroutines to run trials on (default: one per CPU)")
	f.String("sampler", "", "how draws are made: random (pseudo-random, the default), lhs (Latin hypercube) or sobol (scrambled Sobol')")
	f.String("exact-limit", "", "most trials whose every value is kept for exact quantiles; above it quantiles and histograms come from a sketch within 0.1%, the rest as before (default: as many as fit in 768 MiB, at most 10m)")
	f.StringArray("set", nil, "replace an input: `NAME=VALUE`, a number, amount (£400m) or distribution (pert(3e8,5e8,7e8)); repeatable")
	f.StringArray("position", nil, "apply a position `FILE` that replaces inputs and rules; repeatable, applied in order")
	f.String("offer", "", "weigh settling at this `AMOUNT` (e.g. £300m) against court: sets the scenario's settlement figure")
	f.String("pilot", "", "in a scenario with stages, the trials of each party's pilot its decisions are fitted on, e.g. 512k (default 262,144); fewer is faster, and the fit's error grows about as 1/√pilot")
	f.String("max-memory", "", "refuse a run estimated to need more than this much memory, e.g. 8GB or 500MB (default: the memory available; -1: no check)")
}

// addShardFlag adds --shard: run and sweep split their work into parts
// that settle merge puts together; watch, which reruns the whole
// scenario on every change, does not.
func addShardFlag(f *pflag.FlagSet) {
	f.String("shard", "", "run only part `K/N` of the work (K from 0 to N−1) and write a partial result with -o; merge the parts with settle merge")
}

// spec reads what to run from the flags.
func spec(cmd *cobra.Command, path string) (engine.Spec, error) {
	s := engine.Spec{Path: path}
	sets, _ := cmd.Flags().GetStringArray("set")
	for _, set := range sets {
		st, err := engine.ParseSetting(set)
		if err != nil {
			return s, err
		}
		s.Settings = append(s.Settings, st)
	}
	s.Positions, _ = cmd.Flags().GetStringArray("position")
	s.Offer, _ = cmd.Flags().GetString("offer")
	if cmd.Flags().Lookup("view") != nil {
		views, err := parseViews(cmd)
		if err != nil {
			return s, err
		}
		s.Views = views
	}
	return s, nil
}

// load reads what to run and how from the flags and the configuration,
// and loads it.
func load(cmd *cobra.Command, v *settings, path string) (engine.Spec, *model.Program, engine.Options, error) {
	sp, err := spec(cmd, path)
	if err != nil {
		return sp, nil, engine.Options{}, err
	}
	if sp.Project, err = projectOptionsOf(v); err != nil {
		return sp, nil, engine.Options{}, err
	}
	p, err := sp.Load()
	if err != nil {
		return sp, nil, engine.Options{}, err
	}
	opt, err := options(v, p)
	if err == nil {
		noteWorkers(cmd, opt.Workers)
	}
	return sp, p, opt, err
}

// noteWorkers says on standard error when --workers asks for more
// workers than a run uses (engine.MaxWorkers).
func noteWorkers(cmd *cobra.Command, n int) {
	if engine.CapsWorkers(n) {
		fmt.Fprintf(cmd.ErrOrStderr(), "settle: --workers %d is more than this machine can use: running on %d (%d per CPU)\n",
			n, engine.MaxWorkers(), engine.WorkersPerCPU)
	}
}

// options reads how to run p from the configuration: flags, environment,
// settle.yaml, then the scenario's own defaults.
func options(v *settings, p *model.Program) (engine.Options, error) {
	opt := engine.Defaults(p)
	if t := v.GetString("trials"); t != "" {
		n, err := scenario.ParseCount(t)
		if err != nil || n < 1 || n > maxTrials {
			return opt, fmt.Errorf("%s %q: want a whole number of trials from 1 to %s, such as 200000, 200_000 or 200k", v.source("trials"), t, money.FormatNumber(maxTrials))
		}
		opt.Trials = int(n)
	}
	if s := v.GetString("seed"); s != "" {
		n, err := scenario.ParseCount(s)
		if err != nil {
			return opt, fmt.Errorf("%s %q: want a whole number such as 42", v.source("seed"), s)
		}
		opt.Seed = n
	}
	workers, err := v.Int("workers")
	if err != nil {
		return opt, err
	}
	opt.Workers = workers
	if opt.Workers < 0 {
		return opt, fmt.Errorf("%s %d: want 0 (one per CPU) or more", v.source("workers"), opt.Workers)
	}
	if err := sampler(v, &opt); err != nil {
		return opt, v.blame("sampler", err)
	}
	if s := v.GetString("exact-limit"); s != "" {
		n, err := scenario.ParseCount(s)
		if err != nil || n < 1 {
			return opt, fmt.Errorf("%s %q: want a whole number of trials such as 10m or 50_000_000", v.source("exact-limit"), s)
		}
		opt.ExactLimit = int(n)
	}
	if s := v.GetString("pilot"); s != "" {
		n, err := scenario.ParseCount(s)
		if err != nil || n < process.MinPilot || n > process.MaxPilot {
			return opt, fmt.Errorf("%s %q: want a whole number of pilot trials from %s to %s, such as 512k", v.source("pilot"), s, money.FormatNumber(process.MinPilot), money.FormatNumber(process.MaxPilot))
		}
		opt.Pilot = int(n)
	}
	if s := v.GetString("max-memory"); s != "" {
		n, err := parseBytes(s)
		if err != nil {
			return opt, fmt.Errorf("--max-memory %q: want a size such as 8GB, 500MB or 2GiB, or -1 for no check", s)
		}
		opt.MaxMemory = n
	}
	return opt, nil
}

// parseBytes reads a size: a number of bytes with an optional unit, kB,
// MB, GB, TB (powers of 1000) or KiB, MiB, GiB, TiB (powers of 1024);
// -1 means no limit.
func parseBytes(s string) (int64, error) {
	s = strings.TrimSpace(s)
	if s == "-1" {
		return -1, nil
	}
	units := []struct {
		suffix string
		mult   float64
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}, {"GiB", 1 << 30}, {"TiB", 1 << 40},
		{"kB", 1e3}, {"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"TB", 1e12}, {"B", 1}}
	mult := 1.0
	for _, u := range units {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	x, err := strconv.ParseFloat(s, 64)
	if err != nil || !(x > 0) || x*mult > 1<<62 {
		return 0, fmt.Errorf("bad size")
	}
	return int64(x * mult), nil
}

// maxTrials bounds a run's trial count. Up to the exact limit each
// tracked value takes 8 bytes a trial; above it memory is bounded.
const maxTrials = 1_000_000_000_000
