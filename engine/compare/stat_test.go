package compare

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"gonum.org/v1/gonum/stat"
)

func TestKolmogorovQ(t *testing.T) {
	// Critical values of the Kolmogorov distribution.
	for _, tc := range []struct{ lambda, p float64 }{
		{0, 1}, {0.5, 0.9639}, {1.0, 0.2700}, {1.2238, 0.10}, {1.3581, 0.05}, {1.6276, 0.01}, {1.9495, 0.001}, {3, 3.05e-8},
	} {
		got := kolmogorovQ(tc.lambda)
		if math.Abs(got-tc.p) > 1e-4*math.Max(1, tc.p*10) && math.Abs(got-tc.p)/tc.p > 1e-2 {
			t.Errorf("Q(%v) = %.6g, want %.6g", tc.lambda, got, tc.p)
		}
	}
	// The two series agree where they meet.
	for _, l := range []float64{0.9, 1.18, 1.5} {
		if lo, hi := qSmall(l), qLarge(l); math.Abs(lo-hi) > 1e-12 {
			t.Errorf("series disagree at %v: %v and %v", l, lo, hi)
		}
	}
}

func TestKolmogorovSmirnovD(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name string
		x, y []float64
	}{
		{"continuous", normals(r, 1000, 0), normals(r, 1700, 0.1)},
		{"ties", rounded(normals(r, 500, 0)), rounded(normals(r, 800, 0.3))},
		{"bools", bools(r, 1000, 0.4), bools(r, 1200, 0.5)},
	} {
		got := KolmogorovSmirnov(tc.x, tc.y)
		a, b := slices.Clone(tc.x), slices.Clone(tc.y)
		slices.Sort(a)
		slices.Sort(b)
		want := bruteD(a, b)
		if math.Abs(got.D-want) > 1e-12 {
			t.Errorf("%s: D = %v, want %v", tc.name, got.D, want)
		}
		if tc.name == "continuous" {
			if g := stat.KolmogorovSmirnov(a, nil, b, nil); math.Abs(g-want) > 1e-12 {
				t.Errorf("%s: gonum D = %v, want %v", tc.name, g, want)
			}
		}
	}
	if ks := KolmogorovSmirnov([]float64{1, 2, 3}, []float64{3, 2, 1}); ks.D != 0 || ks.P != 1 {
		t.Errorf("same values: %+v", ks)
	}
	if ks := KolmogorovSmirnov([]float64{0, 0, 0}, []float64{1, 1, 1}); ks.D != 1 {
		t.Errorf("disjoint: %+v", ks)
	}
}

// bruteD evaluates both empirical CDFs at every value.
func bruteD(a, b []float64) float64 {
	cdf := func(s []float64, v float64) float64 {
		n := 0
		for _, x := range s {
			if x <= v {
				n++
			}
		}
		return float64(n) / float64(len(s))
	}
	d := 0.0
	for _, v := range append(slices.Clone(a), b...) {
		d = math.Max(d, math.Abs(cdf(a, v)-cdf(b, v)))
	}
	return d
}

func normals(r *rand.Rand, n int, mu float64) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = mu + r.NormFloat64()
	}
	return xs
}

func rounded(xs []float64) []float64 {
	for i := range xs {
		xs[i] = math.Round(xs[i] * 2)
	}
	return xs
}

func bools(r *rand.Rand, n int, p float64) []float64 {
	xs := make([]float64, n)
	for i := range xs {
		if r.Float64() < p {
			xs[i] = 1
		}
	}
	return xs
}

func TestWelch(t *testing.T) {
	// Example 1 of the Wikipedia article on Welch's t-test.
	a1 := []float64{27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7, 21.4}
	a2 := []float64{27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5, 24.4}
	m1, s1 := stat.MeanStdDev(a1, nil)
	m2, s2 := stat.MeanStdDev(a2, nil)
	w := Welch(m1, s1/math.Sqrt(15), 15, m2, s2/math.Sqrt(15), 15, 0.95)
	if tt := w.Diff / w.SE; math.Abs(tt-2.46) > 0.005 {
		t.Errorf("t = %v, want 2.46", tt)
	}
	if math.Abs(w.DF-24.99) > 0.01 {
		t.Errorf("df = %v, want 24.99", w.DF)
	}
	if math.Abs(w.P-0.021) > 0.0005 {
		t.Errorf("p = %v, want 0.021", w.P)
	}
	if !(w.Lo < w.Diff && w.Diff < w.Hi && w.Lo > 0) {
		t.Errorf("CI [%v, %v] around %v", w.Lo, w.Hi, w.Diff)
	}
	// No variation: the difference is exact.
	if w := Welch(5, 0, 10, 5, 0, 10, 0.95); w.P != 1 || w.Lo != 0 || w.Hi != 0 {
		t.Errorf("constant, equal: %+v", w)
	}
	if w := Welch(5, 0, 10, 6, 0, 10, 0.95); w.P != 0 || w.Lo != 1 || w.Hi != 1 {
		t.Errorf("constant, different: %+v", w)
	}
}

func TestPaired(t *testing.T) {
	old := []float64{1, 2, 3, 4, 5, 6}
	new := []float64{1.1, 2.3, 3.0, 4.4, 5.2, 6.3}
	p := Paired(old, new, 0.95)
	// d = .1 .3 0 .4 .2 .3: mean 0.21667, sd 0.14720, se 0.060093, t 3.6055, df 5
	if math.Abs(p.Diff-0.216667) > 1e-5 || math.Abs(p.SE-0.060093) > 1e-5 || p.DF != 5 {
		t.Errorf("paired: %+v", p)
	}
	if math.Abs(p.P-0.01546) > 2e-4 {
		t.Errorf("p = %v, want 0.0155", p.P)
	}
	if p := Paired(old, old, 0.95); p.P != 1 || p.Diff != 0 {
		t.Errorf("identical: %+v", p)
	}
}

func TestHolm(t *testing.T) {
	got := Holm([]float64{0.01, 0.04, 0.03, 0.005})
	want := []float64{0.03, 0.06, 0.06, 0.02}
	for i := range want {
		if math.Abs(got[i]-want[i]) > 1e-12 {
			t.Errorf("Holm = %v, want %v", got, want)
			break
		}
	}
}
