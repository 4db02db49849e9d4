// Package parquetfile writes a run's per-trial samples as an Apache
// Parquet file, for pandas, Polars, DuckDB and Arrow, and reads them
// back. It uses github.com/parquet-go/parquet-go.
//
// The file has one row per trial, in trial order, and these columns in
// this order:
//
//	trial   INT64, the trial's index from 0
//	NAME    DOUBLE for a number, BOOLEAN for a true/false value
//
// one for each output and then each sampled input that is not also an
// output, every column required (no nulls). Money is in the scenario's
// currency, which the column's unit names. The file's key-value
// metadata records settle's version, the scenario's name and sha256,
// the seed, under "settle.provenance" what else the run was made under
// (positions, views, --set, offer, sampler; see report.Provenance) and,
// under "settle.columns", each column's section ("output" or "input"),
// type and unit, both as JSON. Data pages are
// compressed with Snappy, which every Parquet reader supports, and carry
// min/max statistics; row groups hold RowGroupSize trials.
package parquetfile

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding"

	"github.com/settle-sim/settle/engine/report"
)

// Column is one column of samples.
type Column struct {
	Name    string    `json:"name"`
	Section string    `json:"section,omitempty"` // "output" or "input"
	Type    string    `json:"type"`              // "number" or "bool"
	Unit    string    `json:"unit,omitempty"`    // the currency's code for money, "GBP"
	Values  []float64 `json:"-"`                 // one per trial; true/false as 1/0
}

// Meta describes the run the samples come from.
type Meta struct {
	SettleVersion string
	Scenario      string
	SHA256        string
	Seed          uint64
	Provenance    report.Provenance
}

// Samples are a run's samples: its description and its columns, all of
// the same length.
type Samples struct {
	Meta
	Columns []Column
}

// Trials is the number of rows.
func (s *Samples) Trials() int {
	if len(s.Columns) == 0 {
		return 0
	}
	return len(s.Columns[0].Values)
}

// TrialColumn is the name of the column of trial indexes.
const TrialColumn = "trial"

// RowGroupSize is the number of trials in a row group (the last may
// hold fewer).
const RowGroupSize = 1 << 17

// Metadata keys.
const (
	keyVersion  = "settle.version"
	keyScenario = "settle.scenario"
	keySHA256   = "settle.sha256"
	keySeed     = "settle.seed"
	keyColumns  = "settle.columns"
	keyProv     = "settle.provenance"
)

// Write writes s to w as a Parquet file.
func Write(w io.Writer, s *Samples) error {
	n := s.Trials()
	seen := map[string]bool{TrialColumn: true}
	fields := []field{{name: TrialColumn, node: parquet.Leaf(parquet.Int64Type)}}
	for _, c := range s.Columns {
		if len(c.Values) != n {
			return fmt.Errorf("parquet: column %s has %d values, want %d", c.Name, len(c.Values), n)
		}
		if c.Name == "" || seen[c.Name] {
			return fmt.Errorf("parquet: column name %q is empty or used twice (%q is reserved for the trial index)", c.Name, TrialColumn)
		}
		seen[c.Name] = true
		typ := parquet.DoubleType
		if c.Type == "bool" {
			typ = parquet.BooleanType
		}
		fields = append(fields, field{name: c.Name, node: parquet.Leaf(typ)})
	}
	cols, err := json.Marshal(s.Columns)
	if err != nil {
		return err
	}
	prov, err := json.Marshal(s.Provenance)
	if err != nil {
		return err
	}
	schema := parquet.NewSchema("settle_samples", group(fields))
	pw := parquet.NewGenericWriter[any](w, schema,
		parquet.Compression(&parquet.Snappy),
		parquet.CreatedBy("settle", s.SettleVersion, ""),
		parquet.MaxRowsPerRowGroup(RowGroupSize),
		parquet.KeyValueMetadata(keyVersion, s.SettleVersion),
		parquet.KeyValueMetadata(keyScenario, s.Scenario),
		parquet.KeyValueMetadata(keySHA256, s.SHA256),
		parquet.KeyValueMetadata(keySeed, strconv.FormatUint(s.Seed, 10)),
		parquet.KeyValueMetadata(keyColumns, string(cols)),
		parquet.KeyValueMetadata(keyProv, string(prov)),
	)
	writers := pw.ColumnWriters()
	const batch = 4096
	buf := make([]parquet.Value, batch)
	for start := 0; start < n; start += RowGroupSize {
		end := min(start+RowGroupSize, n)
		for ci := range fields {
			for b := start; b < end; b += batch {
				vs := buf[:min(batch, end-b)]
				switch {
				case ci == 0:
					for i := range vs {
						vs[i] = parquet.Int64Value(int64(b+i)).Level(0, 0, ci)
					}
				case s.Columns[ci-1].Type == "bool":
					xs := s.Columns[ci-1].Values[b:]
					for i := range vs {
						vs[i] = parquet.BooleanValue(xs[i] != 0).Level(0, 0, ci)
					}
				default:
					xs := s.Columns[ci-1].Values[b:]
					for i := range vs {
						vs[i] = parquet.DoubleValue(xs[i]).Level(0, 0, ci)
					}
				}
				if _, err := writers[ci].WriteRowValues(vs); err != nil {
					return fmt.Errorf("parquet: %w", err)
				}
			}
		}
		if err := pw.Flush(); err != nil {
			return fmt.Errorf("parquet: %w", err)
		}
	}
	if err := pw.Close(); err != nil {
		return fmt.Errorf("parquet: %w", err)
	}
	return nil
}

