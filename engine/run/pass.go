package run

import (
	"context"
	"fmt"
	"math"
	"runtime"
	"sync/atomic"

	"github.com/settle-sim/settle/engine/decision"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/stats"
	"github.com/settle-sim/settle/internal/hugemem"
)

// Job says what one pass over a run's trials gathers: for each tracked
// var, every value (Exact) or its moments and a quantile sketch; for
// each party, what its decision analysis needs, streamed.
type Job struct {
	Program *model.Program
	Vars    []*model.Var // tracked, distinct
	Exact   bool
	Parties []PartyJob
	// Probes are the program at each probe figure of the settlement
	// figure (the lowest, the highest and the middle of the search),
	// evaluated in every trial after Program.
	Probes []Probe
	// Offered is set when the settlement figure is one amount: then each
	// party's settled outcome is summed, and compared with court, for the
	// offer's analysis.
	Offered bool
	// PathBy, when set, is the var that says how a trial of a process
	// ended: its settlement stage, above 0 where it settled, 0 where it
	// went to judgment. Each of Vars is then gathered (when not Exact)
	// over the trials that ended on its path in Paths only, and each
	// party's court outcome over those that went to judgment.
	PathBy *model.Var
	Paths  []model.Path // one for each of Vars, with PathBy
	// Tally, when set, is called after each trial with the trial's
	// values and its block's Counts counts and Sums sums, for what the
	// fields above do not gather. Blocks' counts and sums are merged in
	// block order.
	Tally        func(slots []float64, counts []int, sums []Sum)
	Counts, Sums int
}

// Probe is the scenario with its settlement figure set to one amount.
type Probe struct {
	Program *model.Program
	// Follows is set when Program was made by model.Program.Follow from
	// the job's program, and so reads the values it does not recompute
	// from the job's state; else it is evaluated in full.
	Follows bool
}

// PartyJob is what one party's analysis needs from every trial.
type PartyJob struct {
	RiskTolerance       float64 // 0 means risk-neutral
	Net, Court, Settled *model.Var
	// ProbeSettled is the party's settled var in each probe's program.
	ProbeSettled []*model.Var
}

// PartyAcc is one party's streamed sums over a range of trials: what a
// certainty equivalent (E[e^(−X/R)], or the mean), a probability of loss,
// the chance an offer beats court and the closed form of a reservation
// value need, merged in trial order.
type PartyAcc struct {
	NetExp, CourtExp, SettledExp, ProbeExp decision.ExpSum // exponential utility only
	SettledSum, ProbeSum                   Sum             // settled at the figure and at the lowest probe
	NetSum, CourtSum                       Sum             // the outcomes themselves, for batch means
	NetLoss, CourtLoss                     int             // trials with the outcome below zero
	Beats                                  int             // trials in which settling beats court
	Slopes                                 Slopes
}

// Slopes are the slopes of a party's settled outcome in the settlement
// figure, trial by trial, between the lowest probe and the highest
// (Hi) and between the lowest and the middle (Mid): equal in every trial
// when the outcome is affine in the figure.
type Slopes struct {
	N              int
	First          float64 // the first trial's slope to the highest probe
	HiMin, HiMax   float64
	MidMin, MidMax float64
	NonFinite      bool
}

// add adds one trial's slopes, which are not NaN (differences of finite
// outcomes over non-zero spans), so plain comparisons order them.
func (a *Slopes) add(hi, mid float64) {
	if a.N == 0 {
		a.First, a.HiMin, a.HiMax, a.MidMin, a.MidMax = hi, hi, hi, mid, mid
	}
	a.N++
	if hi < a.HiMin {
		a.HiMin = hi
	}
	if hi > a.HiMax {
		a.HiMax = hi
	}
	if mid < a.MidMin {
		a.MidMin = mid
	}
	if mid > a.MidMax {
		a.MidMax = mid
	}
}

// Merge adds o, the slopes of the trials after a's.
func (a *Slopes) Merge(o Slopes) {
	if o.N == 0 {
		return
	}
	if a.N == 0 {
		*a = o
		return
	}
	a.N += o.N
	a.HiMin, a.HiMax = min(a.HiMin, o.HiMin), max(a.HiMax, o.HiMax)
	a.MidMin, a.MidMax = min(a.MidMin, o.MidMin), max(a.MidMax, o.MidMax)
}

