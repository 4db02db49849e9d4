package main

import (
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/spf13/cobra"
	"github.com/spf13/viper"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/outfile"
	"github.com/settle-sim/settle/engine/project"
)

// addProjectFlags adds the flags that bound what settle reads: every
// command takes them.
func addProjectFlags(cmd *cobra.Command) {
	f := cmd.PersistentFlags()
	f.String("root", "", "the project root: files a scenario refers to must lie inside `DIR` (default: the nearest directory above the scenario holding settle.yaml or .git, else the scenario's own)")
	f.String("max-file-size", "", "the largest file settle reads, e.g. 64MiB (default: 16MiB for scenario, rule and position files, 256MiB for CSV data and result documents)")
}

// projectOptions reads --root and --max-file-size, or SETTLE_ROOT and
// SETTLE_MAX_FILE_SIZE, or root and max-file-size in settle.yaml.
func projectOptions(cmd *cobra.Command) (project.Options, error) {
	v, err := config(cmd)
	if err != nil {
		return project.Options{}, err
	}
	return projectOptionsOf(v)
}

func projectOptionsOf(v *viper.Viper) (project.Options, error) {
	v.BindEnv("root", "SETTLE_ROOT")
	v.BindEnv("max-file-size", "SETTLE_MAX_FILE_SIZE")
	o := project.Options{Root: v.GetString("root")}
	if s := v.GetString("max-file-size"); s != "" {
		n, err := project.ParseSize(s)
		if err != nil {
			return o, fmt.Errorf("--max-file-size: %v", err)
		}
		o.MaxFileSize = n
	}
	return o, nil
}

// planOutputs plans the files a command will write, before it does any
// work: out, the result, is standard output when empty; others maps
// flags such as --samples to their files, "" when not given. A path that
// cannot be written (a directory, a missing directory, a block device)
// is refused now.
func planOutputs(out string, others ...string) ([]outfile.Output, error) {
	flag := "-o"
	if out == "" {
		flag = ""
	}
	t, err := outfile.Plan(out)
	if err != nil {
		return nil, err
	}
	outs := []outfile.Output{{Flag: flag, Target: t}}
	for i := 0; i+1 < len(others); i += 2 {
		if others[i+1] == "" {
			continue
		}
		t, err := outfile.Plan(others[i+1])
		if err != nil {
			return nil, fmt.Errorf("%s: %w", others[i], err)
		}
		outs = append(outs, outfile.Output{Flag: others[i], Target: t})
	}
	return outs, nil
}

// checkOutputs plans the outputs and refuses, before the run, any that
// is one of its inputs or another output.
func checkOutputs(inputs []outfile.Input, out string, others ...string) error {
	outs, err := planOutputs(out, others...)
	if err != nil {
		return err
	}
	return outfile.Check(outs, inputs)
}

// programInputs are the files a loaded program was read from: the
// scenario, the files it refers to and the positions applied.
func programInputs(sp engine.Spec, p *model.Program) []outfile.Input {
	var ins []outfile.Input
	if p == nil || p.Scenario.Project == nil {
		return []outfile.Input{{Role: "the scenario", Path: sp.Path}}
	}
	for _, f := range p.Scenario.Project.Files() {
		role := "a file the scenario refers to"
		switch {
		case f.Path == sp.Path:
			role = "the scenario"
		case slices.Contains(sp.Positions, f.Path):
			role = "a position file"
		}
		ins = append(ins, outfile.Input{Role: role, Path: f.Path, Info: f.Info})
	}
	for _, v := range p.Views() { // a scenario with stages: its parties' beliefs
		if v != nil {
			for _, in := range programInputs(sp, v) {
				if in.Role == "a file the scenario refers to" && !slices.ContainsFunc(ins, func(x outfile.Input) bool { return x.Path == in.Path }) {
					in.Role = "a party's view"
					ins = append(ins, in)
				}
			}
		}
	}
	return ins
}

// viewInputs loads each party's view (see engine.ApplyViews) before the
// run, so that a bad view file is reported before any trial is run, and
// returns the files they read.
func viewInputs(sp engine.Spec, views map[string][]string) ([]outfile.Input, error) {
	var ins []outfile.Input
	for _, party := range slices.Sorted(maps.Keys(views)) {
		s := sp
		s.Positions = append(slices.Clone(sp.Positions), views[party]...)
		p, err := s.Load()
		if err != nil {
			return nil, fmt.Errorf("%s's view: %w", party, err)
		}
		ins = append(ins, programInputs(s, p)...)
	}
	return ins, nil
}

// fileInputs are files named on the command line that a command reads.
func fileInputs(role string, paths ...string) []outfile.Input {
	var ins []outfile.Input
	for _, p := range paths {
		ins = append(ins, outfile.Input{Role: role, Path: p})
	}
	return ins
}

// writeFile writes path with write: atomically for a regular file or a
// new path, through for a device, FIFO, socket or standard output
// ("-"). It stops, leaving nothing, when the command is interrupted.
func writeFile(cmd *cobra.Command, path string, write func(io.Writer) error) error {
	t, err := outfile.Plan(path)
	if err != nil {
		return err
	}
	t.Stdout, t.Stderr = cmd.OutOrStdout(), cmd.ErrOrStderr()
	return t.Write(cmd.Context(), write)
}
