package dist

import (
	"math"

	"github.com/settle-sim/settle/engine/rng"
)

// Sampler draws from one family on a concrete *rng.Stream, with no call
// through an interface, no allocation and, when the parameters are fixed
// (NewSampler), the constants of the algorithm computed once: the shape
// constants of the gammas behind beta and pert, the ranges of pert and
// triangular.
//
// Beta and pert with fixed shapes of at least 1 (every pert) are drawn by
// the strip method (strip.go), several times faster than the gamma ratio.
// Otherwise a Sampler gives exactly the numbers the family's Sample gives
// on the same stream (the same algorithms as gonum's distuv, drawing the
// same random numbers in the same order); TestSamplerMatchesSample holds
// it to that. Families it does not know are sampled through Sample.
type Sampler struct {
	kind   kind
	fam    *Family
	p      Params
	st     *Strips    // beta and pert with fixed shapes ≥ 1: the strip method
	ga, gb gammaShape // beta and pert: the two gammas; gamma: ga
	lo, r  float64    // pert: min and max - min; triangular: a and b - a
	f, ca  float64    // triangular: (c-a)/(b-a) and c - a
	bc     float64    // triangular: b - c
}

type kind uint8

const (
	generic kind = iota
	kBernoulli
	kBeta
	kGamma
	kLognormal
	kNormal
	kPert
	kTriangular
	kUniform
)

// kinds are the families a Sampler knows, by identity.
var kinds = func() map[*Family]kind {
	m := map[*Family]kind{}
	for name, k := range map[string]kind{
		"bernoulli": kBernoulli, "beta": kBeta, "gamma": kGamma, "lognormal": kLognormal,
		"normal": kNormal, "pert": kPert, "triangular": kTriangular, "uniform": kUniform,
	} {
		if f, ok := Lookup(name); ok {
			m[f] = k
		}
	}
	return m
}()

// NewSampler returns a Sampler for f with parameters p, which must have
// passed Validate.
func NewSampler(f *Family, p Params) Sampler {
	s := Sampler{kind: kinds[f], fam: f}
	s.set(p)
	s.useStrips()
	return s
}

// PlainSampler is a Sampler that draws through f.Sample (gonum's distuv,
// through rand.Source): the plain path that NewSampler's must equal. The
// exception is the strip method, which has no other implementation: it
// draws beta and pert as NewSampler's does.
func PlainSampler(f *Family, p Params) Sampler {
	if s := NewSampler(f, p); s.st != nil {
		return s
	}
	return Sampler{kind: generic, fam: f, p: p}
}

// Strips returns the table of a beta or pert drawn by the strip method,
// and the range it is mapped to: Sample's draw is
// lo + float64(r*x), x being the table's draw (Fast, or From when Fast
// is not ok). t is nil for every other Sampler.
func (s *Sampler) Strips() (t *Strips, lo, r float64) { return s.st, s.lo, s.r }

// useStrips sets s.st (and pert's range) where the strip method applies.
func (s *Sampler) useStrips() {
	p := &s.p
	switch s.kind {
	case kBeta:
		s.st, s.lo, s.r = stripsFor(p[0], p[1]), 0, 1
	case kPert:
		b := PERT(p[0], p[1], p[2])
		s.st, s.lo, s.r = stripsFor(b.Alpha, b.Beta), p[0], p[2]-p[0]
	}
}

// Draw draws with parameters p, computed for this draw: the Sampler's
// family with p in place of the parameters it was made with.
func (s *Sampler) Draw(src *rng.Stream, p Params) float64 {
	t := *s
	t.set(p)
	return t.Sample(src)
}

func (s *Sampler) set(p Params) {
	s.p, s.st = p, nil
	switch s.kind {
	case kBeta:
		s.ga, s.gb = newGammaShape(p[0]), newGammaShape(p[1])
	case kGamma:
		s.ga = newGammaShape(p[0])
	case kPert:
		b := PERT(p[0], p[1], p[2])
		s.ga, s.gb = newGammaShape(b.Alpha), newGammaShape(b.Beta)
		s.lo, s.r = p[0], p[2]-p[0]
	case kTriangular:
		a, c, b := p[0], p[1], p[2]
		s.lo, s.r = a, b-a
		s.ca, s.bc = c-a, b-c
		s.f = (c - a) / (b - a)
	}
}

// Sample draws one value from src.
func (s *Sampler) Sample(src *rng.Stream) float64 {
	p := &s.p
	switch s.kind {
	case kBernoulli:
		if rng.Unit(src.Uint64()) < p[0] {
			return 1
		}
		return 0
	case kBeta:
		if s.st != nil {
			return s.st.draw(src)
		}
		ga := s.ga.draw(src)
		gb := s.gb.draw(src)
		return ga / (ga + gb)
	case kGamma:
		return s.ga.draw(src) / p[1]
	case kLognormal:
		return math.Exp(src.NormFloat64()*p[1] + p[0])
	case kNormal:
		return src.NormFloat64()*p[1] + p[0]
	case kPert:
		if s.st != nil {
			return s.lo + float64(s.r*s.st.draw(src))
		}
		ga := s.ga.draw(src)
		gb := s.gb.draw(src)
		return s.lo + s.r*(ga/(ga+gb))
	case kTriangular:
		u := src.RandFloat64()
		if u < s.f {
			return s.lo + math.Sqrt(u*s.r*s.ca)
		}
		return p[2] - math.Sqrt((1-u)*s.r*s.bc)
	case kUniform:
		return src.RandFloat64()*(p[1]-p[0]) + p[0]
	}
	return s.fam.Sample(src, *p)
}

// gammaShape is a standard gamma (rate 1) of shape a with the constants
// of Marsaglia and Tsang's method, as gonum's distuv.Gamma computes them.
type gammaShape struct {
	a, d, c float64
	how     uint8 // gammaExp, gammaMT, gammaMTSmall or gammaLMS
}

const (
	gammaExp     = iota // a == 1: an exponential
	gammaMT             // a >= 1: Marsaglia–Tsang
	gammaMTSmall        // 0.2 <= a < 1: Marsaglia–Tsang on a+1, times U^(1/a)
	gammaLMS            // a < 0.2: Liu, Martin and Syring, through gonum
)

func newGammaShape(a float64) gammaShape {
	g := gammaShape{a: a}
	switch {
	case a == 1:
		g.how = gammaExp
	case a < 0.2:
		g.how = gammaLMS
	default:
		g.how = gammaMT
		g.d = a - 1.0/3
		if a < 1 {
			g.how = gammaMTSmall
			g.d += 1.0
		}
		g.c = 1 / (3 * math.Sqrt(g.d))
	}
	return g
}

func (g *gammaShape) draw(src *rng.Stream) float64 {
	m := 1.0
	switch g.how {
	case gammaExp:
		return src.ExpFloat64() / 1
	case gammaLMS:
		return gammaFamily.Sample(src, Params{g.a, 1})
	case gammaMTSmall:
		m = math.Pow(rng.Unit(src.Uint64()), 1/g.a)
	}
	d, c := g.d, g.c
	for {
		n := src.Uint64()
		x, ok := rng.NormFast(n)
		if !ok {
			x = src.NormFrom(n)
		}
		v := 1 + x*c
		if v <= 0.0 {
			continue
		}
		v = v * v * v
		u := rng.Unit(src.Uint64())
		if u < 1.0-0.0331*(x*x)*(x*x) {
			return m * d * v / 1
		}
		if math.Log(u) < 0.5*x*x+d*(1-v+math.Log(v)) {
			return m * d * v / 1
		}
	}
}

var gammaFamily, _ = Lookup("gamma")
