package engine

import (
	"context"
	"fmt"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/sensitivity"
)

// DefaultSobolTrials is the base trials of a Saltelli design the settle
// command uses unless told otherwise (fewer when the run has fewer).
const DefaultSobolTrials = 50_000

// analyseSobol estimates the first-order and total Sobol' indices of
// every output that varies for each factor of the program (each input
// with draws of its own; correlated inputs together), from Saltelli's
// design on opt.SobolTrials base trials: A is the trials [0, N), B the
// trials [N, 2N), and A_B^(i) the trials of A with factor i's draws from
// B's, which the program gives by redrawing factor i's sites from trial
// t+N (model.Program.Redraw). It costs (factors + 2)·N trials, drawn
// pseudo-randomly whatever the run's sampler. Intervals are bootstrap
// percentile intervals (sensitivity.Sobol), seeded from the run's seed.
func analyseSobol(ctx context.Context, res *Result, opt Options) error {
	n := opt.SobolTrials
	q := res.Program.Pseudorandom()
	factors := q.Factors()
	var outs []*model.Var
	for _, c := range res.Outputs {
		if c.Summary.SD > 0 {
			outs = append(outs, c.Var)
		}
	}
	if len(outs) == 0 || len(factors) == 0 {
		res.SobolTrials = n
		return nil
	}
	o := opt
	o.Progress = nil
	o.Trials = 2 * n
	ab, err := simulate(ctx, q, o, outs)
	if err != nil {
		return fmt.Errorf("sobol: %w", err)
	}
	o.Trials = n
	yAB := make([][][]float64, len(factors)) // [factor][output][trial]
	for i, f := range factors {
		r, err := q.Redraw(f, n)
		if err != nil {
			return fmt.Errorf("sobol: %w", err)
		}
		if yAB[i], err = simulate(ctx, r, o, outs); err != nil {
			return fmt.Errorf("sobol: %s redrawn: %w", f.Name, err)
		}
	}
	for j, v := range outs {
		ys := make([][]float64, len(factors))
		for i := range factors {
			ys[i] = yAB[i][j]
		}
		idx := sensitivity.Sobol(ab[j][:n], ab[j][n:], ys, sensitivity.SobolOptions{Seed: opt.Seed})
		for i := range idx {
			idx[i].Input = factors[i].Name
		}
		sensitivityOf(res, v.Name).Sobol = idx
	}
	res.SobolTrials = n
	return nil
}

// sensitivityOf returns the sensitivity of the output called name,
// adding it, in the outputs' order, when it is not there yet.
func sensitivityOf(res *Result, name string) *OutputSensitivity {
	for _, s := range res.Sensitivity {
		if s.Output == name {
			return s
		}
	}
	s := &OutputSensitivity{Output: name}
	// Keep the outputs' order: insert before the first listed later.
	pos := map[string]int{}
	for i, c := range res.Outputs {
		pos[c.Var.Name] = i
	}
	at := len(res.Sensitivity)
	for i, e := range res.Sensitivity {
		if pos[e.Output] > pos[name] {
			at = i
			break
		}
	}
	res.Sensitivity = append(res.Sensitivity[:at], append([]*OutputSensitivity{s}, res.Sensitivity[at:]...)...)
	return s
}
