package run

import (
	"context"
	"sync/atomic"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/stats"
	"github.com/settle-sim/settle/internal/hugemem"
)

// Segments is how many parts a streamed run's trials are split into:
// each part is evaluated in trial order by one worker and the parts'
// moments merged in order, so that the result does not depend on the
// number of workers, while memory stays bounded whatever the trial count.
const Segments = 64

// SegmentSize is the trials of each of Segments parts of trials trials
// (the last may be shorter): a whole number of chunks.
func SegmentSize(trials int) int {
	nchunks := (trials + Chunk - 1) / Chunk
	nseg := min(Segments, nchunks)
	return (nchunks + nseg - 1) / nseg * Chunk
}

// Stream evaluates pl's trials of p and returns, for each of vars, the
// moments of its values and, when sketch is set, a quantile sketch; no
// values are kept. The moments do not depend on pl.Workers (the
// sketches' counts are integers, so they do not either); an error names
// the earliest failing trial.
func Stream(ctx context.Context, p *model.Program, pl Plan, vars []*model.Var, sketch bool) ([]stats.Moments, []*stats.Sketch, error) {
	per := SegmentSize(pl.Trials)
	nseg := (pl.Trials + per - 1) / per
	moments := make([][]stats.Moments, nseg)
	sketches := make([][]stats.Sketch, pl.workers())
	slots := make([]int, len(vars)) // a var's slot holds its value, constant or computed
	for j, v := range vars {
		slots[j] = v.Slot
	}
	var done atomic.Int64
	blocks := newWorkerBlocks(p, pl)
	var invs [][]float64 // each worker's 1/(n+1) for a chunk's running counts
	if blocks != nil {
		invs = make([][]float64, pl.workers())
	}
	err := Ranges(ctx, p, pl, per, func(s *model.State, w, k, start, end int) (int, error) {
		if sketch && sketches[w] == nil {
			sketches[w] = make([]stats.Sketch, len(vars))
		}
		ms := make([]stats.Moments, len(vars))
		moments[k] = ms
		for c := start; c < end && ctx.Err() == nil; c += Chunk {
			ce := min(c+Chunk, end)
			if b := blocks.eval(p, w, pl.Seed, c, ce, vars); b != nil {
				streamColumns(b, vars, ms, sketches[w], hugemem.Grow(&invs[w], ce-c))
				if pl.Progress != nil {
					pl.Progress(int(done.Add(int64(ce - c))))
				}
				continue
			}
			if i, err := streamChunk(p, s, pl.Seed, c, ce, vars, slots, ms, sketches[w]); err != nil {
				return i, err
			}
			if pl.Progress != nil {
				pl.Progress(int(done.Add(int64(ce - c))))
			}
		}
		return 0, nil
	})
	if err != nil {
		return nil, nil, err
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

// streamColumns adds the values of vars in block b's trials to their
// moments and sketches (sk, nil for none), as streamChunk does trial by
// trial; inv is scratch of the block's length.
func streamColumns(b *model.Block, vars []*model.Var, ms []stats.Moments, sk []stats.Sketch, inv []float64) {
	if len(vars) == 0 {
		return
	}
	c := ms[0].N // every var has the same count
	for t := range inv {
		inv[t] = 1 / float64(c+t+1)
	}
	for j, v := range vars {
		m := &ms[j]
		for t, x := range b.Values(v) {
			m.AddInv(x, inv[t])
		}
		if sk != nil {
			skj := &sk[j]
			for _, x := range b.Values(v) {
				skj.Add(x)
			}
		}
	}
}

func streamChunk(p *model.Program, s *model.State, seed uint64, start, end int, vars []*model.Var, slots []int, ms []stats.Moments, sk []stats.Sketch) (int, error) {
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
				return i, NonFinite(x, vars[j], i)
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

// Means evaluates pl's trials of p and returns each of vars' mean,
// summing chunk by chunk (plainly: 1,024 values) and the chunks' sums in
// order, compensated, so that the means do not depend on the number of
// workers and no columns are kept.
func Means(ctx context.Context, p *model.Program, pl Plan, vars []*model.Var) ([]float64, error) {
	nchunks := (pl.Trials + Chunk - 1) / Chunk
	sums := make([]float64, nchunks*len(vars))
	blocks := newWorkerBlocks(p, pl)
	err := chunks(ctx, p, pl, func(s *model.State, w, k, start, end int) (int, error) {
		part := sums[k*len(vars) : (k+1)*len(vars)]
		if b := blocks.eval(p, w, pl.Seed, start, end, vars); b != nil {
			for j, v := range vars {
				part[j] = plainSum(b.Values(v)) // plain within a chunk, compensated across
			}
			return 0, nil
		}
		acc := make([]float64, len(vars)) // plain within a chunk, compensated across

		for i := start; i < end; i++ {
			if err := p.Eval(s, pl.Seed, i); err != nil {
				return i, err
			}
			for j, v := range vars {
				x := s.Slots[v.Slot]
				if x-x != 0 {
					return i, NonFinite(x, v, i)
				}
				acc[j] += x
			}
		}
		copy(part, acc)
		return 0, nil
	})
	if err != nil {
		return nil, err
	}
	means := make([]float64, len(vars))
	for j := range vars {
		var total stats.Sum
		for k := range nchunks {
			total.Add(sums[k*len(vars)+j])
		}
		means[j] = total.Value() / float64(pl.Trials)
	}
	return means, nil
}
