// Package smooth estimates a conditional mean E[Y | X] from Monte Carlo
// trials by penalised regression splines: the nonparametric regression
// that value-of-information estimates rest on.
//
// The regression is a P-spline (Eilers and Marx, "Flexible smoothing with
// B-splines and penalties", Statistical Science 11, 1996): a rich basis
// of B-splines on equally spaced knots whose coefficients are penalised
// by their second differences, the penalty's weight λ chosen by
// generalised cross-validation (Craven and Wahba 1979). Each covariate is
// first put on its rank scale (its empirical distribution function), so
// that the knots sit at quantiles and every basis function has data under
// it whatever the covariate's distribution; a covariate with few distinct
// values (a true/false input, a discrete one) gets one indicator a value
// instead, which estimates the mean at each value exactly. Several
// covariates get the tensor product of their margins with the sum of the
// margins' penalties (an isotropic tensor-product smooth, Wood,
// Generalized Additive Models, 2nd ed., 2017, §5.6), which models any
// interaction between them.
//
// For each λ the fit is solved in the Demmler–Reinsch basis: with
// XᵀX = LLᵀ and L⁻¹PL⁻ᵀ = U diag(s) Uᵀ, the coefficients are
// β = L⁻ᵀU (I + λ diag(s))⁻¹ UᵀL⁻¹Xᵀy, the effective degrees of freedom
// Σ 1/(1 + λ sᵢ) and the residual sum of squares a sum over the basis, so
// the search for λ costs nothing per trial.
package smooth

import (
	"errors"
	"fmt"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// MaxCovariates is the most covariates a Basis takes: the tensor product
// of more margins has too many coefficients to fit from trials in
// reasonable time.
const MaxCovariates = 4

// MaxLevels is the most distinct values a covariate may have to be
// treated as discrete (one indicator a value) when it is alone; with
// others, maxLevelsTensor.
const (
	MaxLevels       = 32
	maxLevelsTensor = 8
)

// Basis is a regression basis over the trials of one or more covariates.
type Basis struct {
	n       int
	margins []*margin
	strides []int
	size    int // number of basis functions
	maxNZ   int // most nonzero basis functions in a row

	// The Demmler–Reinsch decomposition, made once for every response.
	m *mat.Dense // L⁻ᵀU, size × size
	s []float64  // the penalty's eigenvalues in that basis
}

// margin is one covariate's basis: B-splines on its rank scale, or
// indicators of its values.
type margin struct {
	size  int
	k     int       // nonzero functions in a row: degree + 1, or 1 for indicators
	start []int32   // per trial, the first nonzero function
	vals  []float64 // per trial, its k values (nil for indicators: 1)
	pen   []float64 // size × size second-difference penalty; nil for none
}

// splineSize is the number of B-splines of each margin for d covariates,
// and splineDegree their degree: fewer and flatter with more covariates,
// so that the tensor product stays fittable.
func splineSize(d int) (size, degree int) {
	switch d {
	case 1:
		return 40, 3
	case 2:
		return 14, 3
	case 3:
		return 7, 2
	}
	return 5, 2
}

// New makes the basis of the covariates xs, one slice of trials each, all
// of the same length.
func New(xs ...[]float64) (*Basis, error) {
	d := len(xs)
	if d == 0 {
		return nil, errors.New("smooth: no covariates")
	}
	if d > MaxCovariates {
		return nil, fmt.Errorf("smooth: %d covariates; at most %d can be smoothed together", d, MaxCovariates)
	}
	n := len(xs[0])
	for _, x := range xs {
		if len(x) != n {
			return nil, errors.New("smooth: covariates of different lengths")
		}
		for _, v := range x {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, errors.New("smooth: a covariate is not finite")
			}
		}
	}
	if n < 2 {
		return nil, errors.New("smooth: fewer than 2 trials")
	}
	b := &Basis{n: n, size: 1, maxNZ: 1}
	maxLevels := MaxLevels
	if d > 1 {
		maxLevels = maxLevelsTensor
	}
	size, degree := splineSize(d)
	for _, x := range xs {
		var mg *margin
		if levels := distinct(x, maxLevels); levels != nil {
			mg = indicatorMargin(x, levels)
		} else {
			mg = splineMargin(x, size, degree)
		}
		b.margins = append(b.margins, mg)
	}
	// Strides: the last margin varies fastest.
	b.strides = make([]int, d)
	for j := d - 1; j >= 0; j-- {
		b.strides[j] = b.size
		b.size *= b.margins[j].size
		b.maxNZ *= b.margins[j].k
	}
	if err := b.decompose(); err != nil {
		return nil, err
	}
	return b, nil
}

