package stats

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// Curve gives the quantiles a full sort gives, the min and max at its
// ends, and leaves its input alone.
func TestCurve(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1, 2, 7, 1000, 50_001} {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = r.NormFloat64()
			if i%5 == 0 {
				xs[i] = 0 // ties
			}
		}
		orig := slices.Clone(xs)
		got := Curve(xs, CurvePoints)
		sorted := slices.Clone(xs)
		slices.Sort(sorted)
		if len(got) != CurvePoints || got[0] != sorted[0] || got[CurvePoints-1] != sorted[n-1] {
			t.Fatalf("n=%d: %d points, ends %v %v", n, len(got), got[0], got[len(got)-1])
		}
		for i, x := range got {
			if want := Quantile(sorted, float64(i)/float64(CurvePoints-1)); x != want {
				t.Fatalf("n=%d: point %d is %v, want %v", n, i, x, want)
			}
		}
		if !slices.Equal(xs, orig) {
			t.Fatalf("n=%d: input changed", n)
		}
	}
	// All equal, and a range too wide to scale into buckets.
	for _, xs := range [][]float64{{3, 3, 3, 3}, {-1e308, 1e308, 0, 5, -7}} {
		sorted := slices.Sorted(slices.Values(xs))
		for i, x := range Curve(xs, CurvePoints) {
			if want := Quantile(sorted, float64(i)/float64(CurvePoints-1)); x != want {
				t.Fatalf("%v: point %d is %v, want %v", xs, i, x, want)
			}
		}
	}
	if Curve(nil, CurvePoints) != nil {
		t.Error("a curve of nothing")
	}
}
