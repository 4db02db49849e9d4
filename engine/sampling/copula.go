package sampling

import (
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/mathext"
)

// Copula makes k inputs dependent while each keeps its own marginal
// distribution: each trial's k independent uniforms for them (and, for
// the t copula, one more) are mapped to k dependent uniforms, which go
// through each input's own inverse CDF. The mapping is a deterministic
// function of the uniforms, so copulas compose with Latin hypercube and
// Sobol' designs as with plain sampling.
//
//   - Gaussian (the zero Family): the uniforms are mapped to normals,
//     mixed by the Cholesky factor L of the normals' correlation matrix
//     and mapped back with Φ.
//   - StudentT: as Gaussian, then divided by √(W/ν), W the χ²_ν quantile
//     of the extra uniform, and mapped back with the t_ν CDF (Demarta
//     and McNeil, The t copula and related copulas, 2005).
//   - Clayton: each group's uniforms are turned into a Clayton copula's
//     by the conditional distribution method (see ClaytonGroup).
type Copula struct {
	K int
	// L is the lower Cholesky factor of the normal correlation matrix,
	// row-major k×k (Gaussian and StudentT).
	L []float64

	Family Family
	// DF is the t copula's degrees of freedom ν.
	DF float64
	// Groups are the Clayton copula's groups; inputs in different groups
	// are independent.
	Groups []ClaytonGroup
	// Upper turns a Clayton copula round (the survival copula: u ↦ 1 − u
	// on the way in and out), moving its tail dependence from the lower
	// tail to the upper.
	Upper bool
}

// NormalFromSpearman is the correlation of a bivariate normal whose
// Spearman rank correlation is rho: 2 sin(π rho / 6).
func NormalFromSpearman(rho float64) float64 { return 2 * math.Sin(math.Pi*rho/6) }

// SpearmanFromNormal inverts NormalFromSpearman.
func SpearmanFromNormal(r float64) float64 { return 6 / math.Pi * math.Asin(r/2) }

// MinEigenvalue returns the smallest eigenvalue of the symmetric matrix
// m (row-major, k×k).
func MinEigenvalue(m []float64, k int) float64 {
	var eig mat.EigenSym
	if !eig.Factorize(mat.NewSymDense(k, append([]float64(nil), m...)), false) {
		return math.NaN()
	}
	return eig.Values(nil)[0]
}

// psdTol is how far below zero an eigenvalue may be, from rounding, for
// a matrix still to count as positive semi-definite.
const psdTol = 1e-10

// IsPSD reports whether the symmetric matrix m is positive
// semi-definite, and its smallest eigenvalue.
func IsPSD(m []float64, k int) (bool, float64) {
	e := MinEigenvalue(m, k)
	return e >= -psdTol, e
}

// NormalCorrelations returns the correlation matrix of the normals
// whose uniforms have the Spearman rank correlations spearman (row-major
// k×k with a unit diagonal).
func NormalCorrelations(spearman []float64, k int) []float64 {
	r := make([]float64, k*k)
	for i := range r {
		r[i] = NormalFromSpearman(spearman[i])
	}
	for i := range k {
		r[i*k+i] = 1
	}
	return r
}

// NewCopula returns the copula whose uniforms have the Spearman rank
// correlations spearman (row-major k×k, unit diagonal). ok is false when
// the normals' correlation matrix is not positive semi-definite.
func NewCopula(spearman []float64, k int) (*Copula, bool) {
	return NewNormalCopula(NormalCorrelations(spearman, k), k)
}

// NewNormalCopula returns the copula whose normals have the correlation
// matrix r. ok is false when r is not positive semi-definite.
func NewNormalCopula(r []float64, k int) (*Copula, bool) {
	l, ok := cholesky(r, k)
	if !ok {
		return nil, false
	}
	return &Copula{K: k, L: l}, true
}

