package chart

import (
	"errors"
	"image/color"

	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"

	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/report"
)

// Timeline draws, for a scenario with stages, the probability that the
// dispute is still open against the years from now: a step down at each
// point where disputes settle or end in judgment.
func Timeline(pr *report.Process, title string) (*Chart, error) {
	if pr == nil || len(pr.Timeline) == 0 {
		return nil, errors.New("chart: the result has no process: its scenario has no stages")
	}
	p := newPlot(title, "years from now", "share of disputes still open")
	xy := make(plotter.XYs, len(pr.Timeline))
	for i, tp := range pr.Timeline {
		xy[i] = plotter.XY{X: tp.Years, Y: tp.POpen}
	}
	l, err := plotter.NewLine(xy)
	if err != nil {
		return nil, err
	}
	l.StepStyle = plotter.PostStep
	l.LineStyle.Width = vg.Points(2)
	l.LineStyle.Color = Palette[0]
	p.Add(l)
	p.X.Tick.Marker = ticker{func(x float64) string { return money.FormatNumber(x) }}
	p.Y.Tick.Marker = ticker{percent}
	p.Y.Min, p.Y.Max = 0, 1
	p.X.Min = 0
	return &Chart{Plot: p}, nil
}

// Endings draws, for a scenario with stages, where the disputes end: the
// share settling before each stage where settling is allowed, and the
// share ending in judgment.
func Endings(pr *report.Process, title string) (*Chart, error) {
	if pr == nil {
		return nil, errors.New("chart: the result has no process: its scenario has no stages")
	}
	var names []string
	var shares plotter.Values
	for _, op := range pr.Opportunities {
		names = append(names, "before "+op.Stage)
		shares = append(shares, op.PSettle)
	}
	names = append(names, "judgment")
	shares = append(shares, pr.PJudgment)
	p := newPlot(title, "", "share of disputes")
	bars, err := plotter.NewBarChart(shares, vg.Points(28))
	if err != nil {
		return nil, err
	}
	bars.Color = Palette[0]
	bars.LineStyle.Width = 0
	p.Add(bars)
	judgment, _ := plotter.NewBarChart(judgmentOnly(len(shares), pr.PJudgment), vg.Points(28))
	judgment.Color = color.RGBA{0xd9, 0x5f, 0x02, 0xff}
	judgment.LineStyle.Width = 0
	p.Add(judgment)
	p.NominalX(names...)
	p.X.Min, p.X.Max = -0.6, float64(len(names))-0.4
	p.Y.Tick.Marker = ticker{percent}
	p.Y.Min, p.Y.Max = 0, 1
	return &Chart{Plot: p}, nil
}

// judgmentOnly is n bars, all empty but the last at share.
func judgmentOnly(n int, share float64) plotter.Values {
	v := make(plotter.Values, n)
	v[n-1] = share
	return v
}
