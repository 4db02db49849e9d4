// Package hugemem allocates the large per-trial arrays of a run (a
// column of every trial's values, a pilot's states) so that the kernel
// may back them with transparent huge pages.
//
// Each 4 KB page of fresh memory costs a page fault on its first write.
// On bare metal that is a fraction of a microsecond, but in a virtual
// machine it can be tens of microseconds: there, writing a 2M-trial run's
// columns for the first time took about a third of the run. Linux's
// transparent huge pages, in the common "madvise" mode, are given only to
// memory that asks for them, and Go's heap does not ask; so an array of
// at least Threshold bytes is made by Go and then advised (madvise
// MADV_HUGEPAGE) before anything is written to it: one fault for each
// 2 MB instead of 512; and then faulted in at once (MADV_POPULATE_WRITE),
// since every such array is written through. Go aligns a large array to its own 8 KB pages
// only, which would leave up to 2 MB at its start on small pages, so
// the array is made a huge page longer and starts at the first huge
// page boundary in it (the unused part is never written, so never
// faulted in). Its end is rounded up to a huge page too, and advised
// with the rest, so that its last partial huge page is not left on
// small pages: at 2M trials that tail was 1.3 MB of each 16 MB column,
// 6,500 of a run's faults and a tenth of a second. This halved the page
// faults of the reference case at 200,000 trials. The price is up to
// 2 MB more resident memory an array. The memory stays Go's, collected
// as any other. Elsewhere, or where the kernel refuses, the array is an
// ordinary one.
package hugemem

import "unsafe"

// hugePage is the size of a transparent huge page on amd64 and arm64.
const hugePage = 2 << 20

// Threshold is the size in bytes from which an array is advised.
const Threshold = 2 << 20

// Floats returns a zeroed []float64 of length n.
func Floats(n int) []float64 { return Make[float64](n) }

// Grow returns (*b)[:n], first replacing *b by Make's n values when it
// holds fewer: scratch memory reused from one use to the next, faulted in
// once.
func Grow[T any](b *[]T, n int) []T {
	if cap(*b) < n {
		*b = Make[T](n)
	}
	return (*b)[:n]
}

// Make returns a zeroed []T of length n.
func Make[T any](n int) []T {
	size := int(unsafe.Sizeof(*new(T)))
	if size == 0 || n*size < Threshold {
		return make([]T, n)
	}
	whole := (n*size + hugePage - 1) &^ (hugePage - 1) // n values' huge pages
	xs := make([]T, (whole+hugePage+size-1)/size)
	p := uintptr(unsafe.Pointer(unsafe.SliceData(xs)))
	off := int(alignment(p)) / size
	advise(unsafe.Slice((*byte)(unsafe.Pointer(&xs[off])), whole))
	return xs[off : off+n : off+n]
}
