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
			Name: p.Name, Attitude: attitude(p),
			NetExpectedValue: p.Net.Mean, NetCertaintyEquivalent: p.Net.CE,
			HasReservation: true, Reservation: p.Reservation,
			Money: v == nil || v.Unit == model.Money,
		}
		if p.Court != nil {
			pt.Output, pt.ExpectedValue, pt.CertaintyEquivalent = p.Court.Output, p.Court.Mean, p.Court.CE
		}
		if p.GoingOn != nil {
			pt.CertaintyEquivalent = *p.GoingOn
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
			t.Bars = append(t.Bars, chart.TornadoBar{Input: b.Input, Low: b.MeanLow, High: b.MeanHigh})
		}
		x.Tornadoes = append(x.Tornadoes, t)
	}
	driversOf(d, &x)
	return x
}

func attitude(p report.Party) string {
	if p.Attitude == "exponential" {
		return "risk tolerance " + money.Format(p.RiskTolerance)
	}
	return "risk-neutral"
}
