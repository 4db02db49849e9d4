package hugemem

import (
	"syscall"
	"unsafe"
)

// advise asks that the whole huge pages inside b be backed by huge
// pages. It is only advice: an error (an old kernel, huge pages turned
// off) leaves the memory as it was.
func advise(b []byte) {
	p := uintptr(unsafe.Pointer(unsafe.SliceData(b)))
	beg := (p + hugePage - 1) &^ (hugePage - 1)
	end := (p + uintptr(len(b))) &^ (hugePage - 1)
	if beg >= end {
		return
	}
	_ = syscall.Madvise(b[beg-p:end-p], syscall.MADV_HUGEPAGE)
}

// alignment returns how many bytes after p the next huge page starts.
func alignment(p uintptr) uintptr { return (p+hugePage-1)&^(hugePage-1) - p }
