package sensitivity

import (
	"math"
	"math/rand/v2"
	"slices"
)

// SobolIndex is one input's first-order and total Sobol' indices for an
// output, with bootstrap confidence intervals and standard errors.
//
// The first-order index Sᵢ = Var(E[Y | Xᵢ]) / Var(Y) is the share of the
// output's variance the input explains alone; the total index
// S_Tᵢ = E[Var(Y | X₋ᵢ)] / Var(Y) the share that would remain if every
// other input were known, its interactions included. S_Tᵢ − Sᵢ is the
// share due to the input's interactions with others.
type SobolIndex struct {
	Input   string  `json:"-"`
	First   float64 `json:"first"`
	FirstLo float64 `json:"first_lo"`
	FirstHi float64 `json:"first_hi"`
	FirstSE float64 `json:"first_se"`
	Total   float64 `json:"total"`
	TotalLo float64 `json:"total_lo"`
	TotalHi float64 `json:"total_hi"`
	TotalSE float64 `json:"total_se"`
}

// SobolOptions control the estimate's bootstrap.
type SobolOptions struct {
	// Level is the confidence level of the intervals; 0 means 0.95.
	Level float64
	// Resamples is the number of bootstrap resamples; 0 means 1000.
	Resamples int
	// Seed seeds the bootstrap, so that the intervals are reproducible.
	Seed uint64
}

// sobolBlocks is the most blocks of rows the bootstrap resamples.
const sobolBlocks = 500

// Sobol estimates each input's first-order and total Sobol' indices of an
// output from Saltelli's design: yA and yB are the output at two
// independent sets of N draws of every input (the matrices A and B), and
// yAB[i] the output at A with input i's draws taken from B (A_B^(i)).
// With V the variance of yA and yB together and μ their mean
// (Saltelli et al., "Variance based sensitivity analysis of model
// output", Computer Physics Communications 181, 2010, table 2):
//
//	Sᵢ  = (1/N) Σⱼ (yBⱼ − μ)(yAB[i]ⱼ − yAⱼ) / V       (Saltelli 2010, centred)
//	S_Tᵢ = (1/2N) Σⱼ (yAⱼ − yAB[i]ⱼ)² / V            (Jansen 1999)
//
// The intervals are percentile intervals of a bootstrap that resamples
// the N rows of the design in blocks: the rows are independent, so the
// blocks' sums are too, and resampling up to 500 blocks instead of N rows
// gives the same distribution for statistics of means at a fraction of
// the cost. It returns nil when the output does not vary.
func Sobol(yA, yB []float64, yAB [][]float64, opt SobolOptions) []SobolIndex {
	n := len(yA)
	k := len(yAB)
	if n < 2 || len(yB) != n {
		return nil
	}
	level := opt.Level
	if level == 0 {
		level = 0.95
	}
	resamples := opt.Resamples
	if resamples == 0 {
		resamples = 1000
	}
	var mu float64
	for j := range n {
		mu += yA[j] + yB[j]
	}
	mu /= float64(2 * n)
	// Per block: the rows, Σ(y − μ) and Σ(y − μ)² over A and B, and for
	// each input the sums of the two estimators' terms.
	nb := min(n, sobolBlocks)
	width := 3 + 2*k
	sums := make([]float64, nb*width)
	for j := range n {
		b := j * nb / n
		s := sums[b*width : (b+1)*width]
		a, bb := yA[j]-mu, yB[j]-mu
		s[0]++
		s[1] += a + bb
		s[2] += a*a + bb*bb
		for i, y := range yAB {
			d := y[j] - yA[j]
			s[3+2*i] += bb * d
			s[4+2*i] += d * d
		}
	}
	indices := func(tot []float64) (first, total []float64) {
		rows := tot[0]
		m := tot[1] / (2 * rows)
		v := tot[2]/(2*rows) - m*m
		first, total = make([]float64, k), make([]float64, k)
		for i := range k {
			first[i] = tot[3+2*i] / rows / v
			total[i] = tot[4+2*i] / (2 * rows) / v
		}
		return first, total
	}
	all := make([]float64, width)
	for b := range nb {
		for c := range width {
			all[c] += sums[b*width+c]
		}
	}
	if !(all[2]/(2*all[0])-(all[1]/(2*all[0]))*(all[1]/(2*all[0])) > 0) {
		return nil
	}
	first, total := indices(all)

	r := rand.New(rand.NewPCG(opt.Seed, 0x736f626f6c))
	bootF := make([][]float64, k)
	bootT := make([][]float64, k)
	tot := make([]float64, width)
	for range resamples {
		clear(tot)
		for range nb {
			b := r.IntN(nb)
			for c := range width {
				tot[c] += sums[b*width+c]
			}
		}
		f, t := indices(tot)
		for i := range k {
			bootF[i] = append(bootF[i], f[i])
			bootT[i] = append(bootT[i], t[i])
		}
	}
	out := make([]SobolIndex, k)
	for i := range k {
		out[i] = SobolIndex{First: first[i], Total: total[i]}
		out[i].FirstLo, out[i].FirstHi, out[i].FirstSE = percentiles(bootF[i], level)
		out[i].TotalLo, out[i].TotalHi, out[i].TotalSE = percentiles(bootT[i], level)
	}
	return out
}

// percentiles returns the central interval of xs at level and their
// standard deviation; xs is sorted in place.
func percentiles(xs []float64, level float64) (lo, hi, sd float64) {
	slices.Sort(xs)
	n := len(xs)
	a := (1 - level) / 2
	lo = xs[int(math.Floor(a*float64(n-1)))]
	hi = xs[int(math.Ceil((1-a)*float64(n-1)))]
	var m, m2 float64
	for _, x := range xs {
		m += x
	}
	m /= float64(n)
	for _, x := range xs {
		m2 += (x - m) * (x - m)
	}
	return lo, hi, math.Sqrt(m2 / float64(n-1))
}
