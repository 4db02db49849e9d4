package chart

import (
	"errors"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/settle-sim/settle/engine/money"
)

// VOIBar is the value of perfect information on one input or group, with
// its standard error.
type VOIBar struct {
	Label     string
	Value, SE float64
}

// VOI draws the value of information of a decision input by input: a bar
// for each, largest at the top, with a whisker of ±2 standard errors, and
// the value of perfect information on everything (EVPI) as a dashed line
// no bar can pass. format shows the amounts (money.Format if nil).
func VOI(title string, evpi float64, bars []VOIBar, format func(float64) string) (*Chart, error) {
	if len(bars) == 0 {
		return nil, errors.New("chart: a value-of-information chart needs at least one input")
	}
	if format == nil {
		format = money.Format
	}
	p := newPlot(title, "value of knowing it before deciding", "")
	hb := &hbars{n: len(bars), xmin: 0, xmax: evpi * 1.08}
	names := make([]string, len(bars))
	for i, b := range bars {
		y := float64(len(bars) - 1 - i)
		names[len(bars)-1-i] = b.Label
		hb.add(hbar{y: y, from: 0, to: b.Value, lo: b.Value - 2*b.SE, hi: b.Value + 2*b.SE, col: Palette[0], whisker: b.SE > 0})
	}
	p.Add(hb)
	line, err := plotter.NewLine(plotter.XYs{{X: evpi, Y: -0.6}, {X: evpi, Y: float64(len(bars)) - 0.4}})
	if err != nil {
		return nil, err
	}
	line.LineStyle.Color = markColor
	line.LineStyle.Width = vg.Points(1.5)
	line.LineStyle.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	p.Add(line)
	p.NominalY(names...)
	p.X.Tick.Marker = ticker{format}
	p.X.Min = 0
	p.Legend.Add("perfect information on everything (EVPI) "+format(evpi), line)
	p.Legend.Add("±2 standard errors", whiskerThumb{})
	p.Legend.Top, p.Legend.Left = false, false
	return &Chart{Plot: p}, nil
}

// SobolBar is one input's first-order and total Sobol' indices with
// their intervals.
type SobolBar struct {
	Input                   string
	First, FirstLo, FirstHi float64
	Total, TotalLo, TotalHi float64
}

// Sobol draws an output's Sobol' indices input by input, largest total at
// the top: the first-order index (the share of the output's variance the
// input explains alone) as a dark bar and the total index (with its
// interactions) as a light one, each with its interval as a whisker.
func Sobol(title string, bars []SobolBar) (*Chart, error) {
	if len(bars) == 0 {
		return nil, errors.New("chart: a Sobol' chart needs at least one input")
	}
	p := newPlot(title, "share of the output's variance", "")
	hb := &hbars{n: len(bars), xmin: 0, xmax: 1e-9}
	names := make([]string, len(bars))
	light := color.NRGBA{0x1f, 0x6f, 0xb4, 0x55}
	for i, b := range bars {
		y := float64(len(bars) - 1 - i)
		names[len(bars)-1-i] = b.Input
		hb.add(hbar{y: y + 0.17, half: 0.17, from: 0, to: b.Total, lo: b.TotalLo, hi: b.TotalHi, col: light, whisker: true})
		hb.add(hbar{y: y - 0.17, half: 0.17, from: 0, to: b.First, lo: b.FirstLo, hi: b.FirstHi, col: Palette[0], whisker: true})
	}
	p.Add(hb)
	p.NominalY(names...)
	p.X.Tick.Marker = ticker{percent}
	p.X.Min = 0
	p.Legend.Add("total (with interactions)", legendThumb(light))
	p.Legend.Add("first-order (alone)", legendThumb(Palette[0]))
	p.Legend.Top, p.Legend.Left = false, false
	return &Chart{Plot: p}, nil
}

// SpiderLine is an output's mean with one input held at each of its
// percentiles P (as probabilities).
type SpiderLine struct {
	Input string
	P     []float64
	Mean  []float64
}

// spiderLines is the most lines a spider chart draws.
const spiderLines = 6

