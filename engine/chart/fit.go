package chart

import (
	"errors"
	"image/color"
	"math"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/settle-sim/settle/engine/money"
)

// Curve is a fitted distribution drawn over data.
type Curve struct {
	Label    string
	CDF      func(x float64) float64
	Quantile func(u float64) float64
}

// FitCDF draws the data's empirical distribution function (a step at
// each value) with the distribution functions of fitted curves over it,
// the first (the best) solid and thick. sorted are the data in order;
// format shows their values (money as money).
func FitCDF(title, xlabel string, sorted []float64, curves []Curve, format func(float64) string) (*Chart, error) {
	if len(sorted) == 0 || len(curves) == 0 {
		return nil, errors.New("chart: a fit chart needs data and a fitted curve")
	}
	if format == nil {
		format = money.FormatNumber
	}
	p := newPlot(title, xlabel, "share of values at or below")
	n := float64(len(sorted))
	steps := make(plotter.XYs, 0, 2*len(sorted))
	for i, x := range sorted {
		steps = append(steps, plotter.XY{X: x, Y: float64(i) / n}, plotter.XY{X: x, Y: float64(i+1) / n})
	}
	data, err := plotter.NewLine(steps)
	if err != nil {
		return nil, err
	}
	data.LineStyle.Color = color.Gray{0x30}
	data.LineStyle.Width = vg.Points(1)
	p.Add(data)
	p.Legend.Add("data", data)
	lo, hi := sorted[0], sorted[len(sorted)-1]
	pad := (hi - lo) / 20
	for i, c := range curves {
		pts := make(plotter.XYs, 201)
		for k := range pts {
			x := lo - pad + (hi-lo+2*pad)*float64(k)/200
			pts[k] = plotter.XY{X: x, Y: c.CDF(x)}
		}
		l, err := plotter.NewLine(pts)
		if err != nil {
			return nil, err
		}
		l.LineStyle.Color = Palette[i%len(Palette)]
		l.LineStyle.Width = vg.Points(1.5)
		if i == 0 {
			l.LineStyle.Width = vg.Points(2.5)
		} else {
			l.LineStyle.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		p.Add(l)
		p.Legend.Add(c.Label, l)
	}
	p.Legend.Left = true
	p.X.Tick.Marker = ticker{format}
	p.Y.Tick.Marker = ticker{percent}
	p.Y.Min, p.Y.Max = 0, 1
	return &Chart{Plot: p}, nil
}

// QQ draws a quantile–quantile plot of the data against a fitted curve:
// the i-th smallest value of n against the fit's quantile at
// (i − ½)/n, with the line y = x on which they lie if the fit is right.
func QQ(title string, sorted []float64, c Curve, format func(float64) string) (*Chart, error) {
	if len(sorted) == 0 || c.Quantile == nil {
		return nil, errors.New("chart: a Q–Q plot needs data and a fitted quantile function")
	}
	if format == nil {
		format = money.FormatNumber
	}
	p := newPlot(title, "quantile of "+c.Label, "data")
	n := float64(len(sorted))
	pts := make(plotter.XYs, 0, len(sorted))
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, x := range sorted {
		q := c.Quantile((float64(i) + 0.5) / n)
		if math.IsNaN(q) || math.IsInf(q, 0) {
			continue
		}
		pts = append(pts, plotter.XY{X: q, Y: x})
		lo, hi = min(lo, q, x), max(hi, q, x)
	}
	if len(pts) == 0 {
		return nil, errors.New("chart: the fit gives no finite quantiles")
	}
	diag, err := plotter.NewLine(plotter.XYs{{X: lo, Y: lo}, {X: hi, Y: hi}})
	if err != nil {
		return nil, err
	}
	diag.LineStyle.Color = markColor
	diag.LineStyle.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
	p.Add(diag)
	sc, err := plotter.NewScatter(pts)
	if err != nil {
		return nil, err
	}
	sc.GlyphStyle.Color = Palette[0]
	sc.GlyphStyle.Radius = vg.Points(1.8)
	sc.GlyphStyle.Shape = draw.CircleGlyph{}
	p.Add(sc)
	p.Legend.Add("data against the fit", sc)
	p.Legend.Add("where they would lie", diag)
	p.Legend.Left = true
	p.X.Tick.Marker = ticker{format}
	p.Y.Tick.Marker = ticker{format}
	return &Chart{Plot: p}, nil
}
