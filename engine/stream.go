package engine

import (
	"context"
	"fmt"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/run"
	"github.com/settle-sim/settle/engine/stats"
)

// DefaultExactLimit is the most trials whose every value Run keeps, for
// exact quantiles, when Options.ExactLimit is 0 (and as many as fit in
// DefaultExactMemory are fewer): 10 million trials, 80 MB a column.
const DefaultExactLimit = 10_000_000

// DefaultExactMemory bounds the memory a run keeps for exact quantiles
// when Options.ExactLimit is 0: a run whose every value (BytesPerTrial a
// trial) would take more is summarised from moments and sketches.
const DefaultExactMemory int64 = 768 << 20

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
