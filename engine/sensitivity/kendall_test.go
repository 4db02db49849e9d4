package sensitivity

import (
	"math"
	"math/rand/v2"
	"testing"
)

// bruteKendall is tau-b by its definition, over every pair.
func bruteKendall(xs, ys []float64) float64 {
	var s, tx, ty float64
	n := len(xs)
	for i := range n {
		for j := i + 1; j < n; j++ {
			dx, dy := xs[i]-xs[j], ys[i]-ys[j]
			s += sign(dx) * sign(dy)
			if dx == 0 {
				tx++
			}
			if dy == 0 {
				ty++
			}
		}
	}
	n0 := float64(n) * float64(n-1) / 2
	return s / math.Sqrt((n0-tx)*(n0-ty))
}

func sign(x float64) float64 {
	switch {
	case x > 0:
		return 1
	case x < 0:
		return -1
	}
	return 0
}

func TestKendallMatchesDefinition(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{2, 3, 10, 57, 300} {
		for _, ties := range []bool{false, true} {
			xs, ys := make([]float64, n), make([]float64, n)
			for i := range n {
				xs[i] = r.NormFloat64()
				ys[i] = 0.5*xs[i] + r.NormFloat64()
				if ties {
					xs[i], ys[i] = math.Round(xs[i]), math.Round(2*ys[i])
				}
			}
			got, _ := Kendall(xs, ys)
			if want := bruteKendall(xs, ys); math.Abs(got-want) > 1e-12 && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("n=%d ties=%v: Kendall %.15g, by definition %.15g", n, ties, got, want)
			}
		}
	}
}

// TestKendallSE: over independent samples of a bivariate normal, tau
// averages (2/π) asin ρ and its spread matches the standard error.
func TestKendallSE(t *testing.T) {
	const rho, n, reps = 0.6, 2000, 200
	want := 2 / math.Pi * math.Asin(rho)
	r := rand.New(rand.NewPCG(3, 4))
	xs, ys := make([]float64, n), make([]float64, n)
	var taus, ses []float64
	for range reps {
		for i := range n {
			z1, z2 := r.NormFloat64(), r.NormFloat64()
			xs[i], ys[i] = z1, rho*z1+math.Sqrt(1-rho*rho)*z2
		}
		tau, se := Kendall(xs, ys)
		taus, ses = append(taus, tau), append(ses, se)
	}
	mean, sd, meanSE := 0.0, 0.0, 0.0
	for i := range taus {
		mean += taus[i] / reps
		meanSE += ses[i] / reps
	}
	for _, x := range taus {
		sd += (x - mean) * (x - mean) / (reps - 1)
	}
	sd = math.Sqrt(sd)
	if math.Abs(mean-want) > 4*sd/math.Sqrt(reps) {
		t.Errorf("mean tau %.4f, want %.4f ± %.4f", mean, want, 4*sd/math.Sqrt(reps))
	}
	// The spread of an SD over 200 samples is about 5%.
	if ratio := meanSE / sd; ratio < 0.85 || ratio > 1.15 {
		t.Errorf("se %.4g against the spread of tau %.4g (ratio %.3f)", meanSE, sd, ratio)
	}
}
