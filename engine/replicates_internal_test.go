package engine

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/stats"
)

// TestReplicateSEOnPath: for independent values, the replicates'
// standard error of a mean over the trials on one path estimates the
// same as sd/√n over those trials (within the ±9% to which 63 degrees of
// freedom know it), on either path.
func TestReplicateSEOnPath(t *testing.T) {
	r := rand.New(rand.NewPCG(4, 5))
	const n = 64_000
	values, mask := make([]float64, n), make([]float64, n)
	for i := range values {
		values[i] = 10 + 3*r.NormFloat64()
		if r.Float64() < 0.3 {
			mask[i] = 2 // settled at stage 2
		}
	}
	for _, path := range []model.Path{model.SettledPath, model.JudgmentPath} {
		on := onPath(values, mask, path)
		plain := stats.Summarize(on, 2, nil).SE
		got := replicateSEOnPath(values, mask, path)
		if math.Abs(got/plain-1) > 0.27 {
			t.Errorf("path %v: replicates' se %.4g, sd/√n %.4g", path, got, plain)
		}
	}
}
