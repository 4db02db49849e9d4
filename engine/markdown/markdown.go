// Package markdown escapes what users wrote (scenario names, units,
// docs, input and party names, file paths, policy conditions, settings)
// for the Markdown that settle writes into pull requests and CI summaries
// (GitHub's $GITHUB_STEP_SUMMARY, GitLab's merge requests), where it is
// rendered as GitHub-Flavoured Markdown: a | would split a table's cell,
// a line break end its row or a heading, a backtick or * restyle the rest
// of the line, $ start mathematics, and <script> or <img onerror=…> is
// raw HTML.
package markdown

import "strings"

// Text returns s as Markdown text that renders as s does, on one line,
// in a paragraph, a list item, a heading or a table cell: the characters
// that Markdown gives a meaning to within a line (\ ` * _ [ ] | # ~ $)
// are escaped with a backslash, < > and & are written as character
// references, so that no raw HTML or entity gets through, and line
// breaks, tabs and other control characters are spaces. Other text is
// left as it is, so that ordinary names read the same in the Markdown
// source.
func Text(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch r {
		case '<':
			b.WriteString("&lt;")
		case '>':
			b.WriteString("&gt;")
		case '&':
			b.WriteString("&amp;")
		case '\\', '`', '*', '_', '[', ']', '|', '#', '~', '$':
			b.WriteByte('\\')
			b.WriteRune(r)
		default:
			b.WriteRune(oneLine(r))
		}
	}
	return b.String()
}

// oneLine is r, or a space for a line break or another control
// character.
func oneLine(r rune) rune {
	if r < ' ' || r == 0x7f || r == '\u0085' || r == '\u2028' || r == '\u2029' {
		return ' '
	}
	return r
}

// Code returns s as an inline code span that shows s as it is, on one
// line, outside a table (in a table, CodeCell): its fence has more
// backticks than any run of them in s, padded with a space where s
// starts or ends with a backtick; line breaks and other control
// characters are spaces. An empty s is shown as "".
func Code(s string) string { return code(s, false) }

// CodeCell is Code for a table cell: a | in s is escaped, as GitHub's
// tables need even in a code span, which then shows |.
func CodeCell(s string) string { return code(s, true) }

func code(s string, cell bool) string {
	s = strings.Map(oneLine, s)
	if s == "" {
		s = `""`
	}
	longest, run := 0, 0
	for _, r := range s {
		if r == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", longest+1)
	pad := ""
	if s[0] == '`' || s[len(s)-1] == '`' || s[0] == ' ' && s[len(s)-1] == ' ' && strings.Trim(s, " ") != "" {
		pad = " "
	}
	if cell {
		s = strings.ReplaceAll(s, "|", `\|`)
	}
	return fence + pad + s + pad + fence
}
