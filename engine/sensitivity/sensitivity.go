// Package sensitivity measures which uncertain inputs drive an output:
// Spearman rank correlations over the trials of a run, and tornado bars
// from runs with one input held at a low and a high value.
package sensitivity

import (
	"math"
	"sort"
)

// Ranks returns the ranks (1 … n) of xs, ties sharing their average rank.
func Ranks(xs []float64) []float64 {
	n := len(xs)
	idx := order(xs)
	r := make([]float64, n)
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
	n := len(xs)
	keys, idx := make([]uint64, n), make([]int32, n)
	var counts [8][256]int
	for i, x := range xs {
		k := sortKey(x)
		keys[i], idx[i] = k, int32(i)
		for b := range counts {
			counts[b][byte(k>>(8*b))]++
		}
	}
	keys2, idx2 := make([]uint64, n), make([]int32, n)
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
