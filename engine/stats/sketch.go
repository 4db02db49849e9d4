package stats

import (
	"errors"
	"math"
	"slices"
)

// SketchBits is the number of mantissa bits a Sketch keeps: values are
// counted in buckets 2^-SketchBits wide relative to their magnitude, so
// every value is represented within a relative error of SketchAccuracy.
const SketchBits = 9

// SketchAccuracy is the largest relative error of a value as a Sketch
// represents it: half a bucket, 2^-(SketchBits+1) ≈ 0.098%.
const SketchAccuracy = 1.0 / (2 << SketchBits)

const sketchShift = 52 - SketchBits

// Sketch is a mergeable quantile sketch: a log-linear histogram of the
// values' float64 bit patterns (sign, exponent and the top SketchBits
// bits of the mantissa), as HDR histograms do. Counts are integers, so
// merging is exact and independent of order: the quantiles depend only
// on the multiset of values, never on how trials were shared between
// workers. Memory grows with the range of the values seen, not their
// number: at most 2^21 buckets a sign, and for values spanning a factor
// of 1000 about 5,000.
type Sketch struct {
	pos, neg buckets // by the bit pattern of x and of -x
	zero     uint64
}

type buckets struct {
	lo     uint64   // key of counts[0]
	counts []uint64 // dense from lo
}

func (b *buckets) add(key, n uint64) {
	if len(b.counts) == 0 {
		b.lo = key
		b.counts = make([]uint64, 1, 64)
	}
	if key < b.lo {
		grow := b.lo - key
		c := make([]uint64, uint64(len(b.counts))+grow, uint64(cap(b.counts))+grow)
		copy(c[grow:], b.counts)
		b.counts, b.lo = c, key
	}
	i := key - b.lo
	if i >= uint64(len(b.counts)) {
		b.counts = append(b.counts, make([]uint64, i+1-uint64(len(b.counts)))...)
	}
	b.counts[i] += n
}

// Add counts x, which must not be NaN.
func (s *Sketch) Add(x float64) {
	switch {
	case x > 0:
		s.pos.add(math.Float64bits(x)>>sketchShift, 1)
	case x < 0:
		s.neg.add(math.Float64bits(-x)>>sketchShift, 1)
	default:
		s.zero++
	}
}

// Merge adds o's counts to s.
func (s *Sketch) Merge(o *Sketch) {
	s.pos.merge(o.pos)
	s.neg.merge(o.neg)
	s.zero += o.zero
}

// merge adds o's counts to b, widening b's range once to take o's
// buckets from the first that counts to the last, as adding them one by
// one would.
func (b *buckets) merge(o buckets) {
	first := slices.IndexFunc(o.counts, func(c uint64) bool { return c != 0 })
	if first < 0 {
		return
	}
	last := len(o.counts) - 1
	for o.counts[last] == 0 {
		last--
	}
	counts, lo := o.counts[first:last+1], o.lo+uint64(first)
	if len(b.counts) == 0 {
		b.lo, b.counts = lo, slices.Clone(counts)
		return
	}
	from, to := min(b.lo, lo), max(b.lo+uint64(len(b.counts)), lo+uint64(len(counts)))
	if from < b.lo || to > b.lo+uint64(len(b.counts)) {
		c := make([]uint64, to-from)
		copy(c[b.lo-from:], b.counts)
		b.counts, b.lo = c, from
	}
	dst := b.counts[lo-b.lo:][:len(counts)]
	for i, c := range counts {
		dst[i] += c
	}
}

// mid is the value a bucket stands for: the middle of its range.
func mid(key uint64) float64 {
	lo := math.Float64frombits(key << sketchShift)
	hi := math.Float64frombits((key + 1) << sketchShift)
	return lo + (hi-lo)/2
}

// cells returns the buckets that count, in increasing order of value.
func (s *Sketch) cells() (vals []float64, counts []uint64) {
	n := 0
	if s.zero != 0 {
		n++
	}
	for _, b := range []*buckets{&s.neg, &s.pos} {
		for _, c := range b.counts {
			if c != 0 {
				n++
			}
		}
	}
	vals, counts = make([]float64, 0, n), make([]uint64, 0, n)
	for i := len(s.neg.counts) - 1; i >= 0; i-- {
		if c := s.neg.counts[i]; c != 0 {
			vals, counts = append(vals, -mid(s.neg.lo+uint64(i))), append(counts, c)
		}
	}
	if s.zero != 0 {
		vals, counts = append(vals, 0), append(counts, s.zero)
	}
	for i, c := range s.pos.counts {
		if c != 0 {
			vals, counts = append(vals, mid(s.pos.lo+uint64(i))), append(counts, c)
		}
	}
	return vals, counts
}

