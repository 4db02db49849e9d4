package decision

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/settle-sim/settle/internal/longtest"
)

// dispute is a party with normal outcomes whose certainty equivalent and
// reservation value are known in closed form: at court it wins a and
// pays costs c, a ~ N(muA, sdA²) and c ~ N(c0, sdC²) independent; settling
// at f it receives f·(1 − t) and pays 0.3·c, t ~ N(t0, sdT²) (sdT 0: the
// figure in full, closed form; else by bisection). Under exponential
// utility a normal outcome X has CE = E[X] − Var[X]/2R.
type dispute struct {
	muA, sdA, c0, sdC, t0, sdT float64
}

func (d dispute) draw(a Attitude, n int, r *rand.Rand) *Party {
	court := make([]float64, n)
	cs := make([]float64, n)
	ts := make([]float64, n)
	for i := range court {
		cs[i] = d.c0 + d.sdC*r.NormFloat64()
		court[i] = d.muA + d.sdA*r.NormFloat64() - cs[i]
		ts[i] = d.t0 + d.sdT*r.NormFloat64()
	}
	return &Party{Name: "supplier", Attitude: a, Court: court, Settled: func(f float64, dst []float64) error {
		for i := range dst {
			dst[i] = f*(1-ts[i]) - 0.3*cs[i]
		}
		return nil
	}}
}

// truth is the CE of court and the reservation value.
func (d dispute) truth(a Attitude) (courtCE, reservation float64) {
	penalty := func(variance float64) float64 {
		if a.Neutral() {
			return 0
		}
		return variance / (2 * a.RiskTolerance)
	}
	courtCE = d.muA - d.c0 - penalty(d.sdA*d.sdA+d.sdC*d.sdC)
	// CE(settled(f)) = f(1−t0) − 0.3c0 − (f²sdT² + 0.09sdC²)/2R = courtCE.
	k := courtCE + 0.3*d.c0 + penalty(0.09*d.sdC*d.sdC)
	q := penalty(d.sdT * d.sdT) // coefficient of f²
	if q == 0 {
		return courtCE, k / (1 - d.t0)
	}
	b := 1 - d.t0
	return courtCE, (b - math.Sqrt(b*b-4*q*k)) / (2 * q)
}

// coverage runs reps replications of n trials of d under a and returns
// the share of them whose interval estimate ± 1.96·SE holds the truth,
// for the court CE and the reservation value, and the standard
// deviations of (estimate − truth)/SE, which should be 1.
func coverage(t *testing.T, d dispute, a Attitude, reps, n int) (covCE, covRes, sdZCE, sdZRes float64) {
	t.Helper()
	wantCE, wantRes := d.truth(a)
	r := rand.New(rand.NewPCG(20080527, uint64(n)))
	var inCE, inRes int
	var zz1, zz2 float64
	for range reps {
		p := d.draw(a, n, r)
		res, err := ReservationValue(p, 0, 4*math.Abs(wantRes)+1)
		if err != nil {
			t.Fatal(err)
		}
		if wantMethod := map[bool]string{true: "closed form", false: "bisection"}[d.sdT == 0]; res.Method != wantMethod {
			t.Fatalf("method %s, want %s", res.Method, wantMethod)
		}
		z1 := (res.CourtCE - wantCE) / res.CourtSE
		z2 := (res.Value - wantRes) / res.SE
		if math.Abs(z1) <= 1.96 {
			inCE++
		}
		if math.Abs(z2) <= 1.96 {
			inRes++
		}
		zz1 += z1 * z1
		zz2 += z2 * z2
	}
	f := float64(reps)
	return float64(inCE) / f, float64(inRes) / f, math.Sqrt(zz1 / f), math.Sqrt(zz2 / f)
}

