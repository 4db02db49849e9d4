package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/compare"
	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/project"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/scenario"
)

func newCompareCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "compare OLD NEW",
		Short: "Compare two runs output by output and judge the change by a policy",
		Long: `Compare shows, for every output present in both, the old and new mean,
the difference with its 95% confidence interval, the relative change, the
changes in p5, p50 and p95, and whether the change is statistically
significant, naming the tests used.

OLD and NEW are each a result document (.json, from settle run --format
json), a samples file (from settle run --samples: settle's format, .csv or
.parquet) or a scenario (.yaml),
which is run: with --seed and --trials if given, else with the seed and
trial count of the other side, else with OLD's. With samples on both
sides the whole distributions are compared too (Kolmogorov–Smirnov), and
means are compared trial by trial when the seeds are the same.

A policy decides pass or fail: conditions over each output's comparison
fields, given for every output with --fail-if or per output in a policy
file (--policy). Fields: ` + fieldNames() + `.
A policy file may also judge figures (the scenario's statistics,
statistics.NAME; the parties' parties.NAME.ce and
parties.NAME.reservation; values of information and Sobol' indices) by
naming them under outputs, or all of them under figures; see
docs/results.md.

Exit status: 0 when no condition fires, 1 when one does, 2 on bad input.`,
		Example: `  settle compare baseline.json result.json
  settle compare old/scenarios/reference.yaml scenarios/reference.yaml --format markdown
  settle compare old.samples new.samples --fail-if 'significant && abs(mean_rel) > 0.02 || p95_rel > 0.05'
  settle compare base.json scenarios/reference.yaml --policy policy.yaml`,
		Args: cobra.ExactArgs(2),
		RunE: runCompare,
	}
	f := cmd.Flags()
	f.StringArray("fail-if", nil, "fail when `CONDITION` holds for any output, e.g. 'significant && abs(mean_rel) > 0.02'; repeatable")
	f.String("policy", "", "read conditions, for all outputs or per output, from the YAML policy `FILE`")
	f.String("alpha", "", "significance level (default: the policy's, else 0.05)")
	f.String("format", "", "output format: text (or table), markdown, json or csv (default: from -o's extension, else text)")
	f.StringP("output", "o", "", "write the comparison to `FILE` (atomically) instead of standard output")
	f.String("trials", "", "trials for scenarios that are run (default: the other side's, else OLD's)")
	f.String("seed", "", "seed for scenarios that are run (default: the other side's, else OLD's)")
	f.Int("workers", 0, "goroutines to run trials on (default: one per CPU)")
	return cmd
}

