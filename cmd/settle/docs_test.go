package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// docs are the documents whose examples TestDocs runs.
var docs = []string{"notation.md", "cli.md"}

// TestDocs runs the examples of the documents in docs/, as benchstat's
// doc test runs its manual's: in a fresh directory holding a copy of
// scenarios/ and rules/, each ```yaml block whose first line is a
// comment naming a file (# us.yaml) is written to that file, and each
// line of a ```console block that starts with "$ settle" is run, its
// standard output and error, together, compared with the lines that
// follow it up to the next command. With -update the documents are
// rewritten with what the commands print.
func TestDocs(t *testing.T) {
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range docs {
		t.Run(name, func(t *testing.T) {
			path := filepath.Join(root, "docs", name)
			text, err := os.ReadFile(path)
			if err != nil {
				t.Fatal(err)
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
			t.Errorf("docs/%s: an example's output differs (go test ./cmd/settle -run TestDocs -update rewrites it):\n%s", name, firstDiff(string(text), got))
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
				for j < len(lines) && !strings.HasPrefix(lines[j], "$ ") && strings.TrimSpace(lines[j]) != "```" {
					j++ // the output as documented, replaced by the output now
				}
				args, err := splitArgs(strings.TrimPrefix(strings.TrimSpace(cmd), "$ settle "))
				if err != nil {
					t.Fatalf("%q: %v", cmd, err)
				}
				var b bytes.Buffer
				Main(args, &b, &b)
				out.WriteString(b.String())
			}
			i = j - 1
		}
	}
	return out.String()
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
