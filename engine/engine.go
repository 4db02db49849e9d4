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
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/settle-sim/settle/engine/decision"
	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/project"
	"github.com/settle-sim/settle/engine/sampling"
	"github.com/settle-sim/settle/engine/scenario"
	"github.com/settle-sim/settle/engine/stats"
)

// Version is settle's version, recorded in every result document.
const Version = "0.2.0"

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
	return Spec{Path: path, Settings: settings}.Load()
}

// Check loads and compiles the scenario or rule file at path without
// running it. It returns the compiled program (nil when there are
// errors), the notes found (such as one entry overriding another) and
// every error at once as a *diag.ListError.
func Check(path string) (*model.Program, diag.List, error) {
	return Spec{Path: path}.Check()
}

// Spec says what to run: a scenario, the position files to apply to it in
// order, then settings, then an offer.
type Spec struct {
	Path      string
	Positions []string  // position files, each replacing inputs and rules
	Settings  []Setting // inputs replaced, as --set does
	// Offer, when not empty, is the settlement figure to consider, such
	// as "£400m": it replaces the input the scenario names as its
	// settlement figure. In a scenario with stages it is a fixed offer
	// that stands at every opportunity to settle.
	Offer string
	// Project is where the files the scenario refers to must lie and
	// how large they may be: its project root and size limits.
	Project project.Options
	// Views are the position files that make a party's own beliefs,
	// by party name, applied after Positions. In a scenario with stages
	// each party decides on its own beliefs (its view here, else the
	// scenario's view: for it, else the scenario's); in one without,
	// ApplyViews reports each party's figures on them.
	Views map[string][]string
}

// Load loads, modifies and compiles the scenario s describes.
func (s Spec) Load() (*model.Program, error) {
	p, _, err := s.Check()
	return p, err
}

// Check is Load that also returns the notes: overrides, and what each
// position replaces.
func (s Spec) Check() (*model.Program, diag.List, error) {
	p, notes, err := s.compile(nil)
	if err != nil || !p.IsProcess() {
		return p, notes, err
	}
	views, err := s.processViews(p)
	if err != nil {
		return nil, notes, err
	}
	return p.WithViews(views), notes, nil
}

// compile loads and compiles the scenario with its positions, then
// extra position files, then the settings and the offer.
func (s Spec) compile(extra []string) (*model.Program, diag.List, error) {
	sc, err := scenario.LoadWith(s.Path, s.Project)
	if err != nil {
		return nil, nil, err
	}
	s.Positions = append(slices.Clone(s.Positions), extra...)
	for _, pos := range s.Positions {
		if err := sc.Apply(pos); err != nil {
			return nil, sc.Notes, err
		}
	}
	for _, set := range s.Settings {
		if err := sc.Set(set.Name, set.Value); err != nil {
			return nil, sc.Notes, err
		}
	}
	if s.Offer != "" {
		if sc.Settlement == nil {
			return nil, sc.Notes, fmt.Errorf("--offer %s: %s names no settlement figure; add settlement: {figure: NAME} naming the input that holds it", s.Offer, s.Path)
		}
		if sc.IsProcess() {
			lit, err := money.Parse(s.Offer)
			if err != nil {
				return nil, sc.Notes, fmt.Errorf("--offer %s: %v; write an amount such as £150m", s.Offer, err)
			}
			sc.Settlement.Offer, sc.Settlement.HasOffer = lit.Float(), true
		} else if err := sc.Set(sc.Settlement.Figure.Name, s.Offer); err != nil {
			return nil, sc.Notes, fmt.Errorf("--offer %s: %w", s.Offer, err)
		}
	}
	p, err := model.Compile(sc)
	if err == nil {
		if err = checkVOI(p); err != nil {
			p = nil
		}
	}
	return p, sc.Notes, err
}

