// Package report turns a run's result into the result document and
// renders it for people (an aligned table, Markdown) and for tools (JSON,
// CSV). The document holds no timings or timestamps, so the same
// scenario, seed, trial count and version give the same bytes.
package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/sampling"
	"github.com/settle-sim/settle/engine/scenario"
	"github.com/settle-sim/settle/engine/stats"
)

// Document is a run's result document.
type Document struct {
	Version  string   `json:"settle_version"`
	Scenario Scenario `json:"scenario"`
	// Currency is the code of the currency amounts are in, when it is
	// not GBP: a document without one is in pounds.
	Currency string           `json:"currency,omitempty"`
	Seed     uint64           `json:"seed"`
	Trials   int              `json:"trials"`
	Settings []engine.Setting `json:"set,omitempty"`
	// Offer is the settlement figure weighed (--offer), Views the
	// parties' own positions (--view); see Provenance.
	Offer   string `json:"offer,omitempty"`
	Views   []View `json:"views,omitempty"`
	Outputs Vars   `json:"outputs"`
	Inputs  Vars   `json:"inputs"`
	// Statistics are the scenario's own statistics (statistics: in the
	// scenario), each with its standard error.
	Statistics Statistics `json:"statistics,omitempty"`

	Parties     []Party       `json:"parties,omitempty"`
	Settlement  *Settlement   `json:"settlement,omitempty"`
	Sensitivity []Sensitivity `json:"sensitivity,omitempty"`
	// TornadoTrials is how many of the trials each tornado run took.
	TornadoTrials int `json:"tornado_trials,omitempty"`
	// SobolTrials is the base trials of the Saltelli design the Sobol'
	// indices come from ((inputs + 2) times as many were run).
	SobolTrials int `json:"sobol_trials,omitempty"`
	// VOI is the value of information of each party's decision.
	VOI VOI `json:"voi,omitempty"`

	// Sampler is lhs or sobol; empty for pseudo-random sampling.
	Sampler string `json:"sampler,omitempty"`
	// SEMethod says how each se was estimated when it is not plain
	// sampling's SD/√n: "64 randomised replicates" under lhs and sobol.
	SEMethod     string        `json:"se_method,omitempty"`
	Correlations *Correlations `json:"correlations,omitempty"`
	Convergence  *Convergence  `json:"convergence,omitempty"`

	// Process, for a scenario with stages, is how the disputes ended.
	Process *Process `json:"process,omitempty"`
	// QuantileError, when not 0, says the quantiles come from a sketch
	// (more trials than the exact limit) and the largest relative error
	// they may have.
	QuantileError float64 `json:"quantile_error,omitempty"`
}

// Scenario identifies what was run.
type Scenario struct {
	Name        string              `json:"name"`
	Description string              `json:"description,omitempty"`
	SHA256      string              `json:"sha256"`
	Sources     []scenario.Source   `json:"sources,omitempty"`
	Positions   []scenario.Position `json:"positions,omitempty"`
}

// Var is the summary of one output or input.
type Var struct {
	Name      string          `json:"-"`
	Kind      string          `json:"kind"` // "input" or "rule"
	Type      string          `json:"type"` // "number" or "bool"
	Unit      string          `json:"unit,omitempty"`
	Doc       string          `json:"doc,omitempty"`
	Mean      float64         `json:"mean"`
	SD        float64         `json:"sd"`
	SE        float64         `json:"se"`
	Min       float64         `json:"min"`
	Max       float64         `json:"max"`
	PPositive float64         `json:"p_positive"`
	Quantiles Quantiles       `json:"quantiles"`
	Histogram stats.Histogram `json:"histogram"`
	// Curve is, for an output that is a number, its quantiles at every
	// half percent (probabilities 0, 0.005, …, 1: stats.CurvePoints of
	// them) to six significant figures, from which charts draw its
	// cumulative distribution; absent above the exact limit.
	Curve []float64 `json:"curve,omitempty"`
	// Path, in a scenario with stages, is "settled" or "judgment" for a
	// var summarised over the trials that ended that way, and Trials
	// their number.
	Path   string `json:"path,omitempty"`
	Trials *int   `json:"trials,omitempty"`
}

// Quantile returns the quantile named p1 … p99.
func (v *Var) Quantile(name string) float64 {
	for i, n := range stats.ProbNames {
		if n == name && i < len(v.Quantiles) {
			return v.Quantiles[i]
		}
	}
	return 0
}

// New builds the document of a result.
func New(res *engine.Result) *Document {
	sc := res.Program.Scenario
	prov := ProvenanceOf(res)
	d := &Document{
		Version: engine.Version,
		Scenario: Scenario{Name: sc.Name, Description: sc.Description, SHA256: sc.SHA256,
			Sources: sc.Sources, Positions: sc.Positions},
		Seed: res.Seed, Trials: res.Trials, Settings: prov.Settings, Offer: prov.Offer, Views: prov.Views,
		Outputs: Vars{}, Inputs: Vars{},
	}
	for _, c := range res.Outputs {
		v := newVar(c)
		if !v.IsBool() && len(c.Values) > 0 {
			v.Curve = curve(c)
		}
		d.Outputs = append(d.Outputs, v)
	}
	for _, c := range res.Inputs {
		d.Inputs = append(d.Inputs, newVar(c))
	}
	d.Currency = currencyCode(sc.Currency)
	d.Statistics = newStatistics(res)
	d.Parties, d.Settlement = newParties(res)
	d.Sensitivity, d.TornadoTrials = newSensitivity(res), res.TornadoTrials
	d.SobolTrials = res.SobolTrials
	d.VOI = newVOI(res)
	d.Sampler, d.Correlations, d.Convergence = newSampling(res)
	d.SEMethod = sampling.SEMethod(res.Sampler)
	d.Process = newProcess(res)
	d.QuantileError = res.QuantileError
	return d
}

