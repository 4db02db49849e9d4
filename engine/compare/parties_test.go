package compare

import (
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/samples"
)

// dispute is a small scenario with two parties and a settlement figure.
const dispute = `name: dispute
seed: 1
trials: 20000
inputs:
  claim: pert(£400m, £600m, £700m)
  win: bernoulli(0.4)
  costs: uniform(£10m, £20m)
  figure: £100m
  shift: 1
rules:
  court: "(win ? claim * 0.5 * shift : 0) - costs"
  settled: figure - costs * 0.2
  payer_court: "-(win ? claim * 0.5 * shift : 0) - costs"
  payer_settled: -figure - costs * 0.2
outputs: [court, settled, payer_court, payer_settled]
parties:
  supplier: {net: court, court: court, settled: settled, risk_tolerance: £250m}
  buyer: {net: payer_court, court: payer_court, settled: payer_settled, risk_tolerance: neutral}
settlement:
  figure: figure
statistics:
  big_win: P(court > £200m)
  award_if_won: mean(court | win)
`

func figure(r *Result, name string) *Row {
	for _, w := range r.Figures {
		if w.Name == name {
			return w
		}
	}
	return nil
}

// A 1% change in the award moves the parties' certainty equivalents by
// far less than their standard errors; with every trial on both sides the
// paired test on the trials' influences finds it (figure
// parties.NAME.ce), the test from the two standard errors does not;
// reservation values are tested from theirs. With nothing changed,
// nothing is significant, and the statistics are identical.
func TestPartyAndStatisticFigures(t *testing.T) {
	path := writeScenario(t, dispute)
	a, b := run(t, path, 20000, 5), run(t, path, 20000, 5, engine.Setting{Name: "shift", Value: "1.01"})
	paired, err := Compare(FromResult("a", a), FromResult("b", b), Options{})
	if err != nil {
		t.Fatal(err)
	}
	welch, err := Compare(FromDocument("a", reportOf(a)), FromDocument("b", reportOf(b)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"supplier", "buyer"} {
		p, w := figure(paired, "parties."+name+".ce"), figure(welch, "parties."+name+".ce")
		res := figure(paired, "parties."+name+".reservation")
		if p == nil || w == nil || res == nil {
			t.Fatalf("%s: figures %v", name, paired.Figures)
		}
		if p.MeanTest != MeanPaired || w.MeanTest != MeanZ || res.MeanTest != MeanZ {
			t.Fatalf("%s: tests %q %q %q", name, p.MeanTest, w.MeanTest, res.MeanTest)
		}
		if !p.Significant {
			t.Errorf("%s: the paired test misses a 1%% change in the award: CE %v → %v, p %v", name, p.Old.Mean, p.New.Mean, p.PAdj)
		}
		if w.Significant {
			t.Errorf("%s: from standard errors alone a 1%% change is significant (p %v): the test is too bold", name, w.PAdj)
		}
		if pw, ww := float64(p.MeanHi-p.MeanLo), float64(w.MeanHi-w.MeanLo); !(pw < ww/5) {
			t.Errorf("%s: paired interval %v is not much narrower than the z-test's %v", name, pw, ww)
		}
		if !(float64(p.MeanLo) <= float64(p.MeanAbs) && float64(p.MeanAbs) <= float64(p.MeanHi)) {
			t.Errorf("%s: Δ CE %v outside its interval [%v, %v]", name, p.MeanAbs, p.MeanLo, p.MeanHi)
		}
	}
	same, err := Compare(FromResult("a", a), FromResult("a", a), Options{})
	if err != nil {
		t.Fatal(err)
	}
	stats := 0
	for _, w := range same.Figures {
		if w.Significant || w.MeanAbs != 0 || !w.Identical {
			t.Errorf("%s compared with itself: %+v", w.Name, w)
		}
		if strings.HasPrefix(w.Name, "statistics.") {
			stats++
		}
	}
	if stats != 2 {
		t.Errorf("%d statistics compared, want 2", stats)
	}
}

// A baseline keeps only its first trials, rounded: the paired tests pair
// those with the new run's first trials, rounded alike, and still find a
// 1% change in means and certainty equivalents, while an unchanged run
// differs by exactly nothing.
func TestPairedOnBaselinePrefix(t *testing.T) {
	path := writeScenario(t, dispute)
	a, b := run(t, path, 20000, 5), run(t, path, 20000, 5, engine.Setting{Name: "shift", Value: "1.01"})
	prefix := func(res *engine.Result) *Side {
		s := FromDocument("baseline", reportOf(res))
		s.Samples, s.Bits, s.Sampled = map[string][]float64{}, samples.BaselineBits, true
		for _, c := range res.Outputs {
			vs := make([]float64, 4000)
			for i := range vs {
				vs[i] = samples.Round(c.Values[i], samples.BaselineBits)
			}
			s.Samples[c.Var.Name] = vs
		}
		return s
	}
	changed, err := Compare(prefix(a), FromResult("b", b), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range changed.Outputs {
		if w.MeanTest != MeanPaired {
			t.Errorf("%s: %s test on a baseline with samples", w.Name, w.MeanTest)
		}
		moved := strings.HasPrefix(w.Name, "court") || strings.HasPrefix(w.Name, "payer_court")
		if moved != w.Significant {
			t.Errorf("%s: significant %v (p %v), want %v", w.Name, w.Significant, w.PAdj, moved)
		}
	}
	if w := figure(changed, "parties.supplier.ce"); w.MeanTest != MeanPaired || !w.Significant {
		t.Errorf("supplier's CE: a 1%% change not found on the baseline's trials (%s, p %v)", w.MeanTest, w.PAdj)
	}
	same, err := Compare(prefix(a), FromResult("a", a), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range same.Outputs {
		if w.MeanAbs != 0 || w.MeanP != 1 || w.Significant {
			t.Errorf("%s unchanged: Δ %v, p %v", w.Name, w.MeanAbs, w.MeanP)
		}
	}
	if w := figure(same, "parties.supplier.ce"); w.MeanP != 1 || w.Significant {
		t.Errorf("supplier's CE unchanged: p %v", w.MeanP)
	}
}

// Policies judge statistics and parties' figures by name, or all figures
// by figures:.
func TestPolicyStatisticAndPartyFigures(t *testing.T) {
	p, err := ParsePolicy("p.yaml", []byte(`
outputs:
  statistics.big_win: significant && abs(mean_abs) > 0.01
  parties.buyer.reservation: significant
figures: significant && abs(mean_rel) > 0.5
`))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		row  Row
		want int
	}{
		{Row{Name: "statistics.big_win", Significant: true, MeanAbs: -0.012}, 1},
		{Row{Name: "statistics.big_win", Significant: true, MeanAbs: -0.002, MeanRel: -0.9}, 0},
		{Row{Name: "parties.buyer.reservation", Significant: true}, 1},
		{Row{Name: "parties.supplier.ce", Significant: true, MeanRel: 0.6}, 1},
		{Row{Name: "statistics.other", Significant: true, MeanRel: 0.1}, 0},
	} {
		fired, err := p.EvalFigure(&tc.row)
		if err != nil {
			t.Fatal(err)
		}
		if len(fired) != tc.want {
			t.Errorf("%s: fired %q", tc.row.Name, fired)
		}
	}
	if err := p.CheckOutputs([]string{"net"}); err != nil {
		t.Errorf("figure names are not outputs to check: %v", err)
	}
}

func reportOf(res *engine.Result) *report.Document { return report.New(res) }
