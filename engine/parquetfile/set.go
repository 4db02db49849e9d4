package parquetfile

import (
	"fmt"
	"io"

	"github.com/settle-sim/settle/engine/samples"
)

// Magic is the four bytes that start (and end) every Parquet file.
const Magic = "PAR1"

// ReadSet reads a Parquet samples file as engine/samples's Set, for
// settle compare: the same columns in the same order. The seed is known
// when the file records it (files written by Write do); a column without
// a section, from a file written elsewhere, is taken to be an output, and
// one without a unit has none. name is used in error messages.
func ReadSet(r io.ReaderAt, size int64, name string) (*samples.Set, error) {
	s, err := Read(r, size)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	set := &samples.Set{Header: samples.Header{SettleVersion: s.SettleVersion, Scenario: s.Scenario,
		SHA256: s.SHA256, Seed: s.Seed, Trials: s.Trials(), Provenance: s.Provenance}}
	// Write records the seed with the settle version; a file from
	// elsewhere has neither, and its columns no types beyond Parquet's.
	set.HasSeed = s.SettleVersion != ""
	set.Untyped = s.SettleVersion == ""
	for _, c := range s.Columns {
		section := c.Section
		if section == "" {
			section = samples.Output
		}
		set.Columns = append(set.Columns, &samples.Column{
			ColumnHeader: samples.ColumnHeader{Name: c.Name, Section: section, Type: c.Type, Unit: c.Unit},
			Values:       c.Values,
		})
	}
	return set, nil
}