// Size returns the number of basis functions.
func (b *Basis) Size() int { return b.size }

// distinct returns the sorted distinct values of x when there are at most
// limit of them, else nil.
func distinct(x []float64, limit int) []float64 {
	var vals []float64
	for _, v := range x {
		i, found := slices.BinarySearch(vals, v)
		if found {
			continue
		}
		if len(vals) == limit {
			return nil
		}
		vals = slices.Insert(vals, i, v)
	}
	return vals
}

func indicatorMargin(x, levels []float64) *margin {
	mg := &margin{size: len(levels), k: 1, start: make([]int32, len(x))}
	for t, v := range x {
		i, _ := slices.BinarySearch(levels, v)
		mg.start[t] = int32(i)
	}
	return mg
}

// splineMargin is the uniform B-spline basis of the given size and degree
// on [0, 1] (knots extended beyond it, as P-splines have them), evaluated
// at each trial's rank scale (rank − ½)/n, ties sharing their mean rank.
func splineMargin(x []float64, size, degree int) *margin {
	n := len(x)
	k := degree + 1
	nseg := size - degree
	mg := &margin{size: size, k: k, start: make([]int32, n), vals: make([]float64, n*k)}
	for t, r := range ranks(x) {
		u := (r - 0.5) / float64(n) * float64(nseg)
		seg := min(int(u), nseg-1)
		f := u - float64(seg)
		mg.start[t] = int32(seg)
		bspline(degree, f, mg.vals[t*k:(t+1)*k])
	}
	// The second-difference penalty DᵀD.
	mg.pen = make([]float64, size*size)
	for r := 0; r+2 < size; r++ {
		c := [3]float64{1, -2, 1}
		for i := range 3 {
			for j := range 3 {
				mg.pen[(r+i)*size+r+j] += c[i] * c[j]
			}
		}
	}
	return mg
}

// ranks returns the ranks (1 … n) of x, ties sharing their mean rank.
func ranks(x []float64) []float64 {
	type pair struct {
		v float64
		i int32
	}
	ps := make([]pair, len(x))
	for i, v := range x {
		ps[i] = pair{v, int32(i)}
	}
	slices.SortFunc(ps, func(a, b pair) int {
		switch {
		case a.v < b.v:
			return -1
		case a.v > b.v:
			return 1
		}
		return 0
	})
	r := make([]float64, len(x))
	for lo := 0; lo < len(ps); {
		hi := lo + 1
		for hi < len(ps) && ps[hi].v == ps[lo].v {
			hi++
		}
		mean := float64(lo+hi+1) / 2 // ranks lo+1 … hi
		for _, p := range ps[lo:hi] {
			r[p.i] = mean
		}
		lo = hi
	}
	return r
}

// bspline writes the degree+1 uniform B-splines that are nonzero at
// fraction f ∈ [0, 1) of a knot interval (de Boor's uniform pieces).
func bspline(degree int, f float64, dst []float64) {
	g := 1 - f
	switch degree {
	case 2:
		dst[0] = g * g / 2
		dst[1] = (-2*f*f + 2*f + 1) / 2
		dst[2] = f * f / 2
	case 3:
		f2, f3 := f*f, f*f*f
		dst[0] = g * g * g / 6
		dst[1] = (3*f3 - 6*f2 + 4) / 6
		dst[2] = (-3*f3 + 3*f2 + 3*f + 1) / 6
		dst[3] = f3 / 6
	default:
		panic("smooth: unsupported degree")
	}
}

// row writes trial t's nonzero basis functions (index and value) into idx
// and val and returns how many there are.
func (b *Basis) row(t int, idx []int, val []float64) int {
	idx[0], val[0] = 0, 1
	cnt := 1
	for j, mg := range b.margins {
		st := b.strides[j]
		base := int(mg.start[t])
		if mg.vals == nil {
			for c := range cnt {
				idx[c] += base * st
			}
			continue
		}
		vs := mg.vals[t*mg.k : (t+1)*mg.k]
		// Expand in place, from the back, so earlier entries are read
		// before they are overwritten.
		for c := cnt - 1; c >= 0; c-- {
			i0, v0 := idx[c], val[c]
			for a := mg.k - 1; a >= 0; a-- {
				idx[c*mg.k+a] = i0 + (base+a)*st
				val[c*mg.k+a] = v0 * vs[a]
			}
		}
		cnt *= mg.k
	}
	return cnt
}

