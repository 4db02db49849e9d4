package process_test

import (
	"bytes"
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/process"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/sampling"
	"github.com/settle-sim/settle/internal/longtest"
)

// run runs testdata/name with the scenario's seed and trials.
func run(t *testing.T, name string, spec engine.Spec, set func(*engine.Options)) *engine.Result {
	t.Helper()
	spec.Path = filepath.Join("testdata", name)
	p, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	opt := engine.Defaults(p)
	opt.Refits = 1 // TestEstimatorErrorFromRefits measures the error
	if set != nil {
		set(&opt)
	}
	res, err := engine.Run(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// column returns the values of the output called name.
func column(t *testing.T, res *engine.Result, name string) []float64 {
	t.Helper()
	for _, c := range res.Outputs {
		if c.Var.Name == name {
			return c.Values
		}
	}
	t.Fatalf("no output %s", name)
	return nil
}

func near(got, want, tol float64) bool { return math.Abs(got-want) <= tol }

const m = 1e6 // £1m

func TestCommonBeliefsSettleAtOnce(t *testing.T) {
	// Common beliefs, risk-neutral parties, costs above zero at every
	// stage, judgment a pure transfer (what one side gains the other
	// loses) and no discounting on either side: whatever each expects
	// from court, the other expects the same, so the settlement range
	// before each stage is as wide as the costs of that stage and of
	// what follows that settling saves. They settle at once, in every
	// trial, at payee_share (0.3) of the range.
	res := run(t, "common.yaml", engine.Spec{}, func(o *engine.Options) { o.Sensitivity = false })
	o := res.Process.Outcome
	if o.Opportunities[0].PSettle != 1 || o.PJudgment != 0 {
		t.Fatalf("P(settle at the first opportunity) = %g, P(judgment) = %g; want 1 and 0", o.Opportunities[0].PSettle, o.PJudgment)
	}
	for i, s := range column(t, res, "settlement_stage") {
		if s != 1 {
			t.Fatalf("trial %d settled at stage %g, want 1", i, s)
		}
	}
	fv := res.Process.Fit.FirstValues
	lo, hi := fv[0].Reservation, fv[1].Reservation
	// Both value the same settlement after the first stage; going on
	// costs the supplier £1m and the buyer £0.8m.
	if !near(hi-lo, 1.8*m, 1e-6*m) {
		t.Errorf("range before negotiation %.0f to %.0f, width %.0f; want £1.8m, the first stage's costs", lo, hi, hi-lo)
	}
	if want := lo + 0.3*(hi-lo); o.Figure.SD > 1e-6 || !near(o.Figure.Mean, want, 1e-6*m) {
		t.Errorf("figure %.0f ± %.3g, want %.0f in every trial", o.Figure.Mean, o.Figure.SD, want)
	}
}

func TestMutualOptimismWaitsForLiability(t *testing.T) {
	// The supplier believes liability at 0.8, the buyer at 0.2, on a
	// fixed claim of £100m: a gap of £60m in what each expects, more
	// than all the costs ahead. No settlement before liability is
	// revealed; once the trial reveals it, both know the award and
	// settle before enforcement, whose costs lie ahead.
	res := run(t, "optimism.yaml", engine.Spec{}, nil)
	o := res.Process.Outcome
	want := []float64{0, 0, 1}
	for i, op := range o.Opportunities {
		if op.PSettle != want[i] || op.PReach != 1 {
			t.Errorf("before %s: P(reach) %g, P(settle) %g; want 1 and %g", op.Stage, op.PReach, op.PSettle, want[i])
		}
	}
	fv := res.Process.Fit.FirstValues
	// The supplier expects 0.8 × £100m, less the £11m of negotiation
	// and trial; the buyer 0.2 × £100m plus its £11m; within 4 SE of
	// the pilot's frequency of liability (0.0044).
	if !near(fv[0].Reservation, 69*m, 0.44*m) || !near(fv[1].Reservation, 31*m, 0.44*m) {
		t.Errorf("reservation values %.0f and %.0f, want £69m and £31m", fv[0].Reservation, fv[1].Reservation)
	}
}

func TestLaterSettlementMakesSidesRefuseNow(t *testing.T) {
	// Valued as the court outcome alone, going on would be worth 60 −
	// 20.5 = £39.5m to the supplier and cost the buyer 40 + 20.5 =
	// £60.5m: they would settle before disclosure. Counting the
	// settlement both foresee once disclosure reveals liability, it is
	// worth £59.5m and costs £40.5m: no settlement before disclosure,
	// settlement at once after it.
	res := run(t, "later.yaml", engine.Spec{}, nil)
	o := res.Process.Outcome
	if o.Opportunities[0].PSettle != 0 || o.Opportunities[1].PSettle != 1 {
		t.Errorf("P(settle) before disclosure %g and before trial %g; want 0 and 1", o.Opportunities[0].PSettle, o.Opportunities[1].PSettle)
	}
	fv := res.Process.Fit.FirstValues
	// Liability's frequency in a pilot of 2^18 trials is within 4 SE
	// (0.0038) of 0.6 and 0.4: within £0.54m of the values.
	if !near(fv[0].Reservation, 59.5*m, 0.54*m) || !near(fv[1].Reservation, 40.5*m, 0.54*m) {
		t.Errorf("reservation values %.0f and %.0f, want £59.5m and £40.5m (court alone would give £39.5m and £60.5m)", fv[0].Reservation, fv[1].Reservation)
	}
}

// posterior is P(liable | signal) from the joint weights of (liable,
// signal): (1,1), (1,0), (0,1), (0,0).
func posterior(w [4]float64, signal bool) float64 {
	if signal {
		return w[0] / (w[0] + w[2])
	}
	return w[1] / (w[1] + w[3])
}

func TestRolledBackByHand(t *testing.T) {
	// Two stages with discrete reveals, rolled back by hand. Before
	// trial (each side has spent £1m, £20m of trial costs ahead):
	//   supplier: going on 100·P_s(L | s) − 21, settling F − 1,
	//             so it needs F ≥ 100·P_s(L | s) − 20;
	//   buyer:    going on −100·P_b(L | s) − 21, settling −F − 1,
	//             so it pays F ≤ 100·P_b(L | s) + 20.
	// Before mediation each side values going on as the settlement it
	// foresees after the signal, less £1m.
	sup := [4]float64{0.56, 0.14, 0.09, 0.21}
	buy := [4]float64{0.24, 0.06, 0.21, 0.49}
	figure := map[bool]float64{}
	for _, s := range []bool{true, false} {
		lo := 100*posterior(sup, s) - 20
		hi := 100*posterior(buy, s) + 20
		if lo > hi {
			t.Fatalf("the hand calculation has no range after signal %v", s)
		}
		figure[s] = (lo + 0.5*(hi-lo)) * m
	}
	pS := func(w [4]float64) float64 { return w[0] + w[2] } // P(signal)
	wantSup := pS(sup)*figure[true] + (1-pS(sup))*figure[false] - 1*m
	wantBuy := pS(buy)*figure[true] + (1-pS(buy))*figure[false] + 1*m

	// With a pilot of 100,000 trials the Latin hypercube gives each
	// (liable, signal) exactly its weight's share of trials: the fitted
	// values are the hand's, to rounding.
	res := run(t, "handroll.yaml", engine.Spec{}, func(o *engine.Options) { o.Pilot, o.PilotSampler = 100_000, sampling.LHS })
	fv := res.Process.Fit.FirstValues
	if !near(fv[0].Reservation, wantSup, 1e-6*m) || !near(fv[1].Reservation, wantBuy, 1e-6*m) {
		t.Errorf("before mediation: reservation values %.2f and %.2f, want %.2f and %.2f", fv[0].Reservation, fv[1].Reservation, wantSup, wantBuy)
	}
	// The policy before trial, at each signal.
	pol := res.Program.Policy()
	proc := res.Program.Process()
	for _, s := range []bool{true, false} {
		x := make([]float64, len(proc.State[1]))
		for j, f := range proc.State[1] {
			switch f.Name {
			case "signal":
				x[j] = map[bool]float64{true: 1}[s]
			case "elapsed_years":
				x[j] = 1
			default: // spent_supplier, spent_buyer
				x[j] = 1 * m
			}
		}
		ok, f := pol.Decide(1, x)
		if !ok || !near(f, figure[s], 1e-6*m) {
			t.Errorf("before trial with signal %v: settle %v at %.2f, want at %.2f", s, ok, f, figure[s])
		}
	}
	// What happens: no settlement before mediation, settlement before
	// trial in every trial, at the figure of its signal.
	o := res.Process.Outcome
	if o.Opportunities[0].PSettle != 0 || o.Opportunities[1].PSettle != 1 {
		t.Errorf("P(settle) %g and %g, want 0 and 1", o.Opportunities[0].PSettle, o.Opportunities[1].PSettle)
	}
	truth := [4]float64{0.4, 0.1, 0.15, 0.35}
	ps := pS(truth)
	want := ps*figure[true] + (1-ps)*figure[false]
	se := math.Abs(figure[true]-figure[false]) * math.Sqrt(ps*(1-ps)/float64(res.Trials))
	if !near(o.Figure.Mean, want, 4*se) {
		t.Errorf("mean figure %.0f, want %.0f ± %.0f", o.Figure.Mean, want, 4*se)
	}
}

func TestRiskAverseAveragesUtilities(t *testing.T) {
	// The supplier has exponential utility with risk tolerance R =
	// £30m; the buyer is risk-neutral; beliefs are common. Before
	// trial, given the signal s, the supplier's certainty equivalent of
	// going on is −R·log E[e^(−X/R) | s] with X = 100·L − 21 (£m); they
	// settle there at F(s). Before mediation going on is the gamble
	// F(s) − 1 over the signal: its certainty equivalent averages the
	// utilities, −R·log E[e^(−(F(s) − 1)/R)], which is less than the
	// average certainty equivalent E[F(s)] − 1.
	const r = 30.0
	w := [4]float64{0.4, 0.1, 0.15, 0.35}
	pSig := w[0] + w[2]
	figure := map[bool]float64{}
	for _, s := range []bool{true, false} {
		p := posterior(w, s)
		ce := -r * math.Log(p*math.Exp(-79/r)+(1-p)*math.Exp(21/r))
		lo, hi := ce+1, 100*p+20
		figure[s] = lo + 0.5*(hi-lo)
	}
	u := pSig*math.Exp(-(figure[true]-1)/r) + (1-pSig)*math.Exp(-(figure[false]-1)/r)
	wantSup := -r * math.Log(u)
	mean := pSig*figure[true] + (1-pSig)*figure[false]
	wantBuy := mean + 1

	res := run(t, "riskaverse.yaml", engine.Spec{}, func(o *engine.Options) { o.Pilot, o.PilotSampler = 100_000, sampling.LHS })
	fv := res.Process.Fit.FirstValues
	if !near(fv[0].Reservation, wantSup*m, 1e-6*m) || !near(fv[1].Reservation, wantBuy*m, 1e-6*m) {
		t.Errorf("reservation values %.4f and %.4f (£m), want %.4f (not the averaged certainty equivalents' %.4f) and %.4f",
			fv[0].Reservation/m, fv[1].Reservation/m, wantSup, mean-1, wantBuy)
	}
	o := res.Process.Outcome
	if o.Opportunities[0].PSettle != 1 {
		t.Errorf("P(settle before mediation) = %g, want 1", o.Opportunities[0].PSettle)
	}
	if want := wantSup + 0.5*(wantBuy-wantSup); !near(o.Figure.Mean, want*m, 1e-6*m) {
		t.Errorf("figure %.4f, want %.4f", o.Figure.Mean/m, want)
	}
}

func TestWhenAndSettleFalse(t *testing.T) {
	// The appeal happens in 40% of trials and no one may settle before
	// it: they settle before enforcement in every trial, at the final
	// award (equal enforcement costs), after 0.5 + 2 years, plus 1 where
	// the appeal is brought.
	res := run(t, "appeal.yaml", engine.Spec{}, func(o *engine.Options) { o.Sensitivity = false })
	o := res.Process.Outcome
	var stages []string
	for _, op := range o.Opportunities {
		stages = append(stages, op.Stage)
	}
	if got := strings.Join(stages, ","); got != "negotiation,trial,enforcement" {
		t.Errorf("opportunities before %s; want no chance to settle before the appeal", got)
	}
	if last := o.Opportunities[2]; last.PSettle != 1 || last.PReach != 1 {
		t.Errorf("before enforcement P(reach) %g P(settle) %g, want 1 and 1", last.PReach, last.PSettle)
	}
	years := column(t, res, "years_to_resolution")
	var appeals float64
	for _, y := range years {
		switch y {
		case 2.5:
		case 3.5:
			appeals++
		default:
			t.Fatalf("a dispute took %g years; want 2.5, or 3.5 with an appeal", y)
		}
	}
	n := float64(len(years))
	if p := appeals / n; !near(p, 0.4, 4*math.Sqrt(0.24/n)) {
		t.Errorf("appeals in %.4f of trials, want 0.4", p)
	}
	for _, c := range res.Outputs {
		if c.Var.Name == "figure_gap" && (c.Summary.N != len(years) || math.Abs(c.Summary.Min) > 1e-6 || math.Abs(c.Summary.Max) > 1e-6) {
			t.Errorf("settlement figure less award: %d trials from %g to %g; want 0 in every trial", c.Summary.N, c.Summary.Min, c.Summary.Max)
		}
	}

	// Open to settlement before the appeal, they settle there whenever
	// it is brought: liability is known and its outcome on appeal is
	// common belief.
	open := run(t, "appeal-open.yaml", engine.Spec{}, func(o *engine.Options) { o.Sensitivity = false })
	oo := open.Process.Outcome
	if a := oo.Opportunities[2]; a.Stage != "appeal" || !near(a.PSettle, appeals/n, 1e-12) || !near(a.PReach, a.PSettle, 1e-12) {
		t.Errorf("before the appeal: P(reach) %g, P(settle) %g; want both %g", a.PReach, a.PSettle, appeals/n)
	}
}

func TestByteIdenticalWhateverTheWorkers(t *testing.T) {
	var docs [][]byte
	for _, w := range []int{1, 2, 5} {
		res := run(t, "nested.yaml", engine.Spec{}, func(o *engine.Options) {
			o.Workers, o.Trials, o.Sensitivity, o.Pilot = w, 5000, true, 1<<14
		})
		var b bytes.Buffer
		if err := report.WriteJSON(&b, report.New(res)); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, b.Bytes())
	}
	for i := 1; i < len(docs); i++ {
		if !bytes.Equal(docs[0], docs[i]) {
			t.Fatalf("the documents of 1 and %d workers differ", []int{1, 2, 5}[i])
		}
	}
	if !bytes.Contains(docs[0], []byte(`"process"`)) {
		t.Error("the document has no process section")
	}
}

func TestFitErrors(t *testing.T) {
	for _, tc := range []struct{ name, settled, want string }{
		{"not affine", "settlement_figure * settlement_figure / £100m - spent_supplier", "not affine in the settlement figure"},
		{"both payees", "settlement_figure - spent_buyer", "both parties' settled outcomes rise"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			src := strings.Replace(mustRead(t, "testdata/optimism.yaml"), "buyer_settled: -settlement_figure - spent_buyer", "buyer_settled: "+tc.settled, 1)
			path := filepath.Join(dir, "s.yaml")
			writeFile(t, path, src)
			for _, v := range []string{"optimism-supplier.yaml", "optimism-buyer.yaml"} {
				writeFile(t, filepath.Join(dir, v), mustRead(t, filepath.Join("testdata", v)))
			}
			p, err := engine.Spec{Path: path}.Load()
			if err != nil {
				t.Fatal(err)
			}
			_, err = engine.Run(context.Background(), p, engine.Options{Trials: 100, Seed: 1, Pilot: 4096, Refits: 1})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one saying %q", err, tc.want)
			}
		})
	}
}

