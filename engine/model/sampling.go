package model

import (
	"fmt"
	"math"
	"strings"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/rng"
	"github.com/settle-sim/settle/engine/sampling"
	"github.com/settle-sim/settle/engine/scenario"
)

// Each draw site (a distribution call, discrete(), truncated(),
// mixture() or empirical()) is a dimension: the index of the uniform it
// takes when the program's uniforms are chosen by a design (Latin
// hypercube, Sobol') or correlated by a copula rather than drawn from
// the site's own stream.

// dimension is one draw site.
type dimension struct {
	def  string // the input it is in
	site uint64 // its stream, for the uniforms a design jitters with
}

// plan says how a program's uniforms are chosen.
type plan struct {
	dims   []dimension
	method sampling.Method
	trials uint64 // the design's trial count, for Latin hypercubes
	// replicates is the number of independent randomisations of the
	// design the trials are split into: sampling.Replicates for a run,
	// whose standard errors come from them, or 1 for one design.
	replicates uint64

	corr     *Correlation
	copula   *sampling.Copula
	corrDims []int // the dimension of each correlated input, in matrix order
	mixDim   int   // the t copula's own dimension, for its χ² variable
}

// Correlation is a scenario's rank correlations as compiled.
type Correlation struct {
	Inputs   []*Var
	Declared []float64 // correlations as declared, in Measure, row-major
	Used     []float64 // those imposed: Declared, or its repair
	Repaired bool
	// MinEigenvalue is the declared matrix's smallest eigenvalue.
	MinEigenvalue float64
	Pairs         []scenario.CorrelationPair
	// Measure is what Declared and Used hold: scenario.MeasureSpearman
	// or scenario.MeasureKendall.
	Measure string
	// Copula imposes the dependence: its family, parameters, Kendall's
	// taus and tail dependence.
	Copula *sampling.Copula
}

// quantiles is the per-state part of a plan: each dimension's uniform
// for the current trial, NaN for a dimension that draws from its own
// stream; nil when every dimension does.
type quantiles struct {
	q    []float64
	u, z []float64 // copula scratch
}

// dim registers a new dimension for the draw site of the definition
// being compiled whose stream is site, and returns its index.
func (c *compiler) dim(site uint64) int {
	c.prog.plan.dims = append(c.prog.plan.dims, dimension{def: c.cur.def.Name, site: site})
	return len(c.prog.plan.dims) - 1
}

// quasi returns the uniform the plan gives dimension dim in this trial,
// if it gives one.
func (s *State) quasi(dim int) (float64, bool) {
	if s.qs.q == nil {
		return 0, false
	}
	u := s.qs.q[dim]
	return u, u == u
}

// uniformHere returns dimension dim's uniform for this trial: the
// plan's, or else the next of the stream s.Src is positioned at.
func (s *State) uniformHere(dim int) float64 {
	if u, ok := s.quasi(dim); ok {
		return u
	}
	return s.Src.Float64()
}

// uniform returns dimension dim's uniform for this trial: the plan's,
// or else the first of the stream of site.
func (s *State) uniform(dim int, site uint64) float64 {
	if u, ok := s.quasi(dim); ok {
		return u
	}
	s.Src.Site(site)
	return s.Src.Float64()
}

func (pl *plan) active() bool { return pl.method != sampling.Random || pl.copula != nil }

func (pl *plan) newState(s *State) {
	if !pl.active() {
		return
	}
	s.qs.q = make([]float64, len(pl.dims))
	for i := range s.qs.q {
		s.qs.q[i] = math.NaN()
	}
	if pl.copula != nil {
		s.qs.u = make([]float64, pl.copula.K+pl.copula.Extra())
		s.qs.z = make([]float64, pl.copula.K)
	}
}

// fill sets the uniforms of trial. It does not allocate.
func (pl *plan) fill(s *State, seed, trial uint64) {
	q := s.qs.q
	// A run's trials fall into independent replicates, each its own Latin
	// hypercube or scrambled Sobol' sequence (sampling.Replicates): trial
	// i is point j = i div R of replicate r = i mod R, of m points.
	r, j, m := uint64(0), trial, pl.trials
	if pl.replicates > 1 {
		r, j = sampling.Replicate(trial)
		m = sampling.ReplicateSize(r, pl.trials)
	}
	switch pl.method {
	case sampling.LHS:
		for d, dm := range pl.dims {
			s.Src.Site(dm.site ^ jitterSalt)
			q[d] = sampling.LatinHypercube(j, m, pl.key(seed, dm.site, r), s.Src.Float64())
		}
	case sampling.Sobol:
		for d, dm := range pl.dims {
			s.Src.Site(dm.site ^ jitterSalt)
			q[d] = sampling.SobolUniform(j, d, pl.key(seed, dm.site, r), s.Src.Float64())
		}
	}
	if pl.copula == nil {
		return
	}
	u := s.qs.u
	for j, d := range pl.corrDims {
		if pl.method == sampling.Random {
			s.Src.Site(pl.dims[d].site)
			u[j] = sampling.Open(s.Src.Float64())
		} else {
			u[j] = q[d]
		}
	}
	if pl.copula.Extra() > 0 {
		k, d := pl.copula.K, pl.mixDim
		if pl.method == sampling.Random {
			s.Src.Site(pl.dims[d].site)
			u[k] = sampling.Open(s.Src.Float64())
		} else {
			u[k] = q[d]
		}
	}
	pl.copula.Apply(u, s.qs.z)
	for j, d := range pl.corrDims {
		q[d] = u[j]
	}
}

