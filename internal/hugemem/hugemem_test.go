package hugemem

import (
	"runtime"
	"testing"
	"unsafe"
)

// Floats gives a zeroed array of the length asked for, advised or not,
// whose every element can be written and read back.
func TestFloats(t *testing.T) {
	for _, n := range []int{0, 1, Threshold/8 - 1, Threshold / 8, 3*Threshold/8 + 5} {
		xs := Floats(n)
		if len(xs) != n {
			t.Fatalf("Floats(%d) has length %d", n, len(xs))
		}
		for i := range xs {
			if xs[i] != 0 {
				t.Fatalf("Floats(%d)[%d] = %v, want 0", n, i, xs[i])
			}
			xs[i] = float64(i)
		}
		for i, x := range xs {
			if x != float64(i) {
				t.Fatalf("Floats(%d)[%d] reads %v after writing %d", n, i, x, i)
			}
		}
	}
}

// TestFloatsAligned: on Linux an array of Threshold bytes or more starts
// on a huge page's boundary, and its capacity is its length (appending
// reallocates rather than writing into the padding).
func TestFloatsAligned(t *testing.T) {
	if is := Make[int32](Threshold); len(is) != Threshold || cap(is) != Threshold ||
		runtime.GOOS == "linux" && uintptr(unsafe.Pointer(unsafe.SliceData(is)))%hugePage != 0 {
		t.Errorf("Make[int32](%d): length %d, capacity %d, at %p", Threshold, len(is), cap(is), unsafe.SliceData(is))
	}
	for _, n := range []int{Threshold / 8, 3*Threshold/8 + 5} {
		xs := Floats(n)
		if cap(xs) != n {
			t.Errorf("Floats(%d) has capacity %d", n, cap(xs))
		}
		if runtime.GOOS == "linux" && uintptr(unsafe.Pointer(unsafe.SliceData(xs)))%hugePage != 0 {
			t.Errorf("Floats(%d) starts at %p, not on a huge page", n, unsafe.SliceData(xs))
		}
	}
}

// TestGrow: Grow reuses the memory it was given while it is long enough,
// and replaces it only when it is not.
func TestGrow(t *testing.T) {
	var b []float64
	xs := Grow(&b, 10)
	xs[9] = 7
	if ys := Grow(&b, 5); len(ys) != 5 || &ys[0] != &xs[0] {
		t.Errorf("Grow(5) after Grow(10): length %d, same memory %v", len(ys), &ys[0] == &xs[0])
	}
	if ys := Grow(&b, 20); len(ys) != 20 || ys[9] != 0 {
		t.Errorf("Grow(20) after Grow(10): length %d, ys[9] = %v, want 20 and fresh zeros", len(ys), ys[9])
	}
}
