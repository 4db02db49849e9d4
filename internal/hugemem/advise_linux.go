package hugemem

import (
	"syscall"
	"unsafe"
)

// advise asks that the whole huge pages inside xs be backed by huge
// pages. It is only advice: an error (an old kernel, huge pages turned
// off) leaves xs as it was.
func advise(xs []float64) {
	p := uintptr(unsafe.Pointer(unsafe.SliceData(xs)))
	beg := (p + hugePage - 1) &^ (hugePage - 1)
	end := (p + uintptr(len(xs))*8) &^ (hugePage - 1)
	if beg >= end {
		return
	}
	in := xs[(beg-p)/8 : (end-p)/8]
	_ = syscall.Madvise(unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(in))), len(in)*8), syscall.MADV_HUGEPAGE)
}

// alignment returns the index of xs's first element on a huge page's
// boundary (0 where none is in its first hugePage bytes).
func alignment(xs []float64) int {
	p := uintptr(unsafe.Pointer(unsafe.SliceData(xs)))
	return int(((p+hugePage-1)&^(hugePage-1) - p) / 8)
}
