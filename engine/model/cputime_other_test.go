//go:build !unix

package model_test

import "time"

// cpuTime returns the time on the clock where the process's CPU time is
// not available.
func cpuTime() time.Duration { return wallTime() }
