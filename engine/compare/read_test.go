package compare

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/parquetfile"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/samples"
)

// ReadFile reads every kind of file run writes, and a comparison from a
// Parquet samples file is the comparison from the run itself: the same
// values, seed, units and tests.
func TestReadFile(t *testing.T) {
	path := writeScenario(t, small)
	a, b := run(t, path, 5000, 3), run(t, path, 5000, 3, engine.Setting{Name: "shift", Value: "1.2"})
	dir := t.TempDir()
	write := func(name string, fn func(w io.Writer) error) string {
		t.Helper()
		var buf bytes.Buffer
		if err := fn(&buf); err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	set := samples.FromResult(a)
	files := map[string]string{
		"parquet": write("a.parquet", func(w io.Writer) error { return parquetfile.Write(w, parquetfile.FromSet(set)) }),
		// A Parquet file is known by its magic, whatever its name.
		"parquet without extension": write("a.pq", func(w io.Writer) error { return parquetfile.Write(w, parquetfile.FromSet(set)) }),
		"binary":                    write("a.samples", func(w io.Writer) error { return samples.Write(w, set) }),
		"json":                      write("a.json", func(w io.Writer) error { return report.WriteJSON(w, report.New(a)) }),
	}
	direct, err := Compare(FromResult("a", a), FromResult("b", b), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for kind, p := range files {
		side, err := ReadFile(p)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		r, err := Compare(side, FromResult("b", b), Options{})
		if err != nil {
			t.Fatal(err)
		}
		want := MeanPaired
		if kind == "json" {
			want = MeanWelch
		}
		if r.Outputs[0].MeanTest != want {
			t.Errorf("%s: mean test %s, want %s", kind, r.Outputs[0].MeanTest, want)
		}
		if kind == "json" {
			continue
		}
		for i, w := range r.Outputs {
			d := direct.Outputs[i]
			if w.Name != d.Name || w.Unit != d.Unit || w.MeanP != d.MeanP || w.KSD != d.KSD || w.MeanAbs != d.MeanAbs {
				t.Errorf("%s: %s: %+v, from the run %+v", kind, w.Name, w, d)
			}
		}
		if len(r.Notes) != 0 {
			t.Errorf("%s: notes %q", kind, r.Notes)
		}
	}
	if _, err := ReadFile(write("bad.parquet", func(w io.Writer) error { _, err := w.Write([]byte("PAR1 not really")); return err })); err == nil ||
		!strings.Contains(err.Error(), "bad.parquet: parquet:") || !strings.Contains(err.Error(), "settle run --samples FILE.parquet") {
		t.Errorf("damaged Parquet: %v", err)
	}
}
