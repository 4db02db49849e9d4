// Package sampling holds the ways of choosing each trial's uniform
// numbers other than plain pseudo-random draws: Latin hypercube designs
// and scrambled Sobol' points, and the Gaussian copula that correlates
// inputs by rank.
//
// Every function here is a pure function of its arguments, so that a
// trial's numbers depend on the seed, the draw site and the trial's index
// only, never on which worker computes them or in which order; none
// allocates.
package sampling

import (
	"fmt"
	"math/bits"
	"strconv"
	"strings"
)

// Method is a way of choosing the uniform numbers behind each draw.
type Method uint8

const (
	// Random is plain pseudo-random sampling: each draw site takes its
	// numbers from its own stream.
	Random Method = iota
	// LHS is Latin hypercube sampling: with n trials, each draw site's
	// uniforms fall one in each of the n strata [k/n, (k+1)/n).
	LHS
	// Sobol is scrambled Sobol' quasi-random sampling: draw site d of the
	// program is dimension d of an Owen-scrambled Sobol' sequence.
	Sobol
)

// Methods are the names of the methods, in order.
var Methods = []string{"random", "lhs", "sobol"}

func (m Method) String() string {
	if int(m) < len(Methods) {
		return Methods[m]
	}
	return "method(" + strconv.Itoa(int(m)) + ")"
}

// ParseMethod returns the method called s.
func ParseMethod(s string) (Method, error) {
	for i, name := range Methods {
		if strings.EqualFold(s, name) {
			return Method(i), nil
		}
	}
	return Random, fmt.Errorf("sampler %q: use one of %s", s, strings.Join(Methods, ", "))
}

// Key derives the key of draw site site's design from the run's seed.
func Key(seed, site uint64) uint64 {
	return mix(mix(seed^0x5851f42d4c957f2d) ^ site)
}

// Permute returns the image of i, 0 ≤ i < n, under a pseudo-random
// permutation of 0 … n−1 chosen by key: a four-round Feistel network on
// the smallest even number of bits that holds n, cycle-walked into
// [0, n). Each key gives a different permutation.
func Permute(i, n, key uint64) uint64 {
	if n <= 1 {
		return 0
	}
	h := uint(bits.Len64(n-1)+1) / 2 // half the bits
	mask := uint64(1)<<h - 1
	x := i
	for {
		l, r := x>>h, x&mask
		for round := uint64(0); round < 4; round++ {
			l, r = r, l^(mix(r^key^(round+1)*0x9e3779b97f4a7c15)&mask)
		}
		x = l<<h | r
		if x < n {
			return x
		}
	}
}

// LatinHypercube returns trial's uniform for a draw site in a Latin
// hypercube design of n trials: the site's stratum for the trial, from
// the permutation keyed by key, jittered by v in [0, 1).
func LatinHypercube(trial, n, key uint64, v float64) float64 {
	k := Permute(trial, n, key)
	return Open((float64(k) + v) / float64(n))
}

// MaxSobolDims is the number of draw sites Sobol' sampling supports: the
// first dimension and Joe and Kuo's dimensions 2 to 256.
const MaxSobolDims = 256

// direction holds the direction numbers v_1 … v_32 of each dimension,
// scaled to 32 bits.
var direction = directions()

func directions() [MaxSobolDims][32]uint32 {
	var v [MaxSobolDims][32]uint32
	for k := range 32 {
		v[0][k] = 1 << (31 - k)
	}
	lines := strings.Split(strings.TrimSpace(joeKuo), "\n")
	for d, line := range lines {
		f := strings.Fields(line)
		num := make([]uint32, len(f))
		for i, s := range f {
			n, err := strconv.ParseUint(s, 10, 32)
			if err != nil {
				panic("sampling: bad direction numbers: " + line)
			}
			num[i] = uint32(n)
		}
		s, a, m := int(num[0]), num[1], num[2:]
		dv := &v[d+1]
		for k := 0; k < s && k < 32; k++ {
			dv[k] = m[k] << (31 - k)
		}
		for k := s; k < 32; k++ {
			x := dv[k-s] ^ dv[k-s]>>s
			for j := 1; j < s; j++ {
				if a>>(s-1-j)&1 == 1 {
					x ^= dv[k-j]
				}
			}
			dv[k] = x
		}
	}
	return v
}

// SobolPoint returns coordinate dim of point i of the (unscrambled)
// Sobol' sequence as a 32-bit binary fraction.
func SobolPoint(i uint32, dim int) uint32 {
	var x uint32
	v := &direction[dim]
	for k := 0; i != 0; k++ {
		if i&1 == 1 {
			x ^= v[k]
		}
		i >>= 1
	}
	return x
}

// Scramble applies a nested uniform (Owen) scramble keyed by seed to
// the 32-bit binary fraction x: each bit is flipped or not depending on
// the bits above it, by the hash of Laine and Karras as improved by
// Burley (Practical Hash-based Owen Scrambling, JCGT 2020).
func Scramble(x, seed uint32) uint32 {
	x = bits.Reverse32(x)
	x += seed
	x ^= x * 0x6c50b47c
	x ^= x * 0xb82f1e52
	x ^= x * 0xc7afe638
	x ^= x * 0x8d22f6e6
	return bits.Reverse32(x)
}

// SobolUniform returns trial's uniform in dimension dim of the Sobol'
// sequence scrambled by key, with v in [0, 1) filling the bits below the
// 32 the sequence gives.
func SobolUniform(trial uint64, dim int, key uint64, v float64) float64 {
	x := Scramble(SobolPoint(uint32(trial), dim), uint32(key^key>>32))
	return Open((float64(x) + v) / (1 << 32))
}

// Open moves u into the open interval (0, 1), so that inverse CDFs of
// unbounded distributions stay finite.
func Open(u float64) float64 {
	const tiny = 1.0 / (1 << 53)
	return min(max(u, tiny), 1-tiny)
}

// mix is the SplitMix64 finaliser.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