// cholesky factors the positive semi-definite m = L Lᵀ; a zero pivot (a
// singular matrix, such as one with a correlation of 1) gives a zero
// column.
func cholesky(m []float64, k int) ([]float64, bool) {
	l := make([]float64, k*k)
	for j := range k {
		d := m[j*k+j]
		for p := range j {
			d -= l[j*k+p] * l[j*k+p]
		}
		if d < -1e-9 {
			return nil, false
		}
		if d < 1e-12 {
			for i := j + 1; i < k; i++ {
				s := m[i*k+j]
				for p := range j {
					s -= l[i*k+p] * l[j*k+p]
				}
				if math.Abs(s) > 1e-6 {
					return nil, false
				}
			}
			continue
		}
		ljj := math.Sqrt(d)
		l[j*k+j] = ljj
		for i := j + 1; i < k; i++ {
			s := m[i*k+j]
			for p := range j {
				s -= l[i*k+p] * l[j*k+p]
			}
			l[i*k+j] = s / ljj
		}
	}
	return l, true
}

// Apply makes u, c.K uniforms in (0, 1) followed by c.Extra() more,
// dependent, in place, using z (c.K floats) as scratch. It does not
// allocate.
func (c *Copula) Apply(u, z []float64) {
	switch c.Family {
	case StudentT:
		c.applyT(u, z)
		return
	case Clayton:
		c.applyClayton(u)
		return
	}
	c.normals(u, z)
	// u_i = Φ(Σ_j≤i L_ij z_j), from the last row up so that z is read
	// before it is overwritten.
	for i := c.K - 1; i >= 0; i-- {
		u[i] = Open(0.5 * math.Erfc(-c.row(i, z)/math.Sqrt2))
	}
}

// normals sets z_i = Φ⁻¹(u_i) for the copula's K uniforms.
func (c *Copula) normals(u, z []float64) {
	for i := range c.K {
		z[i] = mathext.NormalQuantile(u[i])
	}
}

// row is (L z)_i = Σ_j≤i L_ij z_j.
func (c *Copula) row(i int, z []float64) float64 {
	s := 0.0
	for j, l := range c.L[i*c.K : i*c.K+i+1] {
		s += l * z[j]
	}
	return s
}

// Nearest returns the correlation matrix nearest to m in the Frobenius
// norm (Higham, Computing the nearest correlation matrix, IMA J. Numer.
// Anal. 22, 2002: alternating projections with Dykstra's correction),
// nudged to be strictly positive definite.
func Nearest(m []float64, k int) []float64 {
	y := append([]float64(nil), m...)
	ds := make([]float64, k*k)
	r := make([]float64, k*k)
	x := make([]float64, k*k)
	for range 1000 {
		for i := range r {
			r[i] = y[i] - ds[i]
		}
		psdProject(r, x, k)
		for i := range ds {
			ds[i] = x[i] - r[i]
		}
		diff := 0.0
		for i := range y {
			v := x[i]
			if i/k == i%k {
				v = 1
			}
			diff = max(diff, math.Abs(v-y[i]))
			y[i] = v
		}
		if diff < 1e-12 {
			break
		}
	}
	// Shrink slightly towards the identity so that rounding leaves it
	// positive definite.
	const eps = 1e-9
	for i := range y {
		if i/k != i%k {
			y[i] *= 1 - eps
		}
	}
	return y
}

// psdProject sets x to the projection of symmetric r onto the positive
// semi-definite matrices: its eigenvalues clipped at zero.
func psdProject(r, x []float64, k int) {
	var eig mat.EigenSym
	eig.Factorize(mat.NewSymDense(k, append([]float64(nil), r...)), true)
	vals := eig.Values(nil)
	var vecs mat.Dense
	eig.VectorsTo(&vecs)
	for i := range k {
		for j := range k {
			s := 0.0
			for e := range k {
				if vals[e] > 0 {
					s += vecs.At(i, e) * vals[e] * vecs.At(j, e)
				}
			}
			x[i*k+j] = s
		}
	}
}
