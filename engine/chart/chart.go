// Package chart draws a result document's distributions with
// gonum.org/v1/plot, as SVG (for HTML reports) or PNG: a histogram, a
// cumulative distribution (S-curve) with p5, p50 and p95 marked, several
// results' S-curves overlaid, a tornado of the inputs that move an output
// most, and a party's outcome with the settlement range drawn on it.
//
// Charts are drawn from the document alone (its histograms and
// quantiles), so a report can be made from saved JSON without the trials.
// Axes show money as money (£412.3m) and shares as percentages.
package chart

import (
	"bytes"
	"errors"
	"fmt"
	"image/color"
	"io"
	"math"
	"regexp"
	"sort"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/font"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/report"
)

// Size of every chart.
var (
	Width  = vg.Points(480)
	Height = vg.Points(270)
)

// Colours: the palette series take in turn, and the marks.
var (
	Palette = []color.Color{
		color.RGBA{0x1f, 0x6f, 0xb4, 0xff}, // blue
		color.RGBA{0xd9, 0x5f, 0x02, 0xff}, // orange
		color.RGBA{0x1b, 0x9e, 0x77, 0xff}, // green
		color.RGBA{0x75, 0x70, 0xb3, 0xff}, // purple
		color.RGBA{0xe7, 0x29, 0x8a, 0xff}, // pink
		color.RGBA{0x66, 0x66, 0x66, 0xff}, // grey
	}
	fill      = color.NRGBA{0x1f, 0x6f, 0xb4, 0xc0}
	markColor = color.RGBA{0xb2, 0x18, 0x2b, 0xff}
	bandColor = color.NRGBA{0x1b, 0x9e, 0x77, 0x50}
	lowColor  = color.RGBA{0xd9, 0x5f, 0x02, 0xff}
	highColor = color.RGBA{0x1f, 0x6f, 0xb4, 0xff}
)

// Chart is a plot ready to be written, with its legend and caption
// drawn below the plotting area, never on the data.
type Chart struct {
	Plot *plot.Plot
	// Caption, when set, is drawn in small type under the chart: what
	// made the figures (report.Provenance.Heading), so that a chart taken
	// out of its report still says whether it is a side's view.
	Caption string

	legend []legendEntry
}

type legendEntry struct {
	text  string
	thumb plot.Thumbnailer
}

// AddLegend adds an entry to the legend under the chart.
func (c *Chart) AddLegend(text string, thumb plot.Thumbnailer) {
	c.legend = append(c.legend, legendEntry{text, thumb})
}

// Formats are the file formats Write takes.
var Formats = []string{"svg", "png"}

// Write writes c as SVG or PNG.
func (c *Chart) Write(w io.Writer, format string) error {
	switch strings.ToLower(format) {
	case "svg":
		cv := vgsvg.New(Width, c.height())
		c.Draw(draw.New(cv))
		_, err := cv.WriteTo(w)
		return err
	case "png":
		cv := vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(Width, c.height()), vgimg.UseDPI(144), vgimg.UseBackgroundColor(color.White))}
		c.Draw(draw.New(cv))
		_, err := cv.WriteTo(w)
		return err
	}
	return fmt.Errorf("unknown chart format %q; use svg or png", format)
}

var svgPreamble = regexp.MustCompile(`(?s)^.*?(<svg\b)`)

// InlineSVG is c as an <svg> element to put in an HTML page: no XML
// declaration, a viewBox so that it scales, and role="img" with title as
// its accessible name.
func (c *Chart) InlineSVG(title string) (string, error) {
	var b bytes.Buffer
	if err := c.Write(&b, "svg"); err != nil {
		return "", err
	}
	s := svgPreamble.ReplaceAllString(b.String(), "$1")
	if !strings.HasPrefix(s, "<svg") {
		return "", errors.New("chart: the SVG writer gave no <svg> element")
	}
	w, h := Width.Points(), c.height().Points()
	// Replace the fixed size with a viewBox so the chart scales to its box.
	open := s[:strings.IndexByte(s, '>')+1]
	tag := regexp.MustCompile(`\s(width|height|viewBox)="[^"]*"`).ReplaceAllString(open, "")
	tag = strings.TrimSuffix(tag, ">") + fmt.Sprintf(` viewBox="0 0 %g %g" role="img" class="chart"><title>%s</title>`, w, h, escape(title))
	return tag + s[len(open):], nil
}

