package sensitivity

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/settle-sim/settle/internal/longtest"
)

// saltelli evaluates f on Saltelli's design for k independent inputs drawn
// by draw: yA, yB and yAB[i].
func saltelli(r *rand.Rand, n, k int, draw func(i int) float64, f func(x []float64) float64) (yA, yB []float64, yAB [][]float64) {
	yA, yB = make([]float64, n), make([]float64, n)
	yAB = make([][]float64, k)
	for i := range yAB {
		yAB[i] = make([]float64, n)
	}
	a, b, ab := make([]float64, k), make([]float64, k), make([]float64, k)
	for j := range n {
		for i := range k {
			a[i], b[i] = draw(i), draw(i)
		}
		yA[j], yB[j] = f(a), f(b)
		for i := range k {
			copy(ab, a)
			ab[i] = b[i]
			yAB[i][j] = f(ab)
		}
	}
	return yA, yB, yAB
}

func checkIndex(t *testing.T, what string, got, lo, hi, se, want float64) {
	t.Helper()
	if math.Abs(got-want) > 4*se || want < lo-1e-12 || want > hi+1e-12 {
		t.Errorf("%s = %.4f [%.4f, %.4f] ± %.4f, want %.4f", what, got, lo, hi, se, want)
	}
}

// A linear model of independent normals: Sᵢ = S_Tᵢ = aᵢ²σᵢ² / Σⱼ aⱼ²σⱼ².
func TestSobolLinear(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	coef := []float64{1, 2, -1, 0}
	sd := []float64{1, 1, 3, 5}
	var total float64
	for i := range coef {
		total += coef[i] * coef[i] * sd[i] * sd[i]
	}
	yA, yB, yAB := saltelli(r, 20_000, 4, func(i int) float64 { return 10 + sd[i]*r.NormFloat64() }, func(x []float64) float64 {
		var y float64
		for i, c := range coef {
			y += c * x[i]
		}
		return 1e6 + y // a large mean, as money has: the centred estimator ignores it
	})
	idx := Sobol(yA, yB, yAB, SobolOptions{Seed: 1})
	for i, s := range idx {
		want := coef[i] * coef[i] * sd[i] * sd[i] / total
		checkIndex(t, "first", s.First, s.FirstLo, s.FirstHi, s.FirstSE, want)
		checkIndex(t, "total", s.Total, s.TotalLo, s.TotalHi, s.TotalSE, want)
	}
}

// Y = X₁ + X₂ + X₁X₂ with standard normals: Var Y = 3, Sᵢ = 1/3 and
// S_Tᵢ = 2/3, the interaction's third counted in both totals; X₃ does
// nothing.
func TestSobolInteraction(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	yA, yB, yAB := saltelli(r, 40_000, 3, func(int) float64 { return r.NormFloat64() }, func(x []float64) float64 {
		return x[0] + x[1] + x[0]*x[1]
	})
	idx := Sobol(yA, yB, yAB, SobolOptions{Seed: 2})
	for i, want := range [][2]float64{{1. / 3, 2. / 3}, {1. / 3, 2. / 3}, {0, 0}} {
		s := idx[i]
		checkIndex(t, "first", s.First, s.FirstLo, s.FirstHi, s.FirstSE, want[0])
		checkIndex(t, "total", s.Total, s.TotalLo, s.TotalHi, s.TotalSE, want[1])
	}
	// The interaction's share: S_T − S = 1/3 for X₁, within its SE.
	if d := idx[0].Total - idx[0].First; math.Abs(d-1./3) > 4*math.Hypot(idx[0].TotalSE, idx[0].FirstSE) {
		t.Errorf("S_T − S = %.4f, want 1/3", d)
	}
	if idx[2].Total != 0 || idx[2].TotalSE != 0 {
		t.Errorf("an input the output ignores: total %v ± %v, want exactly 0", idx[2].Total, idx[2].TotalSE)
	}
}

// The bootstrap's intervals cover the truth about as often as they say:
// over many independent designs, the 95% intervals of the linear model's
// indices cover in 90–99% of them (60 designs, 240 intervals; 400 designs
// with SETTLE_LONG=1).
func TestSobolCoverage(t *testing.T) {
	designs := 60
	if longtest.Enabled() {
		designs = 400
	}
	covered, total := 0, 0
	for d := range uint64(designs) {
		r := rand.New(rand.NewPCG(d, 77))
		yA, yB, yAB := saltelli(r, 2000, 2, func(int) float64 { return r.NormFloat64() }, func(x []float64) float64 {
			return x[0] + 2*x[1]
		})
		idx := Sobol(yA, yB, yAB, SobolOptions{Seed: d, Resamples: 400})
		for i, want := range []float64{0.2, 0.8} {
			for _, iv := range [][2]float64{{idx[i].FirstLo, idx[i].FirstHi}, {idx[i].TotalLo, idx[i].TotalHi}} {
				total++
				if iv[0] <= want && want <= iv[1] {
					covered++
				}
			}
		}
	}
	c := float64(covered) / float64(total)
	if c < 0.90 || c > 0.99 {
		t.Errorf("95%% intervals covered the truth in %.1f%% of %d cases", 100*c, total)
	}
	t.Logf("95%% intervals covered the truth in %.1f%% of %d cases", 100*c, total)
}

func TestSobolConstantOutput(t *testing.T) {
	y := []float64{3, 3, 3, 3}
	if idx := Sobol(y, y, [][]float64{y}, SobolOptions{}); idx != nil {
		t.Errorf("constant output: %v, want nil", idx)
	}
}
