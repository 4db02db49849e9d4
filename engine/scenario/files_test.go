package scenario

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/settle-sim/settle/engine/project"
)

// 41 files each including the next twice: each is loaded once, not
// 2^40 times.
func TestIncludeOnce(t *testing.T) {
	files := map[string]string{"s.yaml": "include: [f0.yaml, f0.yaml]\noutputs: [x40]\n"}
	for i := range 41 {
		text := fmt.Sprintf("inputs:\n  x%d: %d\n", i, i)
		if i < 40 {
			text = fmt.Sprintf("include: [f%d.yaml, f%d.yaml]\n", i+1, i+1) + text
		}
		files[fmt.Sprintf("f%d.yaml", i)] = text
	}
	dir := writeFiles(t, files)
	start := time.Now()
	sc, err := Load(filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("loading took %v", d)
	}
	if len(sc.Defs) != 41 || len(sc.Sources) != 41 {
		t.Errorf("%d definitions from %d sources, want 41 of each", len(sc.Defs), len(sc.Sources))
	}
	if len(sc.Notes) != 0 {
		t.Errorf("a file loaded twice overrides itself: %v", sc.Notes)
	}
	// A cycle among them is still one.
	files["f40.yaml"] = "include: [f3.yaml]\ninputs:\n  x40: 40\n"
	dir = writeFiles(t, files)
	_, err = Load(filepath.Join(dir, "s.yaml"))
	wantDiags(t, diagsOf(t, dir, err), [][]string{{"f40.yaml:1:11", "include cycle: ", "f3.yaml includes itself"}})
}

func TestConfinement(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		want  [][]string
	}{
		{"escape", map[string]string{"s.yaml": "include: [../../../../../../../etc/passwd]\noutputs: [x]\n"},
			[][]string{{"s.yaml:1:11", "../../../../../../../etc/passwd leads outside the project root", "holds settle.yaml or .git"}}},
		{"absolute", map[string]string{"s.yaml": "include: [/etc/passwd]\noutputs: [x]\n"},
			[][]string{{"s.yaml:1:11", "/etc/passwd is an absolute path"}}},
		{"extends escape", map[string]string{"s.yaml": "extends: ../outside.yaml\noutputs: [x]\n"},
			[][]string{{"s.yaml:1:10", "../outside.yaml leads outside the project root"}}},
		{"link out", map[string]string{"s.yaml": "include: [r.yaml]\noutputs: [x]\n", "r.yaml": "->/etc/passwd"},
			[][]string{{"s.yaml:1:11", "r.yaml leads outside the project root", "through a symbolic link"}}},
		{"directory", map[string]string{"s.yaml": "include: [rules]\noutputs: [x]\n", "rules/a.yaml": ""},
			[][]string{{"s.yaml:1:11", "rules is a directory, not a regular file"}}},
		{"not settle", map[string]string{"s.yaml": "include: [creds.yaml]\noutputs: [x]\n", "creds.yaml": "aws_secret_access_key: AKIA123\naws_region: x\n"},
			[][]string{{"creds.yaml:1:1", "creds.yaml is not a settle rule file: none of its 2 top-level keys is description, include, inputs or rules"}}},
		{"not settle root", map[string]string{"s.yaml": "HOME: /root\nPASSWORD: hunter2\n"},
			[][]string{{"s.yaml:1:1", "is not a settle scenario or rule file"}}},
		{"typo still helped", map[string]string{"s.yaml": "ouputs: [x]\n"},
			[][]string{{"s.yaml:1:1", `unknown key "ouputs"`, "did you mean outputs?"}}},
		{"csv not quoted", map[string]string{"s.yaml": "inputs:\n  x: empirical(\"pw\", \"a\")\noutputs: [x]\n", "pw": "root:x:0:0:root:/root:/bin/bash\n"},
			nil}, // compiled by model; see TestConfinedEmpirical there
	}
	for _, tt := range tests {
		if tt.want == nil {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{}
			links := map[string]string{}
			for name, text := range tt.files {
				if to, ok := strings.CutPrefix(text, "->"); ok {
					links[name] = to
					continue
				}
				files[name] = text
			}
			dir := writeFiles(t, files)
			for name, to := range links {
				if err := os.Symlink(to, filepath.Join(dir, name)); err != nil {
					t.Skip(err)
				}
			}
			_, err := Load(filepath.Join(dir, "s.yaml"))
			got := diagsOf(t, dir, err)
			wantDiags(t, got, tt.want)
			for _, g := range got {
				for _, secret := range []string{"AKIA", "aws_", "hunter2", "PASSWORD", "root:x"} {
					if strings.Contains(g, secret) {
						t.Errorf("the message quotes the file: %s", g)
					}
				}
			}
		})
	}
}

// --root widens (or narrows) the root; without a marker the root is the
// scenario's own directory.
func TestLoadRoot(t *testing.T) {
	dir := t.TempDir()
	for name, text := range map[string]string{"proj/scenarios/s.yaml": "include: [../rules/r.yaml]\noutputs: [x]\n", "proj/rules/r.yaml": "inputs:\n  x: 1\n"} {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(text), 0o644)
	}
	s := filepath.Join(dir, "proj/scenarios/s.yaml")
	if _, err := LoadWith(s, project.Options{Root: filepath.Join(dir, "proj")}); err != nil {
		t.Errorf("with --root: %v", err)
	}
	if _, err := LoadWith(s, project.Options{Root: filepath.Join(dir, "proj/scenarios")}); err == nil || !strings.Contains(err.Error(), "the directory --root names") {
		t.Errorf("with a narrower --root: %v", err)
	}
	if proj, _ := project.New(s, project.Options{}); proj.Marker == "" {
		if _, err := Load(s); err == nil || !strings.Contains(err.Error(), "the scenario's own directory") {
			t.Errorf("no marker: %v", err)
		}
	}
	if _, err := LoadWith(s, project.Options{MaxFileSize: 10}); err == nil || !strings.Contains(err.Error(), "more than the 10 bytes limit") {
		t.Errorf("a scenario above --max-file-size: %v", err)
	}
}

// A position cannot include, so what it names is not read.
func TestPositionIncludeNotRead(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"s.yaml":   "inputs:\n  x: 1\noutputs: [x]\n",
		"pos.yaml": "include: [../../../../../../etc/passwd]\ninputs:\n  x: 2\n",
	})
	sc, err := Load(filepath.Join(dir, "s.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	err = sc.Apply(filepath.Join(dir, "pos.yaml"))
	wantDiags(t, diagsOf(t, dir, err), [][]string{{"pos.yaml:1:1", `unknown key "include" in a position file`}})
}
