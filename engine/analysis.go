package engine

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/settle-sim/settle/engine/decision"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/process"
	"github.com/settle-sim/settle/engine/run"
	"github.com/settle-sim/settle/engine/sensitivity"
	"github.com/settle-sim/settle/engine/stats"
	"github.com/settle-sim/settle/internal/hugemem"
)

// PartyResult is one party's view of the dispute.
type PartyResult struct {
	Name     string
	Attitude decision.Attitude
	// Net is the party's outcome however the dispute ends, Court its
	// outcome if the case goes to judgment.
	Net, Court Outcome
	// Reservation is the settlement figure that leaves the party
	// indifferent to going to court.
	Reservation decision.Reservation
	// Offer is set when the settlement figure is a single amount (an
	// --offer): how settling at it compares with court.
	Offer *Offer
	// View is the position files this party's analysis was made under,
	// when it has a view of its own (see ApplyViews).
	View []string
	// First, in a scenario with stages, is the party's values at the
	// first opportunity to settle, on its own beliefs; Court is then its
	// outcome over the trials that end in judgment, and Reservation's
	// CourtCE its certainty equivalent of going on.
	First *process.Values
}

// Outcome summarises a party's outcome for decisions.
type Outcome struct {
	Mean      float64
	SD        float64
	CE        float64   // certainty equivalent under the party's attitude
	CESE      float64   // its standard error (decision.SEMethod)
	PLoss     float64   // probability of ending below zero
	Quantiles []float64 // at stats.Probs
}

// Offer compares settling at a given figure with court for a party.
type Offer struct {
	Figure     float64
	SettledCE  float64 // certainty equivalent of settling at Figure
	SettledSE  float64 // its standard error (decision.SEMethod)
	BeatsCourt float64 // fraction of trials in which settling does better than court; NaN in a scenario with stages
	Accepts    bool    // the party prefers settling at Figure to court
}

// outcome is a party's outcome from its var's summary, the trials in
// which it is below zero and, under exponential utility, its streamed
// E[e^(−X/R)].
func outcome(sum stats.Summary, loss int, e *decision.ExpSum, a decision.Attitude) Outcome {
	ce := sum.Mean
	if !a.Neutral() {
		ce = e.CertaintyEquivalent(a.RiskTolerance)
	}
	return Outcome{Mean: sum.Mean, SD: sum.SD, CE: ce, PLoss: float64(loss) / float64(sum.N), Quantiles: sum.Quantiles}
}

// shared holds what every point of a sweep has in common, computed once
// on the scenario without the axes: each party's reservation value, when
// no axis reaches the parties' court or settled outcomes (but through
// the settlement figure, which reservation values replace), and its court
// outcome, when no axis reaches it. A nil field is computed at each point.
type shared struct {
	reservations []decision.Reservation
	courts       []Outcome
	// fullProbes is set when the points' programs are restricted
	// (model.Program.Restrict), so that the settled outcomes at the probe
	// figures are evaluated in full rather than following them.
	fullProbes bool
}

// analyseParties computes each party's outcomes, certainty equivalents
// and reservation value, and the settlement range, from the merged sums
// of a run: accs, a party's sums over every trial, and cols, the
// summaries of the parties' net and court outcomes. A party's settled
// outcome at a figure comes from the scenario compiled with the figure
// input set to that amount, evaluated in the same trials: each draw site
// has its own stream, so every other input takes the same values. When
// the settled outcome moves one for one with the figure (as the probes
// show in every trial), the reservation value has a closed form;
// otherwise it is found by bisection, each step a pass over every trial.
func analyseParties(ctx context.Context, res *Result, cols map[*model.Var]*Column, accs []run.PartyAcc, batches [][]run.PartyAcc, probes []float64, opt Options, known *shared) error {
	p := res.Program
	opt.Progress = nil
	opt.Sensitivity = false
	offered := !p.Figure.Random
	lo, hi := searchInterval(res, cols)
	for i, pt := range p.Parties {
		a := decision.Attitude{RiskTolerance: pt.RiskTolerance}
		acc := &accs[i]
		var court Outcome
		if known != nil && known.courts != nil {
			court = known.courts[i]
		} else {
			court = outcome(cols[pt.Court].Summary, acc.CourtLoss, &acc.CourtExp, a)
		}
		var r decision.Reservation
		if known != nil && known.reservations != nil {
			r = known.reservations[i]
		} else {
			var err error
			if r, err = reservation(ctx, p, opt, i, a, acc, court.CE, probes, lo, hi); err != nil {
				return err
			}
		}
		pr := &PartyResult{Name: pt.Name, Attitude: a, Net: outcome(cols[pt.Net].Summary, acc.NetLoss, &acc.NetExp, a),
			Court: court, Reservation: r}
		if offered {
			f := p.Figure.Const
			ce := acc.SettledSum.Mean()
			if !a.Neutral() {
				ce = acc.SettledExp.CertaintyEquivalent(a.RiskTolerance)
			}
			pr.Offer = &Offer{Figure: f, SettledCE: ce, BeatsCourt: float64(acc.Beats) / float64(res.Trials), Accepts: r.Accepts(f)}
		}
		batchErrors(pr, acc, batches, i, a, r, probes, offered, cols[pt.Net], cols[pt.Court])
		res.Parties = append(res.Parties, pr)
	}
	return settlementRange(res)
}

