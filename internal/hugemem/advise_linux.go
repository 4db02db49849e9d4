package hugemem

import (
	"syscall"
	"unsafe"
)

// madvPopulateWrite is MADV_POPULATE_WRITE (Linux 5.14), which the
// syscall package does not name.
const madvPopulateWrite = 23

// advise asks that the whole huge pages inside b be backed by huge
// pages, and then that they be faulted in now, all in one call, rather
// than one fault at a time as they are first written: measured on this
// project's virtual machine, a 2M-trial run's 320 MB of columns went in
// 17 ms to 100 ms this way, against 35 ms to 700 ms when written, and
// the run's median wall time fell 15%. Both are only advice: an error
// (an old kernel, huge pages turned off) leaves the memory as it was.
func advise(b []byte) {
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	beg := (p + hugePage - 1) &^ (hugePage - 1)
	end := (p + uintptr(len(b))) &^ (hugePage - 1)
	if beg >= end {
		return
	}
	_ = syscall.Madvise(b[beg-p:end-p], syscall.MADV_HUGEPAGE)
	_ = syscall.Madvise(b[beg-p:end-p], madvPopulateWrite)
}

// alignment returns how many bytes after p the next huge page starts.
func alignment(p uintptr) uintptr { return (p+hugePage-1)&^(hugePage-1) - p }
