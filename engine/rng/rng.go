// Package rng gives every Monte Carlo trial its own random stream, derived
// from the run's seed and the trial's index, so that results do not depend
// on how trials are shared between workers. Within a trial, each draw site
// (each distribution call in a scenario) can have a stream of its own, so
// that replacing one input by a constant leaves every other input's draws
// unchanged: the common random numbers that make comparisons between
// variants of a scenario sharp.
package rng

import "math/bits"

// Stream is a random source for one trial at a time. It implements
// rand.Source. The zero value is ready to Reset.
type Stream struct {
	pcg    pcg
	hi, lo uint64 // the trial's key
	first  uint64 // a site's first number, not yet drawn while fresh
	fresh  bool
	keyed  bool   // seedK is the key of seed, computed once a run
	seed   uint64 // the seed of the last Reset
	seedK  uint64
}

// pcg is math/rand/v2's PCG (128-bit LCG with the DXSM output), written
// here so that the compiler can inline it into the samplers; it gives
// exactly rand.PCG's numbers (TestPCGMatchesMathRand).
type pcg struct{ hi, lo uint64 }

func (p *pcg) Seed(seed1, seed2 uint64) { p.hi, p.lo = seed1, seed2 }

func (p *pcg) Uint64() uint64 {
	const (
		mulHi    = 2549297995355413924
		mulLo    = 4865540595714422341
		incHi    = 6364136223846793005
		incLo    = 1442695040888963407
		cheapMul = 0xda942042e4dd58b5
	)
	hi, lo := bits.Mul64(p.lo, mulLo)
	hi += p.hi*mulLo + p.lo*mulHi
	lo, c := bits.Add64(lo, incLo, 0)
	hi, _ = bits.Add64(hi, incHi, c)
	p.lo, p.hi = lo, hi
	hi ^= hi >> 32
	hi *= cheapMul
	hi ^= hi >> 48
	hi *= lo | 1
	return hi
}

// Reset positions s at the start of the stream for (seed, trial). It does
// not allocate.
func (s *Stream) Reset(seed, trial uint64) {
	s.SetKey(s.TrialKey(seed, trial))
}

// TrialKey returns the key of the stream for (seed, trial): SetKey with
// it positions a stream as Reset(seed, trial) does. A caller that
// evaluates a block of trials site by site keys each trial once.
func (s *Stream) TrialKey(seed, trial uint64) (hi, lo uint64) {
	// Mix both words through SplitMix64 so that neighbouring trials (and
	// neighbouring seeds) start from unrelated PCG states.
	if !s.keyed || seed != s.seed {
		s.seed, s.seedK, s.keyed = seed, mix(seed^0x9e3779b97f4a7c15), true
	}
	hi = mix(s.seedK ^ mix(trial+0x632be59bd9b4e019))
	lo = mix(hi ^ 0xd1b54a32d192ed03 ^ trial)
	return hi, lo
}

// SetKey positions s at the start of the stream whose key TrialKey
// returned.
func (s *Stream) SetKey(hi, lo uint64) {
	s.hi, s.lo = hi, lo
	s.pcg.Seed(hi, lo)
	s.fresh = false
}

// Site positions s at the start of the stream of draw site site within the
// trial of the last Reset. It does not allocate.
func (s *Stream) Site(site uint64) { s.SiteKeyed(SiteKey(site)) }

// SiteKey is the part of positioning at site that depends on the site
// alone, computed once per draw site so that SiteKeyed does the rest.
func SiteKey(site uint64) uint64 { return mix(site ^ 0x2545f4914f6cdd1d) }

// SiteKeyed is Site(site) given SiteKey(site). A site's stream starts
// with h = SplitMix(the trial's low word + key), its first 64 bits, and
// goes on with PCG from the state (the trial's high word ^ key, h). The
// trial's key and the site's are SplitMix outputs, and PCG's first step
// multiplies the whole state, so the streams of two sites are unrelated
// from trial to trial (TestSitesIndependentAcrossTrials); and a draw that
// needs one number (most draws of the strip method, bernoulli, the
// ziggurat's common case) costs one SplitMix and no PCG step.
func (s *Stream) SiteKeyed(key uint64) {
	h := mix(s.lo + key)
	s.pcg.Seed(s.hi^key, h)
	s.first, s.fresh = h, true
}

// SiteFirst is SiteKeyed(key) then Uint64: the first 64 bits of the
// site's stream, which goes on from there.
func (s *Stream) SiteFirst(key uint64) uint64 {
	s.SiteKeyed(key)
	s.fresh = false
	return s.first
}

// SiteID names a draw site by the definition it is in and its index among
// that definition's draws, so that the name, not the position in a file,
// decides the stream.
func SiteID(name string, index int) uint64 {
	h := uint64(14695981039346656037) // FNV-1a
	for i := 0; i < len(name); i++ {
		h ^= uint64(name[i])
		h *= 1099511628211
	}
	return mix(h ^ uint64(index))
}

// Uint64 returns the next 64 random bits of the stream.
func (s *Stream) Uint64() uint64 {
	if !s.fresh {
		return s.pcg.Uint64()
	}
	s.fresh = false
	return s.first
}

// Float64 returns a uniform number in [0, 1) with 53 random bits.
func (s *Stream) Float64() float64 {
	return float64(s.Uint64()>>11) * (1.0 / (1 << 53))
}

// mix is the SplitMix64 finaliser.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
