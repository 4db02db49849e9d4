package compare

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/samples"
	"github.com/settle-sim/settle/engine/scenario"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// small is a cheap scenario with an amount of money, a skewed amount, a
// true/false output and a probability. shift scales the outcome.
const small = `name: small
seed: 1
trials: 20000
inputs:
  claim: pert(£400m, £600m, £700m)
  p_win:
    value: beta(4, 6)
    unit: probability
  win: bernoulli(p_win)
  costs: lognormal(16, 0.5)
  shift: 1
rules:
  award: "(win ? claim * 0.5 : 0) * shift"
  net: award - costs
outputs: [award, net, win, p_win, costs]
`

func writeScenario(t testing.TB, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "small.yaml")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func run(t testing.TB, path string, trials int, seed uint64, set ...engine.Setting) *engine.Result {
	t.Helper()
	p, err := engine.Load(path, set...)
	if err != nil {
		t.Fatal(err)
	}
	res, err := engine.Run(context.Background(), p, engine.Options{Trials: trials, Seed: seed})
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func significant(r *Result) []string {
	var names []string
	for _, w := range r.Outputs {
		if w.Significant {
			names = append(names, w.Name)
		}
	}
	return names
}

// Two runs with the same seed are the same: nothing is significant and
// every output is identical, from documents and from samples.
func TestSameSeedNoDifference(t *testing.T) {
	path := writeScenario(t, small)
	a, b := run(t, path, 20000, 7), run(t, path, 20000, 7)
	for name, sides := range map[string][2]*Side{
		"documents": {FromDocument("a", report.New(a)), FromDocument("b", report.New(b))},
		"samples":   {FromResult("a", a), FromResult("b", b)},
	} {
		r, err := Compare(sides[0], sides[1], Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(r.Outputs) != 5 || len(r.NotCompared) != 0 || len(r.Notes) != 0 {
			t.Errorf("%s: %d outputs, not compared %v, notes %v", name, len(r.Outputs), r.NotCompared, r.Notes)
		}
		for _, w := range r.Outputs {
			if w.Significant || !w.Identical || w.MeanAbs != 0 || w.PAdj != 1 {
				t.Errorf("%s: %s: significant %v identical %v Δ %v p %v", name, w.Name, w.Significant, w.Identical, w.MeanAbs, w.PAdj)
			}
		}
	}
}

// A shift of 2% in the mean of an output is found at 200k trials: from
// documents alone with a different seed (Welch), from samples with a
// different seed (Welch and KS), and from samples with the same seed
// (paired). The outputs it does not touch are not flagged.
func TestPlantedShift(t *testing.T) {
	if testing.Short() {
		t.Skip("200k trials")
	}
	// award's coefficient of variation is about 1.2, so at 200k trials
	// its mean is known to ±0.27% (1 se); 2% is about 5.2 se of the
	// difference with independent seeds (power above 99% after Holm's
	// correction over the five outputs; at 1%, 2.6 se, a test would pass
	// or fail with the seed), and award is zero in 60% of trials, which
	// makes this the hard case. Planting on a quantity with
	// cv 0.3 instead, as net's costs, is an easy one.
	path := writeScenario(t, strings.Replace(small, "outputs: [award, net, win, p_win, costs]",
		"outputs: [award, win, p_win, costs, claim]", 1))
	const n = 200_000
	base := run(t, path, n, 11)
	same := run(t, path, n, 11, engine.Setting{Name: "shift", Value: "1.02"})
	other := run(t, path, n, 12, engine.Setting{Name: "shift", Value: "1.02"})
	for _, tc := range []struct {
		name     string
		old, new *Side
		test     string
	}{
		{"paired, same seed", FromResult("old", base), FromResult("new", same), MeanPaired},
		{"documents, same seed", FromDocument("old", report.New(base)), FromDocument("new", report.New(same)), MeanWelch},
		{"samples, other seed", FromResult("old", base), FromResult("new", other), MeanWelch},
		{"documents, other seed", FromDocument("old", report.New(base)), FromDocument("new", report.New(other)), MeanWelch},
	} {
		r, err := Compare(tc.old, tc.new, Options{})
		if err != nil {
			t.Fatal(err)
		}
		w := r.Outputs[0]
		t.Logf("%s: award Δ%% %.3f%% CI [%.4g, %.4g] p %.3g (%s, %s)", tc.name, 100*float64(w.MeanRel), float64(w.MeanLo), float64(w.MeanHi), float64(w.PAdj), w.MeanTest, w.DistTest)
		if w.MeanTest != tc.test {
			t.Errorf("%s: test %s, want %s", tc.name, w.MeanTest, tc.test)
		}
		if got := strings.Join(significant(r), ","); got != "award" && !(tc.name == "documents, same seed" && got == "") {
			t.Errorf("%s: significant: %q, want award", tc.name, got)
		}
	}

	// The planted shift on a well-behaved quantity, with documents only
	// and independent seeds: claim (cv ≈ 0.1) scaled by 1.01.
	a := run(t, path, n, 21)
	b := run(t, path, n, 22, engine.Setting{Name: "claim", Value: "pert(£404m, £606m, £707m)"})
	r, err := Compare(FromDocument("a", report.New(a)), FromDocument("b", report.New(b)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	sig := significant(r)
	if !slices.Contains(sig, "claim") || slices.Contains(sig, "p_win") || slices.Contains(sig, "win") || slices.Contains(sig, "costs") {
		t.Errorf("claim +1%%: significant %q, want claim and perhaps award", sig)
	}
}

// Two runs of the same scenario with different seeds are flagged as
// significantly different in about 5 of 100 comparisons (the tests'
// familywise level), with samples (paired tests do not apply: Welch and
// KS) and with documents. The count of false alarms in 100 is then
// binomial(100, 0.05): at most 12 but for one seed in 700, where a test
// at 10% or more would exceed it more often than not.
func TestFalseAlarmRate(t *testing.T) {
	if testing.Short() {
		t.Skip("200 runs")
	}
	path := writeScenario(t, small)
	p, err := engine.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	flaggedSamples, flaggedDocs := 0, 0
	const reps = 100
	for i := range reps {
		a, err := engine.Run(context.Background(), p, engine.Options{Trials: 20000, Seed: uint64(1000 + 2*i)})
		if err != nil {
			t.Fatal(err)
		}
		b, err := engine.Run(context.Background(), p, engine.Options{Trials: 20000, Seed: uint64(1001 + 2*i)})
		if err != nil {
			t.Fatal(err)
		}
		rs, err := Compare(FromResult("a", a), FromResult("b", b), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(significant(rs)) > 0 {
			flaggedSamples++
		}
		rd, err := Compare(FromDocument("a", report.New(a)), FromDocument("b", report.New(b)), Options{})
		if err != nil {
			t.Fatal(err)
		}
		if len(significant(rd)) > 0 {
			flaggedDocs++
		}
	}
	t.Logf("false alarms in %d comparisons of 5 outputs: %d with samples (Welch+KS), %d with documents (Welch)", reps, flaggedSamples, flaggedDocs)
	if flaggedSamples > 12 || flaggedDocs > 12 {
		t.Errorf("false alarms: %d with samples, %d with documents; want at most 12 of %d each", flaggedSamples, flaggedDocs, reps)
	}
}

// Apples and oranges: outputs on one side only and outputs whose unit
// or type differ are listed, not compared; seeds and trial counts that
// differ are reported.
func TestMismatches(t *testing.T) {
	a := run(t, writeScenario(t, small), 2000, 1)
	changed := strings.NewReplacer(
		"  costs: lognormal(16, 0.5)", "  costs:\n    value: lognormal(16, 0.5)\n    unit: days",
		"outputs: [award, net, win, p_win, costs]", "outputs: [award, win, p_win, costs, claim]",
		"    unit: probability", "    unit: fraction",
		"  win: bernoulli(p_win)", "  win: uniform(0, 1)",
		"(win ? claim", "(win < p_win ? claim",
	).Replace(small)
	b := run(t, writeScenario(t, changed), 3000, 2)
	r, err := Compare(FromDocument("a", report.New(a)), FromDocument("b", report.New(b)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range r.NotCompared {
		got = append(got, m.Name+": "+m.Reason)
	}
	want := "win: true/false in old, number in new|p_win: unit probability in old, fraction in new|costs: unit none in old, days in new|claim: only in new|net: only in old"
	if strings.Join(got, "|") != want {
		t.Errorf("not compared:\n%s\nwant\n%s", strings.Join(got, "|"), want)
	}
	if notes := strings.Join(r.Notes, "|"); notes != "different seeds: 1 old, 2 new|different trial counts: 2000 old, 3000 new" {
		t.Errorf("notes: %s", notes)
	}
	if len(r.Outputs) != 1 {
		t.Errorf("compared %d outputs, want award only", len(r.Outputs))
	}

	// Nothing in common.
	only := run(t, writeScenario(t, strings.Replace(small, "outputs: [award, net, win, p_win, costs]", "outputs: [claim]", 1)), 100, 1)
	if _, err := Compare(FromDocument("a", report.New(a)), FromDocument("b", report.New(only)), Options{}); err != ErrNothingInCommon {
		t.Errorf("nothing in common: error %v", err)
	}
}

// Samples written to a file and read back compare as the run itself.
func TestFromSamplesFile(t *testing.T) {
	path := writeScenario(t, small)
	a, b := run(t, path, 5000, 3), run(t, path, 5000, 3, engine.Setting{Name: "shift", Value: "1.2"})
	var buf bytes.Buffer
	if err := samples.Write(&buf, samples.FromResult(a)); err != nil {
		t.Fatal(err)
	}
	set, err := samples.Read(&buf, "a.samples")
	if err != nil {
		t.Fatal(err)
	}
	fromFile, err := Compare(FromSamples("a.samples", set), FromResult("b", b), Options{})
	if err != nil {
		t.Fatal(err)
	}
	direct, err := Compare(FromResult("a", a), FromResult("b", b), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var x, y bytes.Buffer
	fromFile.Old.File = "a"
	WriteJSON(&x, fromFile)
	WriteJSON(&y, direct)
	if x.String() != y.String() {
		t.Errorf("comparison from the samples file differs from the run's:\n%s\n%s", x.String(), y.String())
	}
	if fromFile.Outputs[0].MeanTest != MeanPaired || fromFile.Outputs[0].DistTest != DistKS {
		t.Errorf("tests %s %s", fromFile.Outputs[0].MeanTest, fromFile.Outputs[0].DistTest)
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file; run go test ./engine/compare -update if the change is intended\ngot:\n%s", name, got)
	}
}

// doc builds a result document by hand, so that the rendering tests do
// not depend on the engine's random numbers.
func doc(name string, seed uint64, vars ...report.Var) *report.Document {
	return &report.Document{Version: "0.1.0", Scenario: report.Scenario{Name: name}, Seed: seed, Trials: 200000, Outputs: vars}
}

func gbp(name string, mean, se, p5, p50, p95 float64) report.Var {
	return report.Var{Name: name, Type: "number", Unit: "GBP", Mean: mean, SE: se, SD: se * 447.2,
		Quantiles: report.Quantiles{p5 - 1, p5, p5 + 1, p50 - 1, p50, p50 + 1, p95 - 1, p95, p95 + 1}}
}

func share(name, typ, unit string, mean, se float64) report.Var {
	return report.Var{Name: name, Type: typ, Unit: unit, Mean: mean, SE: se, SD: se * 447.2,
		Quantiles: report.Quantiles{0, mean - 0.2, 0, 0, mean, 0, 0, mean + 0.2, 1}}
}

// The Markdown and text renderings of a comparison of documents, with a
// failing policy, mismatches and notes.
func TestRenderGolden(t *testing.T) {
	oldDoc := doc("Termination compensation, reference case", 20080527,
		gbp("supplier_net", 3.5e6, 171.9e3, -146.5e6, 7.5e6, 129.0e6),
		gbp("buyer_cost", 26.5e6, 168.7e3, -98.6e6, 24.3e6, 174.2e6),
		share("settles", "bool", "", 0.798, 0.0009),
		gbp("court_award", 180e6, 400e3, 0, 150e6, 420e6),
		share("p_liability", "number", "probability", 0.40, 0.0003),
		gbp("legal_costs", 12e6, 10e3, 5e6, 11e6, 20e6),
	)
	newDoc := doc("Termination compensation, reference case", 20080528,
		gbp("supplier_net", 4.1e6, 172.0e3, -146.0e6, 8.3e6, 131.0e6),
		gbp("buyer_cost", 26.4e6, 168.9e3, -98.0e6, 24.3e6, 174.0e6),
		share("settles", "bool", "", 0.781, 0.0009),
		gbp("court_award", 180e6, 400e3, 0, 150e6, 420e6),
		share("p_liability", "number", "fraction", 0.40, 0.0003),
		gbp("interest", 1e6, 1e3, 0, 1e6, 2e6),
	)
	// The new side is the buyer's view, with an offer: its heading says so.
	newDoc.Scenario.Positions = []scenario.Position{{Path: "../rules/positions/buyer.yaml"}}
	newDoc.Offer = "£120m"
	oldDoc.Parties = []report.Party{
		{Name: "supplier", Side: "payee", Net: report.Outcome{Output: "supplier_net", CE: -7.3e6, CESE: 0.5e6}, Reservation: 94.2e6, ReservationSE: 0.8e6},
		{Name: "buyer", Side: "payer", Net: report.Outcome{Output: "buyer_cost", CE: -25.4e6}, Reservation: 156.2e6},
	}
	newDoc.Parties = []report.Party{
		{Name: "supplier", Side: "payee", Net: report.Outcome{Output: "supplier_net", CE: -14.0e6, CESE: 0.5e6}, Reservation: 90.1e6, ReservationSE: 2.5e6},
	}
	f := func(x float64) *float64 { return &x }
	oldDoc.Statistics = report.Statistics{
		{Name: "big_win", Expr: "P(supplier_net > £50m)", Unit: "probability", Value: f(0.231), SE: f(0.0009), N: 200000},
		{Name: "award_if_liable", Expr: "mean(court_award | liability)", Unit: "GBP", Value: f(291e6), SE: f(0.6e6), N: 79812},
		{Name: "gone", Expr: "p5(buyer_cost)", Unit: "GBP", Value: f(-98e6), SE: f(0.4e6), N: 200000},
	}
	newDoc.Statistics = report.Statistics{
		{Name: "big_win", Expr: "P(supplier_net > £50m)", Unit: "probability", Value: f(0.219), SE: f(0.0009), N: 200000},
		{Name: "award_if_liable", Expr: "mean(court_award | liability)", Unit: "GBP", Value: f(291.4e6), SE: f(0.6e6), N: 79790},
	}
	old := FromDocument("scenarios/baselines/reference.json", oldDoc)
	nw := FromDocument("scenarios/reference.yaml", newDoc)
	nw.Version = "0.2.0"
	pol, err := ParsePolicy("policy.yaml", []byte(`fail_if: significant && abs(mean_rel) > 0.1
outputs:
  settles: significant && abs(mean_abs) > 0.01
  statistics.big_win: significant && abs(mean_abs) > 0.01
  parties.supplier.ce: significant && abs(mean_abs) > £5m
`))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Compare(old, nw, Options{Policy: pol})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Failed {
		t.Errorf("policy did not fail")
	}
	for _, f := range []struct {
		name  string
		write func(*bytes.Buffer) error
	}{
		{"compare.golden.md", func(b *bytes.Buffer) error { return WriteMarkdown(b, r) }},
		{"compare.golden.txt", func(b *bytes.Buffer) error { return WriteText(b, r) }},
		{"compare.golden.csv", func(b *bytes.Buffer) error { return WriteCSV(b, r) }},
	} {
		var b bytes.Buffer
		if err := f.write(&b); err != nil {
			t.Fatal(err)
		}
		golden(t, f.name, b.Bytes())
	}
	var b bytes.Buffer
	if err := WriteJSON(&b, r); err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Failed  bool
		Outputs []map[string]any
		Figures []map[string]any
		New     map[string]any
	}
	if err := json.Unmarshal(b.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range doc.Figures {
		names = append(names, f["name"].(string))
	}
	if want := []string{"statistics.big_win", "statistics.award_if_liable", "parties.supplier.ce", "parties.supplier.reservation"}; !slices.Equal(names, want) {
		t.Errorf("figures %q, want %q", names, want)
	}
	if doc.New["offer"] != "£120m" || doc.New["positions"] == nil {
		t.Errorf("JSON: the new side does not say what made it: %v", doc.New)
	}
	for _, k := range []string{"mean_rel", "mean_abs", "p5_rel", "p50_rel", "p95_rel", "significant", "mean_lo", "mean_hi", "p_adjusted", "mean_test", "fired"} {
		if _, ok := doc.Outputs[2][k]; !ok || !doc.Failed {
			t.Errorf("JSON: no %s in %v", k, doc.Outputs[2])
		}
	}
}

// The rendering of a comparison of samples: paired test and KS.
func TestRenderSamplesGolden(t *testing.T) {
	const n = 10000
	set := func(shift float64) *samples.Set {
		s := &samples.Set{Header: samples.Header{Scenario: "samples", Seed: 3, HasSeed: true, Trials: n, SettleVersion: "0.1.0"}}
		a := &samples.Column{ColumnHeader: samples.ColumnHeader{Name: "net", Section: samples.Output, Type: "number", Unit: "GBP"}}
		b := &samples.Column{ColumnHeader: samples.ColumnHeader{Name: "count", Section: samples.Output, Type: "number"}}
		for i := range n {
			x := float64((i * 7919) % 1000)
			a.Values = append(a.Values, x*1e5+shift*float64(i%3)*1e5)
			b.Values = append(b.Values, float64((i*104729)%500))
		}
		s.Columns = []*samples.Column{a, b}
		return s
	}
	r, err := Compare(FromSamples("old.samples", set(0)), FromSamples("new.samples", set(2)), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := WriteMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	golden(t, "compare_samples.golden.md", b.Bytes())
}
