package voi

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/settle-sim/settle/engine/smooth"
	"github.com/settle-sim/settle/internal/longtest"
)

var stdNormal = distuv.Normal{Mu: 0, Sigma: 1}

// seeds is how many seeds a battery runs: short, or long with
// SETTLE_LONG=1.
func seeds(short, long uint64) uint64 {
	if longtest.Enabled() {
		return long
	}
	return short
}

// normalEVPI is E[max(D, 0)] − max(E D, 0) for D normal(mu, sigma):
// σφ(μ/σ) + μΦ(μ/σ) − max(μ, 0).
func normalEVPI(mu, sigma float64) float64 {
	z := mu / sigma
	return sigma*stdNormal.Prob(z) + mu*stdNormal.CDF(z) - math.Max(mu, 0)
}

// within fails unless |got − want| < 4·se.
func within(t *testing.T, what string, got Estimate, want float64) {
	t.Helper()
	if !(got.SE > 0) || math.Abs(got.Value-want) >= 4*got.SE {
		t.Errorf("%s = %.4f ± %.4f, want %.4f (off by %.1f SE)", what, got.Value, got.SE, want, math.Abs(got.Value-want)/got.SE)
	} else {
		t.Logf("%s = %.4f ± %.4f, want %.4f", what, got.Value, got.SE, want)
	}
}

func normals(r *rand.Rand, n int, mu, sigma float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = mu + sigma*r.NormFloat64()
	}
	return x
}

func constant(n int, v float64) []float64 {
	x := make([]float64, n)
	for i := range x {
		x[i] = v
	}
	return x
}

// Go to court for an uncertain payoff X ~ normal(100, 30) or settle for
// 110: D = 110 − X is normal(10, 30), and EVPI has a closed form. Every
// seed gives an estimate within 4 SE.
func TestEVPINormalClosedForm(t *testing.T) {
	for seed := range uint64(5) {
		r := rand.New(rand.NewPCG(seed, 1))
		const n = 100_000
		d := &Decision{Payoffs: [][]float64{normals(r, n, 100, 30), constant(n, 110)}}
		v, err := EVPI(d)
		if err != nil {
			t.Fatal(err)
		}
		within(t, "EVPI", v.Money, normalEVPI(10, 30))
		if v.CE != v.Money {
			t.Errorf("risk-neutral: CE %v differs from money %v", v.CE, v.Money)
		}
		// The decision without information is to settle, and perfect
		// information changes it when X > 110: P = 1 − Φ(1/3).
		want := 1 - stdNormal.CDF(10.0/30)
		if math.Abs(v.PChange-want) > 4*math.Sqrt(want*(1-want)/n) {
			t.Errorf("P(change) %.4f, want %.4f", v.PChange, want)
		}
	}
}

// The same decision for a risk-averse party with exponential utility:
// CE(court) = μ − σ²/2R, and E[exp(−max(f, X)/R)] has a closed form.
func TestEVPIRiskAverseClosedForm(t *testing.T) {
	const mu, sigma, f, R = 100.0, 30.0, 92.0, 200.0
	ceCourt := mu - sigma*sigma/(2*R) // 97.75: court is preferred to 92
	// E[e^{−max(f,X)/R}] = e^{−f/R}Φ((f−μ)/σ) + e^{−μ/R+σ²/2R²}(1 − Φ((f−μ+σ²/R)/σ)).
	eu := math.Exp(-f/R)*stdNormal.CDF((f-mu)/sigma) +
		math.Exp(-mu/R+sigma*sigma/(2*R*R))*(1-stdNormal.CDF((f-mu+sigma*sigma/R)/sigma))
	want := -R*math.Log(eu) - math.Max(ceCourt, f)
	r := rand.New(rand.NewPCG(7, 7))
	const n = 100_000
	d := &Decision{Payoffs: [][]float64{normals(r, n, mu, sigma), constant(n, f)}, RiskTolerance: R}
	v, err := EVPI(d)
	if err != nil {
		t.Fatal(err)
	}
	within(t, "EVPI on utility", v.CE, want)
	within(t, "EVPI in money", v.Money, normalEVPI(f-mu, sigma))
	m, u, _ := d.Choice()
	if m != 0 || u != 0 {
		t.Errorf("choice without information: money %d, utility %d; want court (0) on both", m, u)
	}
}

// The payoff of court is X + Y with X and Y independent normals: learning
// X alone leaves E[D | X] = f − X − E Y, normal with X's spread, so
// EVPPI(X) and EVPPI(Y) have closed forms too, and EVPPI(X, Y) = EVPI.
func TestEVPPINormalClosedForm(t *testing.T) {
	const n = 100_000
	r := rand.New(rand.NewPCG(3, 9))
	x, y := normals(r, n, 60, 25), normals(r, n, 40, 15)
	court := make([]float64, n)
	for i := range court {
		court[i] = x[i] + y[i]
	}
	const f = 95.0
	d := &Decision{Payoffs: [][]float64{court, constant(n, f)}}
	for _, tc := range []struct {
		name  string
		xs    [][]float64
		sigma float64
	}{
		{"x", [][]float64{x}, 25},
		{"y", [][]float64{y}, 15},
		{"x,y", [][]float64{x, y}, math.Hypot(25, 15)},
	} {
		b, err := smooth.New(tc.xs...)
		if err != nil {
			t.Fatal(err)
		}
		v, err := EVPPI(d, b)
		if err != nil {
			t.Fatal(err)
		}
		within(t, "EVPPI("+tc.name+")", v.Money, normalEVPI(f-100, tc.sigma))
		t.Logf("EVPPI(%s): Strong and Oakley's plug-in %.4f, EDF %.1f", tc.name, v.MoneyPlugIn, v.EDF)
	}
}