// minBatches is the fewest batches whose means give a standard error.
const minBatches = 4

// batchErrors sets the standard errors of party i's certainty
// equivalents, reservation value and settled certainty equivalent at an
// offer (decision.SEMethod). A risk-neutral party's certainty equivalent
// is a mean, whose standard error is the mean's; a risk-averse party's
// comes from the delta method on its streamed sums
// (decision.ExpSum.CertaintyEquivalentSE), or, where those cannot give
// it to 1e-10 and the run kept every value, on the values
// (decision.Attitude.CertaintyEquivalentSE). The others come from batch
// means: each figure computed again on each of up to 32 batches of
// consecutive trials, its standard error the batches' standard deviation
// over √B. With fewer than minBatches batches (a run of fewer than 4,096
// trials), and for a reservation value found by bisection, they are 0:
// not known.
func batchErrors(pr *PartyResult, acc *run.PartyAcc, batches [][]run.PartyAcc, i int, a decision.Attitude, r decision.Reservation, probes []float64, offered bool, net, court *Column) {
	pr.Net.CESE, pr.Court.CESE, pr.Reservation.SE, pr.Reservation.CourtSE = 0, 0, 0, 0
	if pr.Offer != nil {
		pr.Offer.SettledSE = 0
	}
	ce := func(sum run.Sum, e *decision.ExpSum) float64 {
		if a.Neutral() {
			return sum.Mean()
		}
		return e.CertaintyEquivalent(a.RiskTolerance)
	}
	var nets, courts, settled, res []float64
	for _, row := range batches {
		b := &row[i]
		nets = append(nets, ce(b.NetSum, &b.NetExp))
		c := ce(b.CourtSum, &b.CourtExp)
		courts = append(courts, c)
		if offered {
			settled = append(settled, ce(b.SettledSum, &b.SettledExp))
		}
		if r.Method == "closed form" && b.Slopes.N > 0 {
			res = append(res, probes[0]+(c-ce(b.ProbeSum, &b.ProbeExp))/b.Slopes.First)
		}
	}
	enough := len(batches) >= minBatches
	for _, o := range []struct {
		se    *float64
		col   *Column
		exp   *decision.ExpSum
		batch []float64
	}{{&pr.Net.CESE, net, &acc.NetExp, nets}, {&pr.Court.CESE, court, &acc.CourtExp, courts}} {
		if !a.Neutral() {
			if se, ok := o.exp.CertaintyEquivalentSE(a.RiskTolerance); ok {
				*o.se = se
				continue
			}
		}
		switch {
		case a.Neutral() && o.col != nil:
			*o.se = o.col.Summary.SE
		case o.col != nil && o.col.Values != nil:
			_, *o.se = a.CertaintyEquivalentSE(o.col.Values)
		case enough:
			*o.se = batchSE(o.batch)
		}
	}
	pr.Reservation.CourtSE = pr.Court.CESE
	if !enough {
		return
	}
	if offered && pr.Offer != nil {
		pr.Offer.SettledSE = batchSE(settled)
	}
	if len(res) == len(batches) {
		pr.Reservation.SE = batchSE(res)
	}
}

// batchSE is the standard error of the mean of the batches' values: their
// standard deviation over √B.
func batchSE(xs []float64) float64 {
	n := float64(len(xs))
	var m float64
	for _, x := range xs {
		m += x
	}
	m /= n
	var ss float64
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	return math.Sqrt(ss / (n - 1) / n)
}

