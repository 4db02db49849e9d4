//go:build !linux

package main

import "os"

// peakRSS returns 0, not measured: the harness reads the peak resident
// memory of a process only on Linux.
func peakRSS(*os.ProcessState) int64 { return 0 }
