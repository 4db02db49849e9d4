// Package sensitivity measures which uncertain inputs drive an output:
// Spearman rank correlations over the trials of a run, and tornado bars
// from runs with one input held at a low and a high value.
package sensitivity

import (
	"math"
	"slices"
	"sort"
)

// Ranks returns the ranks (1 … n) of xs, ties sharing their average rank.
func Ranks(xs []float64) []float64 {
	n := len(xs)
	// Sorted by value; the order among equal values does not matter, as
	// they share their average rank, so an unstable sort of (value,
	// index) pairs does (pdqsort, far quicker than a stable sort of
	// indices).
	type vi struct {
		x float64
		i int32
	}
	idx := make([]vi, n)
	for i, x := range xs {
		idx[i] = vi{x, int32(i)}
	}
	slices.SortFunc(idx, func(a, b vi) int {
		switch {
		case a.x < b.x:
			return -1
		case a.x > b.x:
			return 1
		}
		return 0
	})
	r := make([]float64, n)
	for i := 0; i < n; {
		j := i + 1
		for j < n && idx[j].x == idx[i].x {
			j++
		}
		avg := float64(i+j+1) / 2 // ranks i+1 … j
		for k := i; k < j; k++ {
			r[idx[k].i] = avg
		}
		i = j
	}
	return r
}

// order returns the indices of xs in the order of their values, ties in
// index order.
func order(xs []float64) []int32 {
	idx := make([]int32, len(xs))
	for i := range idx {
		idx[i] = int32(i)
	}
	slices.SortStableFunc(idx, func(a, b int32) int {
		switch {
		case xs[a] < xs[b]:
			return -1
		case xs[a] > xs[b]:
			return 1
		}
		return 0
	})
	return idx
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
