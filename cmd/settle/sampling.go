package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/scenario"
)

// addTargetFlags adds the flags of a run to a target standard error.
func addTargetFlags(f *pflag.FlagSet) {
	f.String("target-se", "", "run batches of trials until the standard error of each output's mean is under this: a `SE` relative to the mean (0.25%) or an amount (£1m)")
	f.String("target-outputs", "", "the outputs --target-se applies to, `a,b` (default: every output; every amount of money for an amount)")
	f.String("max-trials", "", "the most trials --target-se may run (default 4,194,304)")
}

// sampler sets opt's sampler from --sampler.
func sampler(v *settings, opt *engine.Options) error {
	s := v.GetString("sampler")
	if s == "" {
		return nil
	}
	m, err := engine.ParseSampler(s)
	if err != nil {
		return err
	}
	opt.Sampler = m
	return nil
}

// target sets opt's target standard error from --target-se,
// --target-outputs and --max-trials.
func target(cmd *cobra.Command, v *settings, opt *engine.Options) error {
	se := v.GetString("target-se")
	outs := v.GetString("target-outputs")
	maxs := v.GetString("max-trials")
	if se == "" {
		if outs != "" || maxs != "" {
			return fmt.Errorf("--target-outputs and --max-trials go with --target-se, e.g. --target-se 0.5%%")
		}
		return nil
	}
	if cmd.Flags().Changed("trials") {
		return fmt.Errorf("--target-se chooses the number of trials; give --max-trials instead of --trials")
	}
	t, err := engine.ParseTarget(se)
	if err != nil {
		return err
	}
	for _, o := range strings.Split(outs, ",") {
		if o = strings.TrimSpace(o); o != "" {
			t.Outputs = append(t.Outputs, o)
		}
	}
	if maxs != "" {
		n, err := scenario.ParseCount(maxs)
		if err != nil || n < 1 || n > maxTrials {
			return fmt.Errorf("--max-trials %q: want a whole number of trials from 1 to %s, such as 1m", maxs, money.FormatNumber(maxTrials))
		}
		t.MaxTrials = int(n)
	}
	t.Warn = func(msg string) { fmt.Fprintln(cmd.ErrOrStderr(), "settle: "+msg) }
	opt.Target = &t
	return nil
}
