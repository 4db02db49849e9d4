package compare

import (
	"math"
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

func party(r *Result, name string) *PartyRow {
	for i := range r.Parties {
		if r.Parties[i].Name == name {
			return &r.Parties[i]
		}
	}
	return nil
}

// A 1% change in the award moves the parties' certainty equivalents by
// far less than their standard errors; with every trial on both sides the
// paired test on the trials' influences finds it, the test from the two
// standard errors does not; reservation values are tested from theirs.
// With nothing changed, nothing is significant, and the comparison of a
// run with itself is exact.
func TestPartiesTested(t *testing.T) {
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
		p, w := party(paired, name), party(welch, name)
		if p.CETest != MeanPaired || w.CETest != MeanWelch || p.ReservationTest != MeanWelch {
			t.Fatalf("%s: tests %q %q %q", name, p.CETest, w.CETest, p.ReservationTest)
		}
		if !p.CESignif {
			t.Errorf("%s: the paired test misses a 1%% change in the award: CE %v → %v, p %v", name, p.CEOld, p.CENew, p.CEP)
		}
		if w.CESignif {
			t.Errorf("%s: from standard errors alone a 1%% change is significant (p %v): the test is too bold", name, w.CEP)
		}
		if pw, ww := float64(p.CEHi-p.CELo), float64(w.CEHi-w.CELo); !(pw < ww/5) {
			t.Errorf("%s: paired interval %v is not much narrower than Welch's %v", name, pw, ww)
		}
		if !(float64(p.CELo) <= float64(p.CEAbs) && float64(p.CEAbs) <= float64(p.CEHi)) {
			t.Errorf("%s: Δ CE %v outside its interval [%v, %v]", name, p.CEAbs, p.CELo, p.CEHi)
		}
	}
	same, err := Compare(FromResult("a", a), FromResult("a", a), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range same.Parties {
		if p.CESignif || p.ReservationSignif || p.CEP != 1 || p.CEAbs != 0 {
			t.Errorf("%s compared with itself: %+v", p.Name, p)
		}
	}
	for _, s := range same.Statistics {
		if !s.Identical || s.Significant {
			t.Errorf("statistic %s compared with itself: %+v", s.Name, s)
		}
	}
	if len(same.Statistics) != 2 {
		t.Errorf("%d statistics compared, want 2", len(same.Statistics))
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
	if p := party(changed, "supplier"); !p.CESignif {
		t.Errorf("supplier's CE: a 1%% change not found on the baseline's trials (p %v)", p.CEP)
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
	for _, p := range same.Parties {
		if p.CEP != 1 || p.CESignif {
			t.Errorf("%s unchanged: CE p %v", p.Name, p.CEP)
		}
	}
}

// Policies over parties and statistics: by name or for all ("*"), each
// with its own fields.
func TestPolicyPartiesAndStatistics(t *testing.T) {
	p, err := ParsePolicy("p.yaml", []byte(`
statistics:
  big_win: significant && abs(value_abs) > 0.01
parties:
  "*": ce_significant && abs(ce_abs) > £5m
  buyer: reservation_significant
`))
	if err != nil {
		t.Fatal(err)
	}
	fired, _ := p.EvalParty(&PartyRow{Name: "supplier", CESignif: true, CEAbs: -6e6})
	if len(fired) != 1 {
		t.Errorf("supplier: fired %q", fired)
	}
	fired, _ = p.EvalParty(&PartyRow{Name: "buyer", ReservationSignif: true, CEAbs: 1e6, CEP: Num(math.NaN())})
	if len(fired) != 1 || fired[0] != "reservation_significant" {
		t.Errorf("buyer: fired %q", fired)
	}
	fired, _ = p.EvalStatistic(&StatisticRow{Name: "big_win", Significant: true, Abs: -0.012})
	if len(fired) != 1 {
		t.Errorf("big_win: fired %q", fired)
	}
	fired, _ = p.EvalStatistic(&StatisticRow{Name: "other", Significant: true, Abs: -0.5})
	if len(fired) != 0 {
		t.Errorf("a statistic the policy does not name: fired %q", fired)
	}
	if err := p.CheckParties([]string{"supplier", "buyer"}); err != nil {
		t.Error(err)
	}
	if err := p.CheckStatistics([]string{"big_wins"}); err == nil || !strings.Contains(err.Error(), `p.yaml:3:3: policy names statistic "big_win", which is not a statistic of what is compared; did you mean big_wins?`) {
		t.Errorf("CheckStatistics: %v", err)
	}
	for _, tc := range []struct{ src, want string }{
		{"parties:\n  supplier: mean_rel > 0\n", "p.yaml:2:13: condition: unknown name mean_rel; a condition may use name, side, significant, ce_old"},
		{"statistics:\n  x: ce_abs > 0\n", "p.yaml:2:6: condition: unknown name ce_abs; a condition may use name, unit, significant, identical, p_value, value_old"},
		{"statistics:\n  x: value_abs\n", "p.yaml:2:6: condition: a condition must be true or false, not a number; compare it, as in value_rel > 0.02"},
		{"outputs:\n  \"*\": significant\n", `p.yaml:2:3: "*" is not an output; write the conditions for every output under fail_if`},
		{"parties: [a]\n", "p.yaml:1:10: parties must be a mapping from party names to conditions"},
	} {
		_, err := ParsePolicy("p.yaml", []byte(tc.src))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant %s…", tc.src, err, tc.want)
		}
	}
}

func reportOf(res *engine.Result) *report.Document { return report.New(res) }
