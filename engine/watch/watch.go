// Package watch re-runs a scenario whenever it, a file it includes or a
// position applied to it is saved, and reports what changed since the
// previous run. A file saved broken shows its errors and watching goes
// on.
package watch

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/report"
)

// Config says what to watch and how to run it.
type Config struct {
	Spec engine.Spec
	// Options returns the run options for a freshly loaded program; it
	// lets trials and seed follow the scenario's own defaults.
	Options func(p *model.Program) (engine.Options, error)
	// Interval is how often files are checked; 0 means 250ms.
	Interval time.Duration
	// Out receives each run's summary and changes; Errs the problems.
	Out, Errs io.Writer
	// Runs, if not nil, is called after each attempt with the number of
	// attempts so far (tests use it to step the loop).
	Runs func(n int)
}

// Loop runs the scenario, then again each time a file changes, until ctx
// is done. It returns nil when ctx is cancelled.
func Loop(ctx context.Context, c Config) error {
	if c.Interval <= 0 {
		c.Interval = 250 * time.Millisecond
	}
	var prev *report.Document
	var stamps map[string]time.Time
	files := []string{c.Spec.Path}
	files = append(files, c.Spec.Positions...)
	attempts := 0
	for {
		stamps = modTimes(files)
		doc, srcs, err := once(ctx, c)
		if ctx.Err() != nil {
			return nil
		}
		attempts++
		if err != nil {
			fmt.Fprintf(c.Errs, "%s: not run:\n", time.Now().Format("15:04:05"))
			printError(c.Errs, err)
			fmt.Fprintln(c.Errs, "settle: watching for the next save")
		} else {
			files = append(append([]string{c.Spec.Path}, c.Spec.Positions...), srcs...)
			stamps = modTimes(files)
			if err := report.WriteTable(c.Out, doc); err != nil {
				return err
			}
			if prev != nil {
				report.WriteChanges(c.Out, prev, doc)
			}
			prev = doc
		}
		if c.Runs != nil {
			c.Runs(attempts)
		}
		// Wait for a change.
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(c.Interval):
			}
			if changed(stamps, modTimes(files)) {
				// Let an editor finish writing before reading.
				time.Sleep(c.Interval / 5)
				break
			}
		}
	}
}

// once loads and runs the scenario, returning its document and the paths
// of the files it included.
func once(ctx context.Context, c Config) (*report.Document, []string, error) {
	p, err := c.Spec.Load()
	if err != nil {
		return nil, nil, err
	}
	opt, err := c.Options(p)
	if err != nil {
		return nil, nil, err
	}
	res, err := engine.Run(ctx, p, opt)
	if err != nil {
		return nil, nil, err
	}
	dir := filepath.Dir(c.Spec.Path)
	var srcs []string
	for _, s := range p.Scenario.Sources {
		srcs = append(srcs, filepath.Join(dir, filepath.FromSlash(s.Path)))
	}
	return report.New(res), srcs, nil
}

func modTimes(files []string) map[string]time.Time {
	m := make(map[string]time.Time, len(files))
	for _, f := range files {
		if fi, err := os.Stat(f); err == nil {
			m[f] = fi.ModTime()
		} else {
			m[f] = time.Time{}
		}
	}
	return m
}

func changed(a, b map[string]time.Time) bool {
	if len(a) != len(b) {
		return true
	}
	for f, t := range a {
		if !b[f].Equal(t) {
			return true
		}
	}
	return false
}

func printError(w io.Writer, err error) {
	if !diag.PrintList(w, err) {
		fmt.Fprintln(w, err)
	}
}
