package process

import (
	"math"
	"runtime"
	"slices"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/run"
	"github.com/settle-sim/settle/engine/stats"
)

// Outcome is how the disputes of a run ended: at which opportunity they
// settled and at what figure, or in judgment, after how long, and what
// each party ended with on each path.
type Outcome struct {
	Opportunities []Opportunity
	// PJudgment is the probability the dispute ends in judgment.
	PJudgment float64
	// Years summarises the years to resolution over every trial.
	Years stats.Summary
	// Figure summarises the settlement figure over the trials that
	// settled; nil when none did.
	Figure *stats.Summary
	// Parties holds, per party, its outcome where the dispute settled
	// and where it ended in judgment (nil where no trial did).
	Parties []PartyPaths
	// Open is the probability that the dispute is still open at each of
	// TimelinePoints times, from 0 to the longest dispute.
	Open []TimePoint
}

// Opportunity is one chance to settle: before a stage.
type Opportunity struct {
	Stage string
	// PReach is the probability the dispute is still open here and the
	// stage happens; PSettle the probability it settles here (not
	// conditional on reaching it).
	PReach, PSettle float64
	// MeanFigure is the mean settlement figure of the trials that
	// settle here; NaN when none do.
	MeanFigure float64
}

// PartyPaths is a party's outcome on each way the dispute can end.
type PartyPaths struct {
	Name              string
	Settled, Judgment *stats.Summary
}

// TimePoint is the probability the dispute is still open at Years.
type TimePoint struct {
	Years, POpen float64
}

// TimelinePoints is the number of points of Outcome.Open.
const TimelinePoints = 41

// Columns are the per-trial values an Outcome is made from, in trial
// order: the stage settled before (1-based, 0 for judgment), the years
// to resolution, the stages reached with their condition true (bit k
// for stage k, model.Process.Happened), the
// settlement figure and each party's net outcome.
type Columns struct {
	Stage, Years, Happened, Figure []float64
	Nets                           [][]float64
}

// Summarize makes the Outcome of a run of proc from its columns.
func Summarize(proc *model.Process, parties []string, c Columns) *Outcome {
	n := len(c.Stage)
	nc, ns := TallySize(proc)
	counts, sums := make([]int, nc), make([]run.Sum, ns)
	var figures []float64
	for t := range n {
		s := int(c.Stage[t])
		tally(len(proc.Stages), s, uint64(c.Happened[t]), c.Figure[t], counts, sums)
		if s > 0 {
			figures = append(figures, c.Figure[t])
		}
	}
	o := &Outcome{}
	o.tallied(proc, n, counts, sums)
	// Each summary on its own, in parallel: the years, the figures, and
	// each party's outcome on each path.
	settled := len(figures)
	jobs := []func(){
		func() { o.Years = stats.Summarize(c.Years, 20, nil) },
		func() { o.Open = timeline(c.Years) },
	}
	if settled > 0 {
		jobs = append(jobs, func() {
			s := stats.Summarize(figures, 20, nil)
			o.Figure = &s
		})
	}
	o.Parties = make([]PartyPaths, len(parties))
	for i, name := range parties {
		pp := &o.Parties[i]
		pp.Name = name
		path := func(on model.Path, size int, to **stats.Summary) {
			if size == 0 {
				return
			}
			jobs = append(jobs, func() {
				xs := make([]float64, 0, size)
				for t := range n {
					if model.EndedOn(c.Stage[t]) == on {
						xs = append(xs, c.Nets[i][t])
					}
				}
				s := stats.Summarize(xs, 20, nil)
				*to = &s
			})
		}
		path(model.SettledPath, settled, &pp.Settled)
		path(model.JudgmentPath, n-settled, &pp.Judgment)
	}
	run.Each(len(jobs), runtime.GOMAXPROCS(0), func(k int) { jobs[k]() })
	return o
}

// A run that keeps no columns tallies how its trials ended as it goes
// (Tally, in each block of trials, the blocks merged in order): counts
// of the trials that ended in judgment and of those that reached each
// stage, and sums of the figures of those that settled before each
// stage, with their number. Counts merge exactly, whatever the order.

