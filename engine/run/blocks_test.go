package run

import "testing"

// TestShardsCoverEveryBlockOnce: for any trial count and shard count the
// shards are whole blocks, in order, each block once, their trials
// every trial once.
func TestShardsCoverEveryBlockOnce(t *testing.T) {
	for _, trials := range []int{1, 1023, 1024, 1025, 200_000, 4_194_304, 4_194_305, 10_000_000, 1_000_000_000} {
		nb := NumBlocks(trials)
		if nb > MaxBlocks || nb < 1 {
			t.Fatalf("%d trials: %d blocks", trials, nb)
		}
		if b := BlockSize(trials); b%Chunk != 0 || (nb-1)*b >= trials || nb*b < trials {
			t.Fatalf("%d trials: blocks of %d do not tile them in %d blocks", trials, b, nb)
		}
		for _, n := range []int{1, 2, 3, 4, 7, 64, nb} {
			if n > nb {
				continue
			}
			nextBlock, nextTrial := 0, 0
			for k := range n {
				s := Shard{K: k, N: n}
				if err := s.Check(trials); err != nil {
					t.Fatal(err)
				}
				first, last := s.Blocks(trials)
				start, end := s.Trials(trials)
				if first != nextBlock || start != nextTrial || last < first || end < start {
					t.Fatalf("%d trials, shard %s: blocks %d–%d trials %d–%d after %d, %d", trials, s, first, last, start, end, nextBlock, nextTrial)
				}
				nextBlock, nextTrial = last, end
			}
			if nextBlock != nb || nextTrial != trials {
				t.Fatalf("%d trials in %d shards: ended at block %d of %d, trial %d", trials, n, nextBlock, nb, nextTrial)
			}
		}
		if err := (Shard{K: 0, N: nb + 1}).Check(trials); err == nil {
			t.Errorf("%d trials: %d shards accepted for %d blocks", trials, nb+1, nb)
		}
	}
	for _, s := range []Shard{{K: -1, N: 2}, {K: 2, N: 2}, {K: 0, N: -3}} {
		if s.Check(100_000) == nil {
			t.Errorf("shard %s accepted", s)
		}
	}
}

// TestSlopesAffine: equal slopes to both probes in every block are
// affine, merged in any grouping; one trial off by more than 1e-9 is
// not.
func TestSlopesAffine(t *testing.T) {
	var a, b Slopes
	for i := range 10 {
		a.add(0.98, 0.98)
		if i == 7 {
			b.add(0.98, 0.98*(1+1e-12))
		} else {
			b.add(0.98, 0.98)
		}
	}
	a.Merge(b)
	if !a.Affine() || a.N != 20 || a.First != 0.98 {
		t.Fatalf("slopes %+v: want affine, 20 trials, first 0.98", a)
	}
	var c Slopes
	c.add(0.98, 0.98)
	c.add(0.98, 0.97)
	a.Merge(c)
	if a.Affine() {
		t.Errorf("a trial whose slope to the middle probe is 0.97 against 0.98 counted as affine")
	}
}
