package model

import (
	"errors"
	"fmt"
	"math"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/dist"
	"github.com/settle-sim/settle/engine/rng"
)

// Evaluating a block of consecutive trials at once (Program.EvalBlock):
// each var's values in the block's trials are a column, and each rule's
// operations run over whole columns, one loop an operation, rather than
// one closure call an operation a trial. Each operation computes what
// its closure computes (the same operations on the same values in the
// same order), and each draw site keys its stream for each trial as Eval
// does, so a block's values are Eval's bit for bit
// (TestEvalBlockMatchesEval). An expression with no column form (a
// draw function such as mixture, or a branch of ?: that can fail) is
// evaluated by its closure, trial by trial, within the block.

// vecFn computes an expression's value in each of b's trials into out,
// whose length is b's count of trials.
type vecFn func(b *Block, out []float64)

// Block is one worker's state for evaluating a program's trials a block
// at a time: the values of every slot in each trial of the block.
type Block struct {
	// cols hold each random var's values, cols[slot][t] in the block's
	// trial t, and a constant's when Values has asked for them.
	cols [][]float64

	p        *Program
	size     int
	start, n int
	seed     uint64
	hi, lo   []uint64   // each trial's stream key
	src      rng.Stream // the draws' stream, keyed for one trial at a time
	stack    [][]float64
	top      int
	s        *State  // for steps evaluated trial by trial
	prev     [][]int // for each such step, the slots of the steps before it
	from     *Block  // the block a followed program reads its frontier from
	err      *EvalError
	errTrial int // the block's trial of err
}

// Blocks reports whether EvalBlock can evaluate p: it has no stages and
// its draws are not planned jointly (Latin hypercube, Sobol' or
// correlated inputs).
func (p *Program) Blocks() bool { return p.proc == nil && !p.plan.active() }

// NewBlock returns a Block for evaluating up to size trials of p at a
// time. It panics if p cannot be evaluated by blocks (Blocks).
func (p *Program) NewBlock(size int) *Block {
	if !p.Blocks() {
		panic("model: NewBlock of a program that cannot be evaluated by blocks")
	}
	b := &Block{p: p, size: size, s: p.NewState(), hi: make([]uint64, size), lo: make([]uint64, size)}
	b.cols = make([][]float64, len(p.init))
	mem := make([]float64, len(p.steps)*size)
	for i, st := range p.steps {
		b.cols[st.slot] = mem[i*size : (i+1)*size : (i+1)*size]
	}
	b.prev = make([][]int, len(p.steps))
	for i, st := range p.steps {
		if st.vec != nil {
			continue
		}
		for _, q := range p.steps[:i] {
			b.prev[i] = append(b.prev[i], q.slot)
		}
	}
	return b
}

// Values returns v's values in the trials of the block last evaluated,
// v being a var of b's program.
func (b *Block) Values(v *Var) []float64 {
	col := b.cols[v.Slot]
	if col == nil { // a constant
		col = make([]float64, b.size)
		for t := range col {
			col[t] = b.p.init[v.Slot]
		}
		b.cols[v.Slot] = col
	}
	return col[:b.n]
}

// Follow makes b, a block of a program made by Follow, read its frontier
// from base, a block of the base program: evaluate each block of trials
// in base first, then in b. (The frontier's loads are column copies,
// never evaluated trial by trial.)
func (b *Block) Follow(base *Block) { b.from = base }

// EvalBlock evaluates trials start … start+n−1 into b's columns: the
// values Eval gives, trial by trial, bit for bit. It returns the error
// Eval gives for the earliest trial that fails. n is at most b's size.
func (p *Program) EvalBlock(b *Block, seed uint64, start, n int) error {
	if b.p != p {
		return errors.New("model: EvalBlock with a block of another program")
	}
	if n < 0 || n > b.size {
		return fmt.Errorf("model: EvalBlock of %d trials with a block of %d", n, b.size)
	}
	b.seed, b.start, b.n, b.top = seed, start, n, 0
	if !p.noDraws {
		for t := range n {
			b.hi[t], b.lo[t] = b.src.TrialKey(seed, uint64(start+t))
		}
	}
	for i, st := range p.steps {
		out := b.cols[st.slot][:n]
		if st.vec != nil {
			st.vec(b, out)
		} else {
			b.byTrial(st, b.prev[i], out)
		}
	}
	if b.err != nil {
		err := b.err
		b.err = nil
		err.Trial = start + b.errTrial
		return err
	}
	return nil
}

