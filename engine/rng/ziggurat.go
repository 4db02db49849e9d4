// The ziggurat method of Marsaglia and Tsang ("The Ziggurat Method for
// Generating Random Variables", J. Stat. Software 5(8), 2000) for normal
// and exponential draws, with the layer tables, the layer chosen from the
// same bits and the same tail and wedge tests that math/rand/v2 uses, so
// that a sampler working on a Stream directly (no method called through an
// interface) gets exactly the numbers rand.New(stream).NormFloat64() and
// .ExpFloat64() would give (TestPCGMatchesMathRand).

package rng

import "math"

const (
	rn = 3.442619855899
	re = 7.69711747013104972
)

// RandFloat64 returns the next number of the stream as
// rand.New(s).Float64() would: a uniform in [0, 1) from the low 53 bits.
// (Float64 uses the high 53 bits; both exist because samplers must give
// the same numbers as gonum's distuv, which draws through rand.Rand.)
func (s *Stream) RandFloat64() float64 { return Unit(s.Uint64()) }

// NormFloat64 returns a standard normal draw exactly as
// rand.New(s).NormFloat64() would.
func (s *Stream) NormFloat64() float64 { return s.NormFrom(s.Uint64()) }

// NormFast is the ziggurat's common case (more than 99% of draws), small
// enough to be inlined: the normal that 64 random bits u give, if ok;
// else the caller calls NormFrom(u).
func NormFast(u uint64) (x float64, ok bool) {
	j := int32(u) // possibly negative
	i := u >> 32 & 0x7F
	return float64(j) * float64(wn[i]), absInt32(j) < kn[i]
}

// NormFrom is NormFloat64 whose first 64 random bits, u, have been drawn
// already.
func (s *Stream) NormFrom(u uint64) float64 {
	for {
		j := int32(u) // possibly negative
		i := u >> 32 & 0x7F
		x := float64(j) * float64(wn[i])
		if absInt32(j) < kn[i] {
			return x
		}
		if i == 0 {
			for {
				x = -math.Log(s.RandFloat64()) * (1.0 / rn)
				y := -math.Log(s.RandFloat64())
				if y+y >= x*x {
					break
				}
			}
			if j > 0 {
				return rn + x
			}
			return -rn - x
		}
		if fn[i]+float32(s.RandFloat64())*(fn[i-1]-fn[i]) < float32(math.Exp(-.5*x*x)) {
			return x
		}
		u = s.Uint64()
	}
}

// Unit turns 64 random bits into a uniform in [0, 1) as rand.Rand's
// Float64 does (the low 53 bits): RandFloat64 is Unit(s.Uint64()).
func Unit(u uint64) float64 { return float64(u<<11>>11) / (1 << 53) }

// ExpFloat64 returns a standard exponential draw exactly as
// rand.New(s).ExpFloat64() would.
func (s *Stream) ExpFloat64() float64 {
	for {
		u := s.Uint64()
		j := uint32(u)
		i := uint8(u >> 32)
		x := float64(j) * float64(we[i])
		if j < ke[i] {
			return x
		}
		if i == 0 {
			return re - math.Log(s.RandFloat64())
		}
		if fe[i]+float32(s.RandFloat64())*(fe[i-1]-fe[i]) < float32(math.Exp(-x)) {
			return x
		}
	}
}

func absInt32(i int32) uint32 {
	if i < 0 {
		return uint32(-i)
	}
	return uint32(i)
}

// The layer tables: for layer i, k is the acceptance bound on the random
// integer, w the scale from integer to value and f the density at the
// layer's edge. They are built as the paper's zigset builds them, with
// 128 normal layers against a 31-bit integer and 256 exponential layers
// against a 32-bit one; float32 and uint32 keep exactly the values
// math/rand/v2 tabulates.
var (
	kn     [128]uint32
	wn, fn [128]float32
	ke     [256]uint32
	we, fe [256]float32
)

func init() {
	const (
		m1 = 1 << 31
		vn = 9.91256303526217e-3 // area of each normal layer
		m2 = 1 << 32
		ve = 3.949659822581572e-3 // area of each exponential layer
	)
	dn := rn
	tn := dn
	q := vn / math.Exp(-.5*dn*dn)
	kn[0] = uint32((dn / q) * m1)
	wn[0], wn[127] = float32(q/m1), float32(dn/m1)
	fn[0], fn[127] = 1, float32(math.Exp(-.5*dn*dn))
	for i := 126; i >= 1; i-- {
		dn = math.Sqrt(-2 * math.Log(vn/dn+math.Exp(-.5*dn*dn)))
		kn[i+1] = uint32((dn / tn) * m1)
		tn = dn
		fn[i] = float32(math.Exp(-.5 * dn * dn))
		wn[i] = float32(dn / m1)
	}

	de := 7.697117470131487 // re, to the precision the tables were built with
	te := de
	q = ve / math.Exp(-de)
	ke[0] = uint32((de / q) * m2)
	we[0], we[255] = float32(q/m2), float32(de/m2)
	fe[0], fe[255] = 1, float32(math.Exp(-de))
	for i := 254; i >= 1; i-- {
		de = -math.Log(ve/de + math.Exp(-de))
		ke[i+1] = uint32((de / te) * m2)
		te = de
		fe[i] = float32(math.Exp(-de))
		we[i] = float32(de / m2)
	}
}
