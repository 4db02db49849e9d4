package report

import (
	"fmt"
	"io"
	"math"
	"strings"
	"text/tabwriter"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/decision"
	"github.com/settle-sim/settle/engine/markdown"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/sensitivity"
)

// Party is one party's view in the result document.
type Party struct {
	Name          string  `json:"name"`
	Attitude      string  `json:"attitude"` // "risk-neutral" or "exponential"
	RiskTolerance float64 `json:"risk_tolerance,omitempty"`
	Net           Outcome `json:"net"` // however the dispute ends
	// Court is the party's outcome if the dispute goes to judgment: in a
	// scenario with stages, over the trials that end in judgment, nil
	// when none does.
	Court *Outcome `json:"court,omitempty"`
	// GoingOn, in a scenario with stages, is the certainty equivalent
	// of going on at the first opportunity to settle, on the party's
	// own beliefs, counting later chances to settle: what it weighs a
	// settlement against.
	GoingOn *float64 `json:"ce_going_on,omitempty"`
	// Side is "payee" for the party that receives the settlement figure,
	// "payer" for the one that pays it.
	Side string `json:"side"`
	// Reservation is the settlement figure that leaves the party
	// indifferent to court: a payee accepts no less, a payer pays no more.
	Reservation       float64 `json:"reservation"`
	ReservationSE     float64 `json:"reservation_se"`
	ReservationMethod string  `json:"reservation_method"`
	// SEMethod says how the standard errors of the certainty equivalents
	// and the reservation value were computed: "delta method".
	SEMethod string `json:"se_method,omitempty"`
	Offer    *Offer `json:"offer,omitempty"`
	// View is the position files the party's figures were computed
	// under, when it has a view of its own.
	View []string `json:"view,omitempty"`
}

// Outcome summarises a party's outcome.
type Outcome struct {
	Output    string    `json:"output"`
	Mean      float64   `json:"mean"`
	SD        float64   `json:"sd"`
	CE        float64   `json:"ce"`    // certainty equivalent
	CESE      float64   `json:"ce_se"` // its standard error
	PLoss     float64   `json:"p_loss"`
	Quantiles Quantiles `json:"quantiles"`
}

// Offer compares settling at one figure with court.
type Offer struct {
	Figure    float64 `json:"figure"`
	SettledCE float64 `json:"settled_ce"`
	SettledSE float64 `json:"settled_ce_se"`
	// BeatsCourt is the share of trials in which settling beats court;
	// it is left out in a scenario with stages, where settling is
	// weighed against going on, at the first opportunity.
	BeatsCourt *float64 `json:"p_beats_court,omitempty"`
	Accepts    bool     `json:"prefers_to_court"`
}

// Settlement is the settlement range in the result document.
type Settlement struct {
	Figure string  `json:"figure"` // the input that is the settlement figure
	Exists bool    `json:"range_exists"`
	Low    float64 `json:"low"`   // the least the payee accepts
	High   float64 `json:"high"`  // the most the payer pays
	Width  float64 `json:"width"` // high − low; negative when there is no range
}

// Sensitivity says what drives one output.
type Sensitivity struct {
	Output   string               `json:"output"`
	Spearman []engine.Correlation `json:"spearman,omitempty"`
	Tornado  []sensitivity.Bar    `json:"tornado,omitempty"`
	// Spider has the output's mean with each input held at its
	// percentiles, widest line first; Sobol each input's Sobol' indices.
	Spider []sensitivity.SpiderLine `json:"spider,omitempty"`
	Sobol  SobolIndices             `json:"sobol,omitempty"`
}

func newParties(res *engine.Result) ([]Party, *Settlement) {
	var parties []Party
	for i, pr := range res.Parties {
		pp := res.Program.Parties[i]
		p := Party{Name: pr.Name, Attitude: "risk-neutral", RiskTolerance: pr.Attitude.RiskTolerance,
			Net: outcome(pp.Net.Name, pr.Net), Side: pr.Reservation.Side.String(), Reservation: pr.Reservation.Value,
			ReservationSE: pr.Reservation.SE, ReservationMethod: pr.Reservation.Method, SEMethod: decision.SEMethod, View: pr.View}
		if !math.IsNaN(pr.Court.Mean) {
			c := outcome(pp.Court.Name, pr.Court)
			p.Court = &c
		}
		if pr.First != nil {
			p.GoingOn = finite(pr.First.GoingOn)
		}
		if !pr.Attitude.Neutral() {
			p.Attitude = "exponential"
		}
		if o := pr.Offer; o != nil {
			p.Offer = &Offer{Figure: o.Figure, SettledCE: o.SettledCE, SettledSE: o.SettledSE, BeatsCourt: finite(o.BeatsCourt), Accepts: o.Accepts}
		}
		parties = append(parties, p)
	}
	var st *Settlement
	if r := res.Range; r != nil {
		st = &Settlement{Figure: res.Program.Figure.Name, Exists: r.Exists, Low: r.Low, High: r.High, Width: r.Width}
	}
	return parties, st
}

