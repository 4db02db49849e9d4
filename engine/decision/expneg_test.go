package decision

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestExpNeg: expNeg is within two units in the last place of math.Exp
// over every scale of d ≤ 0 it is used at, exactly 1 at 0, and math.Exp's
// where the result is subnormal, 0 or NaN.
func TestExpNeg(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	check := func(d float64) {
		got, want := expNeg(d), math.Exp(d)
		if want == 0 || got == want {
			if got != want {
				t.Fatalf("expNeg(%v) = %v, want %v", d, got, want)
			}
			return
		}
		ulp := math.Nextafter(want, math.Inf(1)) - want
		if math.Abs(got-want) > 2*ulp {
			t.Fatalf("expNeg(%v) = %v, math.Exp %v: %.2f units in the last place apart", d, got, want, math.Abs(got-want)/ulp)
		}
	}
	for range 2_000_000 {
		check(-rng.Float64() * math.Pow(10, float64(rng.IntN(7)-4))) // -1e-4 … -1e2
		check(-rng.Float64() * 745.2)
	}
	for _, d := range []float64{0, math.Copysign(0, -1), -1e-300, -5e-324, -0.5, -1, -math.Ln2, -708, -708.0000001, -709, -745, -745.2, -746, -1e10, math.Inf(-1)} {
		check(d)
	}
	for j, x := range expTable { // the table against math.Exp2
		if want := math.Exp2(float64(j) / expN); math.Abs(x-want) > math.Nextafter(want, 2)-want {
			t.Errorf("2^(%d/64) is %v in the table, math.Exp2 gives %v", j, x, want)
		}
	}
	if got := expNeg(0); got != 1 {
		t.Errorf("expNeg(0) = %v", got)
	}
	if got := expNeg(math.NaN()); !math.IsNaN(got) {
		t.Errorf("expNeg(NaN) = %v", got)
	}
}

func BenchmarkExpNeg(b *testing.B) {
	xs := make([]float64, 1024)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range xs {
		xs[i] = -rng.Float64() * 5
	}
	var s float64
	b.Run("expNeg", func(b *testing.B) {
		for b.Loop() {
			for _, x := range xs {
				s += expNeg(x)
			}
		}
	})
	b.Run("math.Exp", func(b *testing.B) {
		for b.Loop() {
			for _, x := range xs {
				s += math.Exp(x)
			}
		}
	})
	_ = s
}
