package main

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/scenario"
)

func newCheckCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "check FILE...",
		Short: "Load, compile and type-check scenario and rule files without running them",
		Long: `Check reports every problem in each file, with its file, line and column,
and notes where an entry overrides one from an included file. It exits
with status 1 when it finds any problem.`,
		Example: `  settle check scenarios/*.yaml rules/*.yaml
  settle check scenarios/reference.yaml --position rules/positions/buyer.yaml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			out, errw := cmd.OutOrStdout(), cmd.ErrOrStderr()
			bad := 0
			positions, _ := cmd.Flags().GetStringArray("position")
			popt, err := projectOptions(cmd)
			if err != nil {
				return failed(exitBadInput, err)
			}
			for _, path := range args {
				sp := engine.Spec{Path: path, Positions: positions, Project: popt}
				p, notes, err := sp.Check()
				for _, n := range notes {
					fmt.Fprintln(out, n)
				}
				if err != nil {
					bad++
					printError(errw, err)
					continue
				}
				kind := "scenario"
				if p.Scenario.IsRuleFile {
					kind = "rule file"
				}
				stages := ""
				if names := p.Scenario.StageNames(); len(names) > 0 {
					stages = fmt.Sprintf(" and %s (%s)", plural(len(names), "stage"), strings.Join(names, " → "))
				}
				fmt.Fprintf(out, "%s: ok: %s with %s, %s, %s%s\n", path, kind,
					plural(countKind(p.Scenario, scenario.Input), "input"),
					plural(countKind(p.Scenario, scenario.Rule), "rule"),
					plural(len(p.Outputs), "output"), stages)
			}
			if bad > 0 {
				return failed(exitFailed, fmt.Errorf("%d of %d files have problems", bad, len(args)))
			}
			return nil
		},
	}
	cmd.Flags().StringArray("position", nil, "apply a position `FILE` to each scenario and list what it replaces; repeatable")
	return cmd
}

func countKind(sc *scenario.Scenario, kind scenario.Kind) int {
	n := 0
	for _, v := range sc.Defs {
		if v.Kind == kind {
			n++
		}
	}
	return n
}

// printError writes err to w; a list of diagnostics one a line.
func printError(w io.Writer, err error) {
	if diag.PrintList(w, err) {
		return
	}
	var ee *model.EvalError
	if errors.As(err, &ee) {
		fmt.Fprintln(w, ee) // it starts with its position
		return
	}
	fmt.Fprintln(w, "settle:", err)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
