package engine

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/lsmc"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/process"
	"github.com/settle-sim/settle/engine/run"
	"github.com/settle-sim/settle/engine/scenario"
	"github.com/settle-sim/settle/engine/smooth"
	"github.com/settle-sim/settle/engine/stats"
	"github.com/settle-sim/settle/engine/voi"
)

// VOIOptions ask for the value of information of each party's decision
// to settle at a figure or go to court: EVPI, and EVPPI for each sampled
// input and for each group.
type VOIOptions struct {
	// Groups are named sets of inputs whose information is valued
	// together (an expert report on quantum reveals claim and
	// quantum_fraction at once), besides each input alone. A group may
	// also name rules: learning the court's award before deciding.
	Groups []VOIGroup
}

// VOIGroup is a named set of inputs, at most smooth.MaxCovariates.
type VOIGroup struct {
	Name   string   `json:"name"`
	Inputs []string `json:"inputs"`
}

// ParseVOIGroup parses "NAME=INPUT,INPUT,…", as --voi-group gives it.
func ParseVOIGroup(s string) (VOIGroup, error) {
	name, list, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	g := VOIGroup{Name: name}
	for in := range strings.SplitSeq(list, ",") {
		if in = strings.TrimSpace(in); in != "" {
			g.Inputs = append(g.Inputs, in)
		}
	}
	if !ok || name == "" || len(g.Inputs) == 0 {
		return VOIGroup{}, fmt.Errorf("--voi-group %q: write NAME=INPUT,INPUT,…, e.g. --voi-group quantum=claim,quantum_fraction", s)
	}
	return g, nil
}

// VOIResult is the value of information of each party's decision.
type VOIResult struct {
	// Figure is the settlement figure each party decides on: the offer
	// when there is one (FigureBasis "offer"), else the midpoint of the
	// two reservation values ("midpoint of the settlement range", or of
	// the gap between them where there is no range), or
	// with one party its own reservation value ("reservation value").
	Figure      float64
	FigureBasis string
	// Stage, in a scenario with stages, is the stage before which the
	// decision is valued: the first opportunity to settle, against
	// going on.
	Stage   string
	Parties []*PartyVOI
	// Later, in a scenario with stages, holds the decision at each
	// later opportunity to settle, in stage order.
	Later []*OpportunityVOI
}

// OpportunityVOI is the value of information of each party's decision at
// one opportunity to settle after the first: settle there at the figure
// or go on, valued on the trials in which the dispute is still open
// there, against the decision the party takes on what it knows there.
type OpportunityVOI struct {
	Stage string
	// PReach is the share of the trials in which the dispute is still
	// open here (the stage happens, no earlier settlement); Trials their
	// number, on which the values are estimated.
	PReach float64
	Trials int
	// FigureBasis is "offer", or "midpoint of the reservation values":
	// in each trial half way between the two parties' reservation values
	// at its state here, whether or not a range exists; MeanFigure is
	// the figure's mean over the trials.
	FigureBasis string
	MeanFigure  float64
	Parties     []*PartyVOI
}

// PartyVOI is the value of information of one party's decision between
// settling at the figure and going to court.
type PartyVOI struct {
	Party         string
	RiskTolerance float64 // 0 for risk-neutral
	// PSettle and PSettleOnMoney are the share of the trials in which
	// it settles without information, deciding on what it knows (on its
	// own utility, and on expected money): 0 or 1 where that is the same
	// in every trial, as at the first opportunity.
	PSettle, PSettleOnMoney float64
	EVPI                    voi.Value
	// EVPPI has each sampled input the party's outcomes depend on, in
	// evaluation order, then each group.
	EVPPI []InputVOI
}

// Settles and SettlesOnMoney say what the party decides without
// information, on its own utility and on expected money: whether it
// settles in most of the trials (at the first opportunity, in all).
func (p *PartyVOI) Settles() bool        { return p.PSettle > 0.5 }
func (p *PartyVOI) SettlesOnMoney() bool { return p.PSettleOnMoney > 0.5 }

