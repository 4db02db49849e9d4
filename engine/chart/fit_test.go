package chart

import (
	"bytes"
	"image"
	"image/png"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/settle-sim/settle/engine/money"
)

// TestFitCharts: the fit charts draw the data and each fit, in SVG with
// their labels and money on the axis, and in a PNG that is not blank.
func TestFitCharts(t *testing.T) {
	n := distuv.Normal{Mu: 400e6, Sigma: 50e6}
	var sorted []float64
	for i := range 200 {
		sorted = append(sorted, n.Quantile((float64(i)+0.5)/200))
	}
	curves := []Curve{
		{Label: "normal(£400m, £50m)", CDF: n.CDF, Quantile: n.Quantile},
		{Label: "normal(£410m, £60m)", CDF: distuv.Normal{Mu: 410e6, Sigma: 60e6}.CDF},
	}
	cdf, err := FitCDF("award", "award", sorted, curves, money.Format)
	if err != nil {
		t.Fatal(err)
	}
	qq, err := QQ("award against normal", sorted, curves[0], money.Format)
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*Chart{"cdf": cdf, "qq": qq} {
		var svg, img bytes.Buffer
		if err := c.Write(&svg, "svg"); err != nil {
			t.Fatal(err)
		}
		for _, want := range []string{"£400", "data"} {
			if !strings.Contains(svg.String(), want) {
				t.Errorf("%s: the SVG lacks %q", name, want)
			}
		}
		if err := c.Write(&img, "png"); err != nil {
			t.Fatal(err)
		}
		m, err := png.Decode(&img)
		if err != nil {
			t.Fatal(err)
		}
		if nonWhite(m) < 500 {
			t.Errorf("%s: the PNG is nearly blank", name)
		}
	}
	if !strings.Contains(svgOf(t, cdf), "normal(£410m, £60m)") {
		t.Error("the CDF chart lacks the second fit's label")
	}
	if _, err := QQ("x", sorted, Curve{Label: "no quantile"}, nil); err == nil {
		t.Error("QQ without a quantile function drew")
	}
}

func svgOf(t *testing.T, c *Chart) string {
	var b bytes.Buffer
	if err := c.Write(&b, "svg"); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// nonWhite counts the pixels of m that are not white.
func nonWhite(m image.Image) int {
	n := 0
	b := m.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y++ {
		for x := b.Min.X; x < b.Max.X; x++ {
			if r, g, bl, _ := m.At(x, y).RGBA(); r>>8 < 250 || g>>8 < 250 || bl>>8 < 250 {
				n++
			}
		}
	}
	return n
}
