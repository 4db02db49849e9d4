package sensitivity

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

func TestRanksTies(t *testing.T) {
	got := Ranks([]float64{10, 30, 20, 30, 10, 40})
	want := []float64{1.5, 4.5, 3, 4.5, 1.5, 6}
	if !slices.Equal(got, want) {
		t.Errorf("Ranks = %v, want %v", got, want)
	}
}

func TestSpearman(t *testing.T) {
	xs := []float64{1, 2, 3, 4, 5}
	tests := []struct {
		ys   []float64
		want float64
	}{
		{[]float64{1, 8, 27, 64, 125}, 1}, // monotone, not linear
		{[]float64{5, 4, 3, 2, 1}, -1},    // reversed
		{[]float64{2, 1, 4, 3, 5}, 0.8},   // 1 − 6·4/(5·24)
		{[]float64{7, 7, 7, 7, 7}, math.NaN()},
	}
	for _, tt := range tests {
		got := Spearman(xs, tt.ys)
		if math.IsNaN(tt.want) != math.IsNaN(got) || !math.IsNaN(got) && math.Abs(got-tt.want) > 1e-12 {
			t.Errorf("Spearman(%v) = %v, want %v", tt.ys, got, tt.want)
		}
	}
}

// TestSpearmanBivariateNormal: for a bivariate normal with correlation ρ
// the rank correlation is (6/π)·asin(ρ/2).
func TestSpearmanBivariateNormal(t *testing.T) {
	const n, rho = 50_000, 0.6
	r := rand.New(rand.NewPCG(5, 6))
	xs, ys := make([]float64, n), make([]float64, n)
	for i := range xs {
		a, b := r.NormFloat64(), r.NormFloat64()
		xs[i] = a
		ys[i] = rho*a + math.Sqrt(1-rho*rho)*b
	}
	want := 6 / math.Pi * math.Asin(rho/2)
	// The standard error of Spearman's ρ is about (1 − ρ_s²)/√(n − 1)
	// for large n; 4 of them is a generous bound.
	se := (1 - want*want) / math.Sqrt(n-1)
	if got := Spearman(xs, ys); math.Abs(got-want) > 4*se {
		t.Errorf("Spearman = %v, want %v ± %v", got, want, 4*se)
	}
}

func TestTornadoOrder(t *testing.T) {
	bars := Tornado([]Bar{
		{Input: "a", MeanLow: 10, MeanHigh: 12},
		{Input: "b", MeanLow: 20, MeanHigh: 5},
		{Input: "c", MeanLow: 0, MeanHigh: 7},
	})
	var order []string
	for _, b := range bars {
		order = append(order, b.Input)
	}
	if !slices.Equal(order, []string{"b", "c", "a"}) || bars[0].Swing != 15 {
		t.Errorf("order %v, swings %v", order, bars)
	}
}

// TestOrderIsStableSort: the radix sort orders values as a stable
// comparison sort does, ties (−0 with +0 among them) in index order,
// with negative values, infinities, subnormals, many ties and every
// value alike; and the ranks it gives average each tie's.
func TestOrderIsStableSort(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	special := []float64{0, math.Copysign(0, -1), math.Inf(1), math.Inf(-1), 5e-324, -5e-324, math.MaxFloat64, -math.MaxFloat64, 1, -1}
	cases := map[string][]float64{"empty": {}, "one": {3}, "alike": {2, 2, 2, 2}}
	for _, n := range []int{2, 17, 1000, 70_000} {
		wide, ties, signed := make([]float64, n), make([]float64, n), make([]float64, n)
		for i := range wide {
			wide[i] = rng.NormFloat64() * math.Pow(10, float64(rng.IntN(40)-20))
			ties[i] = float64(rng.IntN(7)) - 3
			signed[i] = special[rng.IntN(len(special))]
		}
		cases["wide"+strconv.Itoa(n)], cases["ties"+strconv.Itoa(n)], cases["signed"+strconv.Itoa(n)] = wide, ties, signed
	}
	for name, xs := range cases {
		want := make([]int32, len(xs))
		for i := range want {
			want[i] = int32(i)
		}
		slices.SortStableFunc(want, func(a, b int32) int { return cmp.Compare(xs[a], xs[b]) })
		if got := order(xs); !slices.Equal(got, want) {
			t.Errorf("%s: order differs from a stable sort", name)
		}
		r := Ranks(xs)
		for i, x := range xs {
			below, equal := 0, 0
			for _, y := range xs {
				switch {
				case y < x:
					below++
				case y == x:
					equal++
				}
			}
			if want := float64(below) + float64(equal+1)/2; r[i] != want {
				t.Fatalf("%s: rank of %v is %v, want %v", name, x, r[i], want)
			}
			if i == 200 {
				break // the quadratic check on the first values only
			}
		}
	}
}

func BenchmarkRanks(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	xs := make([]float64, 50_000)
	for i := range xs {
		xs[i] = 1e8 * rng.NormFloat64()
	}
	for b.Loop() {
		Ranks(xs)
	}
}