func outcome(name string, o engine.Outcome) Outcome {
	return Outcome{Output: name, Mean: o.Mean, SD: o.SD, CE: o.CE, CESE: o.CESE, PLoss: o.PLoss, Quantiles: Quantiles(o.Quantiles)}
}

func newSensitivity(res *engine.Result) []Sensitivity {
	var out []Sensitivity
	for _, s := range res.Sensitivity {
		out = append(out, Sensitivity{Output: s.Output, Spearman: s.Spearman, Tornado: s.Tornado,
			Spider: s.Spider, Sobol: SobolIndices(s.Sobol)})
	}
	return out
}

// ceGoingOn is the certainty equivalent the party weighs a settlement
// against in a scenario with stages.
func (p *Party) ceGoingOn() float64 {
	if p.GoingOn == nil {
		return math.NaN()
	}
	return *p.GoingOn
}

// courtCE is the certainty equivalent of judgment.
func (p *Party) courtCE() float64 {
	if p.Court == nil {
		return math.NaN()
	}
	return p.Court.CE
}

// describe says how a party values risk, amounts in cur.
func (p *Party) describe(cur money.Currency) string {
	if p.Attitude == "exponential" {
		return "risk tolerance " + cur.Format(p.RiskTolerance)
	}
	return "risk-neutral"
}

// writeParties writes the decision analysis as aligned text, or as
// Markdown when md is set.
func writeParties(w io.Writer, d *Document, md bool) error {
	if len(d.Parties) == 0 {
		return nil
	}
	head := []string{"party", "attitude", "E[net]", "CE[net]", "P(loss)", "E[court]", "CE[court]", "reservation"}
	if d.Process != nil {
		// Judgment is one way the dispute ends; settling is weighed
		// against going on, with later chances to settle.
		head[5], head[6] = "E[judgment]", "CE[going on]"
	}
	cur := d.Money()
	rows := [][]string{}
	for _, p := range d.Parties {
		bound := "≥ "
		if p.Side == "payer" {
			bound = "≤ "
		}
		courtMean, courtCE := "–", "–"
		if p.Court != nil {
			courtMean, courtCE = cur.Format(p.Court.Mean), amountSE(cur, p.Court.CE, p.Court.CESE)
		}
		if d.Process != nil {
			courtCE = cur.Format(p.ceGoingOn())
		}
		rows = append(rows, []string{p.Name, p.describe(cur), cur.Format(p.Net.Mean), amountSE(cur, p.Net.CE, p.Net.CESE),
			money.FormatPercent(p.Net.PLoss), courtMean, courtCE, bound + amountSE(cur, p.Reservation, p.ReservationSE)})
	}
	writeGrid(w, "parties", head, rows, md)
	var views []string
	for _, p := range d.Parties {
		if len(p.View) > 0 {
			views = append(views, fmt.Sprintf("%s on its own view (%s)", p.Name, strings.Join(p.View, ", ")))
		}
	}
	if len(views) > 0 {
		fmt.Fprintf(w, "\nEach side's figures are on its own beliefs: %s.\n", text(strings.Join(views, "; "), md))
	}
	if st := d.Settlement; st != nil {
		fmt.Fprintln(w)
		if st.Exists {
			fmt.Fprintf(w, "Settlement range (%s): %s to %s, %s wide: figures both sides prefer to court.\n",
				text(st.Figure, md), cur.Format(st.Low), cur.Format(st.High), cur.Format(st.Width))
		} else {
			fmt.Fprintf(w, "No settlement range (%s): the payee needs at least %s but the payer pays at most %s, a gap of %s.\n",
				text(st.Figure, md), cur.Format(st.Low), cur.Format(st.High), cur.Format(-st.Width))
		}
	}
	for _, p := range d.Parties {
		if o := p.Offer; o != nil {
			if o.BeatsCourt == nil {
				verdict := "prefers going on"
				if o.Accepts {
					verdict = "prefers it to going on"
				}
				fmt.Fprintf(w, "Offer %s at the first opportunity: %s %s (CE %s against %s).\n",
					money.Format(o.Figure), p.Name, verdict, money.Format(o.SettledCE), money.Format(p.ceGoingOn()))
				continue
			}
			verdict := "prefers court"
			if o.Accepts {
				verdict = "prefers it to court"
			}
			fmt.Fprintf(w, "Offer %s: %s %s (CE %s against %s); settling beats court in %s of trials.\n",
				cur.Format(o.Figure), text(p.Name, md), verdict, amountSE(cur, o.SettledCE, o.SettledSE), courtCEWithSE(cur, &p),
				money.FormatPercent(*o.BeatsCourt))
		}
	}
	return nil
}

