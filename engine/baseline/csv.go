package baseline

import (
	"encoding/csv"
	"io"
	"strings"

	"github.com/settle-sim/settle/engine/compare"
)

// WriteCSV writes r as CSV: a row per output and party compared, each
// with its scenario, the scenario's state and the first line of its
// detail, then compare.CSVHead's columns; a scenario with nothing
// compared (missing, broken, updated) has one row with the first three.
func WriteCSV(w io.Writer, r *Report) error {
	cw := csv.NewWriter(w)
	cw.Write(append([]string{"scenario", "state", "detail"}, compare.CSVHead...))
	for _, c := range r.Cases {
		lead := []string{c.Scenario, c.State, strings.SplitN(c.Detail, "\n", 2)[0]}
		if c.Result == nil {
			cw.Write(append(lead, make([]string, len(compare.CSVHead))...))
			continue
		}
		for _, row := range c.Result.CSVRows() {
			cw.Write(append(append([]string{}, lead...), row...))
		}
	}
	cw.Flush()
	return cw.Error()
}
