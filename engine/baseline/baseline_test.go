package baseline

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func write(t *testing.T, dir string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		path := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestDiscoverAndPaths(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{
		"a.yaml": "", "sub/b.yml": "", "baselines/x.yaml": "", ".hidden/c.yaml": "", "notes.txt": "",
	})
	got, err := Discover(dir)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{filepath.Join(dir, "a.yaml"), filepath.Join(dir, "sub", "b.yml")}
	if !slices.Equal(got, want) {
		t.Errorf("Discover = %q, want %q", got, want)
	}
	if got := BaselinePath(dir, filepath.Join(dir, "sub", "b.yml")); got != filepath.Join(dir, "baselines", "sub", "b.json") {
		t.Errorf("BaselinePath = %s", got)
	}
}

const scenario = `name: s
seed: 1
trials: 2000
inputs:
  x: normal(100, 10)
  k: 1
rules:
  y: x * k
outputs: [y]
`

// Update, then match; a drift fails; a broken file is reported with the
// others still tested.
func TestRun(t *testing.T) {
	dir := t.TempDir()
	write(t, dir, map[string]string{"a.yaml": scenario, "b.yaml": scenario})
	ctx := context.Background()
	rep, err := Run(ctx, Options{Dir: dir, Update: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Worst() != Updated || len(rep.Cases) != 2 {
		t.Fatalf("update: %s", rep.Counts())
	}
	rep, err = Run(ctx, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Worst() != Identical {
		t.Fatalf("match: %s", rep.Counts())
	}
	write(t, dir, map[string]string{
		"a.yaml": strings.Replace(scenario, "k: 1", "k: 1.05", 1),
		"c.yaml": "name: c\noutputs: [nosuch]\n",
	})
	rep, err = Run(ctx, Options{Dir: dir})
	if err != nil {
		t.Fatal(err)
	}
	var states []string
	for _, c := range rep.Cases {
		states = append(states, filepath.Base(c.Scenario)+" "+c.Status.String()+" "+c.Detail)
	}
	got := strings.Join(states, "\n")
	for _, want := range []string{"a.yaml FAIL y: significant", "b.yaml ok identical to the baseline", "c.yaml BROKEN " + filepath.Join(dir, "c.yaml") + ":2:"} {
		if !strings.Contains(got, want) {
			t.Errorf("cases:\n%s\nwant %q", got, want)
		}
	}
	if rep.Worst() != Broken || rep.Counts() != "3 scenarios: 1 identical, 1 failed, 1 broken" {
		t.Errorf("worst %v, %s", rep.Worst(), rep.Counts())
	}
	// CSV: a row per output compared, led by its scenario and state, and
	// one row for the broken scenario.
	var b strings.Builder
	if err := Write(&b, rep, "csv"); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rows[0][:6], ","); got != "scenario,state,detail,section,name,unit" {
		t.Errorf("CSV heading %s", got)
	}
	var lead []string
	for _, r := range rows[1:] {
		lead = append(lead, filepath.Base(r[0])+" "+r[1]+" "+r[3]+" "+r[4])
	}
	if got, want := strings.Join(lead, "|"), "a.yaml FAIL output y|b.yaml ok output y|c.yaml BROKEN  "; got != want {
		t.Errorf("CSV rows %q, want %q", got, want)
	}
}
