package report

import (
	"fmt"
	"io"
	"strconv"
)

// writeCorrelations writes the declared rank correlations: for each
// pair as asked, as repaired when the declared matrix was not positive
// semi-definite and the nearest valid one was used, and as achieved by
// the run's draws.
func writeCorrelations(w io.Writer, d *Document, md bool) {
	c := d.Correlations
	if c == nil || len(c.Pairs) == 0 {
		return
	}
	head := []string{"pair", "asked"}
	if c.Repaired {
		head = append(head, "repaired")
	}
	head = append(head, "achieved")
	var rows [][]string
	for _, p := range c.Pairs {
		row := []string{p.Inputs[0] + " ~ " + p.Inputs[1], corr(p.Declared)}
		if c.Repaired {
			row = append(row, corr(p.Used))
		}
		achieved := "–"
		if p.Achieved != nil {
			achieved = corr(*p.Achieved)
		}
		rows = append(rows, append(row, achieved))
	}
	writeGrid(w, "rank correlations", head, rows, md)
	if c.Repaired {
		fmt.Fprintln(w, "\nThe correlations asked for cannot hold together (their matrix is not positive semi-definite):\nrepair: nearest imposed the nearest that can.")
	}
}

// corr shows a correlation to two decimals, with its sign.
func corr(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