// InputVOI is the value of perfect information on one input or group.
type InputVOI struct {
	Name   string
	Inputs []string // the group's inputs; nil for a single input
	Value  voi.Value
	// Revealed says that the party knows it already at the opportunity
	// (an earlier stage that always happens reveals it, or each of a
	// group's inputs): its value is 0 by definition, and not estimated.
	Revealed bool
}

// figureForVOI chooses the settlement figure the decisions are valued at.
func figureForVOI(res *Result) (float64, string, error) {
	p := res.Program
	if proc := p.Process(); proc != nil && proc.HasOffer {
		return proc.Offer, "offer", nil
	}
	if !p.Figure.Random {
		return p.Figure.Const, "offer", nil
	}
	if r := res.Range; r != nil {
		if !r.Exists {
			// No figure both prefer to court: the midpoint of the gap
			// between what the payee needs and the payer would pay.
			return (r.Low + r.High) / 2, "midpoint of the gap between the reservation values", nil
		}
		return (r.Low + r.High) / 2, "midpoint of the settlement range", nil
	}
	if len(res.Parties) > 0 {
		return res.Parties[0].Reservation.Value, "reservation value of " + res.Parties[0].Name, nil
	}
	return 0, "", fmt.Errorf("--voi: no settlement figure to value the decision at")
}

// analyseVOI values each party's decision between settling at the figure
// and going to court. With an offer the run's own trials are the
// decision's; otherwise the scenario is run again, on the same trials,
// with the figure fixed, so every other input draws the same values.
func analyseVOI(ctx context.Context, res *Result, cols map[*model.Var]*Column, opt Options) error {
	p := res.Program
	if len(p.Parties) == 0 || p.Figure == nil {
		return fmt.Errorf("--voi: the scenario names no parties and settlement figure; value of information is of a party's decision to settle or go to court")
	}
	f, basis, err := figureForVOI(res)
	if err != nil {
		return err
	}
	q := p
	if p.Figure.Random && !p.IsProcess() {
		sc := p.Scenario.Clone()
		if err := sc.Set(p.Figure.Name, strconv.FormatFloat(f, 'g', -1, 64)); err != nil {
			return err
		}
		if q, err = model.Compile(sc); err != nil {
			return fmt.Errorf("--voi: settlement figure %s: %w", p.Scenario.Currency.Format(f), err)
		}
		if q, err = q.WithSampler(opt.Sampler, opt.Trials); err != nil {
			return err
		}
	}
	// The values needed: each party's court and settled outcomes, the
	// sampled inputs and what the groups name (rules too may be learnt).
	var vars []*model.Var
	if !p.IsProcess() {
		for _, pt := range q.Parties {
			vars = append(vars, pt.Court, pt.Settled)
		}
	}
	vars = append(vars, q.Sampled...)
	for _, g := range opt.VOI.Groups {
		for _, in := range g.Inputs {
			if v, ok := q.Lookup(in); ok && !slices.Contains(vars, v) {
				vars = append(vars, v)
			}
		}
	}
	values := map[*model.Var][]float64{}
	missing := p.Figure.Random && !p.IsProcess()
	for _, v := range vars {
		if c, ok := cols[v]; ok && q == p && c.Values != nil {
			values[v] = c.Values
		} else {
			missing = true
		}
	}
	if missing {
		o := opt
		o.Progress = nil
		got, err := simulate(ctx, q, o, vars)
		if err != nil {
			return fmt.Errorf("--voi: settlement figure %s: %w", p.Scenario.Currency.Format(f), err)
		}
		for i, v := range vars {
			values[v] = got[i]
		}
	}

	// The inputs whose information is valued: those that vary and that
	// some party's court or settled outcome depends on.
	var inputs []*model.Var
	for _, v := range q.Sampled {
		if !varies(values[v]) {
			continue
		}
		if q.IsProcess() { // the decisions depend on every input
			inputs = append(inputs, v)
			continue
		}
		for _, pt := range q.Parties {
			if q.DependsOn(pt.Court, v.Name) || q.DependsOn(pt.Settled, v.Name) {
				inputs = append(inputs, v)
				break
			}
		}
	}
	var items []voiItem
	for _, v := range inputs {
		items = append(items, voiItem{name: v.Name, vars: []*model.Var{v}, covars: [][]float64{values[v]}})
	}
	groups, err := voiGroups(q, opt.VOI.Groups, values)
	if err != nil {
		return err
	}
	for _, g := range groups {
		it := voiItem{name: g.Name, group: g.Inputs}
		for _, in := range g.Inputs {
			v, _ := q.Lookup(in)
			it.vars = append(it.vars, v)
			it.covars = append(it.covars, values[v])
		}
		items = append(items, it)
	}

	out := &VOIResult{Figure: f, FigureBasis: basis}
	if q.IsProcess() {
		if err := processVOI(ctx, res, q, out, items, opt); err != nil {
			return err
		}
		res.VOI = out
		return nil
	}
	// Each party's payoffs: going to court or settling at the figure.
	ds := make([]*voi.Decision, len(q.Parties))
	for i, pt := range q.Parties {
		ds[i] = &voi.Decision{Payoffs: [][]float64{values[pt.Court], values[pt.Settled]}, RiskTolerance: pt.RiskTolerance}
	}
	if out.Parties, err = valueDecisions(ctx, q, ds, items, nil, opt); err != nil {
		return err
	}
	res.VOI = out
	return nil
}

