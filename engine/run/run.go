// Package run evaluates a compiled program's trials: it cuts a run's
// trials into ranges, schedules the ranges on worker goroutines (each
// with its own model.State), and gathers what each range produced —
// per-trial columns, streamed moments, sketches or means — in a fixed
// order, so that what a run computes depends on its trials alone, never
// on how many workers (or processes, or machines) shared them.
//
// Trials are evaluated a chunk at a time by model.Program.EvalBlock,
// each rule over the chunk's column of values, where the program allows
// (no stages, draws not planned jointly), else one by one by
// model.Program.Eval(state, seed, trial); the two give the same bits,
// and a chunk in which a trial fails is evaluated again one by one, so
// that the error names the earliest failing trial either way. A program
// handed to this package is ready to evaluate.
package run

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/stats"
	"github.com/settle-sim/settle/internal/hugemem"
)

// Chunk is the number of consecutive trials a worker takes at a time
// when the ranges' size does not matter to the result.
const Chunk = 1024

// Plan says which trials to evaluate and on how many workers.
type Plan struct {
	Seed   uint64
	Trials int // trials 0 … Trials−1
	// Workers is the number of goroutines; 0 or less means one per CPU
	// (the engine passes its own choice, see engine.Options.Workers).
	Workers int
	// Progress, if set, is called from the workers, possibly at the same
	// time, with the number of trials done so far each time a chunk
	// finishes. It never affects the result.
	Progress func(done int)
}

func (pl Plan) workers() int {
	if pl.Workers > 0 {
		return pl.Workers
	}
	return runtime.GOMAXPROCS(0)
}

// RangeFunc evaluates trials [start, end), range k, on worker w with its
// state s. It returns the index of the trial that failed with its error.
type RangeFunc func(s *model.State, w, k, start, end int) (int, error)