func escape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&quot;").Replace(s)
}

// newPlot is a plot with settle's look.
func newPlot(title, xlabel, ylabel string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.Title.TextStyle.Font = sans(14)
	p.X.Label.Text = xlabel
	p.Y.Label.Text = ylabel
	for _, a := range []*plot.Axis{&p.X, &p.Y} {
		a.Label.TextStyle.Font = sans(11)
		a.Tick.Label.Font = sans(10)
	}
	p.Legend.TextStyle.Font = sans(10)
	p.Legend.Top = true
	g := plotter.NewGrid()
	g.Vertical.Color = color.Gray{0xe0}
	g.Horizontal.Color = color.Gray{0xe0}
	p.Add(g)
	return p
}

// sans is Liberation Sans (embedded in the program, so charts look the
// same everywhere) at size points.
func sans(size float64) font.Font {
	return font.Font{Typeface: "Liberation", Variant: "Sans", Size: vg.Points(size)}
}

// ticker labels an axis's ticks with format, keeping plot's choice of
// where they go.
type ticker struct {
	format func(float64) string
}

func (t ticker) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = TrimZero(t.format(ticks[i].Value))
		}
	}
	return ticks
}

var pointZero = regexp.MustCompile(`\.0([^0-9]|$)`)

// TrimZero drops a decimal ".0" that says nothing from a label: £100.0m
// is £100m, 40.0% is 40%; £2.5m and 0.05 are left as they are.
func TrimZero(label string) string {
	return pointZero.ReplaceAllString(label, "$1")
}

func percent(x float64) string { return TrimZero(money.FormatPercent(x)) }

// number says whether v can be charted.
func number(v *report.Var) error {
	if v.IsBool() {
		return fmt.Errorf("%s is true/false: its distribution is its share of trials, %s, which needs no chart", v.Name, money.FormatPercent(v.Mean))
	}
	if len(v.Histogram.Counts) == 0 {
		return fmt.Errorf("%s has no histogram in the result document", v.Name)
	}
	return nil
}

