package rng

// Seed returns the seed of the stream's last Reset, so that a draw can
// move the stream to another trial of the same run and back.
func (s *Stream) Seed() uint64 { return s.seed }