// Ranges runs fn over pl's trials cut into ranges of size trials, the
// range k being [k·size, (k+1)·size), on pl's workers, each worker (w)
// with its own State. It returns the error of the earliest failing
// trial, whatever the number of workers, and skips the ranges after it.
func Ranges(ctx context.Context, p *model.Program, pl Plan, size int, fn RangeFunc) error {
	n := pl.workers()
	nranges := (pl.Trials + size - 1) / size
	var next atomic.Int64
	var firstErr atomic.Int64
	firstErr.Store(math.MaxInt64)
	errs := make([]error, n)
	errAt := make([]int, n)
	var wg sync.WaitGroup
	for w := range min(n, nranges) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := p.NewState()
			for {
				k := int(next.Add(1) - 1)
				if k >= nranges || ctx.Err() != nil {
					return
				}
				start, end := k*size, min((k+1)*size, pl.Trials)
				if int64(start) > firstErr.Load() {
					continue // an earlier trial has failed already
				}
				if i, err := fn(s, w, k, start, end); err != nil {
					if errs[w] == nil || i < errAt[w] {
						errs[w], errAt[w] = err, i
					}
					for {
						cur := firstErr.Load()
						if int64(i) >= cur || firstErr.CompareAndSwap(cur, int64(i)) {
							break
						}
					}
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	if first := firstErr.Load(); first != math.MaxInt64 {
		for w, err := range errs {
			if err != nil && int64(errAt[w]) == first {
				return err
			}
		}
	}
	return nil
}

// Chunks runs fn over pl's trials in ranges of Chunk trials, reporting
// progress after each; fn gets the range's index k.
func Chunks(ctx context.Context, p *model.Program, pl Plan, fn func(s *model.State, k, start, end int) (int, error)) error {
	return chunks(ctx, p, pl, func(s *model.State, _, k, start, end int) (int, error) { return fn(s, k, start, end) })
}

// chunks is Chunks whose fn gets the worker's index w too.
func chunks(ctx context.Context, p *model.Program, pl Plan, fn RangeFunc) error {
	var done atomic.Int64
	return Ranges(ctx, p, pl, Chunk, func(s *model.State, w, k, start, end int) (int, error) {
		i, err := fn(s, w, k, start, end)
		if pl.Progress != nil {
			pl.Progress(int(done.Add(int64(end - start))))
		}
		return i, err
	})
}

// Columns evaluates pl's trials of p and returns, for each of vars, its
// value in every trial, in trial order. The values do not depend on
// pl.Workers; an error names the earliest failing trial.
func Columns(ctx context.Context, p *model.Program, pl Plan, vars []*model.Var) ([][]float64, error) {
	cols := make([][]float64, len(vars))
	var slots []int
	var tracked [][]float64
	var trackedVars []*model.Var
	for i, v := range vars {
		cols[i] = hugemem.Floats(pl.Trials)
		if !v.Random {
			for t := range cols[i] {
				cols[i][t] = v.Const
			}
			continue
		}
		slots = append(slots, v.Slot)
		tracked = append(tracked, cols[i])
		trackedVars = append(trackedVars, v)
	}
	blocks := newWorkerBlocks(p, pl)
	err := chunks(ctx, p, pl, func(s *model.State, w, _, start, end int) (int, error) {
		if b := blocks.eval(p, w, pl.Seed, start, end, trackedVars); b != nil {
			for k, v := range trackedVars {
				copy(tracked[k][start:end], b.Values(v))
			}
			return 0, nil
		}
		return evalChunk(p, s, pl.Seed, start, end, tracked, slots, trackedVars)
	})
	if err != nil {
		return nil, err
	}
	return cols, nil
}

// evalChunk evaluates trials [start, end) and stores the tracked values.
// It stops at the first failing trial and returns its index.
func evalChunk(p *model.Program, s *model.State, seed uint64, start, end int, cols [][]float64, slots []int, vars []*model.Var) (int, error) {
	for i := start; i < end; i++ {
		if err := p.Eval(s, seed, i); err != nil {
			return i, err
		}
		for k, slot := range slots {
			v := s.Slots[slot]
			if v-v != 0 { // NaN or ±Inf
				return i, NonFinite(v, vars[k], i)
			}
			cols[k][i] = v
		}
	}
	return 0, nil
}

// NonFinite is the error of a var whose value x in trial is NaN or
// infinite.
func NonFinite(x float64, v *model.Var, trial int) error {
	return &model.EvalError{Trial: trial, Name: v.Name, Pos: v.Pos,
		Msg: fmt.Sprintf("value is %v; check for log or sqrt of a negative number, division by zero or overflow in it or the rules it uses", x)}
}

// Summaries summarises each column (stats.Summarize with bins[i] bins),
// columns in parallel on workers goroutines.
func Summaries(cols [][]float64, bins []int, workers int) []stats.Summary {
	out, _ := SummariesCurves(cols, bins, nil, workers)
	return out
}

// SummariesCurves is Summaries, and with points[k] of 2 or more (points
// may be nil) also column k's stats.Curve of that many points, from the
// same passes (stats.SummarizeCurve).
func SummariesCurves(cols [][]float64, bins, points []int, workers int) ([]stats.Summary, [][]float64) {
	out, curves := make([]stats.Summary, len(cols)), make([][]float64, len(cols))
	Each(len(cols), workers, func(k int) {
		pts := 0
		if points != nil {
			pts = points[k]
		}
		out[k], curves[k] = stats.SummarizeCurve(cols[k], bins[k], pts)
	})
	return out, curves
}

// Each calls fn(k) for each k in [0, n) on up to workers goroutines and
// returns when every call has. Which goroutine makes which call is not
// fixed, so fn(k) must write only what belongs to k.
func Each(n, workers int, fn func(k int)) {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(max(workers, 1), n) {
		wg.Go(func() {
			for {
				k := int(next.Add(1) - 1)
				if k >= n {
					return
				}
				fn(k)
			}
		})
	}
	wg.Wait()
}
