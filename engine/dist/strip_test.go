package dist

import (
	"math"
	"testing"

	"github.com/settle-sim/settle/engine/rng"
	"gonum.org/v1/gonum/mathext"
	"gonum.org/v1/gonum/stat/distuv"
)

// stripShapes are beta shapes the strip method takes: every pert's
// (between 1 and 5), the flat and nearly flat, and peaked ones whose end
// strips need the exponential envelope.
var stripShapes = [][2]float64{
	{1, 1}, {1, 5}, {5, 1}, {1.01, 1.01}, {2, 2}, {4, 6}, {2.5, 3.5}, {3.666, 2.333},
	{30, 40}, {100, 100}, {1000, 1000}, {1, 1000}, {1.5, 300},
}

// TestStripBoundaries: every strip has probability 1/stripN to within
// stripTolerance, by gonum's regularised incomplete beta.
func TestStripBoundaries(t *testing.T) {
	for _, ab := range stripShapes {
		tb := newStrips(ab[0], ab[1])
		if tb == nil {
			t.Errorf("beta%v: no strip table", ab)
			continue
		}
		if tb.s[0].left != 0 || tb.s[stripN-1].left+tb.s[stripN-1].width != 1 {
			t.Errorf("beta%v: strips cover [%v, %v]", ab, tb.s[0].left, tb.s[stripN-1].left+tb.s[stripN-1].width)
		}
		for i := 1; i < stripN; i++ {
			x := tb.s[i].left
			if got, want := mathext.RegIncBeta(ab[0], ab[1], x), float64(i)/stripN; math.Abs(got-want) > stripTolerance {
				t.Errorf("beta%v: P(X < %v) = %v, want %v", ab, x, got, want)
			}
			if x != tb.s[i-1].left+tb.s[i-1].width {
				t.Errorf("beta%v: strip %d does not start where strip %d ends", ab, i, i-1)
			}
		}
	}
}

// TestStripBounds: in every strip, the density lies between the cheap
// bounds that decide most of the rejection's candidates, at 1,001 points
// of the strip, and the bounds are close: on average less than 1% of the
// envelope apart.
func TestStripBounds(t *testing.T) {
	for _, ab := range stripShapes {
		tb := newStrips(ab[0], ab[1])
		used, gap, points := 0, 0.0, 0
		for i := range stripN {
			b, st := tb.bound[i], tb.s[i]
			if !b.ok {
				continue
			}
			used++
			for k := 0; k <= 1000; k++ {
				u := float64(k) / 1000
				x := st.left + u*st.width
				sp := u
				if b.fromRight {
					sp = 1 - u
				}
				f := math.Exp(tb.logf(x) - tb.logMax[i])
				lo, hi := b.q0*(1+sp*b.d)*(1-1e-9), b.q0*(1+sp*b.e)*(1+1e-9)
				if !(lo <= f && f <= hi) {
					t.Fatalf("beta%v strip %d at %v: density %v outside its bounds [%v, %v]", ab, i, x, f, lo, hi)
				}
				gap += hi - lo
				points++
			}
		}
		if used < stripN-2 {
			t.Errorf("beta%v: bounds on %d strips, want all but the ends", ab, used)
		}
		// The gap between the bounds, as a share of the envelope, is the
		// share of rejection candidates left to the exact test.
		if g := gap / float64(points); g > 0.01 {
			t.Errorf("beta%v: the bounds are %.4f of the envelope apart on average, want under 0.01", ab, g)
		} else if testing.Verbose() {
			t.Logf("beta%v: bounds %.5f apart on average", ab, g)
		}
	}
}

// TestStripFallsBack: shapes below 1 (unbounded density) and shapes too
// large for the quantiles' accuracy get no table, and their Sampler
// draws the gamma ratio, exactly as gonum does.
func TestStripFallsBack(t *testing.T) {
	f, _ := Lookup("beta")
	for _, ab := range [][2]float64{{0.5, 0.5}, {0.2, 3}, {3, 0.9}, {1e4, 1e4}} {
		if newStrips(ab[0], ab[1]) != nil {
			t.Errorf("beta%v: strip table made", ab)
		}
		p := Params{ab[0], ab[1]}
		s := NewSampler(f, p)
		var a, b rng.Stream
		for trial := range 1000 {
			a.Reset(3, uint64(trial))
			b.Reset(3, uint64(trial))
			if got, want := s.Sample(&a), f.Sample(&b, p); got != want {
				t.Fatalf("beta%v trial %d: Sampler %v, gonum %v", ab, trial, got, want)
			}
		}
	}
}

