package htmlreport

import (
	"fmt"

	"github.com/settle-sim/settle/engine/chart"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/report"
)

// processV is how the disputes of a scenario with stages ended.
type processV struct {
	Rows    []processRow
	Note    string
	Figures []figure // the timeline and where it ends
	Parties []processParty
	First   string
}

type processRow struct{ Ending, Reach, Settle, Figure string }

type processParty struct{ Name, Settled, Judgment, Reservation, GoingOn string }

// process fills rv.Process from d's process section, if it has one.
func (rv *resultV) process(d *report.Document) error {
	pr := d.Process
	if pr == nil {
		return nil
	}
	pv := &processV{First: pr.Estimator.FirstStage}
	for _, op := range pr.Opportunities {
		row := processRow{Ending: "settle before " + op.Stage, Reach: money.FormatPercent(op.PReach), Settle: money.FormatPercent(op.PSettle), Figure: "—"}
		if op.MeanFigure != nil {
			row.Figure = money.Format(*op.MeanFigure)
		}
		pv.Rows = append(pv.Rows, row)
	}
	pv.Rows = append(pv.Rows, processRow{Ending: "judgment", Reach: money.FormatPercent(pr.PJudgment), Settle: money.FormatPercent(pr.PJudgment), Figure: "—"})
	y := pr.Years
	pv.Note = fmt.Sprintf("The dispute lasts %s years on average (p5 %s, p50 %s, p95 %s).", money.FormatNumber(y.Mean),
		money.FormatNumber(y.Quantile("p5")), money.FormatNumber(y.Quantile("p50")), money.FormatNumber(y.Quantile("p95")))
	if f := pr.Figure; f != nil {
		pv.Note += fmt.Sprintf(" Where the parties settle, the figure is %s on average.", f.Format(f.Mean))
	}
	mean := func(v *report.Var) string {
		if v == nil {
			return "—"
		}
		return v.Format(v.Mean)
	}
	for _, pp := range pr.Parties {
		pv.Parties = append(pv.Parties, processParty{Name: pp.Name, Settled: mean(pp.Settled), Judgment: mean(pp.Judgment),
			Reservation: money.Format(pp.Reservation), GoingOn: money.Format(pp.GoingOn)})
	}
	c, err := chart.Timeline(pr, "how long the dispute lasts")
	f, err := svg(c, err, "timeline", "years_to_resolution", "the share of disputes still open against the years from now")
	if err != nil {
		return err
	}
	pv.Figures = append(pv.Figures, f)
	c, err = chart.Endings(pr, "where the dispute ends")
	f, err = svg(c, err, "endings", "settlement_stage", "where the disputes end: settled before each stage, or in judgment")
	if err != nil {
		return err
	}
	pv.Figures = append(pv.Figures, f)
	rv.Process = pv
	return nil
}
