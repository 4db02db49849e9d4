package report

import (
	"fmt"
	"io"
	"math"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/stats"
)

// Process is, in the result document of a scenario with stages, how the
// disputes ended and how the parties decided.
type Process struct {
	Stages []string `json:"stages"`
	// Opportunities are the chances to settle, before each stage where
	// settling is allowed, in order.
	Opportunities []Opportunity `json:"opportunities"`
	PJudgment     float64       `json:"p_judgment"`
	// Years summarises the years to resolution, Figure the settlement
	// figure where the dispute settled.
	Years  Var  `json:"years_to_resolution"`
	Figure *Var `json:"figure,omitempty"`
	// Parties are each party's outcome on each path and its values at
	// the first opportunity.
	Parties []ProcessParty `json:"parties"`
	// Timeline is the probability the dispute is still open against
	// the years from now.
	Timeline  []TimePoint `json:"timeline"`
	Estimator Estimator   `json:"estimator"`
}

// Opportunity is one chance to settle: the probability of reaching it
// and of settling there (not conditional on reaching it).
type Opportunity struct {
	Stage      string   `json:"stage"`
	PReach     float64  `json:"p_reach"`
	PSettle    float64  `json:"p_settle"`
	MeanFigure *float64 `json:"mean_figure,omitempty"`
}

// ProcessParty is one party's outcome where the dispute settled and
// where it ended in judgment, and its values at the first opportunity,
// on its own beliefs.
type ProcessParty struct {
	Name          string   `json:"name"`
	Settled       *Var     `json:"settled,omitempty"`
	Judgment      *Var     `json:"judgment,omitempty"`
	Reservation   float64  `json:"reservation"`
	ReservationSE *float64 `json:"reservation_se,omitempty"`
	GoingOn       float64  `json:"ce_going_on"`
	GoingOnSE     *float64 `json:"ce_going_on_se,omitempty"`
}

// TimePoint is the probability the dispute is still open at Years.
type TimePoint struct {
	Years float64 `json:"years"`
	POpen float64 `json:"p_open"`
}

// Estimator says how the parties' values were fitted.
type Estimator struct {
	Method     string `json:"method"`
	Pilot      int    `json:"pilot_trials"`
	Refits     int    `json:"refits,omitempty"`
	FirstStage string `json:"first_opportunity"`
	Fits       []Fit  `json:"fits"`
}

// Fit describes one party's regression at one opportunity.
type Fit struct {
	Stage   string `json:"stage"`
	Party   string `json:"party"`
	Rows    int    `json:"rows"`
	Groups  int    `json:"groups"`
	Columns int    `json:"columns"`
}

// EstimatorMethod names how a process's values are estimated.
const EstimatorMethod = "backward induction, least-squares Monte Carlo: grouped on discrete state, cubic splines of continuous state"

func newProcess(res *engine.Result) *Process {
	pr := res.Process
	if pr == nil || pr.Outcome == nil {
		return nil
	}
	p := res.Program
	proc := p.Process()
	o, fit := pr.Outcome, pr.Fit
	d := &Process{PJudgment: o.PJudgment}
	for _, st := range proc.Stages {
		d.Stages = append(d.Stages, st.Name)
	}
	for _, op := range o.Opportunities {
		dop := Opportunity{Stage: op.Stage, PReach: op.PReach, PSettle: op.PSettle}
		if !math.IsNaN(op.MeanFigure) {
			f := op.MeanFigure
			dop.MeanFigure = &f
		}
		d.Opportunities = append(d.Opportunities, dop)
	}
	d.Years = summaryVar(proc.Years, o.Years)
	if o.Figure != nil {
		v := summaryVar(p.Figure, *o.Figure)
		d.Figure = &v
	}
	for i, pp := range o.Parties {
		dp := ProcessParty{Name: pp.Name}
		net := proc.Nets[i]
		if pp.Settled != nil {
			v := summaryVar(net, *pp.Settled)
			dp.Settled = &v
		}
		if pp.Judgment != nil {
			v := summaryVar(net, *pp.Judgment)
			dp.Judgment = &v
		}
		if fit.First >= 0 {
			fv := fit.FirstValues[i]
			dp.Reservation, dp.GoingOn = fv.Reservation, fv.GoingOn
			dp.ReservationSE, dp.GoingOnSE = finite(fv.ReservationSE), finite(fv.GoingOnSE)
		}
		d.Parties = append(d.Parties, dp)
	}
	for _, tp := range o.Open {
		d.Timeline = append(d.Timeline, TimePoint{Years: tp.Years, POpen: tp.POpen})
	}
	d.Estimator = Estimator{Method: EstimatorMethod, Pilot: fit.Pilot, Refits: fit.Refits}
	if fit.First >= 0 {
		d.Estimator.FirstStage = proc.Stages[fit.First].Name
	}
	for _, f := range fit.Fits {
		d.Estimator.Fits = append(d.Estimator.Fits, Fit{Stage: f.Stage, Party: f.Party, Rows: f.Rows, Groups: f.Groups, Columns: f.Columns})
	}
	return d
}

