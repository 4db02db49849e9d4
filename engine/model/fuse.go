package model

import (
	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/dist"
	"github.com/settle-sim/settle/engine/rng"
)

// Fused closures: the common shapes of an operation whose operands are
// slot reads or constants, compiled to one closure that reads the slot or
// holds the constant itself, instead of one closure calling one for each
// operand. They compute exactly what the general closures compute (the
// same operations on the same values in the same order); the plain path
// (plainPath) keeps the general ones, and TestFastPathMatchesPlain and
// TestRandomRulesFastMatchPlain hold the two equal.

// operand is how a fused closure gets one operand.
type operand uint8

const (
	opFn    operand = iota // call the operand's closure
	opSlot                 // read its slot
	opConst                // a constant
)

func shape(x cx) operand {
	switch {
	case x.konst:
		return opConst
	case x.isSlot:
		return opSlot
	}
	return opFn
}

// fuseArith returns the closure of l op r for op one of + - * /, or nil
// when no fused form applies.
func fuseArith(op string, l, r cx) evalFn {
	if plainPath {
		return nil
	}
	switch op {
	case "+":
		return fuseAdd(l, r)
	case "-":
		return fuseSub(l, r)
	case "*":
		return fuseMul(l, r)
	case "/":
		return fuseDiv(l, r)
	}
	return nil
}

func fuseAdd(l, r cx) evalFn {
	a, b, i, j, k, m := l.fn, r.fn, l.slot, r.slot, l.val, r.val
	switch [2]operand{shape(l), shape(r)} {
	case [2]operand{opSlot, opSlot}:
		return func(s *State) float64 { return s.Slots[i] + s.Slots[j] }
	case [2]operand{opSlot, opConst}:
		return func(s *State) float64 { return s.Slots[i] + m }
	case [2]operand{opConst, opSlot}:
		return func(s *State) float64 { return k + s.Slots[j] }
	case [2]operand{opSlot, opFn}:
		return func(s *State) float64 { return s.Slots[i] + b(s) }
	case [2]operand{opFn, opSlot}:
		return func(s *State) float64 { return a(s) + s.Slots[j] }
	case [2]operand{opFn, opConst}:
		return func(s *State) float64 { return a(s) + m }
	case [2]operand{opConst, opFn}:
		return func(s *State) float64 { return k + b(s) }
	}
	return nil
}

func fuseSub(l, r cx) evalFn {
	a, b, i, j, k, m := l.fn, r.fn, l.slot, r.slot, l.val, r.val
	switch [2]operand{shape(l), shape(r)} {
	case [2]operand{opSlot, opSlot}:
		return func(s *State) float64 { return s.Slots[i] - s.Slots[j] }
	case [2]operand{opSlot, opConst}:
		return func(s *State) float64 { return s.Slots[i] - m }
	case [2]operand{opConst, opSlot}:
		return func(s *State) float64 { return k - s.Slots[j] }
	case [2]operand{opSlot, opFn}:
		return func(s *State) float64 { return s.Slots[i] - b(s) }
	case [2]operand{opFn, opSlot}:
		return func(s *State) float64 { return a(s) - s.Slots[j] }
	case [2]operand{opFn, opConst}:
		return func(s *State) float64 { return a(s) - m }
	case [2]operand{opConst, opFn}:
		return func(s *State) float64 { return k - b(s) }
	}
	return nil
}

func fuseMul(l, r cx) evalFn {
	a, b, i, j, k, m := l.fn, r.fn, l.slot, r.slot, l.val, r.val
	switch [2]operand{shape(l), shape(r)} {
	case [2]operand{opSlot, opSlot}:
		return func(s *State) float64 { return s.Slots[i] * s.Slots[j] }
	case [2]operand{opSlot, opConst}:
		return func(s *State) float64 { return s.Slots[i] * m }
	case [2]operand{opConst, opSlot}:
		return func(s *State) float64 { return k * s.Slots[j] }
	case [2]operand{opSlot, opFn}:
		return func(s *State) float64 { return s.Slots[i] * b(s) }
	case [2]operand{opFn, opSlot}:
		return func(s *State) float64 { return a(s) * s.Slots[j] }
	case [2]operand{opFn, opConst}:
		return func(s *State) float64 { return a(s) * m }
	case [2]operand{opConst, opFn}:
		return func(s *State) float64 { return k * b(s) }
	}
	return nil
}

func fuseDiv(l, r cx) evalFn {
	a, b, i, j, k, m := l.fn, r.fn, l.slot, r.slot, l.val, r.val
	switch [2]operand{shape(l), shape(r)} {
	case [2]operand{opSlot, opSlot}:
		return func(s *State) float64 { return s.Slots[i] / s.Slots[j] }
	case [2]operand{opSlot, opConst}:
		return func(s *State) float64 { return s.Slots[i] / m }
	case [2]operand{opConst, opSlot}:
		return func(s *State) float64 { return k / s.Slots[j] }
	case [2]operand{opSlot, opFn}:
		return func(s *State) float64 { return s.Slots[i] / b(s) }
	case [2]operand{opFn, opSlot}:
		return func(s *State) float64 { return a(s) / s.Slots[j] }
	case [2]operand{opFn, opConst}:
		return func(s *State) float64 { return a(s) / m }
	case [2]operand{opConst, opFn}:
		return func(s *State) float64 { return k / b(s) }
	}
	return nil
}

