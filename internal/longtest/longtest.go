// Package longtest gates the long statistical batteries: coverage over
// many seeds, nested Monte Carlo checks and the like. They run when the
// environment has SETTLE_LONG=1, as CI's second test step does, and are
// skipped otherwise, so that go test ./... stays quick.
//
// go test caches a package's result together with the environment
// variables its tests read, so running go test ./... again with
// SETTLE_LONG=1 reruns only the packages that have long batteries.
package longtest

import (
	"os"
	"testing"
)

// Enabled reports whether long batteries are to run.
func Enabled() bool { return os.Getenv("SETTLE_LONG") == "1" }

// Skip skips t unless long batteries are to run.
func Skip(t testing.TB) {
	t.Helper()
	if !Enabled() {
		t.Skip("a long battery: run with SETTLE_LONG=1")
	}
}