// An input that cannot change the decision is worth nothing: one
// independent of the payoffs (where the decision is close, so noise in
// the fit could cross it), and one that moves the payoff but never
// enough to change the choice (exactly 0).
func TestEVPPIIrrelevantInput(t *testing.T) {
	const n = 50_000
	for seed := range seeds(3, 20) {
		r := rand.New(rand.NewPCG(seed, 11))
		x := normals(r, n, 0, 1)
		noise := normals(r, n, 0, 1)
		court := normals(r, n, 100, 30)
		d := &Decision{Payoffs: [][]float64{court, constant(n, 100)}, RiskTolerance: 500}
		b, _ := smooth.New(x)
		v, err := EVPPI(d, b)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range []struct {
			what string
			est  Estimate
		}{{"money", v.Money}, {"CE", v.CE}} {
			if e.est.Value < 0 || e.est.Value > 4*e.est.SE && e.est.Value > 1e-9 {
				t.Errorf("seed %d: EVPPI of an independent input (%s) %.4f ± %.4f, want 0 within 4 SE", seed, e.what, e.est.Value, e.est.SE)
			}
		}
		// Court pays 100 + 5·noise (at most about 125) and settling pays
		// 200: noise moves the payoff but never the decision.
		for i := range court {
			court[i] = 100 + 5*noise[i]
		}
		d = &Decision{Payoffs: [][]float64{court, constant(n, 200)}}
		b, _ = smooth.New(noise)
		v, err = EVPPI(d, b)
		if err != nil {
			t.Fatal(err)
		}
		if v.Money.Value != 0 || v.Money.SE != 0 || v.PChange != 0 {
			t.Errorf("seed %d: EVPPI of an input that never changes the decision = %v ± %v (P(change) %v), want exactly 0",
				seed, v.Money.Value, v.Money.SE, v.PChange)
		}
	}
}

// EVPPI ≤ EVPI, in money and on utility, for single inputs and groups,
// over many random decisions with two or three actions whose payoffs
// depend nonlinearly on the inputs and on noise.
func TestEVPPINotAboveEVPI(t *testing.T) {
	const n = 5000
	for seed := range seeds(12, 200) {
		r := rand.New(rand.NewPCG(seed, 13))
		k := 2 + r.IntN(2)
		xs := [][]float64{normals(r, n, 0, 1), normals(r, n, 0, 1), make([]float64, n)}
		for i := range n {
			if r.Float64() < 0.4 {
				xs[2][i] = 1
			}
		}
		d := &Decision{RiskTolerance: []float64{0, 0.5, 3}[r.IntN(3)]}
		for range k {
			c := [5]float64{r.NormFloat64(), r.NormFloat64(), r.NormFloat64(), r.NormFloat64(), r.Float64()}
			p := make([]float64, n)
			for i := range p {
				x0, x1, b := xs[0][i], xs[1][i], xs[2][i]
				p[i] = c[0] + c[1]*x0 + c[2]*x1*b + c[3]*math.Sin(2*x0*x1) + c[4]*r.NormFloat64()
			}
			d.Payoffs = append(d.Payoffs, p)
		}
		pi, err := EVPI(d)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range [][]int{{0}, {1}, {2}, {0, 1}, {0, 2}, {0, 1, 2}} {
			var cov [][]float64
			for _, j := range g {
				cov = append(cov, xs[j])
			}
			b, err := smooth.New(cov...)
			if err != nil {
				t.Fatal(err)
			}
			ppi, err := EVPPI(d, b)
			if err != nil {
				t.Fatal(err)
			}
			if ppi.Money.Value > pi.Money.Value || ppi.CE.Value > pi.CE.Value {
				t.Errorf("seed %d, %d actions, R %v, inputs %v: EVPPI %.5f (CE %.5f) above EVPI %.5f (CE %.5f)",
					seed, k, d.RiskTolerance, g, ppi.Money.Value, ppi.CE.Value, pi.Money.Value, pi.CE.Value)
			}
			if ppi.Money.Value < 0 || ppi.CE.Value < 0 {
				t.Errorf("seed %d, inputs %v: negative EVPPI %v, %v", seed, g, ppi.Money.Value, ppi.CE.Value)
			}
		}
	}
}

func TestDecisionErrors(t *testing.T) {
	for _, d := range []*Decision{
		{Payoffs: [][]float64{{1, 2}}},
		{Payoffs: [][]float64{{1, 2}, {1}}},
		{Payoffs: [][]float64{{1, math.NaN()}, {1, 2}}},
		{Payoffs: [][]float64{{1, 2}, {1, 2}}, RiskTolerance: -1},
	} {
		if _, err := EVPI(d); err == nil {
			t.Errorf("%v: no error", d)
		}
	}
}
