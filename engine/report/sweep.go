package report

import (
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/markdown"
	"github.com/settle-sim/settle/engine/money"
)

// SweepDocument is a sweep's result document: per point, each party's
// expected value, certainty equivalent, reservation value and, when the
// settlement figure is one amount, the chance settling at it beats court.
type SweepDocument struct {
	Version  string           `json:"settle_version"`
	Scenario Scenario         `json:"scenario"`
	Seed     uint64           `json:"seed"`
	Trials   int              `json:"trials"`
	Settings []engine.Setting `json:"set,omitempty"`
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
	Range   *Settlement  `json:"settlement,omitempty"`
}

// SweepParty is a party's outcome at one point.
type SweepParty struct {
	Name        string   `json:"name"`
	Mean        float64  `json:"mean"`
	CE          float64  `json:"ce"`
	PLoss       float64  `json:"p_loss"`
	Reservation float64  `json:"reservation"`
	BeatsCourt  *float64 `json:"p_beats_court,omitempty"`
}

// NewSweep builds the document of a sweep.
func NewSweep(res *engine.SweepResult) *SweepDocument {
	sc := res.Scenario
	d := &SweepDocument{Version: engine.Version,
		Scenario: Scenario{Name: sc.Name, Description: sc.Description, SHA256: sc.SHA256, Sources: sc.Sources, Positions: sc.Positions},
		Seed:     res.Seed, Trials: res.Trials, Settings: sc.Settings}
	for _, a := range res.Axes {
		d.Axes = append(d.Axes, SweepAxis{Name: a.Name, From: a.From, To: a.To, Step: a.Step, Unit: a.Unit})
	}
	for _, pt := range res.Points {
		sp := SweepPoint{Values: pt.Values}
		for _, pr := range pt.Parties {
			p := SweepParty{Name: pr.Name, Mean: pr.Net.Mean, CE: pr.Net.CE, PLoss: pr.Net.PLoss, Reservation: pr.Reservation.Value}
			if pr.Offer != nil {
				p.BeatsCourt = finite(pr.Offer.BeatsCourt)
			}
			sp.Parties = append(sp.Parties, p)
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

// WriteSweep renders a sweep document as table, json, csv or markdown.
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
	case "table", "markdown", "md":
		head, rows := d.grid(true)
		md := format != "table"
		if md {
			fmt.Fprintf(w, "### Sweep: %s\n\n%s trials a point · seed %d · settle %s\n\n", markdown.Text(d.Scenario.Name), money.FormatNumber(float64(d.Trials)), d.Seed, markdown.Text(d.Version))
			for i := range head {
				head[i] = markdown.Text(head[i]) // axis and party names
			}
			fmt.Fprintf(w, "| %s |\n|%s\n", strings.Join(head, " | "), strings.Repeat("---:|", len(head)))
			for _, r := range rows {
				fmt.Fprintf(w, "| %s |\n", strings.Join(r, " | "))
			}
			return nil
		}
		fmt.Fprintf(w, "Sweep: %s\n%s trials a point · seed %d · settle %s\n\n", d.Scenario.Name, money.FormatNumber(float64(d.Trials)), d.Seed, d.Version)
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
		fmt.Fprintf(tw, "%s\t\n", strings.Join(head, "\t"))
		for _, r := range rows {
			fmt.Fprintf(tw, "%s\t\n", strings.Join(r, "\t"))
		}
		return tw.Flush()
	}
	return fmt.Errorf("unknown format %q; use one of %s", format, strings.Join(Formats, ", "))
}

// grid lays the sweep out as a header and rows, formatted for people or
// as plain numbers.
func (d *SweepDocument) grid(people bool) ([]string, [][]string) {
	var head []string
	for _, a := range d.Axes {
		head = append(head, a.Name)
	}
	offers := len(d.Points) > 0 && len(d.Points[0].Parties) > 0 && d.Points[0].Parties[0].BeatsCourt != nil
	if len(d.Points) > 0 {
		for _, p := range d.Points[0].Parties {
			head = append(head, p.Name+" E[net]", p.Name+" CE", p.Name+" reservation")
			if offers {
				head = append(head, p.Name+" P(beats court)")
			}
		}
		if d.Points[0].Range != nil {
			head = append(head, "range low", "range high", "range width")
		}
	}
	amount, share := num, num
	if people {
		amount, share = money.Format, money.FormatPercent
	}
	var rows [][]string
	for _, pt := range d.Points {
		var r []string
		for i, v := range pt.Values {
			r = append(r, d.Axes[i].format(v, people))
		}
		for _, p := range pt.Parties {
			r = append(r, amount(p.Mean), amount(p.CE), amount(p.Reservation))
			if offers && p.BeatsCourt != nil {
				r = append(r, share(*p.BeatsCourt))
			}
		}
		if rg := pt.Range; rg != nil {
			r = append(r, amount(rg.Low), amount(rg.High), amount(rg.Width))
		}
		rows = append(rows, r)
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
