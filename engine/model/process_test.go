package model_test

import (
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/model"
)

// processBase is a scenario with stages; its parts are replaced to make
// the cases below.
const processBase = `inputs:
  liability: bernoulli(0.5)
  quantum: discrete([0.3, 0.5], [1, 1])
  settlement_figure: 0
rules:
  award: "liability ? £100m * quantum : 0"
  supplier_court: award - spent_supplier
  buyer_court: -award - spent_buyer
  supplier_settled: settlement_figure - spent_supplier
  buyer_settled: -settlement_figure - spent_buyer
outputs: [supplier_net, years_to_resolution]
parties:
  supplier: {court: supplier_court, settled: supplier_settled}
  buyer: {court: buyer_court, settled: buyer_settled}
settlement:
  figure: settlement_figure
stages:
  - {name: negotiation, duration: 0.5, costs: {supplier: £1m, buyer: £1m}}
  - {name: trial, duration: 2, costs: {supplier: £5m, buyer: £5m}, reveals: [liability, quantum]}
`

func TestCompileProcess(t *testing.T) {
	p := compile(t, processBase)
	proc := p.Process()
	if proc == nil || len(proc.Stages) != 2 {
		t.Fatalf("Process() = %+v, want two stages", proc)
	}
	// The engine computes each party's net; the figure is not sampled.
	if v, _ := p.Lookup("supplier_net"); v == nil || p.Parties[0].Net != v {
		t.Errorf("supplier_net is not the supplier's net")
	}
	for _, v := range p.Sampled {
		if v.Name == "settlement_figure" {
			t.Error("the settlement figure is sampled")
		}
	}
	// What is known before trial: nothing revealed yet, the time and
	// spend; before negotiation, the same.
	var names []string
	for _, f := range proc.State[1] {
		names = append(names, f.Name)
	}
	if got := strings.Join(names, ","); got != "elapsed_years,spent_supplier,spent_buyer" {
		t.Errorf("state before trial: %s", got)
	}
	// Paths: the court and settled outcomes are summarised on theirs.
	for name, want := range map[string]model.Path{"supplier_court": model.JudgmentPath, "buyer_settled": model.SettledPath, "award": model.AnyPath} {
		if v, _ := p.Lookup(name); v.Path != want {
			t.Errorf("%s: path %v, want %v", name, v.Path, want)
		}
	}
	// A discrete input's declared values are its support.
	if v, _ := p.Lookup("quantum"); len(v.Support) != 2 || v.Support[0] != 0.3 {
		t.Errorf("quantum's support %v, want [0.3 0.5]", v.Support)
	}
	// Eval without a fitted policy says what to do.
	s := p.NewState()
	if err := p.Eval(s, 1, 0); err == nil || !strings.Contains(err.Error(), "engine.Run") {
		t.Errorf("Eval before fitting: %v", err)
	}
}