// Spider draws an output's mean (y) as each input moves across its
// percentiles (x), one line an input, the first spiderLines given (the
// widest, as they come from the document). A flat line is an input that
// does not matter; a steep one, an input worth arguing about.
func Spider(title, output string, lines []SpiderLine, format func(float64) string) (*Chart, error) {
	if len(lines) == 0 {
		return nil, errors.New("chart: a spider needs at least one input")
	}
	if format == nil {
		format = money.FormatNumber
	}
	p := newPlot(title, "percentile of the input held", "mean of "+output)
	for i, l := range lines[:min(len(lines), spiderLines)] {
		xys := make(plotter.XYs, len(l.P))
		for k := range l.P {
			xys[k] = plotter.XY{X: l.P[k], Y: l.Mean[k]}
		}
		line, points, err := plotter.NewLinePoints(xys)
		if err != nil {
			return nil, err
		}
		c := Palette[i%len(Palette)]
		line.LineStyle.Color, line.LineStyle.Width = c, vg.Points(2)
		points.Color, points.Radius = c, vg.Points(2.5)
		p.Add(line, points)
		p.Legend.Add(l.Input, line, points)
	}
	p.X.Tick.Marker = ticker{percent}
	p.Y.Tick.Marker = ticker{format}
	p.X.Min, p.X.Max = 0, 1
	p.Legend.Top, p.Legend.Left = true, true
	return &Chart{Plot: p}, nil
}

// hbar is one horizontal bar at y, from one value to another, with an
// optional whisker from lo to hi.
type hbar struct {
	y, half          float64
	from, to, lo, hi float64
	col              color.Color
	whisker          bool
}

// hbars draws horizontal bars on a nominal y axis of n places.
type hbars struct {
	n          int
	bars       []hbar
	xmin, xmax float64
}

func (h *hbars) add(b hbar) {
	if b.half == 0 {
		b.half = 0.35
	}
	h.bars = append(h.bars, b)
	for _, x := range []float64{b.from, b.to, b.lo, b.hi} {
		if !math.IsNaN(x) && !math.IsInf(x, 0) {
			h.xmin, h.xmax = math.Min(h.xmin, x), math.Max(h.xmax, x)
		}
	}
}

func (h *hbars) Plot(c draw.Canvas, p *plot.Plot) {
	tx, ty := p.Transforms(&c)
	for _, b := range h.bars {
		x0, x1 := tx(b.from), tx(b.to)
		y0, y1 := ty(b.y-b.half), ty(b.y+b.half)
		c.FillPolygon(b.col, c.ClipPolygonXY([]vg.Point{{X: x0, Y: y0}, {X: x0, Y: y1}, {X: x1, Y: y1}, {X: x1, Y: y0}}))
		if !b.whisker {
			continue
		}
		ls := draw.LineStyle{Color: color.Gray{0x33}, Width: vg.Points(1)}
		wl, wh := tx(math.Max(b.lo, h.xmin)), tx(b.hi)
		ym, tick := ty(b.y), (y1-y0)/4
		c.StrokeLines(ls, c.ClipLinesXY([]vg.Point{{X: wl, Y: ym}, {X: wh, Y: ym}})...)
		c.StrokeLines(ls, c.ClipLinesXY([]vg.Point{{X: wl, Y: ym - tick}, {X: wl, Y: ym + tick}})...)
		c.StrokeLines(ls, c.ClipLinesXY([]vg.Point{{X: wh, Y: ym - tick}, {X: wh, Y: ym + tick}})...)
	}
}

func (h *hbars) DataRange() (xmin, xmax, ymin, ymax float64) {
	pad := (h.xmax - h.xmin) * 0.05
	return h.xmin, h.xmax + pad, -0.6, float64(h.n) - 0.4
}

// whiskerThumb is a whisker's legend entry.
type whiskerThumb struct{}

func (whiskerThumb) Thumbnail(cv *draw.Canvas) {
	ls := draw.LineStyle{Color: color.Gray{0x33}, Width: vg.Points(1)}
	ym := (cv.Min.Y + cv.Max.Y) / 2
	cv.StrokeLine2(ls, cv.Min.X, ym, cv.Max.X, ym)
	cv.StrokeLine2(ls, cv.Min.X, cv.Min.Y, cv.Min.X, cv.Max.Y)
	cv.StrokeLine2(ls, cv.Max.X, cv.Min.Y, cv.Max.X, cv.Max.Y)
}