func total(counts []int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// Histogram is v's histogram: each bin's share of trials.
func Histogram(v *report.Var, title string) (*Chart, error) {
	if err := number(v); err != nil {
		return nil, err
	}
	p := newPlot(title, v.Name, "share of trials")
	h := histogram(v, fill)
	p.Add(h)
	p.X.Tick.Marker = ticker{v.Format}
	p.Y.Tick.Marker = ticker{percent}
	p.Y.Min = 0
	return &Chart{Plot: p}, nil
}

func histogram(v *report.Var, c color.Color) *plotter.Histogram {
	hs := v.Histogram
	n := float64(max(total(hs.Counts), 1))
	lo, hi := hs.Min, hs.Max
	if lo == hi { // one value: a bar of width 1% of it, or 1
		d := math.Max(math.Abs(lo)*0.01, 1)
		lo, hi = lo-d/2, hi+d/2
	}
	w := (hi - lo) / float64(len(hs.Counts))
	bins := make([]plotter.HistogramBin, len(hs.Counts))
	for i, k := range hs.Counts {
		bins[i] = plotter.HistogramBin{Min: lo + float64(i)*w, Max: lo + float64(i+1)*w, Weight: float64(k) / n}
	}
	h := &plotter.Histogram{Bins: bins, Width: w, FillColor: c}
	h.LineStyle.Width = vg.Points(0.5)
	h.LineStyle.Color = color.White
	return h
}

// CDF returns points of v's cumulative distribution, rising through
// x: its curve (report.Var.Curve, quantiles at every half percent) when
// the document has one, else its histogram's bin edges (exact shares of
// trials) and its quantiles p1 … p99, merged in order.
func CDF(v *report.Var) plotter.XYs {
	if n := len(v.Curve); n > 1 {
		pts := make(plotter.XYs, n)
		for i, x := range v.Curve {
			pts[i] = plotter.XY{X: x, Y: float64(i) / float64(n-1)}
		}
		return pts
	}
	hs := v.Histogram
	n := float64(max(total(hs.Counts), 1))
	var pts plotter.XYs
	if len(hs.Counts) > 0 {
		w := (hs.Max - hs.Min) / float64(len(hs.Counts))
		cum := 0
		pts = append(pts, plotter.XY{X: hs.Min, Y: 0})
		for i, k := range hs.Counts {
			cum += k
			pts = append(pts, plotter.XY{X: hs.Min + float64(i+1)*w, Y: float64(cum) / n})
		}
		pts[len(pts)-1].X = hs.Max
	}
	for i, q := range v.Quantiles {
		if i < len(probs) {
			pts = append(pts, plotter.XY{X: q, Y: probs[i]})
		}
	}
	sort.SliceStable(pts, func(i, j int) bool {
		if pts[i].X != pts[j].X {
			return pts[i].X < pts[j].X
		}
		return pts[i].Y < pts[j].Y
	})
	// Keep the curve rising where a bin edge and a quantile disagree in
	// the last digits.
	for i := 1; i < len(pts); i++ {
		pts[i].Y = math.Max(pts[i].Y, pts[i-1].Y)
	}
	return pts
}

var probs = []float64{0.01, 0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95, 0.99}

// Marked are the quantiles an S-curve marks.
var Marked = []string{"p5", "p50", "p95"}

// SCurve is v's cumulative distribution, the share of trials at or below
// each value, with p5, p50 and p95 marked and labelled.
func SCurve(v *report.Var, title string) (*Chart, error) {
	if err := number(v); err != nil {
		return nil, err
	}
	p := newPlot(title, v.Name, "share of trials at or below")
	l, err := plotter.NewLine(CDF(v))
	if err != nil {
		return nil, err
	}
	l.LineStyle.Width = vg.Points(2)
	l.LineStyle.Color = Palette[0]
	p.Add(l)
	var marks plotter.XYs
	var labels []string
	for _, name := range Marked {
		x := v.Quantile(name)
		y := probOf(name)
		drop, _ := plotter.NewLine(plotter.XYs{{X: x, Y: 0}, {X: x, Y: y}})
		drop.LineStyle.Color = markColor
		drop.LineStyle.Dashes = []vg.Length{vg.Points(3), vg.Points(3)}
		p.Add(drop)
		marks = append(marks, plotter.XY{X: x, Y: y})
		labels = append(labels, fmt.Sprintf("%s %s", name, v.Format(x)))
	}
	sc, _ := plotter.NewScatter(marks)
	sc.GlyphStyle.Color = markColor
	sc.GlyphStyle.Radius = vg.Points(3.5)
	sc.GlyphStyle.Shape = draw.CircleGlyph{}
	p.Add(sc)
	lb, err := plotter.NewLabels(plotter.XYLabels{XYs: marks, Labels: labels})
	if err != nil {
		return nil, err
	}
	for i := range lb.TextStyle {
		lb.TextStyle[i].Font = sans(9)
		lb.TextStyle[i].Color = markColor
	}
	lb.Offset = vg.Point{X: vg.Points(6), Y: vg.Points(-12)}
	p.Add(lb)
	p.X.Tick.Marker = ticker{v.Format}
	p.Y.Tick.Marker = ticker{percent}
	p.Y.Min, p.Y.Max = 0, 1
	return &Chart{Plot: p}, nil
}

func probOf(name string) float64 {
	for i, n := range []string{"p1", "p5", "p10", "p25", "p50", "p75", "p90", "p95", "p99"} {
		if n == name {
			return probs[i]
		}
	}
	return math.NaN()
}

// Series is one result's var in an overlay.
type Series struct {
	Label string
	Var   *report.Var
}

// Overlay draws several results' cumulative distributions of the same
// output on one chart, one colour each, with each one's p50 marked.
func Overlay(title string, series []Series) (*Chart, error) {
	if len(series) == 0 {
		return nil, errors.New("chart: nothing to overlay")
	}
	for _, s := range series {
		if err := number(s.Var); err != nil {
			return nil, err
		}
	}
	v0 := series[0].Var
	p := newPlot(title, v0.Name, "share of trials at or below")
	c := &Chart{Plot: p}
	for i, s := range series {
		l, err := plotter.NewLine(CDF(s.Var))
		if err != nil {
			return nil, err
		}
		l.LineStyle.Width = vg.Points(2)
		l.LineStyle.Color = Palette[i%len(Palette)]
		if i >= len(Palette) {
			l.LineStyle.Dashes = []vg.Length{vg.Points(6), vg.Points(3)}
		}
		p.Add(l)
		c.AddLegend(fmt.Sprintf("%s (p50 %s)", s.Label, s.Var.Format(s.Var.Quantile("p50"))), l)
	}
	p.X.Tick.Marker = ticker{v0.Format}
	p.Y.Tick.Marker = ticker{percent}
	p.Y.Min, p.Y.Max = 0, 1
	return c, nil
}

// TornadoBar is one input's bar: the output's value with the input held
// low and held high.
type TornadoBar struct {
	Input     string
	Low, High float64 // the output with the input low, high
}

// TornadoMax is the most inputs a tornado shows: those that move the
// output most.
var TornadoMax = 10

// Tornado draws bars around base (the output's mean), widest first at
// the top, for the TornadoMax inputs that move it most (inputs that do
// not move it are left out): orange where the input is low, blue where
// it is high. format shows the output's values.
func Tornado(title, output string, base float64, bars []TornadoBar, format func(float64) string) (*Chart, error) {
	if format == nil {
		format = money.FormatNumber
	}
	var moving []TornadoBar
	for _, b := range bars {
		if b.High != b.Low {
			moving = append(moving, b)
		}
	}
	if len(moving) == 0 {
		return nil, errors.New("chart: a tornado needs at least one input that moves the output")
	}
	bars = moving
	sort.SliceStable(bars, func(i, j int) bool {
		return math.Abs(bars[i].High-bars[i].Low) > math.Abs(bars[j].High-bars[j].Low)
	})
	if len(bars) > TornadoMax {
		bars = bars[:TornadoMax]
	}
	p := newPlot(title, output, "")
	names := make([]string, len(bars))
	for i, b := range bars {
		names[len(bars)-1-i] = b.Input
	}
	p.Add(&rangeBars{bars: bars, base: base})
	base0, _ := plotter.NewLine(plotter.XYs{{X: base, Y: -0.6}, {X: base, Y: float64(len(bars)) - 0.4}})
	base0.LineStyle.Color = color.Black
	base0.LineStyle.Width = vg.Points(1)
	p.Add(base0)
	p.NominalY(names...)
	p.X.Tick.Marker = ticker{format}
	c := &Chart{Plot: p}
	c.AddLegend("input low (p10)", legendThumb(lowColor))
	c.AddLegend("input high (p90)", legendThumb(highColor))
	c.AddLegend("mean "+format(base), base0)
	return c, nil
}

type thumb struct{ c color.Color }

func legendThumb(c color.Color) thumb { return thumb{c} }

func (t thumb) Thumbnail(cv *draw.Canvas) {
	cv.FillPolygon(t.c, []vg.Point{
		{X: cv.Min.X, Y: cv.Min.Y}, {X: cv.Min.X, Y: cv.Max.Y}, {X: cv.Max.X, Y: cv.Max.Y}, {X: cv.Max.X, Y: cv.Min.Y}})
}

// rangeBars draws the tornado's bars: bar i (widest first) at y = n−1−i.
type rangeBars struct {
	bars []TornadoBar
	base float64
}

func (r *rangeBars) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	n := len(r.bars)
	for i, b := range r.bars {
		y := float64(n - 1 - i)
		for _, seg := range []struct {
			to  float64
			col color.Color
		}{{b.Low, lowColor}, {b.High, highColor}} {
			x0, x1 := tx(r.base), tx(seg.to)
			y0, y1 := ty(y-0.35), ty(y+0.35)
			c.FillPolygon(seg.col, c.ClipPolygonXY([]vg.Point{{X: x0, Y: y0}, {X: x0, Y: y1}, {X: x1, Y: y1}, {X: x1, Y: y0}}))
		}
	}
}