// Affine reports whether every trial had the first trial's slope, to
// within a relative 1e-9, to both probes: the settled outcome moves one
// for one with the figure, and its slope is First.
func (a *Slopes) Affine() bool {
	k := a.First
	tol := 1e-9 * math.Abs(k)
	for _, x := range []float64{a.HiMin, a.HiMax, a.MidMin, a.MidMax} {
		if !(math.Abs(x-k) <= tol) {
			return false
		}
	}
	return true
}

// Merge adds o, the sums over the trials after a's.
func (a *PartyAcc) Merge(o PartyAcc) {
	a.NetExp.Merge(o.NetExp)
	a.CourtExp.Merge(o.CourtExp)
	a.SettledExp.Merge(o.SettledExp)
	a.ProbeExp.Merge(o.ProbeExp)
	a.SettledSum.Merge(o.SettledSum)
	a.ProbeSum.Merge(o.ProbeSum)
	a.NetSum.Merge(o.NetSum)
	a.CourtSum.Merge(o.CourtSum)
	a.NetLoss += o.NetLoss
	a.CourtLoss += o.CourtLoss
	a.Beats += o.Beats
	a.Slopes.Merge(o.Slopes)
}

// Part is what a pass over a shard's trials gathered: a partial result.
// Parts of one run, merged (Merge), are the whole run's, bit for bit.
type Part struct {
	Trials     int // of the whole run
	Shard      Shard
	Start, End int  // the shard's trials
	Exact      bool // Columns, else Moments and Sketches
	// Columns hold each tracked var's values in trials Start … End−1.
	Columns [][]float64
	// Moments are each block's, a row a block from the shard's first.
	Moments [][]stats.Moments
	// Sketches are each tracked var's over the shard's trials.
	Sketches []stats.Sketch
	// Parties are each block's sums, a row a block.
	Parties [][]PartyAcc
	// Counts and Sums are each block's Job.Tally, a row a block (none
	// without a Tally).
	Counts [][]int
	Sums   [][]Sum
}

// block is what a pass gathers over one block of trials, and how many
// of them ended on each path.
type block struct {
	ms     []stats.Moments
	accs   []PartyAcc
	counts []int
	sums   []Sum
	onPath [3]int // by model.Path
}

// Pass evaluates the trials of shard of a run of pl.Trials trials and
// gathers what job asks for. It evaluates the blocks of the shard on
// pl's workers; an error names the earliest failing trial.
func Pass(ctx context.Context, job *Job, pl Plan, shard Shard) (*Part, error) {
	if err := shard.Check(pl.Trials); err != nil {
		return nil, err
	}
	size := BlockSize(pl.Trials)
	first, last := shard.Blocks(pl.Trials)
	start, end := shard.Trials(pl.Trials)
	part := &Part{Trials: pl.Trials, Shard: shard, Start: start, End: end, Exact: job.Exact,
		Parties: make([][]PartyAcc, last-first)}
	nv := len(job.Vars)
	if job.Exact {
		part.Columns = make([][]float64, nv)
		for j := range part.Columns {
			part.Columns[j] = hugemem.Floats(end - start)
		}
	} else {
		part.Moments = make([][]stats.Moments, last-first)
	}
	if job.Tally != nil {
		part.Counts, part.Sums = make([][]int, last-first), make([][]Sum, last-first)
	}
	workers := pl.workers()
	sketches := make([][]stats.Sketch, workers)
	type probeStates struct {
		states []*model.State
		buf    []float64   // a chunk's values, var by var, before they go to the columns
		blocks *evalBlocks // with job.byBlocks
	}
	byBlocks := job.byBlocks()
	states := make([]probeStates, workers)
	sub := pl
	sub.Trials = end - start
	var done atomic.Int64
	err := Ranges(ctx, job.Program, sub, size, func(s *model.State, w, k, bs, be int) (int, error) {
		bs, be = bs+start, be+start
		if states[w].states == nil && len(job.Probes) > 0 {
			for _, pr := range job.Probes {
				ps := pr.Program.NewState()
				if pr.Follows {
					ps.Follow(s)
				}
				states[w].states = append(states[w].states, ps)
			}
		}
		b := &block{accs: make([]PartyAcc, len(job.Parties))}
		if !job.Exact {
			b.ms = make([]stats.Moments, nv)
			part.Moments[k] = b.ms
			if sketches[w] == nil {
				sketches[w] = make([]stats.Sketch, nv)
			}
		}
		part.Parties[k] = b.accs
		if job.Tally != nil {
			b.counts, b.sums = make([]int, job.Counts), make([]Sum, job.Sums)
			part.Counts[k], part.Sums[k] = b.counts, b.sums
		}
		for c := bs; c < be && ctx.Err() == nil; c += Chunk {
			ce := min(c+Chunk, be)
			if byBlocks {
				if states[w].blocks == nil {
					states[w].blocks = newEvalBlocks(job.Program, job.Probes)
				}
				if job.chunkByBlocks(states[w].blocks, pl.Seed, c, ce, part, b, sketches[w]) {
					if pl.Progress != nil {
						pl.Progress(int(done.Add(int64(ce - c))))
					}
					continue
				}
				// a trial failed: find and report it trial by trial
			}
			if job.Exact && states[w].buf == nil {
				states[w].buf = make([]float64, nv*Chunk)
			}
			if i, err := job.chunk(s, states[w].states, states[w].buf, pl.Seed, c, ce, part, b, sketches[w]); err != nil {
				return i, err
			}
			if pl.Progress != nil {
				pl.Progress(int(done.Add(int64(ce - c))))
			}
		}
		return 0, nil
	})
	if err != nil {
		return nil, err
	}
	if !job.Exact {
		part.Sketches = make([]stats.Sketch, nv)
		for j := range part.Sketches {
			for w := range sketches {
				if sketches[w] != nil {
					part.Sketches[j].Merge(&sketches[w][j])
				}
			}
		}
	}
	return part, nil
}

