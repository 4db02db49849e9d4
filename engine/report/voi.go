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
	// Choice is what the party decides without information, "settle"
	// or "court", on its own utility; ChoiceOnMoney on expected money.
	Choice        string    `json:"choice"`
	ChoiceOnMoney string    `json:"choice_on_money"`
	EVPI          VOIValue  `json:"evpi"`
	EVPPI         VOIValues `json:"evppi"`
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
}

// VOIValues are values in order; in JSON an object keyed by name.
type VOIValues []VOIValue

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
		if settles {
			return "settle"
		}
		return "court"
	}
	for _, p := range res.VOI.Parties {
		pv := PartyVOI{Name: p.Party, Figure: res.VOI.Figure, FigureBasis: res.VOI.FigureBasis,
			Choice: choice(p.Settles), ChoiceOnMoney: choice(p.SettlesOnMoney),
			EVPI: voiValue("evpi", nil, p.EVPI, false), EVPPI: VOIValues{}}
		for _, e := range p.EVPPI {
			pv.EVPPI = append(pv.EVPPI, voiValue(e.Name, e.Inputs, e.Value, true))
		}
		out = append(out, pv)
	}
	return out
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
// the inputs and groups by value on the party's utility, largest first.
func writeVOI(w io.Writer, d *Document, md bool) {
	if len(d.VOI) == 0 {
		return
	}
	head := []string{"", "in money", "± se", "on its utility", "± se", "changes decision"}
	var decisions []string
	for _, p := range d.VOI {
		head[0] = "value of information, " + p.Name
		cells := func(label string, v VOIValue) []string {
			return []string{label, money.Format(v.Value), "±" + money.Format(v.SE), money.Format(v.CE),
				"±" + money.Format(v.CESE), money.FormatPercent(v.PChange)}
		}
		rows := [][]string{cells("perfect information (EVPI)", p.EVPI)}
		byValue := slices.Clone(p.EVPPI)
		slices.SortStableFunc(byValue, func(a, b VOIValue) int {
			return cmp.Or(cmp.Compare(b.CE, a.CE), cmp.Compare(b.Value, a.Value))
		})
		for _, v := range byValue {
			rows = append(rows, cells(v.label(), v))
		}
		writeGrid(w, head[0], head, rows, md)
		decisions = append(decisions, fmt.Sprintf("the %s would %s", p.Name, map[string]string{"settle": "settle", "court": "go to court"}[p.Choice]))
	}
	p := d.VOI[0]
	fmt.Fprintf(w, "\nDecisions at %s (%s): without information %s. Each row is what knowing that before deciding is worth; partial values by regression on the trials (docs/voi.md).\n",
		money.Format(p.Figure), p.FigureBasis, strings.Join(decisions, " and "))
}
