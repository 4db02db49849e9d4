package compare

import (
	"fmt"
	"math"

	"github.com/settle-sim/settle/engine/report"
)

// StatisticRow is the comparison of one of the scenarios' statistics
// (statistics: in a scenario): the change in its value, with the
// confidence interval and p-value of Welch's test on the two estimates
// and their standard errors, as for means from summaries. The two runs'
// estimates are taken as independent; when they share random numbers
// (the same seed) the test is conservative. The p-values are adjusted
// with Holm's method across the statistics compared, a family apart from
// the outputs'.
type StatisticRow struct {
	Name string `json:"name"`
	Expr string `json:"expr"`
	Unit string `json:"unit,omitempty"`

	Old   Num `json:"value_old"`
	New   Num `json:"value_new"`
	SEOld Num `json:"se_old"`
	SENew Num `json:"se_new"`
	Abs   Num `json:"value_abs"` // new − old
	Rel   Num `json:"value_rel"` // (new − old) / |old|
	Lo    Num `json:"value_lo"`  // confidence interval of Abs
	Hi    Num `json:"value_hi"`

	Test        string   `json:"test,omitempty"` // MeanWelch; "" when not tested
	P           Num      `json:"p_adjusted"`
	Significant bool     `json:"significant"`
	Identical   bool     `json:"identical"`
	Fired       []string `json:"fired,omitempty"`

	p       float64 // before adjustment; NaN when not tested
	newStat report.Statistic
}

func numOf(x *float64) Num {
	if x == nil {
		return Num(math.NaN())
	}
	return Num(*x)
}

// statistics compares the statistics both sides have.
func (r *Result) statistics(old, new *Side, conf float64) {
	seen := map[string]bool{}
	for _, ns := range new.Statistics {
		seen[ns.Name] = true
		os := old.Statistics.Lookup(ns.Name)
		switch {
		case os == nil:
			r.NotCompared = append(r.NotCompared, Mismatch{"statistic " + ns.Name, "only in new"})
			continue
		case os.Expr != ns.Expr:
			r.NotCompared = append(r.NotCompared, Mismatch{"statistic " + ns.Name, fmt.Sprintf("%s in old, %s in new", os.Expr, ns.Expr)})
			continue
		case os.Unit != ns.Unit:
			r.NotCompared = append(r.NotCompared, Mismatch{"statistic " + ns.Name, fmt.Sprintf("unit %s in old, %s in new", unitName(os.Unit), unitName(ns.Unit))})
			continue
		}
		w := StatisticRow{Name: ns.Name, Expr: ns.Expr, Unit: ns.Unit, newStat: ns,
			Old: numOf(os.Value), New: numOf(ns.Value), SEOld: numOf(os.SE), SENew: numOf(ns.SE),
			Lo: Num(math.NaN()), Hi: Num(math.NaN()), P: Num(math.NaN()), p: math.NaN()}
		w.Identical = os.Value != nil && ns.Value != nil && *os.Value == *ns.Value && os.N == ns.N &&
			(os.SE == nil) == (ns.SE == nil) && (os.SE == nil || *os.SE == *ns.SE)
		if os.Value != nil && ns.Value != nil {
			w.Abs, w.Rel = change(*os.Value, *ns.Value)
		} else {
			w.Abs, w.Rel = Num(math.NaN()), Num(math.NaN())
		}
		if os.Value != nil && ns.Value != nil && os.SE != nil && ns.SE != nil {
			mt := Welch(*os.Value, *os.SE, os.N, *ns.Value, *ns.SE, ns.N, conf)
			w.Test, w.Lo, w.Hi, w.p = MeanWelch, Num(mt.Lo), Num(mt.Hi), mt.P
		}
		r.Statistics = append(r.Statistics, w)
	}
	for _, os := range old.Statistics {
		if !seen[os.Name] {
			r.NotCompared = append(r.NotCompared, Mismatch{"statistic " + os.Name, "only in old"})
		}
	}
	var ps []float64
	var at []int
	for i, w := range r.Statistics {
		if !math.IsNaN(w.p) {
			ps, at = append(ps, w.p), append(at, i)
		}
	}
	for k, p := range Holm(ps) {
		r.Statistics[at[k]].p = p
	}
	for i := range r.Statistics {
		w := &r.Statistics[i]
		w.P = Num(w.p)
		w.Significant = w.p < 1-conf
	}
}

// StatisticFields name what a condition over a statistic's comparison
// may use.
var StatisticFields = []struct{ Name, Doc string }{
	{"name", "the statistic's name"},
	{"unit", `its unit: "GBP" for money, "probability" for P()`},
	{"significant", "the change is statistically significant (p_value < alpha)"},
	{"identical", "the two estimates are the same bit for bit"},
	{"p_value", "the change's p-value, Holm-adjusted across the statistics"},
	{"value_old, value_new", "the statistic's value, old and new (NaN when it rests on no trial)"},
	{"value_abs, value_rel", "new − old, and that over |old|"},
	{"value_lo, value_hi", "the confidence interval of value_abs"},
	{"se_old, se_new", "the standard errors"},
}

func statisticEnv(w *StatisticRow) map[string]any {
	return map[string]any{
		"name": w.Name, "unit": w.Unit, "significant": w.Significant, "identical": w.Identical,
		"p_value":   float64(w.P),
		"value_old": float64(w.Old), "value_new": float64(w.New),
		"value_abs": float64(w.Abs), "value_rel": float64(w.Rel),
		"value_lo": float64(w.Lo), "value_hi": float64(w.Hi),
		"se_old": float64(w.SEOld), "se_new": float64(w.SENew),
	}
}
