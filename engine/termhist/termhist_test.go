package termhist

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func TestLine(t *testing.T) {
	for _, tc := range []struct {
		name   string
		counts []int
		width  int
		want   string
	}{
		{"empty", nil, 10, ""},
		{"all zero", []int{0, 0, 0}, 10, ""},
		{"zero width", []int{1, 2}, 0, ""},
		{"one bin", []int{7}, 10, "█"},
		{"rising", []int{1, 2, 3, 4, 5, 6, 7, 8}, 8, "▁▂▃▄▅▆▇█"},
		{"gap is a space", []int{8, 0, 8}, 10, "█ █"},
		{"tiny bin still shows", []int{1000, 1}, 10, "█▁"},
		{"pairs", []int{1, 1, 2, 2, 0, 0, 4, 4}, 4, "▂▄ █"},
		{"negative counts are empty", []int{-1, 4}, 4, " █"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Line(tc.counts, tc.width); got != tc.want {
				t.Errorf("Line(%v, %d) = %q, want %q", tc.counts, tc.width, got, tc.want)
			}
		})
	}
}

func TestRegroup(t *testing.T) {
	for _, tc := range []struct {
		counts []int
		width  int
		want   []int
	}{
		{[]int{1, 2, 3}, 5, []int{1, 2, 3}},
		{[]int{1, 2, 3, 4}, 2, []int{3, 7}},
		{[]int{1, 1, 1, 1, 1}, 2, []int{2, 3}},
		{[]int{1, 2, 3}, 1, []int{6}},
	} {
		got := Regroup(tc.counts, tc.width)
		if !slices.Equal(got, tc.want) {
			t.Errorf("Regroup(%v, %d) = %v, want %v", tc.counts, tc.width, got, tc.want)
		}
		sum := func(xs []int) (s int) {
			for _, x := range xs {
				s += x
			}
			return s
		}
		if sum(got) != sum(tc.counts) {
			t.Errorf("Regroup(%v, %d) lost counts", tc.counts, tc.width)
		}
	}
}

func TestColorAllowed(t *testing.T) {
	for _, tc := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, true},
		{map[string]string{"TERM": "xterm-256color"}, true},
		{map[string]string{"NO_COLOR": "1"}, false},
		{map[string]string{"NO_COLOR": ""}, true},
		{map[string]string{"TERM": "dumb"}, false},
	} {
		if got := ColorAllowed(func(k string) string { return tc.env[k] }); got != tc.want {
			t.Errorf("ColorAllowed(%v) = %v, want %v", tc.env, got, tc.want)
		}
	}
}

func TestPaint(t *testing.T) {
	if got := Paint("▁█", false); got != "▁█" {
		t.Errorf("Paint without colour = %q", got)
	}
	if got := Paint("▁█", true); got != "\x1b[36m▁█\x1b[0m" {
		t.Errorf("Paint with colour = %q", got)
	}
	if got := Paint("", true); got != "" {
		t.Errorf("Paint of nothing = %q", got)
	}
}

func TestFilesAndPipesAreNotTerminals(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	for _, x := range []io.Writer{f, w, &bytes.Buffer{}, (*os.File)(nil)} {
		if IsTerminal(x) {
			t.Errorf("%T is taken for a terminal", x)
		}
		if ColorFor(x) {
			t.Errorf("%T gets colour", x)
		}
	}
}

// TestGolden draws the histograms of typical shapes, 20 bins at widths
// 10 and 20, and compares them with testdata/shapes.golden.
func TestGolden(t *testing.T) {
	shapes := []struct {
		name   string
		counts []int
	}{
		{"normal", []int{1, 4, 14, 40, 95, 190, 330, 490, 620, 680, 640, 520, 360, 210, 105, 45, 16, 5, 1, 1}},
		{"right-skewed", []int{300, 900, 1100, 950, 700, 480, 310, 200, 120, 80, 50, 30, 20, 12, 8, 5, 3, 2, 1, 1}},
		{"bimodal", []int{5, 60, 400, 800, 420, 70, 8, 0, 0, 0, 0, 0, 3, 40, 200, 500, 600, 300, 50, 4}},
		{"uniform", []int{50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50, 50}},
		{"spike", []int{0, 0, 0, 0, 0, 0, 0, 0, 0, 10000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{"court or settle", []int{2500, 12000, 1200, 300, 0, 0, 0, 80, 600, 1400, 900, 400, 200, 100, 60, 40, 20, 10, 5, 2}},
	}
	var b strings.Builder
	for _, s := range shapes {
		fmt.Fprintf(&b, "%-16s |%s| |%s|\n", s.name, Line(s.counts, 10), Line(s.counts, 20))
	}
	golden(t, "shapes.golden", b.String())
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
