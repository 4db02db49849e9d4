package run

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/scenario"
	"github.com/settle-sim/settle/engine/stats"
)

// oneStepJob is the pass of the one-step reference case that settle run
// makes: its outputs and sampled inputs tracked, both parties, and the
// settlement figure probed at three amounts by followed programs.
func oneStepJob(t *testing.T, path string, exact bool) *Job {
	t.Helper()
	compileAt := func(figure string) *model.Program {
		sc, err := scenario.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if figure != "" {
			if err := sc.Set("settlement_figure", figure); err != nil {
				t.Fatal(err)
			}
		}
		p, err := model.Compile(sc)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	p := compileAt("")
	job := &Job{Program: p, Exact: exact, Vars: append(append([]*model.Var{}, p.Outputs...), p.Sampled...)}
	for _, pt := range p.Parties {
		job.Parties = append(job.Parties, PartyJob{RiskTolerance: pt.RiskTolerance, Net: pt.Net, Court: pt.Court, Settled: pt.Settled})
	}
	for _, fig := range []string{"£50m", "£600m", "£325m"} {
		q := compileAt(fig)
		var needed []*model.Var
		for i, pt := range q.Parties {
			needed = append(needed, pt.Settled)
			job.Parties[i].ProbeSettled = append(job.Parties[i].ProbeSettled, pt.Settled)
		}
		f, err := q.Follow(p, []string{"settlement_figure"}, needed)
		if err != nil {
			t.Fatal(err)
		}
		job.Probes = append(job.Probes, Probe{Program: f, Follows: true})
	}
	if !job.byBlocks() {
		t.Fatal("the one-step pass is not evaluated by blocks")
	}
	return job
}

// passBoth runs job by blocks and trial by trial.
func passBoth(t *testing.T, job *Job, pl Plan) (blocks, trials *Part, errBlocks, errTrials error) {
	t.Helper()
	blocks, errBlocks = Pass(context.Background(), job, pl, Shard{K: 0, N: 1})
	noBlocks = true
	defer func() { noBlocks = false }()
	trials, errTrials = Pass(context.Background(), job, pl, Shard{K: 0, N: 1})
	return
}

// TestPassByBlocksIsTrialByTrial: the one-step case's pass, exact and
// sketched, on one worker and on three, gathers by blocks, bit for bit,
// what it gathers trial by trial: columns, moments, sketches and every
// party's sums.
func TestPassByBlocksIsTrialByTrial(t *testing.T) {
	for _, exact := range []bool{true, false} {
		job := oneStepJob(t, "../../scenarios/one-step.yaml", exact)
		for _, workers := range []int{1, 3} {
			pl := Plan{Seed: 9, Trials: 20_000 + 17, Workers: workers}
			a, b, ea, eb := passBoth(t, job, pl)
			if ea != nil || eb != nil {
				t.Fatal(ea, eb)
			}
			for j := range a.Columns {
				for i, x := range a.Columns[j] {
					if y := b.Columns[j][i]; math.Float64bits(x) != math.Float64bits(y) {
						t.Fatalf("exact, %d workers: %s trial %d: %v by blocks, %v by trials", workers, job.Vars[j].Name, i, x, y)
					}
				}
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("exact %v, %d workers: the parts differ", exact, workers)
			}
			if len(a.Parties) == 0 || a.Parties[0][0].NetSum.N == 0 || a.Parties[0][0].Slopes.N == 0 {
				t.Fatal("the pass gathered no parties' sums")
			}
		}
	}
}

// TestPassByBlocksErrors: a trial that fails, or gives a value that is
// not finite, in the program, a tracked var, a party's outcome or a probe,
// is reported by a pass by blocks as trial by trial: the earliest, with
// the same message.
func TestPassByBlocksErrors(t *testing.T) {
	for _, tc := range []struct{ name, old, new, want string }{
		// the program: a draw's parameter out of range in a few trials
		{"draw", "clamp(normal(0.28, 0.06), 0, 1)", "beta(normal(2, 0.6), 2) * 0.5", "trial 1999: settlement_fraction: beta(alpha, beta): alpha (-0.0232"},
		// a tracked var: the log of a negative number in a few trials
		{"tracked", "pert(1.5, 2, 3.5)", "2 + log(normal(1, 0.3))", "trial 3741: supplier_net_court: value is NaN"},
		// a probe: the settled outcome is not a number at £600m alone
		{"probe", "years_to_settlement:\n    value: 0.5", "years_to_settlement:\n    value: 0.5 + 0 * sqrt(400000000 - settlement_figure + 0 * claim)", "trial 0: supplier_net_settled: value is NaN at a settlement figure of £600.0m;"},
	} {
		path := oneStepWith(t, tc.old, tc.new)
		job := oneStepJob(t, path, true)
		_, _, ea, eb := passBoth(t, job, Plan{Seed: 9, Trials: 50_000, Workers: 2})
		if eb == nil {
			t.Fatalf("%s: no trial failed", tc.name)
		}
		if fmt.Sprint(ea) != fmt.Sprint(eb) {
			t.Fatalf("%s: by blocks %v, trial by trial %v", tc.name, ea, eb)
		}
		if !strings.Contains(eb.Error(), tc.want) {
			t.Errorf("%s: %v, want it to say %q", tc.name, eb, tc.want)
		}
	}
}

// TestVariantMeansByBlocks: the means of followed variants are, bit for
// bit, the same by blocks as trial by trial.
func TestVariantMeansByBlocks(t *testing.T) {
	job := oneStepJob(t, "../../scenarios/one-step.yaml", true)
	var variants []Variant
	for k, pr := range job.Probes {
		var vars []*model.Var
		for _, pj := range job.Parties {
			vars = append(vars, pj.ProbeSettled[k])
		}
		variants = append(variants, Variant{Program: pr.Program, Vars: vars, Name: fmt.Sprint("probe ", k)})
	}
	pl := Plan{Seed: 4, Trials: 30_001, Workers: 2}
	a, err := VariantMeans(context.Background(), job.Program, variants, pl)
	if err != nil {
		t.Fatal(err)
	}
	noBlocks = true
	b, err := VariantMeans(context.Background(), job.Program, variants, pl)
	noBlocks = false
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Fatalf("by blocks %v, trial by trial %v", a, b)
	}
}