// chunk evaluates trials [start, end), at most Chunk of them, into part
// (exact) or b's moments and sk, and the parties' sums and the tally
// into b. An exact run's values go first to buf, a block of Chunk values
// a var, and then each var's block to its column in one copy, rather
// than to every column in turn trial by trial.
func (job *Job) chunk(s *model.State, ps []*model.State, buf []float64, seed uint64, start, end int, part *Part, b *block, sk []stats.Sketch) (int, error) {
	p := job.Program
	vars := job.Vars
	accs := b.accs
	var figs [3]float64 // the probe figures
	for k := range min(len(job.Probes), len(figs)) {
		figs[k] = job.probeFigure(k)
	}
	for i := start; i < end; i++ {
		if err := p.Eval(s, seed, i); err != nil {
			return i, err
		}
		slots := s.Slots
		on := PathOf(slots, job.PathBy)
		if job.Exact {
			t := i - start
			bad := 0.0 // x − x is 0 for a finite x, NaN for NaN or ±Inf
			for j, v := range vars {
				x := slots[v.Slot]
				bad += x - x
				buf[j*Chunk+t] = x
			}
			if bad != 0 {
				for _, v := range vars {
					if x := slots[v.Slot]; x-x != 0 {
						return i, NonFinite(x, v, i)
					}
				}
			}
		} else if err := job.onPaths(slots, b, sk, on, i); err != nil {
			return i, err
		}
		for k, pr := range job.Probes {
			if err := pr.Program.Eval(ps[k], seed, i); err != nil {
				return i, err
			}
		}
		for q := range job.Parties {
			if i, err := job.party(q, s, ps, i, on, &accs[q], &figs); err != nil {
				return i, err
			}
		}
		if job.Tally != nil {
			job.Tally(slots, b.counts, b.sums)
		}
	}
	if job.Exact {
		n := end - start
		for j := range vars {
			copy(part.Columns[j][start-part.Start:end-part.Start], buf[j*Chunk:j*Chunk+n])
		}
	}
	return 0, nil
}

// PathOf is the path a trial whose values are slots ended on, by is its
// settlement stage's var (see Job's PathBy); model.AnyPath when by is
// nil.
func PathOf(slots []float64, by *model.Var) model.Path {
	if by == nil {
		return model.AnyPath
	}
	return model.EndedOn(slots[by.Slot])
}

