// Package process fits how the parties to a dispute described as stages
// decide, each on its own beliefs, whether to settle at each
// opportunity, by backward induction over the stages with least-squares
// Monte Carlo; and summarises how the dispute ends.
//
// # The decision
//
// At the opportunity before stage k a party's reservation value is the
// settlement figure at which settling now and going on are worth the
// same to it: its certainty equivalents equal, under its own beliefs
// and attitude to risk, given everything revealed so far, counting the
// chance of settling later. The parties settle at the first opportunity
// where the payee's reservation value is at most the payer's, at the
// payee's reservation value plus a share (payee_share) of the range's
// width, or at a fixed offer that lies in the range. Each side knows the
// other's view of the case (they agree to disagree, as in the
// mutual-optimism models of litigation), so its value of going on
// includes its forecast, on its own beliefs about what will be revealed,
// of when and at what figure the other side would agree later.
//
// # The estimator
//
// Each party's values are fitted on a pilot sample of trials drawn under
// its own beliefs (its view, or the scenario's): 2^18 trials by default,
// from a seed derived from the run's (pseudo-random draws, or a Latin
// hypercube that stratifies each input's margin exactly). Backward over
// the
// opportunities, at each one and for each party:
//
//   - the outcome of going on is what the party actually ends with in the
//     pilot trial when it does not settle here: settling at the next
//     opportunity where both parties' fitted reservation values (the
//     other's evaluated on this party's simulated states) say so, at the
//     figure they give, else judgment;
//   - its expected utility given the state is fitted by least squares
//     (engine/lsmc) on the state: grouped exactly on what is discrete
//     (true/false, the declared values of a discrete input, whether each
//     conditional stage happened), splines of the continuous values
//     within groups. A risk-averse party's utilities exp(−x/R) are
//     averaged, never its certainty equivalents;
//   - so are the settled outcome at a figure of 0 and its slope in the
//     figure, from which the reservation value follows exactly where the
//     settled outcome is affine in the figure.
//
// The fitted policy is then applied out of sample, in one forward pass
// over the run's own trials (model.Program.Eval), so that workers,
// shards and batches give the same bytes, and the values carry no
// foresight bias from the run's draws. The estimator's error is measured
// by refitting on independent pilots.
package process

import (
	"context"
	"errors"
	"fmt"
	"math"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/settle-sim/settle/engine/lsmc"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/rng"
	"github.com/settle-sim/settle/engine/run"
	"github.com/settle-sim/settle/engine/sampling"
	"github.com/settle-sim/settle/internal/hugemem"
)

// DefaultPilot is the number of pilot trials each party's values are
// fitted on; MinPilot and MaxPilot bound the number Options.Pilot may
// ask for: enough rows for a spline fit at each opportunity, and no
// more than a run's memory can sensibly hold.
const (
	DefaultPilot = 1 << 18
	MinPilot     = 4096
	MaxPilot     = 1 << 24
)

// Options control a fit.
type Options struct {
	// Seed is the run's seed; the pilots' derive from it.
	Seed uint64
	// Pilot is the number of pilot trials; 0 means DefaultPilot.
	Pilot int
	// Refits is the number of refits on independent pilots of Pilot /
	// Refits trials each from which the estimator's error is measured;
	// 0 or 1 measures none.
	Refits int
	// Sampler is how the pilots' draws are made: pseudo-random (the
	// zero value), or a Latin hypercube, which gives every input's
	// margin exactly (a bernoulli(0.3) is true in 30% of the trials, to
	// one trial) at the cost of inverting each distribution function.
	Sampler sampling.Method
	Workers int
}

// Fit is a fitted policy with what is known of its quality.
type Fit struct {
	Policy  *model.Policy
	Pilot   int
	Sampler sampling.Method
	// First is the first stage with an opportunity to settle, and
	// FirstValues each party's values there, averaged over the states
	// its own pilot reaches it in (exact where that state is the same in
	// every trial, as when nothing is revealed before it).
	First       int
	FirstValues []Values
	// Refits is the number of refits the error was measured from, 0 when
	// it was not.
	Refits int
	// Fits describes each party's fit at each opportunity, in stage
	// order.
	Fits []FitInfo
}

