package model

import (
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/conf"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/lsmc"
	"github.com/settle-sim/settle/engine/scenario"
)

// A scenario with stages describes its dispute as a process over time
// (scenario.Stage). Its program evaluates a trial in four phases:
//
//  1. base: the inputs and rules that do not depend on how the dispute
//     unfolds, once (Program.steps);
//  2. the timeline: stage by stage, start_years_<stage> is set, the
//     rules that use it are evaluated, then the stage's condition
//     (when), duration and costs;
//  3. the decisions: at each opportunity to settle, in order, each
//     party's reservation value from the fitted Policy given what has
//     been revealed; where the settlement range is not empty the parties
//     settle. The rules that use elapsed_years, spent_<party> or the
//     settlement figure (the end phase) are evaluated where the dispute
//     ends: at that settlement, or at judgment after the last stage;
//  4. post: each party's net outcome is its settled or court outcome
//     there, with years_to_resolution, settled and settlement_stage;
//     the rules that use them are evaluated last.

// process is a compiled scenario's stages and the phases of its trials.
type process struct {
	Process
	stageSteps [][]step // per stage: the rules using its start, then its expressions
	end        []step
	post       []step
	// partySettled and partyCourt hold, for each party, the end steps
	// its settled and its court outcome need, in order: all that fitting
	// its values evaluates; partyFigure those of partySettled that depend
	// on the settlement figure.
	partySettled, partyCourt, partyFigure [][]step

	parties  []Party
	features [][]featureSource // per stage, its opportunity's state
	maxState int
	// reuse, in a program made by Follow, is the first opportunity
	// whose state (or whether it comes) the pins can move: at those
	// before it the decisions are those of the state followed.
	reuse int
}

// Process describes the stages of a compiled scenario.
type Process struct {
	Stages []Stage
	// Elapsed, Spent (one a party) and Start (one a stage) are the
	// values the engine sets where the dispute could end; Years, Settled,
	// StageNo and Nets (one a party) say how it ended.
	Elapsed, Years, Settled, StageNo *Var
	Spent, Start, Nets               []*Var
	// Happened holds the stages a trial reached with their condition
	// true, bit k for stage k, the one before which it settled included;
	// it is not a name rules can use.
	Happened *Var
	// PayeeShare splits the settlement range; Offer, when HasOffer,
	// is a fixed figure standing at every opportunity.
	PayeeShare float64
	Offer      float64
	HasOffer   bool
	// State lists, for each stage with an opportunity to settle before
	// it, what the parties know there: the conditioning values of their
	// reservation values. Nil for a stage without one.
	State [][]lsmc.Feature
}

// Stage is a compiled stage.
type Stage struct {
	Name     string
	Settle   bool
	Duration *Var
	When     *Var   // nil when the stage always happens
	Costs    []*Var // one a party, nil where the party spends nothing
	Reveals  []*Var
}

// featureSource says where one value of the state at an opportunity
// comes from.
type featureSource struct {
	kind   featureKind
	stages []int // whenBit: the stage; reveal: the stages revealing it
	slot   int   // reveal: the var's slot
	party  int   // spent: the party
}

type featureKind uint8

const (
	whenBit featureKind = iota
	reveal
	elapsed
	spent
)

// procState is a worker's scratch for the process of a trial.
type procState struct {
	// decided says at which opportunities the trial's parties decided,
	// settle whether they settled there and figure at what.
	decided, settle []bool
	figure          []float64
	happens         []bool
	start           []float64
	costs           []float64 // stage-major, one a party
	spent           []float64 // one a party
	end             float64   // years to judgment, were it reached
	x               []float64 // the state at an opportunity
}

func (pr *process) newState() *procState {
	n, np := len(pr.Stages), len(pr.parties)
	return &procState{decided: make([]bool, n), settle: make([]bool, n), figure: make([]float64, n),
		happens: make([]bool, n), start: make([]float64, n), costs: make([]float64, n*np),
		spent: make([]float64, np), x: make([]float64, pr.maxState)}
}

