package dist

import (
	"math"
	"sync"

	"github.com/settle-sim/settle/engine/rng"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// The strip method for beta draws with fixed shapes a, b ≥ 1 (every pert,
// and the betas of probabilities): [0, 1] is cut at the beta's quantiles
// into stripN strips of equal probability. A draw picks a strip from 8
// random bits and samples the density within it by rejection under a
// flat envelope, the density's maximum on the strip. Below the envelope
// lies a squeeze, the density's minimum on the strip, which accepts
// without evaluating the density; the rest of the same 64 random bits
// both decides the squeeze and places the value in the strip (the
// ziggurat's trick). On the reference case's shapes more than 97% of
// draws end there: one random number, one table row, a multiply and an
// add, against two Marsaglia–Tsang gammas (two normals, two uniforms
// and a division) for the gamma ratio. In the rejection, linear bounds
// on the density decide most candidates without a logarithm; the two
// end strips, where the density falls to zero, have exponential
// envelopes instead of flat ones.
//
// The method is exact, given the strips: the squeeze is a subset of the
// region under the density, the rejection within a strip samples the
// density restricted to it, and each strip has probability 1/stripN to
// the accuracy of the quantiles (newStrips checks every boundary's CDF
// to within stripTolerance, and beta draws fall back to the gamma ratio
// for shapes where it cannot).
const (
	stripBits = 8
	stripN    = 1 << stripBits
	// stripTolerance is the largest error allowed in the probability
	// below any strip boundary.
	stripTolerance = 1e-12
	// stripMaxEnvelope bounds the envelope's area (the mean number of
	// candidates a draw takes): shapes above it, where the end strips'
	// flat envelope is a poor fit, use the gamma ratio.
	stripMaxEnvelope = 1.1
)

// strip is one equal-probability strip [left, left+width] of a beta.
type strip struct {
	r     float64 // the squeeze's share of the envelope: min f / max f on the strip
	left  float64
	scale float64 // width / r, which places v < r in the strip
	width float64
}

// Strips is the strip method's table for one pair of shapes, shared
// (read-only) by every Sampler of that beta.
type Strips struct {
	s        [stripN]strip
	logMax   [stripN]float64 // log of the envelope on each strip, unnormalised density
	bound    [stripN]bounds  // cheap bounds on the density, for the rejection
	am1, bm1 float64         // a-1, b-1
	// The end strips, when the mode is not in them, have an exponential
	// envelope (k > 0; else a flat one).
	tails [2]tail
}

// bounds bound the density on a strip, as a share of the envelope, by
// lines in s, the position from z0, the strip's end where the density is
// least (s = 0), to its other end z1 (s = 1). Below: log f is concave, so
// it lies above its chord, f ≥ q0 e^(d s) with q0 = f(z0)/envelope and
// d = log(f(z1)/f(z0)), and e^(d s) ≥ 1 + d s. Above: log f lies below
// its tangent at z0, f ≤ q0 e^(c w s) for its slope c there and the
// strip's width w, and on [0, 1] the convex e^(c w s) lies below its
// chord 1 + e s, e = e^(c w) - 1. Both are rounded outwards, so that a
// candidate they decide is decided as the exact test would. Where they
// cannot be computed (f(z0) = 0), ok is false.
type bounds struct {
	q0, d, e  float64
	fromRight bool // z0 is the strip's right end
	ok        bool
}

// tail is an end strip's exponential envelope: the tangent of the
// log-concave density at the strip's inner end z, e^(log f(z) - k y) at
// y = |x - z| ≥ f(x), x = z + dir·y.
type tail struct {
	z, dir, k float64
	mass      float64 // 1 - e^(-k·width): the envelope's share of an exponential of rate k
	logz      float64 // log f(z)
}

// draw returns a beta draw.
func (t *Strips) draw(src *rng.Stream) float64 {
	u := src.Uint64()
	if x, ok := t.Fast(u); ok {
		return x
	}
	return t.From(src, u)
}

// Fast is the common case of a draw whose first 64 random bits are u,
// small enough to be inlined: the beta draw, if ok; else the caller
// calls From(src, u).
func (t *Strips) Fast(u uint64) (x float64, ok bool) {
	st := &t.s[u>>(64-stripBits)]
	v := float64(u<<11>>11) * (1.0 / (1 << 53))
	return st.left + float64(v*st.scale), v < st.r
}

// From is the draw whose first 64 random bits, u, have been drawn
// already and Fast did not take.
func (t *Strips) From(src *rng.Stream, u uint64) float64 {
	return t.reject(src, int(u>>(64-stripBits)), float64(u<<11>>11)*(1.0/(1<<53)))
}

// reject samples strip i by rejection, starting with v (≥ the squeeze)
// as the first candidate's height.
func (t *Strips) reject(src *rng.Stream, i int, v float64) float64 {
	st := &t.s[i]
	switch {
	case i == 0 && t.tails[0].k > 0:
		return t.tail(src, &t.tails[0], st.width, v)
	case i == stripN-1 && t.tails[1].k > 0:
		return t.tail(src, &t.tails[1], st.width, v)
	}
	b := &t.bound[i]
	for {
		if v < st.r {
			return st.left + float64(v*st.scale)
		}
		u := src.Float64()
		x := st.left + float64(u*st.width)
		if b.ok {
			sp := u
			if b.fromRight {
				sp = 1 - u
			}
			if v <= b.q0*(1+sp*b.d)*(1-1e-9) {
				return x
			}
			if v > b.q0*(1+sp*b.e)*(1+1e-9) {
				v = src.Float64()
				continue
			}
		}
		if math.Log(v)+t.logMax[i] <= t.logf(x) {
			return x
		}
		v = src.Float64()
	}
}

// tail samples an end strip of width w under its exponential envelope
// e: candidates are drawn from the envelope (a truncated exponential of
// rate k away from z) and accepted with probability f(x) / envelope(x),
// v giving the first one's test.
func (t *Strips) tail(src *rng.Stream, e *tail, w, v float64) float64 {
	for {
		y := -math.Log1p(-src.Float64()*e.mass) / e.k
		y = math.Min(y, w)
		x := e.z + e.dir*y
		if math.Log(v) <= t.logf(x)-e.logz+e.k*y {
			return x
		}
		v = src.Float64()
	}
}

// logf is the log of the unnormalised density x^(a-1) (1-x)^(b-1).
func (t *Strips) logf(x float64) float64 {
	var l float64
	if t.am1 != 0 {
		l += t.am1 * math.Log(x)
	}
	if t.bm1 != 0 {
		l += t.bm1 * math.Log1p(-x)
	}
	return l
}

// bounds returns the bounds of the strip [l, r], given log f at its ends
// and the log of its envelope.
func (t *Strips) bounds(l, r, fl, fr, logMax float64) bounds {
	b := bounds{}
	z0, l0, l1, dir := l, fl, fr, 1.0
	if fr < fl {
		z0, l0, l1, dir = r, fr, fl, -1
		b.fromRight = true
	}
	c := dir * t.dlogf(z0) // log f's slope from z0 into the strip
	b.q0 = math.Exp(l0 - logMax)
	b.d = l1 - l0
	b.e = math.Expm1(math.Max(c, 0) * (r - l))
	b.ok = b.q0 > 0 && !math.IsInf(b.d, 0) && !math.IsNaN(b.d) && !math.IsInf(b.e, 0) && !math.IsNaN(b.e)
	return b
}

// dlogf is the derivative of logf.
func (t *Strips) dlogf(x float64) float64 { return t.am1/x - t.bm1/(1-x) }

var stripCache = struct {
	sync.Mutex
	m map[[2]float64]*Strips
}{m: map[[2]float64]*Strips{}}

// stripCacheMax bounds the cache: a sweep over a shape makes a table per
// point, and tables are about 19 KB each.
const stripCacheMax = 512

// stripsFor returns the strip table for beta(a, b), or nil where the
// gamma ratio must be used instead (a or b below 1, too peaked, or
// quantiles not accurate enough). Tables are made once per pair of
// shapes and shared.
func stripsFor(a, b float64) *Strips {
	key := [2]float64{a, b}
	stripCache.Lock()
	t, ok := stripCache.m[key]
	stripCache.Unlock()
	if ok {
		return t
	}
	t = newStrips(a, b)
	stripCache.Lock()
	if len(stripCache.m) < stripCacheMax {
		stripCache.m[key] = t
	}
	stripCache.Unlock()
	return t
}

func newStrips(a, b float64) *Strips {
	if !(a >= 1 && b >= 1) || math.IsInf(a, 0) || math.IsInf(b, 0) {
		return nil
	}
	t := &Strips{am1: a - 1, bm1: b - 1}
	beta := distuv.Beta{Alpha: a, Beta: b}
	var q [stripN + 1]float64
	q[stripN] = 1
	for i := 1; i < stripN; i++ {
		p := float64(i) / stripN
		x := beta.Quantile(p)
		if !(x > q[i-1] && x < 1) || math.Abs(mathext.RegIncBeta(a, b, x)-p) > stripTolerance {
			return nil
		}
		q[i] = x
	}
	mode := 0.0
	if a+b > 2 {
		mode = t.am1 / (a + b - 2)
	}
	logNorm := -(mathext.Lbeta(a, b))
	area := 0.0
	for i := range stripN {
		l, r := q[i], q[i+1]
		fl, fr := t.logf(l), t.logf(r)
		hi, lo := math.Max(fl, fr), math.Min(fl, fr)
		if l <= mode && mode <= r {
			hi = math.Max(hi, t.logf(mode))
		}
		// Round the envelope up and the squeeze down, so that rounding
		// in logf cannot put the density above the one or below the other.
		hi += 1e-12
		sq := math.Exp(lo-hi) * (1 - 1e-12)
		w := r - l
		t.logMax[i] = hi
		t.s[i] = strip{r: sq, left: l, width: w}
		if sq > 0 {
			t.s[i].scale = w / sq
		}
		area += math.Exp(hi+logNorm) * w
		t.bound[i] = t.bounds(l, r, fl, fr, hi)
	}
	// Exponential envelopes for the end strips, when the mode is outside
	// them (and the slope is steep enough to gain over the flat one).
	for end, i := range [2]int{0, stripN - 1} {
		l, r := q[i], q[i+1]
		z := r
		if end == 1 {
			z = l
		}
		if mode >= l && mode <= r {
			continue
		}
		k := math.Abs(t.dlogf(z))
		if !(k*(r-l) > 1) || math.IsInf(k, 0) {
			continue
		}
		dir := -1.0 // from the right end, in the first strip
		if end == 1 {
			dir = 1
		}
		t.tails[end] = tail{z: z, dir: dir, k: k, mass: -math.Expm1(-k * (r - l)), logz: t.logf(z)}
		t.s[i].r, t.s[i].scale = 0, 0 // every draw in the strip goes to tail
		area -= math.Exp(t.logMax[i]+logNorm) * (r - l)
		area += math.Exp(t.logf(z)+logNorm) * -math.Expm1(-k*(r-l)) / k
	}
	if !(area <= stripMaxEnvelope) {
		return nil
	}
	return t
}
