package engine

import (
	"context"
	"fmt"
	"sync"
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
// the earliest failing trial.
func stream(ctx context.Context, p *model.Program, opt Options, vars []*model.Var, sketch bool) ([]stats.Moments, []*stats.Sketch, error) {
	if opt.Trials < 1 {
		return nil, nil, fmt.Errorf("trials must be at least 1, not %d", opt.Trials)
	}
	nchunks := (opt.Trials + chunk - 1) / chunk
	nseg := min(segments, nchunks)
	per := (nchunks + nseg - 1) / nseg * chunk // trials a segment
	nseg = (opt.Trials + per - 1) / per
	moments := make([][]stats.Moments, nseg)
	n := min(workers(opt), nseg)
	sketches := make([][]stats.Sketch, n)
	failAt := make([]int, nseg)
	fails := make([]error, nseg)
	var next, done atomic.Int64
	var wg sync.WaitGroup
	for w := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := p.NewState()
			if sketch {
				sketches[w] = make([]stats.Sketch, len(vars))
			}
			sk := sketches[w]
			for {
				k := int(next.Add(1) - 1)
				if k >= nseg {
					return
				}
				ms := make([]stats.Moments, len(vars))
				moments[k] = ms
				start, end := k*per, min((k+1)*per, opt.Trials)
				for c := start; c < end; c += chunk {
					if ctx.Err() != nil {
						return
					}
					ce := min(c+chunk, end)
					if i, err := streamChunk(p, s, opt.Seed, c, ce, vars, ms, sk); err != nil {
						failAt[k], fails[k] = i, err
						break
					}
					if opt.Progress != nil {
						opt.Progress(int(done.Add(int64(ce - c))))
					}
				}
				if fails[k] != nil {
					continue
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	for k := range fails {
		if fails[k] != nil { // segments are in trial order: the first is the earliest
			return nil, nil, fails[k]
		}
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
	return total, out, nil
}

func streamChunk(p *model.Program, s *model.State, seed uint64, start, end int, vars []*model.Var, ms []stats.Moments, sk []stats.Sketch) (int, error) {
	// A var's slot holds its value, constant or computed in the trial.
	var buf [16]int
	slots := buf[:0]
	for _, v := range vars {
		slots = append(slots, v.Slot)
	}
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
	}
	return 0, nil
}

// Moments evaluates opt.Trials trials of p and returns the moments (mean,
// spread, min, max) of each of vars, keeping no per-trial values: the
// simulation itself with the least bookkeeping, which bench/ times. The
// result does not depend on opt.Workers.
func Moments(ctx context.Context, p *model.Program, opt Options, vars []*model.Var) ([]stats.Moments, error) {
	m, _, err := stream(ctx, p, opt, vars, false)
	return m, err
}

// runSketched is Run for more trials than the exact limit: every output
// and sampled input is summarised from moments and a quantile sketch
// (quantiles within stats.SketchAccuracy), in memory that does not grow
// with the trial count. The parties' analysis and the sensitivity
// analysis need every trial's values and are not made.
func runSketched(ctx context.Context, p *model.Program, opt Options, res *Result) (*Result, error) {
	cols := newColumns(res, p, true)
	ms, sks, err := stream(ctx, p, opt, cols.vars, true)
	if err != nil {
		return nil, err
	}
	for j, v := range cols.vars {
		cols.byVar[v].Summary = stats.SketchSummary(ms[j], sks[j], histogramBins(v))
	}
	res.QuantileError = stats.SketchAccuracy
	return res, nil
}