func newVar(c *engine.Column) Var {
	s := c.Summary
	v := Var{
		Name: c.Var.Name, Kind: c.Var.Kind.String(), Type: c.Var.Type.String(), Unit: c.Var.Unit, Doc: c.Var.Doc,
		Mean: s.Mean, SD: s.SD, SE: s.SE, Min: s.Min, Max: s.Max, PPositive: s.PPositive,
		Quantiles: Quantiles(s.Quantiles), Histogram: s.Histogram,
	}
	if c.Var.Path != model.AnyPath {
		n := s.N
		v.Path, v.Trials = c.Var.Path.String(), &n
	}
	return v
}

// currencyCode is what a document records of a scenario's currency:
// its code, or nothing for GBP, so that documents in pounds are as they
// were before currencies were recorded.
func currencyCode(c money.Currency) string {
	if c.Code == money.GBP.Code {
		return ""
	}
	return c.Code
}

// Money is the currency of d's amounts: GBP unless it records another.
func (d *Document) Money() money.Currency { return money.CurrencyOf(d.Currency) }

// IsBool reports whether v summarises true/false values.
func (v *Var) IsBool() bool { return v.Type == model.Bool.String() }

// Vars are summaries in a fixed order; in JSON they are an object keyed
// by name, in that order.
type Vars []Var

// MarshalJSON writes vs as an object in order.
func (vs Vars) MarshalJSON() ([]byte, error) {
	return marshalObject(len(vs), func(i int) (string, any) { return vs[i].Name, vs[i] })
}

// UnmarshalJSON reads an object of summaries, keeping its order.
func (vs *Vars) UnmarshalJSON(data []byte) error {
	*vs = Vars{}
	return orderedObject(data, func(key string, raw json.RawMessage) error {
		var v Var
		if err := json.Unmarshal(raw, &v); err != nil {
			return &pathError{path: jsonPath("", key), err: err}
		}
		v.Name = key
		*vs = append(*vs, v)
		return nil
	})
}

// Quantiles are the values at stats.Probs; in JSON an object with keys
// p1 … p99.
type Quantiles []float64

// MarshalJSON writes q as {"p1": …, …, "p99": …}.
func (q Quantiles) MarshalJSON() ([]byte, error) {
	return marshalObject(len(q), func(i int) (string, any) { return stats.ProbNames[i], q[i] })
}

// marshalObject writes n members as a JSON object, in order; member
// gives the i-th's key and value.
func marshalObject(n int, member func(i int) (string, any)) ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		key, v := member(i)
		k, err := marshal(key)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		body, err := marshal(v)
		if err != nil {
			return nil, err
		}
		b.Write(body)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads the quantiles p1 … p99.
func (q *Quantiles) UnmarshalJSON(data []byte) error {
	var m map[string]float64
	if err := json.Unmarshal(data, &m); err != nil {
		return err
	}
	*q = make(Quantiles, len(stats.ProbNames))
	for i, n := range stats.ProbNames {
		x, ok := m[n]
		if !ok {
			return fmt.Errorf("quantiles: no %s", n)
		}
		(*q)[i] = x
	}
	return nil
}

func orderedObject(data []byte, fn func(key string, raw json.RawMessage) error) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok != json.Delim('{') {
		return fmt.Errorf("expected an object")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string)
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return err
		}
		if err := fn(key, raw); err != nil {
			return err
		}
	}
	_, err = dec.Token()
	return err
}

// WriteJSON writes d as indented JSON with a final newline.
func WriteJSON(w io.Writer, d *Document) error { return WriteIndented(w, d) }

// WriteIndented writes v as JSON indented by two spaces, with a final
// newline: the form of every JSON document settle writes.
// Text is written as it is: < > and & are not escaped, so that a
// statistic such as P(supplier_net > £50m) reads as written.
func WriteIndented(w io.Writer, v any) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return err
	}
	_, err := w.Write(b.Bytes())
	return err
}

// marshal is json.Marshal without escaping < > and &.
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}

// ReadJSON reads a result document and validates it: Read, for a
// document without a file name.
func ReadJSON(r io.Reader) (*Document, error) { return Read(r, "result document") }

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

// curve is c's stats.Curve, made by the run or else from its values, to
// six significant figures: enough to draw, in a third of the space.
func curve(col *engine.Column) []float64 {
	c := slices.Clone(col.Curve)
	if c == nil {
		c = stats.Curve(col.Values, stats.CurvePoints)
	}
	for i, x := range c {
		c[i], _ = strconv.ParseFloat(strconv.FormatFloat(x, 'g', 6, 64), 64)
	}
	return c
}
