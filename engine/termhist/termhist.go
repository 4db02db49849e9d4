// Package termhist draws compact histograms for terminals and text
// reports: a row of Unicode block characters (▁▂▃▄▅▆▇█), one per bin,
// the tallest bin full height. Colour is added only for a terminal and
// never when NO_COLOR is set (https://no-color.org).
package termhist

import (
	"io"
	"os"
	"strings"
)

// Blocks are the eight heights a bin can show, lowest first. A bin with
// no values shows as a space.
var Blocks = []rune("▁▂▃▄▅▆▇█")

// Line draws counts as at most width characters: when there are more
// counts than width, neighbouring bins are added together so that each
// character stands for an equal share of the range (20 bins at width 10
// pair them up). A bin's height is its count over the largest, rounded
// up, so any bin with a value shows at least ▁. Line returns "" when
// there are no counts, width is below 1 or every count is zero.
func Line(counts []int, width int) string {
	cs := Regroup(counts, width)
	top := 0
	for _, c := range cs {
		top = max(top, c)
	}
	if top <= 0 {
		return ""
	}
	var b strings.Builder
	for _, c := range cs {
		if c <= 0 {
			b.WriteByte(' ')
			continue
		}
		// ceil(c*8/top) in 1…8, in integers so that it is exact.
		h := (c*len(Blocks) + top - 1) / top
		b.WriteRune(Blocks[h-1])
	}
	return b.String()
}

// Regroup adds neighbouring counts together to give at most width bins;
// bin i takes the counts from i·n/width up to (i+1)·n/width. Counts that
// already fit are returned as they are.
func Regroup(counts []int, width int) []int {
	n := len(counts)
	if width < 1 {
		return nil
	}
	if n <= width {
		return counts
	}
	out := make([]int, width)
	for i := range out {
		for k := i * n / width; k < (i+1)*n/width; k++ {
			out[i] += counts[k]
		}
	}
	return out
}

// ANSI escapes for the histogram's colour and for ending it.
const (
	colorOn  = "\x1b[36m" // cyan
	colorOff = "\x1b[0m"
)

// Paint wraps s in the histogram colour when color is true and s is not
// empty.
func Paint(s string, color bool) string {
	if !color || s == "" {
		return s
	}
	return colorOn + s + colorOff
}

// IsTerminal reports whether w is a terminal (a character device such as
// a TTY), not a file or a pipe.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || f == nil {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

// ColorFor reports whether output to w should be coloured: only when w
// is a terminal, NO_COLOR is unset or empty and TERM is not "dumb".
func ColorFor(w io.Writer) bool {
	return ColorAllowed(os.Getenv) && IsTerminal(w)
}

// ColorAllowed reports whether the environment, read through getenv,
// allows colour: NO_COLOR unset or empty, TERM not "dumb".
func ColorAllowed(getenv func(string) string) bool {
	return getenv("NO_COLOR") == "" && getenv("TERM") != "dumb"
}
