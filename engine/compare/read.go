package compare

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/settle-sim/settle/engine/parquetfile"
	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/engine/samples"
)

// ReadFile reads one side of a comparison from a file: a result document
// (.json) or a samples file of any kind settle run writes (see
// ReadSamples). Errors name the file and say what it should be.
func ReadFile(path string) (*Side, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	if strings.EqualFold(filepath.Ext(path), ".json") {
		d, err := report.ReadJSON(fh)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(d.Outputs) == 0 {
			return nil, fmt.Errorf("%s: not a result document: it has no outputs; write one with settle run --format json -o FILE", path)
		}
		return FromDocument(path, d), nil
	}
	return ReadSamples(fh, path)
}

// ReadSamples reads the side of a samples file named name from r: a
// Parquet file (name ending .parquet, or data starting PAR1), settle's
// binary samples format (starting SETLSAMP), or CSV (name ending .csv).
// A Parquet file is read in place when r is a regular file, else into
// memory first (Parquet is read from its end).
func ReadSamples(r io.Reader, name string) (*Side, error) {
	br := bufio.NewReader(r)
	head, _ := br.Peek(len(parquetfile.Magic))
	if !bytes.Equal(head, []byte(parquetfile.Magic)) && !strings.EqualFold(filepath.Ext(name), ".parquet") {
		set, err := samples.Read(br, name)
		if err != nil {
			return nil, err
		}
		return FromSamples(name, set), nil
	}
	var ra io.ReaderAt
	var size int64
	if f, ok := r.(*os.File); ok && br.Buffered() == len(head) {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			ra, size = f, fi.Size()
		}
	}
	if ra == nil {
		data, err := io.ReadAll(br)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		ra, size = bytes.NewReader(data), int64(len(data))
	}
	set, err := parquetfile.ReadSet(ra, size, name)
	if err != nil {
		return nil, fmt.Errorf("%w; write one with settle run --samples FILE.parquet", err)
	}
	return FromSamples(name, set), nil
}
