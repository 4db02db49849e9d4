package stats

import (
	"math/bits"
	"slices"
)

// orderStats rearranges xs so that xs[k] is the k-th smallest value, as
// it would be after sorting, for every k in ks (ascending, distinct).
// It takes expected linear time for a handful of ks, against n·log n for
// a sort, and falls back to sorting a part that partitions badly.
func orderStats(xs []float64, ks []int) {
	limit := 2 * bits.Len(uint(len(xs)))
	multiselect(xs, 0, ks, limit)
}

// multiselect places the order statistics ks (indices into the whole
// slice, of which a starts at off) into position within a.
func multiselect(a []float64, off int, ks []int, limit int) {
	for len(ks) > 0 && len(a) > 1 {
		if len(a) <= 16 || limit == 0 {
			slices.Sort(a)
			return
		}
		limit--
		lt, gt := partition3(a)
		// a[:lt] < pivot, a[lt:gt] == pivot, a[gt:] > pivot.
		i := 0
		for i < len(ks) && ks[i]-off < lt {
			i++
		}
		j := i
		for j < len(ks) && ks[j]-off < gt {
			j++
		}
		left, right := ks[:i], ks[j:]
		if len(left) > 0 {
			multiselect(a[:lt], off, left, limit)
		}
		// Continue with the right part in this frame.
		a, off, ks = a[gt:], off+gt, right
	}
}

// partition3 partitions a around the median of its first, middle and
// last values into less, equal and greater parts, returning the bounds
// of the equal part. Equal values are kept together, so columns with
// many ties (true/false values, amounts clamped at zero) partition well.
func partition3(a []float64) (lt, gt int) {
	x, y, z := a[0], a[len(a)/2], a[len(a)-1]
	p := max(min(x, y), min(max(x, y), z))
	lt, i, gt := 0, 0, len(a)
	for i < gt {
		switch v := a[i]; {
		case v < p:
			a[lt], a[i] = a[i], a[lt]
			lt++
			i++
		case v > p:
			gt--
			a[gt], a[i] = a[i], a[gt]
		default:
			i++
		}
	}
	return lt, gt
}