// Quantiles returns the quantiles at probs as Quantile would from the
// sorted values (definition 7 of Hyndman and Fan), each order statistic
// replaced by its bucket's value clamped to [min, max]: within
// SketchAccuracy of it, relatively.
func (s *Sketch) Quantiles(probs []float64, min, max float64) []float64 {
	vals, counts := s.cells()
	return cellQuantiles(vals, counts, probs, min, max)
}

// cellQuantiles is Quantiles of the cells vals and counts, whose order
// statistics it finds in one pass over them.
func cellQuantiles(vals []float64, counts []uint64, probs []float64, min, max float64) []float64 {
	var n uint64
	for _, c := range counts {
		n += c
	}
	out := make([]float64, len(probs))
	if n == 0 {
		for i := range out {
			out[i] = math.NaN()
		}
		return out
	}
	// The order statistics (0-based) each prob interpolates between,
	// in increasing order, and their values.
	var ranks []uint64
	for _, p := range probs {
		if lo := uint64(math.Floor(float64(n-1) * p)); lo < n-1 {
			ranks = append(ranks, lo, lo+1)
		}
	}
	slices.Sort(ranks)
	ranks = slices.Compact(ranks)
	at := make([]float64, len(ranks))
	var seen uint64
	k := 0
	for i, c := range counts {
		seen += c
		for ; k < len(ranks) && ranks[k] < seen; k++ {
			at[k] = math.Min(math.Max(vals[i], min), max)
		}
	}
	for ; k < len(ranks); k++ {
		at[k] = max
	}
	value := func(r uint64) float64 {
		k, _ := slices.BinarySearch(ranks, r)
		return at[k]
	}
	for i, p := range probs {
		h := float64(n-1) * p
		lo := uint64(math.Floor(h))
		if lo >= n-1 {
			out[i] = max
			continue
		}
		a, b := value(lo), value(lo+1)
		out[i] = a + (h-float64(lo))*(b-a)
	}
	return out
}

// AboveEach returns, for each of the ascending ts, how many of the
// values s has counted are above it, each value taken as its bucket's,
// clamped to [min, max]: exact but for the values in the bucket that
// holds t (a relative width of 2^-SketchBits).
func (s *Sketch) AboveEach(ts []float64, min, max float64) []uint64 {
	vals, counts := s.cells()
	return countAbove(ts, len(vals), func(i int) (float64, uint64) {
		return math.Min(math.Max(vals[i], min), max), counts[i]
	})
}

// CountAbove returns, for each of the ascending ts, how many of xs are
// above it, in one pass over xs.
func CountAbove(ts, xs []float64) []uint64 {
	return countAbove(ts, len(xs), func(i int) (float64, uint64) { return xs[i], 1 })
}

// countAbove returns, for each of the ascending ts, the weight of the n
// values at(i) gives above it: each value's weight counted at the last
// of ts below it, then summed from the end.
func countAbove(ts []float64, n int, at func(i int) (x float64, weight uint64)) []uint64 {
	last := make([]uint64, len(ts)+1) // last[j]: the weight above ts[:j] and no later one
	for i := range n {
		x, w := at(i)
		j, _ := slices.BinarySearch(ts, x) // ts[:j] < x ≤ ts[j:]
		last[j] += w
	}
	out := make([]uint64, len(ts))
	var above uint64
	for i := len(ts) - 1; i >= 0; i-- {
		above += last[i+1]
		out[i] = above
	}
	return out
}

// Histogram returns bins equal-width bins between min and max, each
// bucket counted in the bin holding its value: bins are exact but for
// buckets that straddle a bin edge (a relative width of 2^-SketchBits).
func (s *Sketch) Histogram(bins int, min, max float64) Histogram {
	vals, counts := s.cells()
	return cellHistogram(vals, counts, bins, min, max)
}

// cellHistogram is Histogram of the cells vals and counts.
func cellHistogram(vals []float64, counts []uint64, bins int, min, max float64) Histogram {
	h := Histogram{Min: min, Max: max}
	if len(vals) == 0 || bins < 1 {
		return Histogram{}
	}
	if min == max {
		var n int
		for _, c := range counts {
			n += int(c)
		}
		h.Counts = []int{n}
		return h
	}
	h.Counts = make([]int, bins)
	w := (max - min) / float64(bins)
	for i, v := range vals {
		k := int((math.Min(math.Max(v, min), max) - min) / w)
		if k >= bins {
			k = bins - 1
		}
		h.Counts[k] += int(counts[i])
	}
	return h
}

