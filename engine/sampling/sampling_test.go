package sampling

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestPermuteIsAPermutation(t *testing.T) {
	for _, n := range []uint64{1, 2, 3, 7, 64, 1000, 1025, 4097} {
		for _, key := range []uint64{0, 1, 0xdeadbeef} {
			seen := make([]bool, n)
			for i := range n {
				k := Permute(i, n, key)
				if k >= n || seen[k] {
					t.Fatalf("n=%d key=%d: Permute(%d) = %d, out of range or repeated", n, key, i, k)
				}
				seen[k] = true
			}
		}
	}
	// Different keys give different permutations.
	same := 0
	for i := range uint64(1000) {
		if Permute(i, 1000, 1) == Permute(i, 1000, 2) {
			same++
		}
	}
	if same > 10 {
		t.Errorf("keys 1 and 2 agree on %d of 1000 points", same)
	}
}

func TestLatinHypercubeOnePerStratum(t *testing.T) {
	const n = 997
	r := rand.New(rand.NewPCG(1, 2))
	for site := range uint64(5) {
		key := Key(42, site)
		count := make([]int, n)
		for i := range uint64(n) {
			u := LatinHypercube(i, n, key, r.Float64())
			count[int(u*n)]++
		}
		for k, c := range count {
			if c != 1 {
				t.Fatalf("site %d: stratum %d has %d points", site, k, c)
			}
		}
	}
}

func TestSobolFirstPoints(t *testing.T) {
	want := [][2]float64{{0, 0}, {0.5, 0.5}, {0.25, 0.75}, {0.75, 0.25}, {0.125, 0.625}}
	for i, w := range want {
		for d := range 2 {
			if got := float64(SobolPoint(uint32(i), d)) / (1 << 32); got != w[d] {
				t.Errorf("point %d dim %d = %g, want %g", i, d, got, w[d])
			}
		}
	}
}

// Each dimension's first 2^m points, scrambled or not, fall one in each
// interval [k/2^m, (k+1)/2^m); dimensions 1 and 2 together form a
// (0, m, 2)-net: one point in each elementary interval of area 2^-m.
func TestSobolNets(t *testing.T) {
	const m = 10
	const n = 1 << m
	for d := range MaxSobolDims {
		for _, seed := range []uint32{0, 12345} {
			seen := make([]bool, n)
			for i := range uint32(n) {
				x := SobolPoint(i, d)
				if seed != 0 {
					x = Scramble(x, seed)
				}
				k := x >> (32 - m)
				if seen[k] {
					t.Fatalf("dim %d seed %d: two of the first %d points in interval %d", d, seed, n, k)
				}
				seen[k] = true
			}
		}
	}
	for a := 0; a <= m; a++ {
		seen := map[[2]uint32]bool{}
		for i := range uint32(n) {
			x, y := SobolPoint(i, 0)>>(32-a), SobolPoint(i, 1)>>(32-(m-a))
			if a == 0 {
				x = 0
			}
			if a == m {
				y = 0
			}
			if seen[[2]uint32{x, y}] {
				t.Fatalf("boxes 2^-%d × 2^-%d: two points in box %d,%d", a, m-a, x, y)
			}
			seen[[2]uint32{x, y}] = true
		}
	}
}

// The error of scrambled Sobol' on a smooth integral falls about as
// n^-1.5, that of plain Monte Carlo as n^-0.5: from 2^8 to 2^12 points,
// the root mean square error over independent scrambles must fall by
// far more than the factor 4 of plain sampling.
func TestSobolConvergesFasterThanRandom(t *testing.T) {
	const dims = 5
	f := func(u []float64) float64 { // mean 1
		p := 1.0
		for _, x := range u {
			p *= 1 + (x-0.5)*math.Exp(x-0.5)/0.5
		}
		return p
	}
	// ∫(x-1/2)e^(x-1/2) dx over [0,1] is not 0: compute the exact mean.
	g := func(x float64) float64 { return (x - 1.5) * math.Exp(x-0.5) } // antiderivative of (x-1/2)e^(x-1/2)
	one := 1 + (g(1)-g(0))/0.5
	truth := math.Pow(one, dims)

	rmse := func(n int, sobol bool) float64 {
		const reps = 30
		r := rand.New(rand.NewPCG(7, 7))
		u := make([]float64, dims)
		sum2 := 0.0
		for rep := range reps {
			sum := 0.0
			for i := range n {
				for d := range dims {
					if sobol {
						u[d] = SobolUniform(uint64(i), d, Key(uint64(rep), uint64(d)), r.Float64())
					} else {
						u[d] = r.Float64()
					}
				}
				sum += f(u)
			}
			e := sum/float64(n) - truth
			sum2 += e * e
		}
		return math.Sqrt(sum2 / reps)
	}
	r8, r12 := rmse(1<<8, false), rmse(1<<12, false)
	s8, s12 := rmse(1<<8, true), rmse(1<<12, true)
	t.Logf("rmse random: %.3g → %.3g (÷%.1f); sobol: %.3g → %.3g (÷%.1f)", r8, r12, r8/r12, s8, s12, s8/s12)
	if s8/s12 < 10 {
		t.Errorf("sobol error fell only ÷%.1f from 2^8 to 2^12 points; want ÷10 or more (plain sampling gives ÷4)", s8/s12)
	}
	if ratio := r8 / r12; ratio < 2 || ratio > 8 {
		t.Errorf("random error fell ÷%.1f from 2^8 to 2^12 points; want about ÷4", ratio)
	}
	if s12 > r12/10 {
		t.Errorf("sobol error %.3g at 2^12 points is not a tenth of random's %.3g", s12, r12)
	}
}

