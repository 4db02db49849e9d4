package datafile

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/project"
)

func write(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "d.csv")
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestRead(t *testing.T) {
	for _, tc := range []struct {
		name, body, column string
		want               []float64
		money              bool
		empty              int
	}{
		{"plain", "case,award\na,1.5\nb,2\nc,1e3\n", "award", []float64{1.5, 2, 1000}, false, 0},
		{"money", "case,award\na,£12.5m\nb,1.1bn\nc,\"£1,200,000\"\n", "award", []float64{12.5e6, 1.1e9, 1.2e6}, true, 0},
		{"byte-order mark, spaces, empty cells", "\uFEFFcase, award \na, 3\nb,\nc\n", "award", []float64{3}, false, 2},
		{"crlf", "x\r\n1\r\n2\r\n", "x", []float64{1, 2}, false, 0},
	} {
		col, err := Read(write(t, tc.body), tc.column, project.Options{})
		if err != nil {
			t.Errorf("%s: %v", tc.name, err)
			continue
		}
		if len(col.Values) != len(tc.want) || col.Money != tc.money || col.Empty != tc.empty || len(col.SHA256) != 64 {
			t.Errorf("%s: %+v", tc.name, col)
			continue
		}
		for i, w := range tc.want {
			if col.Values[i] != w {
				t.Errorf("%s: value %d is %g, want %g", tc.name, i, col.Values[i], w)
			}
		}
	}
}

func TestReadErrors(t *testing.T) {
	dir := t.TempDir()
	big := write(t, "x\n"+strings.Repeat("1\n", 100))
	for _, tc := range []struct {
		path, column string
		opt          project.Options
		want         string
	}{
		{dir, "x", project.Options{}, "is a directory"},
		{filepath.Join(dir, "nosuch.csv"), "x", project.Options{}, "no such file"},
		{big, "x", project.Options{MaxFileSize: 100}, "limit"},
		{write(t, ""), "x", project.Options{}, "is empty"},
		{write(t, "case,award\n"), "award", project.Options{}, "column award has no numbers"},
		{write(t, "case,awrad\na,1\n"), "award", project.Options{}, `has no column "award"; did you mean awrad?`},
	} {
		_, err := Read(tc.path, tc.column, tc.opt)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.path, err, tc.want)
		}
	}
	// Every bad cell is reported at once, each at its line and column.
	_, err := Read(write(t, "case,award\na,1\nb,lots\nc,£7OOm\n"), "award", project.Options{})
	var le *diag.ListError
	if !errors.As(err, &le) || len(le.List) != 2 {
		t.Fatalf("bad cells: %v", err)
	}
	if p := le.List[0].Pos; p.Line != 3 || p.Col != 3 || !strings.Contains(le.List[0].Msg, `"lots" is not a number`) {
		t.Errorf("first bad cell: %v", le.List[0])
	}
	if p := le.List[1].Pos; p.Line != 4 || p.Col != 3 {
		t.Errorf("second bad cell: %v", le.List[1])
	}
}
