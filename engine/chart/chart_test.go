package chart

import (
	"bytes"
	"image/png"
	"os"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/report"
)

func reference(t *testing.T) *report.Document {
	t.Helper()
	f, err := os.Open("../report/testdata/reference.json")
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

func lookup(t *testing.T, vs report.Vars, name string) *report.Var {
	for i := range vs {
		if vs[i].Name == name {
			return &vs[i]
		}
	}
	t.Fatalf("no var %s", name)
	return nil
}

// charts are one of each kind, from the reference case.
func charts(t *testing.T) map[string]*Chart {
	d := reference(t)
	net := lookup(t, d.Outputs, "supplier_net")
	court := lookup(t, d.Outputs, "supplier_net_court")
	must := func(c *Chart, err error) *Chart {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	return map[string]*Chart{
		"histogram": must(Histogram(net, "supplier_net")),
		"s-curve":   must(SCurve(net, "supplier_net")),
		"overlay":   must(Overlay("supplier_net", []Series{{"settle", net}, {"court", court}})),
		"tornado": must(Tornado("what moves supplier_net", "supplier_net", net.Mean,
			[]TornadoBar{{"claim", -20e6, 30e6}, {"p_liability", -60e6, 70e6}}, net.Format)),
		"range": must(SettlementRange(net, "supplier", 10e6, 60e6, true, []Mark{{"expected value", net.Mean}})),
		"voi": must(VOI("what knowing is worth to the supplier", 63e6,
			[]VOIBar{{"liability", 63e6, 0.1e6}, {"p_liability", 15e6, 0.2e6}, {"claim", 0, 0}}, net.Format)),
		"sobol": must(Sobol("variance of supplier_net", []SobolBar{
			{"liability", 0.08, 0.07, 0.1, 0.64, 0.61, 0.67}, {"claim", 0.04, 0.03, 0.04, 0.05, 0.048, 0.051}})),
		"spider": must(Spider("supplier_net", "supplier_net", []SpiderLine{
			{"claim", []float64{0.1, 0.25, 0.5, 0.75, 0.9}, []float64{-10e6, -2e6, 3e6, 8e6, 12e6}},
			{"liability", []float64{0.1, 0.25, 0.5, 0.75, 0.9}, []float64{-40e6, -40e6, -40e6, 60e6, 60e6}}}, net.Format)),
	}
}

// TestChartsDraw: every kind of chart writes SVG with drawing in it and
// a PNG that is not blank, and the same document gives the same SVG.
func TestChartsDraw(t *testing.T) {
	for name, c := range charts(t) {
		t.Run(name, func(t *testing.T) {
			var svg, again, pngb bytes.Buffer
			if err := c.Write(&svg, "svg"); err != nil {
				t.Fatal(err)
			}
			if err := c.Write(&again, "svg"); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(svg.Bytes(), again.Bytes()) {
				t.Error("two renderings differ")
			}
			s := svg.String()
			if !strings.Contains(s, "<svg") || strings.Count(s, "<path") < 10 {
				t.Errorf("SVG has %d paths", strings.Count(s, "<path"))
			}
			if strings.Contains(s, "e+0") {
				t.Error("SVG shows a number in exponent form")
			}
			if err := c.Write(&pngb, "png"); err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(&pngb)
			if err != nil {
				t.Fatal(err)
			}
			colours := map[uint32]bool{}
			b := img.Bounds()
			for y := b.Min.Y; y < b.Max.Y; y += 3 {
				for x := b.Min.X; x < b.Max.X; x += 3 {
					r, g, bl, _ := img.At(x, y).RGBA()
					colours[r>>8<<16|g>>8<<8|bl>>8] = true
				}
			}
			if len(colours) < 8 {
				t.Errorf("PNG has %d colours: blank?", len(colours))
			}
		})
	}
}

func TestAxesShowMoney(t *testing.T) {
	var b bytes.Buffer
	if err := charts(t)["s-curve"].Write(&b, "svg"); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"£100.0m", "p5 -£146.4m", "p50 £7.1m", "p95 £128.0m", "50%"} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("S-curve has no %q", want)
		}
	}
}