func finite(x float64) *float64 {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return nil
	}
	return &x
}

// summaryVar is a summary in the form of an output's.
func summaryVar(v *model.Var, s stats.Summary) Var {
	return Var{Name: v.Name, Kind: v.Kind.String(), Type: v.Type.String(), Unit: v.Unit,
		Mean: s.Mean, SD: s.SD, SE: s.SE, Min: s.Min, Max: s.Max, PPositive: s.PPositive,
		Quantiles: Quantiles(s.Quantiles), Histogram: s.Histogram}
}

// writeProcess writes how the disputes ended, aligned or as Markdown.
func writeProcess(w io.Writer, d *Document, md bool) {
	pr := d.Process
	if pr == nil {
		return
	}
	years := func(x float64) string { return money.FormatNumber(x) + "y" }
	head := []string{"how it ends", "P(reach)", "P(settle)", "mean figure"}
	var rows [][]string
	for _, op := range pr.Opportunities {
		fig := ""
		if op.MeanFigure != nil {
			fig = money.Format(*op.MeanFigure)
		}
		rows = append(rows, []string{"settle before " + op.Stage, money.FormatPercent(op.PReach), money.FormatPercent(op.PSettle), fig})
	}
	rows = append(rows, []string{"judgment", money.FormatPercent(pr.PJudgment), money.FormatPercent(pr.PJudgment), ""})
	writeGrid(w, head[0], head, rows, md)

	y := pr.Years
	fmt.Fprintf(w, "\nYears to resolution: mean %s, p5 %s, p50 %s, p95 %s.", years(y.Mean),
		years(y.Quantile("p5")), years(y.Quantile("p50")), years(y.Quantile("p95")))
	if f := pr.Figure; f != nil {
		fmt.Fprintf(w, " Where they settle, the figure is %s on average (p5 %s, p95 %s).",
			f.Format(f.Mean), f.Format(f.Quantile("p5")), f.Format(f.Quantile("p95")))
	}
	fmt.Fprintln(w)

	head = []string{"party", "E[settled]", "E[judgment]", "reservation", "CE[going on]"}
	rows = nil
	for _, pp := range pr.Parties {
		mean := func(v *Var) string {
			if v == nil {
				return "–"
			}
			return v.Format(v.Mean)
		}
		rows = append(rows, []string{pp.Name, mean(pp.Settled), mean(pp.Judgment),
			withSE(pp.Reservation, pp.ReservationSE), withSE(pp.GoingOn, pp.GoingOnSE)})
	}
	writeGrid(w, "at the first opportunity ("+pr.Estimator.FirstStage+")", head, rows, md)
	refits := ""
	if pr.Estimator.Refits > 1 {
		refits = fmt.Sprintf("; ± from %d refits on independent pilots", pr.Estimator.Refits)
	}
	fmt.Fprintf(w, "\nEach side decides on its own beliefs by backward induction over the stages (%s pilot trials%s).\n",
		money.FormatNumber(float64(pr.Estimator.Pilot)), refits)
}

func withSE(x float64, se *float64) string {
	if se == nil {
		return money.Format(x)
	}
	return money.Format(x) + " ±" + money.Format(*se)
}

// processRows are how the disputes ended as CSV rows of the result's
// layout: the probability of reaching and of settling at each
// opportunity and of judgment (their mean is the probability), and the
// summaries of the years to resolution and of the figure where settled.
func processRows(d *Document) [][]string {
	pr := d.Process
	if pr == nil {
		return nil
	}
	width := len(varRow("", &pr.Years))
	prob := func(name string, p float64) []string {
		row := make([]string, width) // only the mean: a probability has no spread
		copy(row, []string{"process", name, "built-in", "number", "probability", num(p)})
		return row
	}
	var rows [][]string
	for _, op := range pr.Opportunities {
		rows = append(rows, prob("p_reach_"+op.Stage, op.PReach), prob("p_settle_"+op.Stage, op.PSettle))
	}
	rows = append(rows, prob("p_judgment", pr.PJudgment))
	rows = append(rows, varRow("process", &pr.Years))
	if pr.Figure != nil {
		rows = append(rows, varRow("process", pr.Figure))
	}
	return rows
}
