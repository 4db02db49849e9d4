package compare

import (
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
// (.json), a Parquet samples file (.parquet, or any file that starts with
// PAR1), settle's binary samples format (starting SETLSAMP), or samples
// as CSV (.csv). Errors name the file and say what it should be.
func ReadFile(path string) (*Side, error) {
	fh, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer fh.Close()
	st, err := fh.Stat()
	if err != nil {
		return nil, err
	}
	head := make([]byte, len(samples.Magic))
	n, _ := io.ReadFull(fh, head)
	head = head[:n]
	if _, err := fh.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	ext := strings.ToLower(filepath.Ext(path))
	switch {
	case ext == ".json":
		d, err := report.ReadJSON(fh)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(d.Outputs) == 0 {
			return nil, fmt.Errorf("%s: not a result document: it has no outputs; write one with settle run --format json -o FILE", path)
		}
		return FromDocument(path, d), nil
	case bytes.HasPrefix(head, []byte(parquetfile.Magic)) || ext == ".parquet":
		set, err := parquetfile.ReadSet(fh, st.Size(), path)
		if err != nil {
			return nil, fmt.Errorf("%w; write one with settle run --samples FILE.parquet", err)
		}
		return FromSamples(path, set), nil
	}
	set, err := samples.Read(fh, path)
	if err != nil {
		return nil, err
	}
	return FromSamples(path, set), nil
}
