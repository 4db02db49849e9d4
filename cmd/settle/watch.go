package main

import (
	"time"

	"github.com/spf13/cobra"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/watch"
)

func newWatchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "watch SCENARIO [--position FILE]...",
		Short: "Re-run a scenario on every save and show what changed",
		Long: `Watch runs the scenario, then runs it again each time the scenario, a
file it includes or a position applied to it is saved, showing the new
summary and what changed since the previous run. A file saved broken
shows its errors and watching goes on. Stop with Ctrl-C.`,
		Example: `  settle watch scenarios/reference.yaml --trials 50k
  settle watch scenarios/reference.yaml --position rules/positions/buyer.yaml`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			v, err := config(cmd)
			if err != nil {
				return failed(exitBadInput, err)
			}
			sp, err := spec(cmd, args[0])
			if err != nil {
				return failed(exitBadInput, err)
			}
			if sp.Project, err = projectOptionsOf(v); err != nil {
				return failed(exitBadInput, err)
			}
			noteWorkers(cmd, v.GetInt("workers"))
			interval, _ := cmd.Flags().GetDuration("interval")
			ctx := cmd.Context() // cancelled on SIGINT or SIGTERM (catchSignals), once the signal is recorded
			return watch.Loop(ctx, watch.Config{
				Spec: sp,
				Options: func(p *model.Program) (engine.Options, error) {
					opt, err := options(v, p)
					if err == nil {
						err = sensitivityOptions(v, &opt)
					}
					return opt, err
				},
				Interval: interval,
				Out:      cmd.OutOrStdout(),
				Errs:     cmd.ErrOrStderr(),
			})
		},
	}
	f := cmd.Flags()
	addScenarioFlags(f)
	addSensitivityFlags(f, "false")
	f.Duration("interval", 250*time.Millisecond, "how often to look for saved files")
	return cmd
}