// Values is a party's reservation value and certainty equivalent of
// going on at an opportunity. SE fields are the estimator's error, NaN
// when not measured.
type Values struct {
	Reservation, ReservationSE float64
	GoingOn, GoingOnSE         float64
	// Slope is how the party's settled outcome moves with the figure.
	Slope float64
}

// FitInfo describes one party's regression at one opportunity.
type FitInfo struct {
	Stage, Party string
	Rows         int
	Groups       int
	Columns      int
}

// FitPolicy fits the policy of p, a program with stages. views[i], when not
// nil, is party i's beliefs (the scenario with its view applied); a nil
// view means the scenario's own.
func FitPolicy(ctx context.Context, p *model.Program, views []*model.Program, opt Options) (*Fit, error) {
	proc := p.Process()
	if proc == nil {
		return nil, errors.New("process: the scenario has no stages")
	}
	switch {
	case opt.Pilot <= 0:
		opt.Pilot = DefaultPilot
	case opt.Pilot < MinPilot || opt.Pilot > MaxPilot:
		return nil, fmt.Errorf("process: a pilot of %d trials; from %d to %d", opt.Pilot, MinPilot, MaxPilot)
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	beliefs := make([]*model.Program, len(p.Parties))
	for i := range beliefs {
		beliefs[i] = p
		if i < len(views) && views[i] != nil {
			beliefs[i] = views[i]
			if err := sameProcess(p, views[i]); err != nil {
				return nil, fmt.Errorf("%s's view: %w", p.Parties[i].Name, err)
			}
		}
	}
	pilots, err := simulatePilots(ctx, p, beliefs, opt.Pilot, pilotSeed(opt.Seed, 0), opt)
	if err != nil {
		return nil, err
	}
	fit, err := fitPilots(ctx, p, pilots, opt)
	if err != nil {
		return nil, err
	}
	if opt.Refits > 1 {
		if err := measureError(ctx, p, beliefs, pilots, fit, opt); err != nil {
			return nil, err
		}
	}
	return fit, nil
}

// pilotSeed derives the seed of pilot r from the run's.
func pilotSeed(seed uint64, r int) uint64 {
	return seed ^ rng.SiteKey(rng.SiteID("settle process pilot", r))
}

func sameProcess(p, q *model.Program) error {
	a, b := p.Process(), q.Process()
	if b == nil || len(a.State) != len(b.State) {
		return errors.New("its stages differ from the scenario's")
	}
	for k := range a.State {
		if len(a.State[k]) != len(b.State[k]) {
			return fmt.Errorf("what is known before stage %s differs from the scenario's", a.Stages[k].Name)
		}
		for j := range a.State[k] {
			if a.State[k][j].Name != b.State[k][j].Name {
				return fmt.Errorf("what is known before stage %s differs from the scenario's", a.Stages[k].Name)
			}
		}
	}
	return nil
}

// pilot is one party's pilot sample: at each opportunity, the state and
// settled outcome (at figure 0, and its slope) of each trial that
// reaches it, and in every trial the court outcome at judgment.
type pilot struct {
	n       int
	reached [][]bool    // [stage][trial]
	x       [][]float64 // [stage][trial·d]
	a, k    [][]float64 // [stage][trial]
	court   []float64
}

// probe figures at which settled outcomes are evaluated to find their
// slope, and, in the first affineChecks trials of a pilot, check that
// they are affine in the figure.
const (
	probe1       = 1e6
	probe2       = -3.7e6
	affineChecks = 4096
)

// simulate draws the pilot of party i under q.
func simulate(ctx context.Context, q *model.Program, i, n int, seed uint64, method sampling.Method, workers int) (*pilot, error) {
	q, err := q.WithDesign(method, n, false) // one design: the pilot needs balance, not its own error
	if err != nil {
		return nil, err
	}
	proc := q.Process()
	ns := len(proc.Stages)
	pl := &pilot{n: n, reached: make([][]bool, ns), x: make([][]float64, ns), a: make([][]float64, ns), k: make([][]float64, ns), court: hugemem.Floats(n)}
	for st := range ns {
		if proc.State[st] != nil {
			pl.reached[st] = make([]bool, n)
			pl.x[st] = hugemem.Floats(n * len(proc.State[st]))
			pl.a[st] = hugemem.Floats(n)
			pl.k[st] = hugemem.Floats(n)
		}
	}
	party := q.Parties[i]
	cur := q.Scenario.Currency
	err = parallel(ctx, n, workers, q.NewState, func(s *model.State, t int) error {
		if err := q.EvalTimeline(s, seed, t); err != nil {
			return err
		}
		for st := range ns {
			if proc.State[st] == nil || !s.Happens(st) {
				continue
			}
			d := len(proc.State[st])
			q.StateAt(s, st, pl.x[st][t*d:(t+1)*d])
			// The settled outcome at figure 0 and its slope; in the
			// first trials, a third figure checks it is affine.
			probes := [3]float64{0, probe1, probe2}
			n := 2
			if t < affineChecks {
				n = 3
			}
			var v [3]float64
			for j, f := range probes[:n] {
				var err error
				if j == 0 {
					err = q.PartySettledAt(s, st, f, i)
				} else {
					err = q.PartySettledAgain(s, f, i)
				}
				if err != nil {
					return err
				}
				v[j] = s.Slots[party.Settled.Slot]
				if x := v[j]; x-x != 0 {
					return fmt.Errorf("trial %d: party %s: its settled outcome %s is %v at stage %s", t, party.Name, party.Settled.Name, x, proc.Stages[st].Name)
				}
			}
			slope := (v[1] - v[0]) / probe1
			if want := v[0] + slope*probe2; n == 3 && math.Abs(v[2]-want) > 1e-9*(math.Abs(want)+math.Abs(slope*probe2)+1) {
				return fmt.Errorf("party %s: its settled outcome %s is not affine in the settlement figure (at %s it is %s, but %s and %s at %s and %s): in a scenario with stages settle needs the figure to be paid or received in proportion, plus amounts that do not depend on it",
					party.Name, party.Settled.Name, cur.Format(probe2), cur.Format(v[2]), cur.Format(v[0]), cur.Format(v[1]), cur.Format(0), cur.Format(probe1))
			}
			pl.reached[st][t] = true
			pl.a[st][t], pl.k[st][t] = v[0], slope
		}
		if err := q.PartyCourtAt(s, ns, i); err != nil {
			return err
		}
		c := s.Slots[party.Court.Slot]
		if c-c != 0 {
			return fmt.Errorf("trial %d: party %s: its court outcome %s is %v", t, party.Name, party.Court.Name, c)
		}
		pl.court[t] = c
		return nil
	})
	if err != nil {
		return nil, err
	}
	return pl, nil
}

// fitOnce fits the policy on pilots of n trials from seed.
func fitOnce(ctx context.Context, p *model.Program, beliefs []*model.Program, n int, seed uint64, opt Options) (*Fit, error) {
	pilots, err := simulatePilots(ctx, p, beliefs, n, seed, opt)
	if err != nil {
		return nil, err
	}
	return fitPilots(ctx, p, pilots, opt)
}

// simulatePilots draws each party's pilot of n trials from seed, under
// its beliefs.
func simulatePilots(ctx context.Context, p *model.Program, beliefs []*model.Program, n int, seed uint64, opt Options) ([]*pilot, error) {
	pilots := make([]*pilot, len(p.Parties))
	for i, q := range beliefs {
		pl, err := simulate(ctx, q, i, n, seed, opt.Sampler, opt.Workers)
		if err != nil {
			view := ""
			if q != p {
				view = fmt.Sprintf(" (%s's view)", p.Parties[i].Name)
			}
			return nil, fmt.Errorf("fitting the parties' decisions%s: %w", view, err)
		}
		pilots[i] = pl
	}
	return pilots, nil
}

// trials returns pl's trials [lo, hi) as a pilot of their own.
func (pl *pilot) trials(lo, hi int) *pilot {
	sub := &pilot{n: hi - lo, reached: make([][]bool, len(pl.reached)), x: make([][]float64, len(pl.x)),
		a: make([][]float64, len(pl.a)), k: make([][]float64, len(pl.k)), court: pl.court[lo:hi]}
	for st := range pl.reached {
		if pl.reached[st] == nil {
			continue
		}
		d := len(pl.x[st]) / pl.n
		sub.reached[st], sub.x[st] = pl.reached[st][lo:hi], pl.x[st][lo*d:hi*d]
		sub.a[st], sub.k[st] = pl.a[st][lo:hi], pl.k[st][lo:hi]
	}
	return sub
}

// fitPilots fits the policy on the parties' pilots by backward
// induction.
func fitPilots(ctx context.Context, p *model.Program, pilots []*pilot, opt Options) (*Fit, error) {
	proc := p.Process()
	np := len(p.Parties)
	n := pilots[0].n
	payee, payer, err := sides(p, proc, pilots)
	if err != nil {
		return nil, err
	}
	pol := &model.Policy{Valuations: make([][]*model.Valuation, len(proc.Stages)), Payee: payee, Payer: payer,
		Share: proc.PayeeShare, Offer: proc.Offer, HasOffer: proc.HasOffer}
	fit := &Fit{Policy: pol, Pilot: n, Sampler: opt.Sampler, First: -1}
	// d[i][t]: what party i ends with in pilot trial t from the current
	// opportunity on, if it does not settle there.
	d := make([][]float64, np)
	for i, pl := range pilots {
		d[i] = hugemem.Floats(pl.n)
		copy(d[i], pl.court)
	}
	infos := make([][]FitInfo, len(proc.Stages))
	scratch := make([]fitScratch, np) // each party's, for its fits in turn
	first := slices.IndexFunc(proc.State, func(f []lsmc.Feature) bool { return f != nil })
	for st := len(proc.Stages) - 1; st >= 0; st-- {
		feats := proc.State[st]
		if feats == nil {
			continue
		}
		fit.First = st
		vals := make([]*model.Valuation, np)
		fitted := make([]FitInfo, np)
		errs := make([]error, np)
		var wg sync.WaitGroup
		for i, pl := range pilots {
			wg.Go(func() {
				vals[i], fitted[i], errs[i] = valuation(feats, pl, st, d[i], p.Parties[i].RiskTolerance, &scratch[i])
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				return nil, fmt.Errorf("fitting %s's values before stage %s: %w", p.Parties[i].Name, proc.Stages[st].Name, err)
			}
			fitted[i].Stage, fitted[i].Party = proc.Stages[st].Name, p.Parties[i].Name
		}
		infos[st] = fitted
		pol.Valuations[st] = vals
		if st == first {
			break // no earlier opportunity reads the outcomes of going on
		}
		// Each party's outcome from here if it goes on: settling here
		// where both would. Each trial on its own, so on every worker.
		for i, pl := range pilots {
			dim := len(feats)
			err := parallel(ctx, pl.n, opt.Workers, nil, func(_ *model.State, t int) error {
				if pl.reached[st][t] {
					if ok, f := pol.Decide(st, pl.x[st][t*dim:(t+1)*dim]); ok {
						d[i][t] = pl.a[st][t] + pl.k[st][t]*f
					}
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	for _, in := range infos {
		fit.Fits = append(fit.Fits, in...)
	}
	if fit.First >= 0 {
		fit.FirstValues = firstValues(pol, pilots, fit.First, len(proc.State[fit.First]))
	}
	return fit, nil
}

// maxState is the most values of a state at any of pl's opportunities.
func maxState(pl *pilot) int {
	d := 0
	for _, x := range pl.x {
		d = max(d, len(x)/max(pl.n, 1))
	}
	return d
}

// fitScratch is the memory of one party's fits, one opportunity after
// another: written once, it is not faulted in again for each.
type fitScratch struct {
	lsmc.Fitter
	x, y []float64
}

// valuation fits one party's values at opportunity st from its pilot,
// with d its outcome of going on in each trial, in sc's memory.
func valuation(feats []lsmc.Feature, pl *pilot, st int, d []float64, r float64, sc *fitScratch) (*model.Valuation, FitInfo, error) {
	dim := len(feats)
	var x, y []float64
	shift := 0.0
	rows := 0
	for t := range pl.n {
		if pl.reached[st][t] {
			shift += d[t]
			rows++
		}
	}
	if rows == 0 {
		return nil, FitInfo{}, errors.New("no pilot trial reaches it")
	}
	shift /= float64(rows)
	u := func(v float64) float64 {
		if r == 0 {
			return v
		}
		return math.Exp(min(-(v-shift)/r, 700))
	}
	// The states of the trials that reach st: the pilot's own where
	// every trial does (lsmc.Fit only reads them).
	x = pl.x[st]
	if rows < pl.n {
		x = hugemem.Grow(&sc.x, pl.n*maxState(pl))[:rows*dim] // the most any stage needs, once
	}
	y = hugemem.Grow(&sc.y, pl.n*3)[:rows*3]
	row := 0
	for t := range pl.n {
		if !pl.reached[st][t] {
			continue
		}
		if rows < pl.n {
			copy(x[row*dim:(row+1)*dim], pl.x[st][t*dim:(t+1)*dim])
		}
		y[row*3], y[row*3+1], y[row*3+2] = u(d[t]), u(pl.a[st][t]), pl.k[st][t]
		row++
	}
	m, err := sc.Fit(feats, x, y, 3)
	if err != nil {
		return nil, FitInfo{}, err
	}
	v := &model.Valuation{Fit: m, RiskTolerance: r}
	if r > 0 {
		v.Shift = shift
	}
	return v, FitInfo{Rows: rows, Groups: m.Groups, Columns: m.Columns}, nil
}

// sides finds the payee, whose settled outcome rises with the figure,
// and the payer, whose settled outcome falls.
func sides(p *model.Program, proc *model.Process, pilots []*pilot) (payee, payer int, err error) {
	sign := make([]int, len(pilots))
	errs := make([]error, len(pilots))
	run.Each(len(pilots), len(pilots), func(i int) { sign[i], errs[i] = slopeSign(p, proc, pilots[i], i) })
	for _, err := range errs {
		if err != nil {
			return 0, 0, err
		}
	}
	if len(sign) != 2 || sign[0] == 0 || sign[1] == 0 {
		return 0, 1, nil // no opportunity reached: no decision to make
	}
	if sign[0] == sign[1] {
		word := "rise"
		if sign[0] < 0 {
			word = "fall"
		}
		return 0, 0, fmt.Errorf("both parties' settled outcomes %s with the settlement figure; one party must be paid it (its settled outcome rises with it) and the other pay it", word)
	}
	if sign[0] > 0 {
		return 0, 1, nil
	}
	return 1, 0, nil
}

// slopeSign returns the sign of how party i's settled outcome moves with
// the figure in its pilot pl, the same in every trial at every
// opportunity, or an error.
func slopeSign(p *model.Program, proc *model.Process, pl *pilot, i int) (int, error) {
	sign := 0
	for st := range proc.Stages {
		for t := 0; pl.k[st] != nil && t < pl.n; t++ {
			if !pl.reached[st][t] {
				continue
			}
			s := 0
			switch k := pl.k[st][t]; {
			case k > 0:
				s = 1
			case k < 0:
				s = -1
			}
			if s == 0 || (sign != 0 && s != sign) {
				return 0, fmt.Errorf("party %s: its settled outcome %s must rise with the settlement figure in every trial, or fall in every trial; before stage %s it %s",
					p.Parties[i].Name, p.Parties[i].Settled.Name, proc.Stages[st].Name, map[bool]string{true: "does not move with it", false: "moves the other way"}[s == 0])
			}
			sign = s
		}
	}
	return sign, nil
}

// firstValues averages each party's values at opportunity st over the
// states its pilot reaches there.
func firstValues(pol *model.Policy, pilots []*pilot, st, dim int) []Values {
	out := make([]Values, len(pilots))
	run.Each(len(pilots), len(pilots), func(i int) {
		pl := pilots[i]
		var sr, sg, sk float64
		n := 0
		for t := range pl.n {
			if !pl.reached[st][t] {
				continue
			}
			r, g := pol.Valuations[st][i].At(pl.x[st][t*dim : (t+1)*dim])
			sr += r
			sg += g
			sk += pl.k[st][t]
			n++
		}
		out[i] = Values{Reservation: sr / float64(n), GoingOn: sg / float64(n), Slope: sk / float64(n),
			ReservationSE: math.NaN(), GoingOnSE: math.NaN()}
	})
	return out
}

// measureError refits on opt.Refits independent pilots of opt.Pilot /
// refitFraction trials and sets the first opportunity's SEs: the refits'
// standard deviation scaled by √(1/refitFraction), as for a fit on
// refitFraction times the trials, the size of the pilot. The fit's
// error shrinks about as 1/√n for a given basis; the basis of a smaller
// pilot may have fewer knots, which makes the scaled figure somewhat
// conservative. With pseudo-random
// draws the refits' pilots are disjoint runs of the pilot's own trials,
// which are independent draws: no more trials are simulated. A Latin
// hypercube's trials are not independent of one another, so its refits
// draw pilots of their own.
func measureError(ctx context.Context, p *model.Program, beliefs []*model.Program, pilots []*pilot, fit *Fit, opt Options) error {
	if fit.First < 0 {
		return nil
	}
	n := max(opt.Pilot/refitFraction, 1024)
	own := opt.Sampler == sampling.Random && opt.Refits*n <= pilots[0].n
	refit := func(r int) (*Fit, error) {
		if own {
			sub := make([]*pilot, len(pilots))
			for i, pl := range pilots {
				sub[i] = pl.trials((r-1)*n, r*n)
			}
			return fitPilots(ctx, p, sub, opt)
		}
		return fitOnce(ctx, p, beliefs, n, pilotSeed(opt.Seed, r), opt)
	}
	var res, goes [][]float64
	for r := 1; r <= opt.Refits; r++ {
		f, err := refit(r)
		if err != nil {
			return err
		}
		if f.First != fit.First {
			continue
		}
		for i, v := range f.FirstValues {
			if len(res) <= i {
				res, goes = append(res, nil), append(goes, nil)
			}
			res[i] = append(res[i], v.Reservation)
			goes[i] = append(goes[i], v.GoingOn)
		}
	}
	fit.Refits = opt.Refits
	scale := math.Sqrt(float64(n) / float64(opt.Pilot))
	for i := range fit.FirstValues {
		if i < len(res) && len(res[i]) > 1 {
			fit.FirstValues[i].ReservationSE = sd(res[i]) * scale
			fit.FirstValues[i].GoingOnSE = sd(goes[i]) * scale
		}
	}
	return nil
}

// refitFraction is the share of the pilot each refit is made on: 8,192
// trials of the default pilot, 100 rows or more for each of the largest
// basis's columns, so that the basis is the pilot's own and the error
// scales as 1/√n (TestRefitErrorIsTheSpread).
const refitFraction = 32

func sd(xs []float64) float64 {
	m := 0.0
	for _, x := range xs {
		m += x
	}
	m /= float64(len(xs))
	s := 0.0
	for _, x := range xs {
		s += (x - m) * (x - m)
	}
	return math.Sqrt(s / float64(len(xs)-1))
}

// parallel evaluates fn for trials [0, n) on workers, each with its own
// State from newState (none when newState is nil), and returns the error
// of the earliest failing trial.
func parallel(ctx context.Context, n, workers int, newState func() *model.State, fn func(s *model.State, t int) error) error {
	const chunk = 1024
	chunks := (n + chunk - 1) / chunk
	var next atomic.Int64
	errs := make([]error, chunks)
	var wg sync.WaitGroup
	for range min(workers, chunks) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var s *model.State
			for {
				c := int(next.Add(1) - 1)
				if c >= chunks || ctx.Err() != nil {
					return
				}
				for t := c * chunk; t < min((c+1)*chunk, n); t++ {
					if s == nil && newState != nil {
						s = newState()
					}
					if err := fn(s, t); err != nil {
						errs[c] = err
						break
					}
				}
			}
		}()
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
