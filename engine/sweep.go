package engine

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync"

	"github.com/settle-sim/settle/engine/decision"
	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/sampling"
	"github.com/settle-sim/settle/engine/scenario"
)

// Axis is one input varied by a sweep: From, From+Step, …, up to To.
type Axis struct {
	Name           string
	From, To, Step float64
	Text           string // as written
	Unit           string // the input's unit, filled in by Sweep

	bounds []string // From, To and Step as written, to check their currency
}

// ParseAxis parses NAME=FROM..TO:STEP, where the bounds and step are
// numbers, percentages or amounts: "offer=£100m..£400m:£50m",
// "p_settle=0.5..0.9:0.1", "p_settle=50%..90%:10%". An amount's currency
// is checked against the scenario's by Sweep.
func ParseAxis(s string) (Axis, error) {
	usage := "write NAME=FROM..TO:STEP, e.g. --vary settlement_figure=£100m..£300m:£25m"
	name, rng, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || name == "" {
		return Axis{}, fmt.Errorf("--vary %q: %s", s, usage)
	}
	span, step, ok := strings.Cut(rng, ":")
	from, to, ok2 := strings.Cut(span, "..")
	if !ok || !ok2 {
		return Axis{}, fmt.Errorf("--vary %q: %s", s, usage)
	}
	a := Axis{Name: name, Text: s}
	for _, f := range []struct {
		text string
		dst  *float64
		what string
	}{{from, &a.From, "FROM"}, {to, &a.To, "TO"}, {step, &a.Step, "STEP"}} {
		lit, err := money.Parse(f.text)
		if err != nil {
			return Axis{}, fmt.Errorf("--vary %q: %s: %v", s, f.what, err)
		}
		*f.dst = lit.Float()
		a.bounds = append(a.bounds, f.text)
	}
	switch {
	case a.Step <= 0:
		return Axis{}, fmt.Errorf("--vary %q: STEP must be positive", s)
	case a.To < a.From:
		return Axis{}, fmt.Errorf("--vary %q: TO must not be less than FROM", s)
	case len(a.Values()) > MaxSweepPoints:
		return Axis{}, fmt.Errorf("--vary %q: %d points; at most %d", s, len(a.Values()), MaxSweepPoints)
	}
	return a, nil
}

// MaxSweepPoints bounds the points of one axis and of a whole grid.
const MaxSweepPoints = 10_000

// Values returns the axis's points: From + i·Step up to To, To included
// when the steps reach it up to rounding.
func (a Axis) Values() []float64 {
	n := int(math.Floor((a.To-a.From)/a.Step + 1e-9))
	if n+1 > MaxSweepPoints {
		n = MaxSweepPoints
	}
	vs := make([]float64, n+1)
	for i := range vs {
		vs[i] = a.From + float64(i)*a.Step
	}
	return vs
}

// SweepPoint is the outcome at one point of a sweep.
type SweepPoint struct {
	Values  []float64 // one per axis
	Parties []*PartyResult
	Range   *decision.Range
}

// SweepResult is a whole sweep.
type SweepResult struct {
	Spec     Spec
	Scenario *scenario.Scenario // as loaded, before the axes' settings
	Axes     []Axis
	Seed     uint64
	Trials   int
	Sampler  sampling.Method
	Points   []*SweepPoint // the grid, the last axis varying fastest
}

// Sweep runs the scenario at every point of the grid the axes span, each
// point being the scenario with the axes' inputs set to the point's
// values. Every point runs on the same per-trial streams (common random
// numbers), so differences between points come from the values, not
// from noise, and a point equals a plain run with the same settings.
// Points run in parallel, one worker each.
func Sweep(ctx context.Context, spec Spec, axes []Axis, opt Options) (*SweepResult, error) {
	return sweep(ctx, spec, axes, opt, Shard{})
}

