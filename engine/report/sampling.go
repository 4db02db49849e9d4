package report

import (
	"fmt"
	"math"
	"strconv"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/sampling"
)

// Correlations are the declared rank correlations and those achieved.
type Correlations struct {
	// Repaired is true when the declared matrix was not positive
	// semi-definite and the nearest valid one was used instead.
	Repaired bool              `json:"repaired,omitempty"`
	Pairs    []CorrelationPair `json:"pairs"`
}

// CorrelationPair is one declared pair: its Spearman correlation as
// declared, as imposed (after any repair) and as achieved in the run.
type CorrelationPair struct {
	Inputs   [2]string `json:"inputs"`
	Declared float64   `json:"declared"`
	Used     float64   `json:"used"`
	Achieved *float64  `json:"achieved,omitempty"`
}

// Convergence is a run to a target standard error.
type Convergence struct {
	TargetSE  string   `json:"target_se"`
	Outputs   []string `json:"outputs"`
	MaxTrials int      `json:"max_trials"`
	Trials    int      `json:"trials"`
	Met       bool     `json:"met"`
	Batches   []Batch  `json:"batches"`
	// Missed are the outputs above their target after the last batch,
	// furthest first.
	Missed []Miss `json:"missed,omitempty"`
}

// Miss is an output that did not reach the target: its standard error
// after the last batch, its target and the trials estimated to reach
// it (were the error to fall as 1/√n).
type Miss struct {
	Output          string  `json:"output"`
	SE              float64 `json:"se"`
	Target          float64 `json:"target"`
	EstimatedTrials float64 `json:"estimated_trials"`
}

// Batch is one batch of a run to a target.
type Batch struct {
	Trials int     `json:"trials"`
	Worst  string  `json:"worst_output"`
	SE     float64 `json:"se"`
	Target float64 `json:"target"`
}

// newSampling returns the document's sampler ("" for pseudo-random
// sampling, so that such documents are as before), correlations and
// convergence.
func newSampling(res *engine.Result) (string, *Correlations, *Convergence) {
	sampler := ""
	if res.Sampler != sampling.Random {
		sampler = res.Sampler.String()
	}
	var corr *Correlations
	if len(res.Correlations) > 0 {
		corr = &Correlations{Repaired: res.CorrelationsRepaired}
		for _, p := range res.Correlations {
			cp := CorrelationPair{Inputs: [2]string{p.A, p.B}, Declared: p.Declared, Used: p.Used}
			if !math.IsNaN(p.Achieved) {
				a := p.Achieved
				cp.Achieved = &a
			}
			corr.Pairs = append(corr.Pairs, cp)
		}
	}
	var conv *Convergence
	if c := res.Convergence; c != nil {
		conv = &Convergence{TargetSE: c.Target, Outputs: c.Outputs, MaxTrials: c.MaxTrials, Trials: c.Trials, Met: c.Met}
		for _, b := range c.Batches {
			conv.Batches = append(conv.Batches, Batch{Trials: b.Trials, Worst: b.Worst, SE: b.SE, Target: b.Target})
		}
		for _, m := range c.Missed {
			conv.Missed = append(conv.Missed, Miss{Output: m.Output, SE: m.SE, Target: m.Target, EstimatedTrials: math.Round(m.Estimated)})
		}
	}
	return sampler, corr, conv
}

// samplingHeading is what the heading says of the sampler, a run to a
// target and the correlations: nothing for a plain run.
func (d *Document) samplingHeading() string {
	s := ""
	if d.Sampler != "" {
		s += " · " + d.Sampler + " sampling"
		if d.SEMethod != "" {
			s += " (se from " + d.SEMethod + ")"
		}
	}
	if c := d.Convergence; c != nil {
		verdict := "met"
		if !c.Met {
			verdict = "NOT met by --max-trials " + money.FormatNumber(float64(c.MaxTrials))
			for i, m := range c.Missed {
				if i == 2 && len(c.Missed) > 3 {
					verdict += fmt.Sprintf(" and %d more", len(c.Missed)-2)
					break
				}
				sep := ": "
				if i > 0 {
					sep = ", "
				}
				verdict += sep + d.missed(m)
			}
		}
		s += fmt.Sprintf(" · target SE %s %s", c.TargetSE, verdict)
	}
	if c := d.Correlations; c != nil {
		s += " · rank correlations"
		if c.Repaired {
			s += " (repaired)"
		}
		for i, p := range c.Pairs {
			sep := " "
			if i > 0 {
				sep = ", "
			}
			achieved := "–"
			if p.Achieved != nil {
				achieved = strconv.FormatFloat(*p.Achieved, 'f', 2, 64)
			}
			s += fmt.Sprintf("%s%s~%s %s (wanted %s)", sep, p.Inputs[0], p.Inputs[1], achieved, strconv.FormatFloat(p.Used, 'f', 2, 64))
		}
	}
	return s
}

// missed says how far an output is from the target: "supplier_net se
// £301.2k against £8.8k".
func (d *Document) missed(m Miss) string {
	format := money.FormatNumber
	for _, v := range d.Outputs {
		if v.Name == m.Output {
			format = v.Format
		}
	}
	return fmt.Sprintf("%s se %s against %s", m.Output, format(m.SE), format(m.Target))
}
