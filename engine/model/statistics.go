package model

import (
	"github.com/expr-lang/expr/checker"
	"github.com/expr-lang/expr/conf"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/scenario"
	"github.com/settle-sim/settle/engine/statistic"
)

// Statistic is a compiled statistic of the scenario (see
// engine/statistic): the vars whose values, in each trial, are its
// expression and its condition. Its vars are evaluated with the others
// but are not among Program.Vars: nothing refers to them.
type Statistic struct {
	Name string
	Text string // as written
	Doc  string
	Kind statistic.Kind
	Prob float64 // for a quantile
	Of   *Var
	// Given is the condition's var, true or false; nil when the
	// statistic has none.
	Given *Var
	// Unit is the statistic's: "probability" for P() and the mean of a
	// true/false value, else its expression's.
	Unit string
	Pos  diag.Pos
}

// statistics compiles the scenario's statistics: each expression over
// the compiled vars, checked for its type (P() of a condition, the
// others of a number, the condition after | true or false).
func (c *compiler) statistics() {
	if len(c.sc.Statistics) == 0 || c.sc.IsRuleFile {
		return
	}
	base := config(nil)
	known := append(append(c.sc.Names(), FuncNames()...), c.builtinNames()...)
	env := map[string]any{}
	for _, v := range c.vars {
		if v.Type == Bool {
			env[v.Name] = false
		} else {
			env[v.Name] = 0.0
		}
	}
	envConf := config(env)
	for _, st := range c.sc.Statistics {
		of := c.statisticVar(st.Of, base, envConf, known)
		var given *Var
		if st.Given != nil {
			given = c.statisticVar(st.Given, base, envConf, known)
			if given == nil {
				continue
			}
			if given.Type != Bool {
				c.diags.Errorf(st.Given.Pos, "write a condition, as in mean(court_award | liability) or p50(x | claim > £500m)",
					"statistic %s: the condition after | is a number, not true or false", st.Name)
				continue
			}
		}
		if of == nil {
			continue
		}
		s := &Statistic{Name: st.Name, Text: st.Text, Doc: st.Doc, Kind: st.Spec.Kind, Prob: st.Spec.Prob,
			Of: of, Given: given, Unit: of.Unit, Pos: st.Pos}
		switch {
		case s.Kind == statistic.Probability && of.Type != Bool:
			c.diags.Errorf(st.Of.Pos, "write a condition, as in P(supplier_net > £50m)",
				"statistic %s: %s() takes a condition (true or false), not a number", st.Name, st.Spec.Func)
			continue
		case s.Kind == statistic.Probability || s.Kind == statistic.Mean && of.Type == Bool:
			s.Unit = "probability"
		case of.Type == Bool:
			c.diags.Errorf(st.Of.Pos, "for the share of trials where it holds, write P(…) or mean(…)",
				"statistic %s: %s() of a true/false value", st.Name, st.Spec.Func)
			continue
		}
		c.prog.Statistics = append(c.prog.Statistics, s)
	}
}

// statisticVar compiles one expression of a statistic into a var of its
// own, evaluated in every trial after the vars it uses; nil when it has
// errors, which are reported.
func (c *compiler) statisticVar(d *scenario.Def, base, env *conf.Config, known []string) *Var {
	p := c.parse(d, base, known)
	if p.broken {
		return nil // a distribution call among its errors
	}
	for _, dep := range p.deps {
		if c.vars[dep] == nil {
			return nil // its definition has errors, reported already
		}
	}
	if _, err := checker.Check(p.tree, env); err != nil {
		c.exprError(p, err, typeHint(err))
		return nil
	}
	c.cur, c.sites = p, 0
	x, ok := c.node(p.tree.Node)
	if !ok {
		return nil
	}
	v := &Var{Name: d.Name, Kind: d.Kind, Type: x.typ, Unit: x.unit, Pos: d.Pos,
		Random: !x.konst, Slot: len(c.prog.init), Deps: p.deps}
	if x.konst {
		v.Const = x.val
	}
	c.prog.init = append(c.prog.init, v.Const)
	if v.Random {
		c.prog.steps = append(c.prog.steps, step{slot: v.Slot, eval: x.fn, draws: c.sites > 0, vec: x.vec})
	}
	return v
}
