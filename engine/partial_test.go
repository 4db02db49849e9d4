package engine_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/project"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/sampling"
	"github.com/settle-sim/settle/engine/stats"
)

func docJSON(t *testing.T, res *engine.Result) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := report.WriteJSON(&b, report.New(res)); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// shardFiles runs every shard of the reference case and returns each
// part as written to a file.
func shardFiles(t *testing.T, spec engine.Spec, opt engine.Options, n int) [][]byte {
	t.Helper()
	p, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	var files [][]byte
	for k := range n {
		pt, err := engine.RunShard(context.Background(), spec, p, opt, engine.Shard{K: k, N: n})
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		if err := pt.Write(&b); err != nil {
			t.Fatal(err)
		}
		files = append(files, b.Bytes())
	}
	return files
}

// mergeFiles reads the parts files in order, all at once (ReadParts:
// a run's exact parts are read into the run's columns), and merges them.
func mergeFiles(files [][]byte, order []int) (*engine.Result, error) {
	var names []string
	byName := map[string][]byte{}
	for _, i := range order {
		name := "part-" + string(rune('0'+i))
		names = append(names, name)
		byName[name] = files[i]
	}
	parts, err := engine.ReadParts(names, func(name string) (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(byName[name])), nil
	})
	if err != nil {
		return nil, err
	}
	return engine.Merge(context.Background(), parts, names, project.Options{})
}

// mergeEach is mergeFiles reading the parts one by one (ReadPart), each
// into columns of its own.
func mergeEach(files [][]byte, order []int) (*engine.Result, error) {
	var parts []*engine.Part
	var names []string
	for _, i := range order {
		pt, err := engine.ReadPart(bytes.NewReader(files[i]), "part")
		if err != nil {
			return nil, err
		}
		parts = append(parts, pt)
		names = append(names, "part-"+string(rune('0'+i)))
	}
	return engine.Merge(context.Background(), parts, names, project.Options{})
}

// TestShardsMergeToRun: the parts of a run, written to files, read back
// and merged in any order, give the document of the unsharded run byte
// for byte, exact and sketched, with the parties, the settlement range
// and the sensitivity.
func TestShardsMergeToRun(t *testing.T) {
	spec := engine.Spec{Path: reference}
	p := load(t, reference)
	for _, tc := range []struct {
		name  string
		opt   engine.Options
		order []int
	}{
		{"exact", engine.Options{Trials: 30_000, Seed: 11, Sensitivity: true}, []int{2, 0, 3, 1}},
		{"sketched", engine.Options{Trials: 30_000, Seed: 11, Sensitivity: true, ExactLimit: 10_000}, []int{3, 1, 0, 2}},
		{"offer", engine.Options{Trials: 9_000, Seed: 2, Workers: 1}, []int{1, 2, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sp, q := spec, p
			if tc.name == "offer" {
				sp.Offer = "£120m"
				var err error
				if q, err = sp.Load(); err != nil {
					t.Fatal(err)
				}
			}
			res, err := engine.Run(context.Background(), q, tc.opt)
			if err != nil {
				t.Fatal(err)
			}
			want := docJSON(t, res)
			files := shardFiles(t, sp, tc.opt, len(tc.order))
			merged, err := mergeFiles(files, tc.order)
			if err != nil {
				t.Fatal(err)
			}
			if got := docJSON(t, merged); !bytes.Equal(got, want) {
				t.Errorf("merged shards differ from the unsharded run")
			}
			each, err := mergeEach(files, tc.order)
			if err != nil {
				t.Fatal(err)
			}
			if got := docJSON(t, each); !bytes.Equal(got, want) {
				t.Errorf("shards read one by one and merged differ from the unsharded run")
			}
			if len(merged.Parties) == 0 || merged.Range == nil {
				t.Errorf("merged result has no parties or settlement range")
			}
		})
	}
}

