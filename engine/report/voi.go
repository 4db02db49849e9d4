package report

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"strings"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/voi"
)

// VOI is the value of information of each party's decision to settle at
// a figure or go to court; in JSON an object keyed by party, in the
// scenario's order: voi.<party>.evpi, voi.<party>.evppi.<input or group>.
type VOI []PartyVOI

// PartyVOI is one party's value of information.
type PartyVOI struct {
	Name string `json:"-"`
	// Figure is the settlement figure the decision is valued at, and
	// FigureBasis why that one: "offer", "midpoint of the settlement
	// range" or "reservation value of PARTY".
	Figure      float64 `json:"figure"`
	FigureBasis string  `json:"figure_basis"`
	// Stage, in a scenario with stages, is the stage before which the
	// decision is valued: its first opportunity to settle, against
	// going on ("go on" for Choice).
	Stage string `json:"stage,omitempty"`
	// Choice is what the party decides without information, "settle"
	// or "court", on its own utility; ChoiceOnMoney on expected money.
	Choice        string    `json:"choice"`
	ChoiceOnMoney string    `json:"choice_on_money"`
	EVPI          VOIValue  `json:"evpi"`
	EVPPI         VOIValues `json:"evppi"`
	// Opportunities, in a scenario with stages, holds the party's
	// decision at each later opportunity to settle, keyed by the stage
	// it comes before, in order.
	Opportunities VOIOpportunities `json:"opportunities,omitempty"`
}

// VOIOpportunity is a party's decision at an opportunity to settle after
// the first: settle there at the figure or go on, in the trials in which
// the dispute is still open there, each value against the decision the
// party takes on what it knows there.
type VOIOpportunity struct {
	Stage string `json:"-"`
	// PReach is the share of the trials open here; Trials their number.
	PReach float64 `json:"p_reach"`
	Trials int     `json:"trials"`
	// FigureBasis is "offer" or "midpoint of the reservation values" (of
	// each trial, at its state); MeanFigure the figure's mean.
	FigureBasis string  `json:"figure_basis"`
	MeanFigure  float64 `json:"mean_figure"`
	// Choice is "settle" or "go on" where the party, deciding on what it
	// knows, takes it in every trial, else "depends on what is known";
	// PSettle the share of the trials in which it settles (on its
	// utility), PSettleOnMoney on expected money.
	Choice         string    `json:"choice"`
	ChoiceOnMoney  string    `json:"choice_on_money"`
	PSettle        float64   `json:"p_settle"`
	PSettleOnMoney float64   `json:"p_settle_on_money"`
	EVPI           VOIValue  `json:"evpi"`
	EVPPI          VOIValues `json:"evppi"`
}

// VOIOpportunities are opportunities in order; in JSON an object keyed
// by stage.
type VOIOpportunities []VOIOpportunity

// MarshalJSON writes os as an object keyed by stage, in order.
func (os VOIOpportunities) MarshalJSON() ([]byte, error) {
	return marshalObject(len(os), func(i int) (string, any) { return os[i].Stage, os[i] })
}

// UnmarshalJSON reads an object of opportunities, keeping its order.
func (os *VOIOpportunities) UnmarshalJSON(data []byte) error {
	return readObject(data, "", (*[]VOIOpportunity)(os), func(o *VOIOpportunity, key string) { o.Stage = key })
}

// VOIValue is the value of some information. Value and SE are in
// expected money; CE and CESE on the party's utility, as the rise in its
// certainty equivalent (the same for a risk-neutral party).
type VOIValue struct {
	Name    string   `json:"-"`
	Inputs  []string `json:"inputs,omitempty"` // a group's inputs
	Value   float64  `json:"value"`
	SE      float64  `json:"se"`
	CE      float64  `json:"ce"`
	CESE    float64  `json:"ce_se"`
	PChange float64  `json:"p_change"` // share of trials in which the information changes the decision
	// PlugIn and CEPlugIn are Strong and Oakley's plug-in regression
	// estimates (EVPPI only), which exceed Value and CE by about the
	// regression's upward bias; absent when undefined.
	PlugIn   *float64 `json:"plug_in,omitempty"`
	CEPlugIn *float64 `json:"ce_plug_in,omitempty"`
	// EDF is the regression's effective degrees of freedom (EVPPI only).
	EDF float64 `json:"edf,omitempty"`
	// Revealed says the party knows it already at the opportunity: its
	// value is 0 by definition, not estimated.
	Revealed bool `json:"revealed,omitempty"`
}