// onPaths adds a trial that ended on path on to the moments and
// sketches of the vars gathered over every trial and of those gathered
// over on's (with no Paths, every var is gathered over every trial):
// every var of a path has the same count in a block, so one division
// serves each path.
func (job *Job) onPaths(slots []float64, b *block, sk []stats.Sketch, on model.Path, trial int) error {
	invAny := 1 / float64(b.onPath[model.AnyPath]+1)
	invOn := 1 / float64(b.onPath[on]+1)
	for j, v := range job.Vars {
		x := slots[v.Slot]
		if x-x != 0 {
			return NonFinite(x, v, trial)
		}
		switch {
		case job.Paths == nil || job.Paths[j] == model.AnyPath:
			b.ms[j].AddInv(x, invAny)
		case job.Paths[j] == on:
			b.ms[j].AddInv(x, invOn)
		default:
			continue
		}
		sk[j].Add(x)
	}
	b.onPath[model.AnyPath]++
	if on != model.AnyPath {
		b.onPath[on]++
	}
	return nil
}

func (job *Job) party(q int, s *model.State, ps []*model.State, trial int, on model.Path, a *PartyAcc, figs *[3]float64) (int, error) {
	pj := &job.Parties[q]
	net, court, settled := s.Slots[pj.Net.Slot], s.Slots[pj.Court.Slot], s.Slots[pj.Settled.Slot]
	if (net-net)+(court-court)+(settled-settled) != 0 { // NaN or ±Inf among them
		for _, v := range []*model.Var{pj.Net, pj.Court, pj.Settled} {
			if x := s.Slots[v.Slot]; x-x != 0 {
				return trial, NonFinite(x, v, trial)
			}
		}
	}
	onCourt := model.JudgmentPath.Holds(on)
	a.NetSum.Add(net)
	if net < 0 {
		a.NetLoss++
	}
	if onCourt {
		a.CourtSum.Add(court)
		if court < 0 {
			a.CourtLoss++
		}
	}
	if r := pj.RiskTolerance; r != 0 {
		a.NetExp.Add(-net / r)
		if onCourt {
			a.CourtExp.Add(-court / r)
		}
	}
	if job.Offered {
		if settled > court {
			a.Beats++
		}
		a.SettledSum.Add(settled)
		if r := pj.RiskTolerance; r != 0 {
			a.SettledExp.Add(-settled / r)
		}
	}
	if len(pj.ProbeSettled) == 0 {
		return 0, nil
	}
	var xs [3]float64
	for k, v := range pj.ProbeSettled {
		x := ps[k].Slots[v.Slot]
		if x-x != 0 {
			return trial, &model.EvalError{Trial: trial, Name: v.Name, Pos: v.Pos,
				Msg: fmt.Sprintf("value is %v at a settlement figure of %s; check for log or sqrt of a negative number, division by zero or overflow in it or the rules it uses", x, job.probeAmount(k))}
		}
		xs[k] = x
	}
	a.ProbeSum.Add(xs[0])
	if r := pj.RiskTolerance; r != 0 {
		a.ProbeExp.Add(-xs[0] / r)
	}
	if len(pj.ProbeSettled) == 3 {
		lo, hi, mid := figs[0], figs[1], figs[2]
		a.Slopes.add((xs[1]-xs[0])/(hi-lo), (xs[2]-xs[0])/(mid-lo))
	}
	return 0, nil
}

// probeAmount shows probe k's settlement figure to a person: £600m.
func (job *Job) probeAmount(k int) string {
	x := job.probeFigure(k)
	if f := job.Probes[k].Program.Figure; f != nil && model.IsMoney(f.Unit) {
		return money.CurrencyOf(f.Unit).Format(x)
	}
	return money.FormatNumber(x)
}

func (job *Job) probeFigure(k int) float64 {
	p := job.Probes[k].Program
	if p.Figure == nil {
		return math.NaN()
	}
	return p.Figure.Const
}

// Merged is a run's parts merged: the whole run's sums.
type Merged struct {
	Trials   int
	Exact    bool
	Columns  [][]float64     // exact: every trial's values of each tracked var
	Moments  []stats.Moments // sketched
	Sketches []stats.Sketch  // sketched
	Parties  []PartyAcc
	// Counts and Sums are the Job.Tally's over every trial.
	Counts []int
	Sums   []Sum
	// Batches are the parties' sums over Batches(trials) consecutive
	// batches of blocks, a row a batch, for batch-means standard errors.
	Batches [][]PartyAcc
}

// MaxBatches is the most batches of a run's blocks whose parties' sums
// Merge keeps apart.
const MaxBatches = 32

// batches is how many batches the blocks of a run of trials make.
func batches(trials int) int { return min(MaxBatches, NumBlocks(trials)) }