// voiItem is an input or group whose information is valued, with its
// values in each trial valued.
type voiItem struct {
	name   string
	group  []string
	vars   []*model.Var
	covars [][]float64
}

// subset returns it with its values in the rows of trials alone.
func (it voiItem) subset(trials []int) voiItem {
	out := it
	out.covars = make([][]float64, len(it.covars))
	for j, c := range it.covars {
		out.covars[j] = make([]float64, len(trials))
		for r, t := range trials {
			out.covars[j][r] = c[t]
		}
	}
	return out
}

// valueDecisions values each party's decision ds[i] with nothing known
// beforehand: EVPI, and EVPPI of each item by smooth's regression. Each
// item's basis serves every party; they are made and fitted in
// parallel, each result in its place. revealed, when not nil, marks
// items not to estimate.
func valueDecisions(ctx context.Context, q *model.Program, ds []*voi.Decision, items []voiItem, revealed []bool, opt Options) ([]*PartyVOI, error) {
	var out []*PartyVOI
	for i, pt := range q.Parties {
		d := ds[i]
		pv := &PartyVOI{Party: pt.Name, RiskTolerance: pt.RiskTolerance}
		m, u, err := d.Choice()
		if err != nil {
			return nil, fmt.Errorf("--voi: party %s: %w", pt.Name, err)
		}
		pv.PSettle, pv.PSettleOnMoney = float64(u), float64(m)
		if pv.EVPI, err = voi.EVPI(d); err != nil {
			return nil, fmt.Errorf("--voi: party %s: %w", pt.Name, err)
		}
		pv.EVPPI = make([]InputVOI, len(items))
		out = append(out, pv)
	}
	err := eachItem(ctx, len(items), opt, func(k int) error {
		it := items[k]
		if revealed != nil && revealed[k] {
			for i := range out {
				out[i].EVPPI[k] = InputVOI{Name: it.name, Inputs: it.group, Revealed: true}
			}
			return nil
		}
		b, err := smooth.New(it.covars...)
		if err != nil {
			return fmt.Errorf("--voi: %s: %w", it.name, err)
		}
		for i, d := range ds {
			v, err := voi.EVPPI(d, b)
			if err != nil {
				return fmt.Errorf("--voi: party %s, %s: %w", out[i].Party, it.name, err)
			}
			out[i].EVPPI[k] = InputVOI{Name: it.name, Inputs: it.group, Value: v}
		}
		return nil
	})
	return out, err
}

