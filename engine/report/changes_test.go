package report_test

import (
	"bytes"
	"regexp"
	"testing"

	"github.com/settle-sim/settle/engine/report"
)

// What changed between two runs includes the scenario's statistics,
// marked where the change exceeds twice its standard error.
func TestWriteChangesStatistics(t *testing.T) {
	f := func(x float64) *float64 { return &x }
	old := &report.Document{Statistics: report.Statistics{
		{Name: "big_win", Unit: "probability", Value: f(0.20), SE: f(0.003)},
		{Name: "award", Unit: "GBP", Value: f(300e6), SE: f(1e6)},
	}}
	new := &report.Document{Statistics: report.Statistics{
		{Name: "big_win", Unit: "probability", Value: f(0.25), SE: f(0.003)},
		{Name: "award", Unit: "GBP", Value: f(300.5e6), SE: f(1e6)},
		{Name: "fresh", Unit: "GBP", Value: f(1e6), SE: f(1e3)},
	}}
	var b bytes.Buffer
	report.WriteChanges(&b, old, new)
	for _, re := range []string{
		`(?m)^ +big_win +statistic +20\.0% +→ 25\.0% +\+5\.0% +\* *$`,
		`(?m)^ +award +statistic +£300\.0m +→ £300\.5m +\+£500\.0k +$`,
		`(?m)^ +fresh +statistic +\(new\) +→ £1\.0m`,
	} {
		if !regexp.MustCompile(re).Match(b.Bytes()) {
			t.Errorf("no match for %s in\n%s", re, b.String())
		}
	}
}