// byTrial evaluates a step without a column form by its closure, trial
// by trial, with the slots of the steps before it, prev, in place.
func (b *Block) byTrial(st step, prev []int, out []float64) {
	s := b.s
	for t := range out {
		for _, slot := range prev {
			s.Slots[slot] = b.cols[slot][t]
		}
		trial := b.start + t
		s.trial = trial
		s.Src.Reset(b.seed, uint64(trial))
		out[t] = st.eval(s)
		if s.err != nil {
			b.failed(t, s.err)
			s.err = nil
		}
	}
}

// failed records err, the failure of the block's trial t in the step
// being evaluated, unless an earlier trial failed: the steps run in
// order, so the first failure recorded for a trial is Eval's.
func (b *Block) failed(t int, err *EvalError) {
	if b.err == nil || t < b.errTrial {
		b.err, b.errTrial = err, t
	}
}

// fail records a failure of trial t at name and pos and returns NaN.
func (b *Block) fail(t int, name string, pos diag.Pos, err error) float64 {
	b.failed(t, &EvalError{Name: name, Pos: pos, Msg: err.Error()})
	return math.NaN()
}

// push returns a buffer for the block's trials from b's stack; callers
// pop theirs by restoring b.top.
func (b *Block) push() []float64 {
	if b.top == len(b.stack) {
		b.stack = append(b.stack, make([]float64, b.size))
	}
	buf := b.stack[b.top][:b.n]
	b.top++
	return buf
}

// key positions b's stream at the start of trial t's.
func (b *Block) key(t int) { b.src.SetKey(b.hi[t], b.lo[t]) }

// vop is how a column kernel gets an operand's values.
type vop struct {
	how  operand
	slot int
	val  float64
	vec  vecFn
}

func vopOf(x cx) vop { return vop{how: shape(x), slot: x.slot, val: x.val, vec: x.vec} }

// get returns o's values in b's trials: its slot's column, or its values
// computed (a constant's repeated) into a buffer from b's stack.
func (o *vop) get(b *Block) []float64 {
	switch o.how {
	case opSlot:
		return b.cols[o.slot][:b.n]
	case opConst:
		buf := b.push()
		for i := range buf {
			buf[i] = o.val
		}
		return buf
	}
	buf := b.push()
	o.vec(b, buf)
	return buf
}

// columnar reports whether every x has a column form: a slot, a constant
// (which kernels read through vop, not a vec) or a vec. Tests that compare the column forms with the closures can
// turn them off (noColumns).
func columnar(xs ...cx) bool {
	if plainPath || noColumns {
		return false
	}
	for _, x := range xs {
		if !x.konst && !x.isSlot && x.vec == nil {
			return false
		}
	}
	return true
}

// noColumns, set only by tests, compiles no column forms: EvalBlock then
// evaluates every step by its closure.
var noColumns = false

// mayFail reports whether evaluating any of xs can fail a trial.
func mayFail(xs ...cx) bool {
	for _, x := range xs {
		if x.mayFail {
			return true
		}
	}
	return false
}

// constVec fills out with v.
func constVec(v float64) vecFn {
	return func(_ *Block, out []float64) {
		for i := range out {
			out[i] = v
		}
	}
}

// slotVec copies slot's column: the column form of a rule that is
// another var's name.
func slotVec(slot int) vecFn {
	if !columnar() {
		return nil
	}
	return func(b *Block, out []float64) { copy(out, b.cols[slot][:len(out)]) }
}

// mapVec applies f to x's values.
func mapVec(x cx, f func(float64) float64) vecFn {
	if !columnar(x) {
		return nil
	}
	a := vopOf(x)
	return func(b *Block, out []float64) {
		mark := b.top
		xs := a.get(b)[:len(out)]
		for i, v := range xs {
			out[i] = f(v)
		}
		b.top = mark
	}
}

// negVec is the column form of -x, or 1 − x for not x.
func negVec(x cx, not bool) vecFn {
	if !columnar(x) {
		return nil
	}
	a := vopOf(x)
	return func(b *Block, out []float64) {
		mark := b.top
		xs := a.get(b)[:len(out)]
		if not {
			for i, v := range xs {
				out[i] = 1 - v
			}
		} else {
			for i, v := range xs {
				out[i] = -v
			}
		}
		b.top = mark
	}
}

