// Package lsmc estimates conditional expectations E[Y | X = x] from a
// sample of (X, Y) by least squares on a basis of x, as least-squares
// Monte Carlo does for the continuation values of early exercise
// (Longstaff and Schwartz, "Valuing American options by simulation: a
// simple least-squares approach", Review of Financial Studies 14, 2001).
//
// The conditioning values are features, each discrete or continuous.
// Discrete features (true/false, or a declared distribution with a few
// values) are grouped on exactly: each combination of their values has a
// fit of its own, so that nothing is assumed about how Y moves between
// them. Within a group Y is regressed on the continuous features:
//
//   - none: the group's mean;
//   - one: a cubic B-spline with up to 8 interior knots at quantiles of
//     the feature's sample, which can follow a sigmoid or a kink;
//   - two: the tensor product of two cubic B-splines with up to 4
//     interior knots each, since such values interact (an award is
//     roughly liability × quantum);
//   - three: a cubic B-spline in each (additive), plus for each pair the
//     products z_a z_b, z_a² z_b, z_a z_b² and z_a² z_b² of the
//     standardised values;
//   - four or more: the same, with z_a z_b alone for each pair.
//
// A continuous feature marked Linear enters as its standardised value z
// and its products with every other continuous feature's z. Fewer knots
// are used when a group has few rows (at least 10 rows a column), and a
// feature constant within a group is left out of it.
// Outside the range it was fitted on, a fit is evaluated at the nearest
// end of that range (clamped), never extrapolated. A combination of
// discrete values with no rows in the sample is predicted by a pooled fit
// of every row, with the discrete features as indicators.
//
// The fit solves the normal equations XᵀX β = XᵀY by Cholesky, adding a
// ridge from 1e-10 of XᵀX's mean diagonal only where it is singular.
// Predict does not allocate.
package lsmc

