package main

import (
	"fmt"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"github.com/spf13/viper"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/scenario"
)

// addScenarioFlags adds the flags that say what to run and how: shared by
// run, sweep and watch.
func addScenarioFlags(f *pflag.FlagSet) {
	f.String("trials", "", "number of trials, e.g. 200000, 200_000 or 200k (default: the scenario's, else 10,000)")
	f.String("seed", "", "random seed (default: the scenario's, else 1)")
	f.Int("workers", 0, "goroutines to run trials on (default: one per CPU)")
	f.String("sampler", "", "how draws are made: random (pseudo-random, the default), lhs (Latin hypercube) or sobol (scrambled Sobol')")
	f.String("exact-limit", "", "most trials whose every value is kept for exact quantiles; above it quantiles come from a sketch within 0.1% and the parties' analysis is left out (default 10m)")
	f.StringArray("set", nil, "replace an input: `NAME=VALUE`, a number, amount (£400m) or distribution (pert(3e8,5e8,7e8)); repeatable")
	f.StringArray("position", nil, "apply a position `FILE` that replaces inputs and rules; repeatable, applied in order")
	f.String("offer", "", "weigh settling at this `AMOUNT` (e.g. £300m) against court: sets the scenario's settlement figure")
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
func load(cmd *cobra.Command, v *viper.Viper, path string) (engine.Spec, *model.Program, engine.Options, error) {
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
func options(v *viper.Viper, p *model.Program) (engine.Options, error) {
	opt := engine.Defaults(p)
	if t := v.GetString("trials"); t != "" {
		n, err := scenario.ParseCount(t)
		if err != nil || n < 1 || n > maxTrials {
			return opt, fmt.Errorf("--trials %q: want a whole number of trials from 1 to %s, such as 200000, 200_000 or 200k", t, money.FormatNumber(maxTrials))
		}
		opt.Trials = int(n)
	}
	if s := v.GetString("seed"); s != "" {
		n, err := scenario.ParseCount(s)
		if err != nil {
			return opt, fmt.Errorf("--seed %q: want a whole number such as 42", s)
		}
		opt.Seed = n
	}
	opt.Workers = v.GetInt("workers")
	if opt.Workers < 0 {
		return opt, fmt.Errorf("--workers %d: want 0 (one per CPU) or more", opt.Workers)
	}
	if err := sampler(v, &opt); err != nil {
		return opt, err
	}
	if s := v.GetString("exact-limit"); s != "" {
		n, err := scenario.ParseCount(s)
		if err != nil || n < 1 {
			return opt, fmt.Errorf("--exact-limit %q: want a whole number of trials such as 10m or 50_000_000", s)
		}
		opt.ExactLimit = int(n)
	}
	return opt, nil
}

// maxTrials bounds a run's trial count. Up to the exact limit each
// tracked value takes 8 bytes a trial; above it memory is bounded.
const maxTrials = 1_000_000_000_000
