package htmlreport

import "github.com/settle-sim/settle/engine/report"

// ExtrasOf takes the parties, the settlement range and the tornadoes out
// of a result document.
//
// HOOK: report.Document has no parties or sensitivity sections yet, so
// this returns none and the report shows only distributions. When they
// are added, fill Extras here from them: a Party per party (its
// expected value, certainty equivalent, reservation value and the output
// holding its net outcome), the Range from the two reservation values,
// and a Tornado per output with a sensitivity section (base = the
// output's mean; a chart.TornadoBar per input with the output's mean at
// the input's low and high values). Write renders whatever is set.
func ExtrasOf(d *report.Document) Extras {
	_ = d
	return Extras{}
}