// TestMergeRefuses: merge names the parts that do not belong together,
// that are missing or given twice.
func TestMergeRefuses(t *testing.T) {
	spec := engine.Spec{Path: reference}
	opt := engine.Options{Trials: 6_000, Seed: 1}
	files := shardFiles(t, spec, opt, 3)
	opt.Seed = 2
	other := shardFiles(t, spec, opt, 3)
	for _, tc := range []struct {
		name  string
		files [][]byte
		order []int
		want  string
	}{
		{"missing", files, []int{0, 2}, "1 of 3 shards are missing: 1/3"},
		{"twice", files, []int{0, 1, 1, 2}, "shard 1/3 is given twice"},
		{"seed", append(append([][]byte{}, files[:2]...), other[2]), []int{0, 1, 2}, "its seed differs (2 against 1)"},
	} {
		_, err := mergeFiles(tc.files, tc.order)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want one saying %q", tc.name, err, tc.want)
		}
	}
}

// TestReadPartCorrupt: a partial result that is truncated or has any
// byte changed is refused with an error, never a panic or a part.
func TestReadPartCorrupt(t *testing.T) {
	for _, tc := range []struct {
		path string
		opt  engine.Options
	}{
		{reference, engine.Options{Trials: 3_000, Seed: 1}},
		{reference, engine.Options{Trials: 3_000, Seed: 1, ExactLimit: 1_000}},
		{"../scenarios/reference.yaml", engine.Options{Trials: 2_000, Seed: 1, Sensitivity: true, Pilot: 1 << 12, Refits: 1}},
	} {
		file := shardFiles(t, engine.Spec{Path: tc.path}, tc.opt, 2)[0]
		if _, err := engine.ReadPart(bytes.NewReader(file), "ok"); err != nil {
			t.Fatal(err)
		}
		for _, n := range []int{0, 7, 16, 100, len(file) / 2, len(file) - 1} {
			if _, err := engine.ReadPart(bytes.NewReader(file[:n]), "cut"); err == nil {
				t.Errorf("truncated to %d bytes: no error", n)
			}
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for range 300 {
			b := bytes.Clone(file)
			i := rng.IntN(len(b))
			b[i] ^= byte(1 + rng.IntN(255))
			if _, err := engine.ReadPart(bytes.NewReader(b), "flipped"); err == nil {
				t.Errorf("byte %d of %d changed: read without error", i, len(b))
			}
		}
	}
}

// TestProcessShardsMergeToRun: a scenario with stages in shards, each
// fitting the same policy and keeping its trials' columns, merged in any
// order, is the unsharded run's document byte for byte: the fit, the
// outcome, the parties and the tornado.
func TestProcessShardsMergeToRun(t *testing.T) {
	const stages = "../scenarios/reference.yaml"
	for _, tc := range []struct {
		name  string
		spec  engine.Spec
		opt   engine.Options
		order []int
	}{
		{"sensitivity", engine.Spec{Path: stages},
			engine.Options{Trials: 6_000, Seed: 5, Sensitivity: true, Pilot: 1 << 13, Refits: 2}, []int{2, 0, 1}},
		{"offer", engine.Spec{Path: stages, Offer: "£450m"},
			engine.Options{Trials: 5_000, Seed: 2, Pilot: 1 << 13, Refits: 1, Workers: 1}, []int{1, 0}},
		// Above the exact limit: moments, sketches and tallies, no columns.
		{"sketched", engine.Spec{Path: stages},
			engine.Options{Trials: 12_000, Seed: 5, Sensitivity: true, ExactLimit: 3_000, Pilot: 1 << 13, Refits: 1}, []int{2, 0, 1}},
		{"sketched lhs", engine.Spec{Path: stages},
			engine.Options{Trials: 9_000, Seed: 3, ExactLimit: 2_000, Sampler: sampling.LHS, Pilot: 1 << 13, Refits: 1, Workers: 1}, []int{1, 0}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := tc.spec.Load()
			if err != nil {
				t.Fatal(err)
			}
			whole := tc.opt
			whole.Workers = 3 // the fit and the trials do not depend on the workers
			res, err := engine.Run(context.Background(), p, whole)
			if err != nil {
				t.Fatal(err)
			}
			want := docJSON(t, res)
			files := shardFiles(t, tc.spec, tc.opt, len(tc.order))
			merged, err := mergeFiles(files, tc.order)
			if err != nil {
				t.Fatal(err)
			}
			if got := docJSON(t, merged); !bytes.Equal(got, want) {
				t.Errorf("merged shards differ from the unsharded run")
			}
			if merged.Process == nil || merged.Process.Fit == nil || merged.Process.Outcome == nil || len(merged.Parties) == 0 {
				t.Errorf("merged result has no process fit, outcome or parties")
			}
			if tc.opt.Sensitivity && len(merged.Sensitivity) == 0 {
				t.Errorf("merged result has no sensitivity")
			}
			// Parts of another seed do not belong.
			opt := tc.opt
			opt.Seed++
			other := shardFiles(t, tc.spec, opt, len(tc.order))
			if _, err := mergeFiles(append(files[:len(files)-1:len(files)-1], other[len(files)-1]), tc.order); err == nil ||
				!strings.Contains(err.Error(), "its seed differs") {
				t.Errorf("parts of two seeds merged: error %v", err)
			}
		})
	}
}