// eachItem calls fn for items 0 to n−1 on the workers and returns the
// first item's error.
func eachItem(ctx context.Context, n int, opt Options, fn func(k int) error) error {
	errs := make([]error, n)
	run.Each(n, workers(opt), func(k int) {
		if ctx.Err() == nil {
			errs[k] = fn(k)
		}
	})
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// processVOI values, in a scenario with stages, each party's decision at
// every opportunity to settle: settle there at the figure, or go on, the
// later decisions following the fitted policy, in the trials in which
// the dispute is still open there. The first opportunity's values go in
// out's own fields, the later ones' in out.Later.
//
// At an opportunity where the state (what the parties know) is the same
// in every trial valued, as at the first when nothing is revealed before
// it, the decision is valued as one without stages: against the action
// best on average, EVPPI by smooth's regression on each input. Where
// the state varies, a party deciding there already knows it: each value
// is measured against the decision it takes on the state (the action
// best given the state, by a regression of the payoffs' difference on it
// with lsmc, as the policy's own fits are made), EVPPI by a regression on
// the state and the input together, and an input revealed already is
// marked as such.
func processVOI(ctx context.Context, res *Result, q *model.Program, out *VOIResult, items []voiItem, opt Options) error {
	proc, pol := q.Process(), q.Policy()
	first := res.Process.Fit.First
	if first < 0 || pol == nil {
		return fmt.Errorf("--voi: the scenario's stages give no opportunity to settle")
	}
	offer := out.FigureBasis == "offer"
	figure := func(k int, lo, hi float64) float64 {
		if offer || k == first {
			return out.Figure
		}
		return (lo + hi) / 2
	}
	decs, err := process.Branches(ctx, q, opt.Seed, opt.Trials, workers(opt), figure)
	if err != nil {
		return fmt.Errorf("--voi: %w", err)
	}
	for _, dec := range decs {
		k := dec.Stage
		stage := proc.Stages[k].Name
		if len(dec.Trials) < 2 {
			if k == first {
				return fmt.Errorf("--voi: the dispute is open at the first opportunity, before %s, in %d of the trials; the value of information needs at least 2", stage, len(dec.Trials))
			}
			// Too few trials open here to value the decision on.
			continue
		}
		ds := make([]*voi.Decision, len(q.Parties))
		for i, pt := range q.Parties {
			ds[i] = &voi.Decision{Payoffs: [][]float64{dec.GoOn[i], dec.Settle[i]}, RiskTolerance: pt.RiskTolerance}
		}
		sub := make([]voiItem, len(items))
		for j, it := range items {
			sub[j] = it.subset(dec.Trials)
		}
		revealed := revealedAt(proc, k, items)
		var parties []*PartyVOI
		if sameRows(dec.State, len(proc.State[k])) {
			parties, err = valueDecisions(ctx, q, ds, sub, revealed, opt)
		} else {
			parties, err = valueGiven(ctx, q, ds, proc.State[k], dec.State, sub, revealed, opt)
		}
		if err != nil {
			return fmt.Errorf("%w (before %s)", err, stage)
		}
		if k == first {
			out.Stage, out.Parties = stage, parties
			continue
		}
		o := &OpportunityVOI{Stage: stage, PReach: float64(len(dec.Trials)) / float64(opt.Trials), Trials: len(dec.Trials),
			FigureBasis: "midpoint of the reservation values", Parties: parties}
		if offer {
			o.FigureBasis = "offer"
		}
		var sf stats.Sum
		for _, f := range dec.Figure {
			sf.Add(f)
		}
		o.MeanFigure = sf.Value() / float64(len(dec.Figure))
		out.Later = append(out.Later, o)
	}
	return nil
}

// sameRows reports whether every row of d values in x is the same.
func sameRows(x []float64, d int) bool {
	for i := d; i < len(x); i++ {
		if x[i] != x[i%d] {
			return false
		}
	}
	return true
}

// revealedAt marks the items known at stage k's opportunity in every
// trial open there: each of whose inputs a stage before k that always
// happens (no when:) reveals.
func revealedAt(proc *model.Process, k int, items []voiItem) []bool {
	known := map[*model.Var]bool{}
	for j := range k {
		if proc.Stages[j].When != nil {
			continue
		}
		for _, v := range proc.Stages[j].Reveals {
			known[v] = true
		}
	}
	out := make([]bool, len(items))
	for j, it := range items {
		out[j] = len(it.vars) > 0
		for _, v := range it.vars {
			out[j] = out[j] && known[v]
		}
	}
	return out
}

// valueGiven values each party's decision ds[i] at an opportunity whose
// state varies: against the decision on the state feats (rows x), EVPI
// and each item's EVPPI by lsmc's regression on the state and the
// item's inputs not revealed yet.
func valueGiven(ctx context.Context, q *model.Program, ds []*voi.Decision, feats []lsmc.Feature, x []float64, items []voiItem, revealed []bool, opt Options) ([]*PartyVOI, error) {
	given, err := voi.Known(ds, lsmcRegression(feats, x, len(ds[0].Payoffs[0])))
	if err != nil {
		return nil, fmt.Errorf("--voi: what the parties know: %w", err)
	}
	money, utility := given.Chosen()
	pis, err := given.Values(nil)
	if err != nil {
		return nil, fmt.Errorf("--voi: %w", err)
	}
	out := make([]*PartyVOI, len(ds))
	for i, pt := range q.Parties {
		out[i] = &PartyVOI{Party: pt.Name, RiskTolerance: pt.RiskTolerance, EVPI: pis[i], EVPPI: make([]InputVOI, len(items)),
			PSettle: utility[i][1], PSettleOnMoney: money[i][1]}
	}
	d := len(feats)
	err = eachItem(ctx, len(items), opt, func(k int) error {
		it := items[k]
		if revealed[k] {
			for i := range out {
				out[i].EVPPI[k] = InputVOI{Name: it.name, Inputs: it.group, Revealed: true}
			}
			return nil
		}
		// The state, then the item's inputs the state does not name.
		fs := slices.Clone(feats)
		var cols [][]float64
		for j, v := range it.vars {
			if slices.ContainsFunc(feats, func(f lsmc.Feature) bool { return f.Name == v.Name }) {
				continue
			}
			fs = append(fs, lsmc.Feature{Name: v.Name, Support: v.Support})
			cols = append(cols, it.covars[j])
		}
		if len(fs) > lsmc.MaxFeatures {
			return fmt.Errorf("--voi: %s: what is known there and its inputs are %d values; the regression takes at most %d", it.name, len(fs), lsmc.MaxFeatures)
		}
		n := len(it.covars[0])
		xs := make([]float64, n*len(fs))
		for r := range n {
			row := xs[r*len(fs) : (r+1)*len(fs)]
			copy(row, x[r*d:(r+1)*d])
			for j, c := range cols {
				row[d+j] = c[r]
			}
		}
		vs, err := given.Values(lsmcRegression(fs, xs, n))
		if err != nil {
			return fmt.Errorf("--voi: %s: %w", it.name, err)
		}
		for i := range out {
			out[i].EVPPI[k] = InputVOI{Name: it.name, Inputs: it.group, Value: vs[i]}
		}
		return nil
	})
	return out, err
}

// lsmcRegression is a voi.Regression on the features feats, with n rows
// x: lsmc's fit of each response, evaluated at each row.
func lsmcRegression(feats []lsmc.Feature, x []float64, n int) voi.Regression {
	d := len(feats)
	return func(ys [][]float64) ([][]float64, error) {
		out := make([][]float64, len(ys))
		for lo := 0; lo < len(ys); lo += lsmc.MaxTargets {
			hi := min(lo+lsmc.MaxTargets, len(ys))
			t := hi - lo
			y := make([]float64, n*t)
			for j := lo; j < hi; j++ {
				if len(ys[j]) != n {
					return nil, fmt.Errorf("a response of %d trials, on %d", len(ys[j]), n)
				}
				for r, v := range ys[j] {
					y[r*t+j-lo] = v
				}
				out[j] = make([]float64, n)
			}
			m, err := lsmc.Fit(feats, x, y, t)
			if err != nil {
				return nil, err
			}
			pred := make([]float64, t)
			for r := range n {
				m.Predict(x[r*d:(r+1)*d], pred)
				for j := lo; j < hi; j++ {
					out[j][r] = pred[j-lo]
				}
			}
		}
		return out, nil
	}
}

func varies(xs []float64) bool {
	for _, x := range xs {
		if x != xs[0] {
			return true
		}
	}
	return false
}

// voiGroups checks the groups against the vars of q: every name an
// input or rule that varies, no name twice, at most smooth.MaxCovariates inputs a
// group, and no group named as an input.
func voiGroups(q *model.Program, groups []VOIGroup, values map[*model.Var][]float64) ([]VOIGroup, error) {
	var names []string
	for _, v := range q.Vars {
		names = append(names, v.Name)
	}
	seen := map[string]bool{}
	for _, g := range groups {
		if seen[g.Name] {
			return nil, fmt.Errorf("--voi-group %s: given twice", g.Name)
		}
		seen[g.Name] = true
		if _, ok := q.Lookup(g.Name); ok {
			return nil, fmt.Errorf("--voi-group %s: the scenario has an input or rule of that name; name the group otherwise", g.Name)
		}
		if len(g.Inputs) > smooth.MaxCovariates {
			return nil, fmt.Errorf("--voi-group %s: %d inputs; a group holds at most %d (the regression of more has too many coefficients to fit)", g.Name, len(g.Inputs), smooth.MaxCovariates)
		}
		for i, in := range g.Inputs {
			if slices.Contains(g.Inputs[:i], in) {
				return nil, fmt.Errorf("--voi-group %s: %s named twice", g.Name, in)
			}
			v, ok := q.Lookup(in)
			switch {
			case ok && q.Figure != nil && v.Name == q.Figure.Name:
				return nil, fmt.Errorf("--voi-group %s: %s is the settlement figure, which the decision fixes", g.Name, in)
			case !ok:
				return nil, fmt.Errorf("--voi-group %s: no input or rule %q; %s", g.Name, in, diag.OneOf(in, names, "inputs and rules"))
			case !v.Random || !varies(values[v]):
				return nil, fmt.Errorf("--voi-group %s: %s does not vary from trial to trial, so there is nothing to learn about it", g.Name, in)
			}
		}
	}
	return groups, nil
}

// scenarioVOI is the value-of-information options a scenario's voi
// section asks for.
func scenarioVOI(v *scenario.VOI) *VOIOptions {
	o := &VOIOptions{}
	for _, g := range v.Groups {
		vg := VOIGroup{Name: g.Name}
		for _, r := range g.Inputs {
			vg.Inputs = append(vg.Inputs, r.Name)
		}
		o.Groups = append(o.Groups, vg)
	}
	return o
}

// checkVOI reports, each at its position, the problems of the scenario's
// voi groups: a name that is no input or rule, the settlement figure, an
// input that does not vary, too many inputs, a group named as an input.
func checkVOI(p *model.Program) error {
	v := p.Scenario.VOI
	if v == nil {
		return nil
	}
	var names []string
	for _, x := range p.Vars {
		names = append(names, x.Name)
	}
	var l diag.List
	for _, g := range v.Groups {
		if _, ok := p.Lookup(g.Name); ok {
			l.Errorf(g.Pos, "name the group otherwise", "voi group %s has the name of an input or rule", g.Name)
		}
		if len(g.Inputs) > smooth.MaxCovariates {
			l.Errorf(g.Pos, "split it into smaller groups", "voi group %s has %d inputs; a group holds at most %d (the regression of more has too many coefficients to fit)",
				g.Name, len(g.Inputs), smooth.MaxCovariates)
		}
		for i, r := range g.Inputs {
			x, ok := p.Lookup(r.Name)
			switch {
			case r.Name == "":
				// reported when read
			case slices.ContainsFunc(g.Inputs[:i], func(o scenario.Ref) bool { return o.Name == r.Name }):
				l.Errorf(r.Pos, "", "voi group %s names %s twice", g.Name, r.Name)
			case !ok:
				l.Errorf(r.Pos, diag.OneOf(r.Name, names, "inputs and rules"), "voi group %s: no input or rule %q", g.Name, r.Name)
			case p.Figure != nil && x.Name == p.Figure.Name:
				l.Errorf(r.Pos, "the decision is whether to settle at a figure: group the inputs it is made of instead", "voi group %s: %s is the settlement figure", g.Name, r.Name)
			case !x.Random:
				l.Errorf(r.Pos, "", "voi group %s: %s does not vary from trial to trial, so there is nothing to learn about it", g.Name, r.Name)
			}
		}
	}
	return l.Err()
}
