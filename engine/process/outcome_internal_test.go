package process

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

// TestTimelineCounts checks the one-pass timeline against its
// definition, each time's share of the years strictly above it, on
// years that fall exactly on the times as well as between them.
func TestTimelineCounts(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct {
		name  string
		years func(i int) float64
	}{
		{"continuous", func(int) float64 { return r.ExpFloat64() * 3 }},
		{"on the times", func(int) float64 { return 7 * float64(r.IntN(TimelinePoints)) / float64(TimelinePoints-1) }},
		{"few values", func(i int) float64 { return []float64{0, 0.5, 2, 2, 7}[i%5] }},
		{"all zero", func(int) float64 { return 0 }},
	} {
		years := make([]float64, 5000)
		for i := range years {
			years[i] = tc.years(i)
		}
		got := timeline(years)
		s := slices.Clone(years)
		slices.Sort(s)
		var want []TimePoint
		for i := range TimelinePoints {
			t := s[len(s)-1] * float64(i) / float64(TimelinePoints-1)
			j, _ := slices.BinarySearch(s, math.Nextafter(t, math.Inf(1)))
			want = append(want, TimePoint{Years: t, POpen: float64(len(s)-j) / float64(len(s))})
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: timeline\n%v, want\n%v", tc.name, got, want)
		}
	}
}
