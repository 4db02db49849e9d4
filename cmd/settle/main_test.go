package main

import (
	"errors"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"
)

var update = flag.Bool("update", false, "rewrite the expected output in testdata/script")

func TestMain(m *testing.M) {
	os.Exit(testscript.RunMain(m, map[string]func() int{
		"settle": func() int { return Main(os.Args[1:], os.Stdout, os.Stderr) },
	}))
}

// TestScripts runs the end-to-end tests in testdata/script. Each runs in
// a fresh directory holding a copy of the repository's scenarios/ and
// rules/.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:           filepath.Join("testdata", "script"),
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			for _, dir := range []string{"scenarios", "rules"} {
				if err := os.CopyFS(filepath.Join(env.WorkDir, dir), os.DirFS(filepath.Join("..", "..", dir))); err != nil {
					return err
				}
			}
			// The repository's settle.yaml marks the project root, so
			// that scenarios/ may include ../rules; a script's own
			// settle.yaml is kept.
			conf := filepath.Join(env.WorkDir, "settle.yaml")
			if _, err := os.Stat(conf); os.IsNotExist(err) {
				data, err := os.ReadFile(filepath.Join("..", "..", "settle.yaml"))
				if err != nil {
					return err
				}
				return os.WriteFile(conf, data, 0o644)
			}
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// The hostile-input battery's (hostile_test.go).
			"notemp": cmdNotemp, "mkfifo": cmdMkfifo, "mksock": cmdMksock, "hardlink": cmdHardlink,
			"filetype": cmdFiletype, "bigfile": cmdBigfile, "geninputs": cmdGeninputs, "within": cmdWithin,
			// exits N CMD ARGS... runs a command and checks its exit status.
			"exits": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) < 2 {
					ts.Fatalf("usage: exits N command [args...]")
				}
				want, err := strconv.Atoi(args[0])
				if err != nil {
					ts.Fatalf("exits: %v", err)
				}
				err = ts.Exec(args[1], args[2:]...)
				got := 0
				var ee *exec.ExitError
				if errors.As(err, &ee) {
					got = ee.ExitCode()
				} else if err != nil {
					ts.Fatalf("exits: %v", err)
				}
				if got != want {
					ts.Fatalf("%s exited with status %d, want %d", args[1], got, want)
				}
			},
		},
	})
}
