package decision

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestCertaintyEquivalentNormal: for a normal outcome and exponential
// utility, CE = μ − σ²/(2R).
func TestCertaintyEquivalentNormal(t *testing.T) {
	const mu, sigma, n = 50e6, 40e6, 400_000
	r := rand.New(rand.NewPCG(3, 4))
	xs := make([]float64, n)
	for i := range xs {
		xs[i] = mu + sigma*r.NormFloat64()
	}
	for _, tol := range []float64{200e6, 100e6, 50e6} {
		a := Attitude{RiskTolerance: tol}
		got := a.CertaintyEquivalent(xs)
		want := mu - sigma*sigma/(2*tol)
		// Standard error by the delta method: CE = −R log m with m the
		// mean of w = exp(−X/R), so se(CE) = R·sd(w)/(m·√n).
		var m, m2 float64
		for _, x := range xs {
			w := math.Exp(-x / tol)
			m += w
			m2 += w * w
		}
		m /= n
		sd := math.Sqrt(m2/n - m*m)
		se := tol * sd / (m * math.Sqrt(n))
		if math.Abs(got-want) > 4*se {
			t.Errorf("R=%g: CE = %g, want %g ± %g", tol, got, want, 4*se)
		}
		if got >= mu {
			t.Errorf("R=%g: a risk-averse CE %g is not below the mean %g", tol, got, mu)
		}
	}
	neutral := Attitude{}.CertaintyEquivalent(xs)
	var sum float64
	for _, x := range xs {
		sum += x
	}
	if math.Abs(neutral-sum/n) > 1e-6 {
		t.Errorf("risk-neutral CE %g is not the mean %g", neutral, sum/n)
	}
}

func TestCertaintyEquivalentNoOverflow(t *testing.T) {
	// exp(−x/R) overflows float64 for x = −£1bn and R = £1m; the
	// computation must not.
	a := Attitude{RiskTolerance: 1e6}
	got := a.CertaintyEquivalent([]float64{-1e9, -1e9})
	if math.Abs(got+1e9) > 1 {
		t.Errorf("CE of a sure −£1bn = %g", got)
	}
	if math.IsNaN(a.CertaintyEquivalent([]float64{1e12, -1e12})) {
		t.Error("CE is NaN")
	}
}

// handCase is a two-trial dispute worked by hand. The supplier wins 100
// or nothing at court, and settling costs it 5; the buyer pays 100 plus
// costs of 10, or only its costs of 10, and settling costs it 2.
func handCase(supplierR, buyerR float64) (*Party, *Party) {
	supplier := &Party{Name: "supplier", Attitude: Attitude{supplierR}, Court: []float64{100, 0},
		Settled: func(f float64, dst []float64) error {
			for i := range dst {
				dst[i] = f - 5
			}
			return nil
		}}
	buyer := &Party{Name: "buyer", Attitude: Attitude{buyerR}, Court: []float64{-110, -10},
		Settled: func(f float64, dst []float64) error {
			for i := range dst {
				dst[i] = -f - 2
			}
			return nil
		}}
	return supplier, buyer
}

func TestSettlementRangeHandWorked(t *testing.T) {
	tests := []struct {
		name             string
		supplierR, buyer float64
		low, high        float64
		exists           bool
	}{
		// Risk-neutral: the supplier's court CE is 50, so it needs 55;
		// the buyer's is −60, so it pays up to 58.
		{"neutral", 0, 0, 55, 58, true},
		// A risk-averse supplier (R=100) values court at
		// −100·log((e^−1 + 1)/2) = 37.989…, so it accepts from 42.989….
		{"averse supplier", 100, 0, 5 - 100*math.Log((math.Exp(-1)+1)/2), 58, true},
		// A buyer with a risk tolerance of 1e9 is as good as neutral.
		{"near-neutral buyer", 0, 1e9, 55, 58, true},
	}
	for _, tt := range tests {
		s, b := handCase(tt.supplierR, tt.buyer)
		rs, err := ReservationValue(s, 0, 200)
		if err != nil {
			t.Fatal(err)
		}
		rb, err := ReservationValue(b, 0, 200)
		if err != nil {
			t.Fatal(err)
		}
		if rs.Side != Payee || rb.Side != Payer || rs.Method != "closed form" {
			t.Errorf("%s: sides %v %v, method %s", tt.name, rs.Side, rb.Side, rs.Method)
		}
		rg, err := SettlementRange(rs, rb)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(rg.Low-tt.low) > 1e-6 || math.Abs(rg.High-tt.high) > 1e-4 || rg.Exists != tt.exists {
			t.Errorf("%s: range %+v, want [%g, %g]", tt.name, rg, tt.low, tt.high)
		}
		if !rs.Accepts(rg.Low+1) || rs.Accepts(rg.Low-1) || !rb.Accepts(rg.High-1) || rb.Accepts(rg.High+1) {
			t.Errorf("%s: Accepts disagrees with the reservation values", tt.name)
		}
	}

	// A supplier who settles for nothing less than its best case: no range.
	s, b := handCase(0, 0)
	s.Court = []float64{100, 100}
	rs, _ := ReservationValue(s, 0, 200)
	rb, _ := ReservationValue(b, 0, 200)
	rg, _ := SettlementRange(rs, rb)
	if rg.Exists || rg.Width != 58-105 {
		t.Errorf("range %+v, want none of width −47", rg)
	}
	if _, err := SettlementRange(rb, rs); err == nil {
		t.Error("SettlementRange accepted the parties the wrong way round")
	}
}

func TestReservationBisection(t *testing.T) {
	// A settled outcome that is not affine in the figure (a success fee
	// growing with the figure) is solved by bisection.
	p := &Party{Name: "supplier", Court: []float64{100, 0},
		Settled: func(f float64, dst []float64) error {
			for i := range dst {
				dst[i] = f - 0.001*f*f
			}
			return nil
		}}
	r, err := ReservationValue(p, 0, 200)
	if err != nil {
		t.Fatal(err)
	}
	// f − 0.001f² = 50 → f = (1 − √(1 − 0.2)) / 0.002
	want := (1 - math.Sqrt(0.8)) / 0.002
	if r.Method != "bisection" || math.Abs(r.Value-want) > 1e-6 {
		t.Errorf("got %+v, want %g by bisection", r, want)
	}
	// Out of reach within the bounds.
	p.Court = []float64{1000, 1000}
	if _, err := ReservationValue(p, 0, 200); err == nil {
		t.Error("no error when no figure in range works")
	}
	// Not depending on the figure at all.
	p.Settled = func(f float64, dst []float64) error { return nil }
	if _, err := ReservationValue(p, 0, 200); err == nil {
		t.Error("no error when the settled outcome ignores the figure")
	}
}

func TestBeatsCourt(t *testing.T) {
	s, b := handCase(0, 0)
	tests := []struct {
		figure     float64
		sWin, bWin float64
	}{
		{50, 0.5, 0.5}, // supplier: 45 beats 0 only; buyer: −52 beats −110 only
		{104, 0.5, 0.5},
		{106, 1, 0.5}, // supplier: 101 beats both
		{120, 1, 0},   // buyer: −122 beats neither
		{4, 0, 1},     // supplier: −1 beats neither; buyer: −6 beats both
	}
	for _, tt := range tests {
		gs, _ := BeatsCourt(s, tt.figure)
		gb, _ := BeatsCourt(b, tt.figure)
		if gs != tt.sWin || gb != tt.bWin {
			t.Errorf("figure %g: supplier %g buyer %g, want %g %g", tt.figure, gs, gb, tt.sWin, tt.bWin)
		}
	}
}
