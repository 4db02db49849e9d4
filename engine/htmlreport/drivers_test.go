package htmlreport

import (
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/report"
)

// drivers is a reference-case document with the value of information, a
// group, Sobol' indices and spiders (settle run --trials 5k
// --sensitivity=spider,sobol --voi --voi-group quantum=claim,quantum_fraction).
func drivers(t *testing.T) *report.Document {
	t.Helper()
	return readDoc(t, "testdata/drivers.json")
}

// TestDrivers: the value of information, Sobol' and spider sections are
// in the page, with a chart for each party and output, and the tables
// name every input and the group.
func TestDrivers(t *testing.T) {
	d := drivers(t)
	html := write(t, New("drivers.json", d))
	for kind, n := range map[string]int{"voi": 2, "sobol": 8, "spider": 7} {
		if got := strings.Count(html, `data-chart="`+kind+`"`); got != n {
			t.Errorf("%d %s charts, want %d", got, kind, n)
		}
	}
	for _, want := range []string{"What is it worth to know", "Where the variance comes from", "Each input across its range",
		"everything (EVPI)", "quantum (2 inputs)", "p_liability", "midpoint of the settlement range"} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
	x := ExtrasOf(d)
	if len(x.VOI) != 2 || x.VOI[0].Values[0].CE < x.VOI[0].Values[len(x.VOI[0].Values)-1].CE {
		t.Errorf("value of information %+v: want two parties, largest first", x.VOI)
	}
}

// TestDriversLaterOpportunities: with stages, a party's decision at each
// later opportunity has its own note, table and chart; the inputs known
// there already are named, not valued.
func TestDriversLaterOpportunities(t *testing.T) {
	d := drivers(t)
	first := d.VOI[0]
	d.VOI[0].Stage = "negotiation"
	d.VOI[0].Opportunities = report.VOIOpportunities{{
		Stage: "trial", PReach: 0.5, Trials: 2500, FigureBasis: "midpoint of the reservation values", MeanFigure: 150e6,
		Choice: "depends on what is known", PSettle: 0.25, EVPI: first.EVPI,
		EVPPI: report.VOIValues{
			{Name: "claim", Revealed: true},
			{Name: "small", Value: 1e5, CE: 1e5},
			{Name: "large", Value: 2e6, CE: 2e6},
		},
	}}
	x := ExtrasOf(d)
	if len(x.VOI) != 3 {
		t.Fatalf("%d values of information, want 3: the supplier's two opportunities, then the buyer's one", len(x.VOI))
	}
	later := x.VOI[1]
	if !later.Later || later.Party != first.Name || later.Stage != "trial" {
		t.Fatalf("second value of information %+v: want the %s's before trial", later, first.Name)
	}
	if len(later.Values) != 2 || later.Values[0].Name != "large" || len(later.Known) != 1 || later.Known[0] != "claim" {
		t.Errorf("before trial: values %+v, known %v: want large then small, and claim known", later.Values, later.Known)
	}
	html := write(t, New("drivers.json", d))
	if got := strings.Count(html, `data-chart="voi"`); got != 3 {
		t.Errorf("%d voi charts, want 3", got)
	}
	for _, want := range []string{
		"Before negotiation, deciding at",
		"Before trial, where the dispute is still open in 50.0% of the trials, deciding at each trial&#39;s own midpoint of the reservation values, on average £150.0m",
		"would settle in 25.0% of them. Known there already: claim.",
		`data-stage="trial"`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

// TestDriversFirstOpportunityKnown: an input revealed before the first
// opportunity (by a stage with no opportunity before it) is named as
// known there, not drawn as a bar worth nothing, as the text report has
// it.
func TestDriversFirstOpportunityKnown(t *testing.T) {
	d := drivers(t)
	d.VOI[0].Stage = "mediation"
	d.VOI[0].EVPPI = append(report.VOIValues{{Name: "early_evidence", Revealed: true}}, d.VOI[0].EVPPI...)
	x := ExtrasOf(d)
	first := x.VOI[0]
	for _, v := range first.Values {
		if v.Name == "early_evidence" {
			t.Errorf("before mediation: early_evidence, known there, is among the values %+v", first.Values)
		}
	}
	if len(first.Known) != 1 || first.Known[0] != "early_evidence" {
		t.Errorf("before mediation: known %v, want early_evidence", first.Known)
	}
}
