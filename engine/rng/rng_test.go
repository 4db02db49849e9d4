package rng

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestResetRepeats(t *testing.T) {
	var a, b Stream
	a.Reset(42, 7)
	first := [4]uint64{a.Uint64(), a.Uint64(), a.Uint64(), a.Uint64()}
	b.Reset(1, 1)
	b.Uint64()
	b.Reset(42, 7)
	for i, want := range first {
		if got := b.Uint64(); got != want {
			t.Fatalf("draw %d after Reset: got %d want %d", i, got, want)
		}
	}
}

// Neighbouring trials must give unrelated streams: the first uniforms of
// trials 0..n-1 should look like independent U(0,1) draws, and the lag-1
// correlation between consecutive trials' first draws should be near 0.
func TestNeighbouringTrialsIndependent(t *testing.T) {
	const n = 200000
	var s Stream
	xs := make([]float64, n)
	for i := range xs {
		s.Reset(20080527, uint64(i))
		xs[i] = s.Float64()
	}
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / n
	se := math.Sqrt(1.0/12) / math.Sqrt(n)
	if math.Abs(mean-0.5) > 4*se {
		t.Errorf("mean of first draws %.5f, want 0.5 ± %.5f", mean, 4*se)
	}
	var cov float64
	for i := 1; i < n; i++ {
		cov += (xs[i] - 0.5) * (xs[i-1] - 0.5)
	}
	corr := cov / (n - 1) / (1.0 / 12)
	// The lag-1 correlation of independent draws has SE 1/sqrt(n).
	if math.Abs(corr) > 4/math.Sqrt(n) {
		t.Errorf("lag-1 correlation %.5f across trials, want |r| < %.5f", corr, 4/math.Sqrt(n))
	}
}

func TestSeedsDiffer(t *testing.T) {
	var a, b Stream
	a.Reset(1, 0)
	b.Reset(2, 0)
	if a.Uint64() == b.Uint64() {
		t.Fatal("seeds 1 and 2 start the same stream")
	}
}

func TestResetNoAlloc(t *testing.T) {
	var s Stream
	n := testing.AllocsPerRun(100, func() { s.Reset(3, 4); s.Uint64() })
	if n != 0 {
		t.Fatalf("Reset allocates %v times", n)
	}
}

// Sites of one trial give unrelated streams, and a site's stream does not
// depend on what was drawn before it.
func TestSites(t *testing.T) {
	var a, b Stream
	a.Reset(9, 3)
	a.Site(SiteID("claim", 0))
	x := a.Uint64()
	b.Reset(9, 3)
	b.Site(SiteID("liability", 0))
	b.Uint64()
	b.Site(SiteID("claim", 0))
	if got := b.Uint64(); got != x {
		t.Errorf("site stream depends on earlier draws: %d != %d", got, x)
	}
	// SiteFirst is SiteKeyed then Uint64, and the stream goes on alike,
	// through every kind of draw.
	for trial := range uint64(1000) {
		key := SiteKey(SiteID("claim", int(trial%3)))
		a.Reset(9, trial)
		a.SiteKeyed(key)
		b.Reset(9, trial)
		if x, y := a.Uint64(), b.SiteFirst(key); x != y {
			t.Fatalf("trial %d: SiteKeyed then Uint64 %d, SiteFirst %d", trial, x, y)
		}
		if a.NormFloat64() != b.NormFloat64() || a.ExpFloat64() != b.ExpFloat64() || a.Float64() != b.Float64() {
			t.Fatalf("trial %d: the streams part after the first number", trial)
		}
		// Each draw method takes the site's first number.
		a.SiteKeyed(key)
		b.SiteKeyed(key)
		if x, y := a.RandFloat64(), Unit(b.SiteFirst(key)); x != y {
			t.Fatalf("trial %d: RandFloat64 %v after SiteKeyed, want the first number's %v", trial, x, y)
		}
	}
	if SiteID("claim", 0) == SiteID("claim", 1) || SiteID("claim", 0) == SiteID("clain", 0) {
		t.Error("site IDs collide")
	}
	// First uniforms of many sites of one trial look independent.
	const n = 100000
	var s Stream
	s.Reset(1, 1)
	var sum, lag float64
	prev := 0.5
	for i := range n {
		s.Site(uint64(i))
		u := s.Float64()
		sum += u
		lag += (u - 0.5) * (prev - 0.5)
		prev = u
	}
	se := math.Sqrt(1.0 / 12 / n)
	if m := sum / n; math.Abs(m-0.5) > 4*se {
		t.Errorf("mean of first draws of sites = %v", m)
	}
	if c := lag / n * 12; math.Abs(c) > 4/math.Sqrt(n) {
		t.Errorf("lag-1 correlation between sites = %v", c)
	}
}