// gridSize is the number of points of the grid axes span.
func gridSize(axes []Axis) int {
	n := 1
	for _, a := range axes {
		n *= len(a.Values())
	}
	return n
}

// sweep is Sweep that runs only the points of shard (the K-th of N runs
// of consecutive points), leaving the others nil.
func sweep(ctx context.Context, spec Spec, axes []Axis, opt Options, shard Shard) (*SweepResult, error) {
	if len(axes) == 0 {
		return nil, fmt.Errorf("sweep: vary at least one input")
	}
	grid := [][]float64{{}}
	for _, a := range axes {
		var next [][]float64
		for _, g := range grid {
			for _, v := range a.Values() {
				next = append(next, append(append([]float64{}, g...), v))
			}
		}
		grid = next
		if len(grid) > MaxSweepPoints {
			return nil, fmt.Errorf("sweep: the grid has more than %d points", MaxSweepPoints)
		}
	}
	base, err := spec.Load()
	if err != nil {
		return nil, err
	}
	axes = append([]Axis{}, axes...)
	for i, a := range axes {
		v, ok := base.Lookup(a.Name)
		if !ok || v.Kind != scenario.Input {
			var inputs []string
			for _, d := range base.Scenario.Defs {
				if d.Kind == scenario.Input {
					inputs = append(inputs, d.Name)
				}
			}
			hint := diag.DidYouMean(a.Name, inputs)
			if hint == "" {
				hint = "a sweep varies inputs"
			}
			return nil, fmt.Errorf("--vary %s: no input named %q; %s", a.Text, a.Name, hint)
		}
		axes[i].Unit = v.Unit
		for _, text := range a.bounds {
			if _, err := base.Scenario.Currency.Parse(text); err != nil {
				return nil, fmt.Errorf("--vary %s: %w", a.Text, err)
			}
		}
	}
	if len(spec.Views) > 0 && !base.IsProcess() {
		return nil, fmt.Errorf("sweep: --view needs a scenario with stages, whose parties decide on their views; run settle run --view at a point instead")
	}
	// Load every point first so that bad input is reported before any
	// work, and only once.
	programs := make([]*model.Program, len(grid))
	for i, g := range grid {
		s := spec
		s.Settings = append([]Setting{}, spec.Settings...)
		for k, a := range axes {
			value := strconv.FormatFloat(g[k], 'g', -1, 64)
			if base.IsProcess() && base.Figure != nil && a.Name == base.Figure.Name {
				// The engine sets the figure at each opportunity: a
				// point's figure is an offer that stands at every one.
				s.Offer = value
				continue
			}
			s.Settings = append(s.Settings, Setting{Name: a.Name, Value: value})
		}
		p, err := s.Load()
		if err != nil {
			return nil, err
		}
		if i == 0 && len(p.Parties) == 0 {
			return nil, fmt.Errorf("sweep: %s names no parties; a sweep reports each party's expected value and certainty equivalent", spec.Path)
		}
		programs[i] = p
	}
	res := &SweepResult{Spec: spec, Scenario: base.Scenario, Axes: axes, Seed: opt.Seed, Trials: opt.Trials, Sampler: opt.Sampler, Points: make([]*SweepPoint, len(grid))}
	popt := opt
	popt.Workers, popt.Sensitivity = 1, false
	progress := opt.Progress
	popt.Progress = nil
	// What the points share (reservation values, court outcomes) is
	// computed once, on the scenario without the axes.
	var known *shared
	reserve, courts := !axesReachDecision(base, axes), !axesReachCourt(base, axes)
	if base.IsProcess() {
		// Every point's decisions are fitted on its own.
		reserve, courts = false, false
	}
	if reserve || courts {
		r, err := runProgram(ctx, base, opt, false, nil)
		if err != nil {
			return nil, err
		}
		known = &shared{}
		for _, pr := range r.Parties {
			if reserve {
				known.reservations = append(known.reservations, pr.Reservation)
			}
			if courts {
				known.courts = append(known.courts, pr.Court)
			}
		}
	}
	var restricted []*model.Program
	if !base.IsProcess() {
		if restricted, err = restrict(ctx, base, programs, axes, opt); err != nil {
			return nil, err
		}
	}
	if restricted != nil && known == nil {
		known = &shared{}
	}
	if known != nil {
		known.fullProbes = restricted != nil
	}
	n := maxWorkers(opt.Workers)
	errs := make([]error, len(grid))
	var wg sync.WaitGroup
	var mu sync.Mutex
	next, done := 0, 0
	last := len(grid)
	if !shard.Whole() {
		if shard.N > len(grid) {
			return nil, fmt.Errorf("--shard %s: the grid has %d points, so at most %d shards", shard, len(grid), len(grid))
		}
		next, last = shard.K*len(grid)/shard.N, (shard.K+1)*len(grid)/shard.N
	}
	for range min(n, len(grid)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= last || ctx.Err() != nil {
					return
				}
				q := programs[i]
				if restricted != nil {
					q = restricted[i]
				}
				r, err := runProgram(ctx, q, popt, false, known)
				if err != nil {
					errs[i] = fmt.Errorf("sweep point %s: %w", describePoint(axes, grid[i]), err)
					continue
				}
				res.Points[i] = &SweepPoint{Values: grid[i], Parties: r.Parties, Range: r.Range}
				if progress != nil {
					mu.Lock()
					done++
					progress(done * opt.Trials)
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return res, nil
}

func describePoint(axes []Axis, values []float64) string {
	parts := make([]string, len(axes))
	for i, a := range axes {
		parts[i] = a.Name + "=" + strconv.FormatFloat(values[i], 'g', -1, 64)
	}
	return strings.Join(parts, ",")
}

// axesReachDecision reports whether any axis other than the settlement
// figure is among the inputs of a party's court or settled outcome.
func axesReachDecision(p *model.Program, axes []Axis) bool {
	for _, a := range axes {
		if p.Figure != nil && a.Name == p.Figure.Name {
			continue
		}
		for _, pt := range p.Parties {
			if p.DependsOn(pt.Court, a.Name) || p.DependsOn(pt.Settled, a.Name) {
				return true
			}
		}
	}
	return false
}

// axesReachCourt reports whether any axis is among the inputs of a
// party's court outcome.
func axesReachCourt(p *model.Program, axes []Axis) bool {
	for _, a := range axes {
		for _, pt := range p.Parties {
			if p.DependsOn(pt.Court, a.Name) {
				return true
			}
		}
	}
	return false
}

// restrict prepares incremental evaluation of the points: only the vars
// downstream of the axes are evaluated at each point, the others' values
// (the same at every point, trial by trial, on common random numbers)
// being computed once. It returns nil when the points' draws are planned
// jointly, and they are evaluated in full.
func restrict(ctx context.Context, base *model.Program, programs []*model.Program, axes []Axis, opt Options) ([]*model.Program, error) {
	names := make([]string, len(axes))
	for i, a := range axes {
		names[i] = a.Name
	}
	var needed []*model.Var
	for _, pt := range base.Parties {
		needed = append(needed, pt.Net, pt.Court, pt.Settled)
	}
	affected, frontier := base.Affected(names, needed)
	if _, err := base.Restrict(affected, nil); err != nil {
		return nil, nil // planned draws: evaluate in full
	}
	opt.Progress, opt.Sensitivity = nil, false
	values, err := simulate(ctx, base, opt, frontier)
	if err != nil {
		return nil, err
	}
	cols := make(map[string][]float64, len(frontier))
	for i, v := range frontier {
		cols[v.Name] = values[i]
	}
	out := make([]*model.Program, len(programs))
	for i, p := range programs {
		if out[i], err = p.Restrict(affected, cols); err != nil {
			return nil, err
		}
	}
	return out, nil
}
