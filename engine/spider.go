package engine

import (
	"context"
	"fmt"
	"slices"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/run"
	"github.com/settle-sim/settle/engine/sensitivity"
	"github.com/settle-sim/settle/engine/stats"
)

// analyseSpider computes each output's spider: its mean with each
// sampled input that varies held at each of sensitivity.SpiderProbs, the
// other inputs drawn as before, on the first tornadoTrials trials (common
// random numbers, as the tornado). The tornado's means at p10 and p90 are
// reused when it was made.
func analyseSpider(ctx context.Context, res *Result, opt Options) error {
	opt.Progress = nil
	topt := opt
	topt.Trials = tornadoTrials(res.Program, opt.Trials)
	res.TornadoTrials = topt.Trials
	var outs []*Column
	var outVars []*model.Var
	for _, c := range res.Outputs {
		if driven(c) {
			outs = append(outs, c)
			outVars = append(outVars, c.Var)
		}
	}
	// The tornado's means, by input and value: [output]mean.
	known := map[string]map[float64][]float64{}
	if opt.Sensitivity {
		for j, out := range outs {
			s := sensitivityOf(res, out.Var.Name)
			for _, b := range s.Tornado {
				if known[b.Input] == nil {
					known[b.Input] = map[float64][]float64{}
				}
				for _, lv := range [][2]float64{{b.Low, b.MeanLow}, {b.High, b.MeanHigh}} {
					m := known[b.Input][lv[0]]
					if m == nil {
						m = make([]float64, len(outs))
						known[b.Input][lv[0]] = m
					}
					m[j] = lv[1]
				}
			}
		}
	}
	lines := make([][]sensitivity.SpiderLine, len(outs))
	for _, in := range res.Inputs {
		if in.Summary.SD == 0 {
			continue
		}
		means := map[float64][]float64{}
		for v, m := range known[in.Var.Name] {
			means[v] = m
		}
		pts := make([]sensitivity.SpiderPoint, len(sensitivity.SpiderProbs))
		for i, p := range sensitivity.SpiderProbs {
			at := slices.Index(stats.Probs, p)
			v := in.Summary.Quantiles[at]
			if _, ok := means[v]; !ok {
				q, err := res.Program.Pin(in.Var.Name, v)
				if err != nil {
					return err
				}
				m, err := run.Means(ctx, q, plan(topt), outVars)
				if err != nil {
					return fmt.Errorf("spider: %s held at %g: %w", in.Var.Name, v, err)
				}
				means[v] = m
			}
			pts[i] = sensitivity.SpiderPoint{P: p, Value: v}
		}
		for j := range outs {
			line := sensitivity.SpiderLine{Input: in.Var.Name, Points: slices.Clone(pts)}
			for i := range line.Points {
				line.Points[i].Mean = means[line.Points[i].Value][j]
			}
			lines[j] = append(lines[j], line)
		}
	}
	for j, out := range outs {
		sensitivityOf(res, out.Var.Name).Spider = sensitivity.Spider(lines[j])
	}
	return nil
}