// Merge merges the parts of one run, which must be its every shard, in
// shard order: blocks' sums are merged in block order, columns joined in
// trial order, so that the result is bit for bit that of one pass over
// the whole run.
func Merge(parts []*Part) (*Merged, error) {
	if len(parts) == 0 {
		return nil, fmt.Errorf("merge: no parts")
	}
	m := &Merged{Trials: parts[0].Trials, Exact: parts[0].Exact}
	next := 0
	for i, pt := range parts {
		if pt.Trials != m.Trials || pt.Exact != m.Exact || pt.Start != next || pt.Shard.K != i {
			return nil, fmt.Errorf("merge: part %s does not follow the trials before it", pt.Shard)
		}
		next = pt.End
	}
	if next != m.Trials {
		return nil, fmt.Errorf("merge: the parts hold trials 0 to %d of %d", next, m.Trials)
	}
	if m.Exact {
		nv := len(parts[0].Columns)
		m.Columns = make([][]float64, nv)
		for j := range m.Columns {
			if col, ok := joined(parts, j); ok {
				m.Columns[j] = col
				continue
			}
			col := hugemem.Floats(m.Trials)[:0]
			for _, pt := range parts {
				col = append(col, pt.Columns[j]...)
			}
			m.Columns[j] = col
		}
	} else {
		nv := len(parts[0].Sketches)
		m.Moments = make([]stats.Moments, nv)
		m.Sketches = make([]stats.Sketch, nv)
		for _, pt := range parts {
			for _, row := range pt.Moments {
				for j := range m.Moments {
					m.Moments[j].Merge(row[j])
				}
			}
		}
		Each(nv, runtime.GOMAXPROCS(0), func(j int) {
			for _, pt := range parts {
				m.Sketches[j].Merge(&pt.Sketches[j])
			}
		})
	}
	for _, pt := range parts {
		for k, row := range pt.Counts {
			if m.Counts == nil {
				m.Counts, m.Sums = make([]int, len(row)), make([]Sum, len(pt.Sums[k]))
			}
			if len(row) != len(m.Counts) || len(pt.Sums[k]) != len(m.Sums) {
				return nil, fmt.Errorf("merge: part %s's blocks count other things than the others'", pt.Shard)
			}
			for q, c := range row {
				m.Counts[q] += c
			}
			for q := range m.Sums {
				m.Sums[q].Merge(pt.Sums[k][q])
			}
		}
	}
	nb, g := NumBlocks(m.Trials), 0
	nbatch := batches(m.Trials)
	for _, pt := range parts {
		for _, row := range pt.Parties {
			if m.Parties == nil {
				m.Parties = make([]PartyAcc, len(row))
				m.Batches = make([][]PartyAcc, nbatch)
				for b := range m.Batches {
					m.Batches[b] = make([]PartyAcc, len(row))
				}
			}
			b := g * nbatch / nb
			g++
			for q := range row {
				m.Parties[q].Merge(row[q])
				m.Batches[b][q].Merge(row[q])
			}
		}
	}
	return m, nil
}

// joined returns column j of the whole run when the parts' columns j
// are already its consecutive pieces, in one array (as one part's, or
// as engine.ReadParts reads parts into the run's columns): no copy.
func joined(parts []*Part, j int) ([]float64, bool) {
	first := parts[0].Columns[j]
	if cap(first) < parts[0].Trials {
		return nil, false
	}
	whole := first[:parts[0].Trials]
	for _, pt := range parts {
		col := pt.Columns[j]
		if len(col) != pt.End-pt.Start || len(col) > 0 && &col[0] != &whole[pt.Start] {
			return nil, false
		}
	}
	return whole, true
}

// Sum is a compensated (Neumaier) sum of a count of values, mergeable:
// a merge adds the other's sum and then its compensation.
type Sum struct {
	N    int
	S, C float64
}

// Add adds x.
func (a *Sum) Add(x float64) {
	a.N++
	a.add(x)
}

func (a *Sum) add(x float64) { stats.Neumaier(&a.S, &a.C, x) }

// Merge adds o, the sum of the values after a's.
func (a *Sum) Merge(o Sum) {
	if a.N == 0 {
		*a = o
		return
	}
	a.N += o.N
	a.add(o.S)
	a.add(o.C)
}

// Mean returns the mean of the values added.
func (a *Sum) Mean() float64 { return (a.S + a.C) / float64(a.N) }
