// Package csvfile reads CSV files as spreadsheets save them. Excel's
// "CSV UTF-8" starts the file with a byte order mark (EF BB BF), which
// encoding/csv keeps as part of the first heading, so that a column
// headed "ratio" was not found, with the puzzling hint "did you mean
// ratio?" (the mark being invisible). Every CSV file settle reads goes
// through NewReader.
package csvfile

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"io"
)

// BOM is the UTF-8 byte order mark.
const BOM = "\uFEFF"

// NewReader returns a csv.Reader of r with a leading byte order mark, if
// any, skipped.
func NewReader(r io.Reader) *csv.Reader {
	return csv.NewReader(SkipBOM(r))
}

// SkipBOM returns a reader of r without its leading byte order mark, if
// it has one.
func SkipBOM(r io.Reader) io.Reader {
	br, ok := r.(*bufio.Reader)
	if !ok {
		br = bufio.NewReader(r)
	}
	if head, _ := br.Peek(len(BOM)); bytes.Equal(head, []byte(BOM)) {
		br.Discard(len(BOM))
	}
	return br
}