// zipVec applies f to l's and r's values.
func zipVec(l, r cx, f func(x, y float64) float64) vecFn {
	if !columnar(l, r) {
		return nil
	}
	a, c := vopOf(l), vopOf(r)
	return func(b *Block, out []float64) {
		mark := b.top
		xs, ys := a.get(b)[:len(out)], c.get(b)[:len(out)]
		for i := range out {
			out[i] = f(xs[i], ys[i])
		}
		b.top = mark
	}
}

// arithVec is the column form of l op r for op one of + - * /, with a
// loop of its own for a constant right operand, and for a constant left
// one of + and * (which give the same bits with their operands swapped);
// k − x and k / x repeat k into a buffer (vop.get).
func arithVec(op string, l, r cx) vecFn {
	if !columnar(l, r) {
		return nil
	}
	a, c := vopOf(l), vopOf(r)
	if a.how == opConst && c.how != opConst && (op == "+" || op == "*") {
		a, c = c, a
	}
	if c.how == opConst {
		k := c.val
		return func(b *Block, out []float64) {
			mark := b.top
			xs := a.get(b)[:len(out)]
			switch op {
			case "+":
				for i, x := range xs {
					out[i] = x + k
				}
			case "-":
				for i, x := range xs {
					out[i] = x - k
				}
			case "*":
				for i, x := range xs {
					out[i] = x * k
				}
			case "/":
				for i, x := range xs {
					out[i] = x / k
				}
			}
			b.top = mark
		}
	}
	return func(b *Block, out []float64) {
		mark := b.top
		xs, ys := a.get(b)[:len(out)], c.get(b)[:len(out)]
		switch op {
		case "+":
			for i := range out {
				out[i] = xs[i] + ys[i]
			}
		case "-":
			for i := range out {
				out[i] = xs[i] - ys[i]
			}
		case "*":
			for i := range out {
				out[i] = xs[i] * ys[i]
			}
		case "/":
			for i := range out {
				out[i] = xs[i] / ys[i]
			}
		}
		b.top = mark
	}
}

// compareVec is the column form of l op r for a comparison op: 1 or 0.
func compareVec(op string, l, r cx) vecFn {
	switch op {
	case "==":
		return zipVec(l, r, func(x, y float64) float64 { return b2f(x == y) })
	case "!=":
		return zipVec(l, r, func(x, y float64) float64 { return b2f(x != y) })
	case "<":
		return zipVec(l, r, func(x, y float64) float64 { return b2f(x < y) })
	case "<=":
		return zipVec(l, r, func(x, y float64) float64 { return b2f(x <= y) })
	case ">":
		return zipVec(l, r, func(x, y float64) float64 { return b2f(x > y) })
	case ">=":
		return zipVec(l, r, func(x, y float64) float64 { return b2f(x >= y) })
	}
	return nil
}

// logicVec is the column form of l && r (and) or l || r (or): r is
// computed in every trial, so it must not be able to fail a trial in
// which the closure would not compute it.
func logicVec(and bool, l, r cx) vecFn {
	if mayFail(r) {
		return nil
	}
	if and {
		return zipVec(l, r, func(x, y float64) float64 {
			if x == 0 {
				return 0
			}
			return y
		})
	}
	return zipVec(l, r, func(x, y float64) float64 {
		if x != 0 {
			return 1
		}
		return y
	})
}

// condVec is the column form of cond ? x : y: both branches are computed
// in every trial, so neither may be able to fail one.
func condVec(cond, x, y cx) vecFn {
	if mayFail(x, y) || !columnar(cond, x, y) {
		return nil
	}
	k, a, c := vopOf(cond), vopOf(x), vopOf(y)
	return func(b *Block, out []float64) {
		mark := b.top
		ks, xs, ys := k.get(b)[:len(out)], a.get(b)[:len(out)], c.get(b)[:len(out)]
		for i := range out {
			// a select without a branch: the condition is as likely
			// true as false from one trial to the next
			x, y := math.Float64bits(xs[i]), math.Float64bits(ys[i])
			var m uint64
			if ks[i] != 0 {
				m = ^uint64(0)
			}
			out[i] = math.Float64frombits(y ^ (x^y)&m)
		}
		b.top = mark
	}
}

