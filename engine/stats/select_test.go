package stats

import (
	"maps"
	"math"
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

// TestSummarizeBucketSelection: the quantiles, min, max and histogram of
// Summarize's bucket selection equal those of a full sort, on columns
// that test it: point masses, two values, a constant, ranges too narrow
// or too wide to scale, signed zeros, and a spike inside a wide range.
func TestSummarizeBucketSelection(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	gen := map[string]func(i int) float64{
		"normal": func(int) float64 { return rng.NormFloat64()*6e7 + 1e8 },
		"point mass": func(int) float64 {
			return map[bool]float64{true: 47.5e6, false: rng.Float64() * 5e8}[rng.Float64() < 0.6]
		},
		"two values": func(int) float64 { return float64(rng.IntN(2)) },
		"constant":   func(int) float64 { return 3.25 },
		"narrow":     func(int) float64 { return 1 + float64(rng.IntN(4))*0x1p-52 },
		"wide": func(int) float64 {
			return map[bool]float64{true: -1.7e308, false: 1.7e308}[rng.IntN(2) == 0] * rng.Float64()
		},
		"zeros":     func(int) float64 { return map[bool]float64{true: math.Copysign(0, -1), false: 0}[rng.IntN(2) == 0] },
		"bin edges": func(int) float64 { return float64(rng.IntN(201)) - 100 }, // multiples of the bin width, 10
		"about zero": func(int) float64 { // many values in zero's bucket, either side of it and at it
			return map[int]float64{0: 0, 1: 1e-9 * rng.NormFloat64(), 2: 1e3 * rng.NormFloat64()}[rng.IntN(3)]
		},
		"edges and spread": func(int) float64 {
			return map[bool]float64{true: float64(rng.IntN(21)) * 1.5e7, false: rng.Float64() * 3e8}[rng.IntN(2) == 0]
		},
		"near the ends": func(int) float64 { // the first and last buckets hold the min (max) and values beside it
			switch u := rng.Float64(); {
			case u < 0.3:
				return 0
			case u < 0.5:
				return 1e-7 * rng.Float64()
			case u < 0.7:
				return 1000 - 1e-7*rng.Float64()
			case u < 0.8:
				return 1000
			default:
				return 1000 * rng.Float64()
			}
		},
		"true/false with a third": func(i int) float64 { return map[bool]float64{true: 0.5, false: float64(rng.IntN(2))}[i == 7] },
		"spike": func(i int) float64 {
			return map[bool]float64{true: 1e-9 * rng.Float64(), false: 1e12 * rng.NormFloat64()}[i%3 != 0]
		},
	}
	for _, name := range slices.Sorted(maps.Keys(gen)) { // in one order, so that a failure repeats
		g := gen[name]
		for _, n := range []int{1, 2, 3, 17, 1000, 100_003} {
			xs := make([]float64, n)
			for i := range xs {
				xs[i] = g(i)
			}
			got := Summarize(xs, 20, nil)
			sorted := slices.Clone(xs)
			slices.Sort(sorted)
			for i, p := range Probs {
				if want := Quantile(sorted, p); !same(got.Quantiles[i], want) {
					t.Errorf("%s, n=%d: p%v = %v, sort gives %v", name, n, p, got.Quantiles[i], want)
				}
			}
			pos := 0
			for _, x := range xs {
				if x > 0 {
					pos++
				}
			}
			if want := float64(pos) / float64(n); got.PPositive != want {
				t.Errorf("%s, n=%d: P(>0) %v, want %v", name, n, got.PPositive, want)
			}
			if got.Min != sorted[0] || got.Max != sorted[n-1] {
				t.Errorf("%s, n=%d: min/max %v %v, sort gives %v %v", name, n, got.Min, got.Max, sorted[0], sorted[n-1])
			}
			if h := NewHistogram(sorted, 20); !slices.Equal(h.Counts, got.Histogram.Counts) {
				t.Errorf("%s, n=%d: histogram %v, want %v", name, n, got.Histogram.Counts, h.Counts)
			}
			for _, bins := range []int{1, 2, 7} { // a true/false value's is 2
				if h, got := NewHistogram(sorted, bins), Summarize(xs, bins, nil).Histogram; !slices.Equal(h.Counts, got.Counts) {
					t.Errorf("%s, n=%d: %d-bin histogram %v, want %v", name, n, bins, got.Counts, h.Counts)
				}
			}
			// The curve from the same passes is Curve's, and both are the
			// sorted values' quantiles.
			again, curve := SummarizeCurve(xs, 20, CurvePoints)
			if !slices.EqualFunc(again.Quantiles, got.Quantiles, same) || !slices.EqualFunc(curve, Curve(xs, CurvePoints), same) {
				t.Errorf("%s, n=%d: SummarizeCurve differs from Summarize and Curve", name, n)
			}
			for i, x := range curve {
				if want := Quantile(sorted, float64(i)/(CurvePoints-1)); !same(x, want) {
					t.Errorf("%s, n=%d: curve point %d = %v, sort gives %v", name, n, i, x, want)
					break
				}
			}
		}
	}
}

// same reports whether x and y are the same quantile: equal (±0 alike),
// or both NaN (interpolating across a range that overflows).
func same(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) }

// BenchmarkSummarize: an exact summary of a million values, per value,
// of one sign and of both (a party's net outcome).
//
//	go test ./engine/stats -run '^$' -bench Summarize$
func BenchmarkSummarize(b *testing.B) {
	for _, mean := range []float64{1e8, 3e6} {
		rng := rand.New(rand.NewPCG(1, 2))
		xs := make([]float64, 1_000_000)
		for i := range xs {
			xs[i] = rng.NormFloat64()*6e7 + mean
		}
		b.Run(map[float64]string{1e8: "positive", 3e6: "mixed"}[mean], func(b *testing.B) {
			for b.Loop() {
				Summarize(xs, 20, nil)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(xs)), "ns/value")
		})
	}
}
