// Package engine runs Monte Carlo simulations of settlement scenarios:
// it loads a scenario with its rule files, compiles it, evaluates it
// trial by trial on all cores and summarises every output and every
// sampled input.
//
// A run is reproducible: each trial draws from its own random stream,
// derived from the seed and the trial's index, and results are gathered
// by trial index, so the same scenario, seed and trial count give the
// same result whatever the number of workers.
package engine

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/scenario"
	"github.com/settle-sim/settle/engine/stats"
)

// Version is settle's version, recorded in every result document.
const Version = "0.1.0"

// Setting replaces an input's expression, as `--set name=value` does.
type Setting = scenario.Setting

// ParseSetting parses "name=value".
func ParseSetting(s string) (Setting, error) {
	name, value, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return Setting{}, fmt.Errorf("--set %q: write NAME=VALUE, e.g. --set claim=£600m or --set p_liability=beta(5,5)", s)
	}
	return Setting{Name: name, Value: strings.TrimSpace(value)}, nil
}

// Load loads the scenario at path, applies the settings in order and
// compiles it. Problems in the files are returned together as a
// *diag.ListError.
func Load(path string, settings ...Setting) (*model.Program, error) {
	sc, err := scenario.Load(path)
	if err != nil {
		return nil, err
	}
	for _, s := range settings {
		if err := sc.Set(s.Name, s.Value); err != nil {
			return nil, err
		}
	}
	return model.Compile(sc)
}

// Check loads and compiles the scenario or rule file at path without
// running it. It returns the compiled program (nil when there are
// errors), the notes found (such as one entry overriding another) and
// every error at once as a *diag.ListError.
func Check(path string) (*model.Program, diag.List, error) {
	sc, err := scenario.Load(path)
	if err != nil {
		return nil, nil, err
	}
	p, err := model.Compile(sc)
	return p, sc.Notes, err
}

// Options control a run.
type Options struct {
	Trials  int    // number of trials, at least 1
	Seed    uint64 // the seed from which every trial's stream derives
	Workers int    // goroutines to use; 0 means one per CPU

	// Progress, if set, is called from the workers, possibly at the same
	// time, with the number of trials done so far each time a chunk of
	// trials finishes. It never affects the result.
	Progress func(done int)
}

// Column is the per-trial values of one var with their summary.
type Column struct {
	Var     *model.Var
	Values  []float64 // one per trial, in trial order; bools are 0 or 1
	Summary stats.Summary
}

// Result is the outcome of a run.
type Result struct {
	Program  *model.Program
	Seed     uint64
	Trials   int
	Settings []Setting
	Outputs  []*Column // in the scenario's order
	Inputs   []*Column // the sampled inputs, in evaluation order
}

// Default trial count and seed for scenarios that give none.
const (
	DefaultTrials = 10_000
	DefaultSeed   = 1
)

// Defaults returns the options a scenario asks for: its own trial count
// and seed, or DefaultTrials and DefaultSeed.
func Defaults(p *model.Program) Options {
	opt := Options{Trials: DefaultTrials, Seed: DefaultSeed}
	if p.Scenario.HasTrials {
		opt.Trials = p.Scenario.Trials
	}
	if p.Scenario.HasSeed {
		opt.Seed = p.Scenario.Seed
	}
	return opt
}

// chunk is the number of consecutive trials a worker takes at a time.
const chunk = 1024

