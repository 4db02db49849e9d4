// Package samples reads and writes per-trial samples: the value every
// output and sampled input took in every trial of a run, in trial order,
// as `settle run --samples FILE` saves them for `settle compare` and
// other tools.
//
// # The binary format, version 1
//
// A samples file is columnar and little-endian throughout:
//
//	offset  size  content
//	0       8     magic "SETLSAMP"
//	8       4     format version, uint32 (1)
//	12      4     header length H in bytes, uint32
//	16      H     header: UTF-8 JSON (see Header), padded with spaces so
//	              that the data starts at a multiple of 8 bytes
//	16+H    8·N·C the C columns one after the other, each N float64
//	              values (IEEE 754, little-endian) in trial order
//
// N is the header's "trials" and C the number of its "columns". The file
// ends after the last column; a reader rejects a file of any other length.
// True/false values are stored as 0 and 1. Each column's header entry
// carries the CRC-32C (Castagnoli) of its bytes, so truncation or damage
// is detected rather than silently compared. Readers reject versions they
// do not know; fields added to the header in future versions of the same
// format version are ignored.
//
// A reader needs nothing but this description: in Python,
// numpy.frombuffer(data, "<f8", offset=16+H) reshaped to (C, N).
//
// # CSV
//
// Samples may also be written and read as CSV: a header row of column
// names, then one row per trial. CSV carries no units, seed or sections;
// every column read from CSV is taken to be an output.
package samples

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"path/filepath"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/csvfile"
	"github.com/settle-sim/settle/engine/report"
)

// Magic starts every binary samples file.
const Magic = "SETLSAMP"

// Version is the format version this package writes.
const Version = 1

// Sections of a column.
const (
	Output = "output"
	Input  = "input"
)

// Header describes a samples file.
type Header struct {
	SettleVersion string `json:"settle_version,omitempty"`
	Scenario      string `json:"scenario,omitempty"`
	SHA256        string `json:"sha256,omitempty"` // of the scenario file
	Seed          uint64 `json:"seed"`
	HasSeed       bool   `json:"-"` // false for CSV, which carries no seed
	Untyped       bool   `json:"-"` // true for CSV, which carries no units or types
	Trials        int    `json:"trials"`
	// Provenance is what made the run besides its scenario, seed and
	// trials: positions, views, settings, offer and sampler.
	Provenance report.Provenance `json:"provenance"`
	// Bits, when not 0, is the significant bits each value was rounded
	// to (Round), as a baseline's samples are.
	Bits    int            `json:"significant_bits,omitempty"`
	Columns []ColumnHeader `json:"columns"`
}

// ColumnHeader describes one column.
type ColumnHeader struct {
	Name    string `json:"name"`
	Section string `json:"section"`        // "output" or "input"
	Type    string `json:"type"`           // "number" or "bool"
	Unit    string `json:"unit,omitempty"` // the currency's code for money, "GBP"
	CRC32C  uint32 `json:"crc32c"`         // of the column's bytes as stored
}

// Column is one column of values.
type Column struct {
	ColumnHeader
	Values []float64 // one per trial, in trial order
}

// Set is a run's samples.
type Set struct {
	Header
	Columns []*Column
}

// Lookup returns the column called name in section ("" for any).
func (s *Set) Lookup(section, name string) *Column {
	for _, c := range s.Columns {
		if c.Name == name && (section == "" || c.Section == section) {
			return c
		}
	}
	return nil
}

