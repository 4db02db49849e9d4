package engine

import (
	"context"
	"math"

	"github.com/settle-sim/settle/engine/decision"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/process"
	"github.com/settle-sim/settle/engine/run"
	"github.com/settle-sim/settle/engine/stats"
)

// runProcess is Run for a scenario with stages, p deciding by fit: one
// pass over the trials (processShard), then the result made from what it
// gathered (finishProcess). Up to the exact limit the pass keeps every
// value of each of processVars; above it, it keeps each var's moments
// and sketch over the trials that ended on its path, the parties' sums
// and the tally of how the trials ended, and no value of any trial. A
// sharded run (RunShard) makes the same pass over each shard's trials,
// and Merge joins them and makes the result the same way.
func runProcess(ctx context.Context, p *model.Program, fit *process.Fit, opt Options, full bool) (*Result, error) {
	pt, err := processShard(ctx, p, opt, full, run.Shard{})
	if err != nil {
		return nil, err
	}
	return finishProcess(ctx, p, fit, opt, full, []*part{pt})
}

// processVars lists the vars a run of the scenario with stages p keeps
// every value of, up to the exact limit: layout's, then each party's
// settled outcome, the process's columns and the statistics' vars, each
// once.
func processVars(p *model.Program, full bool) []*model.Var {
	vars := layout(p, full)
	seen := map[*model.Var]bool{}
	for _, v := range vars {
		seen[v] = true
	}
	for _, v := range append(append(partySettled(p), processColumns(p)...), statisticVars(p)...) {
		if !seen[v] {
			seen[v] = true
			vars = append(vars, v)
		}
	}
	return vars
}

// processEntries lists what a run of the scenario with stages p above
// the exact limit gathers, each a var over the trials that ended on a
// path: each of processVars over its own path (model.Var.Path), then
// what the process's outcome and the parties' analysis take that those
// do not give: the years to resolution over every trial, the settlement
// figure where the dispute settled, and each party's net outcome
// however it ended, where it settled and where it went to judgment, and
// its court outcome at judgment.
func processEntries(p *model.Program, full bool) ([]*model.Var, []model.Path) {
	vars := processVars(p, full)
	paths := make([]model.Path, len(vars))
	for j, v := range vars {
		paths[j] = v.Path
	}
	add := func(v *model.Var, path model.Path) {
		if entryIndex(vars, paths, v, path) < 0 {
			vars, paths = append(vars, v), append(paths, path)
		}
	}
	add(p.Process().Years, model.AnyPath)
	add(p.Figure, model.SettledPath)
	for _, pt := range p.Parties {
		add(pt.Net, model.AnyPath)
		add(pt.Net, model.SettledPath)
		add(pt.Net, model.JudgmentPath)
		add(pt.Court, model.JudgmentPath)
	}
	return vars, paths
}

// entryIndex is the index of v over path among vars and paths
// (processEntries), or −1.
func entryIndex(vars []*model.Var, paths []model.Path, v *model.Var, path model.Path) int {
	for j := range vars {
		if vars[j] == v && paths[j] == path {
			return j
		}
	}
	return -1
}

// entryName names an entry in a partial result's header: the var's
// name, and the path it is gathered over when that is not its own.
func entryName(v *model.Var, path model.Path) string {
	switch {
	case path == v.Path:
		return v.Name
	case path == model.AnyPath:
		return v.Name + "@all"
	}
	return v.Name + "@" + path.String()
}

// processShard evaluates the trials of shard of a run of the scenario
// with stages p, deciding by its fitted policy: up to the exact limit
// it keeps every value of each of processVars; above it, what
// processEntries lists, each over its path's trials, with the parties'
// sums (each party's court outcome over the trials that end in
// judgment) and the process's tally. With full, shard 0 also analyses
// the sample.
func processShard(ctx context.Context, p *model.Program, opt Options, full bool, shard Shard) (*part, error) {
	ex := exact(p, opt, full)
	job := &run.Job{Program: p, Exact: ex}
	if ex {
		job.Vars = processVars(p, full)
	} else {
		proc := p.Process()
		job.Vars, job.Paths = processEntries(p, full)
		job.PathBy = proc.StageNo
		job.Tally = process.Tally(proc, p.Figure)
		job.Counts, job.Sums = process.TallySize(proc)
		for _, pt := range p.Parties {
			job.Parties = append(job.Parties, run.PartyJob{RiskTolerance: pt.RiskTolerance, Net: pt.Net, Court: pt.Court,
				Settled: pt.Settled})
		}
	}
	rp, err := run.Pass(ctx, job, plan(opt), shard)
	if err != nil {
		return nil, err
	}
	pt := &part{run: rp}
	if full && shard.K == 0 {
		if pt.sample, err = analyseSample(ctx, p, opt, !ex, rp, job.Vars); err != nil {
			return nil, err
		}
	}
	return pt, nil
}

