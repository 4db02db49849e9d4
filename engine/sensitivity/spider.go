package sensitivity

import (
	"math"
	"slices"
)

// SpiderProbs are the percentiles at which a spider holds each input: its
// p10 and p90 are the tornado's ends.
var SpiderProbs = []float64{0.10, 0.25, 0.50, 0.75, 0.90}

// SpiderLine is one input's line of a spider chart: an output's mean with
// the input held at each of its percentiles, the other inputs drawn as
// before.
type SpiderLine struct {
	Input  string        `json:"input"`
	Points []SpiderPoint `json:"points"`
	// Range is the largest mean less the smallest.
	Range float64 `json:"range"`
}

// SpiderPoint is an output's mean with an input held at one percentile.
type SpiderPoint struct {
	P     float64 `json:"p"`     // the percentile, as a probability
	Value float64 `json:"value"` // the input's value there
	Mean  float64 `json:"mean"`  // the output's mean with the input held at Value
}

// Spider sorts lines by range, widest first, filling in Range; ties keep
// their order.
func Spider(lines []SpiderLine) []SpiderLine {
	for i := range lines {
		lo, hi := math.Inf(1), math.Inf(-1)
		for _, p := range lines[i].Points {
			lo, hi = math.Min(lo, p.Mean), math.Max(hi, p.Mean)
		}
		lines[i].Range = max(hi-lo, 0)
	}
	slices.SortStableFunc(lines, func(a, b SpiderLine) int {
		switch {
		case a.Range > b.Range:
			return -1
		case a.Range < b.Range:
			return 1
		}
		return 0
	})
	return lines
}