// TestStreamMeansColumnsByBlocks: Stream, Means and Columns give by
// blocks, bit for bit, what they give trial by trial, and the same error
// for a failing trial.
func TestStreamMeansColumnsByBlocks(t *testing.T) {
	job := oneStepJob(t, "../../scenarios/one-step.yaml", false)
	p, vars := job.Program, job.Vars
	ctx := context.Background()
	pl := Plan{Seed: 6, Trials: 25_000 + 3, Workers: 2}
	both := func(f func() (any, error)) (a, b any, ea, eb error) {
		a, ea = f()
		noBlocks = true
		defer func() { noBlocks = false }()
		b, eb = f()
		return
	}
	for name, f := range map[string]func() (any, error){
		"Stream": func() (any, error) {
			ms, sks, err := Stream(ctx, p, pl, vars, true)
			var data []stats.SketchData
			for _, s := range sks {
				data = append(data, s.Data())
			}
			return []any{ms, data}, err
		},
		"Means":   func() (any, error) { return Means(ctx, p, pl, vars) },
		"Columns": func() (any, error) { return Columns(ctx, p, pl, vars) },
	} {
		a, b, ea, eb := both(f)
		if ea != nil || eb != nil {
			t.Fatal(name, ea, eb)
		}
		if !reflect.DeepEqual(a, b) {
			t.Errorf("%s: by blocks and trial by trial differ", name)
		}
	}
	bad := oneStepJob(t, oneStepWith(t, "pert(1.5, 2, 3.5)", "2 + log(normal(1, 0.3))"), false)
	p, vars = bad.Program, bad.Vars
	for name, f := range map[string]func() (any, error){
		"Stream":  func() (any, error) { _, _, err := Stream(ctx, p, pl, vars, true); return nil, err },
		"Means":   func() (any, error) { return Means(ctx, p, pl, vars) },
		"Columns": func() (any, error) { return Columns(ctx, p, pl, vars) },
	} {
		_, _, ea, eb := both(f)
		if eb == nil || fmt.Sprint(ea) != fmt.Sprint(eb) {
			t.Errorf("%s: error by blocks %v, trial by trial %v", name, ea, eb)
		}
	}
}

// oneStepWith writes the one-step case, with its rule files, to a new
// project, its text old replaced by new, and returns its path.
func oneStepWith(t *testing.T, old, new string) string {
	t.Helper()
	src, err := os.ReadFile("../../scenarios/one-step.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	for _, f := range []string{"termination.yaml", "costs.yaml", "settlement.yaml"} {
		data, err := os.ReadFile(filepath.Join("../../rules", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(dir, "rules"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "rules", f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.MkdirAll(filepath.Join(dir, "scenarios"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "settle.yaml"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(src), old) {
		t.Fatalf("one-step.yaml has no %q", old)
	}
	text := strings.Replace(string(src), old, new, 1)
	path := filepath.Join(dir, "scenarios", "s.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestMergeJoinsColumns: parts whose columns are consecutive pieces of
// one array are joined without a copy; parts whose columns are not, even
// when the first has room for the whole run, are joined by copying.
func TestMergeJoinsColumns(t *testing.T) {
	const trials = 3000
	pl := Plan{Trials: trials}
	shards := []Shard{{K: 0, N: 2}, {K: 1, N: 2}}
	whole := make([]float64, trials)
	for i := range whole {
		whole[i] = float64(i)
	}
	part := func(k int, col []float64) *Part {
		start, end := shards[k].Trials(pl.Trials)
		return &Part{Trials: trials, Shard: shards[k], Start: start, End: end, Exact: true, Columns: [][]float64{col}}
	}
	s0, e0 := shards[0].Trials(trials)
	s1, e1 := shards[1].Trials(trials)
	// pieces of one array
	m, err := Merge([]*Part{part(0, whole[s0:e0:trials]), part(1, whole[s1:e1])})
	if err != nil {
		t.Fatal(err)
	}
	if &m.Columns[0][0] != &whole[0] || len(m.Columns[0]) != trials {
		t.Error("pieces of one array were copied")
	}
	// a first part with room for the run, and a second of its own
	roomy := make([]float64, trials)
	copy(roomy, whole[s0:e0])
	other := append([]float64(nil), whole[s1:e1]...)
	m, err = Merge([]*Part{part(0, roomy[:e0-s0]), part(1, other)})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(m.Columns[0], whole) {
		t.Error("columns of separate arrays joined wrongly")
	}
}
