package stats

import "math"

// ReplicateMeanSE returns the standard error of the mean of xs when
// value i comes from replicate i mod r of r independent randomisations
// of a design, each giving an unbiased estimate of the mean (randomised
// quasi-Monte Carlo, Latin hypercubes; Owen, Monte Carlo Theory, Methods
// and Examples, 2013, §17.2). With m_k values in replicate k, mean μ_k,
// weight w_k = m_k/n and μ = Σ w_k μ_k the mean of all n values,
//
//	se² = R/(R−1) · Σ w_k² (μ_k − μ)²
//
// over the R non-empty replicates, which for equal replicates is the
// familiar Σ (μ_k − μ)² / (R(R−1)). It is NaN with fewer than two
// non-empty replicates. The sums are compensated and taken in index
// order, so the result depends on xs alone.
func ReplicateMeanSE(xs []float64, r int) float64 {
	if r < 2 {
		return math.NaN()
	}
	sums := make([]Sum, r)
	for i, x := range xs {
		sums[i%r].Add(x)
	}
	means := make([]float64, r)
	weights := make([]float64, r)
	n := float64(len(xs))
	for k := range r {
		m := replicateCount(len(xs), r, k)
		if m > 0 {
			means[k] = sums[k].Value() / float64(m)
			weights[k] = float64(m) / n
		}
	}
	return ReplicateSE(means, weights)
}

// ReplicateSE returns the standard error of Σ w_k e_k, the weighted
// mean of independent unbiased estimates e_k with weights w_k that sum
// to 1: R/(R−1) · Σ w_k² (e_k − ē)², ē = Σ w_k e_k, over the R estimates
// of positive weight. Replicates of weight 0 are left out; with fewer
// than two left the result is NaN.
func ReplicateSE(estimates, weights []float64) float64 {
	var mean Sum
	k := 0
	for i, e := range estimates {
		if weights[i] > 0 {
			mean.Add(weights[i] * e)
			k++
		}
	}
	if k < 2 {
		return math.NaN()
	}
	m := mean.Value()
	var ss Sum
	for i, e := range estimates {
		if w := weights[i]; w > 0 {
			d := w * (e - m)
			ss.Add(d * d)
		}
	}
	return math.Sqrt(ss.Value() * float64(k) / float64(k-1))
}

// replicateCount is how many of indices 0 … n−1 are k mod r.
func replicateCount(n, r, k int) int {
	if n <= k {
		return 0
	}
	return (n - k + r - 1) / r
}
