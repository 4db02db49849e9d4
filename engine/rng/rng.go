// Package rng gives every Monte Carlo trial its own random stream, derived
// from the run's seed and the trial's index, so that results do not depend
// on how trials are shared between workers. Within a trial, each draw site
// (each distribution call in a scenario) can have a stream of its own, so
// that replacing one input by a constant leaves every other input's draws
// unchanged: the common random numbers that make comparisons between
// variants of a scenario sharp.
package rng

import "math/rand/v2"

// Stream is a random source for one trial at a time. It implements
// rand.Source. The zero value is ready to Reset.
type Stream struct {
	pcg    rand.PCG
	hi, lo uint64 // the trial's key
}

// Reset positions s at the start of the stream for (seed, trial). It does
// not allocate.
func (s *Stream) Reset(seed, trial uint64) {
	// Mix both words through SplitMix64 so that neighbouring trials (and
	// neighbouring seeds) start from unrelated PCG states.
	k := mix(seed ^ 0x9e3779b97f4a7c15)
	hi := mix(k ^ mix(trial+0x632be59bd9b4e019))
	lo := mix(hi ^ 0xd1b54a32d192ed03 ^ trial)
	s.hi, s.lo = hi, lo
	s.pcg.Seed(hi, lo)
}

// Site positions s at the start of the stream of draw site site within the
// trial of the last Reset. It does not allocate.
func (s *Stream) Site(site uint64) {
	k := mix(site ^ 0x2545f4914f6cdd1d)
	s.pcg.Seed(mix(s.hi^k), mix(s.lo+k))
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
func (s *Stream) Uint64() uint64 { return s.pcg.Uint64() }

// Float64 returns a uniform number in [0, 1) with 53 random bits.
func (s *Stream) Float64() float64 {
	return float64(s.pcg.Uint64()>>11) * (1.0 / (1 << 53))
}

// mix is the SplitMix64 finaliser.
func mix(z uint64) uint64 {
	z += 0x9e3779b97f4a7c15
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9
	z = (z ^ (z >> 27)) * 0x94d049bb133111eb
	return z ^ (z >> 31)
}