// minMaxVec is the column form of min or max of xs, taken left to right.
func minMaxVec(isMax bool, xs []cx) vecFn {
	if !columnar(xs...) {
		return nil
	}
	ops := make([]vop, len(xs))
	for i, x := range xs {
		ops[i] = vopOf(x)
	}
	return func(b *Block, out []float64) {
		mark := b.top
		copy(out, ops[0].get(b)[:len(out)])
		for k := range ops[1:] {
			ys := ops[k+1].get(b)[:len(out)]
			if isMax {
				for i, y := range ys {
					out[i] = max(out[i], y)
				}
			} else {
				for i, y := range ys {
					out[i] = min(out[i], y)
				}
			}
		}
		b.top = mark
	}
}

// clampVec is the column form of clamp(x, lo, hi).
func clampVec(x, lo, hi cx) vecFn {
	if !columnar(x, lo, hi) {
		return nil
	}
	a, l, h := vopOf(x), vopOf(lo), vopOf(hi)
	return func(b *Block, out []float64) {
		mark := b.top
		xs, ls, hs := a.get(b)[:len(out)], l.get(b)[:len(out)], h.get(b)[:len(out)]
		for i := range out {
			out[i] = min(max(xs[i], ls[i]), hs[i])
		}
		b.top = mark
	}
}

// drawVec is the column form of a draw with fixed parameters p from the
// stream keyed key: what draw's closures compute on the fast path.
func drawVec(fam *dist.Family, p dist.Params, key uint64) vecFn {
	if !columnar() {
		return nil
	}
	smp := newSampler(fam, p)
	switch fam.Name {
	case "bernoulli":
		pr := p[0]
		return func(b *Block, out []float64) {
			for t := range out {
				b.key(t)
				if rng.Unit(b.src.SiteFirst(key)) < pr {
					out[t] = 1
				} else {
					out[t] = 0
				}
			}
		}
	case "normal":
		mean, sd := p[0], p[1]
		return func(b *Block, out []float64) {
			for t := range out {
				b.key(t)
				u := b.src.SiteFirst(key)
				x, ok := rng.NormFast(u)
				if !ok {
					x = b.src.NormFrom(u)
				}
				out[t] = x*sd + mean
			}
		}
	}
	if st, lo, r := smp.Strips(); st != nil {
		return func(b *Block, out []float64) {
			for t := range out {
				b.key(t)
				u := b.src.SiteFirst(key)
				if x, ok := st.Fast(u); ok {
					out[t] = lo + float64(r*x)
				} else {
					out[t] = lo + float64(r*st.From(&b.src, u))
				}
			}
		}
	}
	return func(b *Block, out []float64) {
		for t := range out {
			b.key(t)
			b.src.SiteKeyed(key)
			out[t] = smp.Sample(&b.src)
		}
	}
}

// drawVarVec is the column form of a draw whose parameters xs vary: each
// trial's are checked, and a trial with invalid ones fails.
func drawVarVec(fam *dist.Family, xs []cx, key uint64, name string, pos diag.Pos) vecFn {
	if !columnar(xs...) {
		return nil
	}
	ops := make([]vop, len(xs))
	for i, x := range xs {
		ops[i] = vopOf(x)
	}
	smp := newSampler(fam, dist.Params{})
	if fam.Name == "bernoulli" {
		// bernoulliDraw's numbers
		pr := ops[0]
		return func(b *Block, out []float64) {
			mark := b.top
			ps := pr.get(b)[:len(out)]
			for t, p := range ps {
				if !(p >= 0 && p <= 1) {
					out[t] = b.fail(t, name, pos, dist.Validate(fam, dist.Params{p}))
					continue
				}
				b.key(t)
				out[t] = b2f(rng.Unit(b.src.SiteFirst(key)) < p)
			}
			b.top = mark
		}
	}
	return func(b *Block, out []float64) {
		mark := b.top
		var cols [dist.MaxParams][]float64
		for i := range ops {
			cols[i] = ops[i].get(b)[:len(out)]
		}
		for t := range out {
			var p dist.Params
			for i := range ops {
				p[i] = cols[i][t]
			}
			if err := dist.Validate(fam, p); err != nil {
				out[t] = b.fail(t, name, pos, err)
				continue
			}
			b.key(t)
			b.src.SiteKeyed(key)
			out[t] = smp.Draw(&b.src, p)
		}
		b.top = mark
	}
}