// Options control a run.
type Options struct {
	Trials  int    // number of trials, at least 1
	Seed    uint64 // the seed from which every trial's stream derives
	Workers int    // goroutines to use; 0 means one per CPU

	// Sensitivity adds, for every output, Spearman rank correlations with
	// each sampled input and a tornado from runs with each input held at
	// its p10 and its p90.
	Sensitivity bool
	// Spider adds, for every output, its mean with each sampled input
	// held at its p10, p25, p50, p75 and p90 (the tornado's two passes
	// an input and three more).
	Spider bool
	// SobolTrials, when positive, adds every output's first-order and
	// total Sobol' indices for each input, from a Saltelli design of
	// that many base trials ((inputs + 2) times as many evaluations).
	SobolTrials int

	// VOI, when not nil, adds the value of information of each party's
	// decision to settle or go to court (see VOIOptions).
	VOI *VOIOptions

	// Sampler chooses the draws' uniforms: pseudo-random (the zero
	// value), Latin hypercube or scrambled Sobol'.
	Sampler sampling.Method
	// Target, when not nil, runs batches of trials until the standard
	// error of the outputs' means is under it.
	Target *Target

	// ExactLimit is the most trials whose every value a run keeps, for
	// exact quantiles; above it outputs and sampled inputs are summarised
	// with a quantile sketch in bounded memory (quantiles within
	// stats.SketchAccuracy, relatively) and the parties' and sensitivity
	// analyses, which need every value, are left out. 0 means
	// DefaultExactLimit.
	ExactLimit int

	// Progress, if set, is called from the workers, possibly at the same
	// time, with the number of trials done so far each time a chunk of
	// trials finishes. It never affects the result.
	Progress func(done int)

	// Pilot is the number of pilot trials the parties' decisions in a
	// scenario with stages are fitted on; 0 means
	// process.DefaultPilot. Refits is the number of refits on
	// independent pilots that measure the fit's error; 0 means
	// DefaultRefits, 1 none. PilotSampler is how the pilots' draws are
	// made (process.Options.Sampler).
	Pilot, Refits int
	PilotSampler  sampling.Method
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

	// Parties is the decision analysis of each party, and Range the
	// settlement range, when the scenario names parties.
	Parties []*PartyResult
	Range   *decision.Range
	// Sensitivity has one entry an output when Options.Sensitivity is
	// set; TornadoTrials is the trials each tornado run took.
	Sensitivity   []*OutputSensitivity
	TornadoTrials int
	// SobolTrials is the base trials of the Saltelli design the Sobol'
	// indices come from.
	SobolTrials int
	// VOI is the value of information of each party's decision, when
	// Options.VOI is set.
	VOI *VOIResult

	// Sampler is how the draws were made; Correlations the declared rank
	// correlations with those achieved (CorrelationsRepaired when the
	// declared matrix was replaced by the nearest valid one); Convergence
	// the batches of a run to a target standard error.
	Sampler              sampling.Method
	Correlations         []PairCorrelation
	CorrelationsRepaired bool
	Convergence          *Convergence
	// QuantileError is 0 when quantiles are exact, else the largest
	// relative error of the sketch they come from (more trials than
	// Options.ExactLimit).
	QuantileError float64

	// Process, for a scenario with stages, is how the parties decided
	// and how the disputes ended.
	Process *ProcessResult
}

// Default trial count and seed for scenarios that give none.
const (
	DefaultTrials = 10_000
	DefaultSeed   = 1
)

// Defaults returns the options a scenario asks for: its own trial count
// and seed, or DefaultTrials and DefaultSeed, and the value of
// information when it has a voi section.
func Defaults(p *model.Program) Options {
	opt := Options{Trials: DefaultTrials, Seed: DefaultSeed}
	if p.Scenario.HasTrials {
		opt.Trials = p.Scenario.Trials
	}
	if p.Scenario.HasSeed {
		opt.Seed = p.Scenario.Seed
	}
	if v := p.Scenario.VOI; v != nil {
		opt.VOI = scenarioVOI(v)
	}
	return opt
}

// chunk is the number of consecutive trials a worker takes at a time.
const chunk = 1024

// Run evaluates opt.Trials trials of p and summarises every output and
// every sampled input. When the scenario names parties and a settlement
// figure, it adds their decision analysis; with opt.Sensitivity, the
// inputs' rank correlations with each output and the tornado.
func Run(ctx context.Context, p *model.Program, opt Options) (*Result, error) {
	if opt.Target != nil {
		return runToTarget(ctx, p, opt)
	}
	return run(ctx, p, opt, true, nil)
}

