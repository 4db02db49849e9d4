package engine

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/process"
	"github.com/settle-sim/settle/engine/scenario"
	"github.com/settle-sim/settle/engine/smooth"
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
}

// PartyVOI is the value of information of one party's decision between
// settling at the figure and going to court.
type PartyVOI struct {
	Party         string
	RiskTolerance float64 // 0 for risk-neutral
	// Settles and SettlesOnMoney say what the party decides without
	// information: on its own utility, and on expected money.
	Settles, SettlesOnMoney bool
	EVPI                    voi.Value
	// EVPPI has each sampled input the party's outcomes depend on, in
	// evaluation order, then each group.
	EVPPI []InputVOI
}

// InputVOI is the value of perfect information on one input or group.
type InputVOI struct {
	Name   string
	Inputs []string // the group's inputs; nil for a single input
	Value  voi.Value
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
	type item struct {
		name   string
		group  []string
		covars [][]float64
	}
	var items []item
	for _, v := range inputs {
		items = append(items, item{name: v.Name, covars: [][]float64{values[v]}})
	}
	groups, err := voiGroups(q, opt.VOI.Groups, values)
	if err != nil {
		return err
	}
	for _, g := range groups {
		it := item{name: g.Name, group: g.Inputs}
		for _, in := range g.Inputs {
			v, _ := q.Lookup(in)
			it.covars = append(it.covars, values[v])
		}
		items = append(items, it)
	}

	out := &VOIResult{Figure: f, FigureBasis: basis}
	// Each party's payoffs: going to court or settling at the figure; in
	// a scenario with stages, going on or settling at the first
	// opportunity.
	payoffs := make([][][]float64, len(q.Parties))
	if q.IsProcess() {
		first := res.Process.Fit.First
		if first < 0 {
			return fmt.Errorf("--voi: the scenario's stages give no opportunity to settle")
		}
		goOn, settle, err := process.Branches(ctx, q, opt.Seed, opt.Trials, workers(opt), first, f)
		if err != nil {
			return fmt.Errorf("--voi: %w", err)
		}
		for i := range q.Parties {
			payoffs[i] = [][]float64{goOn[i], settle[i]}
		}
		out.Stage = q.Process().Stages[first].Name
	} else {
		for i, pt := range q.Parties {
			payoffs[i] = [][]float64{values[pt.Court], values[pt.Settled]}
		}
	}
	decisions := make([]*voi.Decision, len(q.Parties))
	for i, pt := range q.Parties {
		d := &voi.Decision{Payoffs: payoffs[i], RiskTolerance: pt.RiskTolerance}
		decisions[i] = d
		pv := &PartyVOI{Party: pt.Name, RiskTolerance: pt.RiskTolerance}
		m, u, err := d.Choice()
		if err != nil {
			return fmt.Errorf("--voi: party %s: %w", pt.Name, err)
		}
		pv.Settles, pv.SettlesOnMoney = u == 1, m == 1
		if pv.EVPI, err = voi.EVPI(d); err != nil {
			return fmt.Errorf("--voi: party %s: %w", pt.Name, err)
		}
		pv.EVPPI = make([]InputVOI, len(items))
		out.Parties = append(out.Parties, pv)
	}
	// Each input's or group's basis serves every party; they are made
	// and fitted in parallel, each result in its place.
	var next atomic.Int64
	errs := make([]error, len(items))
	var wg sync.WaitGroup
	for range min(workers(opt), len(items)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				k := int(next.Add(1) - 1)
				if k >= len(items) || ctx.Err() != nil {
					return
				}
				it := items[k]
				b, err := smooth.New(it.covars...)
				if err != nil {
					errs[k] = fmt.Errorf("--voi: %s: %w", it.name, err)
					continue
				}
				for i, d := range decisions {
					v, err := voi.EVPPI(d, b)
					if err != nil {
						errs[k] = fmt.Errorf("--voi: party %s, %s: %w", out.Parties[i].Party, it.name, err)
						break
					}
					out.Parties[i].EVPPI[k] = InputVOI{Name: it.name, Inputs: it.group, Value: v}
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	res.VOI = out
	return nil
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
