package engine

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/sampling"
	"github.com/settle-sim/settle/engine/sensitivity"
)

// PairCorrelation is one declared rank correlation and the one the run
// achieved.
type PairCorrelation struct {
	A, B     string
	Declared float64 // as the scenario declares it
	Used     float64 // as imposed: Declared, or its repair
	Achieved float64 // the Spearman correlation of the run's draws
}

// achievedCorrelations measures each declared pair's Spearman correlation
// in the run's columns.
func achievedCorrelations(p *model.Program, cols map[*model.Var]*Column) ([]PairCorrelation, bool) {
	c := p.Correlation()
	if c == nil {
		return nil, false
	}
	k := len(c.Inputs)
	var out []PairCorrelation
	for _, pr := range c.Pairs {
		a, b := c.Inputs[pr.I], c.Inputs[pr.J]
		pc := PairCorrelation{A: a.Name, B: b.Name, Declared: pr.Rho, Used: c.Used[pr.I*k+pr.J], Achieved: math.NaN()}
		if ca, cb := cols[a], cols[b]; ca != nil && cb != nil && ca.Values != nil && cb.Values != nil {
			pc.Achieved = sensitivity.Spearman(ca.Values, cb.Values)
		}
		out = append(out, pc)
	}
	return out, c.Repaired
}

// Target is a standard error to reach: run more trials until the
// standard error of each named output's mean is under it.
type Target struct {
	// Text is the target as written: "0.25%" or "£1m".
	Text string
	// Relative is true when Value is a fraction of each output's mean
	// (0.0025 for 0.25%); otherwise Value is an amount.
	Relative bool
	Value    float64
	// Outputs are the outputs that must reach the target; none means
	// every output (every amount of money for an absolute target).
	Outputs []string
	// MaxTrials bounds the trials; 0 means DefaultMaxTrials.
	MaxTrials int
}

// DefaultMaxTrials bounds a run to a target standard error when no
// bound is given; FirstBatch is its first batch. Batches double, so that
// with Sobol' sampling each is a power of two.
const (
	DefaultMaxTrials = 4_194_304
	FirstBatch       = 8192
)

// ParseTarget reads a target standard error: a percentage of each
// output's mean ("0.25%") or an amount ("£1m", "250000").
func ParseTarget(s string) (Target, error) {
	t := Target{Text: strings.TrimSpace(s)}
	if pct, ok := strings.CutSuffix(t.Text, "%"); ok {
		x, err := strconv.ParseFloat(strings.TrimSpace(pct), 64)
		if err != nil || !(x > 0) || x >= 100 {
			return t, fmt.Errorf("--target-se %q: want a percentage of each output's mean above 0, such as 0.25%%, or an amount such as £1m", s)
		}
		t.Relative, t.Value = true, x/100
		return t, nil
	}
	lit, err := money.Parse(t.Text)
	if err != nil || lit.Value.Sign() <= 0 {
		return t, fmt.Errorf("--target-se %q: want a percentage of each output's mean, such as 0.25%%, or a positive amount such as £1m", s)
	}
	t.Value = lit.Float()
	return t, nil
}

// Convergence records a run to a target standard error.
type Convergence struct {
	Target    string
	Outputs   []string // the outputs held to the target
	MaxTrials int
	Trials    int  // the trials of the last batch, which the result is
	Met       bool // every output's standard error is under its target
	Batches   []Batch
}

// Batch is one batch of a run to a target: with Trials trials, the
// output furthest from its target.
type Batch struct {
	Trials int
	Worst  string  // the output whose SE is furthest above (or nearest under) its target
	SE     float64 // its standard error
	Target float64 // its target, as an amount
}