// reservation is party i's reservation value: in closed form when its
// settled outcome had the same slope in the figure in every trial,
// CE(settled(f)) = k·(f − lo) + CE(settled(lo)) under either attitude;
// else by bisection on [lo, hi].
func reservation(ctx context.Context, p *model.Program, opt Options, i int, a decision.Attitude, acc *run.PartyAcc, courtCE float64, probes []float64, lo, hi float64) (decision.Reservation, error) {
	name := p.Parties[i].Name
	sl := acc.Slopes
	k := sl.First
	if sl.N == 0 || k == 0 {
		return decision.Reservation{}, fmt.Errorf("party %s: its settled outcome does not depend on the settlement figure; make its settled rule use the figure", name)
	}
	side := decision.Payee
	if k < 0 {
		side = decision.Payer
	}
	if sl.Affine() {
		ce := acc.ProbeSum.Mean()
		if !a.Neutral() {
			ce = acc.ProbeExp.CertaintyEquivalent(a.RiskTolerance)
		}
		return decision.Reservation{Side: side, Value: probes[0] + (courtCE-ce)/k, CourtCE: courtCE, Method: "closed form"}, nil
	}
	settledCE := func(f float64) (float64, error) {
		q, err := atFigure(p, f, opt)
		if err != nil {
			return 0, err
		}
		pj := run.PartyJob{RiskTolerance: a.RiskTolerance}
		pj.Net, _ = q.Lookup(p.Parties[i].Net.Name)
		pj.Court, _ = q.Lookup(p.Parties[i].Court.Name)
		pj.Settled, _ = q.Lookup(p.Parties[i].Settled.Name)
		part, err := run.Pass(ctx, &run.Job{Program: q, Exact: true, Parties: []run.PartyJob{pj}, Offered: true}, plan(opt), run.Shard{})
		if err != nil {
			return 0, fmt.Errorf("settlement figure %s: %w", p.Scenario.Currency.Format(f), err)
		}
		m, err := run.Merge([]*run.Part{part})
		if err != nil {
			return 0, err
		}
		if a.Neutral() {
			return m.Parties[0].SettledSum.Mean(), nil
		}
		return m.Parties[0].SettledExp.CertaintyEquivalent(a.RiskTolerance), nil
	}
	return decision.Bisect(name, side, courtCE, lo, hi, settledCE)
}

// settlementRange sets res.Range from the parties' reservation values.
func settlementRange(res *Result) error {
	// The range runs from the most any payee needs to the least any
	// payer will pay.
	var payee, payer *decision.Reservation
	for _, pr := range res.Parties {
		r := pr.Reservation
		switch {
		case r.Side == decision.Payee && (payee == nil || r.Value > payee.Value):
			payee = &pr.Reservation
		case r.Side == decision.Payer && (payer == nil || r.Value < payer.Value):
			payer = &pr.Reservation
		}
	}
	if payee != nil && payer != nil {
		rg, err := decision.SettlementRange(*payee, *payer)
		if err != nil {
			return err
		}
		res.Range = &rg
	}
	return nil
}

// searchInterval is where reservation values are sought when they have
// no closed form: the scenario's settlement search, else from zero to
// twice the largest court outcome.
func searchInterval(res *Result, cols map[*model.Var]*Column) (lo, hi float64) {
	if st := res.Program.Scenario.Settlement; st != nil && st.Hi > st.Lo {
		return st.Lo, st.Hi
	}
	for _, pt := range res.Program.Parties {
		s := cols[pt.Court].Summary
		hi = math.Max(hi, math.Max(2*math.Abs(s.Min), 2*math.Abs(s.Max)))
	}
	return 0, math.Max(hi, 1)
}

// TornadoTrials is the most trials each tornado run takes, and the rank
// correlations use: the first trials of the run, on the same streams, so
// that the swing between the two runs of an input is measured with
// common random numbers.
const TornadoTrials = 50_000

// ProcessTornadoTrials is TornadoTrials for a scenario with stages,
// where every pinned run plays each trial's whole process, the parties'
// decisions at every opportunity included: several times the work of a
// trial of one step. On 10,000 trials a swing's standard error is at
// most 2% of the output's standard deviation (the SD of the difference
// of the two runs is at most twice the output's, over √10,000), and far
// less where common random numbers keep the two runs close.
const ProcessTornadoTrials = 10_000

