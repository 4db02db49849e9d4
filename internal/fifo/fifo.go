// Package fifo makes named pipes (FIFOs) for tests of what settle does
// with one where it expects a file.
package fifo

import "errors"

// ErrUnsupported is Make's error where the system has no named pipes.
var ErrUnsupported = errors.New("no named pipes on this system")

// Make makes a named pipe at path.
func Make(path string) error { return mkfifo(path) }