// TallySize is the number of counts and of sums a tally of proc's
// trials takes: the trials that ended in judgment, then those that
// reached each stage; the figures settled at before each stage.
func TallySize(proc *model.Process) (counts, sums int) {
	return 1 + len(proc.Stages), len(proc.Stages)
}

// Tally returns what adds a trial of proc, its values in slots, to a
// tally (counts and sums of TallySize), the settlement figure being
// figure: a run.Job's Tally.
func Tally(proc *model.Process, figure *model.Var) func(slots []float64, counts []int, sums []run.Sum) {
	n, stage, happened, fig := len(proc.Stages), proc.StageNo.Slot, proc.Happened.Slot, figure.Slot
	return func(slots []float64, counts []int, sums []run.Sum) {
		tally(n, int(slots[stage]), uint64(slots[happened]), slots[fig], counts, sums)
	}
}

// tally adds to counts and sums a trial of a process of nstages stages
// that settled before stage s (1-based, 0 for judgment) at figure, the
// stages that happened being bits (model.Process.Happened).
func tally(nstages, s int, bits uint64, figure float64, counts []int, sums []run.Sum) {
	if s == 0 {
		counts[0]++
	} else {
		sums[s-1].Add(figure)
	}
	for k := range nstages {
		// Open before stage k when it settled at a later stage or
		// not at all.
		if bits&(1<<k) != 0 && (s == 0 || s-1 >= k) {
			counts[1+k]++
		}
	}
}

// tallied sets o's opportunities and probability of judgment from the
// tally of n trials.
func (o *Outcome) tallied(proc *model.Process, n int, counts []int, sums []run.Sum) {
	inv := 1 / float64(n)
	for k, st := range proc.Stages {
		if !st.Settle {
			continue
		}
		op := Opportunity{Stage: st.Name, PReach: float64(counts[1+k]) * inv, PSettle: float64(sums[k].N) * inv, MeanFigure: math.NaN()}
		if sums[k].N > 0 {
			op.MeanFigure = sums[k].Mean()
		}
		o.Opportunities = append(o.Opportunities, op)
	}
	o.PJudgment = float64(counts[0]) * inv
}

// Streamed is what the Outcome of a run that keeps no columns is made
// from: its tally (Tally's), the summary and sketch of the years to
// resolution over every trial, the settlement figure's summary over the
// trials that settled (nil when none did), and each party's outcome on
// each path.
type Streamed struct {
	Trials      int
	Counts      []int
	Sums        []run.Sum
	Years       stats.Summary
	YearsSketch *stats.Sketch
	Figure      *stats.Summary
	Parties     []PartyPaths
}

// SummarizeStreamed makes the Outcome of a run of proc that kept no
// columns: as Summarize does, the quantiles and the timeline from the
// sketch of the years (within stats.SketchAccuracy of the years,
// relatively).
func SummarizeStreamed(proc *model.Process, st Streamed) *Outcome {
	o := &Outcome{Years: st.Years, Figure: st.Figure, Parties: st.Parties}
	o.tallied(proc, st.Trials, st.Counts, st.Sums)
	times := timelineTimes(st.Years.Max)
	o.Open = timelineOf(times, st.YearsSketch.AboveEach(times, st.Years.Min, st.Years.Max), st.Trials)
	return o
}

// timeline is the probability that the dispute is still open (not yet
// resolved) at TimelinePoints equally spaced times from 0 to the
// longest, over the trials whose years to resolution are years.
func timeline(years []float64) []TimePoint {
	times := timelineTimes(slices.Max(years))
	return timelineOf(times, stats.CountAbove(times, years), len(years))
}

// timelineTimes returns TimelinePoints equally spaced times from 0 to
// longest.
func timelineTimes(longest float64) []float64 {
	times := make([]float64, TimelinePoints)
	for i := range times {
		times[i] = longest * float64(i) / float64(TimelinePoints-1)
	}
	return times
}

// timelineOf is the timeline at times, open[i] of the n trials being
// still open at times[i] (resolved strictly after it).
func timelineOf(times []float64, open []uint64, n int) []TimePoint {
	pts := make([]TimePoint, len(times))
	for i, t := range times {
		pts[i] = TimePoint{Years: t, POpen: float64(open[i]) / float64(n)}
	}
	return pts
}
