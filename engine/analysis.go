package engine

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/settle-sim/settle/engine/decision"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/process"
	"github.com/settle-sim/settle/engine/sensitivity"
	"github.com/settle-sim/settle/engine/stats"
)

// PartyResult is one party's view of the dispute.
type PartyResult struct {
	Name     string
	Attitude decision.Attitude
	// Net is the party's outcome however the dispute ends, Court its
	// outcome if the case goes to judgment.
	Net, Court Outcome
	// Reservation is the settlement figure that leaves the party
	// indifferent to going to court.
	Reservation decision.Reservation
	// Offer is set when the settlement figure is a single amount (an
	// --offer): how settling at it compares with court.
	Offer *Offer
	// View is the position files this party's analysis was made under,
	// when it has a view of its own (see ApplyViews).
	View []string
	// First, in a scenario with stages, is the party's values at the
	// first opportunity to settle, on its own beliefs; Court is then its
	// outcome over the trials that end in judgment, and Reservation's
	// CourtCE its certainty equivalent of going on.
	First *process.Values
}

// Outcome summarises a party's outcome for decisions.
type Outcome struct {
	Mean      float64
	SD        float64
	CE        float64   // certainty equivalent under the party's attitude
	PLoss     float64   // probability of ending below zero
	Quantiles []float64 // at stats.Probs
}

// Offer compares settling at a given figure with court for a party.
type Offer struct {
	Figure     float64
	SettledCE  float64 // certainty equivalent of settling at Figure
	BeatsCourt float64 // fraction of trials in which settling does better than court; NaN in a scenario with stages
	Accepts    bool    // the party prefers settling at Figure to court
}

func outcome(xs []float64, a decision.Attitude) Outcome {
	s := stats.Summarize(xs, 1, nil)
	loss := 0
	for _, x := range xs {
		if x < 0 {
			loss++
		}
	}
	return Outcome{Mean: s.Mean, SD: s.SD, CE: a.CertaintyEquivalent(xs), PLoss: float64(loss) / float64(len(xs)),
		Quantiles: s.Quantiles}
}

// shared holds what every point of a sweep has in common, computed once
// on the scenario without the axes: each party's reservation value, when
// no axis reaches the parties' court or settled outcomes (but through
// the settlement figure, which reservation values replace), and its court
// outcome, when no axis reaches it. A nil field is computed at each point.
type shared struct {
	reservations []decision.Reservation
	courts       []Outcome
}

// analyseParties computes each party's outcomes, certainty equivalents
// and reservation value, and the settlement range. A party's settled
// outcome at a figure comes from the scenario compiled with the figure
// input set to that amount and run on the same trials: each draw site has
// its own stream, so every other input takes the same values.
func analyseParties(ctx context.Context, res *Result, cols map[*model.Var]*Column, opt Options, known *shared) error {
	p := res.Program
	opt.Progress = nil
	opt.Sensitivity = false
	n := len(p.Parties)
	cache := map[float64][][]float64{}
	settled := func(f float64) ([][]float64, error) {
		if c, ok := cache[f]; ok {
			return c, nil
		}
		sc := p.Scenario.Clone()
		if err := sc.Set(p.Figure.Name, strconv.FormatFloat(f, 'g', -1, 64)); err != nil {
			return nil, err
		}
		q, err := model.Compile(sc)
		if err != nil {
			return nil, fmt.Errorf("settlement figure %s: %w", money.Format(f), err)
		}
		vars := make([]*model.Var, n)
		for i, pt := range p.Parties {
			vars[i], _ = q.Lookup(pt.Settled.Name)
		}
		c, err := simulate(ctx, q, opt, vars)
		if err != nil {
			return nil, fmt.Errorf("settlement figure %s: %w", money.Format(f), err)
		}
		cache[f] = c
		return c, nil
	}
	offered := !p.Figure.Random
	if offered {
		c := make([][]float64, n)
		for i, pt := range p.Parties {
			c[i] = cols[pt.Settled].Values
		}
		cache[p.Figure.Const] = c
	}

	lo, hi := searchInterval(res, cols)
	var err error
	for i, pt := range p.Parties {
		a := decision.Attitude{RiskTolerance: pt.RiskTolerance}
		dp := &decision.Party{Name: pt.Name, Attitude: a, Court: cols[pt.Court].Values,
			Settled: func(f float64, dst []float64) error {
				c, err := settled(f)
				if err != nil {
					return err
				}
				copy(dst, c[i])
				return nil
			}}
		var r decision.Reservation
		if known != nil && known.reservations != nil {
			r = known.reservations[i]
		} else if r, err = decision.ReservationValue(dp, lo, hi); err != nil {
			return err
		}
		var court Outcome
		if known != nil && known.courts != nil {
			court = known.courts[i]
		} else {
			court = outcome(dp.Court, a)
		}
		pr := &PartyResult{Name: pt.Name, Attitude: a, Net: outcome(cols[pt.Net].Values, a),
			Court: court, Reservation: r}
		if offered {
			f := p.Figure.Const
			beats, err := decision.BeatsCourt(dp, f)
			if err != nil {
				return err
			}
			pr.Offer = &Offer{Figure: f, SettledCE: a.CertaintyEquivalent(cache[f][i]), BeatsCourt: beats, Accepts: r.Accepts(f)}
		}
		res.Parties = append(res.Parties, pr)
	}

	return settlementRange(res)
}