// finishProcess merges the parts of a run of the scenario with stages p
// deciding by fit, in shard order, into its result: summaries on each
// var's path, the process's outcome and the parties' analysis, from the
// columns (exactProcess) or from the moments, sketches and sums
// (sketchedProcess); then the analyses that run passes of their own.
// The whole run and the merge of its shards both end here.
func finishProcess(ctx context.Context, p *model.Program, fit *process.Fit, opt Options, full bool, parts []*part) (*Result, error) {
	m, err := mergeParts(parts)
	if err != nil {
		return nil, err
	}
	res := &Result{Program: p, Seed: opt.Seed, Trials: opt.Trials, Settings: p.Scenario.Settings, Sampler: opt.Sampler,
		Process: &ProcessResult{Fit: fit}}
	sm := parts[0].sample
	var byVar map[*model.Var]*Column
	if m.Exact {
		byVar = exactProcess(res, opt, full, m.Columns)
	} else if byVar, err = sketchedProcess(ctx, res, opt, full, m, sm); err != nil {
		return nil, err
	}
	if full {
		for _, v := range p.Outputs {
			res.Outputs = append(res.Outputs, byVar[v])
		}
		for _, v := range p.Sampled {
			res.Inputs = append(res.Inputs, byVar[v])
		}
	}
	if full && sm != nil && opt.Sensitivity {
		res.Sensitivity, res.TornadoTrials = sm.Sensitivity, sm.Trials
	}
	return res, afterMerge(ctx, res, byVar, opt, full)
}

// exactProcess makes res's summaries, outcome and parties' analysis from
// values, every trial's value of each of processVars, and returns the
// columns by var.
func exactProcess(res *Result, opt Options, full bool, values [][]float64) map[*model.Var]*Column {
	p := res.Program
	vars := processVars(p, full)
	byVar := make(map[*model.Var]*Column, len(vars))
	for i, v := range vars {
		byVar[v] = &Column{Var: v, Values: values[i]}
	}
	// Each var on its own path: a var that exists only where the dispute
	// settles (or goes to judgment) is summarised over those trials.
	mask := pathMask(p, byVar)
	run.Each(len(vars), workers(opt), func(i int) {
		c := byVar[vars[i]]
		xs := c.Values
		if c.Var.Path != model.AnyPath && mask != nil {
			xs = onPath(xs, mask, c.Var.Path)
		}
		c.Summary = emptySummary()
		if len(xs) > 0 {
			c.Summary = stats.Summarize(xs, histogramBins(c.Var), nil)
		}
	})
	var todo []*Column // those with values on their path
	for _, v := range vars {
		if c := byVar[v]; c.Summary.N > 0 {
			todo = append(todo, c)
		}
	}
	replicateErrors(p, todo, mask)
	res.Correlations, res.CorrelationsRepaired = achievedCorrelations(p, byVar)
	res.Process.Outcome = summarizeProcess(p, processColumns(p), byVar)
	var nets, courts []Outcome
	for _, pt := range p.Parties {
		a := decision.Attitude{RiskTolerance: pt.RiskTolerance}
		net := byVar[pt.Net] // over every trial, and summarised above
		nets = append(nets, outcomeOf(net.Summary, net.Values, a))
		court := noOutcome()
		if xs := onPath(byVar[pt.Court].Values, mask, model.JudgmentPath); len(xs) > 0 {
			court = outcomeOf(stats.Summarize(xs, 1, nil), xs, a)
		}
		courts = append(courts, court)
	}
	analyseProcessParties(res, nets, courts)
	if full {
		res.Statistics = estimateStatistics(p, byVar)
	}
	return byVar
}

