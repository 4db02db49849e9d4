// Package stats summarises the values a simulation produced: moments,
// the standard error of the mean, quantiles and a histogram.
//
// Sums are compensated (Neumaier), over the values or over blocks of 64
// of them, so a summary of a million trials is as accurate as its
// float64 inputs allow, and a summary depends only on the values and
// their order, never on how the work was scheduled.
package stats

import (
	"math"
	"slices"
	"sync"
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
// Three passes over xs: the sum, min and max; the sum of squared
// deviations from the mean, a count of values in each of 2^16
// equal-width buckets of [min, max] and of the values equal to the min
// and to the max; then the values of the few buckets that hold the order
// statistics the quantiles need, which are selected among those alone (bucket selection: the counts say which
// bucket holds the k-th smallest value and its rank there, since a
// value's bucket, floor((x−min)·scale), never decreases as x grows). A
// bucket at either end that holds nothing but the min (or the max), as
// a true/false value's do, is not collected at all. The quantiles are
// the exact order statistics a sort would give. The histogram and the
// count of values above zero come from the buckets' counts too, looking
// only into the buckets at a bin's edge and at zero (see pick).
//
// Sums are of blocks of 64 values in four lanes of plain addition
// (pipelined, where a compensated sum waits on each addition), the
// blocks' sums added compensated (Neumaier): the mean's rounding error is
// at most about 16 units in the last place of the values' mean absolute
// value, far below any Monte Carlo error.
func Summarize(xs []float64, bins int, scratch []float64) Summary {
	s, _ := SummarizeCurve(xs, bins, 0)
	return s
}

// SummarizeCurve is Summarize, and with points of 2 or more also the
// curve Curve gives, from the same passes.
func SummarizeCurve(xs []float64, bins, points int) (Summary, []float64) {
	n := len(xs)
	s := Summary{N: n, Quantiles: make([]float64, len(Probs))}
	if n == 0 {
		for i := range s.Quantiles {
			s.Quantiles[i] = math.NaN()
		}
		s.Mean, s.SD, s.SE, s.Min, s.Max, s.PPositive = math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN(), math.NaN()
		return s, nil
	}
	sum, lo, hi, atLo, atHi := firstPass(xs)
	s.Mean = sum.Value() / float64(n)
	s.Min, s.Max = lo, hi
	b := newBucketing(lo, hi)
	defer b.release()
	b.atLo, b.atHi = atLo, atHi
	var hc []int
	var hb binning
	if bins >= 1 && lo != hi {
		s.Histogram = Histogram{Min: lo, Max: hi, Counts: make([]int, bins)}
		hc, hb = s.Histogram.Counts, newBins(lo, hi, bins)
	} else if bins >= 1 {
		s.Histogram = Histogram{Min: lo, Max: hi, Counts: []int{n}}
	}
	ss := b.secondPass(xs, s.Mean)
	if n > 1 {
		s.SD = math.Sqrt(ss.Value() / float64(n-1))
		s.SE = s.SD / math.Sqrt(float64(n))
	}
	probs := Probs
	if points >= 2 {
		probs = append(slices.Clip(Probs), curveProbs(points)...)
	}
	out := make([]float64, len(probs))
	b.hist, b.bins, b.countPositives = hc, hb, true
	b.quantiles(xs, probs, out)
	copy(s.Quantiles, out)
	s.PPositive = float64(b.positives) / float64(n)
	if points >= 2 {
		return s, out[len(Probs):]
	}
	return s, nil
}

// sumBlock is how many values Summarize adds before it adds their sum,
// compensated, to the total.
const sumBlock = 64

// firstPass returns the sum of xs (non-empty), their min and max and
// how many equal each. Plain loops, so that the running values stay in
// registers (a range-over-func body is a closure, and its captured
// variables went through memory, doubling the pass's time).
func firstPass(xs []float64) (sum Sum, lo, hi float64, atLo, atHi int) {
	lo, hi = xs[0], xs[0]
	for start := 0; start < len(xs); start += sumBlock {
		block := xs[start:min(start+sumBlock, len(xs))]
		var l0, l1, l2, l3 float64
		i := 0
		for ; i+4 <= len(block); i += 4 {
			q := block[i : i+4 : i+4]
			l0, l1, l2, l3 = l0+q[0], l1+q[1], l2+q[2], l3+q[3]
			for _, x := range q {
				lo, atLo = lower(lo, atLo, x)
				hi, atHi = higher(hi, atHi, x)
			}
		}
		for _, x := range block[i:] {
			l0 += x
			lo, atLo = lower(lo, atLo, x)
			hi, atHi = higher(hi, atHi, x)
		}
		sum.Add((l0 + l1) + (l2 + l3))
	}
	return sum, lo, hi, atLo, atHi
}

// secondPass returns the sum of squared deviations of xs from mean and
// counts xs into b's buckets.
func (b *bucketing) secondPass(xs []float64, mean float64) Sum {
	var ss Sum
	for start := 0; start < len(xs); start += sumBlock {
		block := xs[start:min(start+sumBlock, len(xs))]
		var l0, l1, l2, l3 float64
		i := 0
		for ; i+4 <= len(block); i += 4 {
			q := block[i : i+4 : i+4]
			d0, d1, d2, d3 := q[0]-mean, q[1]-mean, q[2]-mean, q[3]-mean
			l0, l1, l2, l3 = l0+d0*d0, l1+d1*d1, l2+d2*d2, l3+d3*d3
		}
		for _, x := range block[i:] {
			d := x - mean
			l0 += d * d
		}
		ss.Add((l0 + l1) + (l2 + l3))
		b.count(block)
	}
	return ss
}

// positive is 1 when x > 0, else 0, without a branch to mispredict
// where the signs are mixed: x > 0 when its bits, as a signed integer
// v, are above 0, that is when −v is negative and v is not (−0's bits
// are the one v with both).
func positive(x float64) int {
	v := int64(math.Float64bits(x))
	return int(uint64(-v) >> 63 & ^(uint64(v) >> 63))
}

// lower and higher are min and max for values that are not NaN, −0
// below +0 as with min and max, counting in n the values equal to the
// min (max) so far, with a branch that is rarely taken: far quicker than
// the built-ins, which must also order NaNs.
func lower(lo float64, n int, x float64) (float64, int) {
	if x <= lo {
		if x < lo {
			return x, 1
		}
		if math.Signbit(x) {
			lo = x // −0 for +0: equal, and the min
		}
		n++
	}
	return lo, n
}

func higher(hi float64, n int, x float64) (float64, int) {
	if x >= hi {
		if x > hi {
			return x, 1
		}
		if !math.Signbit(x) {
			hi = x
		}
		n++
	}
	return hi, n
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
	lo, hi, scale float64
	counts        []uint32
	top           int // hi's bucket
	// atLo and atHi count the values equal to lo and to hi (the first
	// pass's).
	atLo, atHi int
	// hist, when not nil, is a histogram of bins to count the values
	// into as their quantiles are picked.
	hist []int
	bins binning
	// countPositives asks pick to count the values above zero into
	// positives.
	countPositives bool
	positives      int
	work           *bucketWork
}

// release returns b's memory for reuse; b is not used after.
func (b *bucketing) release() {
	workPool.Put(b.work)
	b.work, b.counts = nil, nil
}

const selectBuckets = 1 << 16

// bucketWork is a bucketing's memory: a quarter of a megabyte of counts
// and as much again for picking, reused from one summary to the next
// (workPool), since fresh memory costs a page fault every 4 KB.
type bucketWork struct {
	counts [selectBuckets]uint32
	index  [selectBuckets]int16
	edge   [selectBuckets]bool
}

var workPool = sync.Pool{New: func() any { return new(bucketWork) }}

// newBucketing returns the bucketing of [lo, hi] with its counts at 0;
// release gives its memory back.
func newBucketing(lo, hi float64) bucketing {
	w := workPool.Get().(*bucketWork)
	clear(w.counts[:])
	b := bucketing{lo: lo, hi: hi, work: w, counts: w.counts[:]}
	if hi > lo {
		b.scale = selectBuckets / (hi - lo)
		if math.IsInf(b.scale, 0) || math.IsInf(hi-lo, 0) {
			b.scale = 0 // a range too narrow or too wide to scale: one bucket, selected by partitioning
		}
	}
	b.top = b.of(hi)
	return b
}

// count counts xs, all within [lo, hi], into their buckets.
func (b *bucketing) count(xs []float64) {
	counts, lo, scale := b.counts[:selectBuckets], b.lo, b.scale
	for _, x := range xs {
		counts[bucketOf(x, lo, scale)]++
	}
}

// bucketOf is floor((x−lo)·scale) for x ≥ lo, at most the last bucket:
// bucketing.of with its fields in registers.
func bucketOf(x, lo, scale float64) int {
	if scale == 0 {
		return 0
	}
	return min(int((x-lo)*scale), selectBuckets-1) & (selectBuckets - 1)
}

// of returns x's bucket: floor((x−lo)·scale), never decreasing in x
// (0 with a scale of 0).
func (b *bucketing) of(x float64) int { return bucketOf(x, b.lo, b.scale) }

// pure returns the one value every value in bucket k holds, when the
// counts show it: the first bucket (lo's) holding only values equal to
// lo, the last (hi's) holding only values equal to hi.
func (b *bucketing) pure(k int) (float64, bool) {
	switch c := int(b.counts[k]); {
	case k == 0 && c == b.atLo:
		return b.lo, true
	case k == b.top && c == b.atHi:
		return b.hi, true
	}
	return 0, false
}

// pick returns the order statistics ks (ascending) of xs, whose
// buckets b has counted, and counts xs into b.hist.
//
// The histogram comes from the buckets' counts where it can: a bucket
// whose values all fall in one bin adds its count to that bin, and only
// the values of the buckets at a bin's edge (the edge's bucket and its
// neighbours, for rounding) are binned one by one. That holds when a
// bucket spans many units in the last place of the values (1/2^16 of
// the range at least 2^16 of them); else every value is binned.
func (b *bucketing) pick(xs []float64, ks []int) map[int]float64 {
	at := make(map[int]float64, len(ks))
	slot := map[int]int{} // bucket → index into vals
	var sizes []int
	collect := func(bk int) int {
		i, ok := slot[bk]
		if !ok {
			i = len(sizes)
			slot[bk] = i
			sizes = append(sizes, int(b.counts[bk]))
		}
		return i
	}
	// The bucket of each order statistic and its rank there.
	type want struct{ k, bucket, rank int }
	var wants []want
	seen, bk := 0, 0
	for _, k := range ks {
		for seen+int(b.counts[bk]) <= k {
			seen += int(b.counts[bk])
			bk++
		}
		if x, ok := b.pure(bk); ok {
			at[k] = x
			continue
		}
		collect(bk)
		wants = append(wants, want{k, bk, k - seen})
	}
	hist := b.hist
	var edges []int // buckets whose values are binned one by one
	if hist != nil && b.binsByBucket() {
		edge := b.work.edge[:]
		clear(edge)
		for j := 1; j < b.bins.n; j++ {
			e := b.of(b.bins.lo + float64(j)*b.bins.w)
			for k := max(e-1, 0); k <= min(e+1, selectBuckets-1); k++ {
				edge[k] = true
			}
		}
		for k, c := range b.counts {
			switch x, ok := b.pure(k); {
			case c == 0:
			case ok:
				hist[b.bins.of(x)] += int(c)
			case edge[k]:
				collect(k)
				edges = append(edges, k)
			default:
				hist[b.bins.of(b.lo+(float64(k)+0.5)/b.scale)] += int(c)
			}
		}
		hist = nil // counted
	}
	// The values above zero: those in the buckets above zero's, and
	// those above zero in its bucket (x ≤ 0 has a bucket at or below
	// zero's, x ≥ 0 one at or above).
	zero := -1
	if b.countPositives {
		b.positives = 0
		switch {
		case b.lo > 0:
			b.positives = len(xs)
		case b.hi <= 0:
		case b.scale == 0:
			for _, x := range xs {
				b.positives += positive(x)
			}
		default:
			k0 := b.of(0)
			for _, c := range b.counts[k0+1:] {
				b.positives += int(c)
			}
			if x, ok := b.pure(k0); ok {
				if x > 0 {
					b.positives += int(b.counts[k0])
				}
			} else if b.counts[k0] > 0 {
				zero = k0
				collect(k0)
			}
		}
	}
	if len(sizes) == 0 && hist == nil {
		return at
	}
	index := b.work.index[:]
	for i := range index {
		index[i] = -1
	}
	vals := make([][]float64, len(sizes))
	for bucket, i := range slot {
		index[bucket] = int16(i)
		vals[i] = make([]float64, 0, sizes[i])
	}
	lo, scale := b.lo, b.scale
	index = index[:selectBuckets]
	if hist != nil {
		for _, x := range xs {
			hist[b.bins.of(x)]++
			if i := index[bucketOf(x, lo, scale)]; i >= 0 {
				vals[i] = append(vals[i], x)
			}
		}
	} else {
		for _, x := range xs {
			if i := index[bucketOf(x, lo, scale)]; i >= 0 {
				vals[i] = append(vals[i], x)
			}
		}
	}
	for _, k := range edges {
		for _, x := range vals[slot[k]] {
			b.hist[b.bins.of(x)]++
		}
	}
	if zero >= 0 {
		for _, x := range vals[slot[zero]] {
			b.positives += positive(x)
		}
	}
	// Within each bucket, the ranks wanted, found by selection.
	ranks := make([][]int, len(vals))
	for _, w := range wants {
		i := slot[w.bucket]
		ranks[i] = append(ranks[i], w.rank)
	}
	for i, r := range ranks {
		if len(r) > 0 {
			orderStats(vals[i], slices.Compact(r))
		}
	}
	for _, w := range wants {
		at[w.k] = vals[slot[w.bucket]][w.rank]
	}
	return at
}

// binsByBucket reports whether every bucket not at a bin's edge has its
// values in one bin: the buckets are scaled and each spans at least
// 2^16 units in the last place of the values.
func (b *bucketing) binsByBucket() bool {
	if b.scale == 0 || b.bins.wide {
		return false
	}
	return b.hi-b.lo >= 0x1p-20*max(math.Abs(b.lo), math.Abs(b.hi))
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

// Finite reports whether every x is finite: x − x is 0 for a finite x,
// NaN for NaN or ±Inf. The sums run in four lanes, to overlap their
// additions.
func Finite(xs []float64) bool {
	var b0, b1, b2, b3 float64
	i := 0
	for ; i+4 <= len(xs); i += 4 {
		b0 += xs[i] - xs[i]
		b1 += xs[i+1] - xs[i+1]
		b2 += xs[i+2] - xs[i+2]
		b3 += xs[i+3] - xs[i+3]
	}
	for ; i < len(xs); i++ {
		b0 += xs[i] - xs[i]
	}
	return b0+b1+b2+b3 == 0
}
