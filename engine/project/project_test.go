package project

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/settle-sim/settle/internal/fifo"
)

// tree writes files (name → content; a content starting "->" makes a
// symbolic link) under a new directory and returns it.
func tree(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		var err error
		if to, ok := strings.CutPrefix(text, "->"); ok {
			err = os.Symlink(to, p)
		} else {
			err = os.WriteFile(p, []byte(text), 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestFind(t *testing.T) {
	dir := tree(t, map[string]string{
		"a/settle.yaml":       "",
		"a/scenarios/s.yaml":  "",
		"b/.git":              "gitdir: elsewhere", // a worktree's .git is a file
		"b/deep/down/s.yaml":  "",
		"c/s.yaml":            "",
		"a/nested/.git/HEAD":  "",
		"a/nested/sub/s.yaml": "",
	})
	tests := []struct{ file, root, marker string }{
		{"a/scenarios/s.yaml", "a", "settle.yaml"},
		{"b/deep/down/s.yaml", "b", ".git"},
		{"a/nested/sub/s.yaml", "a/nested", ".git"}, // the nearest
	}
	for _, tt := range tests {
		root, marker, err := Find(filepath.Join(dir, tt.file))
		if err != nil || root != filepath.Join(dir, tt.root) || marker != tt.marker {
			t.Errorf("Find(%s) = %s, %q, %v; want %s, %q", tt.file, root, marker, err, tt.root, tt.marker)
		}
	}
	// With no marker above it (t.TempDir is under the system's temporary
	// directory, which should hold none), a file's own directory.
	root, marker, _ := Find(filepath.Join(dir, "c/s.yaml"))
	if marker == "" && root != filepath.Join(dir, "c") {
		t.Errorf("Find(c/s.yaml) = %s, want its own directory", root)
	}
}

func TestRead(t *testing.T) {
	dir := tree(t, map[string]string{
		"settle.yaml":          "",
		"scenarios/s.yaml":     "name: s",
		"rules/r.yaml":         "inputs: {}",
		"rules/link.yaml":      "->r.yaml",
		"rules/out.yaml":       "->../../outside.yaml",
		"rules/abs.yaml":       "->/etc/passwd",
		"rules/dir/x":          "",
		"scenarios/big.csv":    strings.Repeat("x", 2000),
		"scenarios/sub/t.yaml": "",
	})
	os.WriteFile(filepath.Join(filepath.Dir(dir), "outside.yaml"), []byte("secret: 1"), 0o644)
	pipe := filepath.Join(dir, "rules", "fifo.yaml")
	if err := fifo.Make(pipe); err != nil {
		t.Skip(err)
	}
	r, err := New(filepath.Join(dir, "scenarios", "s.yaml"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	from := filepath.Join(dir, "scenarios")
	tests := []struct {
		ref  string
		want string // "" for a file read
	}{
		{"../rules/r.yaml", ""},
		{"sub/../../rules/r.yaml", ""},
		{"../rules/link.yaml", ""},
		{"/etc/passwd", "/etc/passwd is an absolute path; refer to files by paths relative to the file that names them"},
		{"../../etc/passwd", "../../etc/passwd leads outside the project root (" + r.Display() + "); the project root is the nearest directory above the scenario that holds settle.yaml or .git"},
		{"../..", "leads outside the project root"},
		{"../rules/out.yaml", "../rules/out.yaml leads outside the project root (" + r.Display() + ") through a symbolic link"},
		{"../rules/abs.yaml", "through a symbolic link"},
		{"../rules/fifo.yaml", "fifo.yaml is a named pipe (FIFO), not a regular file"},
		{"../rules/dir", "dir is a directory, not a regular file"},
		{"../rules/nope.yaml", "cannot read " + filepath.Join(from, "..", "rules", "nope.yaml") + ": no such file"},
		{"a\x00b", "is not a valid path"},
	}
	for _, tt := range tests {
		done := make(chan struct{})
		var f *File
		var err error
		go func() {
			f, err = r.Read(from, tt.ref, Scenario)
			close(done)
		}()
		select {
		case <-done:
		case <-time.After(5 * time.Second):
			t.Fatalf("Read(%q) blocks", tt.ref)
		}
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("Read(%q): %v", tt.ref, err)
		case tt.want == "" && string(f.Data) != "inputs: {}":
			t.Errorf("Read(%q) = %q", tt.ref, f.Data)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("Read(%q) = %v, want an error containing %q", tt.ref, err, tt.want)
		case tt.want != "" && strings.Contains(err.Error(), "secret"):
			t.Errorf("Read(%q): the message quotes the file outside: %v", tt.ref, err)
		}
	}
	// Each file is read once: the same File however it is reached by
	// the same name.
	a, _ := r.Read(from, "../rules/r.yaml", Scenario)
	b, _ := r.Read(filepath.Join(dir, "rules"), "r.yaml", Scenario)
	if a != b {
		t.Error("the same file was read twice")
	}
	var names []string
	for _, f := range r.Files() {
		names = append(names, filepath.Base(f.Path))
	}
	if got := strings.Join(names, " "); got != "r.yaml link.yaml" {
		t.Errorf("Files() = %s", got)
	}
}

func TestLimits(t *testing.T) {
	dir := tree(t, map[string]string{"settle.yaml": "", "s.yaml": "", "big.csv": strings.Repeat("x", 3<<20)})
	r, _ := New(filepath.Join(dir, "s.yaml"), Options{MaxFileSize: 1 << 20})
	_, err := r.Read(dir, "big.csv", Data)
	if err == nil || !strings.Contains(err.Error(), "big.csv is 3 MiB, more than the 1 MiB limit for data files; if it is meant to be this large, raise the limit with --max-file-size (or SETTLE_MAX_FILE_SIZE), e.g. --max-file-size 4MiB") {
		t.Errorf("a file above the limit: %v", err)
	}
	r, _ = New(filepath.Join(dir, "s.yaml"), Options{})
	if _, err := r.Read(dir, "big.csv", Data); err != nil {
		t.Errorf("a 3 MiB data file under the default limit: %v", err)
	}
	if got := (Options{}).Limit(Scenario); got != 16<<20 {
		t.Errorf("default scenario limit %d", got)
	}
}

func TestRootOption(t *testing.T) {
	dir := tree(t, map[string]string{"proj/scenarios/s.yaml": "", "proj/rules/r.yaml": "x: 1", "file": ""})
	r, err := New(filepath.Join(dir, "proj/scenarios/s.yaml"), Options{Root: filepath.Join(dir, "proj")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.Read(filepath.Join(dir, "proj/scenarios"), "../rules/r.yaml", Scenario); err != nil {
		t.Errorf("inside --root: %v", err)
	}
	// Without it, the scenario's own directory is the root.
	r, _ = New(filepath.Join(dir, "proj/scenarios/s.yaml"), Options{})
	if r.Marker == "" {
		if _, err := r.Read(filepath.Join(dir, "proj/scenarios"), "../rules/r.yaml", Scenario); err == nil || !strings.Contains(err.Error(), "so the project root is the scenario's own directory") {
			t.Errorf("no marker: %v", err)
		}
	}
	for _, bad := range []string{filepath.Join(dir, "nope"), filepath.Join(dir, "file")} {
		if _, err := New("s.yaml", Options{Root: bad}); err == nil || !strings.HasPrefix(err.Error(), "--root "+bad) {
			t.Errorf("--root %s: %v", bad, err)
		}
	}
}

// Files named on the command line may be pipes, never directories or
// devices; ReadFile takes regular files only.
func TestReadArg(t *testing.T) {
	dir := tree(t, map[string]string{"a.json": "{}"})
	pipe := filepath.Join(dir, "p")
	if err := fifo.Make(pipe); err != nil {
		t.Skip(err)
	}
	go func() {
		f, err := os.OpenFile(pipe, os.O_WRONLY, 0)
		if err == nil {
			f.WriteString("piped")
			f.Close()
		}
	}()
	if b, err := ReadArg(pipe, Data, Options{}); err != nil || string(b) != "piped" {
		t.Errorf("ReadArg(FIFO) = %q, %v", b, err)
	}
	for path, want := range map[string]string{
		dir:             "is a directory, not a file settle can read",
		"/dev/zero":     "/dev/zero is a character device",
		dir + "/nope":   "no such file",
		dir + "/a.json": "",
	} {
		_, err := ReadArg(path, Data, Options{})
		if want == "" && err != nil || want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
			t.Errorf("ReadArg(%s) = %v, want %q", path, err, want)
		}
	}
	if _, err := ReadFile(pipe, Data, Options{}); err == nil || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("ReadFile(FIFO) = %v", err)
	}
	if _, err := ReadFile(dir+"/nope", Data, Options{}); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("ReadFile of a missing file: %v, want fs.ErrNotExist", err)
	}
}

func TestParseSize(t *testing.T) {
	good := map[string]int64{"16MiB": 16 << 20, "64M": 64 << 20, "1GiB": 1 << 30, "1.5GiB": 3 << 29, "500KB": 500_000,
		"1048576": 1 << 20, "2 mb": 2_000_000, "10k": 10 << 10, "100b": 100}
	for s, want := range good {
		if got, err := ParseSize(s); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", s, got, err, want)
		}
	}
	for _, s := range []string{"", "lots", "-1M", "0", "1e9", "0x10", "MiB", "1.5b", "1e300GiB", "NaN"} {
		if _, err := ParseSize(s); err == nil {
			t.Errorf("ParseSize(%q) accepted", s)
		}
	}
	for n, want := range map[int64]string{512: "512 bytes", 1 << 20: "1 MiB", 3 << 29: "1.5 GiB", 16 << 20: "16 MiB"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}