// settlementRange sets res.Range from the parties' reservation values.
func settlementRange(res *Result) error {
	// The range runs from the most any payee needs to the least any
	// payer will pay.
	var payee, payer *decision.Reservation
	for _, pr := range res.Parties {
		r := pr.Reservation
		switch {
		case r.Side == decision.Payee && (payee == nil || r.Value > payee.Value):
			payee = &pr.Reservation
		case r.Side == decision.Payer && (payer == nil || r.Value < payer.Value):
			payer = &pr.Reservation
		}
	}
	if payee != nil && payer != nil {
		rg, err := decision.SettlementRange(*payee, *payer)
		if err != nil {
			return err
		}
		res.Range = &rg
	}
	return nil
}

// searchInterval is where reservation values are sought when they have
// no closed form: the scenario's settlement search, else from zero to
// twice the largest court outcome.
func searchInterval(res *Result, cols map[*model.Var]*Column) (lo, hi float64) {
	if st := res.Program.Scenario.Settlement; st != nil && st.Hi > st.Lo {
		return st.Lo, st.Hi
	}
	for _, pt := range res.Program.Parties {
		for _, x := range cols[pt.Court].Values {
			hi = math.Max(hi, 2*math.Abs(x))
		}
	}
	return 0, math.Max(hi, 1)
}

// TornadoTrials is the most trials each tornado run takes, and the rank
// correlations use: the first trials of the run, on the same streams, so
// that the swing between the two runs of an input is measured with
// common random numbers.
const TornadoTrials = 50_000

// simulateMeans is simulate that returns only each var's mean, summing
// chunk by chunk and the chunks in order, so that the means do not
// depend on the number of workers and no columns are kept.
func simulateMeans(ctx context.Context, p *model.Program, opt Options, vars []*model.Var) ([]float64, error) {
	nchunks := (opt.Trials + chunk - 1) / chunk
	sums := make([]float64, nchunks*len(vars))
	err := forChunks(ctx, p, opt, func(s *model.State, k, start, end int) (int, error) {
		part := sums[k*len(vars) : (k+1)*len(vars)]
		acc := make([]stats.Sum, len(vars))
		for i := start; i < end; i++ {
			if err := p.Eval(s, opt.Seed, i); err != nil {
				return i, err
			}
			for j, v := range vars {
				x := s.Slots[v.Slot]
				if x-x != 0 {
					return i, nonFinite(v, i, x)
				}
				acc[j].Add(x)
			}
		}
		for j := range acc {
			part[j] = acc[j].Value()
		}
		return 0, nil
	})
	if err != nil {
		return nil, err
	}
	means := make([]float64, len(vars))
	for j := range vars {
		var total stats.Sum
		for k := range nchunks {
			total.Add(sums[k*len(vars)+j])
		}
		means[j] = total.Value() / float64(opt.Trials)
	}
	return means, nil
}

// OutputSensitivity says which sampled inputs drive an output.
type OutputSensitivity struct {
	Output   string
	Spearman []Correlation     // with each sampled input, in evaluation order
	Tornado  []sensitivity.Bar // largest swing first
	// Spider (Options.Spider) has a line an input, widest first; Sobol
	// (Options.SobolTrials) an index a factor, in evaluation order.
	Spider []sensitivity.SpiderLine
	Sobol  []sensitivity.SobolIndex
}

// Correlation is an input's rank correlation with an output.
type Correlation struct {
	Input string  `json:"input"`
	Rho   float64 `json:"rho"`
}

