package model_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/scenario"
)

// compileWithCSV writes the scenario text and a.csv holding csv to a new
// directory and compiles the scenario.
func compileWithCSV(t *testing.T, text, csv string) (*model.Program, error) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "a.csv"), []byte(csv), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "s.yaml"), []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	sc, err := scenario.Load(filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	return model.Compile(sc)
}

// TestEmpiricalExcelCSV: a CSV file saved by Excel as "CSV UTF-8" starts
// with a byte order mark, which is not part of the first heading.
func TestEmpiricalExcelCSV(t *testing.T) {
	p, err := compileWithCSV(t, "inputs:\n  x: empirical(\"a.csv\", \"ratio\")\noutputs: [x]\n",
		"\uFEFF\"ratio\",award\r\n0.25,1\r\n0.75,2\r\n")
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range sample(t, p, seed, 200, "x")[0] {
		if x != 0.25 && x != 0.75 {
			t.Fatalf("drew %v, want 0.25 or 0.75", x)
		}
	}
}

// TestEmpiricalBeyondFloat64: a CSV number beyond float64 is an error
// naming the row, not a column that draws +Inf.
func TestEmpiricalBeyondFloat64(t *testing.T) {
	_, err := compileWithCSV(t, "inputs:\n  x: empirical(\"a.csv\", \"ratio\")\noutputs: [x]\n", "ratio\n0.5\n1e400\n")
	if err == nil || !strings.Contains(err.Error(), "row 3: 1e400 is beyond the largest number settle holds") {
		t.Errorf("got %v, want an error for row 3", err)
	}
}
