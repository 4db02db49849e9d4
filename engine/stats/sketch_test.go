package stats

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestSketchAccuracy: every quantile from the sketch is within
// SketchAccuracy (relative) of the exact one's order statistics, on
// samples with both signs, zeros, ties and a wide range.
func TestSketchAccuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 5))
	gens := map[string]func() float64{
		"normal":    func() float64 { return r.NormFloat64()*1e8 + 3e6 },
		"lognormal": func() float64 { return math.Exp(r.NormFloat64() * 5) },
		"bool":      func() float64 { return float64(r.IntN(2)) },
		"mixed": func() float64 {
			if r.IntN(10) == 0 {
				return 0
			}
			return (r.Float64() - 0.3) * 1e3
		},
	}
	for name, gen := range gens {
		xs := make([]float64, 100_001)
		var s Sketch
		var m Moments
		for i := range xs {
			xs[i] = gen()
			s.Add(xs[i])
			m.Add(xs[i])
		}
		sorted := slices.Sorted(slices.Values(xs))
		got := s.Quantiles(Probs, m.Min, m.Max)
		for i, p := range Probs {
			h := float64(len(xs)-1) * p
			k := int(h)
			bound := SketchAccuracy * math.Max(math.Abs(sorted[k]), math.Abs(sorted[min(k+1, len(xs)-1)]))
			if want := Quantile(sorted, p); math.Abs(got[i]-want) > bound*(1+1e-12) {
				t.Errorf("%s p%v: sketch %v, exact %v, allowed error %v", name, p, got[i], want, bound)
			}
		}
		exact := Summarize(xs, 20, nil)
		if math.Abs(m.Mean-exact.Mean) > 1e-9*math.Abs(exact.SD) || math.Abs(m.SD()-exact.SD) > 1e-9*exact.SD {
			t.Errorf("%s: moments %v ± %v, exact %v ± %v", name, m.Mean, m.SD(), exact.Mean, exact.SD)
		}
		if m.Min != sorted[0] || m.Max != sorted[len(xs)-1] {
			t.Errorf("%s: min/max", name)
		}
		hist := s.Histogram(20, m.Min, m.Max)
		total := 0
		for _, c := range hist.Counts {
			total += c
		}
		if total != len(xs) {
			t.Errorf("%s: histogram counts %d values of %d", name, total, len(xs))
		}
	}
}

// TestSketchMergeOrder: merging the same parts in any grouping gives the
// same sketch, so results do not depend on the number of workers.
func TestSketchMergeOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 1))
	parts := make([]Sketch, 7)
	var all Sketch
	for i := range 70_000 {
		x := r.NormFloat64() * math.Pow(10, float64(i%5))
		parts[i%7].Add(x)
		all.Add(x)
	}
	var a, b Sketch
	for i := range parts {
		a.Merge(&parts[i])
		b.Merge(&parts[len(parts)-1-i])
	}
	qa, qb, qall := a.Quantiles(Probs, -1e9, 1e9), b.Quantiles(Probs, -1e9, 1e9), all.Quantiles(Probs, -1e9, 1e9)
	if !slices.Equal(qa, qb) || !slices.Equal(qa, qall) {
		t.Errorf("merge order changes quantiles: %v %v %v", qa, qb, qall)
	}
}

// BenchmarkSummaries: an exact summary (sort) against a streaming one
// (moments and sketch), per value.
//
//	go test ./engine/stats -run '^$' -bench Summar
func BenchmarkSummaries(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	xs := make([]float64, 200_000)
	for i := range xs {
		xs[i] = r.NormFloat64()*1e8 + 1e6
	}
	scratch := make([]float64, len(xs))
	b.Run("exact", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			Summarize(xs, 20, scratch)
		}
		b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N*len(xs)), "ns/value")
	})
	b.Run("sketch", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			var s Sketch
			var m Moments
			for _, x := range xs {
				s.Add(x)
				m.Add(x)
			}
			SketchSummary(m, &s, 20)
		}
		b.ReportMetric(b.Elapsed().Seconds()*1e9/float64(b.N*len(xs)), "ns/value")
	})
}

// TestAboveEach: AboveEach counts, at each time, the values above it as
// their buckets' clamped values, as one count of each bucket at a time
// gives.
func TestAboveEach(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var s Sketch
	lo, hi := math.Inf(1), math.Inf(-1)
	for range 20000 {
		x := r.ExpFloat64()*3 - 0.5
		if r.IntN(10) == 0 {
			x = 0
		}
		s.Add(x)
		lo, hi = min(lo, x), max(hi, x)
	}
	ts := []float64{-1, lo, -0.25, 0, 0.5, 1, 2.5, 7, hi, 100}
	got := s.AboveEach(ts, lo, hi)
	vals, counts := s.cells()
	for i, t0 := range ts {
		var want uint64
		for k, v := range vals {
			if math.Min(math.Max(v, lo), hi) > t0 {
				want += counts[k]
			}
		}
		if got[i] != want {
			t.Errorf("above %g: %d, want %d", t0, got[i], want)
		}
	}
	if got[0] != 20000 || got[len(ts)-1] != 0 {
		t.Errorf("above %g and %g: %d and %d, want all and none", ts[0], ts[len(ts)-1], got[0], got[len(ts)-1])
	}
}
