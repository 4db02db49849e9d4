package engine

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"math"
	"reflect"
	"unsafe"

	"github.com/settle-sim/settle/engine/stats"
)

// A partial result's sums (each block's moments and parties' sums:
// thousands of small structs; each var's sketch: thousands of counts)
// are written flat, as little-endian uint64s: rows of structs whose
// fields, nested structs included, are ints, float64s and bools, 8 bytes
// a field, with a layout worked out once a type; then the sketches'
// counts. They are read straight from the file into the values, without
// gob's reflection for every field of every value and its copies of the
// bytes, which together took most of a merge's time.

// flatField is one int, float64 or bool field of a flat struct, at its
// offset in the outermost struct.
type flatField struct {
	off  uintptr
	kind reflect.Kind
}

// flatLayout returns the fields of struct type t, nested structs'
// included, in order; an error for fields of other kinds.
func flatLayout(t reflect.Type) ([]flatField, error) {
	var fields []flatField
	var walk func(t reflect.Type, base uintptr) error
	walk = func(t reflect.Type, base uintptr) error {
		for i := range t.NumField() {
			f := t.Field(i)
			switch f.Type.Kind() {
			case reflect.Int, reflect.Float64, reflect.Bool:
				fields = append(fields, flatField{off: base + f.Offset, kind: f.Type.Kind()})
			case reflect.Struct:
				if err := walk(f.Type, base+f.Offset); err != nil {
					return err
				}
			default:
				return fmt.Errorf("flat: %s.%s is a %s", t, f.Name, f.Type)
			}
		}
		return nil
	}
	if t.Kind() != reflect.Struct {
		return nil, fmt.Errorf("flat: %s is not a struct", t)
	}
	if err := walk(t, 0); err != nil {
		return nil, err
	}
	if len(fields) == 0 {
		return nil, fmt.Errorf("flat: %s has no fields", t)
	}
	return fields, nil
}