// sketchedProcess makes res's summaries, outcome and parties' analysis
// from m, the merged moments, sketches, parties' sums and tally of a
// run above the exact limit (processEntries), and sm, the analysis of
// its first trials, as finish does a run without stages: quantiles and
// histograms from the sketches, the replicates' errors, the statistics
// from passes of their own, the correlations achieved from the sample.
// It returns the columns by var, with no values.
func sketchedProcess(ctx context.Context, res *Result, opt Options, full bool, m *run.Merged, sm *sample) (map[*model.Var]*Column, error) {
	p := res.Program
	proc := p.Process()
	vars, paths := processEntries(p, full)
	summary := func(j, bins int) stats.Summary {
		if m.Moments[j].N == 0 {
			return emptySummary()
		}
		return stats.SketchSummary(m.Moments[j], &m.Sketches[j], bins)
	}
	kept := processVars(p, full) // the first of vars, each on its own path
	byVar := make(map[*model.Var]*Column, len(kept))
	for j, v := range kept {
		byVar[v] = &Column{Var: v, Summary: summary(j, histogramBins(v))}
	}
	res.QuantileError = stats.SketchAccuracy
	ses, err := replicateStream(ctx, p, opt, kept, paths[:len(kept)], proc.StageNo)
	if err != nil {
		return nil, err
	}
	for j, se := range ses {
		if m.Moments[j].N >= 2 {
			byVar[kept[j]].Summary.SE = se
		}
	}
	if sm != nil {
		res.Correlations, res.CorrelationsRepaired = sm.Correlations, correlationRepaired(p)
	} else {
		res.Correlations, res.CorrelationsRepaired = achievedCorrelations(p, byVar)
	}

	// How the disputes ended, and each party's outcome on each path.
	at := func(v *model.Var, path model.Path) int { return entryIndex(vars, paths, v, path) }
	// summaryOn is v's summary over the trials that ended on path, nil
	// where none did.
	summaryOn := func(v *model.Var, path model.Path) *stats.Summary {
		j := at(v, path)
		if m.Moments[j].N == 0 {
			return nil
		}
		s := summary(j, 20)
		return &s
	}
	years := at(proc.Years, model.AnyPath)
	st := process.Streamed{Trials: m.Trials, Counts: m.Counts, Sums: m.Sums, Years: summary(years, 20),
		YearsSketch: &m.Sketches[years], Figure: summaryOn(p.Figure, model.SettledPath)}
	var nets, courts []Outcome
	for i, pt := range p.Parties {
		st.Parties = append(st.Parties, process.PartyPaths{Name: pt.Name, Settled: summaryOn(pt.Net, model.SettledPath),
			Judgment: summaryOn(pt.Net, model.JudgmentPath)})
		a := decision.Attitude{RiskTolerance: pt.RiskTolerance}
		acc := &m.Parties[i]
		nets = append(nets, outcome(byVar[pt.Net].Summary, acc.NetLoss, &acc.NetExp, a)) // over every trial, summarised above
		court := noOutcome()
		if s := summaryOn(pt.Court, model.JudgmentPath); s != nil {
			court = outcome(*s, acc.CourtLoss, &acc.CourtExp, a)
		}
		courts = append(courts, court)
	}
	res.Process.Outcome = process.SummarizeStreamed(proc, st)
	analyseProcessParties(res, nets, courts)
	if full {
		if res.Statistics, err = streamStatistics(ctx, p, opt); err != nil {
			return nil, err
		}
	}
	return byVar, nil
}

// emptySummary is the summary of a var on a path no trial ended on.
func emptySummary() stats.Summary {
	return stats.Summary{Quantiles: make([]float64, len(stats.Probs)), Histogram: stats.Histogram{}}
}

// noOutcome is a party's outcome on a path no trial ended on.
func noOutcome() Outcome {
	return Outcome{Mean: math.NaN(), SD: math.NaN(), CE: math.NaN(), PLoss: math.NaN()}
}

func partySettled(p *model.Program) []*model.Var {
	var vs []*model.Var
	for _, pt := range p.Parties {
		vs = append(vs, pt.Settled)
	}
	return vs
}

// outcomeOf is a party's outcome under attitude a from its outcomes xs
// and their summary s.
func outcomeOf(s stats.Summary, xs []float64, a decision.Attitude) Outcome {
	loss := 0
	for _, x := range xs {
		if x < 0 {
			loss++
		}
	}
	return Outcome{Mean: s.Mean, SD: s.SD, CE: a.CertaintyEquivalent(xs), PLoss: float64(loss) / float64(len(xs)),
		Quantiles: s.Quantiles}
}