import (
	"errors"
	"fmt"
	"github.com/settle-sim/settle/internal/hugemem"
	"gonum.org/v1/gonum/floats"
	"math"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// Feature is one conditioning variable.
type Feature struct {
	Name string
	// Support holds the values of a discrete feature, which are grouped
	// on exactly; nil for a continuous one.
	Support []float64
	// Linear marks a continuous feature whose effect is close to
	// linear (time elapsed, money spent): it enters the basis as its
	// standardised value and that value's products with each other
	// continuous feature, not as a spline.
	Linear bool
}

// Limits on a fit's shape, so that Predict works on the stack.
const (
	MaxFeatures = 16 // conditioning variables
	MaxTargets  = 8  // values of Y fitted together
	maxSplines  = 12 // B-splines of one feature: 8 interior knots + 4
	maxGroups   = 1 << 12
	minRowsPer  = 10 // rows a column, at least
)

// Model is a fitted conditional expectation of T targets given the
// features.
type Model struct {
	features []Feature
	targets  int
	discrete []int // indices of the discrete features
	strides  []int // mixed-radix strides of the discrete features
	groups   []*group
	pooled   *group // for combinations without rows
	// Rows is the sample size; Groups the number of groups with rows.
	Rows, Groups int
	// Columns is the largest basis of any group.
	Columns int
	// ResidualSD is the residual standard deviation of each target,
	// pooled over the groups.
	ResidualSD []float64
}

// group is the fit of one combination of discrete values.
type group struct {
	feats   []featureBasis // the continuous features used
	cols    []column       // the basis fitted on
	dummies []dummy        // in the pooled group: indicators after cols

	// The fit in the form Predict evaluates, with only the four
	// B-splines that are non-zero at a value of each feature: the
	// intercept, then by kind the coefficient of each B-spline
	// (splines, a feature's B_0…B_nb−1, target-minor), of each product
	// of two (tensor), of the four products of a pair's z and z²
	// (pairs), or of each z (linear).
	// inv is (XᵀX)⁻¹ and resVar each target's residual variance in the
	// group, for PredictSE.
	inv    *mat.SymDense
	resVar []float64

	kind    basisKind
	icpt    [MaxTargets]float64
	splines [][]float64
	tensor  []float64
	// The same as cubics on each span, which Predict evaluates: for
	// splined feature a, polyS[a] holds, span by span and target by
	// target, the coefficients of 1, s, s², s³ with s the value's place
	// in its span (0 at its start, 1 at its end, spanInv the span's
	// 1/width); polyT holds, cell by cell of the tensor's two features'
	// spans and target by target, the 16 coefficients of s₀^i s₁^j.
	spanInv [][]float64
	polyS   [][]float64
	polyT   []float64
	spans1  int // the tensor's spans of its second feature
	pairs   [][]float64
	linear  [][]float64
	dummy   []float64
	// nS is the number of features (the first of feats) that enter as
	// splines, nSCols the columns after the intercept they take; the
	// columns after them are the linear features' terms, each with
	// coefficients lterms (target-minor) on z_a, or z_a·z_b.
	nS, nSCols int
	lterms     []column
	lcoef      []float64
}

type basisKind uint8

const (
	constantBasis basisKind = iota
	splineBasis             // one feature
	tensorBasis             // two features
	additiveBasis           // three or more: splines and pairs
	linearBasis             // too few rows for splines
)

type dummy struct {
	feature int     // index into Model.features
	value   float64 // the indicator is 1 when the feature has it
}

// featureBasis is how one continuous feature enters a group's basis.
type featureBasis struct {
	feature  int     // index into Model.features
	lo, hi   float64 // the range fitted on; values are clamped to it
	mean, sd float64 // to standardise for the polynomial terms
	knots    []float64
	nb       int       // B-splines: len(knots)+4; 1 for a linear feature
	t        []float64 // the knot vector: lo ×4, knots, hi ×4
	linear   bool
}

// column is one basis function: the product of function fa of the
// group's feature a and, when b ≥ 0, function fb of feature b. Function
// 0 is the constant 1, 1…nb−1 the B-splines after the first (their sum
// is 1), and nb and nb+1 the standardised value z and z².
type column struct{ a, fa, b, fb int }

// Fit fits E[Y | X] on n rows: x holds n rows of len(features) values,
// y n rows of t targets.
func Fit(features []Feature, x, y []float64, t int) (*Model, error) {
	var f Fitter
	return f.Fit(features, x, y, t)
}

// A Fitter fits models one after another, keeping the scratch memory a
// fit takes (a few values a row) for the next: memory written for the
// first time costs a page fault a page, which on some machines is a
// good part of a fit's time. The zero value is ready; a Fitter is not
// for concurrent use.
type Fitter struct {
	of     []int32
	placed []int
	all    []int
	vals   []float64
}

// Fit is the package's Fit, with f's scratch memory.
func (f *Fitter) Fit(features []Feature, x, y []float64, t int) (*Model, error) {
	d := len(features)
	switch {
	case d > MaxFeatures:
		return nil, fmt.Errorf("lsmc: %d features; at most %d", d, MaxFeatures)
	case t < 1 || t > MaxTargets:
		return nil, fmt.Errorf("lsmc: %d targets; between 1 and %d", t, MaxTargets)
	case d > 0 && len(x)%d != 0, d == 0 && len(x) != 0:
		return nil, errors.New("lsmc: x is not whole rows")
	}
	n := len(y) / t
	if len(y) != n*t || (d > 0 && len(x) != n*d) {
		return nil, errors.New("lsmc: x and y have different numbers of rows")
	}
	if n == 0 {
		return nil, errors.New("lsmc: no rows")
	}
	m := &Model{features: features, targets: t, Rows: n}
	size := 1
	for j, f := range features {
		if f.Support == nil {
			continue
		}
		if len(f.Support) == 0 {
			return nil, fmt.Errorf("lsmc: feature %s: empty support", f.Name)
		}
		m.discrete = append(m.discrete, j)
		m.strides = append(m.strides, size)
		size *= len(f.Support)
		if size > maxGroups {
			return nil, fmt.Errorf("lsmc: the discrete features make more than %d groups", maxGroups)
		}
	}
	// Rows of each group, in row order: counted, then placed in one
	// array.
	of := hugemem.Grow(&f.of, n)
	count := make([]int, size)
	for i := range n {
		g := m.groupOf(x[i*d : (i+1)*d])
		of[i] = int32(g)
		count[g]++
	}
	placed := hugemem.Grow(&f.placed, n)
	rows := make([][]int, size)
	at := 0
	for g, c := range count {
		rows[g] = placed[at : at : at+c]
		at += c
	}
	for i, g := range of {
		rows[g] = append(rows[g], i)
	}
	var cont []int
	for j, f := range features {
		if f.Support == nil {
			cont = append(cont, j)
		}
	}
	m.groups = make([]*group, size)
	ss := make([]float64, t)
	for g, r := range rows {
		if len(r) == 0 {
			continue
		}
		gr, err := m.fitGroup(x, y, r, cont, false, ss, f)
		if err != nil {
			return nil, err
		}
		m.groups[g] = gr
		m.Groups++
		m.Columns = max(m.Columns, len(gr.cols))
	}
	if m.Groups < size {
		all := hugemem.Grow(&f.all, n)
		for i := range all {
			all[i] = i
		}
		pooled, err := m.fitGroup(x, y, all, cont, true, nil, f)
		if err != nil {
			return nil, err
		}
		m.pooled = pooled
	}
	m.ResidualSD = make([]float64, t)
	dof := max(n-m.Groups, 1)
	for k := range t {
		m.ResidualSD[k] = math.Sqrt(ss[k] / float64(dof))
	}
	return m, nil
}

// groupOf returns the group of a row's discrete values: each value is
// matched to the nearest value of its feature's support.
func (m *Model) groupOf(row []float64) int {
	g := 0
	for k, j := range m.discrete {
		g += m.strides[k] * nearest(m.features[j].Support, row[j])
	}
	return g
}

func nearest(support []float64, x float64) int {
	best, bd := 0, math.Inf(1)
	for i, s := range support {
		if d := math.Abs(x - s); d < bd {
			best, bd = i, d
		}
	}
	return best
}

// fitGroup fits the rows r; ss, when not nil, accumulates the residual
// sums of squares of each target.
func (m *Model) fitGroup(x, y []float64, r []int, cont []int, pooled bool, ss []float64, f *Fitter) (*group, error) {
	d, t := len(m.features), m.targets
	gr := &group{}
	// The continuous features that vary within the group.
	var used []int
	for _, j := range cont {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, i := range r {
			v := x[i*d+j]
			lo, hi = min(lo, v), max(hi, v)
		}
		if hi > lo {
			used = append(used, j)
		}
	}
	// Splines first, then the linear features.
	var splined, linear []int
	for _, j := range used {
		if m.features[j].Linear {
			linear = append(linear, j)
		} else {
			splined = append(splined, j)
		}
	}
	used = append(splined, linear...)
	// Knots from the group's size: at least minRowsPer rows a column.
	budget := len(r) / minRowsPer
	var dummies []dummy
	if pooled {
		for _, j := range m.discrete {
			for _, v := range m.features[j].Support[1:] {
				dummies = append(dummies, dummy{feature: j, value: v})
			}
		}
		budget -= len(dummies)
	}
	nL, nS := len(linear), len(splined)
	linCols := nL + nL*nS + nL*(nL-1)/2
	knots := knotCount(nS, budget-linCols)
	vals := hugemem.Grow(&f.vals, len(r)) // each feature's in turn: the bases keep none
	for a, j := range used {
		for k, i := range r {
			vals[k] = x[i*d+j]
		}
		if a < nS {
			gr.feats = append(gr.feats, newFeatureBasis(j, vals, knots))
		} else {
			gr.feats = append(gr.feats, newLinearBasis(j, vals))
		}
	}
	gr.nS = nS
	gr.cols = columns(gr.feats[:nS], budget-linCols)
	gr.nSCols = len(gr.cols) - 1
	if budget*minRowsPer >= 5*(len(gr.cols)+linCols) {
		for a := nS; a < len(gr.feats); a++ {
			za := gr.feats[a].nb
			gr.cols = append(gr.cols, column{a: a, fa: za, b: -1})
			for b := range a {
				gr.cols = append(gr.cols, column{a: a, fa: za, b: b, fb: gr.feats[b].nb})
			}
		}
	} else {
		gr.feats = gr.feats[:nS] // too few rows for them
	}
	gr.dummies = dummies
	ncol := len(gr.cols) + len(dummies)

	// Each row of X is made, added to the normal equations and
	// dropped: 2^17 rows of 80 columns would be 84 MB written and read.
	ne := newNormal(ncol, t)
	xr := ne.row[:ncol]
	var fv basisValues
	at := make([][2]int32, len(gr.cols))
	for c, col := range gr.cols {
		at[c] = col.at()
	}
	rowOf := func(i int) {
		row := x[i*d : (i+1)*d]
		gr.functions(row, &fv)
		for c, p := range at {
			xr[c] = fv[p[0]] * fv[p[1]]
		}
		for c, dm := range dummies {
			xr[len(gr.cols)+c] = 0
			if nearestValue(m.features[dm.feature].Support, row[dm.feature]) == dm.value {
				xr[len(gr.cols)+c] = 1
			}
		}
	}
	for _, i := range r {
		rowOf(i)
		copy(ne.row[ncol:], y[i*t:(i+1)*t])
		ne.add()
	}
	beta, inv, err := solve(ne.equations())
	if err != nil {
		return nil, err
	}
	gr.compile(beta, t)
	gr.inv = inv
	gr.resVar = make([]float64, t)
	ne.residuals(beta, gr.resVar)
	for q := range t {
		if ss != nil {
			ss[q] += gr.resVar[q]
		}
		gr.resVar[q] /= float64(max(len(r)-ncol, 1))
	}
	return gr, nil
}

func nearestValue(support []float64, x float64) float64 { return support[nearest(support, x)] }

// knotCount returns the interior knots of each of d continuous features
// for a basis of at most budget columns.
func knotCount(d, budget int) int {
	want := 0
	switch d {
	case 0:
		return 0
	case 1:
		want = 8
	case 2:
		want = 4
	default:
		want = 4
	}
	for k := want; k > 0; k-- {
		if basisSize(d, k) <= budget {
			return k
		}
	}
	return 0
}

// basisSize is the number of columns of d continuous features with k
// interior knots each.
func basisSize(d, k int) int {
	nb := k + 4
	switch {
	case d == 0:
		return 1
	case d == 1:
		return nb
	case d == 2:
		return nb * nb
	case d >= manyFeatures:
		return 1 + d*(nb-1) + d*(d-1)/2
	}
	return 1 + d*(nb-1) + 4*d*(d-1)/2
}

// manyFeatures is where a pair of splined features interacts through
// z_a·z_b alone rather than its four products of z and z².
const manyFeatures = 4

// newFeatureBasis places k interior knots at equally spaced quantiles
// of vals, leaving out repeats. The quantiles are those of at most
// knotSample values taken at an even stride through vals, which is
// plenty to place eight knots and saves sorting every value.
func newFeatureBasis(j int, vals []float64, k int) featureBasis {
	fb := featureBasis{feature: j, lo: math.Inf(1), hi: math.Inf(-1)}
	var sum, sq float64
	for _, v := range vals {
		fb.lo, fb.hi = min(fb.lo, v), max(fb.hi, v)
		sum += v
	}
	fb.mean = sum / float64(len(vals))
	for _, v := range vals {
		sq += (v - fb.mean) * (v - fb.mean)
	}
	fb.sd = math.Sqrt(sq / float64(len(vals)))
	if fb.sd == 0 {
		fb.sd = 1
	}
	stride := (len(vals) + knotSample - 1) / knotSample
	s := make([]float64, 0, len(vals)/stride+1)
	for i := 0; i < len(vals); i += stride {
		s = append(s, vals[i])
	}
	slices.Sort(s)
	for i := 1; i <= k; i++ {
		q := s[int(float64(i)/float64(k+1)*float64(len(s)-1))]
		if q > fb.lo && q < fb.hi && (len(fb.knots) == 0 || q > fb.knots[len(fb.knots)-1]) {
			fb.knots = append(fb.knots, q)
		}
	}
	fb.nb = len(fb.knots) + 4
	for range 4 {
		fb.t = append(fb.t, fb.lo)
	}
	fb.t = append(fb.t, fb.knots...)
	for range 4 {
		fb.t = append(fb.t, fb.hi)
	}
	return fb
}

// knotSample is the most values knots are placed from.
const knotSample = 8192

// newLinearBasis is a feature that enters through its standardised
// value: function 0 is 1, function 1 is z and 2 is z².
func newLinearBasis(j int, vals []float64) featureBasis {
	fb := featureBasis{feature: j, lo: math.Inf(1), hi: math.Inf(-1), nb: 1, linear: true}
	var sum float64
	for _, v := range vals {
		fb.lo, fb.hi = min(fb.lo, v), max(fb.hi, v)
		sum += v
	}
	fb.mean = sum / float64(len(vals))
	var sq float64
	for _, v := range vals {
		sq += (v - fb.mean) * (v - fb.mean)
	}
	if fb.sd = math.Sqrt(sq / float64(len(vals))); fb.sd == 0 {
		fb.sd = 1
	}
	return fb
}

// columns lists the basis of features within budget columns (and at
// least the intercept).
func columns(fs []featureBasis, budget int) []column {
	cols := []column{{a: -1, b: -1}} // the intercept
	switch d := len(fs); {
	case d == 0:
	case d == 1 && budget >= fs[0].nb:
		for i := 1; i < fs[0].nb; i++ {
			cols = append(cols, column{a: 0, fa: i, b: -1})
		}
	case d == 2 && budget >= fs[0].nb*fs[1].nb:
		for i := range fs[0].nb {
			for j := range fs[1].nb {
				if i == 0 && j == 0 {
					continue
				}
				cols = append(cols, column{a: 0, fa: i, b: 1, fb: j})
			}
		}
	default:
		var add []column
		for a := range fs {
			for i := 1; i < fs[a].nb; i++ {
				add = append(add, column{a: a, fa: i, b: -1})
			}
		}
		for a := range fs {
			for b := a + 1; b < len(fs); b++ {
				za, zb := fs[a].nb, fs[b].nb
				if d >= manyFeatures {
					add = append(add, column{a: a, fa: za, b: b, fb: zb})
					continue
				}
				add = append(add, column{a: a, fa: za, b: b, fb: zb},
					column{a: a, fa: za + 1, b: b, fb: zb},
					column{a: a, fa: za, b: b, fb: zb + 1},
					column{a: a, fa: za + 1, b: b, fb: zb + 1})
			}
		}
		if 1+len(add) <= budget {
			cols = append(cols, add...)
			break
		}
		// Too few rows for splines: linear in each feature, given at
		// least five rows a column.
		if budget*minRowsPer >= 5*(1+d) {
			for a := range fs {
				cols = append(cols, column{a: a, fa: fs[a].nb, b: -1})
			}
		}
	}
	return cols
}

// basisValues holds every function of each of a group's features at a
// row, function i of feature a at a·fnStride + i, and at oneAt a 1 by
// which a column of one factor (or the intercept) is multiplied, exactly.
type basisValues [MaxFeatures*fnStride + 1]float64

const (
	fnStride = maxSplines + 3
	oneAt    = MaxFeatures * fnStride
)

// functions evaluates every function of each of the group's features at
// row, clamped to the range fitted on.
func (g *group) functions(row []float64, fv *basisValues) {
	fv[oneAt] = 1
	for a := range g.feats {
		f := &g.feats[a]
		v := min(max(row[f.feature], f.lo), f.hi)
		out := fv[a*fnStride : (a+1)*fnStride]
		out[0] = 1
		if !f.linear {
			// The B-splines but the first, whose place the 1 takes.
			clear(out[1:f.nb])
			mu, nz := f.span(v)
			for r, b := range nz {
				if i := mu - 3 + r; i >= 1 {
					out[i] = b
				}
			}
		}
		z := (v - f.mean) / f.sd
		out[f.nb], out[f.nb+1] = z, z*z
	}
}

// at returns where in a basisValues c's two factors are: a column of one
// factor, or the intercept, is multiplied by the 1 at oneAt.
func (c column) at() [2]int32 {
	switch {
	case c.a < 0:
		return [2]int32{oneAt, oneAt}
	case c.b < 0:
		return [2]int32{int32(c.a*fnStride + c.fa), oneAt}
	}
	return [2]int32{int32(c.a*fnStride + c.fa), int32(c.b*fnStride + c.fb)}
}

func (c column) value(fv *basisValues) float64 {
	p := c.at()
	return fv[p[0]] * fv[p[1]]
}

// span returns the span μ of v (t[μ] ≤ v < t[μ+1], 3 ≤ μ ≤ nb−1) and
// the four cubic B-splines non-zero on it, B_μ−3 … B_μ, by the Cox–de
// Boor recursion (de Boor, A Practical Guide to Splines, 1978; Piegl and
// Tiller, The NURBS Book, algorithm A2.2), lo ≤ v ≤ hi.
func (f *featureBasis) span(v float64) (mu int, nz [4]float64) {
	mu = f.spanOf(v)
	return mu, f.basisAt(mu, v)
}

// spanOf returns the span μ of v: t[μ] ≤ v < t[μ+1], 3 ≤ μ ≤ nb−1.
func (f *featureBasis) spanOf(v float64) int {
	mu := 3
	for mu < f.nb-1 && v >= f.t[mu+1] {
		mu++
	}
	return mu
}

// basisAt returns the four cubic B-splines of span mu at v, which may be
// either end of the span.
func (f *featureBasis) basisAt(mu int, v float64) (nz [4]float64) {
	t := f.t
	nz[0] = 1
	var left, right [4]float64
	for j := 1; j <= 3; j++ {
		left[j] = v - t[mu+1-j]
		right[j] = t[mu+j] - v
		saved := 0.0
		for r := 0; r < j; r++ {
			den := right[r+1] + left[j-r]
			term := 0.0
			if den != 0 {
				term = nz[r] / den
			}
			nz[r] = saved + right[r+1]*term
			saved = left[j-r] * term
		}
		nz[j] = saved
	}
	return nz
}

// monomials returns, for each span of f (μ = 3 … nb−1), each of its four
// non-zero B-splines as a cubic in s = (v − t[μ]) / (t[μ+1] − t[μ]):
// m[k][r][i] is the coefficient of s^i in B_{μ−3+r} on span μ = k+3, and
// inv[k] is 1 / (t[μ+1] − t[μ]). The cubic is found from its values at
// s = 0, 1/3, 2/3 and 1.
func (f *featureBasis) monomials() (m [][4][4]float64, inv []float64) {
	// The inverse of the Vandermonde matrix of 0, 1/3, 2/3, 1.
	vinv := [4][4]float64{
		{1, 0, 0, 0},
		{-11.0 / 2, 9, -9.0 / 2, 1},
		{9, -45.0 / 2, 18, -9.0 / 2},
		{-9.0 / 2, 27.0 / 2, -27.0 / 2, 9.0 / 2},
	}
	for mu := 3; mu <= f.nb-1; mu++ {
		a, b := f.t[mu], f.t[mu+1]
		var y [4][4]float64 // y[j][r]: B_{μ−3+r} at the j-th point
		for j := range 4 {
			v := a + (b-a)*float64(j)/3
			if j == 3 {
				v = b
			}
			y[j] = f.basisAt(mu, v)
		}
		var k [4][4]float64
		for r := range 4 {
			for i := range 4 {
				for j := range 4 {
					k[r][i] += vinv[i][j] * y[j][r]
				}
			}
		}
		m = append(m, k)
		inv = append(inv, 1/(b-a))
	}
	return m, inv
}

// normal accumulates the normal equations XᵀX β = XᵀY row by row. A
// row of B-splines is mostly zeros (four of a feature's functions are
// non-zero at any value, sixteen of a tensor product's), so each row adds
// the products of its non-zero values only (with the zeros after them
// in XᵀX's row, which add nothing), in the order the rows come, which
// fixes every sum's rounding.
type normal struct {
	ncol, t int
	// sums holds the first ncol rows of [X Y]ᵀ[X Y], row-major, ncol +
	// t wide: XᵀX's upper triangle (mirrored by equations), then XᵀY.
	sums []float64
	row  []float64 // the row to add: X's values, then Y's
	yty  [MaxTargets]float64
	nz   []int
	xtx  []float64 // XᵀX, ncol × ncol, made by equations
}

func newNormal(ncol, t int) *normal {
	return &normal{ncol: ncol, t: t, sums: make([]float64, ncol*(ncol+t)), row: make([]float64, ncol+t), nz: make([]int, 0, ncol)}
}

// add adds n.row, a row of X followed by its row of Y.
func (n *normal) add() {
	w := n.ncol + n.t
	row := n.row[:w]
	nz := n.nz[:0]
	for c, v := range row[:n.ncol] {
		if v != 0 {
			nz = append(nz, c)
		}
	}
	// Each non-zero value's products with the rest of the row, zeros
	// and all, and with Y, in one vector operation: adding v·0 leaves a
	// sum as it was, and a dense row is quicker to walk than the
	// non-zero columns one by one.
	for _, c := range nz {
		floats.AddScaled(n.sums[c*w+c:(c+1)*w], row[c], row[c:])
	}
	for q, y := range row[n.ncol:] {
		n.yty[q] += y * y
	}
	n.nz = nz
}

// residuals sets rss[q] to the residual sum of squares of target q under
// β, ‖y − Xβ‖² = yᵀy − 2βᵀXᵀy + βᵀXᵀXβ, from the sums alone (never below
// zero, which rounding could give a fit that is exact). Call it after
// equations.
func (n *normal) residuals(beta *mat.Dense, rss []float64) {
	for q := range n.t {
		var bb, bxy float64
		for i := range n.ncol {
			bi := beta.At(i, q)
			bxy += bi * n.sums[i*(n.ncol+n.t)+n.ncol+q]
			row := n.xtx[i*n.ncol:]
			s := 0.0
			for j := range n.ncol {
				s += row[j] * beta.At(j, q)
			}
			bb += bi * s
		}
		rss[q] = max(n.yty[q]-2*bxy+bb, 0)
	}
}

// equations returns XᵀX and XᵀY.
func (n *normal) equations() (*mat.SymDense, *mat.Dense) {
	w := n.ncol + n.t
	n.xtx = make([]float64, n.ncol*n.ncol)
	xty := mat.NewDense(n.ncol, n.t, nil)
	for i := range n.ncol {
		for j := range n.ncol {
			n.xtx[i*n.ncol+j] = n.sums[min(i, j)*w+max(i, j)]
		}
		for q := range n.t {
			xty.Set(i, q, n.sums[i*w+n.ncol+q])
		}
	}
	return mat.NewSymDense(n.ncol, n.xtx), xty
}

// solve returns β solving the normal equations XᵀX β = XᵀY, with a small
// ridge where they are singular, and (XᵀX)⁻¹.
func solve(xtx *mat.SymDense, xty *mat.Dense) (*mat.Dense, *mat.SymDense, error) {
	c, t := xty.Dims()
	tr := 0.0
	for i := range c {
		tr += xtx.At(i, i)
	}
	ridge := 0.0
	for try := 0; try < 8; try++ {
		a := mat.NewSymDense(c, nil)
		a.CopySym(xtx)
		for i := range c {
			a.SetSym(i, i, a.At(i, i)+ridge)
		}
		var ch mat.Cholesky
		if ch.Factorize(a) {
			beta := mat.NewDense(c, t, nil)
			var inv mat.SymDense
			if err := ch.SolveTo(beta, xty); err == nil && ch.InverseTo(&inv) == nil {
				return beta, &inv, nil
			}
		}
		ridge = math.Max(ridge*100, 1e-10*tr/float64(c))
	}
	return nil, nil, errors.New("lsmc: the basis is singular")
}

// Predict sets out[0:T] to the fitted E[Y | X = x]. It does not
// allocate.
func (m *Model) Predict(x []float64, out []float64) {
	g := m.groups[m.groupOf(x)]
	if g == nil {
		g = m.pooled
	}
	var mu [MaxFeatures]int
	var sv, z [MaxFeatures]float64
	g.locate(x, &mu, &sv, &z)
	if m.targets == 3 {
		m.predict3(g, x, &mu, &sv, &z, out)
		return
	}
	m.predictN(g, x, &mu, &sv, &z, out)
}

// locate sets, for each of g's features at row x (clamped to the range
// fitted on), its standardised value z and, for a feature entering as
// splines, its span mu and place in it sv (0 at its start, 1 at its
// end).
func (g *group) locate(x []float64, mu *[MaxFeatures]int, sv, z *[MaxFeatures]float64) {
	for a := range g.feats {
		f := &g.feats[a]
		v := min(max(x[f.feature], f.lo), f.hi)
		z[a] = (v - f.mean) / f.sd
		if a < len(g.spanInv) { // a feature entering as splines (none in a constant or linear fit)
			mu[a] = f.spanOf(v)
			sv[a] = (v - f.t[mu[a]]) * g.spanInv[a][mu[a]-3]
		}
	}
}

// predictN is Predict's sum for any number of targets, at the spans mu,
// places in them sv and standardised values z of g's features.
func (m *Model) predictN(g *group, x []float64, mu *[MaxFeatures]int, sv, z *[MaxFeatures]float64, out []float64) {
	t := m.targets
	o := g.icpt // summed in an array of the stack, written to out at the end
	for k, c := range g.lterms {
		w := z[c.a]
		if c.b >= 0 {
			w *= z[c.b]
		}
		for q, c := range g.lcoef[k*t : k*t+t] {
			o[q] += w * c
		}
	}
	switch g.kind {
	case splineBasis, additiveBasis:
		for a := range g.nS {
			c := g.polyS[a][(mu[a]-3)*t*4:]
			s := sv[a]
			for q := range t {
				p := c[q*4 : q*4+4]
				o[q] += p[0] + s*(p[1]+s*(p[2]+s*p[3]))
			}
		}
		k := 0
		for a := range g.nS {
			for b := a + 1; b < g.nS; b++ {
				c := g.pairs[k]
				k++
				w := pairTerms(z[a], z[b])
				for r := range len(c) / t {
					for q := range t {
						o[q] += w[r] * c[r*t+q]
					}
				}
			}
		}
	case tensorBasis:
		c := g.polyT[((mu[0]-3)*g.spans1+mu[1]-3)*t*16:]
		s0, s1 := sv[0], sv[1]
		for q := range t {
			o[q] += bicubic(c[q*16:q*16+16], s0, s1)
		}
	case linearBasis:
		for a := range g.nS {
			for q := range t {
				o[q] += z[a] * g.linear[a][q]
			}
		}
	}
	for c, dm := range g.dummies {
		if nearestValue(m.features[dm.feature].Support, x[dm.feature]) == dm.value {
			for q := range t {
				o[q] += g.dummy[c*t+q]
			}
		}
	}
	copy(out[:t], o[:t])
}

// pairTerms returns the products of a pair's standardised values that
// its columns take: z_a·z_b, z_a²·z_b, z_a·z_b², z_a²·z_b².
func pairTerms(za, zb float64) [4]float64 {
	return [4]float64{za * zb, za * za * zb, za * zb * zb, za * za * zb * zb}
}

// bicubic evaluates Σ p[4i+j] s0^i s1^j.
func bicubic(p []float64, s0, s1 float64) float64 {
	p = p[:16]
	acc := 0.0
	for i := 3; i >= 0; i-- {
		r := p[i*4 : i*4+4]
		acc = acc*s0 + r[0] + s1*(r[1]+s1*(r[2]+s1*r[3]))
	}
	return acc
}

// predict3 is Predict's sum for three targets (a process's fits have
// three), in three variables rather than an array, which the compiler
// keeps in registers: the same terms added in the same order, so the
// same bits.
func (m *Model) predict3(g *group, x []float64, mu *[MaxFeatures]int, sv, z *[MaxFeatures]float64, out []float64) {
	o0, o1, o2 := g.icpt[0], g.icpt[1], g.icpt[2]
	for k, c := range g.lterms {
		w := z[c.a]
		if c.b >= 0 {
			w *= z[c.b]
		}
		lc := g.lcoef[k*3 : k*3+3 : k*3+3]
		o0 += w * lc[0]
		o1 += w * lc[1]
		o2 += w * lc[2]
	}
	switch g.kind {
	case splineBasis, additiveBasis:
		for a := range g.nS {
			c := g.polyS[a][(mu[a]-3)*12 : (mu[a]-3)*12+12 : (mu[a]-3)*12+12]
			s := sv[a]
			o0 += c[0] + s*(c[1]+s*(c[2]+s*c[3]))
			o1 += c[4] + s*(c[5]+s*(c[6]+s*c[7]))
			o2 += c[8] + s*(c[9]+s*(c[10]+s*c[11]))
		}
		k := 0
		for a := range g.nS {
			for b := a + 1; b < g.nS; b++ {
				c := g.pairs[k]
				k++
				w := pairTerms(z[a], z[b])
				for r := range len(c) / 3 {
					cr := c[r*3 : r*3+3 : r*3+3]
					o0 += w[r] * cr[0]
					o1 += w[r] * cr[1]
					o2 += w[r] * cr[2]
				}
			}
		}
	case tensorBasis:
		c := g.polyT[((mu[0]-3)*g.spans1+mu[1]-3)*48:]
		s0, s1 := sv[0], sv[1]
		o0 += bicubic(c[0:16], s0, s1)
		o1 += bicubic(c[16:32], s0, s1)
		o2 += bicubic(c[32:48], s0, s1)
	case linearBasis:
		for a := range g.nS {
			l := g.linear[a][:3]
			o0 += z[a] * l[0]
			o1 += z[a] * l[1]
			o2 += z[a] * l[2]
		}
	}
	for c, dm := range g.dummies {
		if nearestValue(m.features[dm.feature].Support, x[dm.feature]) == dm.value {
			d := g.dummy[c*3 : c*3+3 : c*3+3]
			o0 += d[0]
			o1 += d[1]
			o2 += d[2]
		}
	}
	out = out[:3]
	out[0], out[1], out[2] = o0, o1, o2
}

// compile puts the coefficients beta (len(cols)+len(dummies) rows, t
// columns) in the form Predict evaluates.
func (g *group) compile(beta *mat.Dense, t int) {
	ncol := len(g.cols)
	for q := range t {
		g.icpt[q] = beta.At(0, q)
	}
	for c := range g.dummies {
		for q := range t {
			g.dummy = append(g.dummy, beta.At(ncol+c, q))
		}
	}
	for c, col := range g.cols[1+g.nSCols:] {
		g.lterms = append(g.lterms, col)
		for q := range t {
			g.lcoef = append(g.lcoef, beta.At(1+g.nSCols+c, q))
		}
	}
	g.kind = constantBasis
	if g.nSCols == 0 {
		return
	}
	defer g.polynomials(t)
	first := g.cols[1]
	switch {
	case g.nS == 2 && first.b == 1:
		// The basis is {1, B_1…} ⊗ {1, B_1…}; with 1 = Σ_k B_k its
		// coefficient on B_k(x)·B_l(y) is c_00 + c_k0 + c_0l + c_kl,
		// counting only the terms with k ≥ 1 and l ≥ 1 as indexed.
		g.kind = tensorBasis
		n0, n1 := g.feats[0].nb, g.feats[1].nb
		at := map[[2]int]int{}
		for c, col := range g.cols[1 : 1+g.nSCols] {
			at[[2]int{col.fa, col.fb}] = c + 1
		}
		coef := func(i, j, q int) float64 {
			if i == 0 && j == 0 {
				return beta.At(0, q)
			}
			return beta.At(at[[2]int{i, j}], q)
		}
		g.tensor = make([]float64, n0*n1*t)
		for k := range n0 {
			for l := range n1 {
				for q := range t {
					v := coef(0, 0, q)
					if k >= 1 {
						v += coef(k, 0, q)
					}
					if l >= 1 {
						v += coef(0, l, q)
					}
					if k >= 1 && l >= 1 {
						v += coef(k, l, q)
					}
					g.tensor[(k*n1+l)*t+q] = v
				}
			}
		}
		for q := range t {
			g.icpt[q] = 0
		}
	case first.fa == g.feats[first.a].nb:
		g.kind = linearBasis
		g.linear = make([][]float64, g.nS)
		for c, col := range g.cols[1 : 1+g.nSCols] {
			for q := range t {
				g.linear[col.a] = append(g.linear[col.a], beta.At(c+1, q))
			}
		}
	default:
		g.kind = splineBasis
		if g.nS > 1 {
			g.kind = additiveBasis
		}
		g.splines = make([][]float64, g.nS)
		for a := range g.nS {
			g.splines[a] = make([]float64, g.feats[a].nb*t) // B_0's stays 0
		}
		for c, col := range g.cols[1 : 1+g.nSCols] {
			if col.b >= 0 {
				continue
			}
			for q := range t {
				g.splines[col.a][col.fa*t+q] = beta.At(c+1, q)
			}
		}
		terms := 4
		if g.nS >= manyFeatures {
			terms = 1
		}
		for c := 1; c < 1+g.nSCols; {
			if g.cols[c].b < 0 {
				c++
				continue
			}
			var p []float64
			for r := range terms {
				for q := range t {
					p = append(p, beta.At(c+r, q))
				}
			}
			g.pairs = append(g.pairs, p)
			c += terms
		}
	}
}

// polynomials puts the splines' and tensor's coefficients in the form of
// polyS and polyT: a B-spline is a cubic on each span, so their sum is.
func (g *group) polynomials(t int) {
	if g.kind != splineBasis && g.kind != additiveBasis && g.kind != tensorBasis {
		return
	}
	n := g.nS
	if g.kind == tensorBasis {
		n = 2
	}
	ms := make([][][4][4]float64, n)
	g.spanInv = make([][]float64, n)
	for a := range n {
		ms[a], g.spanInv[a] = g.feats[a].monomials()
	}
	if g.kind == tensorBasis {
		nb1 := g.feats[1].nb
		n0, n1 := len(ms[0]), len(ms[1])
		g.spans1 = n1
		g.polyT = make([]float64, n0*n1*t*16)
		for k0 := range n0 {
			for k1 := range n1 {
				for q := range t {
					p := g.polyT[((k0*n1+k1)*t+q)*16:]
					for r := range 4 {
						for u := range 4 {
							c := g.tensor[((k0+r)*nb1+k1+u)*t+q]
							for i := range 4 {
								for j := range 4 {
									p[i*4+j] += ms[0][k0][r][i] * ms[1][k1][u][j] * c
								}
							}
						}
					}
				}
			}
		}
		return
	}
	g.polyS = make([][]float64, n)
	for a := range n {
		g.polyS[a] = make([]float64, len(ms[a])*t*4)
		for k := range ms[a] {
			for q := range t {
				p := g.polyS[a][(k*t+q)*4:]
				for r := range 4 {
					c := g.splines[a][(k+r)*t+q]
					for i := range 4 {
						p[i] += ms[a][k][r][i] * c
					}
				}
			}
		}
	}
}

// PredictSE sets out[0:T] to the standard error of Predict's values at
// x, σ²·φ(x)ᵀ(XᵀX)⁻¹φ(x) under its square root, with σ² the target's
// residual variance in x's group and φ(x) the group's basis at x. It
// assumes the residuals' variance is the same throughout the group, and
// says nothing of the basis's bias. It allocates.
func (m *Model) PredictSE(x []float64, out []float64) {
	g := m.groups[m.groupOf(x)]
	if g == nil {
		g = m.pooled
	}
	var fv basisValues
	g.functions(x, &fv)
	phi := mat.NewVecDense(len(g.cols)+len(g.dummies), nil)
	for c, col := range g.cols {
		phi.SetVec(c, col.value(&fv))
	}
	for c, dm := range g.dummies {
		if nearestValue(m.features[dm.feature].Support, x[dm.feature]) == dm.value {
			phi.SetVec(len(g.cols)+c, 1)
		}
	}
	h := mat.Inner(phi, g.inv, phi)
	for q := range m.targets {
		out[q] = math.Sqrt(g.resVar[q] * h)
	}
}

// Targets returns the number of targets m predicts.
func (m *Model) Targets() int { return m.targets }

// Describe says in words how m was fitted, for a result document.
func (m *Model) Describe() string {
	return fmt.Sprintf("%d rows, %d groups, up to %d columns", m.Rows, m.Groups, m.Columns)
}