// VOIValues are values in order; in JSON an object keyed by name.
type VOIValues []VOIValue

// Estimated returns the values of vs estimated: not of the inputs known
// already at the decision (Revealed), in order.
func (vs VOIValues) Estimated() VOIValues {
	return slices.DeleteFunc(slices.Clone(vs), func(v VOIValue) bool { return v.Revealed })
}

// Revealed returns those of vs known already at the decision, in order.
func (vs VOIValues) Revealed() VOIValues {
	return slices.DeleteFunc(slices.Clone(vs), func(v VOIValue) bool { return !v.Revealed })
}

// ByValue returns the values of vs estimated, largest first: by value on
// the party's utility, then in money.
func (vs VOIValues) ByValue() VOIValues {
	est := vs.Estimated()
	slices.SortStableFunc(est, func(a, b VOIValue) int {
		return cmp.Or(cmp.Compare(b.CE, a.CE), cmp.Compare(b.Value, a.Value))
	})
	return est
}

// MarshalJSON writes v as an object keyed by party, in order.
func (v VOI) MarshalJSON() ([]byte, error) {
	return marshalObject(len(v), func(i int) (string, any) { return v[i].Name, v[i] })
}

// UnmarshalJSON reads an object of parties, keeping its order.
func (v *VOI) UnmarshalJSON(data []byte) error {
	return readObject(data, "voi.", (*[]PartyVOI)(v), func(p *PartyVOI, key string) { p.Name = key })
}

// readObject reads an object of Ts into *dst, in order, giving each its
// key with name; errors name the key after prefix.
func readObject[T any](data []byte, prefix string, dst *[]T, name func(*T, string)) error {
	*dst = []T{}
	return orderedObject(data, func(key string, raw json.RawMessage) error {
		var x T
		if err := json.Unmarshal(raw, &x); err != nil {
			return fmt.Errorf("%s%s: %w", prefix, key, err)
		}
		name(&x, key)
		*dst = append(*dst, x)
		return nil
	})
}

// MarshalJSON writes vs as an object keyed by name, in order.
func (vs VOIValues) MarshalJSON() ([]byte, error) {
	return marshalObject(len(vs), func(i int) (string, any) { return vs[i].Name, vs[i] })
}

// UnmarshalJSON reads an object of values, keeping its order.
func (vs *VOIValues) UnmarshalJSON(data []byte) error {
	return readObject(data, "", (*[]VOIValue)(vs), func(v *VOIValue, key string) { v.Name = key })
}

func newVOI(res *engine.Result) VOI {
	if res.VOI == nil {
		return nil
	}
	var out VOI
	choice := func(settles bool) string {
		switch {
		case settles:
			return "settle"
		case res.VOI.Stage != "":
			return "go on"
		}
		return "court"
	}
	for _, p := range res.VOI.Parties {
		pv := PartyVOI{Name: p.Party, Figure: res.VOI.Figure, FigureBasis: res.VOI.FigureBasis, Stage: res.VOI.Stage,
			Choice: choice(p.Settles()), ChoiceOnMoney: choice(p.SettlesOnMoney()),
			EVPI: voiValue("evpi", nil, p.EVPI, false), EVPPI: VOIValues{}}
		for _, e := range p.EVPPI {
			pv.EVPPI = append(pv.EVPPI, inputValue(e))
		}
		out = append(out, pv)
	}
	for _, o := range res.VOI.Later {
		for i, p := range o.Parties {
			choice := func(share float64) string {
				switch share {
				case 1:
					return "settle"
				case 0:
					return "go on"
				}
				return "depends on what is known"
			}
			vo := VOIOpportunity{Stage: o.Stage, PReach: o.PReach, Trials: o.Trials, FigureBasis: o.FigureBasis, MeanFigure: o.MeanFigure,
				Choice: choice(p.PSettle), ChoiceOnMoney: choice(p.PSettleOnMoney), PSettle: p.PSettle, PSettleOnMoney: p.PSettleOnMoney,
				EVPI: voiValue("evpi", nil, p.EVPI, false), EVPPI: VOIValues{}}
			for _, e := range p.EVPPI {
				vo.EVPPI = append(vo.EVPPI, inputValue(e))
			}
			out[i].Opportunities = append(out[i].Opportunities, vo)
		}
	}
	return out
}

// inputValue is an input's or group's value; one revealed already is
// marked so, with no figures.
func inputValue(e engine.InputVOI) VOIValue {
	if e.Revealed {
		return VOIValue{Name: e.Name, Inputs: e.Inputs, Revealed: true}
	}
	return voiValue(e.Name, e.Inputs, e.Value, true)
}