// key is the key of site's design in replicate r.
func (pl *plan) key(seed, site, r uint64) uint64 {
	k := sampling.Key(seed, site)
	if pl.replicates > 1 {
		k = sampling.ReplicateKey(k, r)
	}
	return k
}

// jitterSalt separates the stream that jitters a design's points from
// the site's own.
const jitterSalt = 0x6a09e667f3bcc909

// Sampler returns the method p's uniforms are chosen by.
func (p *Program) Sampler() sampling.Method { return p.plan.method }

// Correlation returns the rank correlations p imposes, or nil.
func (p *Program) Correlation() *Correlation { return p.plan.corr }

// Replicates returns the number of independent randomisations of the
// design p's trials are split into; 0 under plain pseudo-random
// sampling.
func (p *Program) Replicates() int {
	if p.plan.method == sampling.Random {
		return 0
	}
	return int(p.plan.replicates)
}

// Dimensions returns the number of draw sites of p.
func (p *Program) Dimensions() int { return len(p.plan.dims) }

// WithSampler returns a copy of p whose uniforms are chosen by method
// for a run of trials trials: under a design (Latin hypercube, Sobol')
// sampling.Replicates independent randomisations of it, so that the
// run's standard errors can come from their spread. Random returns p
// itself.
func (p *Program) WithSampler(method sampling.Method, trials int) (*Program, error) {
	return p.WithDesign(method, trials, true)
}

// WithDesign is WithSampler with the design's trials split into
// sampling.Replicates randomisations when replicated, else one design of
// all the trials, which balances them best but gives no estimate of its
// own error.
func (p *Program) WithDesign(method sampling.Method, trials int, replicated bool) (*Program, error) {
	if method == sampling.Random {
		return p, nil
	}
	if method == sampling.Sobol && len(p.plan.dims) > sampling.MaxSobolDims {
		return nil, fmt.Errorf("--sampler sobol: the scenario has %d draw sites and Sobol' sampling supports %d; use --sampler lhs",
			len(p.plan.dims), sampling.MaxSobolDims)
	}
	q := *p
	q.plan.method, q.plan.trials, q.plan.replicates = method, uint64(trials), 1
	if replicated {
		q.plan.replicates = sampling.Replicates
	}
	return &q, nil
}

