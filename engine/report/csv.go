package report

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/stats"
)

// CSVColumns are the columns of a result as CSV, in order: one table
// whose rows are of several sections, each filling the columns that
// apply to it and leaving the others empty (docs/results.md):
//
//   - run: what made the figures (Provenance.Fields), name the field
//     (scenario, scenario_sha256, position, view, set, offer, sampler,
//     seed, trials, settle_version) and detail its value, one row each;
//   - output, input: a var's summary, kind to p99;
//   - process (a scenario with stages): the chances of reaching and
//     settling at each stage and of judgment, in mean, and the years to
//     resolution and the figure, as vars;
//   - statistic: a statistic of the scenario's, kind its kind, value and
//     value_se, n the trials it rests on, detail its expression;
//   - party: a party's net outcome (mean, sd, se, p_loss, quantiles),
//     its certainty equivalent, its court outcome, its reservation value,
//     side, attitude and, under an offer, the offer's columns; detail the
//     position files of its own view;
//   - settlement: the settlement range, name the settlement figure.
var CSVColumns = append(append([]string{"section", "name", "kind", "type", "unit", "mean", "sd", "se", "min", "max", "p_positive"},
	stats.ProbNames...),
	"value", "value_se", "n",
	"ce", "ce_se", "p_loss", "court_mean", "court_sd", "court_ce", "court_ce_se", "court_p_loss",
	"reservation", "reservation_se", "reservation_method", "side", "attitude", "risk_tolerance",
	"offer", "settled_ce", "settled_ce_se", "p_beats_court", "accepts",
	"low", "high", "width", "range_exists",
	"detail")

// csvRow is one row being filled by column name.
type csvRow map[string]string

// WriteCSV writes d as one CSV table of the columns CSVColumns lists:
// rows of sections run, output, input, process, statistic, party and
// settlement.
// Numbers are plain (shortest form that reads back exactly), true/false
// values true or false.
func WriteCSV(w io.Writer, d *Document) error {
	cw := csv.NewWriter(w)
	cw.Write(CSVColumns)
	put := func(r csvRow) {
		rec := make([]string, len(CSVColumns))
		for i, c := range CSVColumns {
			rec[i] = r[c]
		}
		cw.Write(rec)
	}
	for _, f := range d.Provenance().Fields() {
		put(csvRow{"section": "run", "name": f[0], "detail": f[1]})
		if f[0] == "scenario" && d.Scenario.SHA256 != "" {
			put(csvRow{"section": "run", "name": "scenario_sha256", "detail": d.Scenario.SHA256})
		}
	}
	// Rows laid out as varRow lays them: the first columns, in order.
	putRow := func(row []string) {
		r := csvRow{}
		for i, x := range row {
			r[CSVColumns[i]] = x
		}
		put(r)
	}
	for _, sec := range []struct {
		name string
		vars Vars
	}{{"output", d.Outputs}, {"input", d.Inputs}} {
		for i := range sec.vars {
			putRow(varRow(sec.name, &sec.vars[i]))
		}
	}
	for _, row := range processRows(d) {
		putRow(row)
	}
	for _, s := range d.Statistics {
		r := csvRow{"section": "statistic", "name": s.Name, "kind": s.Kind, "type": model.Number.String(), "unit": s.Unit,
			"value": optNum(s.Value), "value_se": optNum(s.SE), "n": strconv.Itoa(s.N), "detail": s.Expr}
		put(r)
	}
	for _, p := range d.Parties {
		r := csvRow{"section": "party", "name": p.Name, "type": model.Number.String(), "unit": model.Money,
			"mean": num(p.Net.Mean), "sd": num(p.Net.SD), "ce": num(p.Net.CE), "ce_se": num(p.Net.CESE), "p_loss": num(p.Net.PLoss),
			"reservation": num(p.Reservation), "reservation_se": num(p.ReservationSE),
			"reservation_method": p.ReservationMethod, "side": p.Side, "attitude": p.Attitude, "detail": strings.Join(p.View, ";")}
		if c := p.Court; c != nil {
			r["court_mean"], r["court_sd"], r["court_ce"], r["court_ce_se"], r["court_p_loss"] = num(c.Mean), num(c.SD), num(c.CE), num(c.CESE), num(c.PLoss)
		}
		if d.Trials > 0 {
			r["se"] = num(p.Net.SD / math.Sqrt(float64(d.Trials)))
		}
		if p.Attitude == "exponential" {
			r["risk_tolerance"] = num(p.RiskTolerance)
		}
		quantiles(r, p.Net.Quantiles)
		if o := p.Offer; o != nil {
			r["offer"], r["settled_ce"], r["settled_ce_se"] = num(o.Figure), num(o.SettledCE), num(o.SettledSE)
			r["p_beats_court"], r["accepts"] = optNum(o.BeatsCourt), strconv.FormatBool(o.Accepts)
		}
		put(r)
	}
	if st := d.Settlement; st != nil {
		put(csvRow{"section": "settlement", "name": st.Figure, "type": model.Number.String(), "unit": model.Money,
			"low": num(st.Low), "high": num(st.High), "width": num(st.Width), "range_exists": strconv.FormatBool(st.Exists)})
	}
	cw.Flush()
	return cw.Error()
}

func quantiles(r csvRow, q Quantiles) {
	for i, x := range q {
		if i < len(stats.ProbNames) {
			r[stats.ProbNames[i]] = num(x)
		}
	}
}

func optNum(x *float64) string {
	if x == nil {
		return ""
	}
	return num(*x)
}
