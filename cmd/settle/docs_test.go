package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

// docFiles lists the documents whose examples TestDocs runs and whose
// links TestDocLinks checks: README.md and every docs/*.md, as paths
// relative to the repository's root.
func docFiles(t *testing.T, root string) []string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(root, "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	files := []string{"README.md"}
	for _, n := range names {
		files = append(files, filepath.Join("docs", filepath.Base(n)))
	}
	return files
}

func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	return root
}

// TestDocs runs the examples of README.md and of the documents in
// docs/, as benchstat's doc test runs its manual's: in a fresh directory
// holding a copy of scenarios/ and rules/ (and a settle.yaml marking the
// project root), each ```yaml block whose first line is a comment naming
// a file (# us.yaml) is written to that file, and each line of a
// ```console block that starts with "$ settle" is run, its standard
// output and error, together, compared with the lines that follow it up
// to the next command.
//
// Lines are compared without trailing spaces. A line of timing on
// standard error ("settle: 200,000 trials in 6.5s (30,769 trials/s)")
// is left out, so that an example may show a command as a person types
// it, without -q. A documented line that is "…" alone stands for one or
// more lines left out of the output as shown: the lines around it must
// appear in the output in order, with at least one line between them.
//
// With -update the documents are rewritten with what the commands
// print. An example with "…" keeps its cuts where the lines around them
// can still be found, by the words of each line (its tokens with a
// letter and no digit); otherwise it is rewritten whole, to be cut
// again by hand.
func TestDocs(t *testing.T) {
	root := repoRoot(t)
	for _, name := range docFiles(t, root) {
		t.Run(filepath.ToSlash(name), func(t *testing.T) {
			path := filepath.Join(root, name)
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(text, []byte("```console")) {
				return // nothing to run
			}
			dir := t.TempDir()
			for _, d := range []string{"scenarios", "rules"} {
				if err := os.CopyFS(filepath.Join(dir, d), os.DirFS(filepath.Join(root, d))); err != nil {
					t.Fatal(err)
				}
			}
			// The project's root marker, so that scenarios/ may include
			// ../rules/.
			if err := os.WriteFile(filepath.Join(dir, "settle.yaml"), nil, 0o644); err != nil {
				t.Fatal(err)
			}
			got := runDoc(t, dir, string(text))
			if got == string(text) {
				return
			}
			if *update {
				if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			t.Errorf("%s: an example's output differs (go test ./cmd/settle -run TestDocs -update rewrites it):\n%s", name, firstDiff(string(text), got))
		})
	}
}

var fileComment = regexp.MustCompile(`^# ([\w./-]+\.(?:yaml|yml|csv))$`)

// runDoc writes the files and runs the commands of the document text in
// dir, and returns text with each command's output as it is now.
func runDoc(t *testing.T, dir, text string) string {
	t.Helper()
	t.Chdir(dir)
	lines := strings.SplitAfter(text, "\n")
	var out strings.Builder
	for i := 0; i < len(lines); i++ {
		line := lines[i]
		out.WriteString(line)
		fence := strings.TrimSpace(line)
		switch fence {
		case "```yaml":
			var body strings.Builder
			j := i + 1
			for ; j < len(lines) && strings.TrimSpace(lines[j]) != "```"; j++ {
				body.WriteString(lines[j])
				out.WriteString(lines[j])
			}
			if m := fileComment.FindStringSubmatch(strings.TrimSpace(lines[min(i+1, len(lines)-1)])); m != nil {
				if err := os.MkdirAll(filepath.Dir(m[1]), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(m[1], []byte(body.String()), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			i = j - 1
		case "```console":
			j := i + 1
			for j < len(lines) && strings.TrimSpace(lines[j]) != "```" {
				cmd := lines[j]
				if !strings.HasPrefix(cmd, "$ settle ") {
					t.Fatalf("line %d: a console block's lines start with $ settle or follow one: %q", j+1, cmd)
				}
				out.WriteString(cmd)
				j++
				var documented []string
				for j < len(lines) && !strings.HasPrefix(lines[j], "$ ") && strings.TrimSpace(lines[j]) != "```" {
					documented = append(documented, strings.TrimSuffix(lines[j], "\n"))
					j++
				}
				args, err := splitArgs(strings.TrimPrefix(strings.TrimSpace(cmd), "$ settle "))
				if err != nil {
					t.Fatalf("%q: %v", cmd, err)
				}
				var b bytes.Buffer
				Main(args, &b, &b)
				for _, l := range reconcile(documented, outputLines(b.String())) {
					out.WriteString(l + "\n")
				}
			}
			i = j - 1
		}
	}
	return out.String()
}

// timing matches the line of timing a command writes to standard error
// when not quiet.
var timing = regexp.MustCompile(`^settle: .* in (\d+h)?(\d+m)?[\d.]+(ns|µs|ms|s)( \([\d,]+ trials/s\))?$`)

// outputLines splits a command's output into lines without trailing
// spaces, leaving out its timing.
func outputLines(s string) []string {
	if s == "" {
		return nil
	}
	var lines []string
	for l := range strings.SplitSeq(strings.TrimSuffix(s, "\n"), "\n") {
		if timing.MatchString(l) {
			continue
		}
		lines = append(lines, strings.TrimRight(l, " \t"))
	}
	return lines
}

// isCut reports whether a documented output line stands for lines left out.
func isCut(line string) bool { return strings.TrimSpace(line) == "…" }

// reconcile returns the documented output when it agrees with the actual
// one (see TestDocs), else the output to document now: the documented
// cuts kept where the lines around them are found by their words, else
// the actual output whole.
func reconcile(documented, actual []string) []string {
	if !slices.ContainsFunc(documented, isCut) {
		if slices.Equal(trimRight(documented), actual) {
			return documented
		}
		return actual
	}
	eq := func(a, b string) bool { return strings.TrimRight(a, " \t") == b }
	if _, ok := matchCuts(documented, actual, eq); ok {
		return documented
	}
	byWords := func(a, b string) bool { return slices.Equal(words(a), words(b)) }
	if got, ok := matchCuts(documented, actual, byWords); ok {
		return got
	}
	return actual
}

func trimRight(lines []string) []string {
	out := make([]string, len(lines))
	for i, l := range lines {
		out[i] = strings.TrimRight(l, " \t")
	}
	return out
}

// matchCuts finds the runs of documented lines between cuts in actual,
// in order, each run's lines matching actual's by eq: the first run at
// the start unless a cut comes first, the last at the end unless a cut
// comes last, and at least one actual line for each cut. It returns the
// documented output with each run replaced by the actual lines it
// matched, and whether every run was found.
func matchCuts(documented, actual []string, eq func(doc, act string) bool) ([]string, bool) {
	type run struct {
		lines        []string
		cutBefore    bool
		cut          string // the cut line that follows the run, if any
		cutAfter     bool
		matchedStart int
	}
	var runs []*run
	cur := &run{}
	for _, l := range documented {
		if isCut(l) {
			cur.cut, cur.cutAfter = l, true
			runs = append(runs, cur)
			cur = &run{cutBefore: true}
			continue
		}
		cur.lines = append(cur.lines, l)
	}
	runs = append(runs, cur)
	at := func(j int, r *run) bool {
		if j < 0 || j+len(r.lines) > len(actual) {
			return false
		}
		for k, l := range r.lines {
			if !eq(l, actual[j+k]) {
				return false
			}
		}
		return true
	}
	pos := 0
	for i, r := range runs {
		first := pos
		if r.cutBefore {
			first = pos + 1
		}
		last := i == len(runs)-1 && !r.cutAfter
		j := -1
		switch {
		case last:
			if k := len(actual) - len(r.lines); k >= first && at(k, r) {
				j = k
			}
		case !r.cutBefore:
			if at(first, r) {
				j = first
			}
		default:
			for k := first; k+len(r.lines) <= len(actual); k++ {
				if at(k, r) {
					j = k
					break
				}
			}
		}
		if j < 0 {
			return nil, false
		}
		r.matchedStart = j
		pos = j + len(r.lines)
	}
	if runs[len(runs)-1].cutAfter && pos >= len(actual) {
		return nil, false // a cut at the end must leave out a line
	}
	var out []string
	for _, r := range runs {
		out = append(out, actual[r.matchedStart:r.matchedStart+len(r.lines)]...)
		if r.cutAfter {
			out = append(out, r.cut)
		}
	}
	return out, true
}

// words returns the tokens of line that hold a letter and no digit: what
// stays the same in a line of a table when its figures change.
func words(line string) []string {
	var ws []string
	for _, f := range strings.Fields(line) {
		if strings.ContainsFunc(f, unicode.IsLetter) && !strings.ContainsFunc(f, unicode.IsDigit) {
			ws = append(ws, f)
		}
	}
	return ws
}

// splitArgs splits a command line into words as a shell would, for the
// quoting the documents use: '…' and "…".
func splitArgs(s string) ([]string, error) {
	var args []string
	var cur strings.Builder
	in, quote := false, rune(0)
	for _, r := range s {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				cur.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, in = r, true
		case r == ' ':
			if in {
				args = append(args, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteRune(r)
			in = true
		}
	}
	if quote != 0 {
		return nil, os.ErrInvalid
	}
	if in {
		args = append(args, cur.String())
	}
	return args, nil
}

// firstDiff shows the first line where want and got differ.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range min(len(w), len(g)) {
		if w[i] != g[i] {
			return "line " + strconv.Itoa(i+1) + ":\n  documented: " + w[i] + "\n  now:        " + g[i]
		}
	}
	return "the documents differ in length"
}

// TestDocLinks checks that every link of README.md and docs/*.md to a
// local file leads to one that exists, and that a link to a heading
// (#anchor, alone or after a Markdown file) names a heading of that file,
// as GitHub makes anchors of headings. Links in code are not links.
func TestDocLinks(t *testing.T) {
	root := repoRoot(t)
	anchors := map[string]map[string]bool{} // by file, relative to root
	anchorsOf := func(file string) map[string]bool {
		if a, ok := anchors[file]; ok {
			return a
		}
		text, err := os.ReadFile(filepath.Join(root, file))
		if err != nil {
			t.Fatal(err)
		}
		a := headingAnchors(string(text))
		anchors[file] = a
		return a
	}
	for _, name := range docFiles(t, root) {
		text, err := os.ReadFile(filepath.Join(root, name))
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range markdownLinks(string(text)) {
			target := l.target
			if strings.Contains(target, "://") || strings.HasPrefix(target, "mailto:") {
				continue
			}
			file, anchor, _ := strings.Cut(target, "#")
			path := name
			if file != "" {
				path = filepath.Join(filepath.Dir(name), filepath.FromSlash(file))
				rel, err := filepath.Rel(root, filepath.Join(root, path))
				if err != nil || strings.HasPrefix(rel, "..") {
					t.Errorf("%s:%d: link %s leads outside the repository", name, l.line, target)
					continue
				}
				if _, err := os.Stat(filepath.Join(root, path)); err != nil {
					t.Errorf("%s:%d: link %s: no such file (%s)", name, l.line, target, filepath.ToSlash(path))
					continue
				}
			}
			if anchor != "" && strings.HasSuffix(path, ".md") && !anchorsOf(path)[anchor] {
				t.Errorf("%s:%d: link %s: %s has no heading with the anchor #%s", name, l.line, target, filepath.ToSlash(path), anchor)
			}
		}
	}
}

type mdLink struct {
	line   int
	target string
}

var (
	inlineLink = regexp.MustCompile(`\]\(([^()\s]+)(?:\s+"[^"]*")?\)`)
	refLink    = regexp.MustCompile(`^\s{0,3}\[[^\]]+\]:\s+(\S+)`)
	codeSpan   = regexp.MustCompile("`+[^`]*`+")
)

// markdownLinks returns the targets of the inline links ([text](target))
// and link definitions ([name]: target) of a Markdown text, leaving out
// fenced code blocks and code spans.
func markdownLinks(text string) []mdLink {
	var links []mdLink
	fenced := false
	for i, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		line = codeSpan.ReplaceAllString(line, "")
		for _, m := range inlineLink.FindAllStringSubmatch(line, -1) {
			links = append(links, mdLink{i + 1, m[1]})
		}
		if m := refLink.FindStringSubmatch(line); m != nil {
			links = append(links, mdLink{i + 1, m[1]})
		}
	}
	return links
}

// headingAnchors returns the anchors GitHub gives the headings of a
// Markdown text: lower case, spaces as hyphens, punctuation other than
// hyphens and underscores dropped, a repeated anchor numbered -1, -2, ….
func headingAnchors(text string) map[string]bool {
	anchors := map[string]bool{}
	seen := map[string]int{}
	fenced := false
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if fenced || !strings.HasPrefix(line, "#") {
			continue
		}
		h := strings.TrimSpace(strings.TrimLeft(line, "#"))
		h = codeSpan.ReplaceAllStringFunc(h, func(s string) string { return strings.Trim(s, "`") })
		var b strings.Builder
		for _, r := range strings.ToLower(h) {
			switch {
			case unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_':
				b.WriteRune(r)
			case r == ' ':
				b.WriteRune('-')
			}
		}
		a := b.String()
		if n := seen[a]; n > 0 {
			anchors[a+"-"+strconv.Itoa(n)] = true
		} else {
			anchors[a] = true
		}
		seen[a]++
	}
	return anchors
}

// TestDocLinkParsing checks what TestDocLinks reads as links and anchors,
// so that it cannot pass by finding none.
func TestDocLinkParsing(t *testing.T) {
	text := "# What settle is: a tool\n" +
		"See [the format](docs/scenarios.md#the-files), [a](#what-settle-is-a-tool) and `[not](code.md)`.\n" +
		"```yaml\n[not](either.md)\n# Not a heading\n```\n" +
		"[ref]: docs/ci.md\n" +
		"## `settle run`, again\n## Again\n## Again\n"
	var got []string
	for _, l := range markdownLinks(text) {
		got = append(got, strconv.Itoa(l.line)+" "+l.target)
	}
	want := []string{"2 docs/scenarios.md#the-files", "2 #what-settle-is-a-tool", "7 docs/ci.md"}
	if !slices.Equal(got, want) {
		t.Errorf("links: got %q, want %q", got, want)
	}
	anchors := headingAnchors(text)
	for _, a := range []string{"what-settle-is-a-tool", "settle-run-again", "again", "again-1"} {
		if !anchors[a] {
			t.Errorf("no anchor %q in %v", a, anchors)
		}
	}
	if anchors["not-a-heading"] {
		t.Errorf("a comment in a code block taken for a heading")
	}
}

// TestReconcile checks the comparison of documented and actual output:
// exact, with cuts, and the rewrite that keeps cuts.
func TestReconcile(t *testing.T) {
	actual := []string{"title", "  a  £1.0m", "  b  £2.0m", "  c  £3.0m", "", "end 5"}
	for _, tc := range []struct {
		doc, want []string
	}{
		{actual, actual},
		{[]string{"title", "  a  £1.0m", "…", "end 5"}, []string{"title", "  a  £1.0m", "…", "end 5"}},
		{[]string{"…", "  c  £3.0m", "…"}, []string{"…", "  c  £3.0m", "…"}},
		// the figures changed: the cuts stay, the lines are today's
		{[]string{"title", "  a  £9.0m", "…", "end 4"}, []string{"title", "  a  £1.0m", "…", "end 5"}},
		// a cut that leaves out nothing, or lines not found: all of it
		{[]string{"title", "…", "  a  £1.0m", "…", "end 5"}, actual},
		{[]string{"title", "  z  £1.0m", "…"}, actual},
		{[]string{"title", "  a  £1.0m", "  b  £2.0m", "  c  £3.0m", "", "end 5", "…"}, actual},
	} {
		if got := reconcile(tc.doc, actual); !slices.Equal(got, tc.want) {
			t.Errorf("reconcile(%q):\n got %q\nwant %q", tc.doc, got, tc.want)
		}
	}
	if got := outputLines("settle: 2,000 trials in 1.5s (1,333 trials/s)\nx  \nsettle: merged 2 parts in 12ms\n"); !slices.Equal(got, []string{"x"}) {
		t.Errorf("outputLines: got %q", got)
	}
}
