package engine

import (
	"context"

	"github.com/settle-sim/settle/engine/decision"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/process"
	"github.com/settle-sim/settle/engine/run"
	"github.com/settle-sim/settle/engine/stats"
)

// runProcess is Run for a scenario with stages, p deciding by fit: every
// value kept (a column a var, processVars), then the result made from
// the columns (finishProcess). A sharded run (RunShard) keeps the same
// columns for its trials and Merge joins them and makes the result the
// same way.
func runProcess(ctx context.Context, p *model.Program, fit *process.Fit, opt Options, full bool) (*Result, error) {
	vars := processVars(p, full)
	values, err := simulate(ctx, p, opt, vars)
	if err != nil {
		return nil, err
	}
	var sm *sample
	if full {
		if sm, err = analyseSample(ctx, p, opt, false); err != nil {
			return nil, err
		}
	}
	return finishProcess(ctx, p, fit, opt, full, vars, values, sm)
}

// processVars lists the vars a run of the scenario with stages p keeps
// every value of: layout's, then each party's settled outcome, the
// process's columns and the statistics' vars, each once.
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

// finishProcess makes the result of a run of the scenario with stages p
// deciding by fit from values, every trial's value of each of vars
// (processVars), and sm, the analysis of the first trials (with full):
// summaries on each var's path, the process's outcome and the parties'
// analysis from the columns, then the analyses that run passes of their
// own. The whole run and the merge of its shards both end here.
func finishProcess(ctx context.Context, p *model.Program, fit *process.Fit, opt Options, full bool, vars []*model.Var, values [][]float64, sm *sample) (*Result, error) {
	res := &Result{Program: p, Seed: opt.Seed, Trials: opt.Trials, Settings: p.Scenario.Settings, Sampler: opt.Sampler,
		Process: &ProcessResult{Fit: fit}}
	byVar := make(map[*model.Var]*Column, len(vars))
	for i, v := range vars {
		byVar[v] = &Column{Var: v, Values: values[i]}
	}
	if full {
		for _, v := range p.Outputs {
			res.Outputs = append(res.Outputs, byVar[v])
		}
		for _, v := range p.Sampled {
			res.Inputs = append(res.Inputs, byVar[v])
		}
	}
	// Each var on its own path: a var that exists only where the dispute
	// settles (or goes to judgment) is summarised over those trials.
	mask := pathMask(p, byVar)
	var cols [][]float64
	var bins []int
	var todo []*Column
	for _, v := range vars {
		c := byVar[v]
		xs := c.Values
		if c.Var.Path != model.AnyPath && mask != nil {
			xs = onPath(xs, mask, c.Var.Path)
			if len(xs) == 0 {
				c.Summary = stats.Summary{Quantiles: make([]float64, len(stats.Probs)), Histogram: stats.Histogram{}}
				continue
			}
		}
		cols, bins, todo = append(cols, xs), append(bins, histogramBins(v)), append(todo, c)
	}
	for i, s := range run.Summaries(cols, bins, workers(opt)) {
		todo[i].Summary = s
	}
	replicateErrors(p, todo, mask)
	res.Correlations, res.CorrelationsRepaired = achievedCorrelations(p, byVar)
	res.Process.Outcome = summarizeProcess(p, processColumns(p), byVar)
	analyseProcessParties(res, byVar)
	if full {
		res.Statistics = estimateStatistics(p, byVar)
	}
	if full && sm != nil && opt.Sensitivity {
		res.Sensitivity, res.TornadoTrials = sm.Sensitivity, sm.Trials
	}
	return res, afterMerge(ctx, res, byVar, opt, full)
}

func partySettled(p *model.Program) []*model.Var {
	var vs []*model.Var
	for _, pt := range p.Parties {
		vs = append(vs, pt.Settled)
	}
	return vs
}

// outcomeOf summarises a party's outcomes xs under attitude a.
func outcomeOf(xs []float64, a decision.Attitude) Outcome {
	s := stats.Summarize(xs, 1, nil)
	loss := 0
	for _, x := range xs {
		if x < 0 {
			loss++
		}
	}
	return Outcome{Mean: s.Mean, SD: s.SD, CE: a.CertaintyEquivalent(xs), PLoss: float64(loss) / float64(len(xs)),
		Quantiles: s.Quantiles}
}