// tornadoTrials is how many of a run's trials of p the tornado takes.
func tornadoTrials(p *model.Program, trials int) int {
	if p.IsProcess() {
		return min(trials, ProcessTornadoTrials)
	}
	return min(trials, TornadoTrials)
}

// OutputSensitivity says which sampled inputs drive an output.
type OutputSensitivity struct {
	Output   string
	Spearman []Correlation     // with each sampled input, in evaluation order
	Tornado  []sensitivity.Bar // largest swing first
	// Spider (Options.Spider) has a line an input, widest first; Sobol
	// (Options.SobolTrials) an index a factor, in evaluation order.
	Spider []sensitivity.SpiderLine
	Sobol  []sensitivity.SobolIndex
}

// Correlation is an input's rank correlation with an output.
type Correlation struct {
	Input string  `json:"input"`
	Rho   float64 `json:"rho"`
}

// driven reports whether the sensitivity analyses measure what drives
// output c: it varies, and it is summarised over every trial. An output
// summarised on one path of a process (settled or at judgment) has a
// mean over a set of trials that holding an input changes: its swing
// would mix two sets of trials.
func driven(c *Column) bool { return c.Summary.SD > 0 && c.Var.Path == model.AnyPath }

// analyseSample analyses the run's first tornadoTrials trials, taken
// from kept when it holds them (see keptValues), else evaluated afresh
// (so that every shard of a run can, and shard 0 does): with
// opt.Sensitivity, the rank correlation of every output that
// varies with every sampled input that varies, and the tornado, each
// output's mean with each input held at its p10 and at its p90 over
// those trials, the other inputs drawn as before; with correlations,
// the declared correlations achieved in those trials.
func analyseSample(ctx context.Context, p *model.Program, opt Options, correlations bool, kept *run.Part, keptVars []*model.Var) (*sample, error) {
	opt.Progress = nil
	topt := opt
	topt.Trials = tornadoTrials(p, opt.Trials)
	sm := &sample{Trials: topt.Trials}
	if !opt.Sensitivity && !correlations {
		return sm, nil
	}
	vars := layout(p, true)
	values := keptValues(kept, keptVars, vars, topt.Trials)
	if values == nil {
		var err error
		if values, err = simulate(ctx, p, topt, vars); err != nil {
			return nil, err
		}
	}
	cols := make(map[*model.Var]*Column, len(vars))
	bins := make([]int, len(vars))
	for j, v := range vars {
		cols[v] = &Column{Var: v, Values: values[j]}
		bins[j] = histogramBins(v)
	}
	if correlations {
		sm.Correlations, _ = achievedCorrelations(p, cols)
	}
	if !opt.Sensitivity {
		return sm, nil
	}
	for j, s := range run.Summaries(values, bins, workers(opt)) {
		cols[vars[j]].Summary = s
	}
	var outs, ins []*Column
	for _, v := range p.Outputs {
		if c := cols[v]; driven(c) {
			outs = append(outs, c)
		}
	}
	for _, v := range p.Sampled {
		if c := cols[v]; c.Summary.SD > 0 {
			ins = append(ins, c)
		}
	}
	// Rank correlations on the trials the tornado uses: their standard
	// error is about 1/√n, 0.0045 at 50,000 trials.
	n := topt.Trials
	ranked := append(slices.Clip(ins), outs...)
	ranks := make([][]float64, len(ranked))
	buf := hugemem.Floats(len(ranked) * n) // in one piece: fewer fresh pages
	run.Each(len(ranked), workers(opt), func(k int) {
		ranks[k] = sensitivity.RanksTo(buf[k*n:(k+1)*n], ranked[k].Values[:n])
	})
	inRanks, outRanks := ranks[:len(ins)], ranks[len(ins):]
	outVars := make([]*model.Var, len(outs))
	for i, c := range outs {
		outVars[i] = c.Var
	}
	// Means of every output with each input held low and high: all the
	// pinned programs in one pass, each following the scenario's own and
	// evaluating only what its input moves, where draws are not planned
	// jointly; else each in full.
	const p10, p90 = 2, 6 // indices into stats.Probs
	type pinned struct {
		in    *Column
		value float64
		q     *model.Program
	}
	var pins []pinned
	for _, in := range ins {
		lo, hi := in.Summary.Quantiles[p10], in.Summary.Quantiles[p90]
		if lo == hi {
			continue
		}
		for _, v := range []float64{lo, hi} {
			q, err := p.Pin(in.Var.Name, v)
			if err != nil {
				return nil, err
			}
			pins = append(pins, pinned{in, v, q})
		}
	}
	means := make([][]float64, len(pins))
	variants := make([]run.Variant, len(pins))
	followed := true
	for i, pn := range pins {
		fq, err := pn.q.Follow(p, []string{pn.in.Var.Name}, outVars)
		if err != nil {
			followed = false
			break
		}
		variants[i] = run.Variant{Program: fq, Vars: outVars, Name: fmt.Sprintf("sensitivity to %s held at %g", pn.in.Var.Name, pn.value)}
	}
	var err error
	if followed && len(pins) > 0 {
		if means, err = run.VariantMeans(ctx, p, variants, plan(topt)); err != nil {
			return nil, err
		}
	} else {
		for i, pn := range pins {
			if means[i], err = run.Means(ctx, pn.q, plan(topt), outVars); err != nil {
				return nil, fmt.Errorf("sensitivity to %s held at %g: %w", pn.in.Var.Name, pn.value, err)
			}
		}
	}
	bars := make([][]sensitivity.Bar, len(outs))
	for i := 0; i < len(pins); i += 2 {
		lo, hi := pins[i], pins[i+1]
		for j := range outs {
			bars[j] = append(bars[j], sensitivity.Bar{Input: lo.in.Var.Name, Low: lo.value, High: hi.value,
				MeanLow: means[i][j], MeanHigh: means[i+1][j]})
		}
	}
	for j, out := range outs {
		os := &OutputSensitivity{Output: out.Var.Name, Tornado: sensitivity.Tornado(bars[j])}
		for i, in := range ins {
			rho := sensitivity.Pearson(inRanks[i], outRanks[j])
			if math.IsNaN(rho) {
				continue // constant over the trials used: no correlation to report
			}
			os.Spearman = append(os.Spearman, Correlation{Input: in.Var.Name, Rho: rho})
		}
		sm.Sensitivity = append(sm.Sensitivity, os)
	}
	return sm, nil
}