// analyseSensitivity computes the rank correlation of every output that
// varies with every sampled input that varies, and the tornado: each
// output's mean with each input held at its p10 and at its p90, the other
// inputs drawn as before.
func analyseSensitivity(ctx context.Context, res *Result, opt Options) error {
	opt.Progress = nil
	topt := opt
	topt.Trials = min(opt.Trials, TornadoTrials)
	res.TornadoTrials = topt.Trials
	p := res.Program
	var outs []*Column
	for _, c := range res.Outputs {
		if c.Summary.SD > 0 {
			outs = append(outs, c)
		}
	}
	var ins []*Column
	for _, c := range res.Inputs {
		if c.Summary.SD > 0 {
			ins = append(ins, c)
		}
	}
	// Rank correlations on the trials the tornado uses: their standard
	// error is about 1/√n, 0.0045 at 50,000 trials.
	n := topt.Trials
	inRanks := make([][]float64, len(ins))
	for i, c := range ins {
		inRanks[i] = sensitivity.Ranks(c.Values[:n])
	}
	outVars := make([]*model.Var, len(outs))
	for i, c := range outs {
		outVars[i] = c.Var
	}
	// Means of every output with each input held low and high.
	const p10, p90 = 2, 6 // indices into stats.Probs
	bars := make([][]sensitivity.Bar, len(outs))
	for _, in := range ins {
		lo, hi := in.Summary.Quantiles[p10], in.Summary.Quantiles[p90]
		if lo == hi {
			continue
		}
		means := [2][]float64{}
		for k, v := range []float64{lo, hi} {
			q, err := p.Pin(in.Var.Name, v)
			if err != nil {
				return err
			}
			m, err := simulateMeans(ctx, q, topt, outVars)
			if err != nil {
				return fmt.Errorf("sensitivity to %s held at %g: %w", in.Var.Name, v, err)
			}
			means[k] = m
		}
		for j := range outs {
			bars[j] = append(bars[j], sensitivity.Bar{Input: in.Var.Name, Low: lo, High: hi,
				MeanLow: means[0][j], MeanHigh: means[1][j]})
		}
	}
	for j, out := range outs {
		os := &OutputSensitivity{Output: out.Var.Name, Tornado: sensitivity.Tornado(bars[j])}
		r := sensitivity.Ranks(out.Values[:n])
		for i, in := range ins {
			rho := sensitivity.Pearson(inRanks[i], r)
			if math.IsNaN(rho) {
				continue // constant over the trials used: no correlation to report
			}
			os.Spearman = append(os.Spearman, Correlation{Input: in.Var.Name, Rho: rho})
		}
		res.Sensitivity = append(res.Sensitivity, os)
	}
	return nil
}

// ApplyViews replaces each named party's analysis in res with its analysis
// under its own view of the case: the scenario of spec with that party's
// position files applied after spec's own. The settlement range is then
// between the reservation values each side holds on its own beliefs,
// which is the range that decides whether the parties can settle: when
// each is more optimistic about court than the other allows, there is
// none. Every view runs on the same trials and seed.
func ApplyViews(ctx context.Context, res *Result, spec Spec, views map[string][]string, opt Options) error {
	if len(views) == 0 || res.Program.IsProcess() {
		return nil // a process's parties decided on their views already
	}
	opt.Progress, opt.Sensitivity = nil, false
	opt.Trials, opt.Seed = res.Trials, res.Seed
	for name := range views {
		if !slices.ContainsFunc(res.Parties, func(p *PartyResult) bool { return p.Name == name }) {
			var names []string
			for _, p := range res.Parties {
				names = append(names, p.Name)
			}
			return fmt.Errorf("--view %s: the scenario has no party %q; its parties are %s", name, name, strings.Join(names, ", "))
		}
	}
	for i, pr := range res.Parties {
		files, ok := views[pr.Name]
		if !ok {
			continue
		}
		s := spec
		s.Positions = append(append([]string{}, spec.Positions...), files...)
		p, err := s.Load()
		if err != nil {
			return fmt.Errorf("%s's view: %w", pr.Name, err)
		}
		r, err := run(ctx, p, opt, false, nil)
		if err != nil {
			return fmt.Errorf("%s's view: %w", pr.Name, err)
		}
		for _, vr := range r.Parties {
			if vr.Name == pr.Name {
				vr.View = files
				res.Parties[i] = vr
			}
		}
	}
	res.Range = nil
	return settlementRange(res)
}
