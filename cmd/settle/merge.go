package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/project"
	"github.com/settle-sim/settle/engine/report"
)

func newMergeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "merge PART...",
		Short: "Merge the partial results of a sharded run or sweep into its result",
		Long: `Merge reads the partial results that settle run --shard K/N (or settle
sweep --shard K/N) wrote for every K from 0 to N−1, in any order, and
writes the result document: the same bytes as the run without shards.
It refuses parts that do not belong together (another scenario, seed,
trial count, version or settings), shards missing or given twice, and
any part whose file is corrupt, naming which. It reloads the scenario
from the path the parts record and checks its files are unchanged.`,
		Example: `  for k in 0 1 2 3; do settle run scenarios/one-step.yaml --trials 40m --shard $k/4 -o part-$k.settle; done
  settle merge part-*.settle -o result.json`,
		Args: cobra.MinimumNArgs(1),
		RunE: merge,
	}
	f := cmd.Flags()
	f.String("format", "", "output format: table, json, csv or markdown (default: from -o's extension, else table)")
	f.StringP("output", "o", "", "write the result to `FILE` (atomically) instead of standard output")
	f.BoolP("quiet", "q", false, "do not report timing on standard error")
	return cmd
}

func merge(cmd *cobra.Command, args []string) error {
	v, err := config(cmd)
	if err != nil {
		return failed(exitBadInput, err)
	}
	out := v.GetString("output")
	format, err := outputFormat(v.GetString("format"), out)
	if err != nil {
		return failed(exitBadInput, err)
	}
	popt, err := projectOptionsOf(v)
	if err != nil {
		return failed(exitBadInput, err)
	}
	start := time.Now()
	parts, err := engine.ReadParts(args, openPart)
	if err != nil {
		return failed(exitBadInput, err)
	}
	ctx := context.Background()
	var write func(io.Writer) error
	if parts[0].Identity().Kind == "sweep" {
		res, err := engine.MergeSweep(ctx, parts, args, popt)
		if err != nil {
			return failed(exitBadInput, err)
		}
		doc := report.NewSweep(res)
		write = func(w io.Writer) error { return report.WriteSweep(w, doc, format) }
	} else {
		res, err := engine.Merge(ctx, parts, args, popt)
		if err != nil {
			return failed(exitBadInput, err)
		}
		doc := report.New(res)
		write = func(w io.Writer) error { return report.Write(w, doc, format) }
	}
	if err := emit(cmd, out, write); err != nil {
		return err
	}
	if !v.GetBool("quiet") {
		fmt.Fprintf(cmd.ErrOrStderr(), "settle: merged %d parts in %s\n", len(parts), time.Since(start).Round(time.Millisecond))
	}
	return nil
}

// openPart opens a partial result named on the command line: a regular
// file or a pipe, streamed (parts of runs that keep every value are
// large).
func openPart(name string) (io.ReadCloser, error) { return project.OpenArg(name) }

// writePart writes a partial result to out, atomically; a shard's
// result goes to a file, never to a terminal.
func writePart(cmd *cobra.Command, out string, pt *engine.Part) error {
	if out == "" {
		return failed(exitBadInput, fmt.Errorf("--shard %s: name the partial result's file with -o, e.g. -o part-%d.settle", pt.Shard(), pt.Shard().K))
	}
	return emit(cmd, out, pt.Write)
}
