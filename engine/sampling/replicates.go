package sampling

import "strconv"

// Replicates is the number of independent randomisations a Latin
// hypercube or Sobol' run is made of, so that its error can be
// estimated from the spread of their means (Owen, Monte Carlo Theory,
// Methods and Examples, 2013, §17.2, randomised quasi-Monte Carlo; for
// Latin hypercubes, Stein 1987 and Owen 1992).
//
// Trial i is point i div Replicates of replicate i mod Replicates:
//   - under Sobol' sampling each replicate is the same sequence under its
//     own independent Owen scramble, so the first n trials of a longer
//     run are still the run of n trials;
//   - under Latin hypercube sampling each replicate is a Latin hypercube
//     of its own (of ⌈(n−r)/Replicates⌉ points for replicate r), with its
//     own permutations.
//
// Each replicate's mean is then an unbiased estimate of the mean, the
// replicates are independent, and the standard error of the overall
// mean is their spread over √Replicates (stats.ReplicateMeanSE).
//
// Why 64: the estimate has 63 degrees of freedom, so mean ± 1.96 se
// covers the truth in 94.6% of runs when the replicates' means are
// normal. They are not quite: a Sobol' replicate's error on an output
// with an unbounded input (a normal or lognormal drawn by its inverse
// CDF) is dominated by its few points nearest 0 and 1, which makes the
// replicates' means heavy-tailed and the interval too short. Measured
// on such an output (TestReplicateCoverageLong) the interval covered
// the truth in 90% of runs with 16 replicates, 92% with 32, 93.5% with
// 64 and 94% with 128; on bounded smooth outputs and on steps, 94–95%
// from 32 replicates on. More replicates cost precision (each has fewer
// points, and scrambled Sobol' gains more the more points it has), so
// 64 is the fewest that keep the interval within 93–97% everywhere we
// measured. A power of two, so that a Sobol' run of 2^k trials is 2^(k−6)
// points of each replicate, where the sequence is best balanced.
const Replicates = 64

// SEMethod says, in result documents and tables, how the standard error
// of a mean is estimated under m.
func SEMethod(m Method) string {
	if m == Random {
		return ""
	}
	return strconv.Itoa(Replicates) + " randomised replicates"
}

// Replicate returns the replicate trial belongs to and its index in it.
func Replicate(trial uint64) (r, j uint64) {
	return trial % Replicates, trial / Replicates
}

// ReplicateSize returns how many of n trials belong to replicate r.
func ReplicateSize(r, n uint64) uint64 {
	if n <= r {
		return 0
	}
	return (n - r + Replicates - 1) / Replicates
}

// ReplicateKey derives replicate r's key of a draw site's design from
// the site's key: independent scrambles and permutations.
func ReplicateKey(key, r uint64) uint64 {
	return mix(key ^ mix(r+0x2545f4914f6cdd1d))
}
