// Package diag reports problems in users' files with their position:
// file, line and column, what is wrong and what would fix it.
package diag

import (
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Pos is a position in a file. Line and Col are 1-based; Col counts
// characters, not bytes. A zero Line means the position is the whole file.
type Pos struct {
	File string
	Line int
	Col  int
}

// String formats p as file:line:col, leaving out what is unknown.
func (p Pos) String() string {
	switch {
	case p.Line == 0:
		return p.File
	case p.Col == 0:
		return fmt.Sprintf("%s:%d", p.File, p.Line)
	}
	return fmt.Sprintf("%s:%d:%d", p.File, p.Line, p.Col)
}

// Severity says whether a diagnostic is a problem or only a note.
type Severity int

const (
	// Error is a problem that stops the scenario from running.
	Error Severity = iota
	// Note is information, such as an entry overriding another.
	Note
)

// Diagnostic is one problem or note about a position in a file.
type Diagnostic struct {
	Pos      Pos
	Severity Severity
	Msg      string // what is wrong
	Hint     string // what would fix it; may be empty
}

// String formats d as "file:line:col: msg (hint)".
func (d Diagnostic) String() string {
	var b strings.Builder
	b.WriteString(d.Pos.String())
	b.WriteString(": ")
	if d.Severity == Note {
		b.WriteString("note: ")
	}
	b.WriteString(d.Msg)
	if d.Hint != "" {
		b.WriteString("; ")
		b.WriteString(d.Hint)
	}
	return b.String()
}

// List collects diagnostics so that all of a file's problems are
// reported at once.
type List []Diagnostic

// Errorf adds an error at pos. The hint may be empty.
func (l *List) Errorf(pos Pos, hint string, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Msg: fmt.Sprintf(format, args...), Hint: hint})
}

// Notef adds a note at pos.
func (l *List) Notef(pos Pos, format string, args ...any) {
	*l = append(*l, Diagnostic{Pos: pos, Severity: Note, Msg: fmt.Sprintf(format, args...)})
}

// Errors returns only the errors of l.
func (l List) Errors() List {
	var out List
	for _, d := range l {
		if d.Severity == Error {
			out = append(out, d)
		}
	}
	return out
}

// Notes returns only the notes of l.
func (l List) Notes() List {
	var out List
	for _, d := range l {
		if d.Severity == Note {
			out = append(out, d)
		}
	}
	return out
}

// Sort orders l by file, line and column, keeping the order of
// diagnostics at the same position.
func (l List) Sort() {
	sort.SliceStable(l, func(i, j int) bool {
		a, b := l[i].Pos, l[j].Pos
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Col < b.Col
	})
}

// Err returns l's errors as an error, or nil when it has none.
func (l List) Err() error {
	errs := l.Errors()
	if len(errs) == 0 {
		return nil
	}
	return &ListError{List: errs}
}

// ListError is the error form of a List holding at least one error.
type ListError struct {
	List List
}

// Error lists every diagnostic, one a line.
func (e *ListError) Error() string {
	lines := make([]string, len(e.List))
	for i, d := range e.List {
		lines[i] = d.String()
	}
	return strings.Join(lines, "\n")
}

// PrintList writes the diagnostics of the ListError err holds, one a
// line, and reports whether it held one. Each diagnostic names its file
// and position, so the context err wraps them in is left out.
func PrintList(w io.Writer, err error) bool {
	var le *ListError
	if !errors.As(err, &le) {
		return false
	}
	for _, d := range le.List {
		fmt.Fprintln(w, d)
	}
	return true
}

// Nearest returns the candidate closest to name by edit distance, or ""
// when none is close enough to be a likely typo. It never returns name
// itself: a name that is rejected though it is a candidate needs another
// hint.
func Nearest(name string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		if c == name {
			continue
		}
		d := distance(strings.ToLower(name), strings.ToLower(c))
		if bestDist < 0 || d < bestDist || d == bestDist && c < best {
			best, bestDist = c, d
		}
	}
	limit := max(2, len([]rune(name))/3)
	if bestDist < 0 || bestDist > limit {
		return ""
	}
	return best
}

// OneOf returns a hint for a name that is not one of candidates: the
// nearest one, as DidYouMean, or else the list of them, as in "the keys
// are a, b, c" for what "keys".
func OneOf(name string, candidates []string, what string) string {
	if hint := DidYouMean(name, candidates); hint != "" {
		return hint
	}
	return "the " + what + " are " + strings.Join(candidates, ", ")
}

// DidYouMean returns a hint suggesting the nearest candidate, or "".
func DidYouMean(name string, candidates []string) string {
	if n := Nearest(name, candidates); n != "" {
		return fmt.Sprintf("did you mean %s?", n)
	}
	return ""
}

// distance is the Levenshtein distance between a and b, counting runes.
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
