//go:build unix

package model_test

import (
	"syscall"
	"time"
)

// cpuTime returns the CPU time the process has used, user and system:
// unlike the time on the clock, it does not grow when other processes
// share the machine.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return wallTime()
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