// Read reads samples written by Write from r, size bytes long. The
// trial column is checked (0, 1, 2, …) and left out of the result.
// Files from elsewhere are read too if every column is a required
// DOUBLE, FLOAT, INT32, INT64 or BOOLEAN; columns then have no section
// or unit.
func Read(r io.ReaderAt, size int64) (*Samples, error) {
	f, err := parquet.OpenFile(r, size)
	if err != nil {
		return nil, fmt.Errorf("parquet: %w", err)
	}
	s := &Samples{}
	s.SettleVersion, _ = f.Lookup(keyVersion)
	s.Scenario, _ = f.Lookup(keyScenario)
	s.SHA256, _ = f.Lookup(keySHA256)
	if v, ok := f.Lookup(keySeed); ok {
		if s.Seed, err = strconv.ParseUint(v, 10, 64); err != nil {
			return nil, fmt.Errorf("parquet: metadata %s %q is not a seed", keySeed, v)
		}
	}
	if v, ok := f.Lookup(keyProv); ok {
		if err := json.Unmarshal([]byte(v), &s.Provenance); err != nil {
			return nil, fmt.Errorf("parquet: metadata %s: %w", keyProv, err)
		}
	}
	byName := map[string]Column{}
	if v, ok := f.Lookup(keyColumns); ok {
		var cols []Column
		if err := json.Unmarshal([]byte(v), &cols); err != nil {
			return nil, fmt.Errorf("parquet: metadata %s: %w", keyColumns, err)
		}
		for _, c := range cols {
			byName[c.Name] = c
		}
	}
	leaves := f.Schema().Fields()
	n := int(f.NumRows())
	cols := make([]Column, len(leaves))
	for i, l := range leaves {
		if !l.Leaf() || !l.Required() {
			return nil, fmt.Errorf("parquet: column %s is not a required number or true/false column", l.Name())
		}
		c := byName[l.Name()]
		c.Name = l.Name()
		switch l.Type().Kind() {
		case parquet.Boolean:
			c.Type = "bool"
		case parquet.Double, parquet.Float, parquet.Int32, parquet.Int64:
			c.Type = "number"
		default:
			return nil, fmt.Errorf("parquet: column %s has type %s; want numbers or true/false values", l.Name(), l.Type())
		}
		c.Values = make([]float64, 0, n)
		cols[i] = c
	}
	vals := make([]parquet.Value, 4096)
	for _, rg := range f.RowGroups() {
		for ci, cc := range rg.ColumnChunks() {
			pages := cc.Pages()
			for {
				p, err := pages.ReadPage()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					pages.Close()
					return nil, fmt.Errorf("parquet: column %s: %w", cols[ci].Name, err)
				}
				vr := p.Values()
				for {
					k, err := vr.ReadValues(vals)
					for _, v := range vals[:k] {
						cols[ci].Values = append(cols[ci].Values, number(v))
					}
					if errors.Is(err, io.EOF) {
						break
					}
					if err != nil {
						pages.Close()
						return nil, fmt.Errorf("parquet: column %s: %w", cols[ci].Name, err)
					}
				}
				parquet.Release(p)
			}
			pages.Close()
		}
	}
	for _, c := range cols {
		if len(c.Values) != n {
			return nil, fmt.Errorf("parquet: column %s has %d values, want %d", c.Name, len(c.Values), n)
		}
	}
	if len(cols) > 0 && cols[0].Name == TrialColumn {
		for i, x := range cols[0].Values {
			if x != float64(i) {
				return nil, fmt.Errorf("parquet: row %d has trial %v; rows are not in trial order", i, x)
			}
		}
		cols = cols[1:]
	}
	s.Columns = cols
	return s, nil
}

func number(v parquet.Value) float64 {
	switch v.Kind() {
	case parquet.Boolean:
		if v.Boolean() {
			return 1
		}
		return 0
	case parquet.Int32:
		return float64(v.Int32())
	case parquet.Int64:
		return float64(v.Int64())
	case parquet.Float:
		return float64(v.Float())
	}
	return v.Double()
}

// group is a Parquet group node whose fields keep the order given;
// parquet.Group sorts them by name.
type group []field

type field struct {
	name string
	node parquet.Node
}

func (f *field) ID() int                                { return 0 }
func (f *field) String() string                         { return f.node.String() }
func (f *field) Type() parquet.Type                     { return f.node.Type() }
func (f *field) Optional() bool                         { return false }
func (f *field) Repeated() bool                         { return false }
func (f *field) Required() bool                         { return true }
func (f *field) Leaf() bool                             { return true }
func (f *field) Fields() []parquet.Field                { return nil }
func (f *field) Encoding() encoding.Encoding            { return f.node.Encoding() }
func (f *field) Compression() compress.Codec            { return f.node.Compression() }
func (f *field) GoType() reflect.Type                   { return f.node.GoType() }
func (f *field) Name() string                           { return f.name }
func (f *field) Value(base reflect.Value) reflect.Value { return reflect.Value{} }

func (g group) ID() int                     { return 0 }
func (g group) String() string              { return "group" }
func (g group) Type() parquet.Type          { return parquet.Group{}.Type() }
func (g group) Optional() bool              { return false }
func (g group) Repeated() bool              { return false }
func (g group) Required() bool              { return true }
func (g group) Leaf() bool                  { return false }
func (g group) Encoding() encoding.Encoding { return nil }
func (g group) Compression() compress.Codec { return nil }
func (g group) GoType() reflect.Type        { return reflect.TypeFor[map[string]any]() }
func (g group) Fields() []parquet.Field {
	fs := make([]parquet.Field, len(g))
	for i := range g {
		fs[i] = &g[i]
	}
	return fs
}
