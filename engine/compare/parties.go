package compare

import (
	"math"

	"github.com/settle-sim/settle/engine/decision"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/stats"
)

// PartyRow is the comparison of one party's view: the certainty
// equivalent of its net outcome and its reservation value, each with the
// change, its confidence interval and a test of "no change".
//
// A certainty equivalent is compared trial by trial when both sides have
// the party's net outcome per trial from runs with the same seed and
// trial count: a paired test on the trials' influences on the two
// certainty equivalents (the delta method; decision.Attitude.Influence),
// which keeps the common random numbers' correlation as the paired test
// of means does. Otherwise, and always for reservation values, the two
// estimates and their standard errors (delta method, in the documents)
// are compared as Welch's test compares means. A document without
// standard errors (settle 0.2.0 and before) leaves the figure untested.
//
// The p-values are adjusted with Holm's method across the parties'
// figures compared, a family apart from the outputs'.
type PartyRow struct {
	Name string `json:"name"`
	Side string `json:"side"`

	CEOld    Num    `json:"ce_old"` // certainty equivalent of the net outcome
	CENew    Num    `json:"ce_new"`
	CESEOld  Num    `json:"ce_se_old"`
	CESENew  Num    `json:"ce_se_new"`
	CEAbs    Num    `json:"ce_abs"`
	CERel    Num    `json:"ce_rel"`
	CELo     Num    `json:"ce_lo"` // confidence interval of CEAbs
	CEHi     Num    `json:"ce_hi"`
	CETest   string `json:"ce_test,omitempty"` // MeanPaired or MeanWelch; "" when not tested
	CEP      Num    `json:"ce_p"`              // Holm-adjusted across the parties' figures
	CESignif bool   `json:"ce_significant"`

	ReservationOld    Num    `json:"reservation_old"` // the settlement figure that leaves the party indifferent to court
	ReservationNew    Num    `json:"reservation_new"`
	ReservationSEOld  Num    `json:"reservation_se_old"`
	ReservationSENew  Num    `json:"reservation_se_new"`
	ReservationAbs    Num    `json:"reservation_abs"`
	ReservationRel    Num    `json:"reservation_rel"`
	ReservationLo     Num    `json:"reservation_lo"`
	ReservationHi     Num    `json:"reservation_hi"`
	ReservationTest   string `json:"reservation_test,omitempty"`
	ReservationP      Num    `json:"reservation_p"`
	ReservationSignif bool   `json:"reservation_significant"`

	// Fired are the policy conditions that fired for the party.
	Fired []string `json:"fired,omitempty"`

	ceP, reservationP float64 // before adjustment; NaN when not tested
}

func (r *Result) parties(old, new *Side, conf float64) {
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
		pr := PartyRow{Name: np.Name, Side: np.Side,
			CEOld: Num(op.Net.CE), CENew: Num(np.Net.CE), CESEOld: Num(op.Net.CESE), CESENew: Num(np.Net.CESE),
			ReservationOld: Num(op.Reservation), ReservationNew: Num(np.Reservation),
			ReservationSEOld: Num(op.ReservationSE), ReservationSENew: Num(np.ReservationSE),
			ceP: math.NaN(), reservationP: math.NaN(), CEP: Num(math.NaN()), ReservationP: Num(math.NaN())}
		pr.CEAbs, pr.CERel = change(op.Net.CE, np.Net.CE)
		pr.ReservationAbs, pr.ReservationRel = change(op.Reservation, np.Reservation)
		pr.CELo, pr.CEHi, pr.ReservationLo, pr.ReservationHi = Num(math.NaN()), Num(math.NaN()), Num(math.NaN()), Num(math.NaN())

		if mt, test, ok := ceTest(op, np, old, new, conf); ok {
			pr.CETest, pr.CELo, pr.CEHi, pr.ceP = test, Num(mt.Lo), Num(mt.Hi), mt.P
		}
		if op.ReservationSE > 0 && np.ReservationSE > 0 {
			mt := Welch(op.Reservation, op.ReservationSE, old.Trials, np.Reservation, np.ReservationSE, new.Trials, conf)
			pr.ReservationTest, pr.ReservationLo, pr.ReservationHi, pr.reservationP = MeanWelch, Num(mt.Lo), Num(mt.Hi), mt.P
		}
		r.Parties = append(r.Parties, pr)
	}
	for _, op := range old.Parties {
		if !seen[op.Name] {
			r.NotCompared = append(r.NotCompared, Mismatch{"party " + op.Name, "only in old"})
		}
	}
}

