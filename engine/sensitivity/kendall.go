package sensitivity

import (
	"math"
	"slices"
)

// Kendall returns Kendall's tau-b of xs and ys and its standard error,
// in O(n log n) time.
//
// For each point i, c_i counts its concordant partners (both
// coordinates larger, or both smaller) less its discordant ones (one
// larger, the other smaller); pairs tied in either coordinate count
// neither. Then
//
//	tau_b = Σc_i/2 / √((n₀ − n₁)(n₀ − n₂)),
//
// n₀ = n(n−1)/2 and n₁, n₂ the pairs tied in x and in y (Kendall, Rank
// Correlation Methods, 1970; the counting by a Fenwick tree over the
// ranks of y as in Knight, J. Am. Stat. Assoc. 61, 1966). The standard
// error is that of the U-statistic tau_a by its first-order (Hoeffding)
// projection, Var ≈ (4/n) Var(c_i/(n−1)), scaled as tau_b is; it is that
// of independent draws (under a Latin hypercube or Sobol' design the
// actual error is usually smaller). tau is NaN when either column is
// constant.
func Kendall(xs, ys []float64) (tau, se float64) {
	n := len(xs)
	if n < 2 {
		return math.NaN(), math.NaN()
	}
	ry := denseRanks(ys)
	idx := order(xs)
	maxRank := 0
	for _, r := range ry {
		maxRank = max(maxRank, int(r))
	}
	c := make([]float64, n)
	tree := make([]int32, maxRank+2)
	// x ascending: partners with a smaller x, y below (concordant) or
	// above (discordant).
	sweep(idx, xs, ry, tree, c, 1)
	clear(tree)
	// x descending: partners with a larger x, y above (concordant) or
	// below (discordant).
	slices.Reverse(idx)
	sweep(idx, xs, ry, tree, c, -1)

	var sum, sum2 float64
	for _, ci := range c {
		sum += ci
	}
	mean := sum / float64(n)
	for _, ci := range c {
		d := ci - mean
		sum2 += d * d
	}
	nf := float64(n)
	n0 := nf * (nf - 1) / 2
	n1, n2 := tiedPairs(xs), tiedPairs(ys)
	den := math.Sqrt((n0 - n1) * (n0 - n2))
	if den == 0 {
		return math.NaN(), math.NaN()
	}
	tau = sum / 2 / den
	varH1 := sum2 / (nf - 1) / ((nf - 1) * (nf - 1)) // variance of c_i/(n−1)
	seA := math.Sqrt(4 / nf * varH1)
	return tau, seA * n0 / den
}

// sweep adds to c[i], for the points in the order of idx (x ascending
// for dir 1, descending for −1), the partners seen before it with a
// strictly smaller (larger) x: +1 for each whose y is on the same side,
// −1 for each on the other.
func sweep(idx []int32, xs []float64, ry []int32, tree []int32, c []float64, dir int) {
	seen := 0
	for g := 0; g < len(idx); {
		h := g + 1
		for h < len(idx) && xs[idx[h]] == xs[idx[g]] {
			h++
		}
		for _, i := range idx[g:h] {
			r := int(ry[i])
			below := fenwickSum(tree, r-1)
			above := seen - fenwickSum(tree, r)
			if dir > 0 {
				c[i] += float64(below - above)
			} else {
				c[i] += float64(above - below)
			}
		}
		for _, i := range idx[g:h] {
			fenwickAdd(tree, int(ry[i]))
			seen++
		}
		g = h
	}
}

// denseRanks returns ranks 1, 2, … of xs, ties sharing one.
func denseRanks(xs []float64) []int32 {
	idx := order(xs)
	r := make([]int32, len(xs))
	rank := int32(0)
	for k, i := range idx {
		if k == 0 || xs[i] != xs[idx[k-1]] {
			rank++
		}
		r[i] = rank
	}
	return r
}

// tiedPairs is the number of pairs of equal values in xs.
func tiedPairs(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	t := 0.0
	for g := 0; g < len(s); {
		h := g + 1
		for h < len(s) && s[h] == s[g] {
			h++
		}
		m := float64(h - g)
		t += m * (m - 1) / 2
		g = h
	}
	return t
}

func fenwickAdd(tree []int32, i int) {
	for ; i < len(tree); i += i & -i {
		tree[i]++
	}
}

// fenwickSum is the count of values added at ranks 1 … i.
func fenwickSum(tree []int32, i int) int {
	s := 0
	for ; i > 0; i -= i & -i {
		s += int(tree[i])
	}
	return s
}
