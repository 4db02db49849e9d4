package engine

import (
	"fmt"
	"strconv"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/sampling"
	"github.com/settle-sim/settle/engine/scenario"
)

// DependenceNotes describe, for settle check, how p's correlated inputs
// depend on each other before anything is run: the copula and, for each
// declared pair, the value asked (and its repair), the copula's own
// parameter and Kendall's tau, and its tail dependence in closed form.
// None when p declares no correlations.
func DependenceNotes(p *model.Program) []string {
	c := p.Correlation()
	if c == nil {
		return nil
	}
	cop := c.Copula
	measure := "rank correlation"
	if c.Measure == scenario.MeasureKendall {
		measure = "Kendall's tau"
	}
	head := "dependence: Gaussian copula (no tail dependence)"
	switch cop.Family {
	case sampling.StudentT:
		head = fmt.Sprintf("dependence: t copula with %s degrees of freedom (dependence in both tails)", strconv.FormatFloat(cop.DF, 'g', -1, 64))
	case sampling.Clayton:
		tail := "lower"
		if cop.Upper {
			tail = "upper"
		}
		groups := "one group"
		if n := len(cop.Groups); n > 1 {
			groups = fmt.Sprintf("%d groups, independent of each other", n)
		}
		head = fmt.Sprintf("dependence: Clayton copula (dependence in the %s tail), %s", tail, groups)
	}
	if c.Repaired {
		head += "; the declared matrix was not positive semi-definite and is repaired to the nearest valid one"
	}
	notes := []string{head}
	k := len(c.Inputs)
	for _, pr := range c.Pairs {
		i, j := pr.I, pr.J
		s := fmt.Sprintf("  %s ~ %s: %s %s", c.Inputs[i].Name, c.Inputs[j].Name, measure, two(pr.Rho))
		if used := c.Used[i*k+j]; used != pr.Rho {
			s += " repaired to " + two(used)
		}
		switch cop.Family {
		case sampling.Clayton:
			if th, _ := cop.GroupTheta(i, j); th > 0 {
				s += fmt.Sprintf(" (θ %s)", strconv.FormatFloat(th, 'g', 4, 64))
			}
		default:
			s += fmt.Sprintf(" (normal correlation %s", two(cop.NormalCorrelation(i, j)))
			if c.Measure != scenario.MeasureKendall {
				s += ", Kendall's tau " + two(cop.KendallTau(i, j))
			}
			s += ")"
		}
		lower, upper := cop.TailDependence(i, j)
		s += fmt.Sprintf(", tail dependence lower %s, upper %s", two(lower), two(upper))
		notes = append(notes, s)
	}
	return notes
}

func two(x float64) string { return strconv.FormatFloat(x, 'f', 2, 64) }