// fuseNeg returns the closure of -x, or nil.
func fuseNeg(x cx) evalFn {
	if plainPath || !x.isSlot {
		return nil
	}
	i := x.slot
	return func(s *State) float64 { return -s.Slots[i] }
}

// fuseMinMax returns the closure of min(l, r) or max(l, r), or nil.
func fuseMinMax(isMax bool, l, r cx) evalFn {
	if plainPath {
		return nil
	}
	a, b, i, j, m := l.fn, r.fn, l.slot, r.slot, r.val
	sl, sr := shape(l), shape(r)
	if isMax {
		switch {
		case sl == opSlot && sr == opSlot:
			return func(s *State) float64 { return max(s.Slots[i], s.Slots[j]) }
		case sl == opSlot && sr == opConst:
			return func(s *State) float64 { return max(s.Slots[i], m) }
		case sl == opFn && sr == opSlot:
			return func(s *State) float64 { return max(a(s), s.Slots[j]) }
		case sl == opFn && sr == opConst:
			return func(s *State) float64 { return max(a(s), m) }
		case sl == opSlot && sr == opFn:
			return func(s *State) float64 { return max(s.Slots[i], b(s)) }
		}
		return nil
	}
	switch {
	case sl == opSlot && sr == opSlot:
		return func(s *State) float64 { return min(s.Slots[i], s.Slots[j]) }
	case sl == opSlot && sr == opConst:
		return func(s *State) float64 { return min(s.Slots[i], m) }
	case sl == opFn && sr == opSlot:
		return func(s *State) float64 { return min(a(s), s.Slots[j]) }
	case sl == opFn && sr == opConst:
		return func(s *State) float64 { return min(a(s), m) }
	case sl == opSlot && sr == opFn:
		return func(s *State) float64 { return min(s.Slots[i], b(s)) }
	}
	return nil
}

// fuseCond returns the closure of cond ? x : y for a condition read from
// a slot, with branches read from slots where they are, or nil.
func fuseCond(cond, x, y cx) evalFn {
	if plainPath || !cond.isSlot {
		return nil
	}
	c, a, b, i, j := cond.slot, x.fn, y.fn, x.slot, y.slot
	switch [2]operand{shape(x), shape(y)} {
	case [2]operand{opSlot, opSlot}:
		return func(s *State) float64 {
			if s.Slots[c] != 0 {
				return s.Slots[i]
			}
			return s.Slots[j]
		}
	case [2]operand{opSlot, opFn}:
		return func(s *State) float64 {
			if s.Slots[c] != 0 {
				return s.Slots[i]
			}
			return b(s)
		}
	case [2]operand{opFn, opSlot}:
		return func(s *State) float64 {
			if s.Slots[c] != 0 {
				return a(s)
			}
			return s.Slots[j]
		}
	}
	return func(s *State) float64 {
		if s.Slots[c] != 0 {
			return a(s)
		}
		return b(s)
	}
}

// bernoulliDraw returns the closure of bernoulli(p) for a p that varies:
// what the general draw closure computes (Validate, the plan's uniform,
// dist.Sampler's bernoulli), without copying a Sampler in every trial.
func bernoulliDraw(px cx, fam *dist.Family, key uint64, dim int, name string, pos diag.Pos) evalFn {
	f, slot, isSlot := px.fn, px.slot, px.isSlot
	quant := fam.Quantile
	return func(s *State) float64 {
		var p float64
		if isSlot {
			p = s.Slots[slot]
		} else {
			p = f(s)
		}
		if !(p >= 0 && p <= 1) { // NaN, infinite or out of range: what Validate rejects
			return s.fail(name, pos, dist.Validate(fam, dist.Params{p}))
		}
		if u, ok := s.quasi(dim); ok {
			return quant(dist.Params{p}, u)
		}
		if rng.Unit(s.Src.SiteFirst(key)) < p {
			return 1
		}
		return 0
	}
}

// firstDraw compiles a draw with fixed parameters that usually needs one
// random number, the site's first (rng.Stream.SiteFirst): bernoulli and
// normal, giving exactly dist.Sampler's numbers. It returns nil for
// other families.
func firstDraw(fam *dist.Family, p dist.Params, key uint64, dim int) evalFn {
	quant := fam.Quantile
	switch fam.Name {
	case "bernoulli":
		pr := p[0]
		return func(s *State) float64 {
			if u, ok := s.quasi(dim); ok {
				return quant(p, u)
			}
			if rng.Unit(s.Src.SiteFirst(key)) < pr {
				return 1
			}
			return 0
		}
	case "normal":
		mean, sd := p[0], p[1]
		return func(s *State) float64 {
			if u, ok := s.quasi(dim); ok {
				return quant(p, u)
			}
			u := s.Src.SiteFirst(key)
			x, ok := rng.NormFast(u)
			if !ok {
				x = s.Src.NormFrom(u)
			}
			return x*sd + mean
		}
	}
	return nil
}
