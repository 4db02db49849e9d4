package run

import "fmt"

// MaxBlocks bounds the blocks a run's trials are cut into.
const MaxBlocks = 4096

// BlockSize is the trials of each block of a run of trials trials (the
// last may be shorter): a whole number of chunks, at most MaxBlocks
// blocks. Blocks depend on the trial count alone. A block is evaluated
// in trial order by one worker, and what it gathers is merged with the
// other blocks' in block order, so that a run gives the same bits
// whether its blocks ran on one worker, many, or in several processes.
func BlockSize(trials int) int {
	per := (trials + MaxBlocks - 1) / MaxBlocks
	return max(Chunk, (per+Chunk-1)/Chunk*Chunk)
}

// NumBlocks is the number of blocks of a run of trials trials.
func NumBlocks(trials int) int {
	b := BlockSize(trials)
	return (trials + b - 1) / b
}

// Shard is part K of N of a run's trials: blocks K·B/N up to (K+1)·B/N
// of its B blocks, so that the shards of a run are whole blocks, in
// order, and together every block once. The zero value is the whole
// run.
type Shard struct{ K, N int }

// Whole reports whether s is the whole run.
func (s Shard) Whole() bool { return s.N <= 1 }

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.K, s.N) }

// Check reports whether s is a shard of a run of trials trials.
func (s Shard) Check(trials int) error {
	if s.N == 0 && s.K == 0 {
		return nil
	}
	if s.N < 1 || s.K < 0 || s.K >= s.N {
		return fmt.Errorf("shard %d/%d: want K/N with 0 ≤ K < N, such as 0/4 … 3/4", s.K, s.N)
	}
	if nb := NumBlocks(trials); s.N > nb {
		return fmt.Errorf("shard %d/%d: %d trials are %d blocks of %d trials, so at most %d shards", s.K, s.N, trials, nb, BlockSize(trials), nb)
	}
	return nil
}

// Blocks returns the shard's first block and the block after its last.
func (s Shard) Blocks(trials int) (first, end int) {
	nb := NumBlocks(trials)
	if s.Whole() {
		return 0, nb
	}
	return s.K * nb / s.N, (s.K + 1) * nb / s.N
}

// Trials returns the shard's first trial and the trial after its last.
func (s Shard) Trials(trials int) (start, end int) {
	first, last := s.Blocks(trials)
	b := BlockSize(trials)
	return min(first*b, trials), min(last*b, trials)
}