// penalty returns the tensor-product penalty Σⱼ I ⊗ … ⊗ Pⱼ ⊗ … ⊗ I.
func (b *Basis) penalty() *mat.SymDense {
	p := mat.NewSymDense(b.size, nil)
	for j, mg := range b.margins {
		if mg.pen == nil {
			continue
		}
		st := b.strides[j]
		for i := range b.size {
			ai := i / st % mg.size
			for a := range mg.size {
				w := mg.pen[ai*mg.size+a]
				if w == 0 {
					continue
				}
				// The same index in every other margin, a in this one.
				i2 := i + (a-ai)*st
				if i2 >= i {
					p.SetSym(i, i2, p.At(i, i2)+w)
				}
			}
		}
	}
	return p
}

// decompose accumulates XᵀX and makes the Demmler–Reinsch basis.
func (b *Basis) decompose() error {
	m := b.size
	g := make([]float64, m*m) // upper triangle of XᵀX
	idx := make([]int, b.maxNZ)
	val := make([]float64, b.maxNZ)
	for t := range b.n {
		c := b.row(t, idx, val)
		for p := range c {
			ip, vp := idx[p], val[p]
			rowp := g[ip*m:]
			for q := range c {
				if iq := idx[q]; iq >= ip {
					rowp[iq] += vp * val[q]
				}
			}
		}
	}
	// A tiny ridge keeps the factorisation defined where a basis function
	// has (almost) no data: the penalty then decides its coefficient.
	var trace float64
	for i := range m {
		trace += g[i*m+i]
	}
	ridge := 1e-10 * trace / float64(m)
	gs := mat.NewSymDense(m, nil)
	for i := range m {
		for j := i; j < m; j++ {
			gs.SetSym(i, j, g[i*m+j])
		}
		gs.SetSym(i, i, g[i*m+i]+ridge)
	}
	var ch mat.Cholesky
	if !ch.Factorize(gs) {
		return errors.New("smooth: the basis could not be factored")
	}
	var l mat.TriDense
	ch.LTo(&l)
	// C = L⁻¹ P L⁻ᵀ.
	var x, c mat.Dense
	if err := l.SolveTo(&x, false, b.penalty()); err != nil {
		return fmt.Errorf("smooth: %w", err)
	}
	if err := l.SolveTo(&c, false, x.T()); err != nil {
		return fmt.Errorf("smooth: %w", err)
	}
	cs := mat.NewSymDense(m, nil)
	for i := range m {
		for j := i; j < m; j++ {
			cs.SetSym(i, j, (c.At(i, j)+c.At(j, i))/2)
		}
	}
	var es mat.EigenSym
	if !es.Factorize(cs, true) {
		return errors.New("smooth: the penalty's eigen-decomposition failed")
	}
	b.s = es.Values(nil)
	for i, v := range b.s {
		b.s[i] = math.Max(v, 0) // a PSD penalty: rounding only
	}
	var u mat.Dense
	es.VectorsTo(&u)
	b.m = new(mat.Dense)
	if err := l.SolveTo(b.m, true, &u); err != nil {
		return fmt.Errorf("smooth: %w", err)
	}
	return nil
}

// Fit is a response's fitted smooth.
type Fit struct {
	// Fitted is the estimate of E[Y | X] at each trial's covariates.
	Fitted []float64
	// Lambda is the penalty's weight chosen by GCV, EDF the fit's
	// effective degrees of freedom and Sigma the residuals' standard
	// deviation, RSS / (n − EDF) under the root.
	Lambda, EDF, Sigma float64

	b    *Basis
	beta []float64
	w    []float64 // 1/(1 + λsᵢ)
}

