// Package stats summarises the values a simulation produced: moments,
// the standard error of the mean, quantiles and a histogram.
//
// Sums are compensated (Neumaier), so a summary of a million trials is as
// accurate as its float64 inputs allow, and a summary depends only on the
// values and their order, never on how the work was scheduled.
package stats

import (
	"math"
	"slices"
)

// Probs are the probabilities of the quantiles every summary reports.
var Probs = []float64{0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99}

// ProbNames name Probs in result documents: p1 … p99.
var ProbNames = []string{"p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99"}

// Histogram counts values in equal-width bins between Min and Max; the
// last bin includes Max.
type Histogram struct {
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	Counts []int   `json:"counts"`
}

// Summary describes a sample.
type Summary struct {
	N         int
	Mean      float64
	SD        float64 // sample standard deviation (n−1)
	SE        float64 // standard error of the mean, SD/√N
	Min, Max  float64
	PPositive float64   // fraction of values > 0
	Quantiles []float64 // at Probs
	Histogram Histogram
}

// Summarize summarises xs, which must be finite, with a histogram of bins
// bins. scratch is not needed and may be nil (it is kept for callers
// that pass one); xs is not changed.
//
// Three passes over xs: the compensated sum, count of positives, min and
// max; the sum of squared deviations from the mean, the histogram and a
// count of values in each of 2^16 equal-width buckets of [min, max];
// then the values of the few buckets that hold the order statistics the
// quantiles need, which are selected among those alone (bucket
// selection: the counts say which bucket holds the k-th smallest value
// and its rank there, since a value's bucket, floor((x−min)·scale), never
// decreases as x grows). The quantiles are the exact order statistics a
// sort would give.
func Summarize(xs []float64, bins int, scratch []float64) Summary {
	n := len(xs)
	s := Summary{N: n, Quantiles: make([]float64, len(Probs))}
	if n == 0 {
		for i := range s.Quantiles {
			s.Quantiles[i] = math.NaN()
		}
		s.Mean, s.SD, s.SE, s.Min, s.Max, s.PPositive = math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()
		return s
	}
	var sum Sum
	pos := 0
	lo, hi := xs[0], xs[0]
	for _, x := range xs {
		sum.Add(x)
		if x > 0 {
			pos++
		}
		lo, hi = min(lo, x), max(hi, x)
	}
	s.Mean = sum.Value() / float64(n)
	s.Min, s.Max = lo, hi
	s.PPositive = float64(pos) / float64(n)
	b := newBucketing(lo, hi)
	counts := make([]uint32, selectBuckets)
	b.counts = counts
	var ss Sum
	if bins >= 1 && lo != hi {
		s.Histogram = Histogram{Min: lo, Max: hi, Counts: make([]int, bins)}
		hc := s.Histogram.Counts
		hb := newBins(lo, hi, bins)
		for _, x := range xs {
			d := x - s.Mean
			ss.Add(d * d)
			hc[hb.of(x)]++
			counts[b.of(x)]++
		}
	} else {
		for _, x := range xs {
			d := x - s.Mean
			ss.Add(d * d)
			counts[b.of(x)]++
		}
		if bins >= 1 {
			s.Histogram = Histogram{Min: lo, Max: hi, Counts: []int{n}}
		}
	}
	if n > 1 {
		s.SD = math.Sqrt(ss.Value() / float64(n-1))
		s.SE = s.SD / math.Sqrt(float64(n))
	}
	b.quantiles(xs, Probs, s.Quantiles)
	return s
}

// quantiles sets out[i] to the probs[i]-quantile of xs, whose buckets b
// has counted, as Quantile gives it: the order statistics each
// interpolates between, selected by bucket.
func (b *bucketing) quantiles(xs, probs, out []float64) {
	n := len(xs)
	ks := make([]int, 0, 2*len(probs))
	for _, p := range probs {
		k := int(float64(n-1) * p)
		ks = append(ks, min(k, n-1), min(k+1, n-1))
	}
	slices.Sort(ks)
	ks = slices.Compact(ks)
	at := b.pick(xs, ks)
	for i, p := range probs {
		out[i] = quantileAt(at, n, p)
	}
}

// quantileAt is Quantile from the order statistics at.
func quantileAt(at map[int]float64, n int, p float64) float64 {
	h := float64(n-1) * p
	k := int(math.Floor(h))
	if k >= n-1 {
		return at[n-1]
	}
	return at[k] + (h-float64(k))*(at[k+1]-at[k])
}

// bucketing cuts [lo, hi] into selectBuckets equal-width buckets.
type bucketing struct {
	lo, scale float64
	counts    []uint32
}

const selectBuckets = 1 << 16

func newBucketing(lo, hi float64) bucketing {
	b := bucketing{lo: lo}
	if hi > lo {
		b.scale = selectBuckets / (hi - lo)
		if math.IsInf(b.scale, 0) || math.IsInf(hi-lo, 0) {
			b.scale = 0 // a range too narrow or too wide to scale: one bucket, selected by partitioning
		}
	}
	return b
}

