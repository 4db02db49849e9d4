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
// at least Threshold bytes is made by Go as usual and then advised
// (madvise MADV_HUGEPAGE) before anything is written to it: one fault
// for each 2 MB instead of 512. The memory stays Go's, collected as any
// other. Elsewhere, or where the kernel refuses, the array is an
// ordinary one.
package hugemem

// Threshold is the size in bytes from which an array is advised.
const Threshold = 4 << 20

// Floats returns a zeroed []float64 of length n.
func Floats(n int) []float64 {
	xs := make([]float64, n)
	if n*8 >= Threshold {
		advise(xs)
	}
	return xs
}
