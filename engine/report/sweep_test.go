package report_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/report"
)

const reference = "../../scenarios/one-step.yaml"

// A sweep over the settlement figure says, per point and party, whether
// the party accepts: its certainty equivalent of settling at the figure
// against going to court, which is the figure against its reservation
// value; and whether both do, which is the figure inside the settlement
// range. The CSV has the same figures under snake_case names, and every
// row names what made it.
func TestSweepDecisionColumns(t *testing.T) {
	axis, err := engine.ParseAxis("settlement_figure=£50m..£250m:£25m")
	if err != nil {
		t.Fatal(err)
	}
	spec := engine.Spec{Path: reference, Settings: []engine.Setting{{Name: "claim", Value: "£600m"}}}
	res, err := engine.Sweep(context.Background(), spec, []engine.Axis{axis}, engine.Options{Trials: 3000, Seed: 4})
	if err != nil {
		t.Fatal(err)
	}
	d := report.NewSweep(res)
	accepted := map[bool]int{}
	for _, pt := range d.Points {
		figure := pt.Values[0]
		if pt.BothAccept == nil {
			t.Fatalf("point %v: no decision, though the figure is one amount", figure)
		}
		all := true
		for _, p := range pt.Parties {
			if p.SettledCE == nil || p.Accepts == nil || p.BeatsCourt == nil {
				t.Fatalf("point %v: %s has no decision columns", figure, p.Name)
			}
			// The payee (supplier) gains from a larger figure, the payer
			// (buyer) loses: each accepts when settling is worth at
			// least as much to it as court.
			prefers := *p.SettledCE >= *p.CourtCE
			byReservation := figure >= p.Reservation
			if p.Name == "buyer" {
				byReservation = figure <= p.Reservation
			}
			if *p.Accepts != prefers || *p.Accepts != byReservation {
				t.Errorf("figure %v: %s accepts %v; CE of settling %v against court %v, reservation %v",
					figure, p.Name, *p.Accepts, *p.SettledCE, *p.CourtCE, p.Reservation)
			}
			all = all && *p.Accepts
		}
		inRange := pt.Range.Exists && figure >= pt.Range.Low && figure <= pt.Range.High
		if *pt.BothAccept != all || all != inRange {
			t.Errorf("figure %v: both accept %v, each %v, in the range [%v, %v] %v", figure, *pt.BothAccept, all, pt.Range.Low, pt.Range.High, inRange)
		}
		accepted[all]++
	}
	if accepted[true] == 0 || accepted[false] == 0 {
		t.Errorf("no point on one side of the range: %v; widen the axis", accepted)
	}

	var b bytes.Buffer
	if err := report.WriteSweep(&b, d, "csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	head := strings.Join(rows[0], ",")
	for _, want := range []string{"supplier_settled_ce", "supplier_court_ce", "supplier_accepts", "buyer_accepts", "both_accept", "range_low", "set", "seed"} {
		if !strings.Contains(","+head+",", ","+want+",") {
			t.Errorf("CSV header %s has no %s", head, want)
		}
	}
	for _, r := range rows[1:] {
		if len(r) != len(rows[0]) {
			t.Fatalf("row %q has %d cells for %d columns", r, len(r), len(rows[0]))
		}
		rec := map[string]string{}
		for i, h := range rows[0] {
			rec[h] = r[i]
		}
		if rec["set"] != "claim=£600m" || rec["seed"] != "4" || rec["trials"] != "3000" || rec["sampler"] != "random" {
			t.Errorf("row %q does not name what made it", r)
		}
		if a := rec["both_accept"]; a != "true" && a != "false" {
			t.Errorf("both_accept %q", a)
		}
	}
}