func voiValue(name string, inputs []string, v voi.Value, partial bool) VOIValue {
	out := VOIValue{Name: name, Inputs: inputs, Value: v.Money.Value, SE: v.Money.SE,
		CE: v.CE.Value, CESE: v.CE.SE, PChange: v.PChange}
	if partial {
		out.EDF = v.EDF
		if x := v.MoneyPlugIn; !math.IsNaN(x) {
			out.PlugIn = &x
		}
		if x := v.CEPlugIn; !math.IsNaN(x) {
			out.CEPlugIn = &x
		}
	}
	return out
}

// label names a value in tables: a group with its inputs.
func (v *VOIValue) label() string {
	if len(v.Inputs) == 0 {
		return v.Name
	}
	return v.Name + " (" + strings.Join(v.Inputs, ", ") + ")"
}

// writeVOI writes each party's value of information, EVPI first and then
// the inputs and groups by value on the party's utility, largest first;
// in a scenario with stages, then the same at each later opportunity.
func writeVOI(w io.Writer, d *Document, md bool) {
	if len(d.VOI) == 0 {
		return
	}
	cur := d.Money()
	var decisions []string
	for _, p := range d.VOI {
		writeVOITable(w, "value of information, "+p.Name, p.EVPI, p.EVPPI, cur, md)
		decisions = append(decisions, fmt.Sprintf("the %s would %s", p.Name, ChoiceWords(p.Choice)))
	}
	p := d.VOI[0]
	where := ""
	if p.Stage != "" {
		where = " before " + p.Stage
	}
	fmt.Fprintf(w, "\nDecisions%s at %s (%s): without information %s. Each row is what knowing that before deciding is worth; partial values by regression on the trials (docs/voi.md).\n",
		where, cur.Format(p.Figure), p.FigureBasis, strings.Join(decisions, " and "))
	for k, o := range p.Opportunities {
		decisions = decisions[:0]
		var known []string
		for _, q := range d.VOI {
			if k >= len(q.Opportunities) {
				continue
			}
			qo := q.Opportunities[k]
			writeVOITable(w, "value of information before "+qo.Stage+", "+q.Name, qo.EVPI, qo.EVPPI, cur, md)
			if len(decisions) == 0 {
				decisions = append(decisions, fmt.Sprintf("the %s would settle in %s of them", q.Name, money.FormatPercent(qo.PSettle)))
			} else {
				decisions = append(decisions, fmt.Sprintf("the %s in %s", q.Name, money.FormatPercent(qo.PSettle)))
			}
			if known == nil {
				for _, v := range qo.EVPPI.Revealed() {
					known = append(known, v.label())
				}
			}
		}
		figure := "the midpoint of the two reservation values in each trial, on average " + cur.Format(o.MeanFigure)
		if o.FigureBasis == "offer" {
			figure = cur.Format(o.MeanFigure) + " (offer)"
		}
		fmt.Fprintf(w, "\nDecisions before %s, where the dispute is still open in %s of the trials, at %s: without more information, deciding on what it knows there, %s.",
			o.Stage, money.FormatPercent(o.PReach), figure, strings.Join(decisions, " and "))
		if len(known) > 0 {
			fmt.Fprintf(w, " Known there already: %s.", strings.Join(known, ", "))
		}
		fmt.Fprintln(w)
	}
}

// writeVOITable writes one party's values at one decision: EVPI, then
// the inputs and groups not known already, by value on its utility.
func writeVOITable(w io.Writer, title string, evpi VOIValue, evppi VOIValues, cur money.Currency, md bool) {
	head := []string{title, "in money", "± se", "on its utility", "± se", "changes decision"}
	cells := func(label string, v VOIValue) []string {
		return []string{label, cur.Format(v.Value), "±" + cur.Format(v.SE), cur.Format(v.CE),
			"±" + cur.Format(v.CESE), money.FormatPercent(v.PChange)}
	}
	rows := [][]string{cells("perfect information (EVPI)", evpi)}
	for _, v := range evppi.ByValue() {
		rows = append(rows, cells(v.label(), v))
	}
	writeGrid(w, title, head, rows, md)
}

// ChoiceWords says a party's choice (a PartyVOI's Choice: settle,
// court or go on) as what it would do: settle, go to court, go on.
func ChoiceWords(choice string) string {
	if choice == "court" {
		return "go to court"
	}
	return choice
}
