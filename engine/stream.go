package engine

import (
	"context"
	"fmt"
	"sync/atomic"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/stats"
)

// DefaultExactLimit is the largest run whose every value Run keeps, for
// exact quantiles, when Options.ExactLimit is 0: 10 million trials, 80 MB
// a column.
const DefaultExactLimit = 10_000_000

func exactLimit(opt Options) int {
	if opt.ExactLimit > 0 {
		return opt.ExactLimit
	}
	return DefaultExactLimit
}

// segments is how many parts a streamed run's trials are split into: each
// part is evaluated in trial order by one worker and the parts' moments
// merged in order, so that the result does not depend on the number of
// workers, while memory stays bounded whatever the trial count.
const segments = 64

// stream evaluates opt.Trials trials of p and returns, for each of vars,
// the moments of its values and, when sketch is set, a quantile sketch;
// no values are kept. The moments do not depend on opt.Workers (the
// sketches' counts are integers, so they do not either); an error names
// the earliest failing trial. Under a design (Latin hypercube, Sobol')
// it also returns each var's standard error of the mean from the
// design's replicates (see replicateSE).
func stream(ctx context.Context, p *model.Program, opt Options, vars []*model.Var, sketch bool) ([]stats.Moments, []*stats.Sketch, []float64, error) {
	if opt.Trials < 1 {
		return nil, nil, nil, fmt.Errorf("trials must be at least 1, not %d", opt.Trials)
	}
	nchunks := (opt.Trials + chunk - 1) / chunk
	nseg := min(segments, nchunks)
	per := (nchunks + nseg - 1) / nseg * chunk // trials a segment
	nseg = (opt.Trials + per - 1) / per
	moments := make([][]stats.Moments, nseg)
	reps := newReplicateSums(p, nseg, len(vars))
	sketches := make([][]stats.Sketch, workers(opt))
	slots := make([]int, len(vars)) // a var's slot holds its value, constant or computed
	for j, v := range vars {
		slots[j] = v.Slot
	}
	var done atomic.Int64
	err := forRanges(ctx, p, opt, per, func(s *model.State, w, k, start, end int) (int, error) {
		if sketch && sketches[w] == nil {
			sketches[w] = make([]stats.Sketch, len(vars))
		}
		ms := make([]stats.Moments, len(vars))
		moments[k] = ms
		for c := start; c < end && ctx.Err() == nil; c += chunk {
			ce := min(c+chunk, end)
			if i, err := streamChunk(p, s, opt.Seed, c, ce, vars, slots, ms, sketches[w], reps.segment(k)); err != nil {
				return i, err
			}
			if opt.Progress != nil {
				opt.Progress(int(done.Add(int64(ce - c))))
			}
		}
		return 0, nil
	})
	if err != nil {
		return nil, nil, nil, err
	}
	total := make([]stats.Moments, len(vars))
	for _, ms := range moments {
		for j := range total {
			total[j].Merge(ms[j])
		}
	}
	var out []*stats.Sketch
	if sketch {
		out = make([]*stats.Sketch, len(vars))
		for j := range vars {
			out[j] = &stats.Sketch{}
			for w := range sketches {
				if sketches[w] != nil {
					out[j].Merge(&sketches[w][j])
				}
			}
		}
	}
	return total, out, reps.se(opt.Trials), nil
}

func streamChunk(p *model.Program, s *model.State, seed uint64, start, end int, vars []*model.Var, slots []int, ms []stats.Moments, sk []stats.Sketch, rep []stats.Sum) (int, error) {
	for i := start; i < end; i++ {
		if err := p.Eval(s, seed, i); err != nil {
			return i, err
		}
		if len(slots) == 0 {
			continue
		}
		inv := 1 / float64(ms[0].N+1) // every var has the same count
		for j, slot := range slots {
			x := s.Slots[slot]
			if x-x != 0 {
				return i, nonFinite(vars[j], i, x)
			}
			ms[j].AddInv(x, inv)
		}
		if sk != nil {
			for j, slot := range slots {
				sk[j].Add(s.Slots[slot])
			}
		}
		if rep != nil {
			addReplicate(rep, i, s.Slots, slots)
		}
	}
	return 0, nil
}

// Moments evaluates opt.Trials trials of p and returns the moments (mean,
// spread, min, max) of each of vars, keeping no per-trial values: the
// simulation itself with the least bookkeeping, which bench/ times. The
// result does not depend on opt.Workers.
func Moments(ctx context.Context, p *model.Program, opt Options, vars []*model.Var) ([]stats.Moments, error) {
	m, _, _, err := stream(ctx, p, opt, vars, false)
	return m, err
}

// runSketched is Run for more trials than the exact limit: every output
// and sampled input is summarised from moments and a quantile sketch
// (quantiles within stats.SketchAccuracy), in memory that does not grow
// with the trial count. The parties' analysis and the sensitivity
// analysis need every trial's values and are not made.
func runSketched(ctx context.Context, p *model.Program, opt Options, res *Result) (*Result, error) {
	cols := newColumns(res, p, true)
	ms, sks, ses, err := stream(ctx, p, opt, cols.vars, true)
	if err != nil {
		return nil, err
	}
	for j, v := range cols.vars {
		cols.byVar[v].Summary = stats.SketchSummary(ms[j], sks[j], histogramBins(v))
		if ses != nil {
			cols.byVar[v].Summary.SE = ses[j]
		}
	}
	res.QuantileError = stats.SketchAccuracy
	return res, nil
}
