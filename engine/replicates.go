package engine

import (
	"context"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/run"
	"github.com/settle-sim/settle/engine/sampling"
	"github.com/settle-sim/settle/engine/stats"
)

// Under Latin hypercube and Sobol' sampling a run's trials are
// sampling.Replicates independent randomisations of the design, and the
// standard error of a mean is estimated from the spread of their means
// (stats.ReplicateMeanSE): plain sampling's SD/√n would overstate it,
// since the design's points are not independent of each other.

// replicateErrors sets, under a design, the standard error of the mean
// of each of cols from the design's replicates. A var summarised over
// the trials that ended on its path (mask, as summarize takes it) has
// the standard error of that conditional mean: each replicate's mean
// over its own trials on the path, weighted by their number.
func replicateErrors(p *model.Program, cols []*Column, mask []float64) {
	if p.Replicates() != sampling.Replicates {
		return
	}
	for _, c := range cols {
		switch {
		case len(c.Values) < 2:
		case c.Var.Path != model.AnyPath && mask != nil:
			c.Summary.SE = replicateSEOnPath(c.Values, mask, c.Var.Path)
		default:
			c.Summary.SE = stats.ReplicateMeanSE(c.Values, sampling.Replicates)
		}
	}
}

// replicateSEOnPath is the replicates' standard error of the mean of
// the values of the trials that ended on path (see onPath).
func replicateSEOnPath(values, mask []float64, path model.Path) float64 {
	const R = sampling.Replicates
	var sums [R]stats.Sum
	var counts [R]int
	for t, x := range values {
		if path.Holds(model.EndedOn(mask[t])) {
			sums[t%R].Add(x)
			counts[t%R]++
		}
	}
	var totals [R]float64
	for k := range R {
		totals[k] = sums[k].Value()
	}
	return replicateSE(&totals, &counts)
}

// replicateSE is the standard error of a mean from its replicates' sums
// of values and counts of trials: each replicate's mean weighted by its
// share of the trials (stats.ReplicateSE).
func replicateSE(sums *[sampling.Replicates]float64, counts *[sampling.Replicates]int) float64 {
	const R = sampling.Replicates
	total := 0
	for _, c := range counts {
		total += c
	}
	means, weights := make([]float64, R), make([]float64, R)
	for k := range R {
		if counts[k] > 0 {
			means[k] = sums[k] / float64(counts[k])
			weights[k] = float64(counts[k]) / float64(total)
		}
	}
	return stats.ReplicateSE(means, weights)
}

// meanSEOf returns the mean of xs and its standard error under p's
// sampler: from the replicates under a design, SD/√n otherwise.
func meanSEOf(p *model.Program, xs []float64) (mean, se float64) {
	mean, se = meanSE(xs)
	if p.Replicates() == sampling.Replicates && len(xs) > 1 {
		se = stats.ReplicateMeanSE(xs, sampling.Replicates)
	}
	return mean, se
}

// replicateSums are a streamed run's sums of each var's values by
// replicate, for each segment of trials: segs[k][j·Replicates + r] sums
// var j over the trials of segment k in replicate r (with paths, over
// those of them that ended on var j's path, counts[k][j·Replicates + r]
// of them). Segments are summed in trial order and merged in segment
// order, so the result does not depend on the number of workers.
type replicateSums struct {
	segs   [][]stats.Sum
	counts [][]int
	nvars  int
}

// newReplicateSums returns the sums for a streamed run of p with nseg
// segments and nvars vars, counting each segment's trials by var when
// paths is set; nil when p's draws are not a design.
func newReplicateSums(p *model.Program, nseg, nvars int, paths bool) *replicateSums {
	if p.Replicates() != sampling.Replicates {
		return nil
	}
	r := &replicateSums{segs: make([][]stats.Sum, nseg), nvars: nvars}
	for k := range r.segs {
		r.segs[k] = make([]stats.Sum, nvars*sampling.Replicates)
	}
	if paths {
		r.counts = make([][]int, nseg)
		for k := range r.counts {
			r.counts[k] = make([]int, nvars*sampling.Replicates)
		}
	}
	return r
}

// addReplicate adds trial's values, values[slots[j]] for each var j, to
// its replicate's sums in segment k; with paths, only those of the vars
// whose path is on, the trial's (see run.Job's PathBy).
func (r *replicateSums) add(k, trial int, values []float64, slots []int, paths []model.Path, on model.Path) {
	rep, _ := sampling.Replicate(uint64(trial))
	seg := r.segs[k]
	for j, slot := range slots {
		if paths != nil && !paths[j].Holds(on) {
			continue
		}
		seg[j*sampling.Replicates+int(rep)].Add(values[slot])
		if r.counts != nil {
			r.counts[k][j*sampling.Replicates+int(rep)]++
		}
	}
}

// se returns each var's standard error of the mean over its trials, of
// n; nil when there are no sums.
func (r *replicateSums) se(n int) []float64 {
	if r == nil {
		return nil
	}
	const R = sampling.Replicates
	out := make([]float64, r.nvars)
	for j := range out {
		var ms [R]int
		var sums [R]float64
		for k := range R {
			if r.counts == nil {
				ms[k] = int(sampling.ReplicateSize(uint64(k), uint64(n)))
			} else {
				for _, c := range r.counts {
					ms[k] += c[j*R+k]
				}
			}
			var s stats.Sum
			for _, seg := range r.segs {
				s.Add(seg[j*R+k].Value())
			}
			sums[k] = s.Value()
		}
		out[j] = replicateSE(&sums, &ms)
	}
	return out
}

// replicateStream is a streamed pass over opt's trials of p that returns
// each of vars' standard error of the mean from the design's replicates,
// for a run above the exact limit, whose blocks keep moments and
// sketches but not the replicates' sums; nil when p's draws are not a
// design. With pathBy (a scenario with stages: see run.Job's PathBy), a
// var is taken over the trials that ended on its path in paths, and the
// error is that of its mean over them, as replicateErrors gives it.
// Segments are summed in trial order and merged in segment order, so
// the result does not depend on the number of workers.
func replicateStream(ctx context.Context, p *model.Program, opt Options, vars []*model.Var, paths []model.Path, pathBy *model.Var) ([]float64, error) {
	if p.Replicates() != sampling.Replicates {
		return nil, nil
	}
	if pathBy == nil {
		paths = nil
	}
	opt.Progress = nil
	per := run.SegmentSize(opt.Trials)
	reps := newReplicateSums(p, (opt.Trials+per-1)/per, len(vars), paths != nil)
	slots := make([]int, len(vars))
	for j, v := range vars {
		slots[j] = v.Slot
	}
	err := run.Ranges(ctx, p, plan(opt), per, func(s *model.State, _, k, start, end int) (int, error) {
		for i := start; i < end; i++ {
			if err := p.Eval(s, opt.Seed, i); err != nil {
				return i, err
			}
			reps.add(k, i, s.Slots, slots, paths, run.PathOf(s.Slots, pathBy))
		}
		return 0, nil
	})
	if err != nil {
		return nil, err
	}
	return reps.se(opt.Trials), nil
}
