package dist

import (
	"testing"

	"github.com/settle-sim/settle/engine/rng"
)

// samplerCases cover every branch of the samplers: the gamma's
// exponential (shape 1), Marsaglia–Tsang above and below shape 1 and
// the small-shape method below 0.2; PERT with the mode at either end.
var samplerCases = []struct {
	name string
	p    Params
}{
	{"bernoulli", Params{0.3}}, {"bernoulli", Params{0}}, {"bernoulli", Params{1}},
	{"beta", Params{4, 6}}, {"beta", Params{0.5, 0.5}}, {"beta", Params{1, 3}}, {"beta", Params{0.1, 2}},
	{"gamma", Params{2.5, 3}}, {"gamma", Params{1, 2}}, {"gamma", Params{0.5, 1}}, {"gamma", Params{0.05, 1}},
	{"lognormal", Params{0.1, 0.4}}, {"normal", Params{0.28, 0.06}}, {"normal", Params{1, 0}},
	{"pert", Params{400e6, 600e6, 700e6}}, {"pert", Params{0, 0, 1}}, {"pert", Params{0, 1, 1}},
	{"triangular", Params{1, 2, 5}}, {"triangular", Params{1, 1, 5}}, {"triangular", Params{1, 5, 5}},
	{"uniform", Params{-1, 3}}, {"uniform", Params{2, 2}},
}

// TestSamplerMatchesSample: the fast samplers give exactly the numbers
// of the families' Sample (gonum's distuv), draw after draw, with fixed
// parameters and with parameters given at each draw; beta and pert with
// fixed shapes ≥ 1, drawn by the strip method, give those of
// PlainSampler (TestStripDistribution tests them against the beta).
func TestSamplerMatchesSample(t *testing.T) {
	strips := 0
	for _, c := range samplerCases {
		f, ok := Lookup(c.name)
		if !ok {
			t.Fatalf("no family %s", c.name)
		}
		if err := Validate(f, c.p); err != nil {
			t.Fatal(err)
		}
		s := NewSampler(f, c.p)
		plain := PlainSampler(f, c.p)
		if s.st != nil {
			strips++
		}
		other := NewSampler(f, Params{})
		if c.name == "pert" || c.name == "triangular" {
			other = NewSampler(f, Params{0, 0.5, 1})
		}
		var a, b, d, e rng.Stream
		for trial := range 20_000 {
			a.Reset(7, uint64(trial))
			b.Reset(7, uint64(trial))
			d.Reset(7, uint64(trial))
			e.Reset(7, uint64(trial))
			for k := range 3 { // several draws on one stream
				want := f.Sample(&a, c.p)
				if s.st != nil {
					if got, want := s.Sample(&b), plain.Sample(&e); got != want {
						t.Fatalf("%s%v trial %d draw %d: Sampler %v, PlainSampler %v", c.name, c.p, trial, k, got, want)
					}
				} else if got := s.Sample(&b); got != want && !(got != got && want != want) {
					t.Fatalf("%s%v trial %d draw %d: Sampler %v, Sample %v", c.name, c.p, trial, k, got, want)
				}
				if got := other.Draw(&d, c.p); got != want {
					t.Fatalf("%s%v trial %d draw %d: Draw %v, Sample %v", c.name, c.p, trial, k, got, want)
				}
			}
		}
	}
	if strips != 5 {
		t.Errorf("%d cases drawn by the strip method, want 5 (beta(4, 6), beta(1, 3) and the perts)", strips)
	}
}

func TestSamplerDoesNotAllocate(t *testing.T) {
	for _, c := range samplerCases {
		f, _ := Lookup(c.name)
		s := NewSampler(f, c.p)
		var src rng.Stream
		trial := uint64(0)
		if n := testing.AllocsPerRun(100, func() {
			src.Reset(1, trial)
			trial++
			s.Sample(&src)
			s.Draw(&src, c.p)
		}); n != 0 {
			t.Errorf("%s allocates %v times a draw", c.name, n)
		}
	}
}

// BenchmarkSampler draws from each family: the fast Sampler and, as its
// peer, the family's Sample through gonum. Compare as ratios.
//
//	go test ./engine/dist -run '^$' -bench Sampler
func BenchmarkSampler(b *testing.B) {
	for _, c := range []struct {
		name string
		p    Params
	}{
		{"bernoulli", Params{0.3}}, {"beta", Params{4, 6}}, {"gamma", Params{2.5, 3}},
		{"lognormal", Params{0.1, 0.4}}, {"normal", Params{0.28, 0.06}}, {"pert", Params{400e6, 600e6, 700e6}},
		{"triangular", Params{1, 2, 5}}, {"uniform", Params{-1, 3}},
	} {
		f, _ := Lookup(c.name)
		b.Run(c.name+"/sampler", func(b *testing.B) {
			s := NewSampler(f, c.p)
			var src rng.Stream
			src.Reset(1, 1)
			var sink float64
			b.ReportAllocs()
			for b.Loop() {
				sink += s.Sample(&src)
			}
			_ = sink
		})
		b.Run(c.name+"/draw", func(b *testing.B) {
			s := NewSampler(f, c.p)
			var src rng.Stream
			src.Reset(1, 1)
			var sink float64
			b.ReportAllocs()
			for b.Loop() {
				sink += s.Draw(&src, c.p)
			}
			_ = sink
		})
		b.Run(c.name+"/gonum", func(b *testing.B) {
			var src rng.Stream
			src.Reset(1, 1)
			var sink float64
			b.ReportAllocs()
			for b.Loop() {
				sink += f.Sample(&src, c.p)
			}
			_ = sink
		})
	}
}
