package model

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/conf"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/parser"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/dist"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/scenario"
)

// builtins are expr's own functions that rules may use.
var builtins = []string{"min", "max", "abs", "floor", "ceil", "round"}

// mathFuncs are settle's functions other than distributions, with their
// arity.
var mathFuncs = map[string]int{"exp": 1, "log": 1, "sqrt": 1, "clamp": 3}

// FuncNames returns every function rules can call, sorted.
func FuncNames() []string { return slices.Clone(funcNames()) }

// funcNames is FuncNames, computed once: the compiler asks for every
// definition and every call.
var funcNames = sync.OnceValue(func() []string {
	names := slices.Clone(builtins)
	for n := range mathFuncs {
		names = append(names, n)
	}
	for _, f := range dist.Families() {
		names = append(names, f.Name)
	}
	names = append(names, drawFuncs...)
	sort.Strings(names)
	return slices.Compact(names)
})

func isFunc(name string) bool {
	_, ok := slices.BinarySearch(funcNames(), name)
	return ok
}

// config returns an expr configuration declaring settle's functions and
// the given environment.
func config(env map[string]any) *conf.Config {
	opts := []expr.Option{expr.DisableAllBuiltins()}
	for _, b := range builtins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	if env != nil {
		opts = append(opts, expr.Env(env))
	}
	stub := func(...any) (any, error) { return nil, errors.New("settle functions run only in the engine") }
	sigs := map[int]any{
		1: new(func(float64) float64),
		2: new(func(float64, float64) float64),
		3: new(func(float64, float64, float64) float64),
		4: new(func(float64, float64, float64, float64) float64),
	}
	for name, n := range mathFuncs {
		opts = append(opts, expr.Function(name, stub, sigs[n]))
	}
	overloads := map[string][]any{} // pert takes 3 or 4 parameters
	var famNames []string
	for _, f := range dist.Families() {
		sig := sigs[len(f.Params)]
		if f.Bool {
			sig = new(func(float64) bool)
		}
		if overloads[f.Name] == nil {
			famNames = append(famNames, f.Name)
		}
		overloads[f.Name] = append(overloads[f.Name], sig)
	}
	for _, name := range famNames {
		opts = append(opts, expr.Function(name, stub, overloads[name]...))
	}
	opts = append(opts, expr.Function("discrete", stub, new(func([]any, []any) float64)))
	opts = append(opts, drawFuncConfig(stub)...)
	opts = append(opts, expr.Function(modFunc, stub, sigs[2]))
	c := conf.CreateNew()
	for _, op := range opts {
		op(c)
	}
	for name := range c.Disabled {
		delete(c.Builtins, name)
	}
	c.Check()
	return c
}

// modFunc is the function that a % b becomes before type checking: expr
// checks % for integers only, while every value here is a float64. Rules
// cannot call it by name.
const modFunc = "%"

// modCalls turns each a % b into a call of modFunc.
type modCalls struct{}

// Visit implements ast.Visitor.
func (modCalls) Visit(n *ast.Node) {
	if b, ok := (*n).(*ast.BinaryNode); ok && b.Operator == "%" {
		callee := &ast.IdentifierNode{Value: modFunc}
		callee.SetLocation(b.Location())
		call := &ast.CallNode{Callee: callee, Arguments: []ast.Node{b.Left, b.Right}}
		call.SetLocation(b.Location())
		*n = call
	}
}

// parsed is one definition after parsing.
type parsed struct {
	def    *scenario.Def
	rw     rewritten
	tree   *parser.Tree
	deps   []string
	draws  bool // calls a distribution directly
	broken bool // has errors; dependants are not checked
	// overridden: the engine provides the value (a party's net or the
	// settlement figure of a scenario with stages); the expression is
	// not used.
	overridden bool
}

// Compile compiles a loaded scenario. All problems found are returned
// at once as a *diag.ListError; a rule file (one without outputs) is
// checked as far as it can be without the names it expects from the
// scenarios that include it.
func Compile(sc *scenario.Scenario) (*Program, error) {
	c := &compiler{sc: sc, currency: sc.Currency, vars: map[string]*Var{}, byName: map[string]*parsed{}}
	if c.currency.Code == "" {
		c.currency = money.GBP
	}
	c.declareBuiltins()
	c.parseAll()
	order := c.order()
	c.compileAll(order)
	c.statistics()
	c.outputs()
	c.process()
	c.correlations()
	c.diags.Sort()
	if err := c.diags.Err(); err != nil {
		return nil, err
	}
	c.prog.Notes = c.diags.Notes()
	return c.prog, nil
}

