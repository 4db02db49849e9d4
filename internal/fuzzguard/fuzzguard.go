// Package fuzzguard makes a fuzz test fail on an input that hangs: Go's
// fuzzing engine reports a panic or a crash with the input that caused
// it, but waits on an input that never finishes.
package fuzzguard

import (
	"fmt"
	"time"
)

// Limit is how long one input may take. Inputs are small (each fuzz
// test skips those above its size limit), so that any input taking this
// long is a hang or a blow-up, not slowness.
const Limit = 10 * time.Second

// Start starts the clock on one input, described by input for the
// report, and returns the function that stops it: call it with defer.
// An input still running after Limit crashes the fuzzing process with a
// panic naming it, which the engine records as a failing input.
func Start(input any) (stop func()) {
	t := time.AfterFunc(Limit, func() {
		panic(fmt.Sprintf("fuzzguard: input still running after %v: %q", Limit, input))
	})
	return func() { t.Stop() }
}
