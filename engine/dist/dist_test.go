package dist

import (
	"math"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/rng"
)

// TestMoments checks each family's sample mean and variance against its
// closed form, with tolerances of four standard errors: SD/sqrt(n) for the
// mean and the sample SD of the squared deviations over sqrt(n) for the
// variance.
func TestMoments(t *testing.T) {
	const n = 200000
	tests := []struct {
		name string
		p    Params
		mean float64 // independent closed form
		vari float64
	}{
		{"normal", Params{3, 2}, 3, 4},
		{"normal", Params{-1e6, 0}, -1e6, 0},
		{"lognormal", Params{0.5, 0.4}, math.Exp(0.5 + 0.08), (math.Exp(0.16) - 1) * math.Exp(1+0.16)},
		{"uniform", Params{-2, 6}, 2, 64.0 / 12},
		{"triangular", Params{0, 1, 4}, 5.0 / 3, (0 + 16 + 1 - 0 - 0 - 4) / 18.0},
		{"triangular", Params{2, 2, 3}, 7.0 / 3, (4 + 9 + 4 - 6 - 4 - 6) / 18.0},
		// PERT(300, 500, 700) is 300 + 400·Beta(3, 3): mean 500, var 400²·(9/(36·7)).
		{"pert", Params{300, 500, 700}, 500, 160000 * 9.0 / (36 * 7)},
		// PERT(0, 1, 5) is 5·Beta(1.8, 4.2): mean (0+4+5)/6 = 1.5.
		{"pert", Params{0, 1, 5}, 1.5, 25 * (1.8 * 4.2) / (36 * 7)},
		{"beta", Params{6, 4}, 0.6, 24.0 / (100 * 11)},
		{"beta", Params{0.5, 0.5}, 0.5, 0.25 / 2},
		{"gamma", Params{2.5, 0.5}, 5, 10},
		{"gamma", Params{0.1, 2}, 0.05, 0.025},
		{"gamma", Params{1, 3}, 1.0 / 3, 1.0 / 9},
		{"bernoulli", Params{0.3}, 0.3, 0.21},
		{"bernoulli", Params{1}, 1, 0},
	}
	for _, tt := range tests {
		f, ok := Lookup(tt.name)
		if !ok {
			t.Fatalf("no family %q", tt.name)
		}
		if err := Validate(f, tt.p); err != nil {
			t.Fatalf("%s%v: %v", tt.name, tt.p, err)
		}
		if got := f.Mean(tt.p); !close(got, tt.mean) {
			t.Errorf("%s%v: Mean() = %g, closed form %g", tt.name, tt.p, got, tt.mean)
		}
		if got := f.Var(tt.p); !close(got, tt.vari) {
			t.Errorf("%s%v: Var() = %g, closed form %g", tt.name, tt.p, got, tt.vari)
		}
		var s rng.Stream
		xs := make([]float64, n)
		for i := range xs {
			s.Reset(99, uint64(i))
			xs[i] = f.Sample(&s, tt.p)
		}
		mean, vari, seMean, seVar := moments(xs)
		if math.Abs(mean-tt.mean) > 4*seMean+1e-12*math.Abs(tt.mean) {
			t.Errorf("%s%v: sample mean %g, want %g ± %g", tt.name, tt.p, mean, tt.mean, 4*seMean)
		}
		if math.Abs(vari-tt.vari) > 4*seVar+1e-12 {
			t.Errorf("%s%v: sample variance %g, want %g ± %g", tt.name, tt.p, vari, tt.vari, 4*seVar)
		}
		if f.Bool {
			for _, x := range xs {
				if x != 0 && x != 1 {
					t.Fatalf("%s drew %g, want 0 or 1", tt.name, x)
				}
			}
		}
	}
}

func moments(xs []float64) (mean, vari, seMean, seVar float64) {
	n := float64(len(xs))
	for _, x := range xs {
		mean += x
	}
	mean /= n
	d2 := make([]float64, len(xs))
	for i, x := range xs {
		d2[i] = (x - mean) * (x - mean)
		vari += d2[i]
	}
	vari /= n - 1
	var v2 float64
	for _, d := range d2 {
		v2 += (d - vari) * (d - vari)
	}
	return mean, vari, math.Sqrt(vari / n), math.Sqrt(v2/(n-1)) / math.Sqrt(n)
}

func close(a, b float64) bool { return math.Abs(a-b) <= 1e-12*math.Max(1, math.Abs(b)) }

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		p    Params
		want string // substring of the error, "" for valid
	}{
		{"normal", Params{0, -1}, "sd (-1) must not be negative"},
		{"normal", Params{math.NaN(), 1}, "mean is NaN"},
		{"triangular", Params{5, 1, 3}, "min (5) must be less than max (3)"},
		{"triangular", Params{1, 5, 3}, "mode (5) must lie between"},
		{"pert", Params{1, 1, 1}, "min (1) must be less than max (1)"},
		{"beta", Params{0, 1}, "alpha (0) must be greater than 0"},
		{"gamma", Params{1, -2}, "rate (-2) must be greater than 0"},
		{"bernoulli", Params{1.5}, "must be a probability"},
		{"uniform", Params{3, 1}, "min (3) must not exceed max (1)"},
		{"lognormal", Params{0, -0.1}, "sigma (-0.1) must not be negative"},
		{"pert", Params{0, 0, 1}, ""},
		{"uniform", Params{1, 1}, ""},
	}
	for _, tt := range tests {
		f, _ := Lookup(tt.name)
		err := Validate(f, tt.p)
		switch {
		case tt.want == "" && err != nil:
			t.Errorf("%s%v: unexpected error %v", tt.name, tt.p, err)
		case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
			t.Errorf("%s%v: error %v, want it to contain %q", tt.name, tt.p, err, tt.want)
		}
	}
}

func TestDiscrete(t *testing.T) {
	cum := []float64{1, 3, 6}
	for _, tt := range []struct {
		u    float64
		want int
	}{{0, 0}, {0.16, 0}, {0.17, 1}, {0.49, 1}, {0.5, 2}, {0.999999, 2}} {
		if got := Discrete(tt.u, cum); got != tt.want {
			t.Errorf("Discrete(%g) = %d, want %d", tt.u, got, tt.want)
		}
	}
}

func TestSampleNoAlloc(t *testing.T) {
	var s rng.Stream
	s.Reset(1, 1)
	for _, f := range Families() {
		p := example(f)
		if err := Validate(f, p); err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		if n := testing.AllocsPerRun(100, func() { f.Sample(&s, p) }); n != 0 {
			t.Errorf("%s allocates %v times per draw", f.Name, n)
		}
	}
}

func BenchmarkSample(b *testing.B) {
	for _, f := range Families() {
		p := example(f)
		b.Run(f.Signature(), func(b *testing.B) {
			var s rng.Stream
			s.Reset(1, 1)
			b.ReportAllocs()
			for b.Loop() {
				f.Sample(&s, p)
			}
		})
	}
}
