// Package compare compares two runs of a scenario, output by output, as
// benchstat compares benchmarks: the change in the mean with its
// confidence interval, the change in p5, p50 and p95, and whether the
// change is statistically significant. A policy of expr conditions over
// those figures decides whether the change is acceptable.
//
// A run is known from its result document (summaries only) or from its
// per-trial samples. With summaries only, means are compared with
// Welch's t-test. With samples on both sides, means are compared with a
// paired t-test when the two runs used the same seed and trial count
// (they then share random numbers, and the per-trial differences show a
// change far more precisely), with Welch's test otherwise, and the whole
// distributions with a two-sample Kolmogorov–Smirnov test.
//
// Significance is decided for the comparison as a whole: each output's
// p-value is the smallest of its tests' (Bonferroni-corrected when it
// has two), and these are adjusted with Holm's method across outputs, so
// that comparing two runs of an unchanged scenario flags any output in at
// most α (5%) of comparisons.
package compare

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/samples"
	"github.com/settle-sim/settle/engine/stats"
)

// Side is one side of a comparison.
type Side struct {
	Meta
	Outputs report.Vars
	// Parties are the parties' views, when the document has them.
	Parties []report.Party
	// Samples are the per-trial values of outputs by name, when known.
	Samples map[string][]float64
	// Figures are the document's estimates besides its outputs: values
	// of information, Sobol' indices.
	Figures []Figure
}

// Meta identifies a side.
type Meta struct {
	File     string `json:"file"`     // what it was read from, as given
	Scenario string `json:"scenario"` // the scenario's name
	Version  string `json:"settle_version,omitempty"`
	Seed     uint64 `json:"seed"`
	HasSeed  bool   `json:"-"` // false for samples read from CSV
	Untyped  bool   `json:"-"` // units and types unknown (samples read from CSV)
	Trials   int    `json:"trials"`
	Sampled  bool   `json:"samples"` // per-trial samples were available
}

// FromDocument is the side of a result document: summaries only.
func FromDocument(file string, d *report.Document) *Side {
	return &Side{
		Meta:    Meta{File: file, Scenario: d.Scenario.Name, Version: d.Version, Seed: d.Seed, HasSeed: true, Trials: d.Trials},
		Outputs: d.Outputs,
		Parties: d.Parties,
		Figures: Figures(d),
	}
}

// FromResult is the side of a run: its document and its samples.
func FromResult(file string, res *engine.Result) *Side {
	s := FromDocument(file, report.New(res))
	s.Samples = map[string][]float64{}
	for _, c := range res.Outputs {
		s.Samples[c.Var.Name] = c.Values
	}
	s.Sampled = true
	return s
}

// FromSamples is the side of a samples file; the summaries are computed
// from the samples.
func FromSamples(file string, set *samples.Set) *Side {
	s := &Side{
		Meta: Meta{File: file, Scenario: set.Scenario, Version: set.SettleVersion, Seed: set.Seed,
			HasSeed: set.HasSeed, Untyped: set.Untyped, Trials: set.Trials, Sampled: true},
		Outputs: report.Vars{},
		Samples: map[string][]float64{},
	}
	scratch := make([]float64, set.Trials)
	for _, c := range set.Columns {
		if c.Section != samples.Output {
			continue
		}
		bins := 20
		if c.Type == "bool" {
			bins = 2
		}
		sum := stats.Summarize(c.Values, bins, scratch)
		s.Outputs = append(s.Outputs, report.Var{
			Name: c.Name, Kind: "output", Type: c.Type, Unit: c.Unit,
			Mean: sum.Mean, SD: sum.SD, SE: sum.SE, Min: sum.Min, Max: sum.Max, PPositive: sum.PPositive,
			Quantiles: report.Quantiles(sum.Quantiles), Histogram: sum.Histogram,
		})
		s.Samples[c.Name] = c.Values
	}
	return s
}

// Options control a comparison.
type Options struct {
	// Alpha is the significance level; 0 means 0.05. Confidence
	// intervals are at level 1 − Alpha.
	Alpha float64
	// Policy decides which changes fail; nil means none do.
	Policy *Policy
}

// Names of the tests, as reports give them.
const (
	MeanWelch  = "welch"  // Welch's t-test on the means, from summaries
	MeanPaired = "paired" // paired t-test on per-trial differences
	DistKS     = "ks"     // two-sample Kolmogorov–Smirnov test
)

// Result is a comparison.
type Result struct {
	Old   Meta    `json:"old"`
	New   Meta    `json:"new"`
	Alpha float64 `json:"alpha"`
	// Outputs are the outputs compared, in the new side's order.
	Outputs []*Row `json:"outputs"`
	// Parties compares the parties present on both sides: their
	// certainty equivalents and reservation values. These are functions
	// of whole distributions with no standard error in the documents, so
	// they are shown, not tested; the outputs they rest on are tested
	// above.
	Parties []PartyRow `json:"parties,omitempty"`
	// Figures compares the values of information and Sobol' indices
	// both sides have (see Figure).
	Figures []*Row `json:"figures,omitempty"`
	// NotCompared are the outputs (and parties, as "party NAME") that
	// could not be compared, and why.
	NotCompared []Mismatch `json:"not_compared"`
	// Notes are differences in how the two were run: seeds, trials,
	// versions.
	Notes []string `json:"notes"`
	// Policy lists the conditions in force, by output ("*" for all).
	Policy []Rule `json:"policy,omitempty"`
	// Failed is true when a policy condition fired for some output.
	Failed bool `json:"failed"`
}

