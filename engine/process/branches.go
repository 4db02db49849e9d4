package process

import (
	"context"
	"fmt"

	"github.com/settle-sim/settle/engine/lsmc"
	"github.com/settle-sim/settle/engine/model"
)

// Branches returns, for each party and each of trials 0 to n−1 of p (a
// program with stages whose policy is fitted), what it ends with in the
// two branches of the decision at stage first's opportunity: settling
// there at figure, and going on, the decisions at later opportunities
// following p's policy. In a trial that does not reach that opportunity
// (a condition before it failed) both branches are how it ends. The
// value of information of the decision to settle is valued on them.
func Branches(ctx context.Context, p *model.Program, seed uint64, n, workers, first int, figure float64) (goOn, settle [][]float64, err error) {
	proc, pol := p.Process(), p.Policy()
	if proc == nil || pol == nil {
		return nil, nil, fmt.Errorf("process: the scenario has no stages, or its decisions are not fitted")
	}
	np := len(p.Parties)
	goOn, settle = make([][]float64, np), make([][]float64, np)
	for i := range np {
		goOn[i], settle[i] = make([]float64, n), make([]float64, n)
	}
	ns := len(proc.Stages)
	err = parallel(ctx, n, workers, p.NewState, func(s *model.State, t int) error {
		if err := p.EvalTimeline(s, seed, t); err != nil {
			return err
		}
		reached := s.Happens(first)
		if reached {
			for i, party := range p.Parties {
				if err := p.PartyEndAt(s, first, figure, i); err != nil {
					return err
				}
				settle[i][t] = s.Slots[party.Settled.Slot]
			}
		}
		// Going on: the first later opportunity (or, when this one is
		// not reached, the first at all) where both would settle.
		from := first + 1
		if !reached {
			from = 0
		}
		end, f := ns, 0.0
		for k := from; k < ns; k++ {
			if proc.State[k] == nil || !s.Happens(k) {
				continue
			}
			var buf [lsmc.MaxFeatures]float64
			x := p.StateAt(s, k, buf[:len(proc.State[k])])
			if ok, fk := pol.Decide(k, x); ok {
				end, f = k, fk
				break
			}
		}
		for i, party := range p.Parties {
			if err := p.PartyEndAt(s, end, f, i); err != nil {
				return err
			}
			v := s.Slots[party.Court.Slot]
			if end < ns {
				v = s.Slots[party.Settled.Slot]
			}
			goOn[i][t] = v
			if !reached {
				settle[i][t] = v
			}
		}
		return nil
	})
	return goOn, settle, err
}