func TestInlineSVG(t *testing.T) {
	s, err := charts(t)["histogram"].InlineSVG(`net <"supplier">`)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(s, "<svg") || strings.Contains(s, "<?xml") {
		t.Errorf("not an inline element: %.80q", s)
	}
	open := s[:strings.IndexByte(s, '>')]
	if !strings.Contains(open, `viewBox="0 0 480 270"`) || strings.Contains(open, "width=") {
		t.Errorf("opening tag %q: want a viewBox and no fixed size", open)
	}
	if !strings.Contains(s, "<title>net &lt;&quot;supplier&quot;&gt;</title>") {
		t.Error("title not escaped")
	}
}

func TestErrors(t *testing.T) {
	d := reference(t)
	settles := lookup(t, d.Outputs, "settles")
	if _, err := Histogram(settles, ""); err == nil || !strings.Contains(err.Error(), "settles is true/false") {
		t.Errorf("bool histogram: %v", err)
	}
	if _, err := SCurve(&report.Var{Name: "x", Type: "number"}, ""); err == nil || !strings.Contains(err.Error(), "no histogram") {
		t.Errorf("empty var: %v", err)
	}
	if _, err := Overlay("x", nil); err == nil {
		t.Error("empty overlay")
	}
	if _, err := Tornado("x", "y", 0, nil, nil); err == nil {
		t.Error("empty tornado")
	}
	if err := (&Chart{Plot: charts(t)["histogram"].Plot}).Write(&bytes.Buffer{}, "gif"); err == nil || !strings.Contains(err.Error(), "use svg or png") {
		t.Errorf("gif: %v", err)
	}
}

// TestCDF: the curve rises from 0 at the min to 1 at the max through
// the quantiles.
func TestCDF(t *testing.T) {
	v := lookup(t, reference(t).Inputs, "claim")
	pts := CDF(v)
	if pts[0].X != v.Min || pts[0].Y != 0 || pts[len(pts)-1].X != v.Max || pts[len(pts)-1].Y != 1 {
		t.Errorf("ends %v … %v, want (%v, 0) … (%v, 1)", pts[0], pts[len(pts)-1], v.Min, v.Max)
	}
	for i := 1; i < len(pts); i++ {
		if pts[i].X < pts[i-1].X || pts[i].Y < pts[i-1].Y {
			t.Fatalf("not rising at %d: %v then %v", i, pts[i-1], pts[i])
		}
	}
	found := false
	for _, p := range pts {
		if p.X == v.Quantile("p50") && p.Y == 0.5 {
			found = true
		}
	}
	if !found {
		t.Error("p50 not on the curve")
	}
}

func TestProcessCharts(t *testing.T) {
	pr := &report.Process{
		Opportunities: []report.Opportunity{{Stage: "negotiation", PReach: 1, PSettle: 0.3}, {Stage: "trial", PReach: 0.7, PSettle: 0.5}},
		PJudgment:     0.2,
		Timeline:      []report.TimePoint{{Years: 0, POpen: 1}, {Years: 1, POpen: 0.7}, {Years: 3, POpen: 0.2}, {Years: 4, POpen: 0}},
	}
	for name, draw := range map[string]func(*report.Process, string) (*Chart, error){"timeline": Timeline, "endings": Endings} {
		c, err := draw(pr, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		svg, err := c.InlineSVG(name)
		if err != nil || !strings.HasPrefix(svg, "<svg") || !strings.Contains(svg, "<path") {
			t.Errorf("%s: no chart drawn (%v)", name, err)
		}
		if _, err := draw(nil, name); err == nil {
			t.Errorf("%s of a result without stages: no error", name)
		}
	}
}
