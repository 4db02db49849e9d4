package model

import (
	"math"
	"math/big"
	"math/rand/v2"
	"testing"
)

// TestPowBaseAccuracy holds powBase to the true power, computed with 200
// bits (bigPow): within 3 ulps where it computes exp(y log x), and
// exactly math.Pow elsewhere.
func TestPowBaseAccuracy(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	bases := []float64{1.035, 0.5, 2, 10, 0.999999, 1.000001, 1e-300, 1e300}
	for range 60 {
		bases = append(bases, r.Float64()*3, math.Exp((r.Float64()-0.5)*100))
	}
	ys := []float64{0, -0, 2, -3.5, 0.25, 1e-320, -1e-300}
	for range 300 {
		ys = append(ys, (r.Float64()-0.5)*8, (r.Float64()-0.5)*60)
	}
	worst, worstPow, fast := 0.0, 0.0, 0
	for _, x := range bases {
		b := newPowBase(x)
		for _, y := range ys {
			got := b.pow(y)
			if l := y * math.Log(x); !(l >= -1 && l <= 1) || y == 1 || y == 0.5 || y == -0.5 {
				if want := math.Pow(x, y); got != want {
					t.Fatalf("pow(%v, %v) = %v, math.Pow %v", x, y, got, want)
				}
				continue
			}
			fast++
			want := bigPow(x, y)
			ulps := math.Abs(got-want) / ulp(want)
			worst = max(worst, ulps)
			worstPow = max(worstPow, math.Abs(math.Pow(x, y)-want)/ulp(want))
			if ulps > 3 {
				t.Errorf("pow(%v, %v) = %v, true %v: %.2f ulps off (math.Pow: %.2f)", x, y, got, want, ulps, math.Abs(math.Pow(x, y)-want)/ulp(want))
			}
		}
	}
	if fast < 5000 {
		t.Errorf("only %d cases took exp(y log x)", fast)
	}
	t.Logf("%d powers by exp(y log x): worst %.2f ulps off (math.Pow: %.2f)", fast, worst, worstPow)
	// Special bases and exponents are math.Pow's.
	for _, x := range []float64{0, -0, -2, 1, math.Inf(1), math.Inf(-1), math.NaN()} {
		b := newPowBase(x)
		for _, y := range []float64{0, 1, -1, 0.5, -0.5, 2, -3.5, math.Inf(1), math.NaN()} {
			if got, want := b.pow(y), math.Pow(x, y); got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
				t.Errorf("pow(%v, %v) = %v, math.Pow %v", x, y, got, want)
			}
		}
	}
}

// The accuracy test can fail: exp(y log x) with log x rounded to float32
// is thousands of ulps off.
func TestPowBaseAccuracyDetects(t *testing.T) {
	x, y := 1.035, -2.7
	bad := math.Exp(y * float64(float32(math.Log(x))))
	if want := bigPow(x, y); math.Abs(bad-want)/ulp(want) <= 3 {
		t.Errorf("a float32 logarithm gives %v, within 3 ulps of %v", bad, want)
	}
}

func ulp(x float64) float64 {
	x = math.Abs(x)
	return math.Nextafter(x, math.Inf(1)) - x
}

// bigPow returns x**y rounded to float64, computed as exp(y ln x) with
// 200-bit arithmetic: ln by the series 2 atanh((m-1)/(m+1)) on x's
// mantissa m plus its exponent times ln 2, exp by Taylor's series after
// halving the argument below 2⁻⁸ and squaring back.
func bigPow(x, y float64) float64 {
	const prec = 200
	nf := func(v float64) *big.Float { return new(big.Float).SetPrec(prec).SetFloat64(v) }
	lnm := func(m *big.Float) *big.Float { // ln m for m near 1, by atanh's series
		u := new(big.Float).SetPrec(prec).Quo(new(big.Float).Sub(m, nf(1)), new(big.Float).Add(m, nf(1)))
		u2 := new(big.Float).SetPrec(prec).Mul(u, u)
		sum, term := new(big.Float).SetPrec(prec), new(big.Float).SetPrec(prec).Set(u)
		for k := 1; k < 400; k += 2 {
			sum.Add(sum, new(big.Float).SetPrec(prec).Quo(term, nf(float64(k))))
			term.Mul(term, u2)
		}
		return sum.Mul(sum, nf(2))
	}
	frac, e := math.Frexp(x) // x = frac · 2^e, frac in [0.5, 1)
	ln := lnm(nf(frac))
	ln.Add(ln, new(big.Float).SetPrec(prec).Mul(lnm(nf(2)), nf(float64(e))))
	t := new(big.Float).SetPrec(prec).Mul(ln, nf(y))
	halvings := 0
	for new(big.Float).Abs(t).Cmp(nf(1.0/256)) > 0 {
		t.Quo(t, nf(2))
		halvings++
	}
	sum, term := nf(1), nf(1)
	for k := 1; k < 60; k++ {
		term.Mul(term, t)
		term.Quo(term, nf(float64(k)))
		sum.Add(sum, term)
	}
	for range halvings {
		sum.Mul(sum, sum)
	}
	f, _ := sum.Float64()
	return f
}
