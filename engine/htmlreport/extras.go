package htmlreport

import (
	"github.com/settle-sim/settle/engine/chart"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/report"
)

// ExtrasOf takes the parties, the settlement range and the tornadoes out
// of a result document's parties, settlement and sensitivity sections.
// The settlement range is drawn on the distribution of the settlement
// figure, the input or output the settlement section names.
func ExtrasOf(d *report.Document) Extras {
	var x Extras
	for _, p := range d.Parties {
		v := lookup(d.Outputs, p.Net.Output)
		pt := Party{
			Name: p.Name, Attitude: attitude(p, d.Money()),
			NetExpectedValue: p.Net.Mean, NetCertaintyEquivalent: p.Net.CE,
			HasReservation: true, Reservation: p.Reservation,
			Money:   v == nil || model.IsMoney(v.Unit),
			NetCESE: p.Net.CESE, ReservationSE: p.ReservationSE,
		}
		if p.Court != nil {
			pt.Output, pt.ExpectedValue, pt.CertaintyEquivalent = p.Court.Output, p.Court.Mean, p.Court.CE
			pt.CESE = p.Court.CESE
		}
		if p.GoingOn != nil {
			pt.CertaintyEquivalent, pt.CESE = *p.GoingOn, 0
		}
		x.Parties = append(x.Parties, pt)
	}
	if s := d.Settlement; s != nil {
		x.Range = &Range{Output: s.Figure, Exists: s.Exists, Low: s.Low, High: s.High}
	}
	for _, s := range d.Sensitivity {
		v := lookup(d.Outputs, s.Output)
		if v == nil || len(s.Tornado) == 0 {
			continue
		}
		t := Tornado{Output: s.Output, Base: v.Mean}
		for _, b := range s.Tornado {
			if b.MeanLow != b.MeanHigh { // an input that does not move it has no bar
				t.Bars = append(t.Bars, chart.TornadoBar{Input: b.Input, Low: b.MeanLow, High: b.MeanHigh})
			}
		}
		if len(t.Bars) > 0 {
			x.Tornadoes = append(x.Tornadoes, t)
		}
	}
	driversOf(d, &x)
	return x
}

func attitude(p report.Party, cur money.Currency) string {
	if p.Attitude == "exponential" {
		return "risk tolerance " + cur.Format(p.RiskTolerance)
	}
	return "risk-neutral"
}

// RangeVar returns the distribution the settlement range rg of d is
// drawn on: the settlement figure's, among d's outputs and inputs; in a
// scenario with stages, where the engine sets the figure at each
// opportunity, the figure agreed in the trials that settled. nil when d
// has neither.
func RangeVar(d *report.Document, rg *Range) *report.Var {
	if v := lookup(d.Outputs, rg.Output); v != nil {
		return v
	}
	if v := lookup(d.Inputs, rg.Output); v != nil {
		return v
	}
	if d.Process != nil && d.Process.Figure != nil {
		v := *d.Process.Figure
		v.Name = rg.Output + " where settled"
		return &v
	}
	return nil
}
