//go:build unix

package project

import (
	"os"
	"syscall"
)

// nonblock opens a file without waiting: a FIFO swapped in for a regular
// file between the check and the open is then found, not waited on.
const nonblock = syscall.O_NONBLOCK

// clearNonblock puts a regular file opened with nonblock back into
// blocking mode (it makes no difference to reading a regular file, but
// keeps reads plain).
func clearNonblock(f *os.File) {
	if rc, err := f.SyscallConn(); err == nil {
		rc.Control(func(fd uintptr) { syscall.SetNonblock(int(fd), false) })
	}
}
