package fit

import (
	"math"

	"gonum.org/v1/gonum/mat"
	"gonum.org/v1/gonum/optimize"

	"github.com/settle-sim/settle/engine/dist"
)

// numeric maximises the log-likelihood of d over unconstrained numbers
// t, mapped to parameters by params, from t0: Nelder–Mead's simplex
// (gonum/optimize), which needs no derivatives, restarted once from
// where it stops so that a collapsed simplex does not stop it short.
func numeric(d *data, t0 []float64, params func(t []float64) dist.Params, loglik func(dist.Params, *data) float64) (dist.Params, error) {
	nll := func(t []float64) float64 {
		s := loglik(params(t), d)
		if s != s || math.IsInf(s, 0) {
			return math.Inf(1)
		}
		return -s
	}
	if math.IsInf(nll(t0), 1) {
		return dist.Params{}, errNoFit
	}
	t := t0
	passes, tol := 2, 1e-12
	if d.quick {
		passes, tol = 1, 1e-9
	}
	for range passes {
		res, err := optimize.Minimize(optimize.Problem{Func: nll}, t, &optimize.Settings{
			Converger:       &optimize.FunctionConverge{Absolute: 1e-10, Relative: tol, Iterations: 100},
			FuncEvaluations: 20_000,
		}, &optimize.NelderMead{})
		if res == nil {
			return dist.Params{}, err
		}
		t = res.X
	}
	p := params(t)
	if math.IsInf(nll(t), 1) {
		return p, errNoFit
	}
	return p, nil
}

// logLik is f's log-likelihood of d at p.
func (f *Family) logLik(p dist.Params, d *data) float64 {
	if f.loglik != nil {
		return f.loglik(p, d)
	}
	return sumLogpdf(f.logpdf)(p, d)
}

// sumLogpdf is the log-likelihood Σ logpdf(p, x).
func sumLogpdf(logpdf func(dist.Params, float64) float64) func(dist.Params, *data) float64 {
	return func(p dist.Params, d *data) float64 {
		s := 0.0
		for _, x := range d.x {
			s += logpdf(p, x)
		}
		return s
	}
}

// standardErrors returns the standard errors of the k parameters p of f
// on d from the observed information, the Hessian of −log-likelihood at
// p by central differences (step 10⁻⁴ of each parameter's size, and
// never past an end of the support the data reach), inverted; NaN when
// the Hessian is not positive definite. For a family that is not
// regular, the errors known otherwise (Family.irregularSE).
func (f *Family) standardErrors(p dist.Params, d *data) []float64 {
	k := len(f.Params)
	se := make([]float64, k)
	for i := range se {
		se[i] = math.NaN()
	}
	if !f.Regular {
		if f.irregularSE != nil {
			return f.irregularSE(p, d)
		}
		return se
	}
	h := make([]float64, k)
	for i := range k {
		h[i] = 1e-4 * max(math.Abs(p[i]), d.sd, 1e-12)
	}
	if f.Name == "pert" { // keep min below and max above the data
		h[0] = min(h[0], (d.min-p[0])/4)
		h[2] = min(h[2], (p[2]-d.max)/4)
		h[1] = min(h[1], (p[1]-p[0])/4, (p[2]-p[1])/4)
		// An end where the beta's shape is 2 or less has no finite
		// information (the density does not vanish fast enough there):
		// the Hessian would give it too small an error.
		if r := p[2] - p[0]; 4*(p[1]-p[0])/r <= 1 || 4*(p[2]-p[1])/r <= 1 {
			return se
		}
	}
	nll := func(q dist.Params) float64 { return -f.logLik(q, d) }
	at := func(i int, di float64, j int, dj float64) float64 {
		q := p
		q[i] += di
		q[j] += dj
		return nll(q)
	}
	f0 := nll(p)
	hess := mat.NewSymDense(k, nil)
	for i := range k {
		hii := (at(i, h[i], i, 0) - 2*f0 + at(i, -h[i], i, 0)) / (h[i] * h[i])
		hess.SetSym(i, i, hii)
		for j := i + 1; j < k; j++ {
			hij := (at(i, h[i], j, h[j]) - at(i, h[i], j, -h[j]) - at(i, -h[i], j, h[j]) + at(i, -h[i], j, -h[j])) / (4 * h[i] * h[j])
			hess.SetSym(i, j, hij)
		}
	}
	var ch mat.Cholesky
	if !ch.Factorize(hess) {
		return se
	}
	var cov mat.SymDense
	if err := ch.InverseTo(&cov); err != nil {
		return se
	}
	for i := range k {
		if v := cov.At(i, i); v > 0 {
			se[i] = math.Sqrt(v)
		}
	}
	return se
}