// ceTest tests the change in a party's certainty equivalent: paired on
// the trials' influences when both sides have its net outcome per trial
// from the same seed and trials, else from the two standard errors.
func ceTest(op, np report.Party, old, new *Side, conf float64) (MeanTest, string, bool) {
	xs, ys := old.Samples[op.Net.Output], new.Samples[np.Net.Output]
	if xs != nil && ys != nil && pairable(old, new) && op.Net.Output == np.Net.Output {
		xs, ys = roundPair(old, new, xs, ys)
		a, b := attitude(op), attitude(np)
		psiOld, psiNew := make([]float64, len(xs)), make([]float64, len(ys))
		a.Influence(xs, psiOld)
		b.Influence(ys, psiNew)
		for i := range psiNew {
			psiNew[i] -= psiOld[i]
		}
		mt := pairedOn(psiNew, op.Net.CE, np.Net.CE, new.Trials, conf)
		return mt, MeanPaired, true
	}
	if op.Net.CESE > 0 && np.Net.CESE > 0 {
		return Welch(op.Net.CE, op.Net.CESE, old.Trials, np.Net.CE, np.Net.CESE, new.Trials, conf), MeanWelch, true
	}
	return MeanTest{}, "", false
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

// adjustParties adjusts the parties' p-values with Holm's method across
// the figures tested and marks the significant ones.
func (r *Result) adjustParties(alpha float64) {
	var ps []float64
	var at []*float64
	for i := range r.Parties {
		pr := &r.Parties[i]
		for _, p := range []*float64{&pr.ceP, &pr.reservationP} {
			if !math.IsNaN(*p) {
				ps = append(ps, *p)
				at = append(at, p)
			}
		}
	}
	adj := Holm(ps)
	for i, p := range at {
		*p = adj[i]
	}
	for i := range r.Parties {
		pr := &r.Parties[i]
		pr.CEP, pr.ReservationP = Num(pr.ceP), Num(pr.reservationP)
		pr.CESignif = pr.ceP < alpha
		pr.ReservationSignif = pr.reservationP < alpha
	}
}

// PartyFields name what a condition over a party's comparison may use.
var PartyFields = []struct{ Name, Doc string }{
	{"name", "the party's name"},
	{"side", `"payee" (receives the settlement figure) or "payer"`},
	{"significant", "the change in its CE or its reservation value is significant"},
	{"ce_old, ce_new", "the certainty equivalent of its net outcome, old and new"},
	{"ce_abs, ce_rel", "new − old, and that over |old|"},
	{"ce_lo, ce_hi", "the confidence interval of ce_abs"},
	{"ce_p, ce_significant", "the change's Holm-adjusted p-value, and whether it is below alpha"},
	{"reservation_old, reservation_new, reservation_abs, reservation_rel, reservation_lo, reservation_hi, reservation_p, reservation_significant",
		"the same for its reservation value"},
}

// partyEnv is the variables a condition sees for a party's comparison;
// figures not tested are NaN and never significant.
func partyEnv(p *PartyRow) map[string]any {
	return map[string]any{
		"name": p.Name, "side": p.Side, "significant": p.CESignif || p.ReservationSignif,
		"ce_old": float64(p.CEOld), "ce_new": float64(p.CENew), "ce_abs": float64(p.CEAbs), "ce_rel": float64(p.CERel),
		"ce_lo": float64(p.CELo), "ce_hi": float64(p.CEHi), "ce_p": float64(p.CEP), "ce_significant": p.CESignif,
		"reservation_old": float64(p.ReservationOld), "reservation_new": float64(p.ReservationNew),
		"reservation_abs": float64(p.ReservationAbs), "reservation_rel": float64(p.ReservationRel),
		"reservation_lo": float64(p.ReservationLo), "reservation_hi": float64(p.ReservationHi),
		"reservation_p": float64(p.ReservationP), "reservation_significant": p.ReservationSignif,
	}
}
