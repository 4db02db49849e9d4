package compare

import (
	"encoding/csv"
	"io"
	"math"
	"strconv"
)

// CSVHead names the columns of CSVRows: one row per output compared
// (section "output"), then one per party (section "party"), each with
// the columns that apply to it and the others empty.
var CSVHead = []string{
	"section", "name", "unit", "type",
	"mean_old", "mean_new", "mean_abs", "mean_rel", "mean_lo", "mean_hi",
	"p5_old", "p5_new", "p5_abs", "p5_rel",
	"p50_old", "p50_new", "p50_abs", "p50_rel",
	"p95_old", "p95_new", "p95_abs", "p95_rel",
	"mean_test", "mean_p", "dist_test", "ks_d", "ks_p", "p_value", "p_adjusted", "significant", "identical", "fired",
	"ce_old", "ce_new", "ce_abs", "ce_rel", "reservation_old", "reservation_new", "reservation_abs", "reservation_rel",
}

// CSVRows are r's outputs and parties as rows of plain numbers under
// CSVHead; a number that is not finite (a relative change from zero) is
// empty.
func (r *Result) CSVRows() [][]string {
	var rows [][]string
	for _, w := range r.Outputs {
		fired := ""
		for i, f := range w.Fired {
			if i > 0 {
				fired += "; "
			}
			fired += f
		}
		row := []string{"output", w.Name, w.Unit, w.Type,
			csvNum(w.Old.Mean), csvNum(w.New.Mean), csvNum(w.MeanAbs), csvNum(w.MeanRel), csvNum(w.MeanLo), csvNum(w.MeanHi),
			csvNum(w.Old.P5), csvNum(w.New.P5), csvNum(w.P5Abs), csvNum(w.P5Rel),
			csvNum(w.Old.P50), csvNum(w.New.P50), csvNum(w.P50Abs), csvNum(w.P50Rel),
			csvNum(w.Old.P95), csvNum(w.New.P95), csvNum(w.P95Abs), csvNum(w.P95Rel),
			w.MeanTest, csvNum(w.MeanP), w.DistTest, "", "", csvNum(w.P), csvNum(w.PAdj),
			strconv.FormatBool(w.Significant), strconv.FormatBool(w.Identical), fired}
		if w.DistTest != "" {
			row[25], row[26] = csvNum(w.KSD), csvNum(w.KSP)
		}
		rows = append(rows, append(row, make([]string, 8)...))
	}
	for _, p := range r.Parties {
		row := make([]string, len(CSVHead)-8)
		row[0], row[1], row[2] = "party", p.Name, currencyCode(p.currency)
		rows = append(rows, append(row, csvNum(p.CEOld), csvNum(p.CENew), csvNum(p.CEAbs), csvNum(p.CERel),
			csvNum(p.ReservationOld), csvNum(p.ReservationNew), csvNum(p.ReservationAbs), csvNum(p.ReservationRel)))
	}
	return rows
}

// WriteCSV writes r as CSV: a heading row, CSVHead, then CSVRows.
func WriteCSV(w io.Writer, r *Result) error {
	cw := csv.NewWriter(w)
	cw.Write(CSVHead)
	cw.WriteAll(r.CSVRows())
	return cw.Error()
}

func csvNum(x Num) string {
	f := float64(x)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return ""
	}
	return strconv.FormatFloat(f, 'g', -1, 64)
}

// currencyCode is the code of the currency a party's amounts are in.
func currencyCode(code string) string {
	if code == "" {
		return "GBP"
	}
	return code
}