// Mismatch is an output that could not be compared.
type Mismatch struct {
	Name   string `json:"name"`
	Reason string `json:"reason"`
}

// PartyRow is the comparison of one party's view.
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
}

// Row is the comparison of one output.
type Row struct {
	Name string `json:"name"`
	Unit string `json:"unit,omitempty"`
	Type string `json:"type"`

	Old Stat `json:"old"`
	New Stat `json:"new"`

	MeanAbs Num `json:"mean_abs"` // new − old
	MeanRel Num `json:"mean_rel"` // (new − old) / |old|
	MeanLo  Num `json:"mean_lo"`  // confidence interval of MeanAbs
	MeanHi  Num `json:"mean_hi"`
	P5Abs   Num `json:"p5_abs"`
	P5Rel   Num `json:"p5_rel"`
	P50Abs  Num `json:"p50_abs"`
	P50Rel  Num `json:"p50_rel"`
	P95Abs  Num `json:"p95_abs"`
	P95Rel  Num `json:"p95_rel"`

	MeanTest string `json:"mean_test"` // MeanWelch or MeanPaired
	MeanP    Num    `json:"mean_p"`
	DistTest string `json:"dist_test,omitempty"` // DistKS, when samples were available
	KSD      Num    `json:"ks_d,omitempty"`
	KSP      Num    `json:"ks_p,omitempty"`
	// P is the output's p-value: the smallest of its tests', times the
	// number of tests. PAdj is P adjusted with Holm's method across the
	// outputs compared.
	P           Num  `json:"p"`
	PAdj        Num  `json:"p_adjusted"`
	Significant bool `json:"significant"`

	// Fired are the policy conditions that fired.
	Fired []string `json:"fired,omitempty"`
	// Identical is true when the two summaries are the same bit for bit.
	Identical bool `json:"identical"`

	oldVar, newVar report.Var
}

// Stat are the figures of one side of a row.
type Stat struct {
	Mean Num `json:"mean"`
	SE   Num `json:"se"`
	P5   Num `json:"p5"`
	P50  Num `json:"p50"`
	P95  Num `json:"p95"`
}

// Num is a number that is written to JSON as null when it is not finite
// (a relative change from zero, say).
type Num float64

// MarshalJSON writes n, or null when n is NaN or infinite.
func (n Num) MarshalJSON() ([]byte, error) {
	f := float64(n)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return json.Marshal(f)
}

// ErrNothingInCommon is returned when the two sides share no output that
// can be compared.
var ErrNothingInCommon = errors.New("the two share no output that can be compared")

