package stats

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// TestOrderStatsMatchSort: selection puts exactly the values a sort
// would at the asked positions, on columns shaped like the engine's:
// continuous, many ties, constant, sorted and reversed.
func TestOrderStatsMatchSort(t *testing.T) {
	r := rand.New(rand.NewPCG(8, 9))
	columns := map[string]func(i int) float64{
		"normal":   func(int) float64 { return r.NormFloat64() },
		"bool":     func(int) float64 { return float64(r.IntN(2)) },
		"clamped":  func(int) float64 { return max(0, r.NormFloat64()) },
		"constant": func(int) float64 { return 7 },
		"sorted":   func(i int) float64 { return float64(i) },
		"reversed": func(i int) float64 { return float64(-i) },
		"few":      func(int) float64 { return float64(r.IntN(5)) },
	}
	for name, gen := range columns {
		for _, n := range []int{1, 2, 17, 1000, 100_003} {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = gen(i)
			}
			want := slices.Clone(xs)
			slices.Sort(want)
			var ks []int
			for _, p := range Probs {
				lo := int(float64(n-1) * p)
				ks = append(ks, lo, min(lo+1, n-1))
			}
			ks = append(ks, 0, n-1)
			slices.Sort(ks)
			ks = slices.Compact(ks)
			got := slices.Clone(xs)
			orderStats(got, ks)
			for _, k := range ks {
				if got[k] != want[k] {
					t.Errorf("%s n=%d: position %d holds %v, sorted %v", name, n, k, got[k], want[k])
				}
			}
			// Summarize gives what it gave when it sorted.
			s := Summarize(xs, 10, nil)
			for i, p := range Probs {
				if q := Quantile(want, p); s.Quantiles[i] != q {
					t.Errorf("%s n=%d: %s = %v, sorted gives %v", name, n, ProbNames[i], s.Quantiles[i], q)
				}
			}
			if h := NewHistogram(want, 10); !slices.Equal(h.Counts, s.Histogram.Counts) || s.Min != want[0] || s.Max != want[n-1] {
				t.Errorf("%s n=%d: histogram or range differs from the sorted one", name, n)
			}
		}
	}
}

func BenchmarkSummarize200k(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	xs := make([]float64, 200_000)
	for i := range xs {
		xs[i] = r.NormFloat64()
	}
	scratch := make([]float64, len(xs))
	b.Run("select", func(b *testing.B) {
		for b.Loop() {
			Summarize(xs, 20, scratch)
		}
	})
	b.Run("sort", func(b *testing.B) {
		for b.Loop() {
			copy(scratch, xs)
			slices.Sort(scratch)
		}
	})
}
