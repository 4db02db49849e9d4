package main

import (
	"github.com/spf13/pflag"

	"github.com/settle-sim/settle/engine/progress"
)

// addProgressFlag adds --progress to a command that runs trials.
func addProgressFlag(f *pflag.FlagSet) {
	f.String("progress", "auto", "progress bar on standard error: auto (on a terminal, for runs over a second), always or never")
}

// progressMode is the mode --progress (or SETTLE_PROGRESS) asks for;
// --quiet means never.
func progressMode(v *settings) (progress.Mode, error) {
	m, err := progress.ParseMode(v.GetString("progress"))
	if err != nil {
		return m, v.blame("progress", err)
	}
	quiet, err := v.Bool("quiet")
	if err != nil {
		return m, err
	}
	if quiet {
		m = progress.Never
	}
	return m, nil
}