// The estimator's error, against exact values.

func TestBayesPosteriorOfRevealedSignal(t *testing.T) {
	// Before trial each side knows the signal s, whose distribution
	// depends on liability: its belief in liability is the posterior
	// π(s) = 1/(1 + (1 − p)/p · e^(−2s)) under its own prior p, and its
	// reservation value is 100·π_s(s) − 10 (supplier) or 100·π_b(s) +
	// 10 (buyer), £m. The fits must condition on the signal, not just
	// overwrite it: a fit that ignored what the signal says of liability
	// would be flat in s.
	res := run(t, "signal.yaml", engine.Spec{}, func(o *engine.Options) { o.Trials = 2000; o.Sensitivity = false })
	vals := res.Program.Policy().Valuations[1]
	proc := res.Program.Process()
	pi := func(p, s float64) float64 { return 1 / (1 + (1-p)/p*math.Exp(-2*s)) }
	for _, s := range []float64{-2, -1, -0.5, 0, 0.5, 1, 2} {
		x := make([]float64, len(proc.State[1]))
		for j, f := range proc.State[1] {
			switch f.Name {
			case "signal":
				x[j] = s
			case "elapsed_years":
				x[j] = 1
			default:
				x[j] = 1 * m
			}
		}
		for i, want := range []float64{100*pi(0.7, s) - 10, 100*pi(0.3, s) + 10} {
			r, _ := vals[i].At(x)
			se := make([]float64, 3)
			vals[i].Fit.PredictSE(x, se)
			// The reservation value is (going on − settled at 0) / 1;
			// the settled part is exact, so its error is going on's.
			if !near(r/m, want, 4*se[0]/m+0.05) {
				t.Errorf("party %d at signal %g: reservation %.3f, want %.3f ± %.3f (£m)", i, s, r/m, want, 4*se[0]/m)
			}
		}
	}
}

