package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"

	"github.com/settle-sim/settle/engine/baseline"
	"github.com/settle-sim/settle/engine/compare"
)

func newTestCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "test [DIR]",
		Short: "Run every scenario under a directory and compare each with its committed baseline",
		Long: `Test runs every scenario under DIR (default scenarios/), with its own seed
and trial count, compares each result with its baseline DIR/baselines/NAME.json
and reports them all in one table. A scenario that fails to load or run is
reported and the others are still tested; files without outputs (rule
files) are skipped.

Changes are judged by the policy in DIR/baselines/policy.yaml, or --policy
FILE, plus any --fail-if conditions; with none, a statistically significant
change in any output fails. A missing baseline, or outputs added, removed or
changed unit since it was recorded, fail too.

--update writes the baselines instead. They are result documents, the same
byte for byte on any machine for the same settle version, so commit them:
a diff in Git is a real change.

Exit status: 0 when every scenario passes, 1 when any fails, 2 when any
cannot be loaded or run, or on bad usage.`,
		Example: `  settle test
  settle test scenarios/ --format markdown >> "$GITHUB_STEP_SUMMARY"
  settle test --update
  settle test --fail-if 'significant && abs(mean_rel) > 0.01'`,
		Args: cobra.MaximumNArgs(1),
		RunE: runTest,
	}
	f := cmd.Flags()
	f.Bool("update", false, "rewrite the baselines from this run instead of comparing")
	f.StringArray("fail-if", nil, "also fail when `CONDITION` holds for any output; repeatable")
	f.String("policy", "", "read the policy from `FILE` (default: DIR/baselines/policy.yaml, if present)")
	f.String("alpha", "", "significance level (default: the policy's, else 0.05)")
	f.String("format", "", "output format: text (or table), markdown, json or csv (default: from -o's extension, else text)")
	f.StringP("output", "o", "", "write the report to `FILE` (atomically) instead of standard output")
	f.Int("workers", 0, "goroutines to run trials on (default: one per CPU)")
	f.BoolP("quiet", "q", false, "do not report each scenario on standard error as it finishes")
	return cmd
}

func runTest(cmd *cobra.Command, args []string) error {
	f := cmd.Flags()
	dir := "scenarios"
	if len(args) == 1 {
		dir = args[0]
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return failed(exitBadInput, fmt.Errorf("%s is not a directory of scenarios", dir))
	}
	out, _ := f.GetString("output")
	format, _ := f.GetString("format")
	format, err := pickFormat(format, out, baseline.Formats, "text")
	if err != nil {
		return failed(exitBadInput, err)
	}
	var pol *compare.Policy
	if file, _ := f.GetString("policy"); file != "" {
		if pol, err = readPolicy(cmd); err != nil {
			return failed(exitBadInput, err)
		}
	} else {
		if pol, _, err = baseline.LoadPolicy(dir); err != nil {
			return failed(exitBadInput, err)
		}
		conds, _ := f.GetStringArray("fail-if")
		if len(conds) > 0 && pol == nil {
			pol = &compare.Policy{}
		}
		for _, c := range conds {
			if err := pol.AddFailIf(c); err != nil {
				return failed(exitBadInput, err)
			}
		}
	}
	alpha, err := alphaFlag(cmd, pol)
	if err != nil {
		return failed(exitBadInput, err)
	}
	update, _ := f.GetBool("update")
	workers, _ := f.GetInt("workers")
	if workers < 0 {
		return failed(exitBadInput, fmt.Errorf("--workers %d: want 0 (one per CPU) or more", workers))
	}
	noteWorkers(cmd, workers)
	quiet, _ := f.GetBool("quiet")
	opt := baseline.Options{Dir: dir, Update: update, Policy: pol, Alpha: alpha, Workers: workers}
	if opt.Project, err = projectOptions(cmd); err != nil {
		return failed(exitBadInput, err)
	}
	inputs, err := baseline.Files(opt)
	if err != nil {
		return failed(exitBadInput, err)
	}
	if file, _ := f.GetString("policy"); file != "" {
		inputs = append(inputs, fileInputs("the policy", file)...)
	}
	if err := checkOutputs(inputs, out); err != nil {
		return failed(exitBadInput, err)
	}
	if !quiet {
		opt.Logf = func(format string, args ...any) {
			fmt.Fprintf(cmd.ErrOrStderr(), "settle: "+format+"\n", args...)
		}
	}
	ctx := cmd.Context() // cancelled on SIGINT or SIGTERM (catchSignals), once the signal is recorded
	rep, err := baseline.Run(ctx, opt)
	if err != nil {
		return failed(exitBadInput, err)
	}
	if err := emit(cmd, out, func(w io.Writer) error { return baseline.Write(w, rep, format) }); err != nil {
		return err
	}
	switch worst := rep.Worst(); {
	case worst == baseline.Broken:
		return failed(exitBadInput, fmt.Errorf("%s", rep.Counts()))
	case worst.Failing():
		return failed(exitFailed, fmt.Errorf("%s", rep.Counts()))
	}
	return nil
}
