package engine

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/settle-sim/settle/engine/run"
	"github.com/settle-sim/settle/engine/stats"
)

// readSums reads b as a part's sums section.
func readSums(b []byte) ([][]stats.Moments, [][]run.PartyAcc, []stats.Sketch, uint32, error) {
	f := &flatReader{r: bufio.NewReaderSize(bytes.NewReader(b), 4096), left: int64(len(b))}
	ms, err := readRows[stats.Moments](f)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	ps, err := readRows[run.PartyAcc](f)
	if err != nil {
		return nil, nil, nil, 0, err
	}
	sks, err := readSketches(f)
	if err == nil && f.left != 0 {
		err = errFlat
	}
	return ms, ps, sks, f.crc, err
}

// TestFlatRoundTrip: block sums and sketches written flat read back as
// they were, every field of every value, booleans and nested structs
// included, and the reader's CRC is the bytes'.
func TestFlatRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	ms := make([][]stats.Moments, 5)
	ps := make([][]run.PartyAcc, 5)
	for k := range ms {
		for range 3 {
			ms[k] = append(ms[k], stats.Moments{N: r.IntN(1000), Mean: r.NormFloat64(), M2: r.Float64(), Pos: -r.IntN(9), Min: math.Inf(-1), Max: r.Float64()})
		}
		for range 2 {
			var a run.PartyAcc
			a.NetExp.N, a.NetExp.QC, a.Beats, a.NetSum.C = r.IntN(50), r.NormFloat64(), r.IntN(7), math.Copysign(0, -1)
			a.Slopes = run.Slopes{N: 4, First: 1.5, HiMin: -2, MidMax: 3, NonFinite: k%2 == 0}
			ps[k] = append(ps[k], a)
		}
	}
	var sks []stats.Sketch
	for _, xs := range [][]float64{{1, 2, 3, -4, 0, 1e9}, {}, {-0.5, -7e-3}} {
		var s stats.Sketch
		for _, x := range xs {
			s.Add(x)
		}
		sks = append(sks, s)
	}
	b, err := appendRows(nil, ms)
	if err != nil {
		t.Fatal(err)
	}
	if b, err = appendRows(b, ps); err != nil {
		t.Fatal(err)
	}
	b = appendSketches(b, sks)
	gotM, gotP, gotS, crc, err := readSums(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(gotM, ms) || !reflect.DeepEqual(gotP, ps) {
		t.Fatalf("rows differ after a round trip:\n%v\n%v", gotM, ms)
	}
	if math.Signbit(gotP[0][0].NetSum.C) != true {
		t.Error("−0 came back as +0")
	}
	for i := range sks {
		if !reflect.DeepEqual(gotS[i].Data(), sks[i].Data()) {
			t.Errorf("sketch %d: %+v, want %+v", i, gotS[i].Data(), sks[i].Data())
		}
	}
	if want := crc32.Checksum(b, castagnoli); crc != want {
		t.Errorf("CRC %08x, want %08x", crc, want)
	}
	// Every truncation, and claims of more rows, values or counts than
	// the section holds, are errors, never a panic or a huge allocation.
	for n := range len(b) {
		if _, _, _, _, err := readSums(b[:n]); err == nil {
			t.Fatalf("truncated to %d of %d bytes: no error", n, len(b))
		}
	}
	for _, at := range []int{0, 8, 8*6 + 15*6*8} { // the rows, a row's length, the second rows' count
		c := bytes.Clone(b)
		binary.LittleEndian.PutUint64(c[at:], 1<<62)
		if _, _, _, _, err := readSums(c); err == nil {
			t.Errorf("a count of 2^62 at byte %d: no error", at)
		}
	}
}
