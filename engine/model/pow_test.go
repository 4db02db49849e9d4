package model

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestPowBaseMatchesPow(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	bases := []float64{1.035, 0.5, 2, 1, 0, -2, 1e-300, 1e300, math.Inf(1), math.NaN(), 10, 0.999999}
	ys := []float64{0, 1, -1, 0.5, -0.5, 2, -3.5, 1e20, -1e20, math.Inf(1), math.Inf(-1), math.NaN(), 1 << 63, 1e-320}
	for range 20_000 {
		ys = append(ys, (r.Float64()-0.5)*20, (r.Float64()-0.5)*2000)
	}
	for range 200 {
		bases = append(bases, r.Float64()*3, math.Exp((r.Float64()-0.5)*100))
	}
	for _, x := range bases {
		b := newPowBase(x)
		for _, y := range ys {
			got, want := b.pow(y), math.Pow(x, y)
			if got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Fatalf("pow(%v, %v) = %v, math.Pow %v", x, y, got, want)
			}
		}
	}
}
