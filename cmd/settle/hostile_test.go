package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/settle-sim/settle/engine/project"
	"github.com/settle-sim/settle/internal/fifo"
)

// The testscript commands of the hostile-input battery
// (testdata/script/hostile_*.txtar).

// notemp fails if any file under the work directory (but testscript's
// own $TMPDIR) is a temporary file left behind: its name holds ".tmp".
func cmdNotemp(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 0 {
		ts.Fatalf("usage: notemp")
	}
	var left []string
	filepath.WalkDir(ts.Getenv("WORK"), func(path string, d fs.DirEntry, err error) error {
		if err == nil && d.IsDir() && path == ts.Getenv("TMPDIR") {
			return filepath.SkipDir
		}
		if err == nil && strings.Contains(d.Name(), ".tmp") {
			left = append(left, path)
		}
		return nil
	})
	if len(left) > 0 {
		ts.Fatalf("temporary files left behind: %s", strings.Join(left, ", "))
	}
}

// mkfifo PATH makes a named pipe.
func cmdMkfifo(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mkfifo PATH")
	}
	ts.Check(fifo.Make(ts.MkAbs(args[0])))
}

// mksock PATH makes a Unix socket that nobody listens on.
func cmdMksock(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: mksock PATH")
	}
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: ts.MkAbs(args[0]), Net: "unix"})
	ts.Check(err)
	l.SetUnlinkOnClose(false)
	ts.Check(l.Close())
}

// hardlink OLD NEW makes NEW a hard link to OLD.
func cmdHardlink(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: hardlink OLD NEW")
	}
	ts.Check(os.Link(ts.MkAbs(args[0]), ts.MkAbs(args[1])))
}

// filetype PATH KIND checks what PATH is, without following a link:
// regular, dir, symlink, fifo, socket or chardev.
func cmdFiletype(ts *testscript.TestScript, neg bool, args []string) {
	if len(args) != 2 {
		ts.Fatalf("usage: filetype PATH regular|dir|symlink|fifo|socket|chardev")
	}
	fi, err := os.Lstat(ts.MkAbs(args[0]))
	ts.Check(err)
	m := fi.Mode()
	kind := "other"
	switch {
	case m.IsRegular():
		kind = "regular"
	case m.IsDir():
		kind = "dir"
	case m&fs.ModeSymlink != 0:
		kind = "symlink"
	case m&fs.ModeNamedPipe != 0:
		kind = "fifo"
	case m&fs.ModeSocket != 0:
		kind = "socket"
	case m&fs.ModeCharDevice != 0:
		kind = "chardev"
	}
	if (kind == args[1]) == neg {
		ts.Fatalf("%s is %s (%s), want %s%s", args[0], kind, m, map[bool]string{true: "not "}[neg], args[1])
	}
}

// bigfile PATH SIZE writes a valid rule file of SIZE bytes (16MiB, 1KiB)
// padded with a comment.
func cmdBigfile(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: bigfile PATH SIZE")
	}
	n, err := project.ParseSize(args[1])
	ts.Check(err)
	head := "inputs:\n  padded: 1\n#"
	b := make([]byte, n)
	copy(b, head)
	for i := len(head); i < len(b); i++ {
		b[i] = 'x'
	}
	if n > 0 {
		b[n-1] = '\n'
	}
	ts.Check(os.WriteFile(ts.MkAbs(args[0]), b, 0o644))
}

// geninputs N FILE writes a scenario of N inputs, each the sum of the
// one before and a draw, with the last as its output.
func cmdGeninputs(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 2 {
		ts.Fatalf("usage: geninputs N FILE")
	}
	n, err := strconv.Atoi(args[0])
	ts.Check(err)
	var b strings.Builder
	b.WriteString("name: many inputs\ninputs:\n  x0: normal(0, 1)\n")
	for i := 1; i < n; i++ {
		fmt.Fprintf(&b, "  x%d: x%d + 1\n", i, i-1)
	}
	fmt.Fprintf(&b, "outputs: [x%d]\n", n-1)
	ts.Check(os.WriteFile(ts.MkAbs(args[1]), []byte(b.String()), 0o644))
}

// within DURATION N CMD ARGS... runs a command, which must exit with
// status N before DURATION has passed.
func cmdWithin(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) < 3 {
		ts.Fatalf("usage: within DURATION N command [args...]")
	}
	d, err := time.ParseDuration(args[0])
	ts.Check(err)
	want, err := strconv.Atoi(args[1])
	ts.Check(err)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	path, err := exec.LookPath(args[2])
	ts.Check(err)
	cmd := exec.CommandContext(ctx, path, args[3:]...)
	cmd.Dir = ts.MkAbs(".")
	cmd.Env = os.Environ()
	for _, k := range []string{"PATH", "HOME", "WORK"} {
		cmd.Env = append(cmd.Env, k+"="+ts.Getenv(k))
	}
	out, err := cmd.CombinedOutput()
	ts.Logf("%s", out)
	got := 0
	var ee *exec.ExitError
	if ctx.Err() != nil {
		ts.Fatalf("%s took longer than %s", args[2], d)
	}
	if errors.As(err, &ee) {
		got = ee.ExitCode()
	} else if err != nil {
		ts.Fatalf("within: %v", err)
	}
	if got != want {
		ts.Fatalf("%s exited with status %d, want %d", args[2], got, want)
	}
}
