package model

import "fmt"

// Affected returns the vars whose values depend on any of names, and the
// frontier: the random vars that the affected ones, or the vars in
// needed that are not affected, read without depending on names
// themselves. Trial by trial, the frontier's values are the same in every
// variant of p that changes only names, since each draw site has its own
// stream.
func (p *Program) Affected(names []string, needed []*Var) (affected map[string]bool, frontier []*Var) {
	affected = map[string]bool{}
	for _, v := range p.Vars {
		for _, n := range names {
			if p.DependsOn(v, n) {
				affected[v.Name] = true
				break
			}
		}
	}
	inFrontier := map[string]bool{}
	add := func(name string) {
		v, ok := p.Lookup(name)
		if ok && v.Random && !affected[name] && !inFrontier[name] {
			inFrontier[name] = true
			frontier = append(frontier, v)
		}
	}
	for _, v := range p.Vars {
		if affected[v.Name] {
			for _, d := range v.Deps {
				add(d)
			}
		}
	}
	for _, v := range needed {
		add(v.Name)
	}
	return affected, frontier
}

// Restrict returns a copy of p that evaluates only the affected vars,
// taking each frontier var's value in trial t from cols[name][t]. It
// gives the same values as p for the affected vars and the frontier,
// provided cols hold the frontier's values for the same seed and trials.
// Restrict refuses programs whose draws are planned jointly (Latin
// hypercube, Sobol' or correlated inputs), where one input's change can
// move others' draws.
func (p *Program) Restrict(affected map[string]bool, cols map[string][]float64) (*Program, error) {
	if p.plan.active() {
		return nil, fmt.Errorf("restrict: draws are planned jointly")
	}
	if p.proc != nil {
		return nil, fmt.Errorf("restrict: the scenario has stages, whose decisions depend on every var")
	}
	q := *p
	q.steps = nil
	for _, v := range p.Vars {
		if col, ok := cols[v.Name]; ok {
			q.steps = append(q.steps, step{slot: v.Slot, eval: func(s *State) float64 { return col[s.trial] },
				vec: func(b *Block, out []float64) { copy(out, col[b.start:b.start+len(out)]) }})
		}
	}
	for _, st := range p.steps {
		if v := p.varAt(st.slot); v != nil && affected[v.Name] {
			if _, ok := cols[v.Name]; ok {
				return nil, fmt.Errorf("restrict: %s is both affected and given", v.Name)
			}
			q.steps = append(q.steps, st)
		}
	}
	// Steps run in slot order: the frontier's loaders come first, and the
	// affected steps keep their evaluation order.
	return &q, nil
}

func (p *Program) varAt(slot int) *Var {
	for _, v := range p.Vars {
		if v.Slot == slot {
			return v
		}
	}
	return nil
}
