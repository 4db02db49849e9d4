package compare

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/report"
)

// withFigures is a document with a party's value of information and an
// output's Sobol' indices.
func withFigures(evpi, claim, total float64) *report.Document {
	d := doc("figures", 1, gbp("net", 10e6, 1e5, -5e6, 9e6, 30e6))
	d.VOI = report.VOI{{Name: "supplier", Choice: "settle", EVPI: report.VOIValue{Value: evpi, SE: 1e5, CE: evpi * 0.8, CESE: 1e5},
		EVPPI: report.VOIValues{{Name: "claim", Value: claim, SE: 1e5, CE: claim, CESE: 1e5}}}}
	d.Sensitivity = []report.Sensitivity{{Output: "net", Sobol: report.SobolIndices{
		{Input: "claim", First: 0.3, FirstSE: 0.01, Total: total, TotalSE: 0.01}}}}
	return d
}

func TestFigures(t *testing.T) {
	names := func(fs []Figure) string {
		var s []string
		for _, f := range fs {
			s = append(s, f.Name)
		}
		return strings.Join(s, " ")
	}
	want := "voi.supplier.evpi voi.supplier.evpi.ce voi.supplier.evppi.claim voi.supplier.evppi.claim.ce sensitivity.net.sobol.claim.first sensitivity.net.sobol.claim.total"
	if got := names(Figures(withFigures(1, 1, 1))); got != want {
		t.Fatalf("figures %s\nwant %s", got, want)
	}

	// Unchanged: every figure identical, nothing fires.
	pol, err := ParsePolicy("policy.yaml", []byte("fail_if: significant\nfigures: significant\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := FromDocument("a.json", withFigures(20e6, 2e6, 0.5))
	r, err := Compare(a, a, Options{Policy: pol})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Figures) != 6 || r.Failed {
		t.Fatalf("%d figures, failed %v", len(r.Figures), r.Failed)
	}
	for _, w := range r.Figures {
		if !w.Identical || w.Significant {
			t.Errorf("%s: identical %v, significant %v", w.Name, w.Identical, w.Significant)
		}
	}

	// EVPI up 10 SEs (·√2), EVPPI of claim up 0.5 SE, the total index up
	// 3 SE: figures: fires for the first; the claim's own condition,
	// written as money, fires though its change is not significant.
	pol, err = ParsePolicy("policy.yaml", []byte(`figures: significant && mean_abs > 0
outputs:
  voi.supplier.evppi.claim: mean_new > £2m
  voi.supplier.nosuch: significant
`))
	if err != nil {
		t.Fatal(err)
	}
	b := FromDocument("b.json", withFigures(20e6+1.5e6, 2.05e6, 0.53))
	r, err = Compare(a, b, Options{Policy: pol})
	if err != nil {
		t.Fatal(err)
	}
	fired := map[string][]string{}
	for _, w := range r.Figures {
		if len(w.Fired) > 0 {
			fired[w.Name] = w.Fired
		}
	}
	if !r.Failed || len(fired) != 3 || fired["voi.supplier.evpi"] == nil || fired["voi.supplier.evpi.ce"] == nil ||
		!slices.Equal(fired["voi.supplier.evppi.claim"], []string{"mean_new > £2m"}) {
		t.Errorf("fired %v", fired)
	}
	if !slices.ContainsFunc(r.Notes, func(n string) bool { return strings.Contains(n, "voi.supplier.nosuch, which neither side has") }) {
		t.Errorf("notes %v: want the unknown figure named", r.Notes)
	}
	// Conditions for every output do not apply to figures.
	pol = &Policy{perOutput: map[string][]*cond{}}
	if err := pol.AddFailIf("significant"); err != nil {
		t.Fatal(err)
	}
	if r, _ := Compare(a, b, Options{Policy: pol}); r.Failed {
		t.Error("--fail-if judged figures")
	}

	var buf bytes.Buffer
	if err := WriteText(&buf, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "voi.supplier.evpi") || !strings.Contains(buf.String(), "z-test") {
		t.Errorf("text lacks the figures:\n%s", buf.String())
	}
	buf.Reset()
	if err := WriteMarkdown(&buf, r); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), "| `sensitivity.net.sobol.claim.total` | 50.0% |") {
		t.Errorf("markdown lacks the figures:\n%s", buf.String())
	}
}

// A later opportunity's values are figures like the first's, named by
// their path under voi.<party>.opportunities.<stage>; an input known
// there already is none.
func TestFiguresAtLaterOpportunities(t *testing.T) {
	d := withFigures(1, 1, 1)
	d.VOI[0].Opportunities = report.VOIOpportunities{{Stage: "trial", EVPI: report.VOIValue{Value: 3e6, SE: 1e5, CE: 2e6, CESE: 1e5},
		EVPPI: report.VOIValues{{Name: "claim", Revealed: true}, {Name: "quantum", Value: 1e6, SE: 1e5, CE: 1e6, CESE: 1e5}}}}
	var got []string
	for _, f := range Figures(d) {
		if strings.Contains(f.Name, "opportunities") {
			got = append(got, f.Name)
		}
	}
	want := []string{"voi.supplier.opportunities.trial.evpi", "voi.supplier.opportunities.trial.evpi.ce",
		"voi.supplier.opportunities.trial.evppi.quantum", "voi.supplier.opportunities.trial.evppi.quantum.ce"}
	if !slices.Equal(got, want) {
		t.Errorf("figures %v\nwant %v", got, want)
	}
	// A policy gates them by name.
	pol, err := ParsePolicy("policy.yaml", []byte("outputs:\n  voi.supplier.opportunities.trial.evpi: mean_new > £2m\n"))
	if err != nil {
		t.Fatal(err)
	}
	a := FromDocument("a.json", d)
	r, err := Compare(a, a, Options{Policy: pol})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Failed {
		t.Error("EVPI before trial £3m, policy mean_new > £2m: did not fail")
	}
}