// FromResult gathers a run's samples: every output, then every sampled
// input that is not also an output.
func FromResult(res *engine.Result) *Set {
	sc := res.Program.Scenario
	s := &Set{Header: Header{SettleVersion: engine.Version, Scenario: sc.Name, SHA256: sc.SHA256,
		Seed: res.Seed, HasSeed: true, Trials: res.Trials, Provenance: report.ProvenanceOf(res)}}
	seen := map[string]bool{}
	add := func(section string, cols []*engine.Column) {
		for _, c := range cols {
			if seen[c.Var.Name] {
				continue
			}
			seen[c.Var.Name] = true
			s.Columns = append(s.Columns, &Column{
				ColumnHeader: ColumnHeader{Name: c.Var.Name, Section: section, Type: c.Var.Type.String(), Unit: c.Var.Unit},
				Values:       c.Values,
			})
		}
	}
	add(Output, res.Outputs)
	add(Input, res.Inputs)
	return s
}

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// Write writes s in the binary format.
func Write(w io.Writer, s *Set) error {
	h := s.Header
	h.Columns = make([]ColumnHeader, len(s.Columns))
	buf := make([]byte, 0, 8*4096)
	for i, c := range s.Columns {
		if len(c.Values) != s.Trials {
			return fmt.Errorf("samples: column %s has %d values, want %d", c.Name, len(c.Values), s.Trials)
		}
		// The header is JSON, which would read an invalid name back as
		// another (U+FFFD for each bad byte).
		if !utf8.ValidString(c.Name) {
			return fmt.Errorf("samples: column name %q is not valid UTF-8", c.Name)
		}
		h.Columns[i] = c.ColumnHeader
		crc := uint32(0)
		for chunk := c.Values; len(chunk) > 0; {
			n := min(len(chunk), 4096)
			buf = encode(buf[:0], chunk[:n])
			crc = crc32.Update(crc, castagnoli, buf)
			chunk = chunk[n:]
		}
		h.Columns[i].CRC32C = crc
		c.CRC32C = crc
	}
	js, err := json.Marshal(h)
	if err != nil {
		return err
	}
	if pad := (16 + len(js)) % 8; pad != 0 {
		js = append(js, bytes.Repeat([]byte{' '}, 8-pad)...)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	var pre [16]byte
	copy(pre[:8], Magic)
	binary.LittleEndian.PutUint32(pre[8:], Version)
	binary.LittleEndian.PutUint32(pre[12:], uint32(len(js)))
	bw.Write(pre[:])
	bw.Write(js)
	for _, c := range s.Columns {
		for chunk := c.Values; len(chunk) > 0; {
			n := min(len(chunk), 4096)
			if _, err := bw.Write(encode(buf[:0], chunk[:n])); err != nil {
				return err
			}
			chunk = chunk[n:]
		}
	}
	return bw.Flush()
}

func encode(buf []byte, xs []float64) []byte {
	for _, x := range xs {
		buf = binary.LittleEndian.AppendUint64(buf, math.Float64bits(x))
	}
	return buf
}

// maxHeader bounds the header a reader accepts.
const maxHeader = 64 << 20

// Read reads a samples file in the binary format, or in CSV when name
// ends .csv and the data does not start with the magic. name is used in
// error messages.
func Read(r io.Reader, name string) (*Set, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head, err := br.Peek(len(Magic))
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if string(head) != Magic {
		if strings.EqualFold(filepath.Ext(name), ".csv") {
			return ReadCSV(br, name)
		}
		return nil, fmt.Errorf("%s: not a samples file: it does not start with %q; write one with settle run --samples FILE, or name a CSV file .csv", name, Magic)
	}
	return readBinary(br, name)
}

func readBinary(r io.Reader, name string) (*Set, error) {
	bad := func(format string, args ...any) error {
		return fmt.Errorf("%s: not a valid samples file: %s", name, fmt.Sprintf(format, args...))
	}
	var pre [16]byte
	if _, err := io.ReadFull(r, pre[:]); err != nil {
		return nil, bad("too short for its 16-byte preamble")
	}
	if v := binary.LittleEndian.Uint32(pre[8:]); v != Version {
		return nil, fmt.Errorf("%s: samples format version %d; this settle reads version %d, so write the file again with this settle or read it with a newer one", name, v, Version)
	}
	hlen := binary.LittleEndian.Uint32(pre[12:])
	if hlen > maxHeader || (16+hlen)%8 != 0 {
		return nil, bad("header length %d", hlen)
	}
	// Read as much of the header as there is, rather than allocate the
	// length it claims.
	js, err := io.ReadAll(io.LimitReader(r, int64(hlen)))
	if err != nil || len(js) != int(hlen) {
		return nil, bad("header cut short")
	}
	var h Header
	dec := json.NewDecoder(bytes.NewReader(js))
	if err := dec.Decode(&h); err != nil {
		return nil, bad("header: %v", err)
	}
	h.HasSeed = true
	if h.Trials < 0 || h.Trials > 1<<31 {
		return nil, bad("trials %d", h.Trials)
	}
	s := &Set{Header: h}
	seen := map[string]bool{}
	buf := make([]byte, 8*4096)
	for _, ch := range h.Columns {
		if ch.Name == "" || seen[ch.Name] {
			return nil, bad("column name %q is empty or repeated", ch.Name)
		}
		seen[ch.Name] = true
		// The header's trial count is only a claim until the data bears
		// it out: memory grows with the values read, not with the claim.
		c := &Column{ColumnHeader: ch, Values: make([]float64, 0, min(h.Trials, 1<<16))}
		crc := uint32(0)
		for left := h.Trials; left > 0; {
			n := min(left, 4096)
			b := buf[:8*n]
			if _, err := io.ReadFull(r, b); err != nil {
				return nil, bad("column %s cut short: want %d values", ch.Name, h.Trials)
			}
			crc = crc32.Update(crc, castagnoli, b)
			for i := 0; i < n; i++ {
				c.Values = append(c.Values, math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:])))
			}
			left -= n
		}
		if crc != ch.CRC32C {
			return nil, bad("column %s is damaged: its checksum does not match", ch.Name)
		}
		s.Columns = append(s.Columns, c)
	}
	if n, _ := io.Copy(io.Discard, io.LimitReader(r, 1)); n != 0 {
		return nil, bad("data after the last column")
	}
	return s, nil
}

