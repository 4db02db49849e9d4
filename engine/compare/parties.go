package compare

import (
	"fmt"
	"math"
	"strings"

	"github.com/settle-sim/settle/engine/decision"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/stats"
)

// PartyRow is the comparison of one party's view: its certainty
// equivalent and reservation value, old and new. They are tested as
// figures (parties.NAME.ce, parties.NAME.reservation; see Figure).
type PartyRow struct {
	Name           string `json:"name"`
	Side           string `json:"side"`
	CEOld          Num    `json:"ce_old"` // certainty equivalent of the net outcome
	CENew          Num    `json:"ce_new"`
	CEAbs          Num    `json:"ce_abs"`
	CERel          Num    `json:"ce_rel"`
	ReservationOld Num    `json:"reservation_old"` // the settlement figure that leaves the party indifferent to court
	ReservationNew Num    `json:"reservation_new"`
	ReservationAbs Num    `json:"reservation_abs"`
	ReservationRel Num    `json:"reservation_rel"`

	currency string // the code of the currency of its amounts; "" for GBP
}

func (r *Result) parties(old, new *Side) {
	oldBy := map[string]report.Party{}
	for _, p := range old.Parties {
		oldBy[p.Name] = p
	}
	seen := map[string]bool{}
	for _, np := range new.Parties {
		seen[np.Name] = true
		op, ok := oldBy[np.Name]
		if !ok {
			r.NotCompared = append(r.NotCompared, Mismatch{"party " + np.Name, "only in new"})
			continue
		}
		if old.Currency != new.Currency {
			r.NotCompared = append(r.NotCompared, Mismatch{"party " + np.Name, fmt.Sprintf("amounts in %s in old, %s in new",
				money.CurrencyOf(old.Currency).Code, money.CurrencyOf(new.Currency).Code)})
			continue
		}
		pr := PartyRow{Name: np.Name, Side: np.Side, CEOld: Num(op.Net.CE), CENew: Num(np.Net.CE),
			ReservationOld: Num(op.Reservation), ReservationNew: Num(np.Reservation), currency: new.Currency}
		pr.CEAbs, pr.CERel = change(op.Net.CE, np.Net.CE)
		pr.ReservationAbs, pr.ReservationRel = change(op.Reservation, np.Reservation)
		r.Parties = append(r.Parties, pr)
	}
	for _, op := range old.Parties {
		if !seen[op.Name] {
			r.NotCompared = append(r.NotCompared, Mismatch{"party " + op.Name, "only in old"})
		}
	}
}

// decisionFigures are the figures of a document's statistics and
// parties, with their standard errors:
//
//	statistics.<name>              a statistic the scenario declares
//	parties.<party>.ce             the certainty equivalent of its net outcome
//	parties.<party>.reservation    its reservation value
//
// A statistic that rests on no trial, and a party's figure from a
// document without standard errors (settle 0.2.0 and before), has none.
func decisionFigures(d *report.Document) []Figure {
	var fs []Figure
	for _, s := range d.Statistics {
		if s.Value != nil && s.SE != nil {
			fs = append(fs, Figure{"statistics." + s.Name, s.Unit, *s.Value, *s.SE})
		}
	}
	unit := d.Money().Code // amounts are in the document's currency
	for _, p := range d.Parties {
		if p.Net.CESE > 0 {
			fs = append(fs, Figure{"parties." + p.Name + ".ce", unit, p.Net.CE, p.Net.CESE})
		}
		if p.ReservationSE > 0 {
			fs = append(fs, Figure{"parties." + p.Name + ".reservation", unit, p.Reservation, p.ReservationSE})
		}
	}
	return fs
}

// pairedFigure tests the change in the figure called name trial by trial
// when it is a party's certainty equivalent (parties.NAME.ce) and both
// sides have the party's net outcome per trial from the same seed and
// trials: a paired test on the trials' influences on the two certainty
// equivalents (the delta method; decision.Attitude.Influence), which
// keeps the common random numbers' correlation as the paired test of
// means does, and finds changes far below the two standard errors'.
func pairedFigure(name string, of, nf Figure, old, new *Side, conf float64) (MeanTest, bool) {
	party, ok := strings.CutPrefix(name, "parties.")
	if party, ok = strings.CutSuffix(party, ".ce"); !ok || !pairable(old, new) {
		return MeanTest{}, false
	}
	op, ok1 := partyOf(old, party)
	np, ok2 := partyOf(new, party)
	if !ok1 || !ok2 || op.Net.Output != np.Net.Output {
		return MeanTest{}, false
	}
	xs, ys := old.Samples[op.Net.Output], new.Samples[np.Net.Output]
	if xs == nil || ys == nil {
		return MeanTest{}, false
	}
	xs, ys = roundPair(old, new, xs, ys)
	psiOld, psiNew := make([]float64, len(xs)), make([]float64, len(ys))
	attitude(op).Influence(xs, psiOld)
	attitude(np).Influence(ys, psiNew)
	for i := range psiNew {
		psiNew[i] -= psiOld[i]
	}
	return pairedOn(psiNew, of.Value, nf.Value, new.Trials, conf), true
}

func partyOf(s *Side, name string) (report.Party, bool) {
	for _, p := range s.Parties {
		if p.Name == name {
			return p, true
		}
	}
	return report.Party{}, false
}

func attitude(p report.Party) decision.Attitude {
	if p.Attitude == "exponential" {
		return decision.Attitude{RiskTolerance: p.RiskTolerance}
	}
	return decision.Attitude{}
}

// pairedOn is the paired test of a change old → new whose per-trial
// contributions are d (differences of influences, or of values), known
// for the first len(d) of n trials: the change is new − old as estimated
// from all n trials, its standard error sd(d)/√n with len(d) − 1 degrees
// of freedom: the spread of the pairs is estimated from those known,
// and the change rests on every trial. With every trial (len(d) = n)
// this is the paired t-test.
func pairedOn(d []float64, old, new float64, n int, conf float64) MeanTest {
	k := len(d)
	var m stats.Sum
	for _, x := range d {
		m.Add(x)
	}
	mean := m.Value() / float64(k)
	var ss stats.Sum
	for _, x := range d {
		ss.Add((x - mean) * (x - mean))
	}
	t := MeanTest{Diff: new - old, DF: float64(k - 1)}
	if k > 1 {
		t.SE = math.Sqrt(ss.Value()/float64(k-1)) / math.Sqrt(float64(n))
	}
	return t.finish(conf)
}
