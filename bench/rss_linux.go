package main

import (
	"os"
	"syscall"
)

// peakRSS returns the peak resident memory of the process that ran, in
// bytes.
func peakRSS(ps *os.ProcessState) int64 {
	if ru, ok := ps.SysUsage().(*syscall.Rusage); ok {
		return int64(ru.Maxrss) << 10 // kilobytes on Linux
	}
	return 0
}