// builtinNames returns the names a scenario with stages provides.
func (c *compiler) builtinNames() []string {
	var names []string
	for name := range c.builtins {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

func (c *compiler) isProcess() bool { return c.sc.IsProcess() && !c.sc.IsRuleFile }

// overridden reports whether d's value is provided by the engine: a
// party's net outcome or the settlement figure of a scenario with
// stages.
func (c *compiler) overridden(d *scenario.Def) bool {
	v, ok := c.builtins[d.Name]
	if !ok {
		return false
	}
	if d.Kind == scenario.Rule || v.Kind != scenario.Input {
		c.diags.Notef(d.Pos, "%s %s is computed by the engine in a scenario with stages, where the dispute ends; its expression here is not used", d.Kind, d.Name)
	}
	return true
}

// declareBuiltins declares the values a scenario with stages provides;
// placeBuiltins gives them slots once the program exists.
func (c *compiler) declareBuiltins() {
	if !c.isProcess() {
		return
	}
	c.builtins = map[string]*Var{}
	sc := c.sc
	at := sc.StagesPos
	add := func(name string, kind scenario.Kind, typ Type, unit, doc string, pos diag.Pos) {
		if _, dup := c.builtins[name]; dup {
			return
		}
		c.builtins[name] = &Var{Name: name, Kind: kind, Type: typ, Unit: unit, Doc: doc, Pos: pos, Random: true, Slot: -1}
	}
	add(scenario.ElapsedYears, scenario.Builtin, Number, "years", "Years from now to where the dispute ends: the settlement, or judgment after the last stage.", at)
	add(scenario.YearsToResolution, scenario.Builtin, Number, "years", "Years the dispute took to end, by settlement or judgment.", at)
	add(scenario.Settled, scenario.Builtin, Bool, "", "True when the dispute ended in a settlement.", at)
	add(scenario.SettlementStage, scenario.Builtin, Number, "", "The number of the stage before which the parties settled (1 for the first); 0 when the dispute ended in judgment.", at)
	for _, p := range sc.Parties {
		add(scenario.SpentPrefix+p.Name, scenario.Builtin, Number, Money, "What "+p.Name+" has spent on the stages before where the dispute ends.", at)
	}
	for _, st := range sc.Stages {
		add(scenario.StartPrefix+st.Name, scenario.Builtin, Number, "years", "Years from now to the start of stage "+st.Name+".", st.Pos)
	}
	for _, p := range sc.Parties {
		add(p.Net.Name, scenario.Builtin, Number, Money, "What "+p.Name+" ends with: its settled outcome where the parties settle, else its court outcome.", p.Net.Pos)
	}
	if st := sc.Settlement; st != nil {
		unit, doc, pos := Money, "The settlement figure the parties agree, where they settle.", st.Figure.Pos
		if d, ok := sc.Lookup(st.Figure.Name); ok {
			if d.Unit != "" {
				unit = d.Unit
			}
			if d.Doc != "" {
				doc = d.Doc
			}
			pos = d.Pos
		}
		add(st.Figure.Name, scenario.Input, Number, unit, doc, pos)
	}
}

func (c *compiler) placeBuiltins(env map[string]any) {
	for _, name := range c.builtinNames() {
		v := c.builtins[name]
		v.Slot = len(c.prog.init)
		c.prog.init = append(c.prog.init, 0)
		c.prog.Vars = append(c.prog.Vars, v)
		c.vars[name] = v
		if v.Type == Bool {
			env[name] = false
		} else {
			env[name] = 0.0
		}
	}
}

// supportOf returns the values a var compiled from p can take, when its
// declared distribution has few of them (at most MaxSupport): true/false,
// or a discrete() with constant values.
func (c *compiler) supportOf(p *parsed, x cx) []float64 {
	if x.konst {
		return nil
	}
	if x.typ == Bool {
		return []float64{0, 1}
	}
	if c.support == nil || p.tree == nil {
		return nil
	}
	call, ok := p.tree.Node.(*ast.CallNode)
	if !ok {
		return nil
	}
	if id, ok := call.Callee.(*ast.IdentifierNode); !ok || id.Value != "discrete" {
		return nil
	}
	s := slices.Clone(c.support)
	sort.Float64s(s)
	if s = slices.Compact(s); len(s) > MaxSupport {
		return nil // as good as continuous: regressed on, not grouped
	}
	return s
}

// MaxSupport is the most values a discrete input may take to be grouped
// on exactly where it is revealed; one with more is regressed on as a
// continuous one.
const MaxSupport = 16

// flags say what a var depends on, directly or through others.
type flags struct {
	end     bool // elapsed_years, spent_<party> or the settlement figure
	start   int  // the last stage whose start_years it uses; -1 if none
	outcome bool // a party's net, years_to_resolution, settled or settlement_stage
	figure  bool
	court   bool // a party's court outcome
}

func (f flags) or(g flags) flags {
	return flags{end: f.end || g.end, start: max(f.start, g.start), outcome: f.outcome || g.outcome,
		figure: f.figure || g.figure, court: f.court || g.court}
}

// process compiles the stages of a scenario that has them.
func (c *compiler) process() {
	if !c.isProcess() {
		return
	}
	sc, prog := c.sc, c.prog
	if len(prog.Parties) != len(sc.Parties) || prog.Figure == nil {
		return // reported already
	}
	if len(prog.Parties) != 2 {
		c.diags.Errorf(sc.StagesPos, "name two parties: the one paid the settlement figure and the one paying it",
			"a scenario with stages has two parties; this one has %d", len(prog.Parties))
		return
	}
	pr := &process{parties: prog.Parties}
	pr.PayeeShare = scenario.DefaultPayeeShare
	if st := sc.Settlement; st != nil {
		pr.PayeeShare = st.PayeeShare
		pr.Offer, pr.HasOffer = st.Offer, st.HasOffer
	}
	b := c.builtins
	pr.Elapsed, pr.Years, pr.Settled, pr.StageNo = b[scenario.ElapsedYears], b[scenario.YearsToResolution], b[scenario.Settled], b[scenario.SettlementStage]
	for _, p := range prog.Parties {
		pr.Spent = append(pr.Spent, b[scenario.SpentPrefix+p.Name])
		pr.Nets = append(pr.Nets, p.Net)
	}
	for _, st := range sc.Stages {
		pr.Start = append(pr.Start, b[scenario.StartPrefix+st.Name])
	}

	// What each var depends on, in evaluation order.
	fl := map[*Var]flags{}
	for _, v := range prog.Vars {
		f := flags{start: -1}
		switch {
		case v == pr.Elapsed || slices.Contains(pr.Spent, v):
			f.end = true
		case v == prog.Figure:
			f.end, f.figure = true, true
		case v == pr.Years || v == pr.Settled || v == pr.StageNo || slices.Contains(pr.Nets, v):
			f.outcome = true
		case slices.Contains(pr.Start, v):
			f.start = slices.Index(pr.Start, v)
		}
		for _, d := range v.Deps {
			if dv := c.vars[d]; dv != nil {
				f = f.or(fl[dv])
			}
		}
		for _, p := range prog.Parties {
			if v == p.Court {
				f.court = true
			}
		}
		fl[v] = f
		switch {
		case f.figure && !f.court && !f.outcome:
			v.Path = SettledPath
		case f.court && !f.figure && !f.outcome:
			v.Path = JudgmentPath
		}
	}
	for i, p := range prog.Parties {
		for _, o := range []struct {
			v    *Var
			what string
			pos  diag.Pos
		}{{p.Court, "court", sc.Parties[i].Court.Pos}, {p.Settled, "settled", sc.Parties[i].Settled.Pos}} {
			if fl[o.v].outcome {
				c.diags.Errorf(o.pos, "compute it from inputs, rules, elapsed_years, spent_"+p.Name+" and the settlement figure",
					"party %s: its %s outcome %s depends on how the dispute ended (a party's net, %s, %s or %s)", p.Name, o.what, o.v.Name,
					scenario.YearsToResolution, scenario.Settled, scenario.SettlementStage)
			}
		}
	}

	// The phases of the random vars.
	bySlot := map[int]*Var{}
	for _, v := range prog.Vars {
		bySlot[v.Slot] = v
	}
	pr.stageSteps = make([][]step, len(sc.Stages))
	var base []step
	for _, st := range prog.steps {
		f := fl[bySlot[st.slot]]
		switch {
		case f.outcome:
			pr.post = append(pr.post, st)
		case f.end:
			pr.end = append(pr.end, st)
		case f.start >= 0:
			pr.stageSteps[f.start] = append(pr.stageSteps[f.start], st)
		default:
			base = append(base, st)
		}
	}
	prog.steps = base
	for _, p := range prog.Parties {
		forSettled, forCourt := c.needs(p.Settled), c.needs(p.Court)
		var settled, court, figure []step
		for _, st := range pr.end {
			v := bySlot[st.slot]
			if forSettled[v] {
				settled = append(settled, st)
				if fl[v].figure {
					figure = append(figure, st)
				}
			}
			if forCourt[v] {
				court = append(court, st)
			}
		}
		pr.partySettled = append(pr.partySettled, settled)
		pr.partyCourt = append(pr.partyCourt, court)
		pr.partyFigure = append(pr.partyFigure, figure)
	}

	// The stages' own expressions.
	env := map[string]any{}
	for name, v := range c.vars {
		if v.Type == Bool {
			env[name] = false
		} else {
			env[name] = 0.0
		}
	}
	cfg := config(env)
	known := append(append(c.sc.Names(), FuncNames()...), c.builtinNames()...)
	partyIndex := map[string]int{}
	for i, p := range prog.Parties {
		partyIndex[p.Name] = i
	}
	ok := true
	for k, st := range sc.Stages {
		ps := Stage{Name: st.Name, Settle: st.Settle, Costs: make([]*Var, len(prog.Parties))}
		compile := func(d *scenario.Def, typ Type, what string) *Var {
			v := c.stageVar(d, typ, what, known, cfg)
			if v == nil {
				ok = false
				return nil
			}
			f := flags{start: -1}
			for _, dep := range v.Deps {
				if dv := c.vars[dep]; dv != nil {
					f = f.or(fl[dv])
				}
			}
			switch {
			case f.end || f.outcome:
				c.diags.Errorf(d.PosAt(0), "a stage's duration, costs and condition may use inputs, rules and start_years_<stage> of this stage or an earlier one",
					"stage %s: its %s uses a value known only where the dispute ends (%s, spent_<party>, the settlement figure or how it ended)", st.Name, what, scenario.ElapsedYears)
				ok = false
			case f.start > k:
				c.diags.Errorf(d.PosAt(0), "use the start of this stage or an earlier one",
					"stage %s: its %s uses the start of a later stage, %s", st.Name, what, sc.Stages[f.start].Name)
				ok = false
			}
			if v.Random {
				pr.stageSteps[k] = append(pr.stageSteps[k], step{slot: v.Slot, eval: c.stageFns[v]})
			}
			return v
		}
		ps.Duration = compile(st.Duration, Number, "duration")
		if st.When != nil {
			ps.When = compile(st.When, Bool, "condition (when)")
		}
		for _, sc := range st.Costs {
			i, found := partyIndex[sc.Party]
			if !found {
				continue // reported by the scenario's checks
			}
			ps.Costs[i] = compile(sc.Expr, Number, "costs of "+sc.Party)
		}
		for _, r := range st.Reveals {
			v := c.vars[r.Name]
			if v == nil {
				if _, defined := c.sc.Lookup(r.Name); defined {
					ok = false
					continue // its definition has errors, reported already
				}
				hint := diag.DidYouMean(r.Name, c.sc.Names())
				if hint == "" {
					hint = "name an input or rule of the scenario"
				}
				c.diags.Errorf(r.Pos, hint, "stage %s reveals %q, which is not defined", st.Name, r.Name)
				ok = false
				continue
			}
			if f := fl[v]; f.end || f.outcome || f.start >= 0 || v.Kind == scenario.Builtin {
				c.diags.Errorf(r.Pos, "reveal inputs, or rules computed from inputs",
					"stage %s reveals %s, which depends on how the dispute unfolds", st.Name, r.Name)
				ok = false
				continue
			}
			if !v.Random {
				c.diags.Notef(r.Pos, "stage %s reveals %s, which is the same in every trial: nothing is learnt", st.Name, r.Name)
				continue
			}
			ps.Reveals = append(ps.Reveals, v)
		}
		pr.Stages = append(pr.Stages, ps)
	}
	if !ok {
		return
	}
	if len(pr.Stages) > maxStages {
		c.diags.Errorf(sc.StagesPos, "combine stages", "a scenario has at most %d stages; this one has %d", maxStages, len(pr.Stages))
		return
	}
	pr.Happened = &Var{Name: "stages happened", Kind: scenario.Builtin, Type: Number, Random: true, Slot: len(prog.init), Pos: sc.StagesPos}
	prog.init = append(prog.init, 0)
	pr.state()
	prog.proc = pr
}

// maxStages keeps Process.Happened's bits exact in a float64.
const maxStages = 50

// needs returns v and every var it depends on, directly or through
// others.
func (c *compiler) needs(v *Var) map[*Var]bool {
	need := map[*Var]bool{}
	var visit func(v *Var)
	visit = func(v *Var) {
		if v == nil || need[v] {
			return
		}
		need[v] = true
		for _, d := range v.Deps {
			visit(c.vars[d])
		}
	}
	visit(v)
	return need
}

// stageVar compiles one of a stage's expressions.
func (c *compiler) stageVar(d *scenario.Def, typ Type, what string, known []string, cfg *conf.Config) *Var {
	p := c.parse(d, config(nil), known)
	if p.broken {
		return nil
	}
	for _, dep := range p.deps {
		if c.vars[dep] == nil {
			return nil // its definition has errors, reported already
		}
	}
	if _, err := checker.Check(p.tree, cfg); err != nil {
		c.exprError(p, err, typeHint(err))
		return nil
	}
	c.cur, c.sites, c.support = p, 0, nil
	x, ok := c.node(p.tree.Node)
	if !ok {
		return nil
	}
	if x.typ != typ {
		hint := "write a number of years or an amount"
		if typ == Bool {
			hint = "write a condition such as appeal_brought, or claim > £500m"
		}
		c.diags.Errorf(d.PosAt(0), hint, "the %s must be %s, not %s", d.Name, typeWord(typ), typeWord(x.typ))
		return nil
	}
	v := &Var{Name: d.Name, Kind: scenario.StageExpr, Type: x.typ, Unit: x.unit, Pos: d.Pos,
		Random: !x.konst, Const: x.val, Slot: len(c.prog.init), Deps: p.deps}
	c.prog.init = append(c.prog.init, x.val)
	if v.Random {
		if c.stageFns == nil {
			c.stageFns = map[*Var]evalFn{}
		}
		c.stageFns[v] = x.fn
	}
	return v
}

func typeWord(t Type) string {
	if t == Bool {
		return "true or false"
	}
	return "a number"
}

// state lists what the parties know at each opportunity: for a stage
// with one, whether each earlier stage with a condition happened, the
// values revealed by earlier stages (each once), the years elapsed and
// each party's spend so far.
func (pr *process) state() {
	pr.State = make([][]lsmc.Feature, len(pr.Stages))
	pr.features = make([][]featureSource, len(pr.Stages))
	for k, st := range pr.Stages {
		if !st.Settle {
			continue
		}
		var feats []lsmc.Feature
		var srcs []featureSource
		revealed := map[*Var]int{} // index into srcs
		for j := range k {
			if w := pr.Stages[j].When; w != nil {
				feats = append(feats, lsmc.Feature{Name: pr.Stages[j].Name + " happened", Support: []float64{0, 1}})
				srcs = append(srcs, featureSource{kind: whenBit, stages: []int{j}})
			}
			for _, v := range pr.Stages[j].Reveals {
				if i, seen := revealed[v]; seen {
					srcs[i].stages = append(srcs[i].stages, j)
					continue
				}
				revealed[v] = len(srcs)
				feats = append(feats, lsmc.Feature{Name: v.Name, Support: v.Support})
				srcs = append(srcs, featureSource{kind: reveal, stages: []int{j}, slot: v.Slot})
			}
		}
		// Time and money spent move values about linearly (discounting,
		// costs recovered): they enter the fits linearly, with their
		// products with what was revealed.
		feats = append(feats, lsmc.Feature{Name: scenario.ElapsedYears, Linear: true})
		srcs = append(srcs, featureSource{kind: elapsed})
		for i, p := range pr.parties {
			feats = append(feats, lsmc.Feature{Name: scenario.SpentPrefix + p.Name, Linear: true})
			srcs = append(srcs, featureSource{kind: spent, party: i})
		}
		pr.State[k], pr.features[k] = feats, srcs
		pr.maxState = max(pr.maxState, len(feats))
	}
}

// fillState writes the state at stage k's opportunity into x, given the
// timeline of the trial in s and the spend so far in ps.spent.
func (pr *process) fillState(s *State, k int, x []float64) []float64 {
	ps := s.proc
	srcs := pr.features[k]
	x = x[:len(srcs)]
	for i := range srcs {
		f := &srcs[i]
		switch f.kind {
		case whenBit:
			x[i] = b2f(ps.happens[f.stages[0]])
		case reveal:
			x[i] = 0
			for _, j := range f.stages {
				if ps.happens[j] {
					x[i] = s.Slots[f.slot]
					break
				}
			}
		case elapsed:
			x[i] = ps.start[k]
		case spent:
			x[i] = ps.spent[f.party]
		}
	}
	return x
}

// timeline evaluates the stages of the trial in s: when each starts,
// whether it happens, how long it takes and what each party spends.
func (pr *process) timeline(s *State) {
	slots, ps := s.Slots, s.proc
	np := len(pr.parties)
	t := 0.0
	for k := range pr.Stages {
		st := &pr.Stages[k]
		slots[pr.Start[k].Slot] = t
		for _, step := range pr.stageSteps[k] {
			slots[step.slot] = step.eval(s)
		}
		happens := st.When == nil || slots[st.When.Slot] != 0
		ps.happens[k], ps.start[k] = happens, t
		costs := ps.costs[k*np : (k+1)*np]
		for i := range costs {
			costs[i] = 0
		}
		if !happens {
			continue
		}
		d := slots[st.Duration.Slot]
		if !(d >= 0) || math.IsInf(d, 0) {
			s.fail(st.Duration.Name, st.Duration.Pos, fmt.Errorf("the stage takes %v years; a duration must be 0 or more", d))
			return
		}
		t += d
		for i, cv := range st.Costs {
			if cv == nil {
				continue
			}
			x := slots[cv.Slot]
			if !(x >= 0) || math.IsInf(x, 0) {
				s.fail(cv.Name, cv.Pos, fmt.Errorf("%v; costs must be 0 or more", x))
				return
			}
			costs[i] = x
		}
	}
	ps.end = t
}

// endAt evaluates the end phase as if the dispute ended at elapsed years
// with each party having spent ps.spent, and the settlement figure at
// figure.
func (pr *process) endAt(p *Program, s *State, elapsed, figure float64) {
	pr.endSteps(p, s, elapsed, figure, pr.end)
}

// endSteps is endAt evaluating only steps.
func (pr *process) endSteps(p *Program, s *State, elapsed, figure float64, steps []step) {
	slots := s.Slots
	slots[pr.Elapsed.Slot] = elapsed
	for i, v := range pr.Spent {
		slots[v.Slot] = s.proc.spent[i]
	}
	slots[p.Figure.Slot] = figure
	for _, st := range steps {
		slots[st.slot] = st.eval(s)
	}
}

// run evaluates the process of the trial in s, whose base phase is
// done: the timeline, the parties' decisions under p.policy, and how
// the dispute ends.
func (pr *process) run(p *Program, s *State) {
	pol := p.policy
	if pol == nil {
		s.fail(pr.Years.Name, pr.Years.Pos, fmt.Errorf("the parties' decisions have not been fitted; run the scenario with engine.Run, which fits them first"))
		return
	}
	pr.timeline(s)
	if s.err != nil {
		return
	}
	ps, slots := s.proc, s.Slots
	np := len(pr.parties)
	for i := range ps.spent {
		ps.spent[i] = 0
	}
	for k := range ps.decided {
		ps.decided[k] = false
	}
	for k := range pr.Stages {
		if !ps.happens[k] {
			continue
		}
		if pr.Stages[k].Settle {
			var ok bool
			var figure float64
			if b := s.base; k < pr.reuse && b != nil && b.proc.decided[k] {
				ok, figure = b.proc.settle[k], b.proc.figure[k]
			} else {
				ok, figure = pol.Decide(k, pr.fillState(s, k, ps.x))
			}
			ps.decided[k], ps.settle[k], ps.figure[k] = true, ok, figure
			if ok {
				pr.endAt(p, s, ps.start[k], figure)
				for i, party := range pr.parties {
					slots[pr.Nets[i].Slot] = slots[party.Settled.Slot]
				}
				pr.finish(s, ps.start[k], true, k+1)
				return
			}
		}
		for i := range np {
			ps.spent[i] += ps.costs[k*np+i]
		}
	}
	pr.endAt(p, s, ps.end, 0)
	for i, party := range pr.parties {
		slots[pr.Nets[i].Slot] = slots[party.Court.Slot]
	}
	pr.finish(s, ps.end, false, 0)
}

func (pr *process) finish(s *State, years float64, settled bool, stage int) {
	slots := s.Slots
	slots[pr.Years.Slot] = years
	slots[pr.Settled.Slot] = b2f(settled)
	slots[pr.StageNo.Slot] = float64(stage)
	bits := uint64(0)
	for k, h := range s.proc.happens {
		if h && (stage == 0 || k < stage) { // none is reached after a settlement
			bits |= 1 << k
		}
	}
	slots[pr.Happened.Slot] = float64(bits)
	for _, st := range pr.post {
		slots[st.slot] = st.eval(s)
	}
}

// Process returns p's stages, or nil when it has none.
func (p *Program) Process() *Process {
	if p.proc == nil {
		return nil
	}
	return &p.proc.Process
}

// IsProcess reports whether p describes its dispute as stages.
func (p *Program) IsProcess() bool { return p.proc != nil }

// Policy returns the decisions p's process runs with, or nil.
func (p *Program) Policy() *Policy { return p.policy }

// WithPolicy returns a copy of p whose process decides by pol.
func (p *Program) WithPolicy(pol *Policy) *Program {
	q := *p
	q.policy = pol
	return &q
}

// The parts of a trial that fitting a policy needs (engine/process).

// EvalTimeline evaluates a trial of a program with stages up to its
// decisions: the base phase and the timeline. Happens, StageStart and
// Spent then describe the trial, and EndAt evaluates its outcomes were
// it to end at an opportunity or in judgment.
func (p *Program) EvalTimeline(s *State, seed uint64, trial int) error {
	s.trial = trial
	s.Src.Reset(seed, uint64(trial))
	if s.qs.q != nil {
		p.plan.fill(s, seed, uint64(trial))
	}
	for _, st := range p.steps {
		s.Slots[st.slot] = st.eval(s)
	}
	if s.err == nil {
		p.proc.timeline(s)
	}
	return s.takeErr(trial)
}

// Happens reports whether stage k happens in the trial in s.
func (s *State) Happens(k int) bool { return s.proc.happens[k] }

// StageStart returns the years from now to the start of stage k.
func (s *State) StageStart(k int) float64 { return s.proc.start[k] }

// JudgmentYears returns the years from now to judgment, were it reached.
func (s *State) JudgmentYears() float64 { return s.proc.end }

// StateAt writes into x the state at stage k's opportunity in the trial
// in s, as Process.State describes it, and returns it.
func (p *Program) StateAt(s *State, k int, x []float64) []float64 {
	p.proc.setSpent(s, k)
	return p.proc.fillState(s, k, x)
}

// setSpent sets each party's spend to what the stages before k cost.
func (pr *process) setSpent(s *State, k int) {
	ps := s.proc
	np := len(pr.parties)
	for i := range np {
		ps.spent[i] = 0
		for j := range k {
			ps.spent[i] += ps.costs[j*np+i]
		}
	}
}

// EndAt evaluates the outcomes of the trial in s were it to end at stage
// k's opportunity by settling at figure, or, with k = len(Stages), in
// judgment after the last stage that happens. The parties' settled and
// court outcomes are then in their slots.
func (p *Program) EndAt(s *State, k int, figure float64) error {
	return p.endFor(s, k, figure, p.proc.end)
}

// PartySettledAt is EndAt that evaluates only what party i's settled
// outcome needs: the other vars of the end phase are left as they were.
func (p *Program) PartySettledAt(s *State, k int, figure float64, i int) error {
	return p.endFor(s, k, figure, p.proc.partySettled[i])
}

// PartyCourtAt is EndAt, in judgment after the last stage (k =
// len(Stages)) or as if judgment came at stage k, that evaluates only
// what party i's court outcome needs.
func (p *Program) PartyCourtAt(s *State, k int, i int) error {
	return p.endFor(s, k, 0, p.proc.partyCourt[i])
}

// PartySettledAgain evaluates party i's settled outcome at another
// figure at the opportunity of the last PartySettledAt on s: only what
// depends on the figure is evaluated again, the rest (discount factors,
// costs) is as it was.
func (p *Program) PartySettledAgain(s *State, figure float64, i int) error {
	s.Slots[p.Figure.Slot] = figure
	for _, st := range p.proc.partyFigure[i] {
		s.Slots[st.slot] = st.eval(s)
	}
	return s.takeErr(s.trial)
}

func (p *Program) endFor(s *State, k int, figure float64, steps []step) error {
	pr := p.proc
	pr.setSpent(s, k)
	years := s.proc.end
	if k < len(pr.Stages) {
		years = s.proc.start[k]
	}
	pr.endSteps(p, s, years, figure, steps)
	return s.takeErr(s.trial)
}

func (s *State) takeErr(trial int) error {
	if s.err == nil {
		return nil
	}
	err := s.err
	s.err = nil
	err.Trial = trial
	return err
}