// correlations resolves the scenario's declared correlations: each input
// must draw from exactly one distribution, and the matrix must be
// positive semi-definite unless a repair is asked for.
func (c *compiler) correlations() {
	sc := c.sc.Correlations
	if sc == nil || c.sc.IsRuleFile {
		return
	}
	corr := &Correlation{Declared: sc.Matrix, Pairs: sc.Pairs}
	ok := true
	for _, r := range sc.Inputs {
		v, found := c.vars[r.Name]
		if !found {
			if _, defined := c.sc.Lookup(r.Name); defined {
				ok = false // its definition has errors, reported already
				continue
			}
			hint := diag.DidYouMean(r.Name, c.sc.Names())
			if hint == "" {
				hint = "correlations name inputs of the scenario"
			}
			c.diags.Errorf(r.Pos, hint, "correlations: unknown input %q", r.Name)
			ok = false
			continue
		}
		var dims []int
		for d, dm := range c.prog.plan.dims {
			if dm.def == r.Name {
				dims = append(dims, d)
			}
		}
		switch {
		case v.Kind != scenario.Input:
			c.diags.Errorf(r.Pos, "correlate the inputs it is computed from", "correlations: %s is a rule, not an input", r.Name)
			ok = false
		case len(dims) == 0:
			c.diags.Errorf(r.Pos, "correlate the inputs it is computed from, or make it draw from a distribution",
				"correlations: %s draws from no distribution of its own", r.Name)
			ok = false
		case len(dims) > 1:
			c.diags.Errorf(r.Pos, "split it into inputs that draw once each and correlate one of them",
				"correlations: %s draws from %d distributions; a correlated input draws from one", r.Name, len(dims))
			ok = false
		default:
			corr.Inputs = append(corr.Inputs, v)
			c.prog.plan.corrDims = append(c.prog.plan.corrDims, dims[0])
		}
	}
	if !ok {
		return
	}
	corr.Measure = sc.Measure
	if sc.Copula == scenario.CopulaClayton {
		c.claytonCopula(sc, corr)
		return
	}
	k := len(corr.Inputs)
	psd, minEig := sampling.IsPSD(sc.Matrix, k)
	corr.MinEigenvalue = minEig
	toNormal, fromNormal := sampling.NormalFromSpearman, sampling.SpearmanFromNormal
	if sc.Measure == scenario.MeasureKendall {
		toNormal, fromNormal = sampling.NormalFromKendall, sampling.KendallFromNormal
	}
	normal := make([]float64, k*k)
	for i, x := range sc.Matrix {
		normal[i] = toNormal(x)
	}
	for i := range k {
		normal[i*k+i] = 1
	}
	if psd {
		psd, _ = sampling.IsPSD(normal, k)
	}
	if !psd && !sc.Repair {
		c.diags.Errorf(sc.Pos, "lower the correlations that contradict each other, or add repair: nearest to use the nearest valid matrix (the repair is reported)",
			"correlations: the matrix%s is not positive semi-definite (smallest eigenvalue %.3g): no inputs can have these rank correlations together",
			conflict(sc), minEig)
		return
	}
	corr.Used = sc.Matrix
	if !psd {
		normal = sampling.Nearest(normal, k)
		corr.Repaired = true
		corr.Used = make([]float64, k*k)
		for i, r := range normal {
			corr.Used[i] = fromNormal(r)
		}
		for i := range k {
			corr.Used[i*k+i] = 1
		}
		var pairs []string
		for _, pr := range sc.Pairs {
			pairs = append(pairs, fmt.Sprintf("%s ~ %s asked %.2f → repaired %.2f", sc.Inputs[pr.I].Name, sc.Inputs[pr.J].Name, pr.Rho, corr.Used[pr.I*k+pr.J]))
		}
		c.diags.Notef(sc.Pos, "correlations: the matrix%s is not positive semi-definite (smallest eigenvalue %.3g), so repair: nearest uses the nearest valid one: %s",
			conflict(sc), minEig, strings.Join(pairs, ", "))
	}
	var cop *sampling.Copula
	good := false
	if sc.Copula == scenario.CopulaT {
		cop, good = sampling.NewTCopula(normal, k, sc.DF)
	} else {
		cop, good = sampling.NewNormalCopula(normal, k)
	}
	if !good {
		c.diags.Errorf(sc.Pos, "", "correlations: the matrix could not be factored")
		return
	}
	if cop.Extra() > 0 {
		// The t copula's χ² variable is a dimension of its own, after
		// every draw site's, so that a design stratifies it too.
		c.prog.plan.dims = append(c.prog.plan.dims, dimension{site: rng.SiteID("correlations:t", 0)})
		c.prog.plan.mixDim = len(c.prog.plan.dims) - 1
	}
	corr.Copula = cop
	c.prog.plan.corr, c.prog.plan.copula = corr, cop
}

// claytonCopula compiles a Clayton copula: each group's Kendall's tau
// must be above 0 and below 1, and gives its θ = 2τ/(1−τ).
func (c *compiler) claytonCopula(sc *scenario.Correlations, corr *Correlation) {
	k := len(corr.Inputs)
	var groups []sampling.ClaytonGroup
	ok := true
	for _, g := range sc.Groups {
		if !(g.Tau > 0 && g.Tau < 1) {
			c.diags.Errorf(g.Pos, "a Clayton copula's dependence is positive: give a tau above 0 and below 1, or use copula: t for negative dependence",
				"correlations: Kendall's tau %v is not between 0 and 1 (exclusive)", g.Tau)
			ok = false
			continue
		}
		groups = append(groups, sampling.ClaytonGroup{Members: g.Inputs, Theta: sampling.ClaytonTheta(g.Tau)})
	}
	if !ok {
		return
	}
	corr.Used = sc.Matrix
	corr.MinEigenvalue = 1
	cop := sampling.NewClaytonCopula(k, groups, sc.Upper)
	corr.Copula = cop
	c.prog.plan.corr, c.prog.plan.copula = corr, cop
}

// conflict names the inputs of a non-PSD matrix, for the message.
func conflict(sc *scenario.Correlations) string {
	if len(sc.Inputs) > 6 {
		return ""
	}
	names := make([]string, len(sc.Inputs))
	for i, r := range sc.Inputs {
		names[i] = r.Name
	}
	return " of " + strings.Join(names, ", ")
}