// Moments accumulate a mean and the sum of squared deviations one value
// at a time (Welford) and merge in a given order (Chan et al.), so that
// a summary made chunk by chunk and merged in trial order does not
// depend on the number of workers.
type Moments struct {
	N        int
	Mean, M2 float64
	Pos      int // values > 0
	Min, Max float64
}

// Add adds x.
func (m *Moments) Add(x float64) { m.AddInv(x, 1/float64(m.N+1)) }

// AddInv is Add given inv = 1/(m.N+1), for a caller that adds one value
// to each of several Moments of the same count and so needs one
// division, not one each.
func (m *Moments) AddInv(x, inv float64) {
	if m.N == 0 || x < m.Min {
		m.Min = x
	}
	if m.N == 0 || x > m.Max {
		m.Max = x
	}
	m.N++
	d := x - m.Mean
	m.Mean += d * inv
	m.M2 += d * (x - m.Mean)
	// Counted without a branch (a set, not a jump): whether a value is
	// positive is a coin toss for most outputs, and a mispredicted jump
	// for each of them cost 5% of a streamed trial.
	var pos int
	if x > 0 {
		pos = 1
	}
	m.Pos += pos
}

// Merge adds o, the moments of the values that follow m's.
func (m *Moments) Merge(o Moments) {
	if o.N == 0 {
		return
	}
	if m.N == 0 {
		*m = o
		return
	}
	n := float64(m.N + o.N)
	d := o.Mean - m.Mean
	m.Mean += d * float64(o.N) / n
	m.M2 += o.M2 + d*d*float64(m.N)*float64(o.N)/n
	m.N += o.N
	m.Pos += o.Pos
	m.Min, m.Max = math.Min(m.Min, o.Min), math.Max(m.Max, o.Max)
}

// SD returns the sample standard deviation (n−1).
func (m *Moments) SD() float64 {
	if m.N < 2 {
		return 0
	}
	return math.Sqrt(m.M2 / float64(m.N-1))
}

// SketchSummary is Summarize from moments and a sketch, for runs too
// large to keep every value: N, mean, SD, SE, min, max and P(>0) are as
// exact as Moments; quantiles and histogram come from the sketch (see
// Sketch.Quantiles and Sketch.Histogram).
func SketchSummary(m Moments, s *Sketch, bins int) Summary {
	if m.N == 0 {
		return Summarize(nil, bins, nil)
	}
	sd := m.SD()
	vals, counts := s.cells()
	return Summary{N: m.N, Mean: m.Mean, SD: sd, SE: sd / math.Sqrt(float64(m.N)), Min: m.Min, Max: m.Max,
		PPositive: float64(m.Pos) / float64(m.N), Quantiles: cellQuantiles(vals, counts, Probs, m.Min, m.Max),
		Histogram: cellHistogram(vals, counts, bins, m.Min, m.Max)}
}

// SketchData is a Sketch's counts, for writing it down: the count of
// zeros, and for each sign the key of the first bucket and the counts
// from it (a bucket's key is the top 12+SketchBits bits of |x|'s bit
// pattern).
type SketchData struct {
	Zero         uint64
	PosLo, NegLo uint64
	Pos, Neg     []uint64
}

// Data returns s's counts.
func (s *Sketch) Data() SketchData {
	return SketchData{Zero: s.zero, PosLo: s.pos.lo, NegLo: s.neg.lo,
		Pos: append([]uint64(nil), s.pos.counts...), Neg: append([]uint64(nil), s.neg.counts...)}
}

// sketchKeys is the number of bucket keys of one sign.
const sketchKeys = 1 << (64 - sketchShift)

// NewSketch returns the Sketch with counts d, or an error when d cannot
// be a Sketch's (buckets beyond the keys of a float64). The Sketch keeps
// d's slices of counts, which the caller must no longer change.
func NewSketch(d SketchData) (*Sketch, error) {
	for _, b := range []struct {
		lo     uint64
		counts []uint64
	}{{d.PosLo, d.Pos}, {d.NegLo, d.Neg}} {
		if b.lo >= sketchKeys || uint64(len(b.counts)) > sketchKeys-b.lo {
			return nil, errors.New("sketch: buckets beyond the keys of a float64")
		}
	}
	s := &Sketch{zero: d.Zero}
	if len(d.Pos) > 0 {
		s.pos = buckets{lo: d.PosLo, counts: d.Pos}
	}
	if len(d.Neg) > 0 {
		s.neg = buckets{lo: d.NegLo, counts: d.Neg}
	}
	return s, nil
}

// Count returns the number of values s has counted.
func (s *Sketch) Count() uint64 {
	n := s.zero
	for _, c := range s.pos.counts {
		n += c
	}
	for _, c := range s.neg.counts {
		n += c
	}
	return n
}