// appendRows appends rows to b: the number of rows, each row's length
// and then its values' fields.
func appendRows[T any](b []byte, rows [][]T) ([]byte, error) {
	fields, err := flatLayout(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	b = binary.LittleEndian.AppendUint64(b, uint64(len(rows)))
	for _, row := range rows {
		b = binary.LittleEndian.AppendUint64(b, uint64(len(row)))
	}
	for _, row := range rows {
		for i := range row {
			p := unsafe.Pointer(&row[i])
			for _, f := range fields {
				var u uint64
				switch q := unsafe.Add(p, f.off); f.kind {
				case reflect.Int:
					u = uint64(*(*int)(q))
				case reflect.Float64:
					u = math.Float64bits(*(*float64)(q))
				case reflect.Bool:
					if *(*bool)(q) {
						u = 1
					}
				}
				b = binary.LittleEndian.AppendUint64(b, u)
			}
		}
	}
	return b, nil
}

// appendSketches appends the sketches' counts to b: their number, then
// each one's zero count, lowest keys and numbers of buckets, and its
// buckets' counts.
func appendSketches(b []byte, sks []stats.Sketch) []byte {
	b = binary.LittleEndian.AppendUint64(b, uint64(len(sks)))
	for i := range sks {
		d := sks[i].Data()
		for _, u := range []uint64{d.Zero, d.PosLo, d.NegLo, uint64(len(d.Pos)), uint64(len(d.Neg))} {
			b = binary.LittleEndian.AppendUint64(b, u)
		}
		for _, c := range d.Pos {
			b = binary.LittleEndian.AppendUint64(b, c)
		}
		for _, c := range d.Neg {
			b = binary.LittleEndian.AppendUint64(b, c)
		}
	}
	return b
}

var errFlat = errors.New("corrupt: the block sums")

// flatReader reads a section of n bytes of flat values from r, taking
// its CRC-32C as it goes. A read past the section's end makes it fail
// (err) and return zeros from then on.
type flatReader struct {
	r    *bufio.Reader
	left int64
	crc  uint32
	err  error
}

// bytes returns the section's next n bytes, n at most r's buffer size;
// they are valid until the next call.
func (f *flatReader) bytes(n int) []byte {
	if f.err != nil || int64(n) > f.left {
		f.err = errFlat
		return nil
	}
	b, err := f.r.Peek(n)
	if err != nil {
		f.err = errFlat
		return nil
	}
	f.crc = crc32.Update(f.crc, castagnoli, b)
	f.r.Discard(n)
	f.left -= int64(n)
	return b
}

func (f *flatReader) uint64() uint64 {
	b := f.bytes(8)
	if b == nil {
		return 0
	}
	return binary.LittleEndian.Uint64(b)
}

// count reads a number of items of size bytes each that the rest of the
// section can hold.
func (f *flatReader) count(size int) int {
	n := f.uint64()
	if n > uint64(f.left)/uint64(size) {
		f.err = errFlat
		return 0
	}
	return int(n)
}

// readRows reads rows that appendRows wrote.
func readRows[T any](f *flatReader) ([][]T, error) {
	fields, err := flatLayout(reflect.TypeFor[T]())
	if err != nil {
		return nil, err
	}
	width := 8 * len(fields)
	nrows := f.count(8)
	if nrows == 0 {
		return nil, f.err
	}
	lens := make([]int, 0, min(nrows, 1<<12))
	total := 0
	for range nrows {
		n := f.count(width)
		if total += n; f.err != nil || int64(total) > f.left/int64(width) {
			return nil, errFlat
		}
		lens = append(lens, n)
	}
	rows := make([][]T, nrows)
	for r, n := range lens {
		// grown as the values arrive, so that lengths a corrupt file
		// claims cannot make it allocate more than the file holds
		row := make([]T, 0, min(n, 1<<12))
		for range n {
			b := f.bytes(width)
			if b == nil {
				return nil, errFlat
			}
			row = append(row, *new(T))
			p := unsafe.Pointer(&row[len(row)-1])
			for k, fl := range fields {
				u := binary.LittleEndian.Uint64(b[8*k:])
				switch q := unsafe.Add(p, fl.off); fl.kind {
				case reflect.Int:
					*(*int)(q) = int(u)
				case reflect.Float64:
					*(*float64)(q) = math.Float64frombits(u)
				case reflect.Bool:
					if u > 1 {
						return nil, errFlat
					}
					*(*bool)(q) = u == 1
				}
			}
		}
		rows[r] = row
	}
	return rows, f.err
}

// readSketches reads sketches that appendSketches wrote.
func readSketches(f *flatReader) ([]stats.Sketch, error) {
	n := f.count(5 * 8)
	var out []stats.Sketch
	for range n {
		var d stats.SketchData
		d.Zero, d.PosLo, d.NegLo = f.uint64(), f.uint64(), f.uint64()
		np, nn := f.count(8), f.count(8)
		if f.err != nil || int64(np+nn) > f.left/8 {
			return nil, errFlat
		}
		d.Pos, d.Neg = f.counts(np), f.counts(nn)
		if f.err != nil {
			return nil, errFlat
		}
		sk, err := stats.NewSketch(d)
		if err != nil {
			return nil, fmt.Errorf("corrupt: %v", err)
		}
		out = append(out, *sk)
	}
	return out, f.err
}

// counts reads n uint64s, or returns nil for none.
func (f *flatReader) counts(n int) []uint64 {
	if n == 0 {
		return nil
	}
	out := make([]uint64, 0, min(n, 1<<16)) // grown as the counts arrive
	for len(out) < n {
		k := min(n-len(out), f.r.Size()/8)
		b := f.bytes(8 * k)
		if b == nil {
			return nil
		}
		for j := range k {
			out = append(out, binary.LittleEndian.Uint64(b[8*j:]))
		}
	}
	return out
}