type compiler struct {
	sc       *scenario.Scenario
	currency money.Currency // the scenario's
	diags    diag.List
	defs     []*parsed
	byName   map[string]*parsed
	vars     map[string]*Var
	prog     *Program
	cur      *parsed // the definition being compiled
	sites    int     // draw sites compiled so far in cur

	// builtins are the values a scenario with stages provides (see
	// process.go), declared before anything is compiled.
	builtins map[string]*Var
	// support is the values of the discrete() call compiled last, when
	// they are constants.
	support []float64
	// stageFns evaluate the random expressions of stages.
	stageFns map[*Var]evalFn
}

func (c *compiler) parseAll() {
	base := config(nil)
	known := append(append(c.sc.Names(), funcNames()...), c.builtinNames()...)
	for _, d := range c.sc.Defs {
		if isFunc(d.Name) {
			c.diags.Errorf(d.Pos, "choose another name", "%s %s has the name of a function", d.Kind, d.Name)
		}
		if money.IsCurrency(d.Unit) && d.Unit != c.currency.Code {
			c.diags.Errorf(d.Pos, fmt.Sprintf("write unit: %s, or leave the unit out: amounts are in the scenario's currency", c.currency.Code),
				"%s %s: unit %s, but the scenario's amounts are in %s", d.Kind, d.Name, d.Unit, c.currency.Code)
		}
		if c.overridden(d) {
			p := &parsed{def: d, overridden: true}
			c.defs = append(c.defs, p)
			c.byName[d.Name] = p
			continue
		}
		p := c.parse(d, base, known)
		c.defs = append(c.defs, p)
		c.byName[d.Name] = p
	}
}

// parse parses one definition and finds the names it refers to. known
// are the names a misspelt one is matched against.
func (c *compiler) parse(d *scenario.Def, base *conf.Config, known []string) *parsed {
	p := &parsed{def: d, rw: rewrite(d.Expr, c.currency)}
	for _, e := range p.rw.errs {
		c.diags.Errorf(d.PosAt(e.off), "", "%s %s: %s", d.Kind, d.Name, e.msg)
		p.broken = true
	}
	if p.broken {
		return p
	}
	tree, err := parser.ParseWithConfig(p.rw.src, base)
	if err != nil {
		c.exprError(p, err, "")
		p.broken = true
		return p
	}
	ast.Walk(&tree.Node, moneyFloats{p.rw.moneyAt})
	p.tree = tree
	callees := map[ast.Node]bool{}
	seen := map[string]bool{}
	all := nodes(tree.Node)
	for _, n := range all {
		if call, ok := n.(*ast.CallNode); ok {
			callees[call.Callee] = true
		}
	}
	for _, n := range all {
		switch n := n.(type) {
		case *ast.CallNode:
			if id, ok := n.Callee.(*ast.IdentifierNode); ok {
				if !isFunc(id.Value) {
					hint := diag.DidYouMean(id.Value, funcNames())
					if def, ok := c.sc.Lookup(id.Value); ok {
						hint = fmt.Sprintf("%s is an input, not a function", id.Value)
						if def.Kind == scenario.Rule {
							hint = fmt.Sprintf("%s is a rule, not a function", id.Value)
						}
					}
					if hint == "" {
						hint = "the functions are " + strings.Join(funcNames(), ", ")
					}
					c.diags.Errorf(c.pos(p, n), hint, "unknown function %s() in %s %s", id.Value, d.Kind, d.Name)
					p.broken = true
					continue
				}
				if _, isDist := dist.Lookup(id.Value); isDist || slices.Contains(drawFuncs, id.Value) {
					p.draws = true
					if d.Kind != scenario.Input {
						what := d.Kind.String() + " " + d.Name
						if d.Kind == scenario.StageExpr {
							what = "the " + d.Name
						}
						c.diags.Errorf(c.pos(p, n), "move the draw to an input and refer to that input here",
							"%s calls the distribution %s(); distributions belong under inputs", what, id.Value)
						p.broken = true
					}
				}
			}
		case *ast.IdentifierNode:
			if callees[n] || seen[n.Value] {
				continue
			}
			seen[n.Value] = true
			if _, ok := c.sc.Lookup(n.Value); ok || c.builtins[n.Value] != nil {
				p.deps = append(p.deps, n.Value)
				continue
			}
			if c.sc.IsRuleFile {
				p.broken = true // defined by the scenarios that include this file
				continue
			}
			hint := diag.DidYouMean(n.Value, known)
			if code, amount := currencyWord(n.Value); code != "" {
				hint = fmt.Sprintf("to write an amount, put a space after the currency code: %s %s", code, amount)
			}
			if hint == "" {
				hint = "define it under inputs or rules"
			}
			c.diags.Errorf(c.pos(p, n), hint, "unknown name %q in %s %s", n.Value, d.Kind, d.Name)
			p.broken = true
		}
	}
	ast.Walk(&tree.Node, modCalls{})
	return p
}

