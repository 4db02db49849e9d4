package voi

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/settle-sim/settle/engine/smooth"
)

// groupMeans is a Regression on discrete covariates: each trial's fitted
// value is its response's mean over the trials with the same values.
func groupMeans(cov ...[]float64) Regression {
	return func(ys [][]float64) ([][]float64, error) {
		n := len(ys[0])
		key := func(t int) [4]float64 {
			var k [4]float64
			for j, c := range cov {
				k[j] = c[t]
			}
			return k
		}
		out := make([][]float64, len(ys))
		for j, y := range ys {
			sum, cnt := map[[4]float64]float64{}, map[[4]float64]float64{}
			for t := range n {
				sum[key(t)] += y[t]
				cnt[key(t)]++
			}
			out[j] = make([]float64, n)
			for t := range n {
				out[j][t] = sum[key(t)] / cnt[key(t)]
			}
		}
		return out, nil
	}
}

// smoothFit is a Regression by smooth's P-splines.
func smoothFit(b *smooth.Basis) Regression {
	return func(ys [][]float64) ([][]float64, error) {
		out := make([][]float64, len(ys))
		for j, y := range ys {
			f, err := b.Fit(y)
			if err != nil {
				return nil, err
			}
			out[j] = f.Fitted
		}
		return out, nil
	}
}

// A decision maker who knows S, a fair coin, before deciding: given S
// the gain from settling is normal(μ_S, σ), μ = −20 and 15, σ = 30. The
// value of perfect information given S is the mean of the two closed
// forms, not the closed form of the mixture; knowing S again is worth
// nothing, and knowing X, the half of the noise that is an input, has
// its own closed form: given S, D = μ_S + X + Y with X, Y normal(0, σ/√2),
// so EVPPI(X | S) is the mean of normalEVPI(μ_S, σ/√2).
func TestValuesGivenClosedForm(t *testing.T) {
	const n = 100_000
	const sigma = 30.0
	mu := [2]float64{-20, 15}
	for seed := range seeds(3, 20) {
		r := rand.New(rand.NewPCG(seed, 21))
		s := make([]float64, n)
		x := normals(r, n, 0, sigma/math.Sqrt2)
		y := normals(r, n, 0, sigma/math.Sqrt2)
		court, settle := make([]float64, n), constant(n, 100)
		for i := range n {
			if r.Float64() < 0.5 {
				s[i] = 1
			}
			court[i] = 100 - (mu[int(s[i])] + x[i] + y[i])
		}
		d := &Decision{Payoffs: [][]float64{court, settle}}
		known := groupMeans(s)
		pi, err := ValuesGiven([]*Decision{d}, known, nil)
		if err != nil {
			t.Fatal(err)
		}
		within(t, "EVPI given S", pi[0].Money, (normalEVPI(mu[0], sigma)+normalEVPI(mu[1], sigma))/2)
		// The mixture's EVPI is larger: one decision for both values of S.
		if all, _ := EVPI(d); all.Money.Value < pi[0].Money.Value+10*all.Money.SE {
			t.Errorf("EVPI with S unknown %v, not well above EVPI given S %v", all.Money, pi[0].Money)
		}
		again, err := ValuesGiven([]*Decision{d}, known, groupMeans(s))
		if err != nil {
			t.Fatal(err)
		}
		if v := again[0]; v.Money.Value != 0 || v.Money.SE != 0 || v.PChange != 0 {
			t.Errorf("knowing S again: %+v, want exactly 0", v)
		}
		// X on a smooth basis within each value of S: a group of S and X.
		b, err := smooth.New(s, x)
		if err != nil {
			t.Fatal(err)
		}
		ppi, err := ValuesGiven([]*Decision{d}, known, smoothFit(b))
		if err != nil {
			t.Fatal(err)
		}
		within(t, "EVPPI of X given S", ppi[0].Money, (normalEVPI(mu[0], sigma/math.Sqrt2)+normalEVPI(mu[1], sigma/math.Sqrt2))/2)
		if ppi[0].Money.Value > pi[0].Money.Value {
			t.Errorf("EVPPI of X given S %v above EVPI given S %v", ppi[0].Money, pi[0].Money)
		}
		money, utility, err := Chosen([]*Decision{d}, known)
		if err != nil {
			t.Fatal(err)
		}
		// Settle (action 1) where S = 1 (μ = 15 > 0), about half the trials.
		if sh := money[0][1]; math.Abs(sh-0.5) > 0.01 || utility[0][1] != sh {
			t.Errorf("share settling %v (utility %v), want about 0.5", sh, utility[0][1])
		}
	}
}

