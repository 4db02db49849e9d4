package decision

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestExpSumCertaintyEquivalent: the streamed certainty equivalent,
// added in blocks and merged in order, equals the one over all outcomes
// at once to rounding, and stays finite where e^(−x/R) alone overflows.
func TestExpSumCertaintyEquivalent(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	const r = 250e6
	for _, scale := range []float64{1e6, 1e8, 1e12} { // 1e12/R = 4000: e^4000 overflows
		xs := make([]float64, 100_000)
		for i := range xs {
			xs[i] = rng.NormFloat64() * scale
		}
		want := Attitude{RiskTolerance: r}.CertaintyEquivalent(xs)
		var total ExpSum
		for b := 0; b < len(xs); b += 1024 {
			var e ExpSum
			for _, x := range xs[b:min(b+1024, len(xs))] {
				e.Add(-x / r)
			}
			total.Merge(e)
		}
		got := total.CertaintyEquivalent(r)
		if math.IsInf(got, 0) || math.IsNaN(got) || math.Abs(got-want) > 1e-9*math.Abs(want) {
			t.Errorf("scale %g: streamed CE %v, over all outcomes %v", scale, got, want)
		}
		// Its standard error is the one from the kept outcomes.
		_, wantSE := Attitude{RiskTolerance: r}.CertaintyEquivalentSE(xs)
		if se, ok := total.CertaintyEquivalentSE(r); !ok || math.Abs(se-wantSE) > 1e-9*wantSE {
			t.Errorf("scale %g: streamed SE %v (%v), over all outcomes %v", scale, se, ok, wantSE)
		}
	}
	// A normal outcome's CE is μ − σ²/2R: within 4 standard errors.
	const mu, sigma = 3e7, 5e7
	var e ExpSum
	n := 400_000
	for range n {
		e.Add(-(mu + sigma*rng.NormFloat64()) / r)
	}
	// The SE of the CE: sd(e^(−X/R)) / (E[e^(−X/R)]·√n) · R.
	s2 := sigma * sigma / (r * r)
	se := r * math.Sqrt(math.Expm1(s2)) / math.Sqrt(float64(n))
	if want, got := mu-sigma*sigma/(2*r), e.CertaintyEquivalent(r); math.Abs(got-want) > 4*se {
		t.Errorf("normal outcome: CE %v, want μ − σ²/2R = %v (4 SE = %v)", got, want, 4*se)
	}
	// The streamed SE estimates that closed form: its own relative error
	// is about √((kurtosis of u − 1)/4n), well under 1% here.
	if got, ok := e.CertaintyEquivalentSE(r); !ok || math.Abs(got-se) > 0.01*se {
		t.Errorf("normal outcome: SE %v (%v), want %v", got, ok, se)
	}
}

// TestExpSumSEIllConditioned: where the outcomes' spread is tiny beside
// R, so that u = e^(−x/R) is nearly constant and Q − S²/n cancels, the
// streamed SE declines rather than answer with noise; fewer than two
// outcomes have an SE of 0.
func TestExpSumSEIllConditioned(t *testing.T) {
	const r = 1e15
	var e ExpSum
	for i := range 1000 {
		e.Add(-(1e6 + float64(i%7)) / r)
	}
	if se, ok := e.CertaintyEquivalentSE(r); ok {
		t.Errorf("spread 7 beside R = 1e15: SE %v given", se)
	}
	var one ExpSum
	one.Add(0.5)
	if se, ok := one.CertaintyEquivalentSE(1); !ok || se != 0 {
		t.Errorf("one outcome: SE %v, %v", se, ok)
	}
}