// moneyFloats turns money literals into float nodes before type checking,
// which would otherwise replace them with float nodes that have lost
// their position and with it their unit.
type moneyFloats struct{ at map[int]bool }

// Visit implements ast.Visitor.
func (m moneyFloats) Visit(n *ast.Node) {
	if i, ok := (*n).(*ast.IntegerNode); ok && m.at[i.Location().From] {
		f := &ast.FloatNode{Value: float64(i.Value)}
		f.SetLocation(i.Location())
		*n = f
	}
}

// nodes returns n and its descendants, children before parents.
func nodes(n ast.Node) []ast.Node {
	v := &collector{}
	ast.Walk(&n, v)
	return v.nodes
}

type collector struct{ nodes []ast.Node }

// Visit implements ast.Visitor.
func (v *collector) Visit(n *ast.Node) { v.nodes = append(v.nodes, *n) }

// order returns the definitions in dependency order and reports cycles.
func (c *compiler) order() []*parsed {
	const (
		white = iota
		grey
		black
	)
	color := map[string]int{}
	var order []*parsed
	var stack []string
	reported := map[string]bool{}
	var visit func(p *parsed)
	visit = func(p *parsed) {
		name := p.def.Name
		color[name] = grey
		stack = append(stack, name)
		for _, dep := range p.deps {
			q := c.byName[dep]
			if q == nil {
				continue // a built-in
			}
			switch color[dep] {
			case white:
				visit(q)
			case grey:
				i := slices.Index(stack, dep)
				cycle := append(slices.Clone(stack[i:]), dep)
				key := canonical(stack[i:])
				if !reported[key] {
					reported[key] = true
					first := c.byName[cycle[0]]
					c.diags.Errorf(first.def.Pos, "a rule cannot depend on itself, even through others; make one of them an input",
						"cycle: %s", strings.Join(cycle, " → "))
				}
				for _, n := range stack[i:] {
					c.byName[n].broken = true
				}
			}
		}
		stack = stack[:len(stack)-1]
		color[name] = black
		order = append(order, p)
	}
	for _, p := range c.defs {
		if color[p.def.Name] == white {
			visit(p)
		}
	}
	return order
}

// canonical names a cycle independently of where it was entered.
func canonical(names []string) string {
	s := slices.Clone(names)
	sort.Strings(s)
	return strings.Join(s, ",")
}

func (c *compiler) compileAll(order []*parsed) {
	prog := &Program{Scenario: c.sc}
	c.prog = prog
	c.placeBuiltins(map[string]any{})
	// Each definition is checked against an environment of the names it
	// refers to, not of every name compiled before it: the checker looks
	// up nothing else, and an environment of all earlier names made
	// loading quadratic (5,000 inputs took 7.5 s). The functions are
	// declared once.
	base := config(nil)
	for _, p := range order {
		d := p.def
		if p.overridden || p.broken || slices.ContainsFunc(p.deps, func(n string) bool { return c.vars[n] == nil }) {
			continue
		}
		env := make(map[string]any, len(p.deps))
		for _, n := range p.deps {
			if c.vars[n].Type == Bool {
				env[n] = false
			} else {
				env[n] = 0.0
			}
		}
		cfg := *base
		cfg.WithEnv(env)
		if _, err := checker.Check(p.tree, &cfg); err != nil {
			c.exprError(p, err, typeHint(err))
			continue
		}
		c.cur, c.sites, c.support = p, 0, nil
		x, ok := c.node(p.tree.Node)
		if !ok {
			continue
		}
		v := &Var{Name: d.Name, Kind: d.Kind, Type: x.typ, Unit: x.unit, Doc: d.Doc, Pos: d.Pos,
			Random: !x.konst, Slot: len(prog.init), Deps: p.deps, Support: c.supportOf(p, x)}
		if d.Unit != "" {
			v.Unit = d.Unit
		}
		if x.konst {
			v.Const = x.val
			if math.IsNaN(x.val) || math.IsInf(x.val, 0) {
				c.diags.Errorf(d.PosAt(0), "check the arithmetic (log or sqrt of a negative number, division by zero)",
					"%s %s evaluates to %v", d.Kind, d.Name, x.val)
				continue
			}
		}
		prog.init = append(prog.init, v.Const)
		if v.Random {
			prog.steps = append(prog.steps, step{slot: v.Slot, eval: x.fn, draws: c.sites > 0, vec: x.vec})
			if v.Kind == scenario.Input {
				prog.Sampled = append(prog.Sampled, v)
			}
		}
		prog.Vars = append(prog.Vars, v)
		c.vars[d.Name] = v
	}
}

