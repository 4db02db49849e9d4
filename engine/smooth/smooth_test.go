package smooth

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/settle-sim/settle/engine/sensitivity"
)

// rmsError is the root mean square of fitted − truth over the trials.
func rmsError(fitted, truth []float64) float64 {
	var s float64
	for i := range fitted {
		d := fitted[i] - truth[i]
		s += d * d
	}
	return math.Sqrt(s / float64(len(fitted)))
}

// A smooth of one covariate recovers a nonlinear mean: the fit's error
// is of the order of σ·√(EDF/n), far below the noise.
func TestFitOneCovariate(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	const n = 20000
	x, y, truth := make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		x[i] = r.NormFloat64() * 2
		truth[i] = math.Sin(x[i]) + 0.3*x[i]
		y[i] = truth[i] + r.NormFloat64()
	}
	b, err := New(x)
	if err != nil {
		t.Fatal(err)
	}
	f, err := b.Fit(y)
	if err != nil {
		t.Fatal(err)
	}
	bound := 3 * math.Sqrt(f.EDF/n) // σ = 1
	if e := rmsError(f.Fitted, truth); e > bound {
		t.Errorf("rms error %.4f, want < %.4f (EDF %.1f, λ %.3g)", e, bound, f.EDF, f.Lambda)
	}
	if math.Abs(f.Sigma-1) > 0.05 {
		t.Errorf("sigma %.3f, want 1", f.Sigma)
	}
	if f.EDF < 4 {
		t.Errorf("EDF %.1f: a sine needs more than a line", f.EDF)
	}
}

// A straight line is in the penalty's null space: GCV takes a large λ
// and the fit has about 2 degrees of freedom.
func TestFitLine(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	const n = 5000
	x, y := make([]float64, n), make([]float64, n)
	for i := range n {
		x[i] = r.Float64()
		y[i] = 5 + 2*x[i] + r.NormFloat64()
	}
	b, _ := New(x)
	f, err := b.Fit(y)
	if err != nil {
		t.Fatal(err)
	}
	if f.EDF > 4 {
		t.Errorf("EDF %.2f for a straight line, want about 2", f.EDF)
	}
}

// A covariate with few values gets indicators: the fit is each value's
// mean of y, exactly.
func TestFitDiscreteIsGroupMeans(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	const n = 3000
	x, y := make([]float64, n), make([]float64, n)
	sum, cnt := map[float64]float64{}, map[float64]float64{}
	for i := range n {
		x[i] = float64(r.IntN(3))
		y[i] = x[i]*x[i] + r.NormFloat64()
		sum[x[i]] += y[i]
		cnt[x[i]]++
	}
	b, _ := New(x)
	f, err := b.Fit(y)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if want := sum[x[i]] / cnt[x[i]]; math.Abs(f.Fitted[i]-want) > 1e-7 {
			t.Fatalf("trial %d: fitted %v, want the mean at %v, %v", i, f.Fitted[i], x[i], want)
		}
	}
}

// Two covariates: the tensor product models their interaction, which an
// additive fit would miss entirely (x1·x2 has no main effects).
func TestFitInteraction(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	const n = 20000
	x1, x2, y, truth := make([]float64, n), make([]float64, n), make([]float64, n), make([]float64, n)
	for i := range n {
		x1[i], x2[i] = r.NormFloat64(), r.NormFloat64()
		truth[i] = x1[i] * x2[i]
		y[i] = truth[i] + 0.5*r.NormFloat64()
	}
	b, err := New(x1, x2)
	if err != nil {
		t.Fatal(err)
	}
	f, err := b.Fit(y)
	if err != nil {
		t.Fatal(err)
	}
	// The truth has variance 1; the fit should explain nearly all of it.
	if e := rmsError(f.Fitted, truth); e > 0.1 {
		t.Errorf("rms error %.3f of x1·x2 (variance 1), want < 0.1 (EDF %.1f)", e, f.EDF)
	}
}

// Mixed margins and three covariates: a discrete one with two splines.
func TestFitThreeMixed(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	const n = 20000
	a, x1, x2 := make([]float64, n), make([]float64, n), make([]float64, n)
	y, truth := make([]float64, n), make([]float64, n)
	for i := range n {
		if r.Float64() < 0.4 {
			a[i] = 1
		}
		x1[i], x2[i] = r.Float64(), r.Float64()
		truth[i] = a[i] * x1[i] * (1 + x2[i])
		y[i] = truth[i] + 0.2*r.NormFloat64()
	}
	b, err := New(a, x1, x2)
	if err != nil {
		t.Fatal(err)
	}
	f, err := b.Fit(y)
	if err != nil {
		t.Fatal(err)
	}
	if e := rmsError(f.Fitted, truth); e > 0.03 {
		t.Errorf("rms error %.4f, want < 0.03 (EDF %.1f)", e, f.EDF)
	}
}

func TestNewErrors(t *testing.T) {
	x := []float64{1, 2, 3}
	for _, tc := range []struct {
		name string
		xs   [][]float64
	}{
		{"none", nil},
		{"too many", [][]float64{x, x, x, x, x}},
		{"lengths", [][]float64{x, {1, 2}}},
		{"nan", [][]float64{{1, math.NaN(), 3}}},
	} {
		if _, err := New(tc.xs...); err == nil {
			t.Errorf("%s: no error", tc.name)
		}
	}
}

// Perturbed fits scatter around the fit with about the spread the
// regression's noise gives the fitted values.
func TestPerturb(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	const n = 4000
	x, y := make([]float64, n), make([]float64, n)
	for i := range n {
		x[i] = r.Float64()
		y[i] = x[i] + r.NormFloat64()
	}
	b, _ := New(x)
	f, _ := b.Fit(y)
	dst := make([]float64, 1)
	var s, ss float64
	const draws = 2000
	for range draws {
		f.Perturb(r.NormFloat64, []int{0}, dst)
		d := dst[0] - f.Fitted[0]
		s += d
		ss += d * d
	}
	mean := s / draws
	sd := math.Sqrt(ss / draws)
	// The fitted value's SD is about σ·√(EDF/n)·(a few near the edge).
	if sd <= 0 || sd > 10*math.Sqrt(f.EDF/n) {
		t.Errorf("perturbed SD %.4f, want about %.4f", sd, math.Sqrt(f.EDF/n))
	}
	if math.Abs(mean) > 4*sd/math.Sqrt(draws) {
		t.Errorf("perturbed fits centre on %.4f, want 0 ± %.4f", mean, 4*sd/math.Sqrt(draws))
	}
}

// ranks agrees with sensitivity.Ranks, ties included.
func TestRanks(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	x := make([]float64, 5000)
	for i := range x {
		x[i] = float64(r.IntN(300)) // many ties
	}
	want := sensitivity.Ranks(x)
	for i, got := range ranks(x) {
		if got != want[i] {
			t.Fatalf("rank of x[%d] = %v: %v, want %v", i, x[i], got, want[i])
		}
	}
}
