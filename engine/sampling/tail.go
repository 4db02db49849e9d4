package sampling

import (
	"math"

	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// Family is a copula's family.
type Family uint8

const (
	// Gaussian is the normal copula: no tail dependence.
	Gaussian Family = iota
	// StudentT is the t copula: symmetric dependence in both tails, the
	// stronger the fewer its degrees of freedom.
	StudentT
	// Clayton is the Clayton copula: dependence in the lower tail (or,
	// turned round, the upper), exchangeable within a group.
	Clayton
)

var familyNames = []string{"gaussian", "t", "clayton"}

func (f Family) String() string { return familyNames[f] }

// ClaytonGroup is a group of a Clayton copula: the inputs Members
// (indexes into the copula's uniforms), whose joint distribution
// function is C(u) = (Σ u_i^−θ − d + 1)^(−1/θ), θ > 0, so that every
// pair has Kendall's tau θ/(θ+2) and lower tail dependence 2^(−1/θ).
//
// It is drawn by the conditional distribution method (Cherubini, Luciano
// and Vecchiato, Copula Methods in Finance, 2004, §6.3.1): the first
// uniform is kept, and the k-th (k = 2, 3, …) is the inverse of its
// conditional distribution given those before it at its own uniform v,
//
//	u_k = (1 + A_k (v^(−θ/(1+(k−1)θ)) − 1))^(−1/θ),  A_k = 1 + Σ_{j<k} (u_j^−θ − 1),
//
// computed with t_k = u_k^−θ − 1 = A_k (v^(−θ/(1+(k−1)θ)) − 1), in logs
// and with expm1 and log1p, so that nothing overflows. Each output is
// increasing in its own uniform, so a design's stratification of that
// uniform carries over.
type ClaytonGroup struct {
	Members []int
	Theta   float64
}

// ClaytonTheta is the parameter of the Clayton copula whose Kendall's
// tau is tau: θ = 2τ/(1−τ), for 0 < τ < 1.
func ClaytonTheta(tau float64) float64 { return 2 * tau / (1 - tau) }

// NormalFromKendall is the correlation of the normals (or t variables)
// of a Gaussian or t copula whose Kendall's tau is tau: sin(πτ/2), for
// every elliptical copula (Lindskog, McNeil and Schmock, Kendall's tau
// for elliptical distributions, 2003).
func NormalFromKendall(tau float64) float64 { return math.Sin(math.Pi * tau / 2) }

// KendallFromNormal inverts NormalFromKendall: (2/π) asin(r).
func KendallFromNormal(r float64) float64 { return 2 / math.Pi * math.Asin(r) }

// NewTCopula returns the t copula with df degrees of freedom whose
// normals have the correlation matrix r; ok is false when r is not
// positive semi-definite.
func NewTCopula(r []float64, k int, df float64) (*Copula, bool) {
	c, ok := NewNormalCopula(r, k)
	if !ok {
		return nil, false
	}
	c.Family, c.DF = StudentT, df
	return c, true
}

// NewClaytonCopula returns the Clayton copula of k uniforms in groups;
// upper turns it round.
func NewClaytonCopula(k int, groups []ClaytonGroup, upper bool) *Copula {
	return &Copula{K: k, Family: Clayton, Groups: groups, Upper: upper}
}

// Extra is how many uniforms the copula takes after its K: one for the t
// copula's χ² variable, none otherwise.
func (c *Copula) Extra() int {
	if c.Family == StudentT {
		return 1
	}
	return 0
}

// applyT is Apply for the t copula: u[K] is the uniform of its χ²_ν
// variable W, x = L z / √(W/ν) with z_i = Φ⁻¹(u_i), and u_i = t_ν(x_i).
func (c *Copula) applyT(u, z []float64) {
	nu := c.DF
	w := 2 * gammaIncRegInv(nu/2, u[c.K]) // χ²_ν quantile
	scale := math.Sqrt(nu / w)
	c.normals(u, z)
	for i := c.K - 1; i >= 0; i-- {
		u[i] = Open(studentCDF(c.row(i, z)*scale, nu))
	}
}

// studentCDF is the CDF of Student's t with nu degrees of freedom,
// ½ I_{ν/(ν+x²)}(ν/2, ½) below 0 and its complement above (Abramowitz
// and Stegun 26.7.1), accurate in the lower tail.
func studentCDF(x, nu float64) float64 {
	p := 0.5 * mathext.RegIncBeta(nu/2, 0.5, nu/(nu+x*x))
	if x > 0 {
		return 1 - p
	}
	return p
}

// applyClayton is Apply for the Clayton copula, group by group.
func (c *Copula) applyClayton(u []float64) {
	for _, g := range c.Groups {
		th := g.Theta
		a := 1.0 // A_k
		for k, m := range g.Members {
			v := u[m]
			if c.Upper {
				v = 1 - v
			}
			if k > 0 {
				// t_k = A_k (v^−α − 1), α = θ/(1+(k−1)θ); u_k = (1+t_k)^(−1/θ)
				alpha := th / (1 + float64(k)*th)
				t := a * math.Expm1(-alpha*math.Log(v))
				a += t
				v = math.Exp(-math.Log1p(t) / th)
			} else {
				a += math.Expm1(-th * math.Log(v))
			}
			if c.Upper {
				v = 1 - v
			}
			u[m] = Open(v)
		}
	}
}

// NormalCorrelation returns the correlation of the normals behind
// uniforms i and j of a Gaussian or t copula: (L Lᵀ)_ij.
func (c *Copula) NormalCorrelation(i, j int) float64 {
	s := 0.0
	for p := 0; p <= min(i, j); p++ {
		s += c.L[i*c.K+p] * c.L[j*c.K+p]
	}
	return s
}

// GroupTheta returns the θ of the Clayton group holding both uniforms i
// and j, and whether one does.
func (c *Copula) GroupTheta(i, j int) (float64, bool) {
	for _, g := range c.Groups {
		hasI, hasJ := false, false
		for _, m := range g.Members {
			hasI = hasI || m == i
			hasJ = hasJ || m == j
		}
		if hasI && hasJ {
			return g.Theta, true
		}
	}
	return 0, false
}

// KendallTau returns the Kendall's tau of uniforms i and j under c:
// (2/π) asin(ρ) for the Gaussian and t copulas, θ/(θ+2) within a
// Clayton group and 0 between groups.
func (c *Copula) KendallTau(i, j int) float64 {
	if c.Family == Clayton {
		th, ok := c.GroupTheta(i, j)
		if !ok {
			return 0
		}
		return th / (th + 2)
	}
	return KendallFromNormal(c.NormalCorrelation(i, j))
}

// TailDependence returns the lower and upper tail dependence
// coefficients of uniforms i and j under c, λ_L = lim_{q→0} P(U_j ≤ q |
// U_i ≤ q) and λ_U = lim_{q→1} P(U_j > q | U_i > q):
//
//   - Gaussian: 0 and 0 (for ρ < 1);
//   - t with ν degrees of freedom and correlation ρ, both
//     2 t_{ν+1}(−√((ν+1)(1−ρ)/(1+ρ))) (Embrechts, McNeil and Straumann,
//     Correlation and dependence in risk management, 2002, §4.4);
//   - Clayton with parameter θ: λ_L = 2^(−1/θ), λ_U = 0 (swapped when
//     turned round); 0 and 0 between groups.
func (c *Copula) TailDependence(i, j int) (lower, upper float64) {
	switch c.Family {
	case StudentT:
		rho := c.NormalCorrelation(i, j)
		if rho >= 1 {
			return 1, 1
		}
		nu := c.DF
		l := 2 * distuv.StudentsT{Mu: 0, Sigma: 1, Nu: nu + 1}.CDF(-math.Sqrt((nu+1)*(1-rho)/(1+rho)))
		return l, l
	case Clayton:
		th, ok := c.GroupTheta(i, j)
		if !ok {
			return 0, 0
		}
		l := math.Pow(2, -1/th)
		if c.Upper {
			return 0, l
		}
		return l, 0
	}
	if c.NormalCorrelation(i, j) >= 1 {
		return 1, 1
	}
	return 0, 0
}

// gammaIncRegInv returns x with P(a, x) = p, P the regularised lower
// incomplete gamma function: the p-quantile of a gamma variable of
// shape a and rate 1. It starts from the Wilson–Hilferty approximation
// (a > 1) or from P(a, x) ≈ x^a/Γ(a+1) near 0 and 1 − e^−x beyond it
// (a ≤ 1), and takes Halley steps on P (on the complement Q above the
// median, for accuracy there), with P'(x) = x^(a−1) e^−x / Γ(a) (Press et
// al., Numerical Recipes, 3rd ed., 2007, §6.2.1). Unlike
// mathext.GammaIncRegInv, it never allocates.
func gammaIncRegInv(a, p float64) float64 {
	lga, _ := math.Lgamma(a)
	var x float64
	if a > 1 {
		z := mathext.NormalQuantile(p)
		w := 1 - 1/(9*a) + z/(3*math.Sqrt(a))
		x = a * w * w * w
		if x <= 0 {
			x = math.Exp((math.Log(p) + math.Log(a) + lga) / a) // x^a/Γ(a+1) = p
		}
	} else {
		t := 1 - a*(0.253+a*0.12)
		if p < t {
			x = math.Pow(p/t, 1/a)
		} else {
			x = 1 - math.Log1p(-(p-t)/(1-t))
		}
	}
	for range 30 {
		if !(x > 0) || math.IsInf(x, 1) {
			return max(x, 0)
		}
		var err float64
		if p < 0.5 {
			err = mathext.GammaIncReg(a, x) - p
		} else {
			err = (1 - p) - mathext.GammaIncRegComp(a, x)
		}
		d := math.Exp((a-1)*math.Log(x) - x - lga)
		if d == 0 || math.IsInf(d, 0) {
			break
		}
		t := err / d
		step := t / (1 - 0.5*min(1, t*((a-1)/x-1))) // Halley
		next := x - step
		if next <= 0 {
			next = x / 2
		}
		if math.Abs(next-x) <= 1e-14*x {
			return next
		}
		x = next
	}
	return x
}
