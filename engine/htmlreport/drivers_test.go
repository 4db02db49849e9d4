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
