package run

import (
	"context"
	"fmt"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/stats"
)

// Variant is a program made by model.Program.Follow from a base program,
// with the vars whose means are wanted and a name for its errors.
type Variant struct {
	Program *model.Program
	Vars    []*model.Var
	Name    string
}

// VariantMeans evaluates pl's trials of base and, in each trial, every
// variant after it, and returns each variant's mean of each of its vars:
// one pass over the trials for all the variants, each evaluating only
// what its change moves. The means are summed chunk by chunk (plainly:
// 1,024 values) and the chunks' sums in order, compensated, as Means sums
// them, so each is bit for bit the mean
// Means gives for the variant's program evaluated in full.
func VariantMeans(ctx context.Context, base *model.Program, variants []Variant, pl Plan) ([][]float64, error) {
	nchunks := (pl.Trials + Chunk - 1) / Chunk
	offsets := make([]int, len(variants)+1)
	for i, v := range variants {
		offsets[i+1] = offsets[i] + len(v.Vars)
	}
	width := offsets[len(variants)]
	sums := make([]float64, nchunks*width)
	states := make([][]*model.State, pl.workers()) // each worker's variants' states
	followers := make([]Probe, len(variants))
	for i, v := range variants {
		followers[i] = Probe{Program: v.Program, Follows: true}
	}
	byBlocks := blocksAllowed(base, followers)
	blocks := make([]*evalBlocks, pl.workers())
	err := Ranges(ctx, base, pl, Chunk, func(s *model.State, w, k, start, end int) (int, error) {
		if byBlocks {
			if blocks[w] == nil {
				blocks[w] = newEvalBlocks(base, followers)
			}
			if variantSumsByBlocks(base, variants, followers, blocks[w], pl.Seed, start, end, offsets, sums[k*width:(k+1)*width]) {
				return 0, nil
			}
			// a trial failed: find and report it trial by trial
		}
		vs := states[w]
		if vs == nil {
			for _, v := range variants {
				st := v.Program.NewState()
				st.Follow(s)
				vs = append(vs, st)
			}
			states[w] = vs
		}
		acc := make([]float64, width) // plain within a chunk, compensated across
		for i := start; i < end; i++ {
			if err := base.Eval(s, pl.Seed, i); err != nil {
				return i, err
			}
			for n, v := range variants {
				if err := v.Program.Eval(vs[n], pl.Seed, i); err != nil {
					return i, fmt.Errorf("%s: %w", v.Name, err)
				}
				for j, x := range v.Vars {
					y := vs[n].Slots[x.Slot]
					if y-y != 0 {
						return i, fmt.Errorf("%s: %w", v.Name, NonFinite(y, x, i))
					}
					acc[offsets[n]+j] += y
				}
			}
		}
		copy(sums[k*width:(k+1)*width], acc)
		return 0, nil
	})
	if err != nil {
		return nil, err
	}
	means := make([][]float64, len(variants))
	for n, v := range variants {
		means[n] = make([]float64, len(v.Vars))
		for j := range v.Vars {
			var total stats.Sum
			for k := range nchunks {
				total.Add(sums[k*width+offsets[n]+j])
			}
			means[n][j] = total.Value() / float64(pl.Trials)
		}
	}
	return means, nil
}

// variantSumsByBlocks evaluates trials [start, end) of base and then of
// each variant (followers) by blocks into bl, and sums each variant's
// vars into sums, as VariantMeans does trial by trial. It returns false
// when a trial fails or a value is not finite.
func variantSumsByBlocks(base *model.Program, variants []Variant, followers []Probe, bl *evalBlocks, seed uint64, start, end int, offsets []int, sums []float64) bool {
	if !bl.eval(base, followers, seed, start, end-start) {
		return false
	}
	for i, v := range variants {
		for j, x := range v.Vars {
			col := bl.probes[i].Values(x)
			if !stats.Finite(col) {
				return false
			}
			sums[offsets[i]+j] = plainSum(col) // plain within a chunk, as VariantMeans sums
		}
	}
	return true
}