// of returns x's bucket: floor((x−lo)·scale), never decreasing in x.
func (b *bucketing) of(x float64) int {
	if b.scale == 0 {
		return 0
	}
	k := int((x - b.lo) * b.scale)
	return min(k, selectBuckets-1)
}

// pick returns the order statistics ks (ascending) of xs, whose
// buckets b has counted.
func (b *bucketing) pick(xs []float64, ks []int) map[int]float64 {
	// The bucket of each order statistic and its rank there.
	type want struct{ k, bucket, rank int }
	var wants []want
	slot := map[int]int{} // bucket → index into vals
	var sizes []int
	seen, bk := 0, 0
	for _, k := range ks {
		for seen+int(b.counts[bk]) <= k {
			seen += int(b.counts[bk])
			bk++
		}
		if _, ok := slot[bk]; !ok {
			slot[bk] = len(sizes)
			sizes = append(sizes, int(b.counts[bk]))
		}
		wants = append(wants, want{k, bk, k - seen})
	}
	index := make([]int16, selectBuckets)
	for i := range index {
		index[i] = -1
	}
	vals := make([][]float64, len(sizes))
	for bucket, i := range slot {
		index[bucket] = int16(i)
		vals[i] = make([]float64, 0, sizes[i])
	}
	for _, x := range xs {
		if i := index[b.of(x)]; i >= 0 {
			vals[i] = append(vals[i], x)
		}
	}
	// Within each bucket, the ranks wanted, found by selection.
	ranks := make([][]int, len(vals))
	for _, w := range wants {
		i := slot[w.bucket]
		ranks[i] = append(ranks[i], w.rank)
	}
	for i, r := range ranks {
		orderStats(vals[i], slices.Compact(r))
	}
	at := make(map[int]float64, len(wants))
	for _, w := range wants {
		at[w.k] = vals[slot[w.bucket]][w.rank]
	}
	return at
}

// Quantile returns the p-quantile of sorted values, interpolating
// linearly between order statistics (definition 7 of Hyndman and Fan,
// the default of R and NumPy).
func Quantile(sorted []float64, p float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	h := float64(n-1) * p
	lo := int(math.Floor(h))
	if lo >= n-1 {
		return sorted[n-1]
	}
	if lo < 0 {
		return sorted[0]
	}
	return sorted[lo] + (h-float64(lo))*(sorted[lo+1]-sorted[lo])
}

// NewHistogram counts sorted values into bins equal-width bins spanning
// their range. When all values are equal there is one bin.
func NewHistogram(sorted []float64, bins int) Histogram {
	if len(sorted) == 0 {
		return Histogram{}
	}
	return histogram(sorted, sorted[0], sorted[len(sorted)-1], bins)
}

// histogram counts xs, all within [lo, hi], into bins equal-width bins.
func histogram(xs []float64, lo, hi float64, bins int) Histogram {
	if len(xs) == 0 || bins < 1 {
		return Histogram{}
	}
	h := Histogram{Min: lo, Max: hi}
	if lo == hi {
		h.Counts = []int{len(xs)}
		return h
	}
	h.Counts = make([]int, bins)
	hb := newBins(lo, hi, bins)
	for _, x := range xs {
		h.Counts[hb.of(x)]++
	}
	return h
}

// binning is n equal-width bins between lo and hi: x is in bin
// floor((x−lo)/w), w = (hi−lo)/n, the last bin taking hi; where hi−lo
// overflows, the bin is floor((x/n − lo/n)/(hi/n − lo/n)·n).
type binning struct {
	lo, w float64
	n     int
	wide  bool
}

func newBins(lo, hi float64, n int) binning {
	b := binning{lo: lo, w: (hi - lo) / float64(n), n: n}
	if math.IsInf(hi-lo, 0) {
		b.wide, b.w = true, hi/float64(n)-lo/float64(n)
	}
	return b
}

func (b binning) of(x float64) int {
	var k int
	if b.wide {
		k = int((x/float64(b.n) - b.lo/float64(b.n)) / b.w * float64(b.n))
	} else {
		k = int((x - b.lo) / b.w)
	}
	return max(min(k, b.n-1), 0)
}

// Sum is a compensated (Neumaier) running sum.
type Sum struct{ s, c float64 }

// Add adds x to the sum.
func (a *Sum) Add(x float64) { Neumaier(&a.s, &a.c, x) }

// Neumaier adds x to the compensated sum *s with compensation *c
// (Neumaier's improvement of Kahan summation: the compensation collects
// the low-order bits lost from whichever of the sum and x is smaller).
func Neumaier(s, c *float64, x float64) {
	t := *s + x
	if math.Abs(*s) >= math.Abs(x) {
		*c += (*s - t) + x
	} else {
		*c += (x - t) + *s
	}
	*s = t
}

// Value returns the sum.
func (a *Sum) Value() float64 { return a.s + a.c }
