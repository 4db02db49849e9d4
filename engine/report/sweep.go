package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/markdown"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/sampling"
)

// SweepDocument is a sweep's result document: per point, each party's
// expected value, certainty equivalent, reservation value and, when the
// settlement figure is one amount at the point, the certainty equivalents
// of settling there and of going to court, whether it accepts, and the
// chance settling there beats court.
type SweepDocument struct {
	Version  string           `json:"settle_version"`
	Scenario Scenario         `json:"scenario"`
	Currency string           `json:"currency,omitempty"` // as in Document
	Seed     uint64           `json:"seed"`
	Trials   int              `json:"trials"`
	Settings []engine.Setting `json:"set,omitempty"`
	Offer    string           `json:"offer,omitempty"`
	Sampler  string           `json:"sampler,omitempty"` // lhs or sobol; "" for pseudo-random
	Axes     []SweepAxis      `json:"axes"`
	Points   []SweepPoint     `json:"points"`
}

// SweepAxis is one varied input.
type SweepAxis struct {
	Name string  `json:"name"`
	From float64 `json:"from"`
	To   float64 `json:"to"`
	Step float64 `json:"step"`
	Unit string  `json:"unit,omitempty"`
}

// SweepPoint is one point of the grid.
type SweepPoint struct {
	Values  []float64    `json:"values"` // one per axis
	Parties []SweepParty `json:"parties"`
	// BothAccept is set when the settlement figure is one amount at the
	// point: true when every party prefers settling at it to court.
	BothAccept *bool       `json:"both_accept,omitempty"`
	Range      *Settlement `json:"settlement,omitempty"`
}

// SweepParty is a party's outcome at one point.
type SweepParty struct {
	Name  string  `json:"name"`
	Mean  float64 `json:"mean"`
	CE    float64 `json:"ce"`
	CESE  float64 `json:"ce_se"`
	PLoss float64 `json:"p_loss"`
	// CourtCE is the certainty equivalent of going to court, absent in
	// a scenario with stages, where GoingOnCE is the certainty
	// equivalent of going on at the first opportunity to settle (on the
	// party's own beliefs, counting later chances to settle), against
	// which the party weighs settling there.
	CourtCE     *float64 `json:"court_ce,omitempty"`
	CourtCESE   *float64 `json:"court_ce_se,omitempty"`
	GoingOnCE   *float64 `json:"going_on_ce,omitempty"`
	GoingOnCESE *float64 `json:"going_on_ce_se,omitempty"`
	Reservation float64  `json:"reservation"`
	// ReservationSE and the other _se are standard errors by the delta
	// method.
	ReservationSE float64 `json:"reservation_se"`
	// When the settlement figure is one amount at the point: the
	// certainty equivalent of settling at it, whether the party prefers
	// that to court, and the share of trials in which settling there
	// beats the court outcome.
	SettledCE   *float64 `json:"settled_ce,omitempty"`
	SettledCESE *float64 `json:"settled_ce_se,omitempty"`
	Accepts     *bool    `json:"accepts,omitempty"`
	BeatsCourt  *float64 `json:"p_beats_court,omitempty"`
}

// NewSweep builds the document of a sweep.
func NewSweep(res *engine.SweepResult) *SweepDocument {
	sc := res.Scenario
	d := &SweepDocument{Version: engine.Version,
		Scenario: Scenario{Name: sc.Name, Description: sc.Description, SHA256: sc.SHA256, Sources: sc.Sources, Positions: sc.Positions},
		Currency: currencyCode(sc.Currency),
		Seed:     res.Seed, Trials: res.Trials}
	d.Settings, d.Offer = sc.SplitOffer(sc.Settings)
	if res.Sampler != sampling.Random {
		d.Sampler = res.Sampler.String()
	}
	for _, a := range res.Axes {
		d.Axes = append(d.Axes, SweepAxis{Name: a.Name, From: a.From, To: a.To, Step: a.Step, Unit: a.Unit})
	}
	for _, pt := range res.Points {
		sp := SweepPoint{Values: pt.Values}
		all := true
		for _, pr := range pt.Parties {
			p := SweepParty{Name: pr.Name, Mean: pr.Net.Mean, CE: pr.Net.CE, CESE: pr.Net.CESE, PLoss: pr.Net.PLoss,
				CourtCE: finite(pr.Court.CE), CourtCESE: finite(pr.Court.CESE), Reservation: pr.Reservation.Value, ReservationSE: pr.Reservation.SE}
			if f := pr.First; f != nil {
				p.CourtCE, p.CourtCESE = nil, nil
				p.GoingOnCE, p.GoingOnCESE = finite(f.GoingOn), finite(f.GoingOnSE)
			}
			if o := pr.Offer; o != nil {
				settled, settledSE, accepts := o.SettledCE, o.SettledSE, o.Accepts
				p.SettledCE, p.SettledCESE, p.Accepts, p.BeatsCourt = &settled, &settledSE, &accepts, finite(o.BeatsCourt)
				all = all && accepts
			} else {
				all = false
			}
			sp.Parties = append(sp.Parties, p)
		}
		if len(sp.Parties) > 0 && sp.Parties[0].Accepts != nil {
			sp.BothAccept = &all
		}
		if r := pt.Range; r != nil {
			sp.Range = &Settlement{Exists: r.Exists, Low: r.Low, High: r.High, Width: r.Width}
			if len(res.Points) > 0 && res.Scenario.Settlement != nil {
				sp.Range.Figure = res.Scenario.Settlement.Figure.Name
			}
		}
		d.Points = append(d.Points, sp)
	}
	return d
}