// run is Run; without full, it computes only the parties' analysis.
// known, when not nil, holds what a sweep's points share, computed once.
func run(ctx context.Context, p *model.Program, opt Options, full bool, known *shared) (*Result, error) {
	if opt.Trials < 1 {
		return nil, fmt.Errorf("trials must be at least 1, not %d", opt.Trials)
	}
	p, fit, err := fitProcess(ctx, p, opt)
	if err != nil {
		return nil, err
	}
	p, err = p.WithSampler(opt.Sampler, opt.Trials)
	if err != nil {
		return nil, err
	}
	res := &Result{Program: p, Seed: opt.Seed, Trials: opt.Trials, Settings: p.Scenario.Settings, Sampler: opt.Sampler}
	if fit != nil {
		res.Process = &ProcessResult{Fit: fit}
	}
	if full && opt.Trials > exactLimit(opt) {
		return runSketched(ctx, p, opt, res)
	}

	cols := newColumns(res, p, full)
	for _, pt := range p.Parties {
		cols.add(pt.Net)
		cols.add(pt.Court)
		cols.add(pt.Settled)
	}
	pcols := processColumns(p, cols)
	values, err := simulate(ctx, p, opt, cols.vars)
	if err != nil {
		return nil, err
	}
	byVar := cols.byVar
	for i, v := range cols.vars {
		byVar[v].Values = values[i]
	}
	summarize(append(append([]*Column{}, res.Outputs...), res.Inputs...), workers(opt), pathMask(p, byVar))
	res.Correlations, res.CorrelationsRepaired = achievedCorrelations(p, byVar)
	if res.Process != nil {
		res.Process.Outcome = summarizeProcess(p, pcols, byVar)
		analyseProcessParties(res, byVar)
	} else if len(p.Parties) > 0 {
		if err := analyseParties(ctx, res, byVar, opt, known); err != nil {
			return nil, err
		}
	}
	if full && opt.Sensitivity {
		if err := analyseSensitivity(ctx, res, opt); err != nil {
			return nil, err
		}
	}
	if full && opt.Spider {
		if err := analyseSpider(ctx, res, opt); err != nil {
			return nil, err
		}
	}
	if full && opt.SobolTrials > 0 {
		if err := analyseSobol(ctx, res, opt); err != nil {
			return nil, err
		}
	}
	if full && opt.VOI != nil {
		if err := analyseVOI(ctx, res, byVar, opt); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// columns are a run's columns, one a var: a var that is both an output
// and a sampled input shares one.
type columns struct {
	vars  []*model.Var // in the order first added
	byVar map[*model.Var]*Column
}

// newColumns makes, when summaries are wanted, the columns of p's outputs
// and sampled inputs, listing them in res.Outputs and res.Inputs.
func newColumns(res *Result, p *model.Program, summaries bool) *columns {
	c := &columns{byVar: map[*model.Var]*Column{}}
	if summaries {
		for _, v := range p.Outputs {
			res.Outputs = append(res.Outputs, c.add(v))
		}
		for _, v := range p.Sampled {
			res.Inputs = append(res.Inputs, c.add(v))
		}
	}
	return c
}

// add returns v's column, making it the first time.
func (c *columns) add(v *model.Var) *Column {
	if col, ok := c.byVar[v]; ok {
		return col
	}
	col := &Column{Var: v}
	c.byVar[v] = col
	c.vars = append(c.vars, v)
	return col
}

// histogramBins is how many bins a var's histogram has: two for
// true/false values.
func histogramBins(v *model.Var) int {
	if v.Type == model.Bool {
		return 2
	}
	return 20
}

// simulate evaluates opt.Trials trials of p and returns, for each of vars,
// its value in every trial. The values do not depend on opt.Workers; an
// error names the earliest failing trial.
func simulate(ctx context.Context, p *model.Program, opt Options, vars []*model.Var) ([][]float64, error) {
	cols := make([][]float64, len(vars))
	var slots []int
	var tracked [][]float64
	var trackedVars []*model.Var
	for i, v := range vars {
		cols[i] = make([]float64, opt.Trials)
		if !v.Random {
			for t := range cols[i] {
				cols[i][t] = v.Const
			}
			continue
		}
		slots = append(slots, v.Slot)
		tracked = append(tracked, cols[i])
		trackedVars = append(trackedVars, v)
	}
	err := forChunks(ctx, p, opt, func(s *model.State, _, start, end int) (int, error) {
		return evalChunk(p, s, opt.Seed, start, end, tracked, slots, trackedVars)
	})
	if err != nil {
		return nil, err
	}
	return cols, nil
}

// forChunks runs fn over the trials of opt in chunks on opt's workers,
// each worker with its own State. fn returns the index of the trial
// that failed with its error; forChunks returns the error of the
// earliest failing trial, whatever the number of workers.
func forChunks(ctx context.Context, p *model.Program, opt Options, fn func(s *model.State, k, start, end int) (int, error)) error {
	var done atomic.Int64
	return forRanges(ctx, p, opt, chunk, func(s *model.State, _, k, start, end int) (int, error) {
		i, err := fn(s, k, start, end)
		if opt.Progress != nil {
			opt.Progress(int(done.Add(int64(end - start))))
		}
		return i, err
	})
}

// forRanges runs fn over the trials of opt cut into ranges of size
// trials, the range k being [k·size, (k+1)·size), on opt's workers, each
// worker (w) with its own State. fn returns the index of the trial that
// failed with its error; forRanges returns the error of the earliest
// failing trial, whatever the number of workers, and skips the ranges
// after it.
func forRanges(ctx context.Context, p *model.Program, opt Options, size int, fn func(s *model.State, w, k, start, end int) (int, error)) error {
	n := workers(opt)
	nranges := (opt.Trials + size - 1) / size
	var next atomic.Int64
	var firstErr atomic.Int64
	firstErr.Store(math.MaxInt64)
	errs := make([]error, n)
	errAt := make([]int, n)
	var wg sync.WaitGroup
	for w := range min(n, nranges) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := p.NewState()
			for {
				k := int(next.Add(1) - 1)
				if k >= nranges || ctx.Err() != nil {
					return
				}
				start, end := k*size, min((k+1)*size, opt.Trials)
				if int64(start) > firstErr.Load() {
					continue // an earlier trial has failed already
				}
				if i, err := fn(s, w, k, start, end); err != nil {
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
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	if first := firstErr.Load(); first != math.MaxInt64 {
		for w, err := range errs {
			if err != nil && int64(errAt[w]) == first {
				return err
			}
		}
	}
	return nil
}

// evalChunk evaluates trials [start, end) and stores the tracked values.
// It stops at the first failing trial and returns its index.
func evalChunk(p *model.Program, s *model.State, seed uint64, start, end int, cols [][]float64, slots []int, vars []*model.Var) (int, error) {
	for i := start; i < end; i++ {
		if err := p.Eval(s, seed, i); err != nil {
			return i, err
		}
		for k, slot := range slots {
			v := s.Slots[slot]
			if v-v != 0 { // NaN or ±Inf
				return i, nonFinite(vars[k], i, v)
			}
			cols[k][i] = v
		}
	}
	return 0, nil
}

func nonFinite(v *model.Var, trial int, x float64) error {
	return &model.EvalError{Trial: trial, Name: v.Name, Pos: v.Pos,
		Msg: fmt.Sprintf("value is %v; check for log or sqrt of a negative number, division by zero or overflow in it or the rules it uses", x)}
}

// summarize computes every column's summary, columns in parallel. A
// column whose var has a path (model.Var.Path) is summarised over the
// trials that ended that way, which mask tells: 1 where the dispute
// settled.
func summarize(cols []*Column, workers int, mask []float64) {
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
				values := c.Values
				if c.Var.Path != model.AnyPath && mask != nil {
					values = onPath(values, mask, c.Var.Path)
					if len(values) == 0 {
						c.Summary = stats.Summary{Quantiles: make([]float64, len(stats.Probs)), Histogram: stats.Histogram{}}
						continue
					}
				}
				c.Summary = stats.Summarize(values, histogramBins(c.Var), scratch[:len(values)])
			}
		}()
	}
	wg.Wait()
}
