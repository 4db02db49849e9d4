package parquetfile

import "github.com/settle-sim/settle/engine/samples"

// FromSet is the Parquet form of a run's samples as engine/samples
// gathers them (samples.FromResult): the same columns in the same order.
func FromSet(set *samples.Set) *Samples {
	s := &Samples{Meta: Meta{SettleVersion: set.SettleVersion, Scenario: set.Scenario, SHA256: set.SHA256, Seed: set.Seed,
		Provenance: set.Provenance}}
	for _, c := range set.Columns {
		s.Columns = append(s.Columns, Column{Name: c.Name, Section: c.Section, Type: c.Type, Unit: c.Unit, Values: c.Values})
	}
	return s
}