// Compare compares old with new.
func Compare(old, new *Side, opt Options) (*Result, error) {
	alpha := opt.Alpha
	if alpha == 0 {
		alpha = 0.05
	}
	if !(alpha > 0 && alpha < 1) {
		return nil, fmt.Errorf("significance level %v: want a number between 0 and 1, such as 0.05", alpha)
	}
	r := &Result{Old: old.Meta, New: new.Meta, Alpha: alpha, NotCompared: []Mismatch{}, Notes: []string{}}
	r.notes(old, new)

	oldBy := map[string]report.Var{}
	for _, v := range old.Outputs {
		oldBy[v.Name] = v
	}
	newNames := map[string]bool{}
	for _, nv := range new.Outputs {
		newNames[nv.Name] = true
		ov, ok := oldBy[nv.Name]
		if ok && old.Untyped {
			ov.Unit, ov.Type = nv.Unit, nv.Type
		}
		if ok && new.Untyped {
			nv.Unit, nv.Type = ov.Unit, ov.Type
		}
		switch {
		case !ok:
			r.NotCompared = append(r.NotCompared, Mismatch{nv.Name, "only in new"})
			continue
		case ov.Unit != nv.Unit:
			r.NotCompared = append(r.NotCompared, Mismatch{nv.Name, fmt.Sprintf("unit %s in old, %s in new", unitName(ov.Unit), unitName(nv.Unit))})
			continue
		case ov.Type != nv.Type:
			r.NotCompared = append(r.NotCompared, Mismatch{nv.Name, fmt.Sprintf("%s in old, %s in new", typeName(ov.Type), typeName(nv.Type))})
			continue
		}
		r.Outputs = append(r.Outputs, row(ov, nv, old, new, 1-alpha))
	}
	for _, ov := range old.Outputs {
		if !newNames[ov.Name] {
			r.NotCompared = append(r.NotCompared, Mismatch{ov.Name, "only in old"})
		}
	}
	if len(r.Outputs) == 0 {
		return r, ErrNothingInCommon
	}
	r.parties(old, new)

	ps := make([]float64, len(r.Outputs))
	for i, w := range r.Outputs {
		ps[i] = float64(w.P)
		if math.IsNaN(ps[i]) {
			ps[i] = 1
		}
	}
	for i, p := range Holm(ps) {
		w := r.Outputs[i]
		w.PAdj = Num(p)
		w.Significant = p < alpha
	}
	if opt.Policy != nil {
		r.Policy = opt.Policy.Rules()
		for _, w := range r.Outputs {
			fired, err := opt.Policy.Eval(w)
			if err != nil {
				return nil, err
			}
			w.Fired = fired
			if len(fired) > 0 {
				r.Failed = true
			}
		}
	}
	if err := r.figures(old, new, opt, 1-alpha); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *Result) notes(old, new *Side) {
	switch {
	case !old.HasSeed || !new.HasSeed:
		r.Notes = append(r.Notes, "the seed of one side is not known")
	case old.Seed != new.Seed:
		r.Notes = append(r.Notes, fmt.Sprintf("different seeds: %d old, %d new", old.Seed, new.Seed))
	}
	if old.Trials != new.Trials {
		r.Notes = append(r.Notes, fmt.Sprintf("different trial counts: %d old, %d new", old.Trials, new.Trials))
	}
	if old.Version != new.Version && old.Version != "" && new.Version != "" {
		r.Notes = append(r.Notes, fmt.Sprintf("different settle versions: %s old, %s new", old.Version, new.Version))
	}
	if old.Untyped || new.Untyped {
		r.Notes = append(r.Notes, "units of one side are not known (CSV): taken from the other")
	}
	if old.Sampled != new.Sampled {
		r.Notes = append(r.Notes, "per-trial samples on one side only: means compared with Welch's t-test")
	}
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
		pr := PartyRow{Name: np.Name, Side: np.Side, CEOld: Num(op.Net.CE), CENew: Num(np.Net.CE),
			ReservationOld: Num(op.Reservation), ReservationNew: Num(np.Reservation)}
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

func unitName(u string) string {
	if u == "" {
		return "none"
	}
	return u
}

func typeName(t string) string {
	if t == "bool" {
		return "true/false"
	}
	return t
}

func row(ov, nv report.Var, old, new *Side, conf float64) *Row {
	w := &Row{Name: nv.Name, Unit: nv.Unit, Type: nv.Type, oldVar: ov, newVar: nv}
	w.Old, w.New = statOf(ov), statOf(nv)
	w.MeanAbs, w.MeanRel = change(ov.Mean, nv.Mean)
	w.P5Abs, w.P5Rel = change(ov.Quantile("p5"), nv.Quantile("p5"))
	w.P50Abs, w.P50Rel = change(ov.Quantile("p50"), nv.Quantile("p50"))
	w.P95Abs, w.P95Rel = change(ov.Quantile("p95"), nv.Quantile("p95"))
	w.Identical = ov.Mean == nv.Mean && ov.SD == nv.SD && ov.Min == nv.Min && ov.Max == nv.Max &&
		slices.Equal(ov.Quantiles, nv.Quantiles) && old.Trials == new.Trials

	xs, ys := old.Samples[ov.Name], new.Samples[nv.Name]
	haveSamples := xs != nil && ys != nil
	var mt MeanTest
	if haveSamples && len(xs) == len(ys) && old.HasSeed && new.HasSeed && old.Seed == new.Seed {
		mt, w.MeanTest = Paired(xs, ys, conf), MeanPaired
	} else {
		mt, w.MeanTest = Welch(ov.Mean, ov.SE, old.Trials, nv.Mean, nv.SE, new.Trials, conf), MeanWelch
	}
	w.MeanLo, w.MeanHi, w.MeanP = Num(mt.Lo), Num(mt.Hi), Num(mt.P)
	w.P = w.MeanP
	if haveSamples {
		ks := KolmogorovSmirnov(xs, ys)
		w.DistTest, w.KSD, w.KSP = DistKS, Num(ks.D), Num(ks.P)
		w.P = Num(math.Min(1, 2*math.Min(mt.P, ks.P)))
	}
	return w
}

func statOf(v report.Var) Stat {
	return Stat{Mean: Num(v.Mean), SE: Num(v.SE), P5: Num(v.Quantile("p5")), P50: Num(v.Quantile("p50")), P95: Num(v.Quantile("p95"))}
}

// change is new − old and that relative to |old|: positive when new is
// larger, ±Inf when old is zero and new is not, 0 when both are zero.
func change(old, new float64) (abs, rel Num) {
	d := new - old
	switch {
	case d == 0:
		return 0, 0
	case old == 0:
		return Num(d), Num(math.Inf(int(math.Copysign(1, d))))
	}
	return Num(d), Num(d / math.Abs(old))
}