// WriteCSV writes s as CSV: a header of column names, then a row per
// trial. Numbers are written in the shortest form that reads back exactly.
func WriteCSV(w io.Writer, s *Set) error {
	cw := csv.NewWriter(w)
	row := make([]string, len(s.Columns))
	for i, c := range s.Columns {
		row[i] = c.Name
	}
	cw.Write(row)
	buf := make([]byte, 0, 32)
	for t := 0; t < s.Trials; t++ {
		for i, c := range s.Columns {
			buf = strconv.AppendFloat(buf[:0], c.Values[t], 'g', -1, 64)
			row[i] = string(buf)
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// ReadCSV reads samples written as CSV: a header row of column names and
// a row of numbers per trial (true and false are read as 1 and 0).
// Errors name the file, line and column.
func ReadCSV(r io.Reader, name string) (*Set, error) {
	cr := csvfile.NewReader(r)
	cr.ReuseRecord = true
	head, err := cr.Read()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty; a samples file starts with %q or is CSV with a header row of column names", name, Magic)
		}
		return nil, csvErr(name, err)
	}
	s := &Set{Header: Header{Untyped: true}}
	seen := map[string]bool{}
	for i, h := range head {
		h = strings.TrimSpace(h)
		if !utf8.ValidString(h) {
			return nil, fmt.Errorf("%s:1:%d: column name %q is not valid UTF-8; save the file as UTF-8", name, i+1, h)
		}
		if h == "" || seen[h] {
			return nil, fmt.Errorf("%s:1:%d: column name %q is empty or repeated", name, i+1, h)
		}
		seen[h] = true
		s.Columns = append(s.Columns, &Column{ColumnHeader: ColumnHeader{Name: h, Section: Output, Type: "number"}})
	}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, csvErr(name, err)
		}
		line, _ := cr.FieldPos(0)
		for i, f := range rec {
			f = strings.TrimSpace(f)
			var x float64
			switch f {
			case "true", "TRUE", "True":
				x = 1
			case "false", "FALSE", "False":
				x = 0
			default:
				x, err = strconv.ParseFloat(f, 64)
				if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
					_, col := cr.FieldPos(i)
					return nil, fmt.Errorf("%s:%d:%d: %s: %q is not a finite number", name, line, col, s.Columns[i].Name, f)
				}
			}
			s.Columns[i].Values = append(s.Columns[i].Values, x)
		}
	}
	if len(s.Columns) > 0 {
		s.Trials = len(s.Columns[0].Values)
	}
	if s.Trials == 0 {
		return nil, fmt.Errorf("%s: no rows of samples under the header", name)
	}
	return s, nil
}

func csvErr(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d:%d: %v", name, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s: %w", name, err)
}

// Round returns x rounded to bits significant bits (1 to 53), to the
// nearest, ties to even: what a baseline keeps of each trial's value
// (BaselineBits). Values of 0, infinities and NaN are unchanged, as are
// values with no more than bits significant bits, such as whole numbers
// and true/false; the relative error is at most 2^−bits.
func Round(x float64, bits int) float64 {
	if bits <= 0 || bits >= 53 || x == 0 || math.IsInf(x, 0) || math.IsNaN(x) {
		return x
	}
	b := math.Float64bits(x)
	drop := uint(52 - (bits - 1)) // low mantissa bits to clear
	half := uint64(1) << (drop - 1)
	mask := uint64(1)<<drop - 1
	low := b & mask
	b &^= mask
	if low > half || low == half && b&(mask+1) != 0 {
		b += mask + 1 // carries into the exponent where it must
	}
	return math.Float64frombits(b)
}

// BaselineBits is the significant bits settle test keeps of each trial's
// value in a baseline: a relative error of at most 2^−16 (£1,500 in
// £100m), far below any change a policy gates; both sides of a paired
// test are rounded alike, so an unchanged trial differs by exactly 0.
const BaselineBits = 16