// nestedGoingOn estimates by nested Monte Carlo what party i of q (its
// beliefs) ends with if it does not settle at stage st's opportunity,
// given the revealed input name pinned at value: inner trials follow
// pol at every later opportunity. Pinning is conditioning here because
// the input is independent of every other.
func nestedGoingOn(t *testing.T, q *model.Program, pol *model.Policy, i, st int, name string, value float64, n int) (mean, se float64) {
	t.Helper()
	q, err := q.Pin(name, value)
	if err != nil {
		t.Fatal(err)
	}
	proc := q.Process()
	s := q.NewState()
	party := q.Parties[i]
	var sum, sq float64
	for trial := range n {
		if err := q.EvalTimeline(s, 12345, trial); err != nil {
			t.Fatal(err)
		}
		out := math.NaN()
		for k := st + 1; k < len(proc.Stages); k++ {
			if proc.State[k] == nil || !s.Happens(k) {
				continue
			}
			x := q.StateAt(s, k, make([]float64, len(proc.State[k])))
			if ok, f := pol.Decide(k, x); ok {
				if err := q.EndAt(s, k, f); err != nil {
					t.Fatal(err)
				}
				out = s.Slots[party.Settled.Slot]
				break
			}
		}
		if math.IsNaN(out) {
			if err := q.EndAt(s, len(proc.Stages), 0); err != nil {
				t.Fatal(err)
			}
			out = s.Slots[party.Court.Slot]
		}
		sum += out
		sq += out * out
	}
	mean = sum / float64(n)
	return mean, math.Sqrt((sq/float64(n) - mean*mean) / float64(n))
}

