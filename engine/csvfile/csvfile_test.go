package csvfile

import (
	"bufio"
	"slices"
	"strings"
	"testing"
)

func TestNewReader(t *testing.T) {
	for _, in := range []string{
		"ratio,award\n0.5,1\n",
		BOM + "ratio,award\n0.5,1\n",
		BOM + "\"ratio\",award\r\n0.5,1\r\n",
	} {
		for _, r := range []interface{ Read([]byte) (int, error) }{strings.NewReader(in), bufio.NewReaderSize(strings.NewReader(in), 16)} {
			rows, err := NewReader(r).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(rows[0], []string{"ratio", "award"}) || !slices.Equal(rows[1], []string{"0.5", "1"}) {
				t.Errorf("%q: read %q", in, rows)
			}
		}
	}
	// Only a leading mark is skipped; one elsewhere is data.
	rows, err := NewReader(strings.NewReader("a\n" + BOM + "b\n")).ReadAll()
	if err != nil || rows[1][0] != BOM+"b" {
		t.Errorf("read %q, %v", rows, err)
	}
	// Short input.
	if rows, err := NewReader(strings.NewReader("\xef")).ReadAll(); err != nil || len(rows) != 1 || rows[0][0] != "\xef" {
		t.Errorf("read %q, %v", rows, err)
	}
}
