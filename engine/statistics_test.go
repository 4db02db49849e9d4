package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/project"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/statistic"
)

// statsScenario extends the reference case with one statistic of each
// kind, conditional and not.
const statsScenario = `name: statistics
extends: %s
statistics:
  big_win: P(supplier_net > £50m)
  buyer_p975: p97.5(buyer_cost)
  award_if_liable:
    expr: mean(court_award | liability)
    doc: What the court awards when it finds the buyer liable.
  spread_in_court: sd(supplier_net | !settles)
  settle_if_liable: P(settles | liability)
  median_claim_if_liable: median(claim | liability)
  never: mean(claim | claim < 0)
`

// The statistics of a run are those of its columns, computed directly;
// they do not depend on the number of workers; and a run above the
// exact limit, which streams them, gives the same probabilities, means
// and standard deviations and quantiles within the sketch's accuracy.
func TestStatistics(t *testing.T) {
	dir := t.TempDir()
	abs, err := filepath.Abs(reference)
	if err != nil {
		t.Fatal(err)
	}
	rel, err := filepath.Rel(dir, abs)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(path, []byte(fmt.Sprintf(statsScenario, rel)), 0o644); err != nil {
		t.Fatal(err)
	}
	// The scenario lies outside the repository it extends: the root is
	// the file system's.
	p, err := engine.Spec{Path: path, Project: project.Options{Root: "/"}}.Load()
	if err != nil {
		t.Fatal(err)
	}
	opt := engine.Options{Trials: 20_000, Seed: 11, Workers: 1}
	res, err := engine.Run(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Statistics) != 7 {
		t.Fatalf("%d statistics, want 7", len(res.Statistics))
	}
	col := func(name string) []float64 {
		for _, cs := range [][]*engine.Column{res.Outputs, res.Inputs} {
			for _, c := range cs {
				if c.Var.Name == name {
					return c.Values
				}
			}
		}
		t.Fatalf("no column %s", name)
		return nil
	}
	net, liable, award := col("supplier_net"), col("liability"), col("court_award")
	var wins, nLiable int
	var awardSum float64
	for i := range net {
		if net[i] > 50e6 {
			wins++
		}
		if liable[i] != 0 {
			nLiable++
			awardSum += award[i]
		}
	}
	byName := map[string]engine.StatisticResult{}
	for _, s := range res.Statistics {
		byName[s.Statistic.Name] = s
	}
	pw := float64(wins) / float64(len(net))
	if s := byName["big_win"]; s.Value != pw || math.Abs(s.SE-math.Sqrt(pw*(1-pw)/float64(len(net)))) > 1e-15 || s.N != len(net) {
		t.Errorf("big_win %+v, want %v", s.Estimate, pw)
	}
	if s := byName["award_if_liable"]; math.Abs(s.Value-awardSum/float64(nLiable)) > 1e-6*s.Value || s.N != nLiable || s.Statistic.Unit != "GBP" {
		t.Errorf("award_if_liable %+v (unit %q), want %v over %d trials", s.Estimate, s.Statistic.Unit, awardSum/float64(nLiable), nLiable)
	}
	if s := byName["never"]; s.N != 0 || !math.IsNaN(s.Value) {
		t.Errorf("a condition that never holds: %+v", s.Estimate)
	}
	if s := byName["settle_if_liable"]; s.Statistic.Kind != statistic.Probability || s.Statistic.Unit != "probability" || s.N != nLiable {
		t.Errorf("settle_if_liable %+v", s)
	}

	var want bytes.Buffer
	if err := report.WriteJSON(&want, report.New(res)); err != nil {
		t.Fatal(err)
	}
	if got := runJSON(t, p, engine.Options{Trials: 20_000, Seed: 11, Workers: 3}); !bytes.Equal(got, want.Bytes()) {
		t.Error("statistics depend on the number of workers")
	}

	opt.ExactLimit, opt.Workers = 10_000, 3
	streamed, err := engine.Run(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	for i, s := range streamed.Statistics {
		e := res.Statistics[i]
		tol := 1e-9
		if s.Statistic.Kind == statistic.Quantile {
			tol = 2e-3
		}
		if s.N != e.N || !(math.Abs(s.Value-e.Value) <= tol*math.Abs(e.Value)) && !(math.IsNaN(s.Value) && math.IsNaN(e.Value)) {
			t.Errorf("%s streamed %+v, exact %+v", s.Statistic.Name, s.Estimate, e.Estimate)
		}
	}
	opt.Workers = 1
	again, err := engine.Run(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	for i := range again.Statistics {
		if a, b := again.Statistics[i].Estimate, streamed.Statistics[i].Estimate; a != b && !(math.IsNaN(a.Value) && math.IsNaN(b.Value)) {
			t.Errorf("streamed %s depends on the number of workers: %+v, %+v", again.Statistics[i].Statistic.Name, a, b)
		}
	}
}

// A risk-neutral party's certainty equivalent is its mean, and its
// standard error the mean's.
func TestCertaintyEquivalentSEInRun(t *testing.T) {
	res, err := engine.Run(context.Background(), load(t, reference), engine.Options{Trials: 5000, Seed: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, pr := range res.Parties {
		if pr.Attitude.Neutral() {
			se := pr.Net.SD / math.Sqrt(float64(res.Trials))
			if math.Abs(pr.Net.CESE-se) > 1e-9*se || pr.Net.CE != pr.Net.Mean {
				t.Errorf("%s: CE se %v, mean se %v", pr.Name, pr.Net.CESE, se)
			}
		}
		if !(pr.Reservation.SE > 0) || !(pr.Net.CESE > 0) || !(pr.Court.CESE > 0) {
			t.Errorf("%s: standard errors %v %v %v", pr.Name, pr.Reservation.SE, pr.Net.CESE, pr.Court.CESE)
		}
	}
}