func TestContinuousRevealAgainstNestedMonteCarlo(t *testing.T) {
	// Before trial each side knows quantum. Going on, it foresees a
	// settlement before enforcement only where the award is small
	// enough that the sides' disagreement about recovery is worth less
	// than enforcement's costs: its value bends with quantum. At each of
	// several quanta, the fitted value of going on is compared with a
	// nested Monte Carlo estimate: 5,000 inner trials (100,000 with
	// SETTLE_LONG=1) with quantum held
	// there, the rest drawn on the party's own beliefs and the fitted
	// policy followed at the later opportunity.
	res := run(t, "nested.yaml", engine.Spec{}, func(o *engine.Options) { o.Trials = 2000; o.Sensitivity = false })
	inner := 5000
	if longtest.Enabled() {
		inner = 100_000
	}
	p := res.Program
	pol := p.Policy()
	proc := p.Process()
	for i := range p.Parties {
		q := p
		if v := p.Views()[i]; v != nil {
			q = v
		}
		for _, qu := range []float64{0.25, 0.4, 0.55, 0.7} {
			x := make([]float64, len(proc.State[1]))
			for j, f := range proc.State[1] {
				switch f.Name {
				case "quantum":
					x[j] = qu
				case "elapsed_years":
					x[j] = 0.5
				default:
					x[j] = 1 * m
				}
			}
			_, goingOn := pol.Valuations[1][i].At(x)
			se := make([]float64, 3)
			pol.Valuations[1][i].Fit.PredictSE(x, se)
			mean, nse := nestedGoingOn(t, q, pol, i, 1, "quantum", qu, inner)
			tol := 4 * math.Hypot(se[0], nse)
			if !near(goingOn, mean, tol) {
				t.Errorf("%s at quantum %g: fitted value of going on %.3f, nested %.3f ± %.3f (£m)", p.Parties[i].Name, qu, goingOn/m, mean/m, tol/m)
			}
		}
	}
}

