package compare

import (
	"math"
	"slices"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/settle-sim/settle/engine/stats"
)

// MeanTest is the outcome of a test on the difference of two means.
type MeanTest struct {
	Diff   float64 // new mean − old mean
	SE     float64 // standard error of Diff
	DF     float64 // degrees of freedom of the t distribution used
	Lo, Hi float64 // confidence interval of Diff
	P      float64 // two-sided p-value of "no difference"
}

// Welch tests the difference of two means from their summaries alone
// (mean, standard error, count) with Welch's unequal-variances t-test,
// and gives the difference's confidence interval at level conf (0.95).
// The two samples are assumed independent; when they share random
// numbers (the same seed) they are positively correlated and the test
// is conservative: it flags fewer differences than it could.
func Welch(m1, se1 float64, n1 int, m2, se2 float64, n2 int, conf float64) MeanTest {
	t := MeanTest{Diff: m2 - m1, SE: math.Sqrt(se1*se1 + se2*se2)}
	v1, v2 := se1*se1, se2*se2
	t.DF = (v1 + v2) * (v1 + v2) / (v1*v1/float64(max(n1-1, 1)) + v2*v2/float64(max(n2-1, 1)))
	return t.finish(conf)
}

// Paired tests the mean of the per-trial differences new[i] − old[i]
// with a one-sample t-test. Trials are independent of one another, so
// the pairs are too, whatever the relation between old[i] and new[i];
// with the same seed the two share random numbers and the test is much
// more sensitive than Welch's.
func Paired(old, new []float64, conf float64) MeanTest {
	n := len(old)
	var sum stats.Sum
	for i := range old {
		sum.Add(new[i] - old[i])
	}
	mean := sum.Value() / float64(n)
	var ss stats.Sum
	for i := range old {
		d := new[i] - old[i] - mean
		ss.Add(d * d)
	}
	t := MeanTest{Diff: mean, DF: float64(n - 1)}
	if n > 1 {
		t.SE = math.Sqrt(ss.Value()/float64(n-1)) / math.Sqrt(float64(n))
	}
	return t.finish(conf)
}

func (t MeanTest) finish(conf float64) MeanTest {
	if t.SE == 0 || math.IsNaN(t.SE) {
		// No sampling variation: the difference is exact.
		t.Lo, t.Hi = t.Diff, t.Diff
		t.P = 1
		if t.Diff != 0 {
			t.P = 0
		}
		return t
	}
	var dist interface {
		Quantile(float64) float64
		Survival(float64) float64
	} = distuv.UnitNormal
	if t.DF > 0 && !math.IsInf(t.DF, 0) && !math.IsNaN(t.DF) {
		dist = distuv.StudentsT{Mu: 0, Sigma: 1, Nu: t.DF}
	}
	q := dist.Quantile(0.5 + conf/2)
	t.Lo, t.Hi = t.Diff-q*t.SE, t.Diff+q*t.SE
	t.P = math.Min(1, 2*dist.Survival(math.Abs(t.Diff)/t.SE))
	return t
}

// KS is the outcome of a two-sample Kolmogorov–Smirnov test.
type KS struct {
	D float64 // the largest distance between the two empirical CDFs
	P float64 // asymptotic two-sided p-value of "same distribution"
}

// KolmogorovSmirnov tests whether two samples come from the same
// distribution. D is exact, ties within and between the samples handled
// (the CDFs are compared only after every copy of a value); the p-value
// is the asymptotic Kolmogorov distribution with Stephens' small-sample
// correction, accurate for the sample sizes of simulations. With ties
// (true/false outputs, point masses) the test is conservative. x and y
// are not changed.
func KolmogorovSmirnov(x, y []float64) KS {
	n, m := len(x), len(y)
	if n == 0 || m == 0 {
		return KS{D: math.NaN(), P: math.NaN()}
	}
	a, b := slices.Clone(x), slices.Clone(y)
	slices.Sort(a)
	slices.Sort(b)
	var i, j int
	d := 0.0
	for i < n && j < m {
		v := min(a[i], b[j])
		for i < n && a[i] == v {
			i++
		}
		for j < m && b[j] == v {
			j++
		}
		d = max(d, math.Abs(float64(i)/float64(n)-float64(j)/float64(m)))
	}
	en := math.Sqrt(float64(n) * float64(m) / float64(n+m))
	return KS{D: d, P: kolmogorovQ((en + 0.12 + 0.11/en) * d)}
}

// kolmogorovQ is the survival function of the Kolmogorov distribution,
// P(K > lambda) = 2 Σ_{j≥1} (−1)^{j−1} exp(−2 j² λ²), computed from the
// series that converges fast for each range of lambda.
func kolmogorovQ(lambda float64) float64 {
	switch {
	case lambda <= 0:
		return 1
	case lambda < 1.18:
		return qSmall(lambda)
	}
	return qLarge(lambda)
}

// qSmall uses P(K ≤ λ) = √(2π)/λ Σ_{j≥1} exp(−(2j−1)² π² / (8λ²)),
// which needs four terms for λ < 1.18.
func qSmall(lambda float64) float64 {
	y := math.Exp(-math.Pi * math.Pi / (8 * lambda * lambda))
	cdf := math.Sqrt(2*math.Pi) / lambda * (y + math.Pow(y, 9) + math.Pow(y, 25) + math.Pow(y, 49))
	return math.Min(1, math.Max(0, 1-cdf))
}

// qLarge sums the alternating series until its terms vanish.
func qLarge(lambda float64) float64 {
	sum := 0.0
	sign := 1.0
	for j := 1; j <= 100; j++ {
		term := math.Exp(-2 * float64(j*j) * lambda * lambda)
		sum += sign * term
		if term < 1e-300 || term < 1e-17*sum {
			break
		}
		sign = -sign
	}
	return math.Min(1, math.Max(0, 2*sum))
}

// Holm adjusts p-values for multiple comparisons with Holm's step-down
// method: rejecting where the adjusted p-value is below α keeps the
// chance of any false rejection among them at most α.
func Holm(ps []float64) []float64 {
	m := len(ps)
	idx := make([]int, m)
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		switch {
		case ps[a] < ps[b]:
			return -1
		case ps[a] > ps[b]:
			return 1
		}
		return 0
	})
	adj := make([]float64, m)
	run := 0.0
	for k, i := range idx {
		v := math.Min(1, float64(m-k)*ps[i])
		run = math.Max(run, v)
		adj[i] = run
	}
	return adj
}
