package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// signalScenario is a small model whose runs take as long as their
// trial count asks.
const signalScenario = `name: signals
inputs:
  a: normal(0, 1)
  b: normal(0, 1)
rules:
  c: a + b
  d: a * b
  e: a - b
outputs: [a, b, c, d, e]
`

// startSettle runs the settle binary (this test binary under the name
// settle, as testscript installs it) in dir.
func startSettle(t *testing.T, dir string, args ...string) (*exec.Cmd, *strings.Builder) {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("no SIGTERM on Windows")
	}
	bin, err := exec.LookPath("settle")
	if err != nil {
		t.Skip("settle is not on PATH:", err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	var stderr strings.Builder
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, &stderr
}

func signalDir(t *testing.T) string {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "settle.yaml"), nil, 0o644)
	os.WriteFile(filepath.Join(dir, "s.yaml"), []byte(signalScenario), 0o644)
	return dir
}

// exitCode waits for cmd and returns its exit status.
func exitCode(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(30 * time.Second):
		cmd.Process.Kill()
		t.Fatal("settle did not stop within 30 s of the signal")
	}
	return -1
}

// leftovers lists the files in dir other than those the test wrote.
func leftovers(dir string) []string {
	var names []string
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if e.Name() != "settle.yaml" && e.Name() != "s.yaml" {
			names = append(names, e.Name())
		}
	}
	return names
}

// SIGTERM and SIGINT during the trials stop the run: exit 143 or 130,
// nothing written.
func TestSignalDuringRun(t *testing.T) {
	for _, tt := range []struct {
		sig  syscall.Signal
		code int
	}{{syscall.SIGTERM, 143}, {syscall.SIGINT, 130}} {
		dir := signalDir(t)
		// Above the exact limit a run keeps no per-trial values, so a
		// long one takes no memory.
		cmd, stderr := startSettle(t, dir, "run", "s.yaml", "--trials", "2000m", "--exact-limit", "1000",
			"--sensitivity=false", "-q", "-o", "out.json", "--samples", "s.csv")
		time.Sleep(500 * time.Millisecond)
		cmd.Process.Signal(tt.sig)
		if got := exitCode(t, cmd); got != tt.code {
			t.Errorf("%v: exit %d, want %d; stderr:\n%s", tt.sig, got, tt.code, stderr)
		}
		if !strings.Contains(stderr.String(), "settle: stopped by "+map[syscall.Signal]string{syscall.SIGTERM: "SIGTERM", syscall.SIGINT: "SIGINT"}[tt.sig]) {
			t.Errorf("%v: stderr %q", tt.sig, stderr)
		}
		if l := leftovers(dir); len(l) > 0 {
			t.Errorf("%v: left %v behind", tt.sig, l)
		}
	}
}

// SIGTERM while the samples are being written: exit 143, the temporary
// file removed, neither output in place, and an old result untouched.
func TestSignalDuringWrite(t *testing.T) {
	dir := signalDir(t)
	old := filepath.Join(dir, "out.json")
	os.WriteFile(old, []byte("old result"), 0o644)
	cmd, stderr := startSettle(t, dir, "run", "s.yaml", "--trials", "1500k", "--sensitivity=false", "-q",
		"-o", "out.json", "--samples", "s.csv")
	// Wait for the temporary file of the samples to appear.
	deadline := time.Now().Add(60 * time.Second)
	seen := ""
	for seen == "" && time.Now().Before(deadline) {
		for _, name := range leftovers(dir) {
			if strings.Contains(name, ".tmp") {
				seen = name
			}
		}
		if seen == "" {
			time.Sleep(2 * time.Millisecond)
		}
	}
	if seen == "" {
		cmd.Process.Kill()
		t.Fatalf("no temporary file appeared; stderr:\n%s", stderr)
	}
	cmd.Process.Signal(syscall.SIGTERM)
	if got := exitCode(t, cmd); got != 143 {
		t.Fatalf("exit %d, want 143 (the signal came while %s was being written); stderr:\n%s", got, seen, stderr)
	}
	if l := leftovers(dir); len(l) != 1 || l[0] != "out.json" {
		t.Errorf("after SIGTERM the directory holds %v, want only the old out.json", l)
	}
	if b, _ := os.ReadFile(old); string(b) != "old result" {
		t.Errorf("out.json holds %q, want the old result", b)
	}
}
