// Package sensitivity measures which uncertain inputs drive an output:
// Spearman rank correlations over the trials of a run, and tornado bars
// from runs with one input held at a low and a high value.
package sensitivity

import (
	"math"
	"sort"
	"sync"

	"github.com/settle-sim/settle/internal/hugemem"
)

// Ranks returns the ranks (1 … n) of xs, ties sharing their average rank.
func Ranks(xs []float64) []float64 { return RanksTo(make([]float64, len(xs)), xs) }

// RanksTo is Ranks into r, len(xs) long, which it returns.
func RanksTo(r, xs []float64) []float64 {
	n := len(xs)
	r = r[:n]
	sc := scratchPool.Get().(*scratch)
	defer scratchPool.Put(sc)
	idx := sc.order(xs)
	for i := 0; i < n; {
		j := i + 1
		for j < n && xs[idx[j]] == xs[idx[i]] {
			j++
		}
		avg := float64(i+j+1) / 2 // ranks i+1 … j
		for _, k := range idx[i:j] {
			r[k] = avg
		}
		i = j
	}
	return r
}

// order returns the indices of xs, which must not be NaN, in the order
// of their values, ties (−0 with +0 too) in index order: a stable least
// significant digit radix sort of the values' bits, a byte a pass,
// skipping the bytes every value shares. Far quicker than a comparison
// sort for the tens of thousands of values a tornado ranks.
func order(xs []float64) []int32 {
	var sc scratch
	return sc.order(xs)
}

// scratch is order's working memory, reused from one sort to the next
// (scratchPool): fresh memory for every column ranked cost a page fault
// every 4 KB.
type scratch struct {
	keys, keys2 []uint64
	idx, idx2   []int32
}

var scratchPool = sync.Pool{New: func() any { return new(scratch) }}

// order is the package's order with s's memory; the indices it returns
// are s's until its next use.
func (s *scratch) order(xs []float64) []int32 {
	n := len(xs)
	keys, keys2 := hugemem.Grow(&s.keys, n), hugemem.Grow(&s.keys2, n)
	idx, idx2 := hugemem.Grow(&s.idx, n), hugemem.Grow(&s.idx2, n)
	var counts [8][256]int
	for i, x := range xs {
		k := sortKey(x)
		keys[i], idx[i] = k, int32(i)
		for b := range counts {
			counts[b][byte(k>>(8*b))]++
		}
	}
	for b := range counts {
		c := &counts[b]
		if n == 0 || c[byte(keys[0]>>(8*b))] == n {
			continue // every key has this byte
		}
		var at [256]int
		sum := 0
		for d, m := range c {
			at[d], sum = sum, sum+m
		}
		shift := 8 * uint(b)
		for i, k := range keys {
			d := byte(k >> shift)
			keys2[at[d]], idx2[at[d]] = k, idx[i]
			at[d]++
		}
		keys, keys2, idx, idx2 = keys2, keys, idx2, idx
	}
	return idx
}

// sortKey maps x to an unsigned integer in the same order, −0 to +0's.
func sortKey(x float64) uint64 {
	if x == 0 {
		x = 0 // −0 as +0, equal as they compare
	}
	b := math.Float64bits(x)
	if b>>63 == 1 {
		return ^b // negative: larger magnitudes first
	}
	return b | 1<<63
}

// Pearson returns the correlation of xs and ys, NaN when either is
// constant.
func Pearson(xs, ys []float64) float64 {
	n := float64(len(xs))
	var mx, my float64
	for i := range xs {
		mx += xs[i]
		my += ys[i]
	}
	mx /= n
	my /= n
	var sxy, sxx, syy float64
	for i := range xs {
		dx, dy := xs[i]-mx, ys[i]-my
		sxy += dx * dy
		sxx += dx * dx
		syy += dy * dy
	}
	if sxx == 0 || syy == 0 {
		return math.NaN()
	}
	return sxy / math.Sqrt(sxx*syy)
}

// Spearman returns the rank correlation of xs and ys.
func Spearman(xs, ys []float64) float64 {
	return Pearson(Ranks(xs), Ranks(ys))
}

// Bar is one input's bar of a tornado: the output's mean with the input
// held at its low value and at its high value.
type Bar struct {
	Input    string  `json:"input"`
	Low      float64 `json:"low"`       // the input's value held low (its p10)
	High     float64 `json:"high"`      // the input's value held high (its p90)
	MeanLow  float64 `json:"mean_low"`  // the output's mean with the input at Low
	MeanHigh float64 `json:"mean_high"` // the output's mean with the input at High
	Swing    float64 `json:"swing"`     // |MeanHigh − MeanLow|
}

// Tornado sorts bars by swing, largest first, filling in Swing; ties keep
// their order.
func Tornado(bars []Bar) []Bar {
	for i := range bars {
		bars[i].Swing = math.Abs(bars[i].MeanHigh - bars[i].MeanLow)
	}
	sort.SliceStable(bars, func(i, j int) bool { return bars[i].Swing > bars[j].Swing })
	return bars
}
