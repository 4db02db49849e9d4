package outfile

import (
	"context"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"

	"github.com/settle-sim/settle/internal/fifo"
)

func writeString(s string) func(io.Writer) error {
	return func(w io.Writer) error { _, err := io.WriteString(w, s); return err }
}

// noTemps fails if dir holds a temporary file.
func noTemps(t *testing.T, dir string) {
	t.Helper()
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			t.Errorf("temporary file left behind: %s", e.Name())
		}
	}
}

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.json")
	if err := Write(path, writeString("first")); err != nil {
		t.Fatal(err)
	}
	failed := errors.New("boom")
	err := Write(path, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return failed
	})
	if !errors.Is(err, failed) {
		t.Fatalf("got %v, want the writer's error", err)
	}
	got, _ := os.ReadFile(path)
	if string(got) != "first" {
		t.Fatalf("after a failed write the file holds %q, want the old content", got)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}

func TestWriteBadDir(t *testing.T) {
	err := Write(filepath.Join(t.TempDir(), "missing", "x"), func(io.Writer) error { return nil })
	if err == nil || !strings.Contains(err.Error(), "there is no directory") {
		t.Fatalf("writing into a missing directory: %v", err)
	}
}

// A file replaced keeps its permissions; a new one gets the umask's.
func TestWriteKeepsMode(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "private.json")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := Write(path, writeString("new")); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode after replacing = %v, want -rw-------", fi.Mode())
	}
}

func TestWriteCancelled(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	os.WriteFile(path, []byte("old"), 0o644)
	ctx, cancel := context.WithCancel(context.Background())
	err := WriteContext(ctx, path, func(w io.Writer) error {
		cancel()
		for range 100 {
			if _, err := w.Write(make([]byte, 4096)); err != nil {
				return err
			}
		}
		return nil
	})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	if got, _ := os.ReadFile(path); string(got) != "old" {
		t.Errorf("file holds %q after a cancelled write, want the old content", got)
	}
	noTemps(t, dir)
}

func TestAbort(t *testing.T) {
	t.Cleanup(func() {
		temps.Lock()
		temps.aborted = false
		temps.Unlock()
	})
	dir := t.TempDir()
	path := filepath.Join(dir, "out.csv")
	err := Write(path, func(w io.Writer) error {
		io.WriteString(w, "half")
		Abort() // as a second signal would, during the write
		return nil
	})
	if !errors.Is(err, errAborted) {
		t.Fatalf("got %v, want the write stopped", err)
	}
	if _, err := os.Stat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the file was written after Abort")
	}
	noTemps(t, dir)
}

// A symbolic link is kept, and the file it leads to replaced.
func TestWriteSymlink(t *testing.T) {
	dir := t.TempDir()
	os.Mkdir(filepath.Join(dir, "real"), 0o755)
	target := filepath.Join(dir, "real", "result.json")
	os.WriteFile(target, []byte("old"), 0o644)
	link := filepath.Join(dir, "latest.json")
	if err := os.Symlink("real/result.json", link); err != nil {
		t.Skip(err)
	}
	tg, err := Plan(link)
	if err != nil {
		t.Fatal(err)
	}
	if tg.Kind != Replace || tg.Dest != target {
		t.Fatalf("Plan = %v %q, want Replace of %s", tg.Kind, tg.Dest, target)
	}
	if err := tg.Write(context.Background(), writeString("new")); err != nil {
		t.Fatal(err)
	}
	if fi, _ := os.Lstat(link); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the link was replaced by a file")
	}
	if got, _ := os.ReadFile(target); string(got) != "new" {
		t.Errorf("target holds %q, want new", got)
	}
	// A dangling link: the file it names is created.
	dangling := filepath.Join(dir, "next.json")
	os.Symlink("real/next.json", dangling)
	if err := Write(dangling, writeString("made")); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, "real", "next.json")); string(got) != "made" {
		t.Errorf("dangling link's target holds %q", got)
	}
	if fi, _ := os.Lstat(dangling); fi.Mode()&os.ModeSymlink == 0 {
		t.Error("the dangling link was replaced by a file")
	}
	noTemps(t, dir)
	noTemps(t, filepath.Join(dir, "real"))
}

func TestPlanRefuses(t *testing.T) {
	dir := t.TempDir()
	ro := filepath.Join(dir, "ro.json")
	os.WriteFile(ro, []byte("keep"), 0o444)
	loop := filepath.Join(dir, "loop")
	os.Symlink("loop", loop)
	tests := []struct{ path, want string }{
		{dir, "is a directory"},
		{filepath.Join(dir, "no", "x.json"), "there is no directory"},
		{filepath.Join(ro, "x.json"), "not a directory"},
		{loop, "too many levels of symbolic links"},
	}
	if os.Geteuid() != 0 {
		tests = append(tests, struct{ path, want string }{ro, "read-only"})
	}
	for _, tt := range tests {
		if _, err := Plan(tt.path); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Plan(%s) = %v, want an error saying %q", tt.path, err, tt.want)
		}
	}
}

