package model

import (
	"fmt"
	"slices"
)

// Follow returns a copy of p, a variant of base (base's scenario with
// the inputs names replaced, as an offer or a settlement figure
// replaces one), that evaluates only the vars of p that depend on names
// and that the vars needed read, directly or through others; every other
// value they read it takes from the state of base that has just
// evaluated the same trial (see State.Follow). The needed vars then have
// the values a full evaluation of p gives in that trial, at a fraction
// of its cost: each draw site has its own stream, so the draws of the
// vars recomputed are the same as p's own.
//
// In a program with stages the parties' decisions read what is
// revealed, the timeline and every outcome, so only the vars evaluated
// before the process are followed (those that depend on names
// recomputed, every other taken from base) and the process itself runs
// in full, except that at the opportunities names cannot reach (see
// firstMoved) the parties decide as they did in base's trial.
//
// Follow refuses programs whose draws are planned jointly (Latin
// hypercube, Sobol' or correlated inputs), where one input's change can
// move others' draws; evaluate those in full.
func (p *Program) Follow(base *Program, names []string, needed []*Var) (*Program, error) {
	if p.plan.active() || base.plan.active() {
		return nil, fmt.Errorf("follow: draws are planned jointly")
	}
	if p.proc != nil || base.proc != nil {
		return p.followProcess(base, names)
	}
	// The vars to recompute: those depending on names that needed vars
	// are, or read.
	upstream := map[string]bool{}
	var visit func(name string)
	visit = func(name string) {
		if upstream[name] {
			return
		}
		upstream[name] = true
		if v, ok := p.Lookup(name); ok {
			for _, d := range v.Deps {
				visit(d)
			}
		}
	}
	for _, v := range needed {
		visit(v.Name)
	}
	recompute := map[string]bool{}
	for _, v := range p.Vars {
		if !upstream[v.Name] || !v.Random {
			continue
		}
		for _, n := range names {
			if p.DependsOn(v, n) {
				recompute[v.Name] = true
				break
			}
		}
	}
	// The frontier: random vars the recomputed ones, or the needed ones,
	// read without being recomputed, loaded from base's slots.
	q := *p
	q.steps = nil
	loaded := map[string]bool{}
	load := func(name string) error {
		v, ok := p.Lookup(name)
		if !ok || !v.Random || recompute[name] || loaded[name] {
			return nil
		}
		bv, ok := base.Lookup(name)
		if !ok || !bv.Random {
			return fmt.Errorf("follow: %s is not computed in the base program", name)
		}
		loaded[name] = true
		from := bv.Slot
		q.steps = append(q.steps, step{slot: v.Slot, eval: func(s *State) float64 { return s.from[from] }, vec: followVec(from)})
		return nil
	}
	for _, v := range p.Vars {
		if recompute[v.Name] {
			for _, d := range v.Deps {
				if err := load(d); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, v := range needed {
		if err := load(v.Name); err != nil {
			return nil, err
		}
	}
	q.noDraws = true // loading from base draws nothing
	for _, st := range p.steps {
		if v := p.varAt(st.slot); v != nil && recompute[v.Name] {
			q.steps = append(q.steps, st)
			q.noDraws = q.noDraws && !st.draws
		}
	}
	return &q, nil
}

// followProcess is Follow for a program with stages: its base phase
// loads from base every random var that does not depend on names, then
// recomputes, in order, those that do; the process runs in full.
func (p *Program) followProcess(base *Program, names []string) (*Program, error) {
	if p.proc == nil || base.proc == nil {
		return nil, fmt.Errorf("follow: one program has stages and the other not")
	}
	q := *p
	q.steps = nil
	var again []step
	for _, st := range p.steps {
		v := p.varAt(st.slot)
		if v == nil || !v.Random || slices.ContainsFunc(names, func(n string) bool { return p.DependsOn(v, n) }) {
			again = append(again, st)
			continue
		}
		bv, ok := base.Lookup(v.Name)
		if !ok || !bv.Random {
			return nil, fmt.Errorf("follow: %s is not computed in the base program", v.Name)
		}
		from := bv.Slot
		q.steps = append(q.steps, step{slot: st.slot, eval: func(s *State) float64 { return s.from[from] }, vec: followVec(from)})
	}
	q.steps = append(q.steps, again...)
	pr := *p.proc
	if p.policy == base.policy { // the same decisions on the same state
		pr.reuse = p.firstMoved(names)
	}
	q.proc = &pr
	return &q, nil
}

// firstMoved returns the first stage of p's process whose opportunity
// names can move: whether it comes (its condition), or its state (what
// the stages before it reveal, their conditions, durations and costs).
// The parties' decisions read only that state, so at every opportunity
// before it a trial of a program pinned on names decides as p's own.
func (p *Program) firstMoved(names []string) int {
	moved := func(v *Var) bool {
		// A stage's own expressions are not among p.Vars: their
		// dependencies are.
		return v != nil && slices.ContainsFunc(names, func(n string) bool {
			return v.Name == n || slices.ContainsFunc(v.Deps, func(d string) bool {
				dv, ok := p.Lookup(d)
				return d == n || ok && p.DependsOn(dv, n)
			})
		})
	}
	stages := p.proc.Stages
	for k, st := range stages {
		if moved(st.When) {
			return k
		}
		if moved(st.Duration) || slices.ContainsFunc(st.Costs, moved) || slices.ContainsFunc(st.Reveals, moved) {
			return k + 1
		}
	}
	return len(stages)
}

// Follow makes s, a state of a program made by Follow, read its frontier
// from base, a state of the base program: evaluate the trial in base
// first, then in s.
func (s *State) Follow(base *State) { s.from, s.base = base.Slots, base }

// followVec is the column form of a followed program's load of the
// base's slot from: the column of the block it follows (Block.Follow).
func followVec(from int) vecFn {
	return func(b *Block, out []float64) { copy(out, b.from.cols[from][:len(out)]) }
}
