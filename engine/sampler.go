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
	"github.com/settle-sim/settle/engine/run"
	"github.com/settle-sim/settle/engine/sampling"
	"github.com/settle-sim/settle/engine/scenario"
	"github.com/settle-sim/settle/engine/sensitivity"
)

// PairCorrelation is one declared correlation and the one the run
// achieved.
type PairCorrelation struct {
	A, B     string
	Declared float64 // as the scenario declares it, in the correlations' measure
	Used     float64 // as imposed: Declared, or its repair
	Achieved float64 // in the run's draws, in the same measure

	// KendallTau is the Kendall's tau of the run's draws and KendallTauSE
	// its standard error (that of independent draws).
	KendallTau, KendallTauSE float64
	// LowerTail and UpperTail are the copula's tail dependence
	// coefficients for the pair, in closed form (sampling.Copula.TailDependence).
	LowerTail, UpperTail float64
}

// achievedCorrelations measures each declared pair's correlation in the
// run's columns.
func achievedCorrelations(p *model.Program, cols map[*model.Var]*Column) ([]PairCorrelation, bool) {
	c := p.Correlation()
	if c == nil {
		return nil, false
	}
	k := len(c.Inputs)
	var out []PairCorrelation
	for _, pr := range c.Pairs {
		a, b := c.Inputs[pr.I], c.Inputs[pr.J]
		pc := PairCorrelation{A: a.Name, B: b.Name, Declared: pr.Rho, Used: c.Used[pr.I*k+pr.J],
			Achieved: math.NaN(), KendallTau: math.NaN(), KendallTauSE: math.NaN()}
		pc.LowerTail, pc.UpperTail = c.Copula.TailDependence(pr.I, pr.J)
		if ca, cb := cols[a], cols[b]; ca != nil && cb != nil && ca.Values != nil && cb.Values != nil {
			pc.KendallTau, pc.KendallTauSE = sensitivity.Kendall(ca.Values, cb.Values)
			pc.Achieved = pc.KendallTau
			if c.Measure != scenario.MeasureKendall {
				pc.Achieved = sensitivity.Spearman(ca.Values, cb.Values)
			}
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
	// Warn, if set, is told as soon as the first batch shows that an
	// output will not reach the target within MaxTrials, and why. It
	// never affects the result.
	Warn func(msg string)
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
	// Missed are the outputs whose standard error is above their target
	// after the last batch, furthest first; empty when Met.
	Missed []Miss
}

// Batch is one batch of a run to a target: with Trials trials, the
// output furthest from its target.
type Batch struct {
	Trials int
	Worst  string  // the output whose SE is furthest above (or nearest under) its target
	SE     float64 // its standard error
	Target float64 // its target, as an amount
}

// Miss is an output that did not reach its target: its standard error
// after the last batch, its target as an amount, and the trials that
// would reach it were the standard error to fall as 1/√n.
type Miss struct {
	Output    string
	Mean, SD  float64
	SE        float64
	Target    float64
	Estimated float64 // trials estimated to reach the target
	v         *model.Var
}

// runToTarget runs batches of FirstBatch, 2·FirstBatch, 4·FirstBatch …
// trials, doubling, until every output named has a standard error under
// the target or MaxTrials is reached (the last batch is MaxTrials); then
// the full analysis of the last batch's trials. Trial i is always trial
// i, so a batch extends the one before (a Latin hypercube is drawn afresh
// for each size). The result is exactly that of Run with that many
// trials. Under a design the standard errors are the replicates' (see
// replicateErrors).
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
	// A scenario with stages decides by the policy fitted from the seed,
	// once: every batch, and the final run, decide by it. Its outputs
	// that exist only on one path (settled or at judgment) are measured
	// over the trials that ended there, as the document summarises them.
	fitted, fit, err := fitProcess(ctx, p, opt)
	if err != nil {
		return nil, err
	}
	vars := outs
	var stage *model.Var
	if proc := p.Process(); proc != nil {
		stage = proc.StageNo
		vars = append(slices.Clone(outs), stage)
	}
	n := min(FirstBatch, maxN)
	var cols [][]float64
	for {
		o := opt
		o.Trials, o.Target, o.Progress = n, nil, nil
		q, err := fitted.WithSampler(o.Sampler, n)
		if err != nil {
			return nil, err
		}
		from := len(firstOr(cols))
		if o.Sampler == sampling.LHS {
			from = 0 // a Latin hypercube of n trials is a design of its own
		}
		if cols, err = extend(ctx, q, o, vars, cols, from); err != nil {
			return nil, err
		}
		var mask []float64
		if stage != nil {
			mask = cols[len(outs)]
		}
		st := targetStatus(q, outs, cols[:len(outs)], mask, t)
		conv.Batches = append(conv.Batches, st.batch(n))
		if len(st.missed) == 0 {
			conv.Met = true
			break
		}
		if len(conv.Batches) == 1 && t.Warn != nil {
			if msg := st.hopeless(t, n, maxN); msg != "" {
				t.Warn(msg)
			}
		}
		if n >= maxN {
			conv.Missed = st.missed
			break
		}
		n = min(2*n, maxN)
	}
	conv.Trials = n
	o := opt
	o.Trials, o.Target = n, nil
	res, err := runFitted(ctx, fitted, fit, o, true, nil)
	if err != nil {
		return nil, err
	}
	res.Convergence = conv
	return res, nil
}

func firstOr(cols [][]float64) []float64 {
	if len(cols) == 0 {
		return nil
	}
	return cols[0]
}

// extend returns the values of vars in opt.Trials trials, keeping those
// of cols' first from trials and evaluating the rest.
func extend(ctx context.Context, p *model.Program, opt Options, vars []*model.Var, cols [][]float64, from int) ([][]float64, error) {
	if from == 0 {
		return simulate(ctx, p, opt, vars)
	}
	o := opt
	o.Trials = opt.Trials - from
	more, err := simulateFrom(ctx, p, o, vars, from)
	if err != nil {
		return nil, err
	}
	out := make([][]float64, len(vars))
	for i := range vars {
		out[i] = append(cols[i][:from:from], more[i]...)
	}
	return out, nil
}

// simulateFrom is simulate of trials from … from+opt.Trials−1.
func simulateFrom(ctx context.Context, p *model.Program, opt Options, vars []*model.Var, from int) ([][]float64, error) {
	cols := make([][]float64, len(vars))
	for i := range vars {
		cols[i] = make([]float64, opt.Trials)
	}
	err := run.Chunks(ctx, p, plan(opt), func(s *model.State, _, start, end int) (int, error) {
		for i := start; i < end; i++ {
			if err := p.Eval(s, opt.Seed, from+i); err != nil {
				return i, err
			}
			for k, v := range vars {
				x := s.Slots[v.Slot]
				if x-x != 0 {
					return i, run.NonFinite(x, v, from+i)
				}
				cols[k][i] = x
			}
		}
		return 0, nil
	})
	return cols, err
}

// status is where a batch stands: the output furthest from its target
// and every output above its target.
type status struct {
	worst  Batch
	missed []Miss
	all    []Miss // every output, met or not
}

func (s status) batch(n int) Batch {
	b := s.worst
	b.Trials = n
	return b
}

// targetStatus measures each output's standard error against its
// target.
func targetStatus(p *model.Program, outs []*model.Var, cols [][]float64, mask []float64, t Target) status {
	var st status
	worstRatio := math.Inf(-1)
	for i, v := range outs {
		xs := cols[i]
		var mean, se float64
		if v.Path == model.AnyPath || mask == nil {
			mean, se = meanSEOf(p, xs)
		} else {
			xs = onPath(xs, mask, v.Path)
			mean, se = meanSE(xs)
			if p.Replicates() == sampling.Replicates && len(xs) > 1 {
				se = replicateSEOnPath(cols[i], mask, v.Path)
			}
		}
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
			st.worst = Batch{Worst: v.Name, SE: se, Target: target}
		}
		n := float64(len(xs))
		_, sd := meanSE(xs)
		sd *= math.Sqrt(n)
		m := Miss{Output: v.Name, v: v, Mean: mean, SD: sd, SE: se, Target: target, Estimated: n * ratio * ratio}
		st.all = append(st.all, m)
		if ratio > 1 {
			st.missed = append(st.missed, m)
		}
	}
	slices.SortStableFunc(st.missed, func(a, b Miss) int {
		return cmpFloat(b.SE/b.Target, a.SE/a.Target)
	})
	return st
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b || a != a:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// hopeless says which outputs, after the first batch of n trials, will
// not reach their target within maxN trials, and what to do; "" when
// all may. The estimate takes the standard error to fall as 1/√n, as it
// does under plain sampling (faster under a design, where it is an upper
// bound).
func (st status) hopeless(t Target, n, maxN int) string {
	var b strings.Builder
	nearZero := false
	for _, m := range st.missed {
		if m.Estimated <= float64(maxN) {
			continue
		}
		if b.Len() == 0 {
			fmt.Fprintf(&b, "--target-se %s will not be met within --max-trials %s; after %s trials:",
				t.Text, money.FormatNumber(float64(maxN)), money.FormatNumber(float64(n)))
		}
		fmt.Fprintf(&b, "\n  %s: se %s, %s times its target of %s, needs about %s trials",
			m.Output, m.format(m.SE), money.FormatNumber(math.Round(m.SE/m.Target)), m.format(m.Target), approxCount(m.Estimated))
		if t.Relative && (math.Abs(m.Mean) < m.SD/10 || math.Abs(m.Mean) < 2*m.SE) {
			nearZero = true
			fmt.Fprintf(&b, "; its mean, %s, is near zero beside its spread (sd %s)", m.format(m.Mean), m.format(m.SD))
		}
	}
	if b.Len() == 0 {
		return ""
	}
	// The round amount every money output reaches by maxN trials, with a
	// margin for the estimate's own error.
	reach := 0.0
	for _, m := range st.all {
		if m.v.Unit == model.Money {
			reach = max(reach, 1.2*m.SE*math.Sqrt(float64(n)/float64(maxN)))
		}
	}
	switch {
	case nearZero && reach > 0:
		fmt.Fprintf(&b, "\nA relative target asks for a tiny error of a mean near zero: give an amount, such as --target-se %s (within reach of every amount of money by --max-trials), or name the outputs to hold to %s with --target-outputs.",
			roundAmount(niceAbove(reach)), t.Text)
	case nearZero:
		fmt.Fprintf(&b, "\nA relative target asks for a tiny error of a mean near zero: give an amount, or name the outputs to hold to %s with --target-outputs.", t.Text)
	case reach > 0:
		fmt.Fprintf(&b, "\nRaise --max-trials, or loosen the target: --target-se %s is within reach of every amount of money.", roundAmount(niceAbove(reach)))
	default:
		b.WriteString("\nRaise --max-trials, or loosen the target.")
	}
	return b.String()
}

// roundAmount writes a round amount of money as a person types it:
// £500k, £2m, £1bn.
func roundAmount(x float64) string {
	for _, u := range []struct {
		scale  float64
		suffix string
	}{{1e9, "bn"}, {1e6, "m"}, {1e3, "k"}} {
		if x >= u.scale {
			return "£" + strconv.FormatFloat(x/u.scale, 'f', -1, 64) + u.suffix
		}
	}
	return "£" + strconv.FormatFloat(x, 'f', -1, 64)
}

// format shows x as the output's values are shown.
func (m Miss) format(x float64) string {
	switch {
	case m.v != nil && m.v.Unit == model.Money:
		return money.Format(x)
	case m.v != nil && m.v.Type == model.Bool:
		return money.FormatPercent(x)
	}
	return money.FormatNumber(x)
}

// approxCount rounds a trial count to two significant figures, for an
// estimate: 64,000,000 or 3.2 billion.
func approxCount(x float64) string {
	if x >= 1e12 {
		return "more than a trillion"
	}
	e := math.Pow(10, math.Floor(math.Log10(x))-1)
	r := math.Round(x/e) * e
	if r >= 1e9 {
		return money.FormatNumber(math.Round(r/1e8)/10) + " billion"
	}
	return money.FormatNumber(r)
}

// niceAbove is the smallest of 1, 2 and 5 times a power of ten at or
// above x: a round target to suggest.
func niceAbove(x float64) float64 {
	if !(x > 0) {
		return x
	}
	e := math.Pow(10, math.Floor(math.Log10(x)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*e >= x {
			return m * e
		}
	}
	return 10 * e
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
