package model

import (
	"fmt"
	"math"
	"strconv"

	"github.com/expr-lang/expr/ast"

	"github.com/settle-sim/settle/engine/dist"
	"github.com/settle-sim/settle/engine/rng"
)

// cx is a compiled expression.
type cx struct {
	fn    evalFn
	typ   Type
	unit  string
	konst bool    // the same in every trial
	val   float64 // the value when konst
	// isSlot: the value is read from Slots[slot]; negSlot: it is
	// -Slots[slot]. They let operations fuse slot reads (fuse.go).
	isSlot, negSlot bool
	slot            int
	// vec is the column form (block.go), nil where there is none;
	// mayFail is set when evaluating the expression can fail a trial
	// (a draw whose parameters vary).
	vec     vecFn
	mayFail bool
}

func constant(v float64, t Type, unit string) cx {
	return cx{fn: func(*State) float64 { return v }, typ: t, unit: unit, konst: true, val: v}
}

// fold evaluates x once when all its operands were constant.
func fold(x cx, operands ...cx) cx {
	for _, o := range operands {
		if !o.konst {
			return x
		}
	}
	return constant(x.fn(nil), x.typ, x.unit)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// node compiles one expression node. It reports problems and returns
// false when n cannot be compiled.
func (c *compiler) node(n ast.Node) (cx, bool) {
	switch n := n.(type) {
	case *ast.IntegerNode:
		return constant(float64(n.Value), Number, c.unitOf(n)), true
	case *ast.FloatNode:
		return constant(n.Value, Number, c.unitOf(n)), true
	case *ast.BoolNode:
		return constant(b2f(n.Value), Bool, ""), true
	case *ast.IdentifierNode:
		v := c.vars[n.Value]
		if !v.Random {
			return constant(v.Const, v.Type, v.Unit), true
		}
		slot := v.Slot
		return cx{fn: func(s *State) float64 { return s.Slots[slot] }, typ: v.Type, unit: v.Unit, isSlot: true, slot: slot, vec: slotVec(slot)}, true
	case *ast.UnaryNode:
		return c.unary(n)
	case *ast.BinaryNode:
		return c.binary(n)
	case *ast.ConditionalNode:
		return c.conditional(n)
	case *ast.BuiltinNode:
		return c.builtin(n)
	case *ast.CallNode:
		return c.call(n)
	}
	c.errorf(n, "rules use numbers, true/false, names, arithmetic, comparisons, ?: and settle's functions",
		"%s is not supported in rules", describe(n))
	return cx{}, false
}

func describe(n ast.Node) string {
	switch n.(type) {
	case *ast.StringNode:
		return "text"
	case *ast.ArrayNode:
		return "a list outside discrete()"
	case *ast.MapNode:
		return "a map"
	case *ast.MemberNode, *ast.ChainNode:
		return "member access"
	case *ast.VariableDeclaratorNode:
		return "let"
	case *ast.NilNode:
		return "nil"
	}
	return fmt.Sprintf("%T", n)
}

// unitOf returns the unit of a number literal: money when written as one.
func (c *compiler) unitOf(n ast.Node) string {
	if c.cur.rw.moneyAt[n.Location().From] {
		return c.currency.Code
	}
	return ""
}

func (c *compiler) unary(n *ast.UnaryNode) (cx, bool) {
	x, ok := c.node(n.Node)
	if !ok {
		return cx{}, false
	}
	f := x.fn
	var out cx
	switch n.Operator {
	case "-":
		out = cx{fn: func(s *State) float64 { return -f(s) }, typ: Number, unit: x.unit, vec: negVec(x, false)}
		if g := fuseNeg(x); g != nil {
			out.fn, out.negSlot, out.slot = g, true, x.slot
		}
	case "+":
		out = x
	case "!", "not":
		out = cx{fn: func(s *State) float64 { return 1 - f(s) }, typ: Bool, vec: negVec(x, true)}
	default:
		c.errorf(n, "", "operator %s is not supported in rules", n.Operator)
		return cx{}, false
	}
	out.mayFail = x.mayFail
	return fold(out, x), true
}

func (c *compiler) binary(n *ast.BinaryNode) (cx, bool) {
	l, ok1 := c.node(n.Left)
	r, ok2 := c.node(n.Right)
	if !ok1 || !ok2 {
		return cx{}, false
	}
	a, b := l.fn, r.fn
	var fn evalFn
	var vec vecFn
	typ, unit := Number, ""
	switch n.Operator {
	case "+":
		fn, unit = func(s *State) float64 { return a(s) + b(s) }, firstUnit(l, r)
	case "-":
		fn, unit = func(s *State) float64 { return a(s) - b(s) }, firstUnit(l, r)
	case "*":
		fn = func(s *State) float64 { return a(s) * b(s) }
		switch {
		case IsMoney(l.unit) && !IsMoney(r.unit):
			unit = l.unit
		case IsMoney(r.unit) && !IsMoney(l.unit):
			unit = r.unit
		}
	case "/":
		fn = func(s *State) float64 { return a(s) / b(s) }
		if IsMoney(l.unit) && !IsMoney(r.unit) {
			unit = l.unit
		}
	case "**", "^":
		fn = func(s *State) float64 { return math.Pow(a(s), b(s)) }
		vec = zipVec(l, r, math.Pow)
		if l.konst {
			pb := newPowBase(l.val)
			vec = mapVec(r, pb.pow)
			j := r.slot
			switch {
			case plainPath:
				fn = func(s *State) float64 { return pb.pow(b(s)) }
			case r.isSlot:
				fn = func(s *State) float64 { return pb.pow(s.Slots[j]) }
			case r.negSlot:
				fn = func(s *State) float64 { return pb.pow(-s.Slots[j]) }
			default:
				fn = func(s *State) float64 { return pb.pow(b(s)) }
			}
		}
	case "==":
		fn, typ = func(s *State) float64 { return b2f(a(s) == b(s)) }, Bool
	case "!=":
		fn, typ = func(s *State) float64 { return b2f(a(s) != b(s)) }, Bool
	case "<":
		fn, typ = func(s *State) float64 { return b2f(a(s) < b(s)) }, Bool
	case "<=":
		fn, typ = func(s *State) float64 { return b2f(a(s) <= b(s)) }, Bool
	case ">":
		fn, typ = func(s *State) float64 { return b2f(a(s) > b(s)) }, Bool
	case ">=":
		fn, typ = func(s *State) float64 { return b2f(a(s) >= b(s)) }, Bool
	case "&&", "and":
		vec = logicVec(true, l, r)
		fn, typ = func(s *State) float64 {
			if a(s) == 0 {
				return 0
			}
			return b(s)
		}, Bool
	case "||", "or":
		vec = logicVec(false, l, r)
		fn, typ = func(s *State) float64 {
			if a(s) != 0 {
				return 1
			}
			return b(s)
		}, Bool
	default:
		c.errorf(n, "", "operator %s is not supported in rules", n.Operator)
		return cx{}, false
	}
	if f := fuseArith(n.Operator, l, r); f != nil {
		fn = f
	}
	switch n.Operator {
	case "+", "-", "*", "/":
		vec = arithVec(n.Operator, l, r)
	case "==", "!=", "<", "<=", ">", ">=":
		vec = compareVec(n.Operator, l, r)
	}
	return fold(cx{fn: fn, typ: typ, unit: unit, vec: vec, mayFail: mayFail(l, r)}, l, r), true
}

func firstUnit(xs ...cx) string {
	for _, x := range xs {
		if x.unit != "" {
			return x.unit
		}
	}
	return ""
}

func (c *compiler) conditional(n *ast.ConditionalNode) (cx, bool) {
	cond, ok1 := c.node(n.Cond)
	x, ok2 := c.node(n.Exp1)
	y, ok3 := c.node(n.Exp2)
	if !ok1 || !ok2 || !ok3 {
		return cx{}, false
	}
	if cond.typ != Bool {
		c.errorf(n.Cond, "write a comparison such as x > 0", "the condition of ?: must be true/false")
		return cx{}, false
	}
	if x.typ != y.typ {
		// at the second branch: expr places n after the expression
		c.errorf(n.Exp2, "make both branches numbers, or both true/false", "the branches of ?: have different types (%s and %s)", x.typ, y.typ)
		return cx{}, false
	}
	if cond.konst {
		if cond.val != 0 {
			return x, true
		}
		return y, true
	}
	vec, fails := condVec(cond, x, y), mayFail(cond, x, y)
	if f := fuseCond(cond, x, y); f != nil {
		return cx{fn: f, typ: x.typ, unit: firstUnit(x, y), vec: vec, mayFail: fails}, true
	}
	k, a, b := cond.fn, x.fn, y.fn
	return cx{fn: func(s *State) float64 {
		if k(s) != 0 {
			return a(s)
		}
		return b(s)
	}, typ: x.typ, unit: firstUnit(x, y), vec: vec, mayFail: fails}, true
}

func (c *compiler) args(ns []ast.Node) ([]cx, bool) {
	xs := make([]cx, len(ns))
	ok := true
	for i, a := range ns {
		var good bool
		xs[i], good = c.node(a)
		ok = ok && good
	}
	return xs, ok
}

func (c *compiler) builtin(n *ast.BuiltinNode) (cx, bool) {
	xs, ok := c.args(n.Arguments)
	if !ok {
		return cx{}, false
	}
	if len(xs) == 0 {
		c.errorf(n, "", "%s needs arguments", n.Name)
		return cx{}, false
	}
	a := xs[0].fn
	var fn evalFn
	var vec vecFn
	unit := xs[0].unit
	switch n.Name {
	case "min", "max":
		fns := make([]evalFn, len(xs))
		for i, x := range xs {
			fns[i] = x.fn
		}
		unit = firstUnit(xs...)
		// The built-in min and max: math.Min's and math.Max's results
		// but that a NaN always wins (math.Max(+Inf, NaN) is +Inf), and
		// inlined.
		pick := func(a, b float64) float64 { return min(a, b) }
		if n.Name == "max" {
			pick = func(a, b float64) float64 { return max(a, b) }
		}
		vec = minMaxVec(n.Name == "max", xs)
		if len(fns) == 2 {
			b := fns[1]
			fn = func(s *State) float64 { return pick(a(s), b(s)) }
			if f := fuseMinMax(n.Name == "max", xs[0], xs[1]); f != nil {
				fn = f
			}
		} else {
			fn = func(s *State) float64 {
				m := a(s)
				for _, f := range fns[1:] {
					m = pick(m, f(s))
				}
				return m
			}
		}
	case "abs":
		fn, vec = func(s *State) float64 { return math.Abs(a(s)) }, mapVec(xs[0], math.Abs)
	case "floor":
		fn, vec = func(s *State) float64 { return math.Floor(a(s)) }, mapVec(xs[0], math.Floor)
	case "ceil":
		fn, vec = func(s *State) float64 { return math.Ceil(a(s)) }, mapVec(xs[0], math.Ceil)
	case "round":
		fn, vec = func(s *State) float64 { return math.Round(a(s)) }, mapVec(xs[0], math.Round)
	default:
		c.errorf(n, "", "%s is not supported in rules", n.Name)
		return cx{}, false
	}
	return fold(cx{fn: fn, typ: Number, unit: unit, vec: vec, mayFail: mayFail(xs...)}, xs...), true
}

func (c *compiler) call(n *ast.CallNode) (cx, bool) {
	name := n.Callee.(*ast.IdentifierNode).Value
	if name == "discrete" {
		return c.discrete(n)
	}
	if x, ok, handled := c.drawFunc(name, n); handled {
		return x, ok
	}
	xs, ok := c.args(n.Arguments)
	if !ok {
		return cx{}, false
	}
	if fam, ok := dist.LookupArity(name, len(xs)); ok {
		return c.draw(n, fam, xs)
	}
	a := xs[0].fn
	var fn evalFn
	var vec vecFn
	unit := ""
	switch name {
	case "exp":
		fn, vec = func(s *State) float64 { return math.Exp(a(s)) }, mapVec(xs[0], math.Exp)
	case "log":
		fn, vec = func(s *State) float64 { return math.Log(a(s)) }, mapVec(xs[0], math.Log)
	case "sqrt":
		fn, vec = func(s *State) float64 { return math.Sqrt(a(s)) }, mapVec(xs[0], math.Sqrt)
	case modFunc:
		b := xs[1].fn
		fn, vec = func(s *State) float64 { return math.Mod(a(s), b(s)) }, zipVec(xs[0], xs[1], math.Mod)
		unit = xs[0].unit
	case "clamp":
		lo, hi := xs[1].fn, xs[2].fn
		if xs[1].konst && xs[2].konst && xs[1].val > xs[2].val {
			c.errorf(n, "the order is clamp(x, lo, hi)", "clamp: lo (%g) is greater than hi (%g)", xs[1].val, xs[2].val)
			return cx{}, false
		}
		unit = firstUnit(xs...)
		fn, vec = func(s *State) float64 { return min(max(a(s), lo(s)), hi(s)) }, clampVec(xs[0], xs[1], xs[2])
	default:
		c.errorf(n, "", "unknown function %s", name)
		return cx{}, false
	}
	return fold(cx{fn: fn, typ: Number, unit: unit, vec: vec, mayFail: mayFail(xs...)}, xs...), true
}

// draw compiles a call of a distribution family.
func (c *compiler) draw(n *ast.CallNode, fam *dist.Family, xs []cx) (cx, bool) {
	typ, unit := Number, ""
	if fam.Bool {
		typ = Bool
	}
	if scaleFamily(fam.Name) {
		unit = firstUnit(xs...)
	}
	site := c.site()
	dim, quant := c.dim(site), fam.Quantile
	key := rng.SiteKey(site)
	var p dist.Params
	allConst := true
	for i, x := range xs {
		p[i] = x.val
		allConst = allConst && x.konst
	}
	if allConst {
		if err := dist.Validate(fam, p); err != nil {
			c.errorf(n, "", "%v", err)
			return cx{}, false
		}
		smp := newSampler(fam, p)
		vec := drawVec(fam, p, key)
		if fn := firstDraw(fam, p, key, dim); fn != nil && !plainPath {
			return cx{fn: fn, typ: typ, unit: unit, vec: vec}, true
		}
		if t, lo, r := smp.Strips(); t != nil && !plainPath {
			// beta and pert by the strip method, inlined: Sample's numbers.
			return cx{fn: func(s *State) float64 {
				if u, ok := s.quasi(dim); ok {
					return quant(p, u)
				}
				u := s.Src.SiteFirst(key)
				if x, ok := t.Fast(u); ok {
					return lo + float64(r*x)
				}
				return lo + float64(r*t.From(&s.Src, u))
			}, typ: typ, unit: unit, vec: vec}, true
		}
		return cx{fn: func(s *State) float64 {
			if u, ok := s.quasi(dim); ok {
				return quant(p, u)
			}
			s.Src.SiteKeyed(key)
			return smp.Sample(&s.Src)
		}, typ: typ, unit: unit, vec: vec}, true
	}
	var fns [dist.MaxParams]evalFn
	for i, x := range xs {
		fns[i] = x.fn
	}
	k := len(xs)
	name, pos := c.cur.def.Name, c.pos(c.cur, n)
	vec := drawVarVec(fam, xs, key, name, pos)
	if fam.Name == "bernoulli" && !plainPath {
		return cx{fn: bernoulliDraw(xs[0], fam, key, dim, name, pos), typ: typ, unit: unit, vec: vec, mayFail: true}, true
	}
	smp := newSampler(fam, dist.Params{})
	return cx{fn: func(s *State) float64 {
		var p dist.Params
		for i := range k {
			p[i] = fns[i](s)
		}
		if err := dist.Validate(fam, p); err != nil {
			return s.fail(name, pos, err)
		}
		if u, ok := s.quasi(dim); ok {
			return quant(p, u)
		}
		s.Src.SiteKeyed(key)
		return smp.Draw(&s.Src, p)
	}, typ: typ, unit: unit, vec: vec, mayFail: true}, true
}

// discrete compiles discrete([values], [weights]).
func (c *compiler) discrete(n *ast.CallNode) (cx, bool) {
	hint := "write discrete([v1, v2, ...], [w1, w2, ...]) with the lists in place"
	if len(n.Arguments) != 2 {
		c.errorf(n, hint, "discrete takes two lists")
		return cx{}, false
	}
	va, ok1 := n.Arguments[0].(*ast.ArrayNode)
	wa, ok2 := n.Arguments[1].(*ast.ArrayNode)
	if !ok1 || !ok2 {
		c.errorf(n, hint, "discrete takes two lists")
		return cx{}, false
	}
	if len(va.Nodes) == 0 || len(va.Nodes) != len(wa.Nodes) {
		c.errorf(n, "give one weight for each value", "discrete has %d values and %d weights", len(va.Nodes), len(wa.Nodes))
		return cx{}, false
	}
	vals, ok1 := c.args(va.Nodes)
	ws, ok2 := c.args(wa.Nodes)
	if !ok1 || !ok2 {
		return cx{}, false
	}
	for i := range vals {
		for _, x := range []struct {
			c cx
			n ast.Node
		}{{vals[i], va.Nodes[i]}, {ws[i], wa.Nodes[i]}} {
			if x.c.typ != Number {
				c.errorf(x.n, "", "discrete takes numbers, not true/false")
				return cx{}, false
			}
		}
	}
	vfns := make([]evalFn, len(vals))
	for i, v := range vals {
		vfns[i] = v.fn
	}
	unit := firstUnit(vals...)
	c.support = nil
	for _, v := range vals {
		if !v.konst {
			c.support = nil
			break
		}
		c.support = append(c.support, v.val)
	}
	site := c.site()
	dim := c.dim(site)
	key := rng.SiteKey(site)
	allConst := true
	for _, w := range ws {
		allConst = allConst && w.konst
	}
	if allConst {
		cum, wv := make([]float64, len(ws)), make([]float64, len(ws))
		for i, w := range ws {
			if w.val < 0 || math.IsNaN(w.val) || math.IsInf(w.val, 0) {
				c.errorf(wa.Nodes[i], "weights are relative frequencies, 0 or more", "discrete: weight %s is %s", strconv.Itoa(i+1), strconv.FormatFloat(w.val, 'g', -1, 64))
				return cx{}, false
			}
			wv[i] = w.val
		}
		if total := dist.Cumulate(cum, wv); total <= 0 {
			c.errorf(n, "give at least one positive weight", "discrete: the weights add up to 0")
			return cx{}, false
		}
		return cx{fn: func(s *State) float64 {
			s.Src.SiteKeyed(key)
			return vfns[dist.Discrete(s.uniformHere(dim), cum)](s)
		}, typ: Number, unit: unit}, true
	}
	if len(ws) > maxVarWeights {
		c.errorf(n, "make the weights constants", "discrete with weights that vary takes at most %d values", maxVarWeights)
		return cx{}, false
	}
	wfns := make([]evalFn, len(ws))
	for i, w := range ws {
		wfns[i] = w.fn
	}
	name, pos := c.cur.def.Name, c.pos(c.cur, n)
	return cx{fn: func(s *State) float64 {
		var w, cum [maxVarWeights]float64
		k := len(wfns)
		for i, f := range wfns {
			x := f(s)
			if !(x >= 0) || math.IsInf(x, 0) {
				return s.fail(name, pos, fmt.Errorf("discrete: weight %d is %v; weights must be 0 or more", i+1, x))
			}
			w[i] = x
		}
		if dist.Cumulate(cum[:k], w[:k]) <= 0 {
			return s.fail(name, pos, fmt.Errorf("discrete: the weights add up to 0"))
		}
		s.Src.SiteKeyed(key)
		return vfns[dist.Discrete(s.uniformHere(dim), cum[:k])](s)
	}, typ: Number, unit: unit}, true
}

// site returns the stream of the next draw site of the definition being
// compiled: each distribution call draws from a stream of its own, named
// by the definition and the call's index in it, so that replacing one
// input leaves the draws of all the others unchanged.
func (c *compiler) site() uint64 {
	id := rng.SiteID(c.cur.def.Name, c.sites)
	c.sites++
	return id
}

// maxVarWeights bounds the weights of a discrete whose weights vary, so
// that they fit in an array on the stack.
const maxVarWeights = 32
