package model

import (
	"testing"

	"github.com/settle-sim/settle/engine/scenario"
)

// TestRestrictEqualsFull: a variant restricted to the vars downstream of
// the changed input, fed the frontier's values from the base program,
// gives exactly the values the full variant gives.
func TestRestrictEqualsFull(t *testing.T) {
	load := func(settings ...scenario.Setting) *Program {
		sc, err := scenario.Load("../../scenarios/one-step.yaml")
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range settings {
			if err := sc.Set(s.Name, s.Value); err != nil {
				t.Fatal(err)
			}
		}
		p, err := Compile(sc)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	base := load()
	variant := load(scenario.Setting{Name: "p_settle", Value: "0.6"})
	var needed []*Var
	for _, pt := range base.Parties {
		needed = append(needed, pt.Net, pt.Court, pt.Settled)
	}
	affected, frontier := base.Affected([]string{"p_settle"}, needed)
	if !affected["settles"] || !affected["supplier_net"] || affected["claim"] || affected["supplier_net_court"] {
		t.Fatalf("affected %v", affected)
	}
	const trials, seed = 2000, 3
	cols := map[string][]float64{}
	s := base.NewState()
	for _, v := range frontier {
		cols[v.Name] = make([]float64, trials)
	}
	for i := range trials {
		if err := base.Eval(s, seed, i); err != nil {
			t.Fatal(err)
		}
		for _, v := range frontier {
			cols[v.Name][i] = s.Slots[v.Slot]
		}
	}
	r, err := variant.Restrict(affected, cols)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.steps) >= len(variant.steps) {
		t.Errorf("restricted program has %d steps, the full one %d", len(r.steps), len(variant.steps))
	}
	full, part := variant.NewState(), r.NewState()
	for i := range trials {
		if err := variant.Eval(full, seed, i); err != nil {
			t.Fatal(err)
		}
		if err := r.Eval(part, seed, i); err != nil {
			t.Fatal(err)
		}
		for _, v := range needed {
			if full.Slots[v.Slot] != part.Slots[v.Slot] {
				t.Fatalf("trial %d: %s = %v restricted, %v in full", i, v.Name, part.Slots[v.Slot], full.Slots[v.Slot])
			}
		}
	}
	// By blocks, the frontier's loaders copy their trials' values.
	sameBlocks(t, "restricted", r, 0, trials, 300)
}