func (c *compiler) outputs() {
	if c.sc.IsRuleFile {
		return
	}
	if len(c.sc.Outputs) == 0 {
		c.diags.Errorf(diag.Pos{File: c.sc.File}, "list the names to report, e.g. outputs: [supplier_net, buyer_cost]", "the scenario has no outputs")
	}
	for _, o := range c.sc.Outputs {
		if v, ok := c.vars[o.Name]; ok {
			c.prog.Outputs = append(c.prog.Outputs, v)
			continue
		}
		if _, ok := c.sc.Lookup(o.Name); ok {
			continue // its definition has errors, reported already
		}
		hint := diag.DidYouMean(o.Name, c.sc.Names())
		if hint == "" {
			hint = "outputs must name inputs or rules"
		}
		c.diags.Errorf(o.Pos, hint, "unknown output %q", o.Name)
	}
	c.parties()
}

// parties resolves the names the scenario's parties and settlement refer
// to: each must be a number, and the settlement figure an input.
func (c *compiler) parties() {
	resolve := func(r scenario.Ref, what string) *Var {
		v, ok := c.vars[r.Name]
		if !ok {
			if _, defined := c.sc.Lookup(r.Name); defined {
				return nil // its definition has errors, reported already
			}
			hint := diag.DidYouMean(r.Name, c.sc.Names())
			if hint == "" {
				hint = "name an input or rule of the scenario"
			}
			c.diags.Errorf(r.Pos, hint, "%s: unknown name %q", what, r.Name)
			return nil
		}
		if v.Type != Number {
			c.diags.Errorf(r.Pos, "name an amount of money", "%s: %s is true/false, not an amount", what, r.Name)
			return nil
		}
		return v
	}
	var settledPos []diag.Pos // of each party in c.prog.Parties
	for _, p := range c.sc.Parties {
		pp := Party{Name: p.Name, RiskTolerance: p.RiskTolerance,
			Net:     resolve(p.Net, "party "+p.Name+" net"),
			Court:   resolve(p.Court, "party "+p.Name+" court"),
			Settled: resolve(p.Settled, "party "+p.Name+" settled")}
		if pp.Net != nil && pp.Court != nil && pp.Settled != nil {
			c.prog.Parties = append(c.prog.Parties, pp)
			settledPos = append(settledPos, p.Settled.Pos)
		}
	}
	if st := c.sc.Settlement; st != nil {
		if v := resolve(st.Figure, "settlement figure"); v != nil {
			if v.Kind != scenario.Input {
				c.diags.Errorf(st.Figure.Pos, "make the figure an input, so that it can be varied", "settlement figure: %s is a rule", v.Name)
			} else {
				c.prog.Figure = v
			}
		}
	}
	if f := c.prog.Figure; f != nil {
		for i, pp := range c.prog.Parties {
			if !c.prog.DependsOn(pp.Settled, f.Name) {
				c.diags.Errorf(settledPos[i], "the settled outcome must use the settlement figure "+f.Name,
					"party %s: its settled outcome %s does not depend on the settlement figure", pp.Name, pp.Settled.Name)
			}
		}
	}
	if len(c.sc.Parties) > 0 && c.sc.Settlement == nil {
		c.diags.Errorf(c.sc.Parties[0].Pos, "add settlement: {figure: NAME} naming the input that holds the settlement figure", "the scenario has parties but no settlement figure")
	}
}

// exprError reports an error from expr's parser or checker at its
// position in the file.
func (c *compiler) exprError(p *parsed, err error, hint string) {
	var fe *file.Error
	if errors.As(err, &fe) {
		off := p.rw.orig[min(max(fe.From, 0), len(p.rw.orig)-1)]
		msg, hint := explain(fe.Message, p.def.Expr, off, hint)
		c.diags.Errorf(p.def.PosAt(off), hint, "%s %s: %s", p.def.Kind, p.def.Name, msg)
		return
	}
	c.diags.Errorf(p.def.PosAt(0), hint, "%s %s: %v", p.def.Kind, p.def.Name, err)
}

func typeHint(err error) string {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "bool"):
		return "true/false values are not numbers: write cond ? a : b to choose a number"
	case strings.Contains(msg, "string"):
		return "rules compute numbers and true/false, not text"
	}
	return ""
}

func (c *compiler) pos(p *parsed, n ast.Node) diag.Pos {
	off := min(max(n.Location().From, 0), len(p.rw.orig)-1)
	return p.def.PosAt(p.rw.orig[off])
}

func (c *compiler) errorf(n ast.Node, hint, format string, args ...any) {
	p := c.cur
	c.diags.Errorf(c.pos(p, n), hint, "%s %s: %s", p.def.Kind, p.def.Name, fmt.Sprintf(format, args...))
}