// keptValues returns the values of each of vars in a run's first n
// trials from part, a pass that kept every value of partVars (its job's
// Vars), when it did for each of vars and those trials; else nil. They
// are the values a pass over those trials alone would give: a trial's
// values depend on its number alone.
func keptValues(part *run.Part, partVars, vars []*model.Var, n int) [][]float64 {
	if part == nil || !part.Exact || part.Start != 0 || part.End < n {
		return nil
	}
	out := make([][]float64, len(vars))
	for j, v := range vars {
		k := slices.Index(partVars, v)
		if k < 0 {
			return nil
		}
		out[j] = part.Columns[k][:n:n]
	}
	return out
}

// ApplyViews replaces each named party's analysis in res with its analysis
// under its own view of the case: the scenario of spec with that party's
// position files applied after spec's own. The settlement range is then
// between the reservation values each side holds on its own beliefs,
// which is the range that decides whether the parties can settle: when
// each is more optimistic about court than the other allows, there is
// none. Every view runs on the same trials and seed.
func ApplyViews(ctx context.Context, res *Result, spec Spec, views map[string][]string, opt Options) error {
	if len(views) == 0 || res.Program.IsProcess() {
		return nil // a process's parties decided on their views already
	}
	opt.Progress, opt.Sensitivity = nil, false
	opt.Trials, opt.Seed = res.Trials, res.Seed
	for name := range views {
		if !slices.ContainsFunc(res.Parties, func(p *PartyResult) bool { return p.Name == name }) {
			var names []string
			for _, p := range res.Parties {
				names = append(names, p.Name)
			}
			return fmt.Errorf("--view %s: the scenario has no party %q; its parties are %s", name, name, strings.Join(names, ", "))
		}
	}
	for i, pr := range res.Parties {
		files, ok := views[pr.Name]
		if !ok {
			continue
		}
		s := spec
		s.Positions = append(append([]string{}, spec.Positions...), files...)
		p, err := s.Load()
		if err != nil {
			return fmt.Errorf("%s's view: %w", pr.Name, err)
		}
		r, err := runProgram(ctx, p, opt, false, nil)
		if err != nil {
			return fmt.Errorf("%s's view: %w", pr.Name, err)
		}
		for _, vr := range r.Parties {
			if vr.Name == pr.Name {
				vr.View = files
				res.Parties[i] = vr
			}
		}
	}
	res.Range = nil
	return settlementRange(res)
}
