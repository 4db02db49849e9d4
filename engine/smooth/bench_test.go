package smooth

import (
	"fmt"
	"math/rand/v2"
	"testing"
)

// BenchmarkFit times a basis and one fit on 200,000 trials, by the
// number of covariates.
func BenchmarkFit(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	const n = 200_000
	xs := make([][]float64, MaxCovariates)
	for j := range xs {
		xs[j] = make([]float64, n)
		for i := range n {
			xs[j][i] = r.NormFloat64()
		}
	}
	y := make([]float64, n)
	for i := range y {
		y[i] = xs[0][i]*xs[1][i] + r.NormFloat64()
	}
	for d := 1; d <= MaxCovariates; d++ {
		b.Run(fmt.Sprint(d), func(b *testing.B) {
			for b.Loop() {
				bs, err := New(xs[:d]...)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := bs.Fit(y); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
