package process

import (
	"context"
	"fmt"

	"github.com/settle-sim/settle/engine/lsmc"
	"github.com/settle-sim/settle/engine/model"
)

// Decision is the decision to settle at one opportunity, in the trials
// in which the dispute is still open there under the policy: the stage
// happens and the parties did not settle at an earlier opportunity.
type Decision struct {
	// Stage is the stage the opportunity comes before.
	Stage int
	// Trials are the run's trials open here, in order; State holds their
	// states here, rows of len(Process.State[Stage]) values, and Figure
	// the figure each is valued at.
	Trials []int
	State  []float64
	Figure []float64
	// GoOn[i][r] and Settle[i][r] are what party i ends with in the
	// trial of row r in the two branches: going on, the decisions at
	// later opportunities following the policy, and settling here at
	// the figure.
	GoOn, Settle [][]float64
}

// Branches returns the decision at each opportunity to settle of p (a
// program with stages whose policy is fitted), in stage order, valued on
// trials 0 to n−1: in each trial open at an opportunity, what each party
// ends with if it settles there at figure(k, lo, hi), lo to hi the
// settlement range the policy finds in the trial's state there, and if
// it goes on. One pass over the trials gives them all: a
// trial's branches at each opportunity it reaches on the policy's path.
// The value of information of the decision to settle is valued on them.
func Branches(ctx context.Context, p *model.Program, seed uint64, n, workers int, figure func(k int, lo, hi float64) float64) ([]*Decision, error) {
	proc, pol := p.Process(), p.Policy()
	if proc == nil || pol == nil {
		return nil, fmt.Errorf("process: the scenario has no stages, or its decisions are not fitted")
	}
	np, ns := len(p.Parties), len(proc.Stages)
	// Each opportunity's values for every trial, kept where open[k][t];
	// gathered in trial order at the end, whatever the workers.
	type opp struct {
		open         []bool
		state, fig   []float64
		goOn, settle [][]float64
	}
	opps := make([]*opp, ns)
	for k := range ns {
		if proc.State[k] == nil {
			continue
		}
		o := &opp{open: make([]bool, n), state: make([]float64, n*len(proc.State[k])), fig: make([]float64, n),
			goOn: make([][]float64, np), settle: make([][]float64, np)}
		for i := range np {
			o.goOn[i], o.settle[i] = make([]float64, n), make([]float64, n)
		}
		opps[k] = o
	}
	// outcome sets out[i] to party i's outcome where the trial ends at
	// stage k's opportunity by settling at f, or with k = ns in judgment.
	outcome := func(s *model.State, k int, f float64, out []float64) error {
		for i, party := range p.Parties {
			if k == ns {
				if err := p.PartyCourtAt(s, k, i); err != nil {
					return err
				}
				out[i] = s.Slots[party.Court.Slot]
				continue
			}
			if err := p.PartySettledAt(s, k, f, i); err != nil {
				return err
			}
			out[i] = s.Slots[party.Settled.Slot]
		}
		return nil
	}
	// next returns where the policy ends the trial after opportunity k:
	// the first later opportunity where both would settle, and the
	// figure, else judgment (ns).
	next := func(s *model.State, k int) (int, float64) {
		for j := k + 1; j < ns; j++ {
			if proc.State[j] == nil || !s.Happens(j) {
				continue
			}
			d := len(proc.State[j])
			var buf [lsmc.MaxFeatures]float64
			x := p.StateAt(s, j, buf[:d:d])
			if ok, f := pol.Decide(j, x); ok {
				return j, f
			}
		}
		return ns, 0
	}
	err := parallel(ctx, n, workers, p.NewState, func(s *model.State, t int) error {
		if err := p.EvalTimeline(s, seed, t); err != nil {
			return err
		}
		var path []int // the opportunities the trial is open at
		end, endF := ns, 0.0
		out := make([]float64, np)
		for k := range ns {
			o := opps[k]
			if o == nil || !s.Happens(k) {
				continue
			}
			d := len(proc.State[k])
			x := p.StateAt(s, k, o.state[t*d:(t+1)*d])
			o.open[t] = true
			lo, hi := pol.Range(k, x)
			o.fig[t] = figure(k, lo, hi)
			if err := outcome(s, k, o.fig[t], out); err != nil {
				return err
			}
			for i := range np {
				o.settle[i][t] = out[i]
			}
			path = append(path, k)
			if ok, f := pol.Settle(lo, hi); ok {
				end, endF = k, f
				break
			}
		}
		// Going on from each opportunity before the one the trial settles
		// at (if any) ends where the trial does; from that one, where the
		// policy would take it next.
		if err := outcome(s, end, endF, out); err != nil {
			return err
		}
		for _, k := range path {
			if k == end {
				j, f := next(s, k)
				if err := outcome(s, j, f, out); err != nil {
					return err
				}
			}
			for i := range np {
				opps[k].goOn[i][t] = out[i]
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var ds []*Decision
	for k, o := range opps {
		if o == nil {
			continue
		}
		d := len(proc.State[k])
		dec := &Decision{Stage: k, GoOn: make([][]float64, np), Settle: make([][]float64, np)}
		for t := range n {
			if !o.open[t] {
				continue
			}
			dec.Trials = append(dec.Trials, t)
			dec.State = append(dec.State, o.state[t*d:(t+1)*d]...)
			dec.Figure = append(dec.Figure, o.fig[t])
			for i := range np {
				dec.GoOn[i] = append(dec.GoOn[i], o.goOn[i][t])
				dec.Settle[i] = append(dec.Settle[i], o.settle[i][t])
			}
		}
		ds = append(ds, dec)
	}
	return ds, nil
}