// tornadoRows is how many inputs the table shows for each output.
const tornadoRows = 5

// writeSensitivity writes each output's tornado, largest swing first.
func writeSensitivity(w io.Writer, d *Document, md bool) error {
	shown := false
	for _, s := range d.Sensitivity {
		v := d.Outputs.lookup(s.Output)
		if v == nil || v.IsBool() {
			continue // a true/false output's drivers are in the document
		}
		rho := map[string]float64{}
		for _, c := range s.Spearman {
			rho[c.Input] = c.Rho
		}
		head := []string{"input", "p10 → p90", "mean at p10", "mean at p90", "swing", "spearman"}
		var rows [][]string
		for _, b := range s.Tornado {
			if len(rows) == tornadoRows || b.Swing == 0 {
				break // sorted by swing: the rest move it less
			}
			in := d.Inputs.lookup(b.Input)
			lo, hi := money.FormatNumber(b.Low), money.FormatNumber(b.High)
			if in != nil {
				lo, hi = in.Format(b.Low), in.Format(b.High)
			}
			rows = append(rows, []string{b.Input, lo + " → " + hi, v.Format(b.MeanLow), v.Format(b.MeanHigh),
				v.Format(b.Swing), fmt.Sprintf("%+.2f", rho[b.Input])})
		}
		if len(rows) > 0 {
			writeGrid(w, "drivers of "+s.Output, head, rows, md)
			shown = true
		}
	}
	if shown && d.TornadoTrials > 0 && d.TornadoTrials < d.Trials {
		fmt.Fprintf(w, "\nEach mean at p10 and p90 holds that input there on the first %s trials, the other inputs drawn as before.\n", money.FormatNumber(float64(d.TornadoTrials)))
	}
	return nil
}

func (vs Vars) lookup(name string) *Var {
	for i := range vs {
		if vs[i].Name == name {
			return &vs[i]
		}
	}
	return nil
}

// text is s as it is in aligned text, or escaped for Markdown when md is
// set.
func text(s string, md bool) string {
	if md {
		return markdown.Text(s)
	}
	return s
}

// writeGrid writes a titled table, aligned or as Markdown; the first
// column and the title are the user's names, escaped in Markdown.
func writeGrid(w io.Writer, title string, head []string, rows [][]string, md bool) {
	fmt.Fprintln(w)
	if md {
		fmt.Fprintf(w, "| %s | %s |\n|---|%s\n", markdown.Text(title), strings.Join(head[1:], " | "), strings.Repeat("---:|", len(head)-1))
		for _, r := range rows {
			fmt.Fprintf(w, "| %s | %s |\n", markdown.CodeCell(r[0]), strings.Join(r[1:], " | "))
		}
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "%s\t%s\t\n", title, strings.Join(head[1:], "\t"))
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t\n", strings.Join(r, "\t"))
	}
	tw.Flush()
}

// amountSE is an amount with its standard error, "£93.4m ±£1.2m", or
// the amount alone where the document has no standard error (documents
// from before settle recorded one).
func amountSE(cur money.Currency, x, se float64) string {
	if se == 0 || math.IsNaN(se) {
		return cur.Format(x)
	}
	return cur.Format(x) + " ±" + cur.Format(se)
}

// courtCEWithSE is the party's certainty equivalent of court with its
// standard error, or – when it has no court outcome.
func courtCEWithSE(cur money.Currency, p *Party) string {
	if p.Court == nil {
		return "–"
	}
	return amountSE(cur, p.Court.CE, p.Court.CESE)
}