// Fit fits the response y, one value a trial.
func (b *Basis) Fit(y []float64) (*Fit, error) {
	if len(y) != b.n {
		return nil, fmt.Errorf("smooth: %d responses for %d trials", len(y), b.n)
	}
	m := b.size
	// Centre y: constants are in the basis and unpenalised, so this
	// changes nothing but the rounding.
	var mean float64
	for _, v := range y {
		mean += v
	}
	mean /= float64(b.n)
	xty := make([]float64, m)
	var yy float64
	idx := make([]int, b.maxNZ)
	val := make([]float64, b.maxNZ)
	for t, v := range y {
		v -= mean
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("smooth: response %d is not finite", t)
		}
		yy += v * v
		c := b.row(t, idx, val)
		for p := range c {
			xty[idx[p]] += val[p] * v
		}
	}
	// z = UᵀL⁻¹Xᵀy = Mᵀ Xᵀy.
	z := make([]float64, m)
	zv := mat.NewVecDense(m, z)
	zv.MulVec(b.m.T(), mat.NewVecDense(m, xty))
	n := float64(b.n)
	gcv := func(lam float64) (score, edf, rss float64) {
		rss = yy
		for i, zi := range z {
			w := 1 / (1 + lam*b.s[i])
			edf += w
			rss += zi * zi * (w*w - 2*w)
		}
		rss = math.Max(rss, 0)
		if edf >= n {
			return math.Inf(1), edf, rss
		}
		return n * rss / ((n - edf) * (n - edf)), edf, rss
	}
	lam := searchLambda(b.s, gcv)
	f := &Fit{b: b, Lambda: lam, w: make([]float64, m), beta: make([]float64, m)}
	wz := make([]float64, m)
	for i := range m {
		f.w[i] = 1 / (1 + lam*b.s[i])
		wz[i] = f.w[i] * z[i]
	}
	_, f.EDF, _ = gcv(lam)
	mat.NewVecDense(m, f.beta).MulVec(b.m, mat.NewVecDense(m, wz))
	f.Fitted = make([]float64, b.n)
	var rss float64
	for t := range b.n {
		c := b.row(t, idx, val)
		var s float64
		for p := range c {
			s += val[p] * f.beta[idx[p]]
		}
		f.Fitted[t] = s + mean
		r := y[t] - f.Fitted[t]
		rss += r * r
	}
	f.Sigma = math.Sqrt(rss / math.Max(n-f.EDF, 1))
	return f, nil
}

// searchLambda minimises gcv over λ: a grid on log λ spanning the
// penalty's eigenvalues, then golden-section search between the best
// point's neighbours. With no penalty (indicator margins only) it is 0.
func searchLambda(s []float64, gcv func(float64) (float64, float64, float64)) float64 {
	lo, hi := math.Inf(1), 0.0
	for _, v := range s {
		if v > 1e-12*slices.Max(s) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	if hi == 0 {
		return 0
	}
	a, z := math.Log(1e-3/hi), math.Log(1e4/lo)
	const steps = 80
	score := func(l float64) float64 { g, _, _ := gcv(math.Exp(l)); return g }
	best, bestScore := a, math.Inf(1)
	for i := range steps + 1 {
		l := a + (z-a)*float64(i)/steps
		if g := score(l); g < bestScore {
			best, bestScore = l, g
		}
	}
	step := (z - a) / steps
	x0, x1 := best-step, best+step
	const phi = 0.6180339887498949
	c, d := x1-phi*(x1-x0), x0+phi*(x1-x0)
	fc, fd := score(c), score(d)
	for range 40 {
		if fc < fd {
			x1, d, fd = d, c, fc
			c = x1 - phi*(x1-x0)
			fc = score(c)
		} else {
			x0, c, fc = c, d, fd
			d = x0 + phi*(x1-x0)
			fd = score(d)
		}
	}
	if l := (x0 + x1) / 2; score(l) < bestScore {
		best = l
	}
	return math.Exp(best)
}

// Perturb writes into dst the fitted values at the trials rows (every
// trial when rows is nil) of the smooth with coefficients drawn from
// their sampling distribution, β + σ L⁻ᵀU diag(wᵢ) ξ with ξ standard
// normal (norm gives its values): the fit another sample of the same
// trials' responses would give, to first order.
func (f *Fit) Perturb(norm func() float64, rows []int, dst []float64) {
	b := f.b
	m := b.size
	xi := make([]float64, m)
	for i := range xi {
		xi[i] = f.Sigma * f.w[i] * norm()
	}
	beta := make([]float64, m)
	mat.NewVecDense(m, beta).MulVec(b.m, mat.NewVecDense(m, xi))
	for i := range beta {
		beta[i] += f.beta[i]
	}
	idx := make([]int, b.maxNZ)
	val := make([]float64, b.maxNZ)
	mean := f.Fitted[0]
	{ // the centring constant: Fitted = Xβ + mean
		c := b.row(0, idx, val)
		for p := range c {
			mean -= val[p] * f.beta[idx[p]]
		}
	}
	at := func(k, t int) {
		c := b.row(t, idx, val)
		s := mean
		for p := range c {
			s += val[p] * beta[idx[p]]
		}
		dst[k] = s
	}
	if rows == nil {
		for t := range b.n {
			at(t, t)
		}
		return
	}
	for k, t := range rows {
		at(k, t)
	}
}
