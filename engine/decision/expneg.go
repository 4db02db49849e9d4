package decision

import "math"

// expNeg returns e^d for d ≤ 0, within two units in the last place of
// math.Exp (each about one from the true value; TestExpNeg), at about
// half its cost: the exponential utility
// of every trial's outcome is the one transcendental function a party's
// streamed sums need, three of them a trial for a risk-averse party.
//
// d is split as k·ln2/64 + r with |r| ≤ ln2/128 (Cody–Waite: ln2/64 in a
// high part with trailing zeros, so that k times it is exact, and a low
// part), and e^d = 2^(k/64)·e^r: 2^(j/64) from a table (j = k mod 64),
// e^r − 1 by its Taylor polynomial to r⁵ (the first term left out is
// below 4e-17), and 2^⌊k/64⌋ put into the exponent's bits. Below −708,
// where the result is subnormal, it is math.Exp's.
func expNeg(d float64) float64 {
	if !(d >= -708) { // and NaN
		return math.Exp(d)
	}
	k := int(d*expInvLn2N - 0.5) // the nearest integer, d ≤ 0
	kf := float64(k)
	r := (d - kf*expLn2NHi) - kf*expLn2NLo
	p := r * (1 + r*(1.0/2+r*(1.0/6+r*(1.0/24+r*(1.0/120)))))
	t := expTable[k&(expN-1)]
	x := t + t*p
	return math.Float64frombits(math.Float64bits(x) + uint64(int64(k>>6))<<52)
}

const (
	expN       = 64
	expInvLn2N = 92.33248261689366    // 64/ln 2
	expLn2NHi  = 0x1.62e42fee00000p-7 // ln 2/64, its first 32 bits
	expLn2NLo  = 0x1.a39ef35793c76p-39
)

// expTable holds 2^(j/64), j = 0 … 63, correctly rounded (computed to
// 60 digits).
var expTable = [expN]float64{
	0x1.0000000000000p+0, 0x1.02c9a3e778061p+0, 0x1.059b0d3158574p+0, 0x1.0874518759bc8p+0,
	0x1.0b5586cf9890fp+0, 0x1.0e3ec32d3d1a2p+0, 0x1.11301d0125b51p+0, 0x1.1429aaea92de0p+0,
	0x1.172b83c7d517bp+0, 0x1.1a35beb6fcb75p+0, 0x1.1d4873168b9aap+0, 0x1.2063b88628cd6p+0,
	0x1.2387a6e756238p+0, 0x1.26b4565e27cddp+0, 0x1.29e9df51fdee1p+0, 0x1.2d285a6e4030bp+0,
	0x1.306fe0a31b715p+0, 0x1.33c08b26416ffp+0, 0x1.371a7373aa9cbp+0, 0x1.3a7db34e59ff7p+0,
	0x1.3dea64c123422p+0, 0x1.4160a21f72e2ap+0, 0x1.44e086061892dp+0, 0x1.486a2b5c13cd0p+0,
	0x1.4bfdad5362a27p+0, 0x1.4f9b2769d2ca7p+0, 0x1.5342b569d4f82p+0, 0x1.56f4736b527dap+0,
	0x1.5ab07dd485429p+0, 0x1.5e76f15ad2148p+0, 0x1.6247eb03a5585p+0, 0x1.6623882552225p+0,
	0x1.6a09e667f3bcdp+0, 0x1.6dfb23c651a2fp+0, 0x1.71f75e8ec5f74p+0, 0x1.75feb564267c9p+0,
	0x1.7a11473eb0187p+0, 0x1.7e2f336cf4e62p+0, 0x1.82589994cce13p+0, 0x1.868d99b4492edp+0,
	0x1.8ace5422aa0dbp+0, 0x1.8f1ae99157736p+0, 0x1.93737b0cdc5e5p+0, 0x1.97d829fde4e50p+0,
	0x1.9c49182a3f090p+0, 0x1.a0c667b5de565p+0, 0x1.a5503b23e255dp+0, 0x1.a9e6b5579fdbfp+0,
	0x1.ae89f995ad3adp+0, 0x1.b33a2b84f15fbp+0, 0x1.b7f76f2fb5e47p+0, 0x1.bcc1e904bc1d2p+0,
	0x1.c199bdd85529cp+0, 0x1.c67f12e57d14bp+0, 0x1.cb720dcef9069p+0, 0x1.d072d4a07897cp+0,
	0x1.d5818dcfba487p+0, 0x1.da9e603db3285p+0, 0x1.dfc97337b9b5fp+0, 0x1.e502ee78b3ff6p+0,
	0x1.ea4afa2a490dap+0, 0x1.efa1bee615a27p+0, 0x1.f50765b6e4540p+0, 0x1.fa7c1819e90d8p+0,
}