// TestStripDistribution draws 400,000 values of each shape and tests
// them against the beta: the mean within 4 standard errors of a/(a+b),
// the KS statistic against gonum's CDF, and Pearson's chi-square of the
// counts in the strips (each 1/stripN).
func TestStripDistribution(t *testing.T) {
	n := 400_000
	if testing.Short() {
		n = 50_000
	}
	for _, ab := range stripShapes {
		a, b := ab[0], ab[1]
		tb := newStrips(a, b)
		if tb == nil {
			t.Fatalf("beta%v: no strip table", ab)
		}
		xs := make([]float64, n)
		var counts [stripN]int
		var src rng.Stream
		sum := 0.0
		for i := range xs {
			src.Reset(99, uint64(i))
			x := tb.draw(&src)
			if !(x >= 0 && x <= 1) {
				t.Fatalf("beta%v: draw %v outside [0, 1]", ab, x)
			}
			xs[i] = x
			sum += x
			counts[stripOf(tb, x)]++
		}
		d := distuv.Beta{Alpha: a, Beta: b}
		if se := d.StdDev() / math.Sqrt(float64(n)); math.Abs(sum/float64(n)-d.Mean()) > 4*se {
			t.Errorf("beta%v: mean %v, want %v ± 4×%v", ab, sum/float64(n), d.Mean(), se)
		}
		if k := ks(xs, d.CDF); k > ksCritical(n) {
			t.Errorf("beta%v: KS statistic %.5f, critical %.5f", ab, k, ksCritical(n))
		}
		if x2 := stripChi2(counts[:], n); x2 > chi2Critical(stripN-1) {
			t.Errorf("beta%v: chi-square of the strip counts %.1f, critical %.1f", ab, x2, chi2Critical(stripN-1))
		}
	}
}

// TestStripWithin tests the draws within single strips, where the
// rejection and the end strips' exponential envelopes work: 100,000
// draws of each end strip, the strips next to them and the middle, by
// KS against the beta's CDF conditioned on the strip.
func TestStripWithin(t *testing.T) {
	n := 100_000
	if testing.Short() {
		n = 20_000
	}
	for _, ab := range stripShapes {
		tb := newStrips(ab[0], ab[1])
		for _, i := range []int{0, 1, stripN / 2, stripN - 2, stripN - 1} {
			if k := stripKS(tb, ab, i, n); k > ksCritical(n) {
				t.Errorf("beta%v strip %d: KS statistic %.5f, critical %.5f", ab, i, k, ksCritical(n))
			}
		}
	}
}

// The within-strip test must be able to fail: a strip whose squeeze is
// widened to the whole strip draws uniformly there, and is caught.
func TestStripWithinDetectsFlatStrip(t *testing.T) {
	ab := [2]float64{4, 6}
	tb := newStrips(ab[0], ab[1])
	for _, i := range []int{1, stripN - 2} {
		st := &tb.s[i]
		saved := *st
		st.r, st.scale = 1, st.width
		n := 100_000
		if k := stripKS(tb, ab, i, n); k <= ksCritical(n) {
			t.Errorf("beta%v strip %d drawn flat: KS statistic %.5f under the critical %.5f", ab, i, k, ksCritical(n))
		}
		*st = saved
	}
}

// stripKS draws n values of strip i as draw does once it has chosen the
// strip, and returns their KS statistic against the conditional CDF.
func stripKS(tb *Strips, ab [2]float64, i, n int) float64 {
	var src rng.Stream
	xs := make([]float64, n)
	st := &tb.s[i]
	for k := range xs {
		src.Reset(5, uint64(k))
		v := src.Float64()
		if v < st.r {
			xs[k] = st.left + v*st.scale
		} else {
			xs[k] = tb.reject(&src, i, v)
		}
	}
	lo, hi := st.left, st.left+st.width
	plo, phi := mathext.RegIncBeta(ab[0], ab[1], lo), mathext.RegIncBeta(ab[0], ab[1], hi)
	return ks(xs, func(x float64) float64 {
		return (mathext.RegIncBeta(ab[0], ab[1], min(max(x, lo), hi)) - plo) / (phi - plo)
	})
}

func stripOf(tb *Strips, x float64) int {
	lo, hi := 0, stripN-1
	for lo < hi {
		m := (lo + hi + 1) / 2
		if tb.s[m].left <= x {
			lo = m
		} else {
			hi = m - 1
		}
	}
	return lo
}

func stripChi2(counts []int, n int) float64 {
	e := float64(n) / float64(len(counts))
	x2 := 0.0
	for _, c := range counts {
		x2 += (float64(c) - e) * (float64(c) - e) / e
	}
	return x2
}

// BenchmarkBetaDraw: a beta(4, 6) draw by the strip method and, as its
// peer, by the gamma ratio (Marsaglia–Tsang, as gonum and NumPy do).
//
//	go test ./engine/dist -run '^$' -bench BetaDraw
func BenchmarkBetaDraw(b *testing.B) {
	f, _ := Lookup("beta")
	p := Params{4, 6}
	for _, c := range []struct {
		name string
		s    Sampler
	}{{"strips", NewSampler(f, p)}, {"gammas", func() Sampler { s := NewSampler(f, p); s.st = nil; return s }()}} {
		b.Run(c.name, func(b *testing.B) {
			var src rng.Stream
			src.Reset(1, 1)
			var sink float64
			b.ReportAllocs()
			for b.Loop() {
				sink += c.s.Sample(&src)
			}
			_ = sink
		})
	}
}