// TestSitesIndependentAcrossTrials: the draws of two sites, trial by
// trial, are uncorrelated, for neighbouring site IDs and for the sites
// of one definition, in the first and the second draw of each; and a
// site's first draws are uncorrelated from one trial to the next.
func TestSitesIndependentAcrossTrials(t *testing.T) {
	const n = 200_000
	sites := []uint64{0, 1, 2, SiteID("claim", 0), SiteID("claim", 1), SiteID("quantum_fraction", 0)}
	keys := make([]uint64, len(sites))
	for i, site := range sites {
		keys[i] = SiteKey(site)
	}
	var s Stream
	xs := make([][2][]float64, len(sites))
	for i := range xs {
		xs[i] = [2][]float64{make([]float64, n), make([]float64, n)}
	}
	for trial := range n {
		s.Reset(20080527, uint64(trial))
		for i, k := range keys {
			s.SiteKeyed(k)
			xs[i][0][trial], xs[i][1][trial] = s.Float64(), s.Float64()
		}
	}
	limit := 4 / math.Sqrt(n)
	corr := func(a, b []float64, lag int) float64 {
		var c float64
		for i := lag; i < len(a); i++ {
			c += (a[i] - 0.5) * (b[i-lag] - 0.5)
		}
		return c / float64(len(a)-lag) * 12
	}
	for i := range sites {
		for j := range sites {
			for di := range 2 {
				for dj := range 2 {
					if i == j && di == dj {
						continue
					}
					if r := corr(xs[i][di], xs[j][dj], 0); math.Abs(r) > limit {
						t.Errorf("sites %d and %d, draws %d and %d: correlation %.5f across trials, want |r| < %.5f", i, j, di, dj, r, limit)
					}
				}
			}
		}
		if r := corr(xs[i][0], xs[i][0], 1); math.Abs(r) > limit {
			t.Errorf("site %d: lag-1 correlation %.5f across trials", i, r)
		}
	}
}

// TestPCGMatchesMathRand: the Stream's generator is math/rand/v2's PCG,
// number for number, and its uniform, normal and exponential draws are
// rand.Rand's on the same stream.
func TestPCGMatchesMathRand(t *testing.T) {
	for k := range uint64(100) {
		var p pcg
		q := rand.NewPCG(mix(k), mix(k+1))
		p.Seed(mix(k), mix(k+1))
		for range 1000 {
			if got, want := p.Uint64(), q.Uint64(); got != want {
				t.Fatalf("seed %d: %x, rand.PCG %x", k, got, want)
			}
		}
	}
	for trial := range uint64(200) {
		var s, ref Stream
		draws := []struct {
			name      string
			got, want func() float64
		}{
			{"RandFloat64", s.RandFloat64, rand.New(&ref).Float64},
			{"NormFloat64", s.NormFloat64, rand.New(&ref).NormFloat64},
			{"ExpFloat64", s.ExpFloat64, rand.New(&ref).ExpFloat64},
		}
		for _, d := range draws {
			s.Reset(3, trial)
			ref.Reset(3, trial)
			for range 500 {
				if got, want := d.got(), d.want(); got != want {
					t.Fatalf("trial %d: %s %v, rand.Rand %v", trial, d.name, got, want)
				}
			}
		}
	}
}

// TestSiteFirstPairsUniform: the first numbers of two sites of a trial,
// and of one site in neighbouring trials, are uniform in pairs: Pearson's
// chi-square of their top 4 bits in 16×16 cells over 1,000,000 trials,
// against the 99.9% point of chi-square on 255 degrees of freedom.
func TestSiteFirstPairsUniform(t *testing.T) {
	const n = 1_000_000
	const critical = 330.5 // chi-square, 255 df, 99.9%
	for _, pair := range [][2]string{{"claim", "quantum_fraction"}, {"settles", "liability"}, {"a", "b"}} {
		ka, kb := SiteKey(SiteID(pair[0], 0)), SiteKey(SiteID(pair[1], 0))
		var s Stream
		var cells, lag [16][16]int
		prev := uint64(0)
		for i := range n {
			s.Reset(20080527, uint64(i))
			a, b := s.SiteFirst(ka), s.SiteFirst(kb)
			cells[a>>60][b>>60]++
			lag[a>>60][prev>>60]++
			prev = a
		}
		for _, c := range []struct {
			what  string
			cells *[16][16]int
		}{{"two sites", &cells}, {"neighbouring trials", &lag}} {
			e, x2 := float64(n)/256, 0.0
			for i := range 16 {
				for j := range 16 {
					d := float64(c.cells[i][j]) - e
					x2 += d * d / e
				}
			}
			if x2 > critical {
				t.Errorf("%v, %s: chi-square %.1f on 255 df, critical %.1f", pair, c.what, x2, critical)
			}
		}
	}
}
