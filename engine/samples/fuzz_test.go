package samples

import (
	"bytes"
	"testing"

	"github.com/settle-sim/settle/internal/fuzzguard"
)

// FuzzRead: no file makes the samples reader panic, hang or allocate
// more than its size warrants, as settle's binary format or as CSV; what
// it reads is a set of equal columns that writes back and reads again
// the same.
//
//	go test ./engine/samples -run '^$' -fuzz FuzzRead -fuzztime 30s
func FuzzRead(f *testing.F) {
	var bin, csv bytes.Buffer
	s := testSet(5)
	if err := Write(&bin, s); err != nil {
		f.Fatal(err)
	}
	if err := WriteCSV(&csv, s); err != nil {
		f.Fatal(err)
	}
	f.Add(bin.Bytes(), false)
	f.Add(csv.Bytes(), true)
	f.Add([]byte("\uFEFFa,b\r\n1,true\r\n2,FALSE\r\n"), true)
	f.Add([]byte(Magic+"\x01\x00\x00\x00\x08\x00\x00\x00{}      "), false)
	f.Fuzz(func(t *testing.T, data []byte, isCSV bool) {
		if len(data) > 1<<16 {
			return
		}
		defer fuzzguard.Start(data)()
		name := "x.samples"
		if isCSV {
			name = "x.csv"
		}
		set, err := Read(bytes.NewReader(data), name)
		if err != nil {
			return
		}
		for _, c := range set.Columns {
			if len(c.Values) != set.Trials {
				t.Fatalf("column %s has %d values for %d trials", c.Name, len(c.Values), set.Trials)
			}
		}
		var buf bytes.Buffer
		if err := Write(&buf, set); err != nil {
			t.Fatalf("writing what was read: %v", err)
		}
		again, err := Read(&buf, "again.samples")
		if err != nil {
			t.Fatalf("reading what was written: %v", err)
		}
		if again.Trials != set.Trials || len(again.Columns) != len(set.Columns) {
			t.Fatalf("read back %d trials × %d columns, wrote %d × %d", again.Trials, len(again.Columns), set.Trials, len(set.Columns))
		}
	})
}