func (r *rangeBars) DataRange() (xmin, xmax, ymin, ymax float64) {
	xmin, xmax = r.base, r.base
	for _, b := range r.bars {
		xmin = math.Min(xmin, math.Min(b.Low, b.High))
		xmax = math.Max(xmax, math.Max(b.Low, b.High))
	}
	pad := (xmax - xmin) * 0.05
	return xmin - pad, xmax + pad, -0.6, float64(len(r.bars)) - 0.4
}

// Mark is a labelled value drawn as a vertical line.
type Mark struct {
	Label string
	X     float64
}

// SettlementRange draws v's histogram (a party's outcome) with the
// settlement range [low, high] shaded when it exists, and each mark (the
// expected value, certainty equivalent, reservation value …) as a
// labelled line.
func SettlementRange(v *report.Var, title string, low, high float64, exists bool, marks []Mark) (*Chart, error) {
	if err := number(v); err != nil {
		return nil, err
	}
	p := newPlot(title, v.Name, "share of trials")
	c := &Chart{Plot: p}
	p.Add(histogram(v, color.NRGBA{0x88, 0x99, 0xaa, 0xc0}))
	if exists {
		b := &band{lo: math.Min(low, high), hi: math.Max(low, high)}
		p.Add(b)
		c.AddLegend(fmt.Sprintf("settlement range %s to %s", v.Format(b.lo), v.Format(b.hi)), legendThumb(bandColor))
	}
	top := 0.0
	n := float64(max(total(v.Histogram.Counts), 1))
	for _, k := range v.Histogram.Counts {
		top = math.Max(top, float64(k)/n)
	}
	for i, m := range marks {
		l, _ := plotter.NewLine(plotter.XYs{{X: m.X, Y: 0}, {X: m.X, Y: top * 1.05}})
		l.LineStyle.Width = vg.Points(1.5)
		l.LineStyle.Color = Palette[(i+1)%len(Palette)]
		l.LineStyle.Dashes = []vg.Length{vg.Points(4), vg.Points(2)}
		p.Add(l)
		c.AddLegend(fmt.Sprintf("%s %s", m.Label, v.Format(m.X)), l)
	}
	p.X.Tick.Marker = ticker{v.Format}
	p.Y.Tick.Marker = ticker{percent}
	p.Y.Min = 0
	return c, nil
}

// band shades the x range [lo, hi] over the whole height of the plot.
type band struct{ lo, hi float64 }

func (b *band) Plot(c draw.Canvas, p *plot.Plot) {
	tx, _ := p.Transforms(&c)
	x0, x1 := tx(b.lo), tx(b.hi)
	c.FillPolygon(bandColor, c.ClipPolygonX([]vg.Point{{X: x0, Y: c.Min.Y}, {X: x0, Y: c.Max.Y}, {X: x1, Y: c.Max.Y}, {X: x1, Y: c.Min.Y}}))
}

func (b *band) DataRange() (xmin, xmax, ymin, ymax float64) {
	return b.lo, b.hi, math.Inf(1), math.Inf(-1)
}
