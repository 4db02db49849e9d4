package model

import (
	"fmt"
	"slices"
	"strings"

	"github.com/settle-sim/settle/engine/sampling"
)

// A Factor is an independent source of a program's randomness: the draws
// of one input, or of every input a copula correlates, which cannot be
// drawn apart. Redrawing a factor leaves every other draw of a trial as
// it was, because each draw site has its own stream.
type Factor struct {
	// Name is the input's name, or the correlated inputs' joined by "+".
	Name   string
	Inputs []*Var
}

// Factors returns p's factors, in evaluation order: every input with
// draw sites of its own, the correlated ones together (where the first
// of them comes). An input computed from others without drawing
// (settlement_fraction * claim) is no factor: its randomness is theirs.
func (p *Program) Factors() []Factor {
	var corr []*Var
	if c := p.plan.corr; c != nil {
		corr = c.Inputs
	}
	var out []Factor
	done := false
	for _, v := range p.Vars {
		if !p.draws(v.Name) {
			continue
		}
		if slices.Contains(corr, v) {
			if done {
				continue
			}
			done = true
			var names []string
			for _, c := range corr {
				names = append(names, c.Name)
			}
			out = append(out, Factor{Name: strings.Join(names, "+"), Inputs: slices.Clone(corr)})
			continue
		}
		out = append(out, Factor{Name: v.Name, Inputs: []*Var{v}})
	}
	return out
}

// draws reports whether the definition called name has draw sites.
func (p *Program) draws(name string) bool {
	return slices.ContainsFunc(p.plan.dims, func(d dimension) bool { return d.def == name })
}

// Pseudorandom returns a copy of p whose draws are pseudo-random, each
// site from its own stream, whatever sampler p was given (correlations
// are kept).
func (p *Program) Pseudorandom() *Program {
	if p.plan.method == sampling.Random {
		return p
	}
	q := *p
	q.plan.method, q.plan.trials = sampling.Random, 0
	return &q
}

// Redraw returns a copy of p in which, in trial t, the inputs of factor
// draw what they draw in trial t+shift of the same seed, and every other
// draw is unchanged: Saltelli's matrix A_B^(i), with A the trials
// [0, n) and B the trials [shift, shift+n). It refuses programs whose
// draws come from a design (Latin hypercube, Sobol'), where one trial's
// draws are tied to the others'; use Pseudorandom first.
func (p *Program) Redraw(f Factor, shift int) (*Program, error) {
	if p.plan.method != sampling.Random {
		return nil, fmt.Errorf("redraw: draws come from a %s design", p.plan.method)
	}
	var corr []*Var
	if c := p.plan.corr; c != nil {
		corr = c.Inputs
	}
	correlated := 0
	for _, v := range f.Inputs {
		if !p.draws(v.Name) {
			return nil, fmt.Errorf("redraw: %s has no draws of its own", v.Name)
		}
		if slices.Contains(corr, v) {
			correlated++
		}
	}
	if correlated > 0 && correlated != len(corr) {
		return nil, fmt.Errorf("redraw: correlated inputs are redrawn together, all %d of them", len(corr))
	}
	q := *p
	q.steps = slices.Clone(p.steps)
	for i, st := range q.steps {
		if !slices.ContainsFunc(f.Inputs, func(v *Var) bool { return v.Slot == st.slot }) {
			continue
		}
		eval := st.eval
		q.steps[i].vec = nil // drawn from another trial's streams: by its closure
		q.steps[i].eval = func(s *State) float64 {
			seed := s.Src.Seed()
			s.Src.Reset(seed, uint64(s.trial+shift))
			x := eval(s)
			s.Src.Reset(seed, uint64(s.trial))
			return x
		}
	}
	if correlated > 0 && len(q.steps) > 0 {
		// The copula's uniforms are made before the first step, from the
		// correlated inputs' streams: make them again from trial t+shift.
		first := q.steps[0].eval
		q.steps[0].vec = nil
		pl := &q.plan
		q.steps[0].eval = func(s *State) float64 {
			seed := s.Src.Seed()
			s.Src.Reset(seed, uint64(s.trial+shift))
			pl.fill(s, seed, uint64(s.trial+shift))
			s.Src.Reset(seed, uint64(s.trial))
			return first(s)
		}
	}
	return &q, nil
}
