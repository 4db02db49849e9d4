package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat"
)

func TestQuantileType7(t *testing.T) {
	// Values checked against R: quantile(c(1, 2, 4, 8, 16), p, type = 7).
	xs := []float64{1, 2, 4, 8, 16}
	tests := []struct{ p, want float64 }{
		{0, 1}, {0.01, 1.04}, {0.25, 2}, {0.5, 4}, {0.6, 5.6}, {0.9, 12.8}, {0.99, 15.68}, {1, 16},
	}
	for _, tt := range tests {
		if got := Quantile(xs, tt.p); math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Quantile(%v) = %v, want %v", tt.p, got, tt.want)
		}
	}
	if !math.IsNaN(Quantile(nil, 0.5)) {
		t.Error("Quantile of nothing is not NaN")
	}
}

func TestSummarize(t *testing.T) {
	xs := []float64{3, -1, 4, 1, 5, 9, 2, 6}
	orig := slices.Clone(xs)
	s := Summarize(xs, 4, nil)
	if !slices.Equal(xs, orig) {
		t.Fatal("Summarize changed its input")
	}
	if s.N != 8 || s.Mean != 29.0/8 || s.Min != -1 || s.Max != 9 {
		t.Errorf("got N=%d mean=%v min=%v max=%v", s.N, s.Mean, s.Min, s.Max)
	}
	wantSD := stat.StdDev(xs, nil) // gonum: unbiased, n−1
	if math.Abs(s.SD-wantSD) > 1e-12 || math.Abs(s.SE-wantSD/math.Sqrt(8)) > 1e-12 {
		t.Errorf("sd=%v se=%v, want %v", s.SD, s.SE, wantSD)
	}
	if s.PPositive != 7.0/8 {
		t.Errorf("p_positive = %v", s.PPositive)
	}
	if want := []int{2, 2, 3, 1}; !slices.Equal(s.Histogram.Counts, want) {
		// bins of width 2.5 from -1: [-1,1.5) [1.5,4) [4,6.5) [6.5,9]
		t.Errorf("histogram %v, want %v", s.Histogram.Counts, want)
	}
	if s.Quantiles[4] != 3.5 {
		t.Errorf("median = %v", s.Quantiles[4])
	}
}

func TestSummarizeBool(t *testing.T) {
	// A bool summarised as 0/1: the mean is the probability of true and se
	// its standard error √(p(1−p)/n) up to the n−1 correction.
	xs := make([]float64, 1000)
	for i := range 300 {
		xs[i] = 1
	}
	s := Summarize(xs, 2, nil)
	if s.Mean != 0.3 {
		t.Errorf("mean %v", s.Mean)
	}
	want := math.Sqrt(0.3 * 0.7 / 1000 * 1000 / 999)
	if math.Abs(s.SE-want) > 1e-12 {
		t.Errorf("se %v, want %v", s.SE, want)
	}
	if !slices.Equal(s.Histogram.Counts, []int{700, 300}) {
		t.Errorf("histogram %v", s.Histogram.Counts)
	}
}

func TestSummarizeConstantAndEmpty(t *testing.T) {
	s := Summarize([]float64{7, 7, 7}, 20, nil)
	if s.SD != 0 || s.Min != 7 || !slices.Equal(s.Histogram.Counts, []int{3}) {
		t.Errorf("constant: %+v", s)
	}
	e := Summarize(nil, 20, nil)
	if e.N != 0 || !math.IsNaN(e.Mean) {
		t.Errorf("empty: %+v", e)
	}
}

func TestQuantilesOfUniform(t *testing.T) {
	// Sample quantiles of U(0,1) are close to p: the sd of the p-quantile
	// of n draws is √(p(1−p)/n).
	r := rand.New(rand.NewPCG(1, 2))
	n := 100_000
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = r.Float64()
	}
	s := Summarize(xs, 10, make([]float64, n))
	for i, p := range Probs {
		tol := 4 * math.Sqrt(p*(1-p)/float64(n))
		if math.Abs(s.Quantiles[i]-p) > tol {
			t.Errorf("%s = %v, want %v ± %v", ProbNames[i], s.Quantiles[i], p, tol)
		}
	}
	total := 0
	for _, c := range s.Histogram.Counts {
		total += c
	}
	if total != n {
		t.Errorf("histogram holds %d of %d values", total, n)
	}
}

func TestSumCompensated(t *testing.T) {
	var s Sum
	s.Add(1e16)
	for range 1000 {
		s.Add(1)
	}
	s.Add(-1e16)
	if s.Value() != 1000 {
		t.Errorf("compensated sum = %v, want 1000", s.Value())
	}
}

// TestFinite: a NaN or an infinity anywhere in columns of every length
// up to 9, in each of the four lanes and the tail, is found.
func TestFinite(t *testing.T) {
	for n := range 10 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = float64(i) - 3.5
		}
		if !Finite(xs) {
			t.Fatalf("%d finite values: not finite", n)
		}
		for i := range n {
			for _, bad := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
				ys := slices.Clone(xs)
				ys[i] = bad
				if Finite(ys) {
					t.Errorf("%v at %d of %d: finite", bad, i, n)
				}
			}
		}
	}
}