func TestCompileProcessErrors(t *testing.T) {
	replace := func(old, new string) string {
		if !strings.Contains(processBase, old) {
			t.Fatalf("the base has no %q", old)
		}
		return strings.Replace(processBase, old, new, 1)
	}
	tests := []struct {
		name, text string
		want       [][]string
	}{
		{"duration uses elapsed", replace("duration: 2,", "duration: 2 + elapsed_years,"),
			[][]string{{"s.yaml:19:29", "stage trial: its duration uses a value known only where the dispute ends"}}},
		{"costs use a later start", replace("costs: {supplier: £1m,", "costs: {supplier: £1m * start_years_trial,"),
			[][]string{{"s.yaml:18:58", "stage negotiation: its costs of supplier uses the start of a later stage, trial"}}},
		{"when not true/false", replace("{name: trial,", "{name: trial, when: 2,"),
			[][]string{{"s.yaml:19:25", "the trial when must be true or false, not a number"}}},
		{"duration true/false", replace("duration: 2,", "duration: liability,"),
			[][]string{{"s.yaml:19:29", "the trial duration must be a number, not true or false"}}},
		{"reveals unknown", replace("reveals: [liability, quantum]", "reveals: [liabilty]"),
			[][]string{{"s.yaml:19:78", `stage trial reveals "liabilty", which is not defined`, "did you mean liability?"}}},
		{"reveals what depends on the end", replace("reveals: [liability, quantum]", "reveals: [supplier_court]"),
			[][]string{{"s.yaml:19:78", "stage trial reveals supplier_court, which depends on how the dispute unfolds"}}},
		{"unknown name in a stage", replace("duration: 2,", "duration: years_to_judgement,"),
			[][]string{{"s.yaml:19:29", `unknown name "years_to_judgement" in stage trial duration`}}},
		{"draw in a stage", replace("duration: 2,", "duration: \"pert(1, 2, 3)\","),
			[][]string{{"s.yaml:19:30", "the trial duration calls the distribution pert()", "move the draw to an input"}}},
		{"court uses how it ended", replace("supplier_court: award - spent_supplier", "supplier_court: award - spent_supplier + years_to_resolution"),
			[][]string{{"s.yaml:13:21", "party supplier: its court outcome supplier_court depends on how the dispute ended"}}},
		{"three parties", replace("  buyer: {court: buyer_court, settled: buyer_settled}\n", "  buyer: {court: buyer_court, settled: buyer_settled}\n  insurer: {court: buyer_court, settled: buyer_settled}\n"),
			[][]string{{"s.yaml:19:3", "a scenario with stages has two parties; this one has 3"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			wantDiags(t, compileDiags(t, tc.text), tc.want)
		})
	}
}

// TestPartyOutcomesAt checks the outcomes fitting evaluates against the
// whole end phase: a party's settled outcome at one figure and then at
// another (only what depends on the figure evaluated again, the
// discount and the spend kept), and its court outcome at judgment.
func TestPartyOutcomesAt(t *testing.T) {
	src := strings.NewReplacer(
		`  supplier_settled: settlement_figure - spent_supplier`,
		`  discount: (1 + interest) ^ -elapsed_years
  supplier_settled: (settlement_figure - spent_supplier) * discount`,
		`  settlement_figure: 0`, `  settlement_figure: 0
  interest: uniform(0.02, 0.08)`,
		`  buyer_settled: -settlement_figure - spent_buyer`,
		`  buyer_settled: -settlement_figure * discount - spent_buyer`,
	).Replace(processBase)
	p := compile(t, src)
	ns := len(p.Process().Stages)
	s, whole := p.NewState(), p.NewState()
	for trial := range 50 {
		for _, st := range []*model.State{s, whole} {
			if err := p.EvalTimeline(st, 7, trial); err != nil {
				t.Fatal(err)
			}
		}
		for k := range ns {
			for i, party := range p.Parties {
				if err := p.PartySettledAt(s, k, 3e6, i); err != nil {
					t.Fatal(err)
				}
				for _, f := range []float64{-2e6, 0, 41e6} {
					if err := p.PartySettledAgain(s, f, i); err != nil {
						t.Fatal(err)
					}
					if err := p.EndAt(whole, k, f); err != nil {
						t.Fatal(err)
					}
					if got, want := s.Slots[party.Settled.Slot], whole.Slots[party.Settled.Slot]; got != want {
						t.Fatalf("trial %d, stage %d: %s's settled outcome at %g is %v again, %v in full", trial, k, party.Name, f, got, want)
					}
				}
			}
		}
		for i, party := range p.Parties {
			if err := p.PartyCourtAt(s, ns, i); err != nil {
				t.Fatal(err)
			}
			if err := p.EndAt(whole, ns, 0); err != nil {
				t.Fatal(err)
			}
			if got, want := s.Slots[party.Court.Slot], whole.Slots[party.Court.Slot]; got != want {
				t.Fatalf("trial %d: %s's court outcome is %v, %v in full", trial, party.Name, got, want)
			}
		}
	}
}