// Provenance is what made the sweep's points, besides the axes.
func (d *SweepDocument) Provenance() Provenance {
	return Provenance{Scenario: d.Scenario.Name, Positions: positionPaths(d.Scenario.Positions), Settings: d.Settings,
		Offer: d.Offer, Sampler: d.Sampler, Seed: d.Seed, Trials: d.Trials, Version: d.Version}
}

// heading says what the points were made under.
func (d *SweepDocument) heading() string {
	h := d.Provenance().Heading()
	return strings.Replace(h, " trials ·", " trials a point ·", 1)
}

// WriteSweep renders a sweep document as table, json, csv or markdown.
// CSV has a header of snake_case column names (see SweepColumns) and a
// row per point; the table and Markdown have the same columns for
// people.
func WriteSweep(w io.Writer, d *SweepDocument, format string) error {
	switch format {
	case "json":
		return WriteIndented(w, d)
	case "csv":
		cw := csv.NewWriter(w)
		head, rows := d.grid(false)
		cw.Write(head)
		cw.WriteAll(rows)
		return cw.Error()
	case "table", "text", "markdown", "md":
		head, rows := d.grid(true)
		md := format == "markdown" || format == "md"
		if md {
			fmt.Fprintf(w, "### Sweep: %s\n\n%s\n\n", markdown.Text(d.Scenario.Name), markdown.Text(d.heading()))
			for i := range head {
				head[i] = markdown.Text(head[i]) // axis and party names
			}
			fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---:|", len(head)))
			for _, r := range rows {
				fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
			}
			return nil
		}
		fmt.Fprintf(w, "Sweep: %s\n%s\n\n", d.Scenario.Name, d.heading())
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "%s\t\n", strings.Join(head, "\t"))
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t\n", strings.Join(r, "\t"))
		}
		return tw.Flush()
	}
	return fmt.Errorf("unknown format %q; use one of %s", format, strings.Join(Formats, ", "))
}

// sweepColumn is one column of a sweep's grid: its heading for people,
// its CSV name and its cell at a point.
type sweepColumn struct {
	head, name string // head "" for a column in CSV only
	cell       func(pt *SweepPoint, people bool) string
}

