// Package mdcheck checks, for tests, that Markdown settle wrote kept the
// text users wrote from changing its structure: no raw HTML but the tags
// settle writes itself, no table row with a cell too many, no row or
// heading broken across lines.
package mdcheck

import (
	"fmt"
	"regexp"
	"strings"
)

// rawHTML is the start of an HTML tag, comment or declaration: < before
// a letter, /, ! or ? (p <0.001 is text).
var rawHTML = regexp.MustCompile(`<[A-Za-z/!?]`)

// ownTags are the HTML tags settle's Markdown uses.
var ownTags = regexp.MustCompile(`</?(sub|br)>`)

// Check returns the first problem found in md, or nil. Tables are runs
// of lines starting with |; every row must have as many cells as the
// table's header.
func Check(md string) error {
	cells := -1
	for i, line := range strings.Split(md, "\n") {
		if rawHTML.MatchString(ownTags.ReplaceAllString(stripCode(line), "")) {
			return fmt.Errorf("line %d has raw HTML: %q", i+1, line)
		}
		if !strings.HasPrefix(line, "|") {
			cells = -1
			continue
		}
		n := Cells(line)
		if cells < 0 {
			cells = n
		} else if n != cells {
			return fmt.Errorf("line %d has %d cells, its table %d: %q", i+1, n, cells, line)
		}
	}
	return nil
}

// stripCode returns line without its code spans, in which < is text: a
// run of backticks up to the next run of the same length. A backslash
// escapes a backtick outside a span.
func stripCode(line string) string {
	var b strings.Builder
	for i := 0; i < len(line); {
		switch {
		case line[i] == '\\' && i+1 < len(line):
			b.WriteString(line[i : i+2])
			i += 2
			continue
		case line[i] != '`':
			b.WriteByte(line[i])
			i++
			continue
		}
		n := len(line[i:]) - len(strings.TrimLeft(line[i:], "`"))
		fence := line[i : i+n]
		end := -1
		for j := i + n; j < len(line); {
			k := strings.Index(line[j:], fence)
			if k < 0 {
				break
			}
			k += j
			m := len(line[k:]) - len(strings.TrimLeft(line[k:], "`"))
			if m == n {
				end = k
				break
			}
			j = k + m
		}
		if end < 0 {
			b.WriteString(fence) // no closing run: literal backticks
			i += n
			continue
		}
		i = end + n
	}
	return b.String()
}

// Cells counts the cells of a table row: the pipes not escaped with a
// backslash, less one.
func Cells(row string) int {
	n := 0
	for i := 0; i < len(row); i++ {
		switch row[i] {
		case '\\':
			i++
		case '|':
			n++
		}
	}
	return n - 1
}
