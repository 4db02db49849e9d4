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
// bins. scratch, if at least len(xs) long, holds a copy of xs that is
// rearranged to find the quantiles; xs is not changed.
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
	for _, x := range xs {
		sum.Add(x)
		if x > 0 {
			pos++
		}
	}
	s.Mean = sum.Value() / float64(n)
	var ss Sum
	for _, x := range xs {
		d := x - s.Mean
		ss.Add(d * d)
	}
	if n > 1 {
		s.SD = math.Sqrt(ss.Value() / float64(n-1))
		s.SE = s.SD / math.Sqrt(float64(n))
	}
	s.PPositive = float64(pos) / float64(n)

	work := scratch
	if len(work) < n {
		work = make([]float64, n)
	}
	work = work[:n]
	copy(work, xs)
	// The order statistics the quantiles interpolate between, found by
	// selection rather than a full sort: the same values, much sooner.
	ks := make([]int, 0, 2*len(Probs)+2)
	ks = append(ks, 0)
	for _, p := range Probs {
		lo := int(float64(n-1) * p)
		ks = append(ks, lo, min(lo+1, n-1))
	}
	ks = append(ks, n-1)
	slices.Sort(ks)
	ks = slices.Compact(ks)
	orderStats(work, ks)
	s.Min, s.Max = work[0], work[n-1]
	for i, p := range Probs {
		s.Quantiles[i] = Quantile(work, p)
	}
	s.Histogram = histogram(xs, s.Min, s.Max, bins)
	return s
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
	w := (hi - lo) / float64(bins)
	for _, x := range xs {
		k := int((x - lo) / w)
		if k >= bins {
			k = bins - 1
		}
		h.Counts[k]++
	}
	return h
}

// Sum is a compensated (Neumaier) running sum.
type Sum struct{ s, c float64 }

// Add adds x to the sum.
func (a *Sum) Add(x float64) {
	t := a.s + x
	if math.Abs(a.s) >= math.Abs(x) {
		a.c += (a.s - t) + x
	} else {
		a.c += (x - t) + a.s
	}
	a.s = t
}

// Value returns the sum.
func (a *Sum) Value() float64 { return a.s + a.c }