// columns are the grid's columns: the axes, then per party its expected
// value, certainty equivalent and reservation value and, when the
// settlement figure is one amount at each point, the certainty
// equivalents of settling and of court, whether it accepts and the share
// of trials settling beats court; then whether both accept and the
// settlement range.
func (d *SweepDocument) columns() []sweepColumn {
	cur := money.CurrencyOf(d.Currency)
	amount := func(people bool, x float64) string {
		if people {
			return cur.Format(x)
		}
		return num(x)
	}
	var cols []sweepColumn
	for i, a := range d.Axes {
		cols = append(cols, sweepColumn{a.Name, a.Name, func(pt *SweepPoint, people bool) string { return a.format(pt.Values[i], people) }})
	}
	if len(d.Points) == 0 {
		return cols
	}
	first := &d.Points[0]
	offers := first.BothAccept != nil
	stages := false // the parties decide at opportunities of a process
	for _, p := range first.Parties {
		stages = stages || p.GoingOnCE != nil
	}
	for k, p := range first.Parties {
		party := func(pt *SweepPoint) *SweepParty {
			if k < len(pt.Parties) {
				return &pt.Parties[k]
			}
			return &SweepParty{}
		}
		n := p.Name
		cols = append(cols,
			sweepColumn{n + " E[net]", n + "_mean", func(pt *SweepPoint, people bool) string { return amount(people, party(pt).Mean) }},
			sweepColumn{n + " CE", n + "_ce", func(pt *SweepPoint, people bool) string { return amount(people, party(pt).CE) }},
			sweepColumn{"", n + "_ce_se", func(pt *SweepPoint, people bool) string { return amount(people, party(pt).CESE) }},
			sweepColumn{n + " reservation", n + "_reservation", func(pt *SweepPoint, people bool) string { return amount(people, party(pt).Reservation) }},
			sweepColumn{"", n + "_reservation_se", func(pt *SweepPoint, people bool) string { return amount(people, party(pt).ReservationSE) }})
		if !offers {
			continue
		}
		opt := func(x *float64, people bool, format func(float64) string) string {
			switch {
			case x == nil:
				return ""
			case people:
				return format(*x)
			}
			return num(*x)
		}
		cols = append(cols,
			sweepColumn{n + " CE[settle]", n + "_settled_ce", func(pt *SweepPoint, people bool) string {
				return opt(party(pt).SettledCE, people, cur.Format)
			}},
			sweepColumn{"", n + "_settled_ce_se", func(pt *SweepPoint, people bool) string {
				return opt(party(pt).SettledCESE, people, cur.Format)
			}})
		if stages {
			// With stages a party weighs settling at the first
			// opportunity against going on, not against judgment.
			cols = append(cols,
				sweepColumn{n + " CE[going on]", n + "_going_on_ce", func(pt *SweepPoint, people bool) string {
					return opt(party(pt).GoingOnCE, people, cur.Format)
				}},
				sweepColumn{"", n + "_going_on_ce_se", func(pt *SweepPoint, people bool) string {
					return opt(party(pt).GoingOnCESE, people, cur.Format)
				}},
				sweepColumn{n + " accepts", n + "_accepts", func(pt *SweepPoint, people bool) string { return yesNo(party(pt).Accepts, people) }})
			continue
		}
		cols = append(cols,
			sweepColumn{n + " CE[court]", n + "_court_ce", func(pt *SweepPoint, people bool) string {
				return opt(party(pt).CourtCE, people, cur.Format)
			}},
			sweepColumn{"", n + "_court_ce_se", func(pt *SweepPoint, people bool) string {
				return opt(party(pt).CourtCESE, people, cur.Format)
			}},
			sweepColumn{n + " accepts", n + "_accepts", func(pt *SweepPoint, people bool) string { return yesNo(party(pt).Accepts, people) }},
			sweepColumn{n + " P(beats court)", n + "_p_beats_court", func(pt *SweepPoint, people bool) string {
				return opt(party(pt).BeatsCourt, people, money.FormatPercent)
			}})
	}
	if offers {
		cols = append(cols, sweepColumn{"both accept", "both_accept", func(pt *SweepPoint, people bool) string { return yesNo(pt.BothAccept, people) }})
	}
	if first.Range != nil {
		rng := func(f func(*Settlement) float64) func(*SweepPoint, bool) string {
			return func(pt *SweepPoint, people bool) string {
				if pt.Range == nil {
					return ""
				}
				return amount(people, f(pt.Range))
			}
		}
		cols = append(cols,
			sweepColumn{"range low", "range_low", rng(func(s *Settlement) float64 { return s.Low })},
			sweepColumn{"range high", "range_high", rng(func(s *Settlement) float64 { return s.High })},
			sweepColumn{"range width", "range_width", rng(func(s *Settlement) float64 { return s.Width })})
	}
	return cols
}

// SweepColumns are the CSV column names of d, in order.
func (d *SweepDocument) SweepColumns() []string {
	head, _ := d.grid(false)
	return head
}

func yesNo(b *bool, people bool) string {
	switch {
	case b == nil:
		return ""
	case people && *b:
		return "yes"
	case people:
		return "no"
	}
	return strconv.FormatBool(*b)
}

// grid lays the sweep out as a header and rows, formatted for people or
// as plain numbers under snake_case names; in CSV, columns positions
// (the position files, separated by ;), set (NAME=VALUE;…), offer,
// sampler, seed and trials (a point) end every row.
func (d *SweepDocument) grid(people bool) ([]string, [][]string) {
	var cols []sweepColumn
	var head []string
	for _, c := range d.columns() {
		switch {
		case !people:
			head = append(head, c.name)
		case c.head != "":
			head = append(head, c.head)
		default:
			continue // standard errors are in CSV and JSON
		}
		cols = append(cols, c)
	}
	// In CSV, which has no heading, every row names what made it.
	var prov []string
	if !people {
		p := d.Provenance()
		var sets []string
		for _, s := range p.Settings {
			sets = append(sets, s.Name+"="+s.Value)
		}
		head = append(head, "positions", "set", "offer", "sampler", "seed", "trials")
		prov = []string{strings.Join(p.Positions, ";"), strings.Join(sets, ";"), p.Offer, p.SamplerName(),
			strconv.FormatUint(p.Seed, 10), strconv.Itoa(p.Trials)}
	}
	var rows [][]string
	for i := range d.Points {
		r := make([]string, len(cols), len(cols)+len(prov))
		for j, c := range cols {
			r[j] = c.cell(&d.Points[i], people)
		}
		rows = append(rows, append(r, prov...))
	}
	return head, rows
}

func (a SweepAxis) format(v float64, people bool) string {
	if !people {
		return num(v)
	}
	v2 := Var{Unit: a.Unit}
	return v2.Format(v)
}