var disputes = []struct {
	name string
	d    dispute
	a    Attitude
}{
	{"risk-neutral, closed form", dispute{muA: 100, sdA: 60, c0: 20, sdC: 8}, Attitude{}},
	{"exponential, closed form", dispute{muA: 100, sdA: 60, c0: 20, sdC: 8}, Attitude{RiskTolerance: 150}},
	{"risk-neutral, bisection", dispute{muA: 100, sdA: 60, c0: 20, sdC: 8, t0: 0.1, sdT: 0.05}, Attitude{}},
	{"exponential, bisection", dispute{muA: 100, sdA: 60, c0: 20, sdC: 8, t0: 0.1, sdT: 0.05}, Attitude{RiskTolerance: 150}},
}

// checkCoverage: the delta-method intervals hold the truth in 95% of
// replications, within four binomial standard errors, and the
// standardised errors have standard deviation 1, within four of theirs
// (about 1/√(2·reps)).
func checkCoverage(t *testing.T, reps, n int) {
	for _, tc := range disputes {
		t.Run(tc.name, func(t *testing.T) {
			covCE, covRes, sd1, sd2 := coverage(t, tc.d, tc.a, reps, n)
			tol := 4 * math.Sqrt(0.95*0.05/float64(reps))
			sdTol := 4 / math.Sqrt(2*float64(reps))
			for _, c := range []struct {
				what    string
				cov, sd float64
			}{{"court CE", covCE, sd1}, {"reservation", covRes, sd2}} {
				if math.Abs(c.cov-0.95) > tol {
					t.Errorf("%s: 95%% intervals hold the truth in %.1f%% of %d replications (want 95 ± %.1f)", c.what, 100*c.cov, reps, 100*tol)
				}
				if math.Abs(c.sd-1) > sdTol {
					t.Errorf("%s: standardised errors have sd %.3f, want 1 ± %.3f", c.what, c.sd, sdTol)
				}
			}
		})
	}
}

// TestStandardErrorCoverage checks the standard errors of court CEs and
// reservation values (closed form and bisection, risk-neutral and
// exponential) over 300 replications of 1,000 trials with a fixed seed.
func TestStandardErrorCoverage(t *testing.T) { checkCoverage(t, 300, 1000) }

// TestStandardErrorCoverageLong is the same over 4,000 replications of
// 5,000 trials: coverage within about 1.4 percentage points.
func TestStandardErrorCoverageLong(t *testing.T) {
	longtest.Skip(t)
	checkCoverage(t, 4000, 5000)
}

// The risk-neutral CE's standard error is the mean's, and the
// exponential one's matches R·sd(u)/(Ū√n) computed directly.
func TestCertaintyEquivalentSE(t *testing.T) {
	xs := []float64{-30, 10, 40, 55, 120}
	ce, se := Attitude{}.CertaintyEquivalentSE(xs)
	var m, ss float64
	for _, x := range xs {
		m += x
	}
	m /= 5
	for _, x := range xs {
		ss += (x - m) * (x - m)
	}
	if want := math.Sqrt(ss/4) / math.Sqrt(5); math.Abs(ce-m) > 1e-12 || math.Abs(se-want) > 1e-12 {
		t.Errorf("neutral: %g ± %g, want %g ± %g", ce, se, m, want)
	}
	a := Attitude{RiskTolerance: 50}
	ce, se = a.CertaintyEquivalentSE(xs)
	var u, uu float64
	for _, x := range xs {
		u += math.Exp(-x / 50)
	}
	u /= 5
	for _, x := range xs {
		d := math.Exp(-x/50) - u
		uu += d * d
	}
	want := 50 * math.Sqrt(uu/4) / (u * math.Sqrt(5))
	if math.Abs(ce-a.CertaintyEquivalent(xs)) > 1e-9 || math.Abs(se-want) > 1e-9*want {
		t.Errorf("exponential: %g ± %g, want %g ± %g", ce, se, a.CertaintyEquivalent(xs), want)
	}
	// No overflow where exp(−x/R) would.
	if _, se := (Attitude{RiskTolerance: 1e6}).CertaintyEquivalentSE([]float64{-1e9, -1.1e9, -0.9e9}); math.IsNaN(se) || math.IsInf(se, 0) {
		t.Errorf("SE %g", se)
	}
}
