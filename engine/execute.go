package engine

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/run"
	"github.com/settle-sim/settle/engine/stats"
)

// A run is the same whether its trials are evaluated in one process or
// in shards: runShard makes a shard's partial result (shard 0 of 1 is
// the whole run) and finish merges the partial results of every shard
// into the run's result. Run does both in one process.

// part is one shard's partial result.
type part struct {
	run *run.Part
	// probes are the settlement figures at which each party's settled
	// outcome was evaluated in every trial: the lowest, highest and
	// middle of the search (nil when the analysis needs none).
	probes []float64
	// sample is the analysis of the run's first trials (shard 0 only).
	sample *sample
}

// sample is what is computed on the first min(Trials, TornadoTrials)
// trials: sensitivity, and, when not every value is kept, the declared
// correlations achieved.
type sample struct {
	Trials       int
	Sensitivity  []*OutputSensitivity
	Correlations []PairCorrelation
}

// layout lists the vars a run tracks in order: with summaries, every
// output and then every sampled input; then each party's net and court
// outcome; each var once.
func layout(p *model.Program, summaries bool) []*model.Var {
	var vars []*model.Var
	seen := map[*model.Var]bool{}
	add := func(v *model.Var) {
		if !seen[v] {
			seen[v] = true
			vars = append(vars, v)
		}
	}
	if summaries {
		for _, v := range p.Outputs {
			add(v)
		}
		for _, v := range p.Sampled {
			add(v)
		}
		for _, v := range statisticVars(p) {
			add(v)
		}
	}
	for _, pt := range p.Parties {
		add(pt.Net)
		add(pt.Court)
	}
	return vars
}

// BytesPerTrial is the memory a run of p keeps for each trial when it
// keeps every value for exact quantiles: 8 bytes for each output,
// sampled input and party outcome (and, with stages, each of the
// process's values: processVars).
func BytesPerTrial(p *model.Program) int { return 8 * len(keptVars(p, true)) }

// keptVars lists the vars whose every value a run of p keeps when it
// keeps every value: layout's, or with stages processVars'.
func keptVars(p *model.Program, summaries bool) []*model.Var {
	if p.IsProcess() {
		return processVars(p, summaries)
	}
	return layout(p, summaries)
}

// exact reports whether a run of p with opt keeps every value.
func exact(p *model.Program, opt Options, summaries bool) bool {
	return opt.Trials <= exactLimit(p, opt, summaries)
}

// exactLimit is the most trials whose every value a run keeps:
// Options.ExactLimit, else as many as fit in DefaultExactMemory, at
// most DefaultExactLimit.
func exactLimit(p *model.Program, opt Options, summaries bool) int {
	if opt.ExactLimit > 0 {
		return opt.ExactLimit
	}
	per := 8 * len(keptVars(p, summaries))
	if per == 0 {
		return DefaultExactLimit
	}
	return min(DefaultExactLimit, int(DefaultExactMemory/int64(per)))
}

// runShard evaluates the trials of shard and returns its partial result.
// With full, it tracks every output and sampled input and (shard 0)
// analyses the sample; otherwise only the parties. known, when not nil,
// holds what a sweep's points share.
func runShard(ctx context.Context, p *model.Program, opt Options, full bool, known *shared, shard run.Shard) (*part, error) {
	if opt.Trials < 1 {
		return nil, fmt.Errorf("trials must be at least 1, not %d", opt.Trials)
	}
	job := &run.Job{Program: p, Vars: layout(p, full), Exact: exact(p, opt, full), Offered: p.Figure != nil && !p.Figure.Random}
	pt := &part{}
	if len(p.Parties) > 0 {
		if known == nil || known.reservations == nil {
			probes, err := probeFigures(ctx, p, opt)
			if err != nil {
				return nil, err
			}
			pt.probes = probes
			for _, f := range probes {
				q, err := atFigure(p, f, opt)
				if err != nil {
					return nil, err
				}
				pr := run.Probe{Program: q}
				var needed []*model.Var
				for _, party := range p.Parties {
					v, _ := q.Lookup(party.Settled.Name)
					needed = append(needed, v)
				}
				if known == nil || !known.fullProbes {
					if fq, err := q.Follow(p, []string{p.Figure.Name}, needed); err == nil {
						pr = run.Probe{Program: fq, Follows: true}
					}
				}
				job.Probes = append(job.Probes, pr)
			}
		}
		for _, party := range p.Parties {
			pj := run.PartyJob{RiskTolerance: party.RiskTolerance, Net: party.Net, Court: party.Court, Settled: party.Settled}
			for _, pr := range job.Probes {
				v, _ := pr.Program.Lookup(party.Settled.Name)
				pj.ProbeSettled = append(pj.ProbeSettled, v)
			}
			job.Parties = append(job.Parties, pj)
		}
	}
	rp, err := run.Pass(ctx, job, plan(opt), shard)
	if err != nil {
		return nil, err
	}
	pt.run = rp
	if full && shard.K == 0 {
		if pt.sample, err = analyseSample(ctx, p, opt, !job.Exact, rp, job.Vars); err != nil {
			return nil, err
		}
	}
	return pt, nil
}

// atFigure returns p with its settlement figure set to f, sampled as
// opt says.
func atFigure(p *model.Program, f float64, opt Options) (*model.Program, error) {
	sc := p.Scenario.Clone()
	if err := sc.Set(p.Figure.Name, strconv.FormatFloat(f, 'g', -1, 64)); err != nil {
		return nil, err
	}
	q, err := model.Compile(sc)
	if err != nil {
		return nil, fmt.Errorf("settlement figure %s: %w", money.Format(f), err)
	}
	if q, err = q.WithSampler(opt.Sampler, opt.Trials); err != nil {
		return nil, err
	}
	return q, nil
}