func TestEstimatorErrorFromRefits(t *testing.T) {
	// The refits' spread is reported with the values it qualifies.
	res := run(t, "signal.yaml", engine.Spec{}, func(o *engine.Options) { o.Trials = 1000; o.Sensitivity = false; o.Refits = 0 })
	fit := res.Process.Fit
	if fit.Refits != engine.DefaultRefits {
		t.Fatalf("refits %d, want %d", fit.Refits, engine.DefaultRefits)
	}
	for i, v := range fit.FirstValues {
		if !(v.ReservationSE > 0) || v.ReservationSE > 2*m {
			t.Errorf("party %d: reservation SE %g; want a positive figure well under the values' scale", i, v.ReservationSE)
		}
	}
	_ = process.DefaultPilot
}

// TestRefitErrorIsTheSpread checks the reported estimator error against
// the spread of the first opportunity's reservation values over fits on
// independent pilots (10 seeds): their ratio is about 1, within what 4
// refits (about ±40%) and 10 fits (about ±25%) allow.
func TestRefitErrorIsTheSpread(t *testing.T) {
	spec := engine.Spec{Path: filepath.Join("testdata", "signal.yaml")}
	p, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	const fits = 10
	var vals, ses [2][]float64
	for seed := range uint64(fits) {
		fit, err := process.FitPolicy(context.Background(), p, p.Views(), process.Options{Seed: 100 + seed, Pilot: 1 << 15, Refits: 4})
		if err != nil {
			t.Fatal(err)
		}
		for i, v := range fit.FirstValues {
			vals[i] = append(vals[i], v.Reservation)
			ses[i] = append(ses[i], v.ReservationSE)
		}
	}
	for i := range vals {
		mean, sd := 0.0, 0.0
		for _, v := range vals[i] {
			mean += v / fits
		}
		for _, v := range vals[i] {
			sd += (v - mean) * (v - mean) / (fits - 1)
		}
		sd = math.Sqrt(sd)
		rms := 0.0
		for _, s := range ses[i] {
			rms += s * s / fits
		}
		rms = math.Sqrt(rms)
		if ratio := rms / sd; !(ratio > 0.5 && ratio < 2) {
			t.Errorf("%s: reported error £%.3fm (root mean square), spread over %d pilots £%.3fm: ratio %.2f, want about 1", p.Parties[i].Name, rms/m, fits, sd/m, ratio)
		} else {
			t.Logf("%s: reported £%.3fm, spread £%.3fm", p.Parties[i].Name, rms/m, sd/m)
		}
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func writeFile(t *testing.T, path, src string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestFollowedPinIsFullEvaluation checks what the tornado's held runs
// rest on in a scenario with stages: a pinned program that follows the
// scenario's own (evaluating again only the inputs the pin moves, then
// the process, taking the scenario's decisions where the pin cannot
// move them) gives, in every trial, the bits of the pinned program
// evaluated in full, for every input of the reference case.
func TestFollowedPinIsFullEvaluation(t *testing.T) {
	spec := engine.Spec{Path: filepath.Join("..", "..", "scenarios", "reference.yaml")}
	p, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	opt := engine.Defaults(p)
	opt.Trials, opt.Pilot, opt.Refits, opt.Sensitivity = 1000, 1<<14, 1, false
	res, err := engine.Run(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	p = res.Program // deciding by the fitted policy
	base := p.NewState()
	if len(res.Inputs) < 20 {
		t.Fatalf("%d inputs; the reference case has more", len(res.Inputs))
	}
	for _, c := range res.Inputs {
		in := c.Var
		for _, at := range []float64{c.Summary.Quantiles[2], c.Summary.Quantiles[6]} { // p10, p90
			q, err := p.Pin(in.Name, at)
			if err != nil {
				t.Fatal(err)
			}
			fq, err := q.Follow(p, []string{in.Name}, p.Outputs)
			if err != nil {
				t.Fatalf("%s: %v", in.Name, err)
			}
			full, followed := q.NewState(), fq.NewState()
			followed.Follow(base)
			for trial := range 1000 {
				for _, e := range []struct {
					q *model.Program
					s *model.State
				}{{p, base}, {q, full}, {fq, followed}} {
					if err := e.q.Eval(e.s, opt.Seed, trial); err != nil {
						t.Fatal(err)
					}
				}
				for _, v := range p.Vars {
					a, b := full.Slots[v.Slot], followed.Slots[v.Slot]
					if math.Float64bits(a) != math.Float64bits(b) && !(math.IsNaN(a) && math.IsNaN(b)) {
						t.Fatalf("%s held at %g, trial %d: %s is %v followed, %v in full", in.Name, at, trial, v.Name, b, a)
					}
				}
			}
		}
	}
}
