// Command settle simulates the settlement of a contract dispute: it runs
// a scenario's rules over its uncertain inputs trial by trial and reports
// what each party can expect from court and from settling.
//
// Usage:
//
//	settle run SCENARIO [--trials N] [--seed S] [--set NAME=VALUE]... [--format table|json|csv|markdown] [-o FILE]
//	settle check FILE...
//	settle version
//
// Configuration comes, highest first, from flags, SETTLE_* environment
// variables (SETTLE_TRIALS, SETTLE_WORKERS, …), settle.yaml in the working
// directory (or --config FILE), and the scenario's own defaults.
//
// Exit status is 0 on success, 1 when a check finds problems and 2 on bad
// usage or bad input; 130 or 143 when stopped by SIGINT or SIGTERM.
package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// Exit codes.
const (
	exitOK       = 0
	exitFailed   = 1 // a check or comparison failed
	exitBadInput = 2 // bad usage or bad input
)

func main() {
	os.Exit(Main(os.Args[1:], os.Stdout, os.Stderr))
}

// exitError carries an exit code up from a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// failed returns an error that exits with code, its message already shown
// when err is nil.
func failed(code int, err error) error { return &exitError{code: code, err: err} }

// Main runs settle with args and returns the exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	ctx, caught, stop := catchSignals(stderr)
	defer stop()
	root := newRoot(stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if s := caught(); s != nil {
		// Stopped by SIGINT or SIGTERM: whatever the command made of
		// it, say so and exit as a shell would report it.
		fmt.Fprintf(stderr, "settle: stopped by %s\n", signalName(s))
		return signalExit(s)
	}
	if err == nil {
		return exitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			printError(stderr, ee.err)
		}
		return ee.code
	}
	// Cobra's own errors: unknown commands and flags, wrong arguments.
	fmt.Fprintln(stderr, "settle:", err)
	fmt.Fprintln(stderr, "Run 'settle --help' for usage.")
	return exitBadInput
}

func newRoot(stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "settle",
		Short: "Simulate the settlement of a contract dispute",
		Long: `settle runs a scenario's compensation, cost and settlement rules over its
uncertain inputs, trial by trial, and reports the outcome distribution
of each party: what the supplier nets, what the buyer pays, court
against settlement.`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().String("config", "", "read configuration from `FILE` instead of ./settle.yaml")
	addProjectFlags(root)
	root.AddCommand(newRunCmd(), newCheckCmd(), newVersionCmd(), newSweepCmd(), newWatchCmd())
	root.AddCommand(newReportCmd(), newPlotCmd())
	root.AddCommand(newCompareCmd(), newTestCmd())
	return root
}
