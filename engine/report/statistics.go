package report

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/money"
)

// Statistic is one of the scenario's statistics in the result document:
// statistics.NAME.value and .se, with what it is and how its standard
// error was computed.
type Statistic struct {
	Name string `json:"-"`
	Expr string `json:"expr"` // as written: P(supplier_net > £50m)
	// Kind is probability, mean, sd or quantile; P the quantile's
	// probability.
	Kind string  `json:"kind"`
	P    float64 `json:"p,omitempty"`
	Unit string  `json:"unit,omitempty"`
	Doc  string  `json:"doc,omitempty"`
	// Value and SE are null when the statistic rests on no trial (its
	// condition never held), SE also on one.
	Value *float64 `json:"value"`
	SE    *float64 `json:"se"`
	// N is the trials it rests on: those its condition holds in.
	N        int    `json:"n"`
	SEMethod string `json:"se_method"`
}

// Statistics are statistics in order; in JSON an object keyed by name.
type Statistics []Statistic

// MarshalJSON writes ss as an object in order.
func (ss Statistics) MarshalJSON() ([]byte, error) {
	return marshalObject(len(ss), func(i int) (string, any) { return ss[i].Name, ss[i] })
}

// UnmarshalJSON reads an object of statistics, keeping its order.
func (ss *Statistics) UnmarshalJSON(data []byte) error {
	return readObject(data, "statistics.", (*[]Statistic)(ss), func(s *Statistic, key string) { s.Name = key })
}

// Lookup returns the statistic called name, or nil.
func (ss Statistics) Lookup(name string) *Statistic {
	for i := range ss {
		if ss[i].Name == name {
			return &ss[i]
		}
	}
	return nil
}

func newStatistics(res *engine.Result) Statistics {
	var out Statistics
	for _, r := range res.Statistics {
		st := r.Statistic
		s := Statistic{Name: st.Name, Expr: st.Text, Kind: st.Kind.String(), P: st.Prob, Unit: st.Unit, Doc: st.Doc,
			Value: finite(r.Value), SE: finite(r.SE), N: r.N, SEMethod: st.Kind.SEMethod()}
		out = append(out, s)
	}
	return out
}

// Format formats x as the statistic's values are shown: money as money,
// probabilities as percentages.
func (s *Statistic) Format(x float64) string {
	v := Var{Unit: s.Unit, Type: "number"}
	return v.Format(x)
}

// Cells are the statistic's value, ± its standard error, and what it is
// (with the trials it rests on when it has a condition), for tables.
func (s *Statistic) Cells(trials int) []string {
	value, se := "–", ""
	if s.Value != nil {
		value = s.Format(*s.Value)
	}
	if s.SE != nil {
		se = "±" + s.Format(*s.SE)
	}
	what := s.Expr
	if what == s.Name {
		what = ""
	}
	if s.N != trials {
		if what != "" {
			what += " · "
		}
		what += money.FormatNumber(float64(s.N)) + " trials"
	}
	return []string{value, se, what}
}

// writeStatistics writes the statistics as a titled table, aligned or
// Markdown.
func writeStatistics(w io.Writer, d *Document, md bool) {
	if len(d.Statistics) == 0 {
		return
	}
	var rows [][]string
	for i := range d.Statistics {
		s := &d.Statistics[i]
		rows = append(rows, append([]string{s.Name}, s.Cells(d.Trials)...))
	}
	if md {
		writeGrid(w, "statistic", []string{"statistic", "value", "± se", "of"}, rows, md)
		return
	}
	// Aligned, the last column (what each is) flush left.
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "statistics\tvalue\t± se\t  of\n")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%s\t%s\t  %s\n", r[0], r[1], r[2], r[3])
	}
	tw.Flush()
}