func TestPlanStandard(t *testing.T) {
	for path, want := range map[string]Kind{"": Stdout, "-": Stdout, "/dev/stdout": Stdout, "/dev/fd/1": Stdout, "/dev/stderr": Stderr} {
		tg, err := Plan(path)
		if err != nil || tg.Kind != want {
			t.Errorf("Plan(%q) = %v, %v; want kind %v", path, tg, err, want)
		}
	}
	link := filepath.Join(t.TempDir(), "out")
	os.Symlink("/dev/stdout", link)
	if tg, err := Plan(link); err != nil || tg.Kind != Stdout {
		t.Errorf("Plan(a link to /dev/stdout) = %v, %v; want standard output", tg, err)
	}
	var b strings.Builder
	tg, _ := Plan("-")
	tg.Stdout = &b
	if err := tg.Write(context.Background(), writeString("out")); err != nil || b.String() != "out" {
		t.Errorf("writing - gave %q, %v", b.String(), err)
	}
}

// /dev/null is written through, never replaced; /dev/full's ENOSPC is an
// error.
func TestDevices(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("needs /dev/full")
	}
	before, err := os.Stat("/dev/null")
	if err != nil || before.Mode()&os.ModeCharDevice == 0 {
		t.Skipf("/dev/null is not the null device here (%v, %v): something replaced it", before, err)
	}
	tg, err := Plan("/dev/null")
	if err != nil || tg.Kind != Stream {
		t.Fatalf("Plan(/dev/null) = %v, %v; want a stream", tg, err)
	}
	if err := tg.Write(context.Background(), writeString("gone")); err != nil {
		t.Fatal(err)
	}
	after, err := os.Stat("/dev/null")
	if err != nil || after.Mode()&os.ModeCharDevice == 0 || !os.SameFile(before, after) {
		t.Fatalf("/dev/null is no longer the device: %v %v", after, err)
	}
	err = Write("/dev/full", writeString("x"))
	if !errors.Is(err, syscall.ENOSPC) || !strings.Contains(err.Error(), "writing /dev/full: no space left on device") {
		t.Errorf("writing /dev/full: %v, want ENOSPC", err)
	}
}

func TestFIFO(t *testing.T) {
	dir := t.TempDir()
	pipe := filepath.Join(dir, "pipe")
	if err := fifo.Make(pipe); err != nil {
		t.Skip(err)
	}
	got := make(chan string)
	go func() {
		f, err := os.Open(pipe)
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(f)
		f.Close()
		got <- string(b)
	}()
	big := strings.Repeat("x", 1<<20) // more than a pipe holds
	if err := Write(pipe, writeString(big)); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != big {
		t.Errorf("read %d bytes from the FIFO, want %d", len(s), len(big))
	}
	if fi, _ := os.Lstat(pipe); fi.Mode()&os.ModeNamedPipe == 0 {
		t.Error("the FIFO was replaced")
	}
	// With no reader, a cancelled context stops the wait.
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := WriteContext(ctx, pipe, writeString("x")); !errors.Is(err, context.Canceled) {
		t.Errorf("writing a FIFO with no reader, cancelled: %v", err)
	}
}

func TestSocket(t *testing.T) {
	dir := t.TempDir()
	sock := filepath.Join(dir, "s.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Skip(err)
	}
	defer l.Close()
	got := make(chan string)
	go func() {
		c, err := l.Accept()
		if err != nil {
			got <- err.Error()
			return
		}
		b, _ := io.ReadAll(c)
		got <- string(b)
	}()
	if err := Write(sock, writeString("hello")); err != nil {
		t.Fatal(err)
	}
	if s := <-got; s != "hello" {
		t.Errorf("socket read %q", s)
	}
	if fi, _ := os.Lstat(sock); fi.Mode()&os.ModeSocket == 0 {
		t.Error("the socket was replaced")
	}
}

func TestCheck(t *testing.T) {
	dir := t.TempDir()
	scen := filepath.Join(dir, "s.yaml")
	os.WriteFile(scen, []byte("x"), 0o644)
	hard := filepath.Join(dir, "hard.yaml")
	os.Link(scen, hard)
	os.Mkdir(filepath.Join(dir, "sub"), 0o755)
	plan := func(p string) *Target {
		tg, err := Plan(p)
		if err != nil {
			t.Fatal(err)
		}
		return tg
	}
	inputs := []Input{{Role: "the scenario", Path: scen}}
	tests := []struct {
		name string
		outs []Output
		want string
	}{
		{"scenario", []Output{{"-o", plan(scen)}}, "-o " + scen + " would overwrite " + scen + " (the scenario), which this run reads"},
		{"other spelling", []Output{{"-o", plan(filepath.Join(dir, "sub", "..", "s.yaml"))}}, "(the scenario)"},
		{"hard link", []Output{{"--samples", plan(hard)}}, "--samples " + hard + " would overwrite " + scen},
		{"new file twice", []Output{{"-o", plan(filepath.Join(dir, "new.csv"))}, {"--samples", plan(filepath.Join(dir, "sub", "..", "new.csv"))}}, "are the same file"},
		{"stdout twice", []Output{{"", plan("")}, {"--samples", plan("-")}}, "the result (on standard output) and --samples - are the same file"},
		{"distinct", []Output{{"-o", plan(filepath.Join(dir, "a.json"))}, {"--samples", plan(filepath.Join(dir, "b.csv"))}}, ""},
		{"null twice", []Output{{"-o", plan(os.DevNull)}, {"--samples", plan(os.DevNull)}}, ""},
	}
	for _, tt := range tests {
		err := Check(tt.outs, inputs)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s: %v", tt.name, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s: %v, want %q", tt.name, err, tt.want)
		}
	}
}
