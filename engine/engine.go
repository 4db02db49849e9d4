// Package engine runs Monte Carlo simulations of settlement scenarios:
// it loads a scenario with its rule files, compiles it, evaluates it
// trial by trial on all cores and summarises every output and every
// sampled input.
//
// A run is reproducible: each trial draws from its own random stream,
// derived from the seed and the trial's index, and results are gathered
// by trial index, so the same scenario, seed and trial count give the
// same result whatever the number of workers.
//
// The package holds the API; the work is elsewhere. engine/run evaluates
// a run's trials in blocks on workers and merges the blocks' partial
// results in block order, so that one process (Run) or several (RunShard
// on each shard, Merge of their partial results) give the same bytes;
// the parties' analysis, the sensitivity and sweeps here consume the
// merged results, with engine/decision and engine/sensitivity.
package engine

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/settle-sim/settle/engine/decision"
	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/process"
	"github.com/settle-sim/settle/engine/project"
	"github.com/settle-sim/settle/engine/run"
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
			lit, err := sc.Currency.Parse(s.Offer)
			if err != nil {
				return nil, sc.Notes, fmt.Errorf("--offer %s: %v; write an amount such as %s", s.Offer, err, sc.Currency.Format(150e6))
			}
			sc.Settlement.Offer, sc.Settlement.HasOffer = lit.Float(), true
			sc.Offer = s.Offer // recorded, for what made the figures
		} else if err := sc.SetOffer(s.Offer); err != nil {
			return nil, sc.Notes, fmt.Errorf("--offer %s: %w", s.Offer, err)
		}
	}
	p, err := model.Compile(sc)
	if err == nil {
		if err = checkVOI(p); err != nil {
			p = nil
		}
	}
	notes := sc.Notes
	if p != nil {
		notes = append(notes, p.Notes...)
	}
	return p, notes, err
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
	// stats.SketchAccuracy, relatively); the parties' and sensitivity
	// analyses are made either way. 0 means as many as fit in
	// DefaultExactMemory, at most DefaultExactLimit.
	ExactLimit int

	// MaxMemory is the most memory, in bytes, a run may need: a run
	// estimated (EstimateMemory) to need more is refused before it
	// starts. 0 means the memory available (AvailableMemory); negative,
	// no check.
	MaxMemory int64

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
	// Curve, when not nil, is the values' stats.Curve of
	// stats.CurvePoints: an exact run's for each output that is a number.
	Curve []float64
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
	// Statistics are the estimates of the scenario's statistics, in
	// the order declared.
	Statistics []StatisticResult
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

// Run evaluates opt.Trials trials of p and summarises every output and
// every sampled input. When the scenario names parties and a settlement
// figure, it adds their decision analysis; with opt.Sensitivity, the
// inputs' rank correlations with each output and the tornado.
func Run(ctx context.Context, p *model.Program, opt Options) (*Result, error) {
	if opt.Target != nil {
		return runToTarget(ctx, p, opt)
	}
	if err := checkMemory(p, opt, opt.Trials); err != nil {
		return nil, err
	}
	return runProgram(ctx, p, opt, true, nil)
}

// runProgram is Run; without full, it computes only the parties'
// analysis. known, when not nil, holds what a sweep's points share,
// computed once. It is one shard, the whole run, merged on its own.
func runProgram(ctx context.Context, p *model.Program, opt Options, full bool, known *shared) (*Result, error) {
	if opt.Trials < 1 {
		return nil, fmt.Errorf("trials must be at least 1, not %d", opt.Trials)
	}
	p, fit, err := fitProcess(ctx, p, opt)
	if err != nil {
		return nil, err
	}
	return runFitted(ctx, p, fit, opt, full, known)
}

// runFitted is runProgram once the decisions of p, a scenario with
// stages, are fitted (fit; nil without stages).
func runFitted(ctx context.Context, p *model.Program, fit *process.Fit, opt Options, full bool, known *shared) (*Result, error) {
	p, err := p.WithSampler(opt.Sampler, opt.Trials)
	if err != nil {
		return nil, err
	}
	if fit != nil {
		return runProcess(ctx, p, fit, opt, full)
	}
	pt, err := runShard(ctx, p, opt, full, known, run.Shard{})
	if err != nil {
		return nil, err
	}
	return finish(ctx, p, opt, full, known, []*part{pt})
}

// histogramBins is how many bins a var's histogram has: two for
// true/false values.
func histogramBins(v *model.Var) int {
	if v.Type == model.Bool {
		return 2
	}
	return 20
}

// plan is opt's trials on its workers.
func plan(opt Options) run.Plan {
	return run.Plan{Seed: opt.Seed, Trials: opt.Trials, Workers: workers(opt), Progress: opt.Progress}
}

// simulate evaluates opt.Trials trials of p and returns, for each of vars,
// its value in every trial (see run.Columns).
func simulate(ctx context.Context, p *model.Program, opt Options, vars []*model.Var) ([][]float64, error) {
	return run.Columns(ctx, p, plan(opt), vars)
}
