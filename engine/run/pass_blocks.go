package run

import (
	"slices"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/stats"
)

// A pass evaluates a chunk's trials by blocks (model.Program.EvalBlock)
// where the program and its probes allow it and there is no tally, and
// gathers each tracked var's values and the parties' sums column by
// column: each sum still takes its values in trial order, so the result
// is bit for bit the trial-by-trial pass's. A chunk in which a trial
// fails, or a value is not finite, is evaluated again trial by trial,
// which finds and names the earliest such trial as before.

// noBlocks, set only by tests, makes every pass evaluate trial by trial.
var noBlocks = false

// evalBlocks is one worker's model blocks: a program's, and those of
// the programs evaluated after it in each trial (a pass's probes, the
// tornado's variants), which read from it where they follow it.
type evalBlocks struct {
	main   *model.Block
	probes []*model.Block
	inv    []float64 // 1/(n+1) for the moments' running counts
}

// blocksAllowed reports whether p and the probes evaluated after it can
// be evaluated by blocks.
func blocksAllowed(p *model.Program, probes []Probe) bool {
	if noBlocks || !p.Blocks() {
		return false
	}
	for _, pr := range probes {
		if !pr.Program.Blocks() {
			return false
		}
	}
	return true
}

func newEvalBlocks(p *model.Program, probes []Probe) *evalBlocks {
	bl := &evalBlocks{main: p.NewBlock(Chunk), inv: make([]float64, Chunk)}
	for _, pr := range probes {
		b := pr.Program.NewBlock(Chunk)
		if pr.Follows {
			b.Follow(bl.main)
		}
		bl.probes = append(bl.probes, b)
	}
	return bl
}

// eval evaluates trials start … start+n−1 of p and then of each of
// probes into bl; false when a trial fails.
func (bl *evalBlocks) eval(p *model.Program, probes []Probe, seed uint64, start, n int) bool {
	if p.EvalBlock(bl.main, seed, start, n) != nil {
		return false
	}
	for k, pr := range probes {
		if pr.Program.EvalBlock(bl.probes[k], seed, start, n) != nil {
			return false
		}
	}
	return true
}

// byBlocks reports whether the job's chunks can be evaluated by blocks.
func (job *Job) byBlocks() bool {
	return job.Tally == nil && job.PathBy == nil && blocksAllowed(job.Program, job.Probes)
}

// chunkByBlocks evaluates trials [start, end) by blocks and gathers them
// as chunk does. It returns false, having gathered nothing, when a trial
// fails or a value gathered is not finite.
func (job *Job) chunkByBlocks(bl *evalBlocks, seed uint64, start, end int, part *Part, b *block, sk []stats.Sketch) bool {
	n := end - start
	if !bl.eval(job.Program, job.Probes, seed, start, n) {
		return false
	}
	main := bl.main
	for _, v := range job.Vars {
		if !stats.Finite(main.Values(v)) {
			return false
		}
	}
	for _, pj := range job.Parties {
		for _, v := range []*model.Var{pj.Net, pj.Court, pj.Settled} {
			if !slices.Contains(job.Vars, v) && !stats.Finite(main.Values(v)) {
				return false
			}
		}
		for k, v := range pj.ProbeSettled {
			if !stats.Finite(bl.probes[k].Values(v)) {
				return false
			}
		}
	}
	if job.Exact {
		for j, v := range job.Vars {
			copy(part.Columns[j][start-part.Start:end-part.Start], main.Values(v))
		}
	} else {
		// without paths, every var's moments count every trial
		streamColumns(main, job.Vars, b.ms, sk, bl.inv[:n])
		b.onPath[model.AnyPath] += n
	}
	var figs [3]float64
	for k := range min(len(job.Probes), len(figs)) {
		figs[k] = job.probeFigure(k)
	}
	for q := range job.Parties {
		job.partyByColumns(q, bl, n, &b.accs[q], &figs)
	}
	return true
}

