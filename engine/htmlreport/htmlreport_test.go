package htmlreport

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/chart"
	"github.com/settle-sim/settle/engine/report"
)

func reference(t testing.TB) *report.Document {
	t.Helper()
	return readDoc(t, "../report/testdata/reference.json")
}

// readDoc reads the result document at path.
func readDoc(t testing.TB, path string) *report.Document {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := report.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// withExtras is the reference result with parties, a settlement range
// and a tornado, as the document's own sections will give them.
func withExtras(t testing.TB) Result {
	d := reference(t)
	r := New("reference.json", d)
	net := lookup(d.Outputs, "supplier_net")
	r.Extras = Extras{
		Parties: []Party{
			{Name: "supplier", Output: "supplier_net", Attitude: "risk tolerance £100.0m", ExpectedValue: net.Mean, CertaintyEquivalent: net.Mean - 25e6, NetExpectedValue: net.Mean, NetCertaintyEquivalent: net.Mean - 5e6, HasReservation: true, Reservation: 8e6, Money: true},
			{Name: "buyer", Output: "buyer_cost", Attitude: "risk-neutral", ExpectedValue: 25.7e6, CertaintyEquivalent: 25.7e6, NetExpectedValue: 25.7e6, NetCertaintyEquivalent: 25.7e6, HasReservation: true, Reservation: 52e6, Money: true},
		},
		Range: &Range{Output: "settlement_fraction", Exists: true, Low: 0.2, High: 0.3},
		Tornadoes: []Tornado{{Output: "supplier_net", Base: net.Mean, Bars: []chart.TornadoBar{
			{Input: "p_liability", Low: -48e6, High: 61e6}, {Input: "claim", Low: -9e6, High: 15e6}, {Input: "quantum_fraction", Low: -20e6, High: 27e6}}}},
	}
	return r
}

func write(t testing.TB, rs ...Result) string {
	t.Helper()
	var b bytes.Buffer
	if err := Write(&b, rs); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var chartRe = regexp.MustCompile(`<figure class="chart" data-chart="([a-z-]+)" data-var="([a-z_]+)"><svg\s`)

func chartKinds(html string) map[string]int {
	n := map[string]int{}
	for _, m := range chartRe.FindAllStringSubmatch(html, -1) {
		n[m[1]]++
	}
	return n
}

// TestSelfContained: the page fetches nothing: no scripts, style sheets,
// images, fonts or frames from anywhere; the only URLs are SVG's XML
// namespace names, which are never fetched.
func TestSelfContained(t *testing.T) {
	html := write(t, withExtras(t))
	for _, bad := range []string{"<script", "<link", "<img", "<iframe", "@import", "url(", "src=", "@font-face"} {
		if strings.Contains(html, bad) {
			t.Errorf("page contains %q", bad)
		}
	}
	urls := regexp.MustCompile(`https?://[^"'\s<>)]+`).FindAllString(html, -1)
	for _, u := range urls {
		if u != "http://www.w3.org/2000/svg" && u != "http://www.w3.org/1999/xlink" {
			t.Errorf("page refers to %s", u)
		}
	}
	if !strings.HasPrefix(html, "<!DOCTYPE html>") || !strings.Contains(html, `<meta charset="utf-8">`) {
		t.Error("not an HTML5 page with a charset")
	}
}

// TestCharts: a histogram and an S-curve per number output, the
// settlement range and the tornado; true/false outputs as a share.
func TestCharts(t *testing.T) {
	html := write(t, withExtras(t))
	got := chartKinds(html)
	want := map[string]int{"histogram": 7, "s-curve": 7, "settlement-range": 1, "tornado": 1}
	for k, n := range want {
		if got[k] != n {
			t.Errorf("%d %s charts, want %d", got[k], k, n)
		}
	}
	if got["overlay"] != 0 {
		t.Error("overlay for a single result")
	}
	for _, s := range []string{
		"<td>supplier</td><td>risk tolerance £100.0m</td><td>£2.8m</td><td>-£22.2m</td><td>£2.8m</td><td>-£2.2m</td><td>£8.0m</td>",
		"Both parties prefer settling anywhere from 20.0% to 30.0% to going to court.",
		"true in 80.0% of trials",
		"<th>p95</th>", "<td>£128.0m</td>",
		"20,000 trials · seed 20080527 · settle 0.1.0", // the fixture document's version
	} {
		if !strings.Contains(html, s) {
			t.Errorf("page has no %q", s)
		}
	}
	if strings.Contains(html, "e+0") {
		t.Error("a number is shown in exponent form")
	}
}

// TestNoExtras: a document without parties or sensitivity gives a page
// without those sections.
func TestNoExtras(t *testing.T) {
	html := write(t, New("reference.json", reference(t)))
	got := chartKinds(html)
	if got["tornado"] != 0 || got["settlement-range"] != 0 || strings.Contains(html, "<h3>Parties</h3>") {
		t.Errorf("sections without data: %v", got)
	}
	if got["histogram"] != 7 {
		t.Errorf("%d histograms", got["histogram"])
	}
}

func TestOverlay(t *testing.T) {
	a := New("claim-600m.json", reference(t))
	b := New("claim-500m.json", reference(t))
	b.Doc.Outputs[0].Quantiles[4] += 5e6
	html := write(t, a, b)
	if n := chartKinds(html)["overlay"]; n != 7 {
		t.Errorf("%d overlays, want one per number output (7)", n)
	}
	for _, s := range []string{"<title>2 results compared</title>", `<a href="#result-1">claim-600m.json</a>`, `id="result-2"`, "claim-500m.json (p50 £12.1m)"} {
		if !strings.Contains(html, s) {
			t.Errorf("page has no %q", s)
		}
	}
}

func TestDeterministic(t *testing.T) {
	if write(t, withExtras(t)) != write(t, withExtras(t)) {
		t.Error("the same document gave two pages")
	}
}

func TestEscapes(t *testing.T) {
	d := reference(t)
	d.Scenario.Name = `<script>alert("x")</script>`
	html := write(t, New("x.json", d))
	if strings.Contains(html, "<script>") {
		t.Error("scenario name not escaped")
	}
}

func TestNoResults(t *testing.T) {
	if err := Write(&bytes.Buffer{}, nil); err == nil {
		t.Error("no error for no results")
	}
}

// TestExtrasOf reads the parties, settlement range and sensitivity of a
// result document (the reference case, 20,000 trials) and draws them.
func TestExtrasOf(t *testing.T) {
	f, err := os.Open("testdata/decision.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := report.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	x := ExtrasOf(d)
	if len(x.Parties) != 2 || x.Parties[0].Name != "supplier" || x.Parties[0].Attitude != "risk tolerance £250.0m" || !x.Parties[0].Money {
		t.Errorf("parties %+v", x.Parties)
	}
	if x.Range == nil || x.Range.Output != "settlement_figure" || !x.Range.Exists || x.Range.Low >= x.Range.High {
		t.Errorf("range %+v", x.Range)
	}
	if len(x.Tornadoes) != len(d.Sensitivity) || len(x.Tornadoes[0].Bars) == 0 || x.Tornadoes[0].Base != d.Outputs[0].Mean {
		t.Errorf("%d tornadoes for %d sensitivity sections", len(x.Tornadoes), len(d.Sensitivity))
	}
	html := write(t, New("decision.json", d))
	got := chartKinds(html)
	if got["settlement-range"] != 1 || got["tornado"] != len(d.Sensitivity) {
		t.Errorf("charts %v", got)
	}
	if !strings.Contains(html, "<td>supplier</td><td>risk tolerance £250.0m</td>") || !strings.Contains(html, "Both parties prefer settling anywhere from £") {
		t.Error("parties or range missing from the page")
	}
}