// Knowing nothing (a regression whose fit is the mean), ValuesGiven is
// EVPI and EVPPI, for decisions risk-neutral and risk-averse, several at
// once on the same trials.
func TestValuesGivenNothingKnown(t *testing.T) {
	const n = 20_000
	r := rand.New(rand.NewPCG(1, 22))
	x := normals(r, n, 0, 1)
	court := make([]float64, n)
	for i := range court {
		court[i] = 100 + 30*x[i] + 10*r.NormFloat64()
	}
	neg := make([]float64, n)
	for i := range neg {
		neg[i] = -court[i]
	}
	ds := []*Decision{
		{Payoffs: [][]float64{court, constant(n, 105)}, RiskTolerance: 200},
		{Payoffs: [][]float64{neg, constant(n, -105)}},
	}
	b, err := smooth.New(x)
	if err != nil {
		t.Fatal(err)
	}
	nothing := groupMeans(constant(n, 0))
	pis, err := ValuesGiven(ds, nothing, nil)
	if err != nil {
		t.Fatal(err)
	}
	ppis, err := ValuesGiven(ds, nothing, smoothFit(b))
	if err != nil {
		t.Fatal(err)
	}
	close := func(what string, got, want float64) {
		t.Helper()
		if math.Abs(got-want) > 1e-9*(1+math.Abs(want)) {
			t.Errorf("%s: %v, want %v", what, got, want)
		}
	}
	for i, d := range ds {
		pi, _ := EVPI(d)
		ppi, _ := EVPPI(d, b)
		for _, c := range []struct {
			what      string
			got, want Value
		}{{"EVPI", pis[i], pi}, {"EVPPI", ppis[i], ppi}} {
			close(c.what+" money", c.got.Money.Value, c.want.Money.Value)
			close(c.what+" money SE", c.got.Money.SE, c.want.Money.SE)
			close(c.what+" CE", c.got.CE.Value, c.want.CE.Value)
			close(c.what+" CE SE", c.got.CE.SE, c.want.CE.SE)
			close(c.what+" plug-in", c.got.MoneyPlugIn, c.want.MoneyPlugIn)
			close(c.what+" CE plug-in", c.got.CEPlugIn, c.want.CEPlugIn)
			close(c.what+" P(change)", c.got.PChange, c.want.PChange)
		}
	}
}

// Given what is known, EVPPI ≤ EVPI, in money and on utility, over
// random decisions whose payoffs depend on what is known and on inputs.
func TestValuesGivenNotAboveEVPI(t *testing.T) {
	const n = 5000
	for seed := range seeds(12, 200) {
		r := rand.New(rand.NewPCG(seed, 23))
		s := make([]float64, n)
		for i := range s {
			s[i] = float64(r.IntN(3))
		}
		xs := [][]float64{normals(r, n, 0, 1), normals(r, n, 0, 1)}
		d := &Decision{RiskTolerance: []float64{0, 0.5, 3}[r.IntN(3)]}
		for range 2 + r.IntN(2) {
			c := [5]float64{r.NormFloat64(), r.NormFloat64(), r.NormFloat64(), r.NormFloat64(), r.Float64()}
			p := make([]float64, n)
			for i := range p {
				p[i] = c[0]*s[i] + c[1]*xs[0][i] + c[2]*xs[1][i]*s[i] + c[3]*math.Sin(2*xs[0][i]*xs[1][i]) + c[4]*r.NormFloat64()
			}
			d.Payoffs = append(d.Payoffs, p)
		}
		known := groupMeans(s)
		pi, err := ValuesGiven([]*Decision{d}, known, nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range [][]int{{0}, {1}, {0, 1}} {
			cov := [][]float64{s}
			for _, j := range g {
				cov = append(cov, xs[j])
			}
			b, err := smooth.New(cov...)
			if err != nil {
				t.Fatal(err)
			}
			ppi, err := ValuesGiven([]*Decision{d}, known, smoothFit(b))
			if err != nil {
				t.Fatal(err)
			}
			if p, q := ppi[0], pi[0]; p.Money.Value > q.Money.Value || p.CE.Value > q.CE.Value || p.Money.Value < 0 || p.CE.Value < 0 {
				t.Errorf("seed %d, R %v, inputs %v: EVPPI %.5f (CE %.5f), EVPI %.5f (CE %.5f)",
					seed, d.RiskTolerance, g, p.Money.Value, p.CE.Value, q.Money.Value, q.CE.Value)
			}
		}
	}
}

func TestValuesGivenErrors(t *testing.T) {
	d := &Decision{Payoffs: [][]float64{{1, 2, 3}, {2, 2, 2}}}
	if _, err := ValuesGiven([]*Decision{d}, nil, nil); err == nil {
		t.Error("no regression: no error")
	}
	short := func(ys [][]float64) ([][]float64, error) { return [][]float64{{1}}, nil }
	if _, err := ValuesGiven([]*Decision{d}, short, nil); err == nil {
		t.Error("a regression with too few fitted values: no error")
	}
	e := &Decision{Payoffs: [][]float64{{1, 2}, {2, 2}}}
	if _, err := ValuesGiven([]*Decision{d, e}, groupMeans([]float64{0, 0, 0}), nil); err == nil {
		t.Error("decisions with different trials: no error")
	}
}
