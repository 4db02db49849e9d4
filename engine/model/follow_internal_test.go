package model

import (
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/settle-sim/settle/engine/scenario"
)

// TestFollowSkipsTheStream: a followed program whose recomputed vars do
// not draw evaluates its trials without positioning the random stream,
// and one whose recomputed vars draw does; either way every needed var
// has, bit for bit, the value the variant evaluated in full gives, trial
// by trial (the stream left as the previous trial's when it is skipped).
func TestFollowSkipsTheStream(t *testing.T) {
	base, variant := figureVariant(t)
	for _, tc := range []struct {
		needed  string
		noDraws bool
	}{
		{"settled", true}, // figure − costs: costs is loaded from the base
		{"noisy", false},  // noise draws around the figure
	} {
		v, _ := variant.Lookup(tc.needed)
		q, err := variant.Follow(base, []string{"figure"}, []*Var{v})
		if err != nil {
			t.Fatal(err)
		}
		if q.noDraws != tc.noDraws {
			t.Errorf("%s: noDraws %v, want %v", tc.needed, q.noDraws, tc.noDraws)
		}
		bs, fs, full := base.NewState(), q.NewState(), variant.NewState()
		fs.Follow(bs)
		for trial := range 2000 {
			for _, e := range []error{base.Eval(bs, 3, trial), q.Eval(fs, 3, trial), variant.Eval(full, 3, trial)} {
				if e != nil {
					t.Fatal(e)
				}
			}
			if got, want := fs.Slots[v.Slot], full.Slots[v.Slot]; math.Float64bits(got) != math.Float64bits(want) {
				t.Fatalf("%s, trial %d: followed %v, in full %v", tc.needed, trial, got, want)
			}
		}
	}
}

// figureVariant compiles a scenario whose settled outcome depends on
// its figure input, and its variant with the figure at 170.
func figureVariant(t *testing.T) (base, variant *Program) {
	t.Helper()
	const text = `inputs:
  claim: pert(400, 600, 700)
  costs: uniform(10, 30)
  figure: 150
  noise: normal(figure, 5)
rules:
  settled: figure - costs
  court: claim * 0.4 - costs
  noisy: noise - costs
outputs: [settled, court, noisy]
`
	dir := t.TempDir()
	path := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	compileAt := func(figure string) *Program {
		sc, err := scenario.Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if figure != "" {
			if err := sc.Set("figure", figure); err != nil {
				t.Fatal(err)
			}
		}
		p, err := Compile(sc)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	return compileAt(""), compileAt("170")
}
