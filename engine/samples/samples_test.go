package samples

import (
	"bytes"
	"encoding/binary"
	"math"
	"runtime"
	"slices"
	"strings"
	"testing"
)

func testSet(n int) *Set {
	s := &Set{Header: Header{SettleVersion: "0.1.0", Scenario: "t", Seed: 7, HasSeed: true, Trials: n}}
	a := &Column{ColumnHeader: ColumnHeader{Name: "supplier_net", Section: Output, Type: "number", Unit: "GBP"}}
	b := &Column{ColumnHeader: ColumnHeader{Name: "settles", Section: Output, Type: "bool"}}
	c := &Column{ColumnHeader: ColumnHeader{Name: "claim", Section: Input, Type: "number", Unit: "GBP"}}
	for i := range n {
		a.Values = append(a.Values, float64(i)*1.5e6-3e8+1/3.0)
		b.Values = append(b.Values, float64(i%2))
		c.Values = append(c.Values, math.Nextafter(6e8, float64(i)))
	}
	s.Columns = []*Column{a, b, c}
	return s
}

func TestBinaryRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, 5, 4096, 10001} {
		s := testSet(n)
		var buf bytes.Buffer
		if err := Write(&buf, s); err != nil {
			t.Fatal(err)
		}
		hlen := binary.LittleEndian.Uint32(buf.Bytes()[12:])
		if want := 16 + int(hlen) + 8*n*3; buf.Len() != want {
			t.Errorf("n=%d: %d bytes, want %d", n, buf.Len(), want)
		}
		if (16+hlen)%8 != 0 {
			t.Errorf("n=%d: data not 8-byte aligned", n)
		}
		got, err := Read(bytes.NewReader(buf.Bytes()), "x.samples")
		if err != nil {
			t.Fatalf("n=%d: %v", n, err)
		}
		if got.Trials != n || got.Seed != 7 || got.Scenario != "t" || len(got.Columns) != 3 {
			t.Fatalf("n=%d: header %+v", n, got.Header)
		}
		for i, c := range got.Columns {
			w := s.Columns[i]
			if c.Name != w.Name || c.Unit != w.Unit || c.Type != w.Type || c.Section != w.Section || !slices.Equal(c.Values, w.Values) {
				t.Errorf("n=%d: column %d = %+v, want %+v", n, i, c.ColumnHeader, w.ColumnHeader)
			}
		}
		if got.Lookup(Input, "claim") == nil || got.Lookup(Output, "claim") != nil {
			t.Errorf("Lookup by section")
		}
	}
}

func TestBinaryRejects(t *testing.T) {
	var buf bytes.Buffer
	if err := Write(&buf, testSet(100)); err != nil {
		t.Fatal(err)
	}
	good := buf.Bytes()
	damaged := slices.Clone(good)
	damaged[len(damaged)-3] ^= 1
	future := slices.Clone(good)
	binary.LittleEndian.PutUint32(future[8:], 2)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"truncated", good[:len(good)-8], "column claim cut short"},
		{"damaged", damaged, "column claim is damaged"},
		{"trailing", append(slices.Clone(good), 0), "data after the last column"},
		{"version", future, "samples format version 2; this settle reads version 1"},
		{"preamble", good[:12], "too short"},
	} {
		_, err := Read(bytes.NewReader(tc.data), "x.samples")
		if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "x.samples: ") {
			t.Errorf("%s: error %v, want one containing %q", tc.name, err, tc.want)
		}
	}
}

func TestCSVRoundTrip(t *testing.T) {
	s := testSet(50)
	var buf bytes.Buffer
	if err := WriteCSV(&buf, s); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(buf.String(), "supplier_net,settles,claim\n") {
		t.Errorf("header: %q", strings.SplitN(buf.String(), "\n", 2)[0])
	}
	got, err := Read(&buf, "x.csv")
	if err != nil {
		t.Fatal(err)
	}
	if got.Trials != 50 || got.HasSeed {
		t.Errorf("header %+v", got.Header)
	}
	for i, c := range got.Columns {
		if !slices.Equal(c.Values, s.Columns[i].Values) {
			t.Errorf("column %s differs", c.Name)
		}
	}
}

func TestCSVErrors(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", "x.csv: empty"},
		{"a,b\n", "x.csv: no rows"},
		{"a,a\n1,2\n", "x.csv:1:2: column name \"a\" is empty or repeated"},
		{"a,\xff\n1,2\n", "x.csv:1:2: column name \"\\xff\" is not valid UTF-8; save the file as UTF-8"},
		{"a,b\n1,2\n3,zz\n", "x.csv:3:3: b: \"zz\" is not a finite number"},
		{"a,b\n1,2\n3\n", "x.csv:3:1: wrong number of fields"},
		{"a\nNaN\n", "not a finite number"},
	} {
		_, err := Read(strings.NewReader(tc.in), "x.csv")
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%q: error %v, want %q", tc.in, err, tc.want)
		}
	}
	s, err := Read(strings.NewReader("won\ntrue\nfalse\n"), "x.csv")
	if err != nil || !slices.Equal(s.Columns[0].Values, []float64{1, 0}) {
		t.Errorf("true/false: %v %v", s, err)
	}
}

// TestCSVFromExcel: samples saved by Excel as "CSV UTF-8" start with a
// byte order mark, which is not part of the first column's name; errors
// count columns as the file shows them.
func TestCSVFromExcel(t *testing.T) {
	s, err := Read(strings.NewReader("\uFEFFsupplier_net,won\r\n1.5,TRUE\r\n-2,FALSE\r\n"), "x.csv")
	if err != nil {
		t.Fatal(err)
	}
	if s.Columns[0].Name != "supplier_net" || !slices.Equal(s.Columns[0].Values, []float64{1.5, -2}) || !slices.Equal(s.Columns[1].Values, []float64{1, 0}) {
		t.Errorf("read %q %v %v", s.Columns[0].Name, s.Columns[0].Values, s.Columns[1].Values)
	}
	if _, err := Read(strings.NewReader("\uFEFFa,b\n1,zz\n"), "x.csv"); err == nil || !strings.Contains(err.Error(), `x.csv:2:3: b: "zz"`) {
		t.Errorf("error %v, want x.csv:2:3", err)
	}
}

// TestBinaryClaimsCostNothing: a small file claiming a header of 64 MB or
// 2³¹ trials is refused without allocating what it claims (it allocated
// 16 GB for the values of one column).
func TestBinaryClaimsCostNothing(t *testing.T) {
	header := func(hlen uint32, js string) []byte {
		b := []byte(Magic)
		b = binary.LittleEndian.AppendUint32(b, Version)
		b = binary.LittleEndian.AppendUint32(b, hlen)
		return append(b, js...)
	}
	js := `{"trials": 2147483648, "columns": [{"name": "a", "section": "output", "type": "number"}]}`
	js += strings.Repeat(" ", (8-(16+len(js))%8)%8)
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"header", header(64<<20-16, "{}"), "header cut short"},
		{"trials", header(uint32(len(js)), js), "column a cut short"},
	} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := Read(bytes.NewReader(tc.data), "x.samples")
		runtime.ReadMemStats(&after)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.name, err, tc.want)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 4<<20 {
			t.Errorf("%s: reading %d bytes allocated %d MB", tc.name, len(tc.data), alloc>>20)
		}
	}
}