func TestCopulaSpearman(t *testing.T) {
	for _, rho := range []float64{-0.8, -0.3, 0, 0.5, 0.9} {
		c, ok := NewCopula([]float64{1, rho, rho, 1}, 2)
		if !ok {
			t.Fatalf("rho %g: not PSD", rho)
		}
		const n = 20000
		r := rand.New(rand.NewPCG(3, 4))
		xs, ys := make([]float64, n), make([]float64, n)
		u, z := make([]float64, 2), make([]float64, 2)
		for i := range n {
			u[0], u[1] = Open(r.Float64()), Open(r.Float64())
			c.Apply(u, z)
			xs[i], ys[i] = u[0], u[1]
		}
		got := pearsonOfUniforms(xs, ys) // ranks of uniforms are the uniforms
		// se of Spearman ≈ (1-ρ²)/√n; allow 5 of them
		if tol := 5 * math.Max(1-rho*rho, 0.1) / math.Sqrt(n); math.Abs(got-rho) > tol {
			t.Errorf("target %g: achieved %g (tolerance %g)", rho, got, tol)
		}
	}
}

func pearsonOfUniforms(x, y []float64) float64 {
	var sx, sy, sxx, syy, sxy float64
	n := float64(len(x))
	for i := range x {
		sx += x[i]
		sy += y[i]
		sxx += x[i] * x[i]
		syy += y[i] * y[i]
		sxy += x[i] * y[i]
	}
	return (sxy - sx*sy/n) / math.Sqrt((sxx-sx*sx/n)*(syy-sy*sy/n))
}

func TestPSDAndNearest(t *testing.T) {
	bad := []float64{
		1, 0.9, -0.9,
		0.9, 1, 0.9,
		-0.9, 0.9, 1,
	}
	if ok, e := IsPSD(bad, 3); ok || e > -0.5 {
		t.Fatalf("IsPSD(bad) = %v, %g; want false with a clearly negative eigenvalue", ok, e)
	}
	if _, ok := NewCopula(bad, 3); ok {
		t.Fatal("NewCopula accepted a matrix that is not PSD")
	}
	fixed := Nearest(bad, 3)
	if ok, e := IsPSD(fixed, 3); !ok {
		t.Fatalf("Nearest gave a matrix with eigenvalue %g", e)
	}
	for i := range 3 {
		if fixed[i*3+i] != 1 {
			t.Errorf("diagonal %d = %g", i, fixed[i*3+i])
		}
	}
	if _, ok := NewNormalCopula(Nearest(NormalCorrelations(bad, 3), 3), 3); !ok {
		t.Error("NewCopula rejected the repaired matrix")
	}
	// A valid matrix is its own nearest.
	good := []float64{1, 0.5, 0.2, 0.5, 1, 0.3, 0.2, 0.3, 1}
	for i, x := range Nearest(good, 3) {
		if math.Abs(x-good[i]) > 1e-6 {
			t.Errorf("Nearest(good)[%d] = %g, want %g", i, x, good[i])
		}
	}
}

func TestParseMethod(t *testing.T) {
	for i, name := range Methods {
		m, err := ParseMethod(name)
		if err != nil || m != Method(i) || m.String() != name {
			t.Errorf("ParseMethod(%q) = %v, %v", name, m, err)
		}
	}
	if _, err := ParseMethod("halton"); err == nil {
		t.Error("ParseMethod(halton) succeeded")
	}
}

func TestNoAllocs(t *testing.T) {
	c, _ := NewCopula([]float64{1, 0.5, 0.5, 1}, 2)
	u, z := []float64{0.3, 0.6}, make([]float64, 2)
	if n := testing.AllocsPerRun(100, func() {
		_ = LatinHypercube(5, 1000, 7, 0.5)
		_ = SobolUniform(5, 3, 7, 0.5)
		c.Apply(u, z)
	}); n != 0 {
		t.Errorf("%v allocations", n)
	}
}
