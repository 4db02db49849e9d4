package report

import (
	"fmt"
	"io"
	"math"
	"text/tabwriter"

	"github.com/settle-sim/settle/engine/money"
)

// WriteChanges writes what changed from old to new: each output's mean,
// each of the scenario's statistics, each party's expected value,
// certainty equivalent and reservation value, and the settlement range. A change in a mean is marked when it
// exceeds twice its standard error (with common random numbers most
// changes that matter are far larger).
func WriteChanges(w io.Writer, old, new *Document) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	n := 0
	line := func(name, what, a, b, delta, mark string) {
		if n == 0 {
			fmt.Fprintf(tw, "changes since the last run\t\t\t\t\t\t\n")
		}
		n++
		fmt.Fprintf(tw, "%s\t%s\t%s\t→ %s\t%s\t%s\t\n", name, what, a, b, delta, mark)
	}
	for _, v := range new.Outputs {
		o := old.Outputs.lookup(v.Name)
		if o == nil {
			line(v.Name, "mean", "(new)", v.Format(v.Mean), "", "")
			continue
		}
		if o.Mean == v.Mean {
			continue
		}
		d := v.Mean - o.Mean
		mark := ""
		if math.Abs(d) > 2*math.Hypot(o.SE, v.SE) {
			mark = "*"
		}
		line(v.Name, "mean", o.Format(o.Mean), v.Format(v.Mean), signed(v, d), mark)
	}
	for _, o := range old.Outputs {
		if new.Outputs.lookup(o.Name) == nil {
			line(o.Name, "mean", o.Format(o.Mean), "(gone)", "", "")
		}
	}
	cur := new.Money()
	for _, st := range new.Statistics {
		o := old.Statistics.Lookup(st.Name)
		switch {
		case o == nil:
			line(st.Name, "statistic", "(new)", statValue(&st, st.Value), "", "")
		case st.Value != nil && o.Value != nil && *st.Value != *o.Value:
			d := *st.Value - *o.Value
			mark := ""
			if o.SE != nil && st.SE != nil && math.Abs(d) > 2*math.Hypot(*o.SE, *st.SE) {
				mark = "*"
			}
			sign := "+"
			if d < 0 {
				sign = ""
			}
			line(st.Name, "statistic", statValue(o, o.Value), statValue(&st, st.Value), sign+st.Format(d), mark)
		case (st.Value == nil) != (o.Value == nil):
			line(st.Name, "statistic", statValue(o, o.Value), statValue(&st, st.Value), "", "")
		}
	}
	for _, p := range new.Parties {
		var q *Party
		for i := range old.Parties {
			if old.Parties[i].Name == p.Name {
				q = &old.Parties[i]
			}
		}
		if q == nil {
			continue
		}
		for _, f := range []struct {
			what string
			a, b float64
		}{{"E[net]", q.Net.Mean, p.Net.Mean}, {"CE[net]", q.Net.CE, p.Net.CE}, {"reservation", q.Reservation, p.Reservation}} {
			if f.a != f.b {
				line(p.Name, f.what, cur.Format(f.a), cur.Format(f.b), signedMoney(cur, f.b-f.a), "")
			}
		}
	}
	if a, b := old.Settlement, new.Settlement; a != nil && b != nil && (a.Low != b.Low || a.High != b.High) {
		line("settlement range", "width", cur.Format(a.Width), cur.Format(b.Width), signedMoney(cur, b.Width-a.Width), "")
	}
	if n == 0 {
		fmt.Fprintln(w, "\nno change in outputs or parties since the last run")
		return
	}
	fmt.Fprintln(w)
	tw.Flush()
	fmt.Fprintln(w, "* the change in the mean (or statistic) exceeds twice its standard error")
}

func statValue(s *Statistic, x *float64) string {
	if x == nil {
		return "–"
	}
	return s.Format(*x)
}

func signed(v Var, d float64) string {
	if d >= 0 {
		return "+" + v.Format(d)
	}
	return v.Format(d)
}

func signedMoney(cur money.Currency, d float64) string {
	if d >= 0 {
		return "+" + cur.Format(d)
	}
	return cur.Format(d)
}