// pilotTrials is how many of the first trials set the probe figures when
// the scenario gives no settlement search.
const pilotTrials = run.Chunk

// probeFigures returns the figures at which each party's settled outcome
// is evaluated in every trial, for the closed form of its reservation
// value: the scenario's settlement search, or else from zero to twice
// the largest court outcome in the first pilotTrials trials, and its
// middle. They depend on the scenario, seed and trial count alone, so
// every shard of a run uses the same.
func probeFigures(ctx context.Context, p *model.Program, opt Options) ([]float64, error) {
	lo, hi := 0.0, 0.0
	if st := p.Scenario.Settlement; st != nil && st.Hi > st.Lo {
		lo, hi = st.Lo, st.Hi
	} else {
		var courts []*model.Var
		for _, pt := range p.Parties {
			courts = append(courts, pt.Court)
		}
		pl := run.Plan{Seed: opt.Seed, Trials: min(opt.Trials, pilotTrials), Workers: 1}
		cols, err := run.Columns(ctx, p, pl, courts)
		if err != nil {
			return nil, err
		}
		for _, col := range cols {
			for _, x := range col {
				hi = math.Max(hi, 2*math.Abs(x))
			}
		}
		hi = math.Max(hi, 1)
	}
	return []float64{lo, hi, 0.5 * (lo + hi)}, nil
}

// mergeParts merges the trials' sums and columns of parts, in shard
// order.
func mergeParts(parts []*part) (*run.Merged, error) {
	rparts := make([]*run.Part, len(parts))
	for i, pt := range parts {
		rparts[i] = pt.run
	}
	return run.Merge(rparts)
}

// finish merges the parts of a run, in shard order, into its result.
func finish(ctx context.Context, p *model.Program, opt Options, full bool, known *shared, parts []*part) (*Result, error) {
	m, err := mergeParts(parts)
	if err != nil {
		return nil, err
	}
	res := &Result{Program: p, Seed: opt.Seed, Trials: opt.Trials, Settings: p.Scenario.Settings, Sampler: opt.Sampler}
	vars := layout(p, full)
	cols := make(map[*model.Var]*Column, len(vars))
	all := make([]*Column, len(vars))
	for j, v := range vars {
		c := &Column{Var: v}
		cols[v], all[j] = c, c
	}
	if m.Exact {
		bins, points := make([]int, len(vars)), make([]int, len(vars))
		for j, v := range vars {
			all[j].Values = m.Columns[j]
			bins[j] = histogramBins(v)
			if full && v.Type != model.Bool && slices.Contains(p.Outputs, v) {
				points[j] = stats.CurvePoints
			}
		}
		sums, curves := run.SummariesCurves(m.Columns, bins, points, workers(opt))
		for j, s := range sums {
			all[j].Summary, all[j].Curve = s, curves[j]
		}
		replicateErrors(p, all, nil)
	} else {
		run.Each(len(vars), workers(opt), func(j int) {
			all[j].Summary = stats.SketchSummary(m.Moments[j], &m.Sketches[j], histogramBins(vars[j]))
		})
		res.QuantileError = stats.SketchAccuracy
		ses, err := replicateStream(ctx, p, opt, vars, nil, nil)
		if err != nil {
			return nil, err
		}
		for j, se := range ses {
			all[j].Summary.SE = se
		}
	}
	if full {
		for _, v := range p.Outputs {
			res.Outputs = append(res.Outputs, cols[v])
		}
		for _, v := range p.Sampled {
			res.Inputs = append(res.Inputs, cols[v])
		}
	}
	if full && parts[0].sample != nil {
		sm := parts[0].sample
		if opt.Sensitivity {
			res.Sensitivity, res.TornadoTrials = sm.Sensitivity, sm.Trials
		}
		if !m.Exact {
			res.Correlations, res.CorrelationsRepaired = sm.Correlations, correlationRepaired(p)
		}
	}
	if m.Exact {
		res.Correlations, res.CorrelationsRepaired = achievedCorrelations(p, cols)
	}
	if full {
		if m.Exact {
			res.Statistics = estimateStatistics(p, cols)
		} else if res.Statistics, err = streamStatistics(ctx, p, opt); err != nil {
			return nil, err
		}
	}
	if len(p.Parties) > 0 {
		if err := analyseParties(ctx, res, cols, m.Parties, m.Batches, parts[0].probes, opt, known); err != nil {
			return nil, err
		}
	}
	return res, afterMerge(ctx, res, cols, opt, full)
}

// afterMerge makes the analyses that run passes of their own, after the
// merge: a merged run makes them as the unsharded one does.
func afterMerge(ctx context.Context, res *Result, cols map[*model.Var]*Column, opt Options, full bool) error {
	if full && opt.Spider {
		if err := analyseSpider(ctx, res, opt); err != nil {
			return err
		}
	}
	if full && opt.SobolTrials > 0 {
		if err := analyseSobol(ctx, res, opt); err != nil {
			return err
		}
	}
	if full && opt.VOI != nil {
		if err := analyseVOI(ctx, res, cols, opt); err != nil {
			return err
		}
	}
	return nil
}

func correlationRepaired(p *model.Program) bool {
	c := p.Correlation()
	return c != nil && c.Repaired
}
