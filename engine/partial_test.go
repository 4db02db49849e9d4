package engine_test

import (
	"bytes"
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/project"
	"github.com/settle-sim/settle/engine/report"
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

func mergeFiles(files [][]byte, order []int) (*engine.Result, error) {
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

// TestProcessShardAboveExactLimit: a scenario with stages is not
// sketched, so a run above the exact limit is not sharded, and the
// message says how to shard it.
func TestProcessShardAboveExactLimit(t *testing.T) {
	spec := engine.Spec{Path: "../scenarios/reference.yaml"}
	p, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	opt := engine.Options{Trials: 20_000, Seed: 1, ExactLimit: 10_000, Pilot: 1 << 13}
	_, err = engine.RunShard(context.Background(), spec, p, opt, engine.Shard{K: 0, N: 2})
	if err == nil || !strings.Contains(err.Error(), "above the exact limit of 10,000; raise --exact-limit to 20,000") {
		t.Errorf("error %v, want the exact limit's", err)
	}
}
