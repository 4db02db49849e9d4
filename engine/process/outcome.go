package process

import (
	"math"
	"slices"

	"github.com/settle-sim/settle/engine/model"
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
	o := &Outcome{}
	inv := 1 / float64(n)
	settledAt := make([]int, len(proc.Stages)+1) // by stage number; 0 judgment
	figureSum := make([]stats.Sum, len(proc.Stages)+1)
	reached := make([]int, len(proc.Stages))
	var figures []float64
	for t := range n {
		s := int(c.Stage[t])
		settledAt[s]++
		if s > 0 {
			figureSum[s].Add(c.Figure[t])
			figures = append(figures, c.Figure[t])
		}
		bits := uint64(c.Happened[t])
		for k := range proc.Stages {
			// Open before stage k when it settled at a later stage or
			// not at all.
			if bits&(1<<k) != 0 && (s == 0 || s-1 >= k) {
				reached[k]++
			}
		}
	}
	for k, st := range proc.Stages {
		if !st.Settle {
			continue
		}
		op := Opportunity{Stage: st.Name, PReach: float64(reached[k]) * inv, PSettle: float64(settledAt[k+1]) * inv, MeanFigure: math.NaN()}
		if settledAt[k+1] > 0 {
			op.MeanFigure = figureSum[k+1].Value() / float64(settledAt[k+1])
		}
		o.Opportunities = append(o.Opportunities, op)
	}
	o.PJudgment = float64(settledAt[0]) * inv
	o.Years = stats.Summarize(c.Years, 20, nil)
	if len(figures) > 0 {
		s := stats.Summarize(figures, 20, nil)
		o.Figure = &s
	}
	for i, name := range parties {
		pp := PartyPaths{Name: name}
		var set, judg []float64
		for t := range n {
			if c.Stage[t] > 0 {
				set = append(set, c.Nets[i][t])
			} else {
				judg = append(judg, c.Nets[i][t])
			}
		}
		if len(set) > 0 {
			s := stats.Summarize(set, 20, nil)
			pp.Settled = &s
		}
		if len(judg) > 0 {
			s := stats.Summarize(judg, 20, nil)
			pp.Judgment = &s
		}
		o.Parties = append(o.Parties, pp)
	}
	o.Open = timeline(c.Years)
	return o
}

// timeline is the probability that the dispute is still open (not yet
// resolved) at TimelinePoints equally spaced times from 0 to the
// longest.
func timeline(years []float64) []TimePoint {
	s := slices.Clone(years)
	slices.Sort(s)
	longest := s[len(s)-1]
	pts := make([]TimePoint, TimelinePoints)
	for i := range pts {
		t := longest * float64(i) / float64(TimelinePoints-1)
		// Still open at t: resolved strictly after t.
		j, _ := slices.BinarySearch(s, math.Nextafter(t, math.Inf(1)))
		pts[i] = TimePoint{Years: t, POpen: float64(len(s)-j) / float64(len(s))}
	}
	return pts
}
