package sampling

import (
	"math"
	"math/rand/v2"
	"testing"

	"gonum.org/v1/gonum/integrate/quad"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"

	"github.com/settle-sim/settle/internal/longtest"
)

// tCopulaDiagonal is C(q, q) of the bivariate t copula with nu degrees
// of freedom and correlation rho, by quadrature: with c = t_ν⁻¹(q) and
// T = Y/√(W/ν), C(q, q) = ∫ f_χ²ν(w) Φ₂(c√(w/ν), c√(w/ν); ρ) dw, and
// Φ₂(h, h; ρ) = ∫_{−∞}^h φ(z) Φ((h − ρz)/√(1−ρ²)) dz.
func tCopulaDiagonal(q, nu, rho float64) float64 {
	c := distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu}.Quantile(q)
	chi := distuv.ChiSquared{K: nu}
	s := math.Sqrt(1 - rho*rho)
	phi2 := func(h float64) float64 {
		return quad.Fixed(func(z float64) float64 {
			return distuv.UnitNormal.Prob(z) * distuv.UnitNormal.CDF((h-rho*z)/s)
		}, h-12, h, 200, quad.Legendre{}, 0)
	}
	// w = e^x: the mass of small w matters most in the tail.
	return quad.Fixed(func(x float64) float64 {
		w := math.Exp(x)
		return chi.Prob(w) * w * phi2(c*math.Sqrt(w/nu))
	}, -40, math.Log(nu)+6, 400, quad.Legendre{}, 0)
}

// claytonDiagonal is C(q, q) of the bivariate Clayton copula:
// (2q^−θ − 1)^(−1/θ).
func claytonDiagonal(q, theta float64) float64 {
	return math.Pow(2*math.Pow(q, -theta)-1, -1/theta)
}

// TestTailDiagonalsTendToClosedForms: the copulas' C(q, q)/q, computed
// independently of the sampler, tends as q → 0 to the closed-form lower
// tail dependence TailDependence reports.
func TestTailDiagonalsTendToClosedForms(t *testing.T) {
	for _, tc := range []struct{ nu, tau float64 }{{4, 0.5}, {3, 0.3}, {10, 0.6}} {
		rho := NormalFromKendall(tc.tau)
		c, _ := NewTCopula([]float64{1, rho, rho, 1}, 2, tc.nu)
		lower, upper := c.TailDependence(0, 1)
		got := tCopulaDiagonal(1e-9, tc.nu, rho) / 1e-9
		// C(q, q)/q approaches λ as q^(2/ν)
		if tol := 3 * math.Pow(1e-9, 2/tc.nu); math.Abs(got-lower) > tol*lower+1e-3 || lower != upper {
			t.Errorf("t, ν %g, τ %g: C(q,q)/q at q=1e-9 is %.4f; TailDependence %.4f, %.4f", tc.nu, tc.tau, got, lower, upper)
		}
	}
	for _, tau := range []float64{0.2, 0.5, 0.8} {
		th := ClaytonTheta(tau)
		c := NewClaytonCopula(2, []ClaytonGroup{{Members: []int{0, 1}, Theta: th}}, false)
		lower, upper := c.TailDependence(0, 1)
		if got := claytonDiagonal(1e-12, th) / 1e-12; math.Abs(got-lower) > 1e-3 || upper != 0 {
			t.Errorf("clayton τ %g: C(q,q)/q at q=1e-12 is %.4f; TailDependence %.4f, %.4f", tau, got, lower, upper)
		}
	}
}

// tailCase is a copula whose empirical tail dependence is checked.
type tailCase struct {
	name  string
	c     *Copula
	exact func(q float64) float64 // C(q, q), lower tail
	upper bool                    // the dependence is in the upper tail
}

func tailCases() []tailCase {
	rho := NormalFromKendall(0.5)
	tc, _ := NewTCopula([]float64{1, rho, rho, 1}, 2, 4)
	th := ClaytonTheta(0.5)
	group := []ClaytonGroup{{Members: []int{0, 1}, Theta: th}}
	return []tailCase{
		{"t, ν 4, τ 0.5", tc, func(q float64) float64 { return tCopulaDiagonal(q, 4, rho) }, false},
		{"clayton, τ 0.5", NewClaytonCopula(2, group, false), func(q float64) float64 { return claytonDiagonal(q, th) }, false},
		{"clayton upper, τ 0.5", NewClaytonCopula(2, group, true), func(q float64) float64 { return claytonDiagonal(q, th) }, true},
	}
}