// partyByColumns adds the block's n trials to party q's sums, as party
// does trial by trial, over values known to be finite. Each sum takes
// its values in trial order; the sums are kept in locals and updated
// side by side, so that their chains of dependent additions overlap.
func (job *Job) partyByColumns(q int, bl *evalBlocks, n int, a *PartyAcc, figs *[3]float64) {
	pj := &job.Parties[q]
	net, court, settled := bl.main.Values(pj.Net), bl.main.Values(pj.Court), bl.main.Values(pj.Settled)
	r := pj.RiskTolerance
	netSum, courtSum := a.NetSum, a.CourtSum
	netLoss, courtLoss := a.NetLoss, a.CourtLoss
	court = court[:len(net)]
	for t, x := range net {
		y := court[t]
		netSum.Add(x)
		courtSum.Add(y)
		if x < 0 {
			netLoss++
		}
		if y < 0 {
			courtLoss++
		}
	}
	a.NetSum, a.CourtSum, a.NetLoss, a.CourtLoss = netSum, courtSum, netLoss, courtLoss
	if r != 0 {
		netExp, courtExp := a.NetExp, a.CourtExp
		for t, x := range net {
			netExp.Add(-x / r)
			courtExp.Add(-court[t] / r)
		}
		a.NetExp, a.CourtExp = netExp, courtExp
	}
	if job.Offered {
		settledSum, beats := a.SettledSum, a.Beats
		for t, x := range settled {
			if x > court[t] {
				beats++
			}
			settledSum.Add(x)
		}
		a.SettledSum, a.Beats = settledSum, beats
		if r != 0 {
			settledExp := a.SettledExp
			for _, x := range settled {
				settledExp.Add(-x / r)
			}
			a.SettledExp = settledExp
		}
	}
	if len(pj.ProbeSettled) == 0 {
		return
	}
	x0 := bl.probes[0].Values(pj.ProbeSettled[0])
	probeSum := a.ProbeSum
	if r != 0 {
		probeExp := a.ProbeExp
		for _, x := range x0 {
			probeSum.Add(x)
			probeExp.Add(-x / r)
		}
		a.ProbeExp = probeExp
	} else {
		for _, x := range x0 {
			probeSum.Add(x)
		}
	}
	a.ProbeSum = probeSum
	if len(pj.ProbeSettled) == 3 {
		lo, hi, mid := figs[0], figs[1], figs[2]
		x1 := bl.probes[1].Values(pj.ProbeSettled[1])[:len(x0)]
		x2 := bl.probes[2].Values(pj.ProbeSettled[2])[:len(x0)]
		slopes := a.Slopes
		for t, x := range x0 {
			slopes.add((x1[t]-x)/(hi-lo), (x2[t]-x)/(mid-lo))
		}
		a.Slopes = slopes
	}
}

// workerBlocks are each worker's block of a program, made when first
// used; nil where the program cannot be evaluated by blocks.
type workerBlocks []*model.Block

func newWorkerBlocks(p *model.Program, pl Plan) workerBlocks {
	if !blocksAllowed(p, nil) {
		return nil
	}
	return make(workerBlocks, pl.workers())
}

// eval evaluates trials [start, end), at most Chunk of them, of p on
// worker w's block and returns it, or nil when wb is nil, a trial fails
// or a value of vars is not finite: then the caller evaluates the trials
// one by one, which finds and names the earliest such trial.
func (wb workerBlocks) eval(p *model.Program, w int, seed uint64, start, end int, vars []*model.Var) *model.Block {
	if wb == nil {
		return nil
	}
	if wb[w] == nil {
		wb[w] = p.NewBlock(Chunk)
	}
	b := wb[w]
	if p.EvalBlock(b, seed, start, end-start) != nil {
		return nil
	}
	for _, v := range vars {
		if !stats.Finite(b.Values(v)) {
			return nil
		}
	}
	return b
}

// plainSum is xs's sum, added plainly in order: a chunk's sum, as Means
// and VariantMeans take it.
func plainSum(xs []float64) float64 {
	var acc float64
	for _, x := range xs {
		acc += x
	}
	return acc
}
