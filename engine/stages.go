package engine

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/settle-sim/settle/engine/decision"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/process"
)

// ProcessResult is, for a scenario with stages, how the parties decided
// (the fitted policy) and how the disputes ended.
type ProcessResult struct {
	Fit     *process.Fit
	Outcome *process.Outcome
}

// DefaultRefits is the number of refits on independent pilots from which
// the error of a process's fitted values is measured.
const DefaultRefits = 4

// processViews compiles each party's own beliefs for the scenario with
// stages p: the party's view from s.Views, else its view: in the
// scenario; nil where it holds the scenario's.
func (s Spec) processViews(p *model.Program) ([]*model.Program, error) {
	for name := range s.Views {
		if !slices.ContainsFunc(p.Parties, func(pt model.Party) bool { return pt.Name == name }) {
			return nil, unknownParty(name, p)
		}
	}
	views := make([]*model.Program, len(p.Parties))
	for i, pt := range p.Parties {
		files, ok := s.Views[pt.Name]
		if !ok {
			files = p.Scenario.Parties[i].View
		}
		if len(files) == 0 {
			continue
		}
		q, _, err := s.compile(files)
		if err != nil {
			return nil, fmt.Errorf("%s's view: %w", pt.Name, err)
		}
		views[i] = q
	}
	return views, nil
}

func unknownParty(name string, p *model.Program) error {
	var names []string
	for _, pt := range p.Parties {
		names = append(names, pt.Name)
	}
	return fmt.Errorf("--view %s: the scenario has no party %q; its parties are %s", name, name, strings.Join(names, ", "))
}

// fitProcess fits the decisions of a scenario with stages that has none
// yet, on pilots from opt's seed, and returns p deciding by them.
func fitProcess(ctx context.Context, p *model.Program, opt Options) (*model.Program, *process.Fit, error) {
	if !p.IsProcess() {
		return p, nil, nil
	}
	refits := opt.Refits
	if refits == 0 {
		refits = DefaultRefits
	}
	fit, err := process.FitPolicy(ctx, p, p.Views(), process.Options{Seed: opt.Seed, Pilot: opt.Pilot, Refits: refits, Sampler: opt.PilotSampler, Workers: workers(opt)})
	if err != nil {
		return nil, nil, err
	}
	return p.WithPolicy(fit.Policy), fit, nil
}

// processColumns returns the vars the outcome of a scenario with stages
// is summarised from.
func processColumns(p *model.Program) []*model.Var {
	proc := p.Process()
	if proc == nil {
		return nil
	}
	vars := []*model.Var{proc.StageNo, proc.Years, proc.Happened, p.Figure}
	return append(vars, proc.Nets...)
}

// pathMask returns the column that says where each trial settled, when
// some column is to be summarised on its path.
func pathMask(p *model.Program, byVar map[*model.Var]*Column) []float64 {
	proc := p.Process()
	if proc == nil {
		return nil
	}
	if c := byVar[proc.StageNo]; c != nil {
		return c.Values
	}
	return nil
}

// onPath returns the values of the trials that ended on path, mask
// holding each trial's settlement stage (0 for judgment).
func onPath(values, mask []float64, path model.Path) []float64 {
	n := 0
	for _, m := range mask[:len(values)] {
		if path.Holds(model.EndedOn(m)) {
			n++
		}
	}
	out := make([]float64, 0, n)
	for t, x := range values {
		if path.Holds(model.EndedOn(mask[t])) {
			out = append(out, x)
		}
	}
	return out
}

func summarizeProcess(p *model.Program, vars []*model.Var, byVar map[*model.Var]*Column) *process.Outcome {
	proc := p.Process()
	c := process.Columns{Stage: byVar[vars[0]].Values, Years: byVar[vars[1]].Values,
		Happened: byVar[vars[2]].Values, Figure: byVar[vars[3]].Values}
	var names []string
	for i, pt := range p.Parties {
		names = append(names, pt.Name)
		c.Nets = append(c.Nets, byVar[vars[4+i]].Values)
	}
	return process.Summarize(proc, names, c)
}

// analyseProcessParties makes each party's analysis in a scenario with
// stages: its outcome however the dispute ends, nets[i], and at
// judgment (on the trials that end there), courts[i]; its reservation
// value and certainty equivalent of going on at the first opportunity to
// settle, on its own beliefs; the settlement range there; and, with a
// fixed offer, whether each accepts it there.
func analyseProcessParties(res *Result, nets, courts []Outcome) {
	p := res.Program
	fit := res.Process.Fit
	for i, pt := range p.Parties {
		a := decision.Attitude{RiskTolerance: pt.RiskTolerance}
		pr := &PartyResult{Name: pt.Name, Attitude: a, Net: nets[i], Court: courts[i]}
		if views := p.Views(); i < len(views) && views[i] != nil {
			for _, pos := range views[i].Scenario.Positions[len(p.Scenario.Positions):] {
				pr.View = append(pr.View, pos.Path)
			}
		}
		if fit.First >= 0 {
			fv := fit.FirstValues[i]
			side := decision.Payee
			if i == fit.Policy.Payer {
				side = decision.Payer
			}
			pr.Reservation = decision.Reservation{Side: side, Value: fv.Reservation, CourtCE: fv.GoingOn, Method: "backward induction over the stages"}
			pr.First = &fv
			if proc := p.Process(); proc.HasOffer {
				// CE(settle at f) = CE(going on) + k·(f − reservation).
				pr.Offer = &Offer{Figure: proc.Offer, Accepts: pr.Reservation.Accepts(proc.Offer),
					SettledCE: fv.GoingOn + fv.Slope*(proc.Offer-fv.Reservation), BeatsCourt: math.NaN()}
			}
		}
		res.Parties = append(res.Parties, pr)
	}
	if fit.First >= 0 {
		_ = settlementRange(res)
	}
}