// TestProcessSketched: a scenario with stages above the exact limit is
// summarised from moments, sketches and tallies, and gives what the run
// that keeps every value gives: the same counts, means and certainty
// equivalents (to rounding), quantiles within the sketch's accuracy,
// whatever the workers.
func TestProcessSketched(t *testing.T) {
	p, err := engine.Load("../scenarios/reference.yaml")
	if err != nil {
		t.Fatal(err)
	}
	opt := engine.Options{Trials: 12_000, Seed: 7, Sensitivity: true, Pilot: 1 << 13, Refits: 1, Workers: 2}
	want, err := engine.Run(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	opt.ExactLimit = 3_000
	got, err := engine.Run(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	if want.QuantileError != 0 || got.QuantileError != stats.SketchAccuracy {
		t.Fatalf("quantile errors %v and %v, want 0 and the sketch's", want.QuantileError, got.QuantileError)
	}
	opt.Workers = 1
	one, err := engine.Run(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(docJSON(t, one), docJSON(t, got)) {
		t.Errorf("the sketched run differs on 1 worker and on 2")
	}

	near := func(what string, a, b, rel float64) {
		t.Helper()
		if math.IsNaN(a) && math.IsNaN(b) {
			return
		}
		if !(math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b))) {
			t.Errorf("%s: %v sketched, %v exact", what, b, a)
		}
	}
	const rounding = 1e-9
	summary := func(what string, w, g *stats.Summary) {
		t.Helper()
		if (w == nil) != (g == nil) {
			t.Fatalf("%s: summary %v sketched, %v exact", what, g, w)
		}
		if w == nil {
			return
		}
		if w.N != g.N {
			t.Errorf("%s: %d trials sketched, %d exact", what, g.N, w.N)
		}
		near(what+" mean", w.Mean, g.Mean, rounding)
		near(what+" sd", w.SD, g.SD, rounding)
		for i := range w.Quantiles {
			near(fmt.Sprintf("%s %s", what, stats.ProbNames[i]), w.Quantiles[i], g.Quantiles[i], stats.SketchAccuracy)
		}
	}
	for i, c := range want.Outputs {
		summary(c.Var.Name, &c.Summary, &got.Outputs[i].Summary)
	}
	for i, c := range want.Inputs {
		summary(c.Var.Name, &c.Summary, &got.Inputs[i].Summary)
	}
	wo, gotO := want.Process.Outcome, got.Process.Outcome
	// Counts are exact either way.
	if wo.PJudgment != gotO.PJudgment {
		t.Errorf("p_judgment %v sketched, %v exact", gotO.PJudgment, wo.PJudgment)
	}
	for k, op := range wo.Opportunities {
		g := gotO.Opportunities[k]
		if op.PReach != g.PReach || op.PSettle != g.PSettle {
			t.Errorf("%s: reach %v settle %v sketched, %v %v exact", op.Stage, g.PReach, g.PSettle, op.PReach, op.PSettle)
		}
		near(op.Stage+" mean figure", op.MeanFigure, g.MeanFigure, rounding)
	}
	summary("years", &wo.Years, &gotO.Years)
	summary("figure", wo.Figure, gotO.Figure)
	for i, pp := range wo.Parties {
		summary(pp.Name+" settled", pp.Settled, gotO.Parties[i].Settled)
		summary(pp.Name+" judgment", pp.Judgment, gotO.Parties[i].Judgment)
	}
	// The timeline: the share still open at each time, from the sketch
	// of the years, counts a trial resolved within the sketch's accuracy
	// of the time on one side or the other.
	for k, pt := range wo.Open {
		if g := gotO.Open[k]; pt.Years != g.Years || math.Abs(pt.POpen-g.POpen) > 0.002 {
			t.Errorf("timeline at %v years: %v open sketched, %v exact", pt.Years, g.POpen, pt.POpen)
		}
	}
	for i, pr := range want.Parties {
		g := got.Parties[i]
		for _, o := range []struct {
			what string
			w, g engine.Outcome
		}{{"net", pr.Net, g.Net}, {"court", pr.Court, g.Court}} {
			what := pr.Name + " " + o.what
			near(what+" mean", o.w.Mean, o.g.Mean, rounding)
			near(what+" sd", o.w.SD, o.g.SD, rounding)
			near(what+" CE", o.w.CE, o.g.CE, rounding)
			near(what+" P(loss)", o.w.PLoss, o.g.PLoss, 0)
			for q := range o.w.Quantiles {
				near(what+" "+stats.ProbNames[q], o.w.Quantiles[q], o.g.Quantiles[q], stats.SketchAccuracy)
			}
		}
		if pr.Reservation != g.Reservation {
			t.Errorf("%s: reservation %+v sketched, %+v exact", pr.Name, g.Reservation, pr.Reservation)
		}
	}
	if want.Range == nil || got.Range == nil || *want.Range != *got.Range {
		t.Errorf("settlement range %+v sketched, %+v exact", got.Range, want.Range)
	}
	if len(got.Sensitivity) == 0 || got.TornadoTrials != want.TornadoTrials {
		t.Errorf("sketched: %d outputs' sensitivity on %d trials, want the exact run's %d", len(got.Sensitivity), got.TornadoTrials, want.TornadoTrials)
	}
}

// TestProcessMemory: a scenario with stages is estimated as it runs:
// up to the exact limit every value of every trial, above it the pilot,
// the sample and each block's sums, which stop growing once the trials
// fill every block. The reference case with the whole analysis fits in
// 1 GB at 10 million trials and in 300 MB at 1,000 million.
func TestProcessMemory(t *testing.T) {
	p, err := engine.Load("../scenarios/reference.yaml")
	if err != nil {
		t.Fatal(err)
	}
	est := func(trials int) engine.Memory {
		return engine.EstimateMemory(p, engine.Options{Trials: trials, Sensitivity: true, Workers: 2})
	}
	small := est(100_000)
	if !small.Exact || small.BytesPerTrial != engine.BytesPerTrial(p) {
		t.Errorf("100,000 trials: %+v, want every value kept, %d bytes a trial", small, engine.BytesPerTrial(p))
	}
	if ten := est(10_000_000); ten.Exact || ten.Bytes > 1e9 {
		t.Errorf("10m trials: %+v, want sketched within 1 GB", ten)
	}
	big := est(1_000_000_000)
	if big.Exact || big.Bytes > 300e6 {
		t.Errorf("1,000m trials: %+v, want sketched within 300 MB", big)
	}
	// At most run.MaxBlocks blocks, whatever the trials.
	if huge := est(100_000_000_000); huge.Bytes-big.Bytes > 1<<20 {
		t.Errorf("100,000m trials: %d bytes, 1,000m %d: the estimate grows with the trials", huge.Bytes, big.Bytes)
	}
	if four := est(4_000_000); four.Exact || big.Bytes-four.Bytes > 8<<20 {
		t.Errorf("4m trials: %+v, 1,000m %d bytes: more than the blocks' sums apart", four, big.Bytes)
	}
}
