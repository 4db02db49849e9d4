package engine

import (
	"context"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/run"
	"github.com/settle-sim/settle/engine/statistic"
)

// StatisticResult is the estimate of one of the scenario's statistics
// (see engine/statistic) in a run: its value, standard error and the
// trials it rests on.
type StatisticResult struct {
	Statistic *model.Statistic
	statistic.Estimate
}

// statisticVars are the vars the statistics of p need in every trial.
func statisticVars(p *model.Program) []*model.Var {
	var vs []*model.Var
	for _, st := range p.Statistics {
		vs = append(vs, st.Of)
		if st.Given != nil {
			vs = append(vs, st.Given)
		}
	}
	return vs
}

// estimateStatistics estimates p's statistics from every trial's values.
func estimateStatistics(p *model.Program, cols map[*model.Var]*Column) []StatisticResult {
	var out []StatisticResult
	for _, st := range p.Statistics {
		var given []float64
		if st.Given != nil {
			given = cols[st.Given].Values
		}
		out = append(out, StatisticResult{Statistic: st, Estimate: statistic.Exact(st.Kind, st.Prob, cols[st.Of].Values, given)})
	}
	return out
}

// streamStatistics estimates p's statistics over opt.Trials trials,
// keeping no values: each segment of trials (as stream cuts them) has its
// accumulators, merged in trial order, so that the estimates do not
// depend on the number of workers. It is a pass of its own, made only
// for runs above the exact limit of scenarios that declare statistics.
func streamStatistics(ctx context.Context, p *model.Program, opt Options) ([]StatisticResult, error) {
	if len(p.Statistics) == 0 {
		return nil, nil
	}
	opt.Progress = nil
	per := run.SegmentSize(opt.Trials)
	accs := make([][]statistic.Accumulator, (opt.Trials+per-1)/per)
	err := run.Ranges(ctx, p, plan(opt), per, func(s *model.State, _, k, start, end int) (int, error) {
		acc := make([]statistic.Accumulator, len(p.Statistics))
		for j, st := range p.Statistics {
			acc[j].Kind, acc[j].Prob = st.Kind, st.Prob
		}
		accs[k] = acc
		for i := start; i < end; i++ {
			if err := p.Eval(s, opt.Seed, i); err != nil {
				return i, err
			}
			for j, st := range p.Statistics {
				x := s.Slots[st.Of.Slot]
				if x-x != 0 {
					return i, run.NonFinite(x, st.Of, i)
				}
				acc[j].Add(x, st.Given == nil || s.Slots[st.Given.Slot] != 0)
			}
		}
		return 0, nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]StatisticResult, len(p.Statistics))
	for j, st := range p.Statistics {
		total := statistic.Accumulator{Kind: st.Kind, Prob: st.Prob}
		for k := range accs {
			total.Merge(&accs[k][j])
		}
		out[j] = StatisticResult{Statistic: st, Estimate: total.Estimate()}
	}
	return out, nil
}
