package baseline

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"strings"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/compare"
	"github.com/settle-sim/settle/engine/samples"
)

// KeptTrials is how many of a run's trials a baseline keeps per output,
// the first ones, for the paired tests: enough to estimate the spread of
// the per-trial differences, on which the paired test's standard error
// rests (that of the change in the mean of every trial, sd/√N), to
// within about 1%.
const KeptTrials = 20_000

// TrialsPath is where the kept trials of the baseline at path (a .json
// file) are: beside it, NAME.trials.gz.
func TrialsPath(baselinePath string) string {
	return strings.TrimSuffix(baselinePath, ".json") + ".trials.gz"
}

// KeptSet is what a baseline keeps of a run's trials: the first
// KeptTrials values of every output, each rounded to
// samples.BaselineBits significant bits, as a samples set whose Trials
// is the number kept.
func KeptSet(res *engine.Result) *samples.Set {
	full := samples.FromResult(res)
	n := min(KeptTrials, res.Trials)
	kept := &samples.Set{Header: full.Header}
	kept.Trials, kept.Bits = n, samples.BaselineBits
	for _, c := range full.Columns {
		if c.Section != samples.Output {
			continue
		}
		vs := make([]float64, n)
		for i := range vs {
			vs[i] = samples.Round(c.Values[i], samples.BaselineBits)
		}
		kept.Columns = append(kept.Columns, &samples.Column{ColumnHeader: c.ColumnHeader, Values: vs})
	}
	return kept
}

// TrialsMagic starts a baseline's kept trials, once decompressed.
const TrialsMagic = "SETLKEPT"

// trialsHeader describes kept trials: what a samples file's header says
// (engine/samples), the number kept, and the significant bits each value
// was rounded to.
type trialsHeader struct {
	SettleVersion string                 `json:"settle_version"`
	Scenario      string                 `json:"scenario"`
	SHA256        string                 `json:"sha256"`
	Seed          uint64                 `json:"seed"`
	Kept          int                    `json:"kept"` // trials kept, the first of the run
	Bits          int                    `json:"significant_bits"`
	Columns       []samples.ColumnHeader `json:"columns"`
}

// encodeTrials writes set as a baseline keeps trials: gzip (best
// compression, no name or time, so the same trials give the same bytes)
// of the magic SETLKEPT, a uint32 little-endian header length H, H bytes
// of JSON header (trialsHeader), then for each column its values as
// float64 bit patterns in byte planes: the most significant byte of
// every value in trial order, then the next, down to the least
// significant. Rounded values leave the low planes zero and the sign and
// exponent plane nearly constant, so they compress to about 2.2 bytes a
// value. In NumPy: planes = frombuffer(data, uint8, offset=12+H)
// .reshape(columns, 8, kept); values = planes[:, ::-1, :] transposed to
// (columns, kept, 8), made contiguous and viewed as '<f8'.
func encodeTrials(set *samples.Set) ([]byte, error) {
	h := trialsHeader{SettleVersion: set.SettleVersion, Scenario: set.Scenario, SHA256: set.SHA256, Seed: set.Seed,
		Kept: set.Trials, Bits: set.Bits}
	for _, c := range set.Columns {
		h.Columns = append(h.Columns, samples.ColumnHeader{Name: c.Name, Section: c.Section, Type: c.Type, Unit: c.Unit})
	}
	js, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	zw, err := gzip.NewWriterLevel(&b, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	zw.Write([]byte(TrialsMagic))
	zw.Write(binary.LittleEndian.AppendUint32(nil, uint32(len(js))))
	zw.Write(js)
	plane := make([]byte, set.Trials)
	for _, c := range set.Columns {
		for k := 7; k >= 0; k-- {
			for i, x := range c.Values {
				plane[i] = byte(math.Float64bits(x) >> (8 * k))
			}
			if _, err := zw.Write(plane); err != nil {
				return nil, err
			}
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// decodeTrials reads what encodeTrials wrote; name is for messages.
func decodeTrials(r io.Reader, name string) (*samples.Set, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: not a baseline's kept trials: %s; run settle test --update", name, fmt.Sprintf(format, args...))
	}
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, bad("%v", err)
	}
	data, err := io.ReadAll(io.LimitReader(zr, 1<<31))
	if err != nil {
		return nil, bad("%v", err)
	}
	if len(data) < 12 || string(data[:8]) != TrialsMagic {
		return nil, bad("it does not start with %s", TrialsMagic)
	}
	hlen := int(binary.LittleEndian.Uint32(data[8:]))
	if hlen > len(data)-12 {
		return nil, bad("header cut short")
	}
	var h trialsHeader
	if err := json.Unmarshal(data[12:12+hlen], &h); err != nil {
		return nil, bad("header: %v", err)
	}
	body := data[12+hlen:]
	if h.Kept < 0 || len(body) != 8*h.Kept*len(h.Columns) {
		return nil, bad("%d bytes of values for %d columns of %d trials", len(body), len(h.Columns), h.Kept)
	}
	set := &samples.Set{Header: samples.Header{SettleVersion: h.SettleVersion, Scenario: h.Scenario, SHA256: h.SHA256,
		Seed: h.Seed, HasSeed: true, Trials: h.Kept, Bits: h.Bits}}
	for ci, ch := range h.Columns {
		vs := make([]uint64, h.Kept)
		for k := 7; k >= 0; k-- {
			plane := body[(ci*8+7-k)*h.Kept : (ci*8+8-k)*h.Kept]
			for i, b := range plane {
				vs[i] |= uint64(b) << (8 * k)
			}
		}
		c := &samples.Column{ColumnHeader: ch, Values: make([]float64, h.Kept)}
		for i, v := range vs {
			c.Values[i] = math.Float64frombits(v)
		}
		set.Columns = append(set.Columns, c)
	}
	return set, nil
}

// readTrials reads the kept trials at path; nil and no error when there
// are none.
func readTrials(path string) (*samples.Set, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return decodeTrials(f, path)
}

// sameTrials reports whether the file at path holds the trials enc does
// (decompressed, so that another compressor's bytes for the same trials
// count as the same).
func sameTrials(path string, enc []byte) bool {
	raw := func(r io.Reader) []byte {
		zr, err := gzip.NewReader(r)
		if err != nil {
			return nil
		}
		b, err := io.ReadAll(zr)
		if err != nil {
			return nil
		}
		return b
	}
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	a, b := raw(f), raw(bytes.NewReader(enc))
	return a != nil && bytes.Equal(a, b)
}

// withTrials adds a baseline's kept trials to its side, for the paired
// tests, when they are of the same run (seed and trial count) as its
// document; it says why not otherwise.
func withTrials(side *compare.Side, set *samples.Set) string {
	switch {
	case set == nil:
		return "the baseline keeps no trials (run settle test --update to keep them): means compared with Welch's test"
	case !set.HasSeed || set.Seed != side.Seed || set.Trials > side.Trials:
		return "the baseline's kept trials are not of its document's run (seed or trials differ): run settle test --update"
	}
	side.Samples = map[string][]float64{}
	for _, c := range set.Columns {
		if c.Section == samples.Output {
			side.Samples[c.Name] = c.Values
		}
	}
	side.Bits, side.Sampled = set.Bits, true
	return ""
}