func fieldNames() string {
	var names []string
	for _, f := range compare.Fields {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

func runCompare(cmd *cobra.Command, args []string) error {
	f := cmd.Flags()
	out, _ := f.GetString("output")
	format, _ := f.GetString("format")
	format, err := compareFormat(format, out)
	if err != nil {
		return failed(exitBadInput, err)
	}
	pol, err := readPolicy(cmd)
	if err != nil {
		return failed(exitBadInput, err)
	}
	alpha, err := alphaFlag(cmd, pol)
	if err != nil {
		return failed(exitBadInput, err)
	}

	popt, err := projectOptions(cmd)
	if err != nil {
		return failed(exitBadInput, err)
	}
	policyFile, _ := f.GetString("policy")
	inputs := fileInputs("the policy", policyFile)
	// Read the sides that are files of results first: a scenario is run
	// with their seed and trial count.
	sides := make([]*compare.Side, 2)
	progs := make([]*engineProgram, 2)
	for i, path := range args {
		if isScenario(path) {
			sp := engine.Spec{Path: path, Project: popt}
			p, err := sp.Load()
			if err != nil {
				return failed(exitBadInput, err)
			}
			progs[i] = &engineProgram{path: path, prog: p}
			inputs = append(inputs, programInputs(sp, p)...)
			continue
		}
		s, err := readSide(path, popt)
		if err != nil {
			return failed(exitBadInput, err)
		}
		sides[i] = s
		inputs = append(inputs, fileInputs("an input of the comparison", path)...)
	}
	if err := checkOutputs(inputs, out); err != nil {
		return failed(exitBadInput, err)
	}
	if progs[0] != nil || progs[1] != nil {
		opt, err := runOptions(cmd, sides, progs)
		if err != nil {
			return failed(exitBadInput, err)
		}
		ctx := cmd.Context() // cancelled on SIGINT or SIGTERM (catchSignals), once the signal is recorded
		for i, p := range progs {
			if p == nil {
				continue
			}
			res, err := engine.Run(ctx, p.prog, opt)
			if err != nil {
				if ctx.Err() != nil {
					return failed(exitBadInput, errors.New("interrupted"))
				}
				return failed(exitBadInput, err)
			}
			sides[i] = compare.FromResult(p.path, res)
		}
	}

	r, err := compare.Compare(sides[0], sides[1], compare.Options{Alpha: alpha, Policy: pol})
	if errors.Is(err, compare.ErrNothingInCommon) {
		var why []string
		for _, m := range r.NotCompared {
			why = append(why, fmt.Sprintf("%s (%s)", m.Name, m.Reason))
		}
		return failed(exitBadInput, fmt.Errorf("%s and %s: %v: %s", args[0], args[1], err, strings.Join(why, ", ")))
	}
	if err != nil {
		return failed(exitBadInput, err)
	}
	if pol != nil {
		var names []string
		for _, w := range r.Outputs {
			names = append(names, w.Name)
		}
		// A policy may be shared by several scenarios: an output it names
		// that is not here is noted, not an error (settle test checks the
		// names against all its scenarios).
		var le *diag.ListError
		if err := pol.CheckOutputs(names); errors.As(err, &le) {
			for _, d := range le.List {
				r.Notes = append(r.Notes, d.String())
			}
		}
	}
	if err := emit(cmd, out, func(w io.Writer) error { return compare.Write(w, r, format) }); err != nil {
		return err
	}
	if r.Failed {
		subjects := map[string]bool{}
		for _, f := range r.Fired() {
			subjects[f[0]] = true
		}
		return failed(exitFailed, fmt.Errorf("policy failed for %s", plural(len(subjects), "output")))
	}
	return nil
}

type engineProgram struct {
	path string
	prog *model.Program
}

// isScenario reports whether path names a scenario file, to be run.
func isScenario(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml":
		return true
	}
	return false
}

// readSide reads a result document (.json) or a samples file: settle's
// binary format, Parquet or CSV.
func readSide(path string, popt project.Options) (*compare.Side, error) {
	if strings.EqualFold(filepath.Ext(path), ".json") {
		data, err := project.ReadArg(path, project.Data, popt)
		if err != nil {
			return nil, err
		}
		d, err := report.Read(bytes.NewReader(data), path)
		if err != nil {
			return nil, err
		}
		return compare.FromDocument(path, d), nil
	}
	fh, err := project.OpenArg(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	return compare.ReadSamples(fh, path)
}

// runOptions are the seed and trials for running scenarios: the flags',
// else those of a side read from a file, else OLD's own.
func runOptions(cmd *cobra.Command, sides []*compare.Side, progs []*engineProgram) (engine.Options, error) {
	var opt engine.Options
	switch {
	case sides[0] != nil:
		opt.Seed, opt.Trials = sides[0].Seed, sides[0].Trials
	case sides[1] != nil:
		opt.Seed, opt.Trials = sides[1].Seed, sides[1].Trials
	default:
		opt = engine.Defaults(progs[0].prog)
	}
	f := cmd.Flags()
	if s, _ := f.GetString("trials"); s != "" {
		n, err := scenario.ParseCount(s)
		if err != nil || n < 1 || n > maxTrials {
			return opt, fmt.Errorf("--trials %q: want a whole number of trials from 1 to %s, such as 200000, 200_000 or 200k", s, money.FormatNumber(maxTrials))
		}
		opt.Trials = int(n)
	}
	if s, _ := f.GetString("seed"); s != "" {
		n, err := scenario.ParseCount(s)
		if err != nil {
			return opt, fmt.Errorf("--seed %q: want a whole number such as 42", s)
		}
		opt.Seed = n
	}
	opt.Workers, _ = f.GetInt("workers")
	if opt.Workers < 0 {
		return opt, fmt.Errorf("--workers %d: want 0 (one per CPU) or more", opt.Workers)
	}
	noteWorkers(cmd, opt.Workers)
	return opt, nil
}

// readPolicy gathers the policy from --policy and --fail-if; nil when
// there is neither.
func readPolicy(cmd *cobra.Command) (*compare.Policy, error) {
	f := cmd.Flags()
	file, _ := f.GetString("policy")
	conds, _ := f.GetStringArray("fail-if")
	if file == "" && len(conds) == 0 {
		return nil, nil
	}
	pol := &compare.Policy{}
	if file != "" {
		popt, err := projectOptions(cmd)
		if err != nil {
			return nil, err
		}
		data, err := project.ReadArg(file, project.Scenario, popt)
		if err != nil {
			return nil, err
		}
		if pol, err = compare.ParsePolicy(file, data); err != nil {
			return nil, err
		}
	}
	for _, c := range conds {
		if err := pol.AddFailIf(c); err != nil {
			return nil, err
		}
	}
	return pol, nil
}

// alphaFlag is --alpha, else the policy's, else 0 (the default).
func alphaFlag(cmd *cobra.Command, pol *compare.Policy) (float64, error) {
	s, _ := cmd.Flags().GetString("alpha")
	if s == "" {
		if pol != nil {
			return pol.Alpha, nil
		}
		return 0, nil
	}
	a, err := strconv.ParseFloat(s, 64)
	if err != nil || !(a > 0 && a < 1) {
		return 0, fmt.Errorf("--alpha %q: want a significance level between 0 and 1, such as 0.05", s)
	}
	return a, nil
}

// compareFormat is the format asked for, or the one -o's extension
// implies, or text.
func compareFormat(format, out string) (string, error) {
	return pickFormat(format, out, compare.Formats, "text")
}
