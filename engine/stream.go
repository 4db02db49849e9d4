package engine

import (
	"context"
	"fmt"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/run"
	"github.com/settle-sim/settle/engine/stats"
)

// DefaultExactLimit is the largest run whose every value Run keeps, for
// exact quantiles, when Options.ExactLimit is 0: 10 million trials, 80 MB
// a column.
const DefaultExactLimit = 10_000_000

func exactLimit(opt Options) int {
	if opt.ExactLimit > 0 {
		return opt.ExactLimit
	}
	return DefaultExactLimit
}

// Moments evaluates opt.Trials trials of p and returns the moments (mean,
// spread, min, max) of each of vars, keeping no per-trial values: the
// simulation itself with the least bookkeeping, which bench/ times. The
// result does not depend on opt.Workers.
func Moments(ctx context.Context, p *model.Program, opt Options, vars []*model.Var) ([]stats.Moments, error) {
	if opt.Trials < 1 {
		return nil, fmt.Errorf("trials must be at least 1, not %d", opt.Trials)
	}
	m, _, err := run.Stream(ctx, p, plan(opt), vars, false)
	return m, err
}

// runSketched is Run for more trials than the exact limit: every output
// and sampled input is summarised from moments and a quantile sketch
// (quantiles within stats.SketchAccuracy), in memory that does not grow
// with the trial count. The parties' analysis and the sensitivity
// analysis need every trial's values and are not made.
func runSketched(ctx context.Context, p *model.Program, opt Options, res *Result) (*Result, error) {
	cols := newColumns(res, p, true)
	ms, sks, err := run.Stream(ctx, p, plan(opt), cols.vars, true)
	if err != nil {
		return nil, err
	}
	for j, v := range cols.vars {
		cols.byVar[v].Summary = stats.SketchSummary(ms[j], sks[j], histogramBins(v))
	}
	res.QuantileError = stats.SketchAccuracy
	return res, nil
}