// runToTarget runs batches of FirstBatch, 2·FirstBatch, 4·FirstBatch …
// trials, each the first trials of the next (trial i is always trial i;
// a Latin hypercube is drawn afresh for each size), until every output
// named has a standard error under the target or MaxTrials is reached;
// then the full analysis of the last batch's trials. The result is
// exactly that of Run with that many trials.
func runToTarget(ctx context.Context, p *model.Program, opt Options) (*Result, error) {
	t := *opt.Target
	maxN := t.MaxTrials
	if maxN == 0 {
		maxN = DefaultMaxTrials
	}
	if !t.Relative {
		if _, err := p.Scenario.Currency.Parse(t.Text); err != nil {
			return nil, fmt.Errorf("--target-se: %w", err)
		}
	}
	var outs []*model.Var
	if len(t.Outputs) == 0 {
		for _, v := range p.Outputs {
			if t.Relative || model.IsMoney(v.Unit) {
				outs = append(outs, v)
			}
		}
		if len(outs) == 0 {
			return nil, fmt.Errorf("--target-se %s: no output is an amount of money; name the outputs with --target-outputs", t.Text)
		}
	}
	for _, name := range t.Outputs {
		i := slices.IndexFunc(p.Outputs, func(v *model.Var) bool { return v.Name == name })
		if i < 0 {
			names := make([]string, len(p.Outputs))
			for j, v := range p.Outputs {
				names[j] = v.Name
			}
			return nil, fmt.Errorf("--target-outputs: %q is not an output; the outputs are %s", name, strings.Join(names, ", "))
		}
		outs = append(outs, p.Outputs[i])
	}
	conv := &Convergence{Target: t.Text, MaxTrials: maxN}
	for _, v := range outs {
		conv.Outputs = append(conv.Outputs, v.Name)
	}
	n := min(FirstBatch, maxN)
	for {
		o := opt
		o.Trials, o.Target, o.Progress = n, nil, nil
		q, err := p.WithSampler(o.Sampler, n)
		if err != nil {
			return nil, err
		}
		cols, err := simulate(ctx, q, o, outs)
		if err != nil {
			return nil, err
		}
		b, ratio := worstBatch(outs, cols, t)
		b.Trials = n
		conv.Batches = append(conv.Batches, b)
		if ratio <= 1 {
			conv.Met = true
			break
		}
		if n >= maxN {
			break
		}
		// The standard error falls as 1/√n: jump to the batch size that
		// should reach the target, doubling at least.
		need := float64(n) * ratio * ratio * 1.05
		next := 2 * n
		for float64(next) < need && next < maxN {
			next *= 2
		}
		n = min(next, maxN)
	}
	conv.Trials = n
	o := opt
	o.Trials, o.Target = n, nil
	res, err := runProgram(ctx, p, o, true, nil)
	if err != nil {
		return nil, err
	}
	res.Convergence = conv
	return res, nil
}

// worstBatch returns the output furthest from its target and the ratio
// of its standard error to the target (≤ 1 when every output meets it).
func worstBatch(outs []*model.Var, cols [][]float64, t Target) (Batch, float64) {
	var worst Batch
	worstRatio := math.Inf(-1)
	for i, v := range outs {
		mean, se := meanSE(cols[i])
		target := t.Value
		if t.Relative {
			target = t.Value * math.Abs(mean)
		}
		ratio := se / target
		if se == 0 {
			ratio = 0
		}
		if ratio > worstRatio {
			worstRatio = ratio
			worst = Batch{Worst: v.Name, SE: se, Target: target}
		}
	}
	return worst, worstRatio
}

func meanSE(xs []float64) (mean, se float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x
	}
	mean /= n
	if len(xs) < 2 {
		return mean, math.Inf(1)
	}
	ss := 0.0
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / (n - 1) / n)
}

// ParseSampler reads a sampler's name: random, lhs or sobol.
func ParseSampler(s string) (sampling.Method, error) {
	m, err := sampling.ParseMethod(s)
	if err != nil {
		return m, fmt.Errorf("--sampler %q: use random (pseudo-random, the default), lhs (Latin hypercube) or sobol (scrambled Sobol')", s)
	}
	return m, nil
}