// Run evaluates opt.Trials trials of p and summarises them.
func Run(ctx context.Context, p *model.Program, opt Options) (*Result, error) {
	if opt.Trials < 1 {
		return nil, fmt.Errorf("trials must be at least 1, not %d", opt.Trials)
	}
	workers := opt.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	res := &Result{Program: p, Seed: opt.Seed, Trials: opt.Trials, Settings: p.Scenario.Settings}

	// Columns for the outputs and the sampled inputs; a var that is both
	// shares one column.
	byVar := map[*model.Var]*Column{}
	column := func(v *model.Var) *Column {
		if c, ok := byVar[v]; ok {
			return c
		}
		c := &Column{Var: v, Values: make([]float64, opt.Trials)}
		if !v.Random {
			for i := range c.Values {
				c.Values[i] = v.Const
			}
		}
		byVar[v] = c
		return c
	}
	for _, v := range p.Outputs {
		res.Outputs = append(res.Outputs, column(v))
	}
	for _, v := range p.Sampled {
		res.Inputs = append(res.Inputs, column(v))
	}
	var tracked []*Column
	var slots []int
	for _, c := range append(append([]*Column{}, res.Outputs...), res.Inputs...) {
		if c.Var.Random && !containsColumn(tracked, c) {
			tracked = append(tracked, c)
			slots = append(slots, c.Var.Slot)
		}
	}

	nchunks := (opt.Trials + chunk - 1) / chunk
	var next, done atomic.Int64
	var firstErr atomic.Int64
	firstErr.Store(math.MaxInt64)
	errs := make([]error, workers)
	errAt := make([]int, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := p.NewState()
			for {
				k := int(next.Add(1) - 1)
				if k >= nchunks || ctx.Err() != nil {
					return
				}
				start, end := k*chunk, min((k+1)*chunk, opt.Trials)
				if int64(start) > firstErr.Load() {
					continue // an earlier trial has failed already
				}
				if i, err := evalChunk(p, s, opt.Seed, start, end, tracked, slots); err != nil {
					if errs[w] == nil || i < errAt[w] {
						errs[w], errAt[w] = err, i
					}
					for {
						cur := firstErr.Load()
						if int64(i) >= cur || firstErr.CompareAndSwap(cur, int64(i)) {
							break
						}
					}
				}
				if opt.Progress != nil {
					opt.Progress(int(done.Add(int64(end - start))))
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if first := firstErr.Load(); first != math.MaxInt64 {
		for w, err := range errs {
			if err != nil && int64(errAt[w]) == first {
				return nil, err
			}
		}
	}
	summarize(append(append([]*Column{}, res.Outputs...), res.Inputs...), workers)
	return res, nil
}

// evalChunk evaluates trials [start, end) and stores the tracked values.
// It stops at the first failing trial and returns its index.
func evalChunk(p *model.Program, s *model.State, seed uint64, start, end int, cols []*Column, slots []int) (int, error) {
	for i := start; i < end; i++ {
		if err := p.Eval(s, seed, i); err != nil {
			return i, err
		}
		for k, slot := range slots {
			v := s.Slots[slot]
			if v-v != 0 { // NaN or ±Inf
				return i, nonFinite(cols[k].Var, i, v)
			}
			cols[k].Values[i] = v
		}
	}
	return 0, nil
}

func nonFinite(v *model.Var, trial int, x float64) error {
	return &model.EvalError{Trial: trial, Name: v.Name, Pos: v.Pos,
		Msg: fmt.Sprintf("value is %v; check for log or sqrt of a negative number, division by zero or overflow in it or the rules it uses", x)}
}

func containsColumn(cs []*Column, c *Column) bool {
	for _, x := range cs {
		if x == c {
			return true
		}
	}
	return false
}

// summarize computes every column's summary, columns in parallel.
func summarize(cols []*Column, workers int) {
	done := map[*Column]bool{}
	var todo []*Column
	for _, c := range cols {
		if !done[c] {
			done[c] = true
			todo = append(todo, c)
		}
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(workers, len(todo)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var scratch []float64
			for {
				k := int(next.Add(1) - 1)
				if k >= len(todo) {
					return
				}
				c := todo[k]
				if scratch == nil {
					scratch = make([]float64, len(c.Values))
				}
				bins := 20
				if c.Var.Type == model.Bool {
					bins = 2
				}
				c.Summary = stats.Summarize(c.Values, bins, scratch)
			}
		}()
	}
	wg.Wait()
}
