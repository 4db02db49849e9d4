package report

import (
	"cmp"
	"fmt"
	"io"
	"slices"

	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/sensitivity"
)

// SobolIndices are an output's Sobol' indices, one an input (or group of
// correlated inputs), in evaluation order; in JSON an object keyed by
// input: sensitivity[…].sobol.<input>.{first, total, …}.
type SobolIndices []sensitivity.SobolIndex

// MarshalJSON writes s as an object keyed by input, in order.
func (s SobolIndices) MarshalJSON() ([]byte, error) {
	return marshalObject(len(s), func(i int) (string, any) { return s[i].Input, s[i] })
}

// UnmarshalJSON reads an object of indices, keeping its order.
func (s *SobolIndices) UnmarshalJSON(data []byte) error {
	return readObject(data, "sobol.", (*[]sensitivity.SobolIndex)(s), func(ix *sensitivity.SobolIndex, key string) { ix.Input = key })
}

// sobolRows is the most inputs a Sobol' table shows for an output.
const sobolRows = 8

// writeSobol writes each output's Sobol' indices, largest total first,
// leaving out inputs whose total index is below half a percent at the top
// of its interval.
func writeSobol(w io.Writer, d *Document, md bool) {
	shown := false
	for _, s := range d.Sensitivity {
		if len(s.Sobol) == 0 {
			continue
		}
		byTotal := slices.Clone(s.Sobol)
		slices.SortStableFunc(byTotal, func(a, b sensitivity.SobolIndex) int { return cmp.Compare(b.Total, a.Total) })
		head := []string{"", "first", "95% interval", "total", "95% interval", "interactions"}
		var rows [][]string
		for _, ix := range byTotal {
			if len(rows) == sobolRows || ix.TotalHi < 0.005 {
				break
			}
			rows = append(rows, []string{ix.Input, share(ix.First), share(ix.FirstLo) + " to " + share(ix.FirstHi),
				share(ix.Total), share(ix.TotalLo) + " to " + share(ix.TotalHi), share(max(ix.Total-ix.First, 0))})
		}
		if len(rows) > 0 {
			writeGrid(w, "variance of "+s.Output, head, rows, md)
			shown = true
		}
	}
	if shown {
		fmt.Fprintf(w, "\nSobol' indices: the share of an output's variance an input explains alone (first) and with its interactions (total), from a Saltelli design of %s trials a matrix (docs/sensitivity.md).\n",
			money.FormatNumber(float64(d.SobolTrials)))
	}
}

// share formats an index as a percentage.
func share(x float64) string { return money.FormatPercent(x) }

// writeSpider writes each output's mean as each input moves across its
// percentiles, the widest lines first.
func writeSpider(w io.Writer, d *Document, md bool) {
	for _, s := range d.Sensitivity {
		v := d.Outputs.lookup(s.Output)
		if v == nil || v.IsBool() || len(s.Spider) == 0 {
			continue
		}
		head := []string{""}
		for _, p := range s.Spider[0].Points {
			head = append(head, fmt.Sprintf("at p%.0f", 100*p.P))
		}
		var rows [][]string
		for _, l := range s.Spider {
			if len(rows) == tornadoRows || l.Range == 0 {
				break
			}
			row := []string{l.Input}
			for _, p := range l.Points {
				row = append(row, v.Format(p.Mean))
			}
			rows = append(rows, row)
		}
		if len(rows) > 0 {
			writeGrid(w, "mean of "+s.Output+" with each input held", head, rows, md)
		}
	}
}
