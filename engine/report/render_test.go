package report_test

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/report"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func readDoc(t *testing.T, name string) *report.Document {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := report.ReadJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestGoldenRender renders the reference case's document (20,000 trials)
// as a table, with and without colour, and as Markdown, and compares each
// with its golden file in testdata.
func TestGoldenRender(t *testing.T) {
	d := readDoc(t, "reference.json")
	for _, tc := range []struct {
		golden string
		write  func(*bytes.Buffer) error
	}{
		{"reference.table.golden", func(b *bytes.Buffer) error { return report.WriteTable(b, d) }},
		{"reference.color.golden", func(b *bytes.Buffer) error { return report.WriteTableColor(b, d, true) }},
		{"reference.md.golden", func(b *bytes.Buffer) error { return report.WriteMarkdown(b, d) }},
	} {
		t.Run(tc.golden, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b); err != nil {
				t.Fatal(err)
			}
			golden(t, tc.golden, b.String())
		})
	}
}

// TestTableColourOnlyOnRequest: a buffer is not a terminal, so the
// table has no escapes; with colour, only the histograms are coloured and
// the columns line up as they do without.
func TestTableColourOnlyOnRequest(t *testing.T) {
	d := readDoc(t, "reference.json")
	var plain, color bytes.Buffer
	if err := report.WriteTable(&plain, d); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(plain.String(), "\x1b[") {
		t.Error("table written to a buffer has colour escapes")
	}
	if err := report.WriteTableColor(&color, d, true); err != nil {
		t.Fatal(err)
	}
	stripped := strings.NewReplacer("\x1b[36m", "", "\x1b[0m", "").Replace(color.String())
	if stripped != plain.String() {
		t.Error("the coloured table differs from the plain one by more than its escapes")
	}
	if n := strings.Count(color.String(), "\x1b[36m"); n != 14 {
		t.Errorf("%d coloured histograms, want one per number var (14)", n)
	}
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs; got:\n%s\nwant:\n%s", path, got, want)
	}
}