// checkTails draws n pairs from each copula and compares the share of
// pairs with both uniforms below q (above 1 − q for an upper tail, and
// for the t copula both), over q, with the exact C(q, q)/q, within four
// standard errors, and reports how near both are to the closed form.
func checkTails(t *testing.T, n int, q float64, seed uint64) {
	for _, tc := range tailCases() {
		r := rand.New(rand.NewPCG(seed, 99))
		u, z := make([]float64, 3), make([]float64, 2)
		lo, hi := 0, 0
		for range n {
			for i := range u {
				u[i] = Open(r.Float64())
			}
			tc.c.Apply(u, z)
			if u[0] <= q && u[1] <= q {
				lo++
			}
			if u[0] > 1-q && u[1] > 1-q {
				hi++
			}
		}
		exact := tc.exact(q)
		se := math.Sqrt(exact*(1-exact)/float64(n)) / q
		lower, upper := tc.c.TailDependence(0, 1)
		check := func(tail string, count int, lambda float64) {
			got := float64(count) / float64(n) / q
			t.Logf("%s, %s tail: P(both beyond q)/q at q=%g is %.4f ± %.4f, exactly %.4f; closed form λ %.4f", tc.name, tail, q, got, se, exact/q, lambda)
			if math.Abs(got-exact/q) > 4*se {
				t.Errorf("%s, %s tail: empirical %.4f, exact %.4f ± %.4f", tc.name, tail, got, exact/q, 4*se)
			}
		}
		switch {
		case tc.c.Family == StudentT:
			check("lower", lo, lower)
			check("upper", hi, upper)
		case tc.upper:
			check("upper", hi, upper)
		default:
			check("lower", lo, lower)
		}
	}
}

// TestTailDependence: the t and Clayton copulas as drawn have the tail
// dependence of their closed forms (via TestTailDiagonalsTendToClosedForms).
func TestTailDependence(t *testing.T) { checkTails(t, 200_000, 0.01, 1) }

// TestTailDependenceLong is TestTailDependence with 4,000,000 pairs,
// deeper in the tail.
func TestTailDependenceLong(t *testing.T) {
	longtest.Skip(t)
	checkTails(t, 4_000_000, 0.001, 2)
}

// TestCopulaKendall: each copula's pairs have the Kendall's tau asked.
func TestCopulaKendall(t *testing.T) {
	const n = 20_000
	for _, tc := range tailCases() {
		r := rand.New(rand.NewPCG(5, 6))
		u, z := make([]float64, 3), make([]float64, 2)
		xs, ys := make([]float64, n), make([]float64, n)
		for i := range n {
			for j := range u {
				u[j] = Open(r.Float64())
			}
			tc.c.Apply(u, z)
			xs[i], ys[i] = u[0], u[1]
		}
		tau := kendallBrute(xs[:3000], ys[:3000])
		// se of tau from 3,000 pairs ≈ 0.012 at τ 0.5
		if want := tc.c.KendallTau(0, 1); math.Abs(tau-want) > 0.05 || math.Abs(want-0.5) > 1e-12 {
			t.Errorf("%s: tau %.3f, want %.3f", tc.name, tau, want)
		}
	}
}

func kendallBrute(xs, ys []float64) float64 {
	s := 0.0
	n := len(xs)
	for i := range n {
		for j := i + 1; j < n; j++ {
			if (xs[i]-xs[j])*(ys[i]-ys[j]) > 0 {
				s++
			} else {
				s--
			}
		}
	}
	return s / (float64(n) * float64(n-1) / 2)
}

// TestClaytonGroup: three inputs in one group have the same tau pairwise,
// and a fourth in a group of its own is independent of them.
func TestClaytonGroup(t *testing.T) {
	th := ClaytonTheta(0.4)
	c := NewClaytonCopula(4, []ClaytonGroup{{Members: []int{0, 2, 3}, Theta: th}}, false)
	const n = 3000
	cols := make([][]float64, 4)
	for i := range cols {
		cols[i] = make([]float64, n)
	}
	r := rand.New(rand.NewPCG(7, 8))
	u, z := make([]float64, 4), make([]float64, 4)
	for i := range n {
		for j := range u {
			u[j] = Open(r.Float64())
		}
		c.Apply(u, z)
		for j := range u {
			cols[j][i] = u[j]
		}
	}
	for _, p := range [][2]int{{0, 2}, {0, 3}, {2, 3}, {0, 1}, {1, 3}} {
		got, want := kendallBrute(cols[p[0]], cols[p[1]]), c.KendallTau(p[0], p[1])
		if math.Abs(got-want) > 0.05 {
			t.Errorf("pair %v: tau %.3f, want %.3f", p, got, want)
		}
	}
}

func TestCopulaNoAllocs(t *testing.T) {
	for _, tc := range tailCases() {
		u, z := []float64{0.3, 0.6, 0.2}, make([]float64, 2)
		if n := testing.AllocsPerRun(100, func() { tc.c.Apply(u, z) }); n != 0 {
			t.Errorf("%s: %v allocations", tc.name, n)
		}
	}
}

// TestGammaIncRegInv: gammaIncRegInv inverts P(a, ·) to nearly full
// precision for the shapes of χ² variables with 1 to 1,000 degrees of
// freedom, at every probability Open gives.
func TestGammaIncRegInv(t *testing.T) {
	for _, a := range []float64{0.5, 1, 1.5, 2, 5, 50, 500} {
		for _, p := range []float64{Open(0), 1e-9, 1e-3, 0.02, 0.3, 0.5, 0.7, 0.98, 1 - 1e-9, Open(1)} {
			x := gammaIncRegInv(a, p)
			got, want := mathext.GammaIncReg(a, x), p
			if p > 0.5 {
				got, want = mathext.GammaIncRegComp(a, x), 1-p
			}
			if math.Abs(got-want) > 1e-10*want {
				t.Errorf("a %g p %g: x %.17g gives %.17g, want %.17g", a, p, x, got, want)
			}
		}
	}
}
