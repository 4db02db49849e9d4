package lsmc

import (
	"math"
	"math/rand/v2"
	"testing"
)

func TestSplinesPartitionOfUnity(t *testing.T) {
	fb := newFeatureBasis(0, []float64{0, 0.1, 0.2, 0.5, 0.7, 0.9, 1, 1.3, 2, 4}, 5)
	if fb.nb != len(fb.knots)+4 {
		t.Fatalf("nb = %d with %d knots", fb.nb, len(fb.knots))
	}
	var b [maxSplines]float64
	for _, v := range []float64{0, 1e-9, 0.15, 0.5, 1, 1.3, 2.7, 4 - 1e-12, 4} {
		fb.splines(v, &b)
		sum := 0.0
		for i := range fb.nb {
			if b[i] < -1e-12 {
				t.Errorf("B_%d(%g) = %g < 0", i, v, b[i])
			}
			sum += b[i]
		}
		if math.Abs(sum-1) > 1e-12 {
			t.Errorf("Σ B_i(%g) = %.15g, want 1", v, sum)
		}
	}
	// At the ends only the end splines are non-zero.
	fb.splines(0, &b)
	if b[0] != 1 {
		t.Errorf("B_0(lo) = %g, want 1", b[0])
	}
	fb.splines(4, &b)
	if b[fb.nb-1] != 1 {
		t.Errorf("B_last(hi) = %g, want 1", b[fb.nb-1])
	}
}

// sample draws n rows of features from draw and targets from f plus
// normal noise of sd noise.
func sample(n, d, t int, seed uint64, draw func(r *rand.Rand, x []float64), f func(x, y []float64), noise float64) (x, y []float64) {
	r := rand.New(rand.NewPCG(seed, 1))
	x = make([]float64, n*d)
	y = make([]float64, n*t)
	for i := range n {
		draw(r, x[i*d:(i+1)*d])
		f(x[i*d:(i+1)*d], y[i*t:(i+1)*t])
		for q := range t {
			y[i*t+q] += noise * r.NormFloat64()
		}
	}
	return x, y
}

func TestFitFollowsSigmoid(t *testing.T) {
	feats := []Feature{{Name: "signal"}}
	sig := func(v float64) float64 { return 100 / (1 + math.Exp(-8*(v-0.5))) }
	x, y := sample(50_000, 1, 1, 1, func(r *rand.Rand, x []float64) { x[0] = r.Float64() },
		func(x, y []float64) { y[0] = sig(x[0]) }, 5)
	m, err := Fit(feats, x, y, 1)
	if err != nil {
		t.Fatal(err)
	}
	var out [1]float64
	for _, v := range []float64{0.02, 0.2, 0.4, 0.5, 0.6, 0.8, 0.98} {
		m.Predict([]float64{v}, out[:])
		// The noise's SE at a point is about 5·√(cols/n) ≈ 0.07; the
		// spline's bias on a smooth sigmoid is far smaller than 0.5.
		if math.Abs(out[0]-sig(v)) > 0.5 {
			t.Errorf("E[Y | %g] = %.3f, want %.3f", v, out[0], sig(v))
		}
	}
	if math.Abs(m.ResidualSD[0]-5) > 0.1 {
		t.Errorf("residual SD %.3f, want about 5", m.ResidualSD[0])
	}
}

func TestFitGroupsDiscreteExactly(t *testing.T) {
	// Y is a function of the discrete features alone: each group's fit
	// is its mean, exactly.
	feats := []Feature{{Name: "liable", Support: []float64{0, 1}}, {Name: "court", Support: []float64{1, 2, 3}}}
	x, y := sample(3000, 2, 2, 2, func(r *rand.Rand, x []float64) {
		x[0] = float64(r.IntN(2))
		x[1] = float64(1 + r.IntN(3))
	}, func(x, y []float64) {
		y[0] = 10*x[0] + x[1]*x[1]
		y[1] = -x[0]
	}, 0)
	m, err := Fit(feats, x, y, 2)
	if err != nil {
		t.Fatal(err)
	}
	if m.Groups != 6 {
		t.Errorf("%d groups, want 6", m.Groups)
	}
	var out [2]float64
	for _, l := range []float64{0, 1} {
		for _, c := range []float64{1, 2, 3} {
			m.Predict([]float64{l, c}, out[:])
			if want := 10*l + c*c; math.Abs(out[0]-want) > 1e-9 || math.Abs(out[1]+l) > 1e-9 {
				t.Errorf("E[Y | %g, %g] = %v, want [%g %g]", l, c, out, want, -l)
			}
		}
	}
}

func TestFitTensor(t *testing.T) {
	// The award is liability × quantum: within the liable group the
	// product of two continuous features.
	feats := []Feature{{Name: "liable", Support: []float64{0, 1}}, {Name: "claim"}, {Name: "fraction"}}
	f := func(x []float64) float64 { return x[0] * x[1] * x[2] }
	x, y := sample(60_000, 3, 1, 3, func(r *rand.Rand, x []float64) {
		x[0] = float64(r.IntN(2))
		x[1] = 400 + 300*r.Float64()
		x[2] = 0.3 + 0.5*r.Float64()
	}, func(x, y []float64) { y[0] = f(x) }, 10)
	m, err := Fit(feats, x, y, 1)
	if err != nil {
		t.Fatal(err)
	}
	var out [1]float64
	for _, p := range [][]float64{{1, 410, 0.31}, {1, 550, 0.5}, {1, 690, 0.79}, {0, 550, 0.5}} {
		m.Predict(p, out[:])
		if math.Abs(out[0]-f(p)) > 1 {
			t.Errorf("E[Y | %v] = %.3f, want %.3f", p, out[0], f(p))
		}
	}
}

func TestFitAdditiveWithInteractions(t *testing.T) {
	feats := []Feature{{Name: "a"}, {Name: "b"}, {Name: "c"}, {Name: "d"}}
	f := func(x []float64) float64 { return 3*x[0] + x[1]*x[2] - x[3]*x[3] }
	x, y := sample(80_000, 4, 1, 4, func(r *rand.Rand, x []float64) {
		for j := range x {
			x[j] = r.NormFloat64()
		}
	}, func(x, y []float64) { y[0] = f(x) }, 1)
	m, err := Fit(feats, x, y, 1)
	if err != nil {
		t.Fatal(err)
	}
	var out [1]float64
	for _, p := range [][]float64{{0, 0, 0, 0}, {1, 1, 1, 1}, {-1, 0.5, -0.5, 0.3}, {0.2, -1.5, 1.2, -1}} {
		m.Predict(p, out[:])
		if math.Abs(out[0]-f(p)) > 0.15 {
			t.Errorf("E[Y | %v] = %.3f, want %.3f", p, out[0], f(p))
		}
	}
}

func TestPredictClampsAndPools(t *testing.T) {
	feats := []Feature{{Name: "liable", Support: []float64{0, 1}}, {Name: "x"}}
	// Only liable = 1 rows: liable = 0 falls back to the pooled fit.
	x, y := sample(5000, 2, 1, 5, func(r *rand.Rand, x []float64) {
		x[0] = 1
		x[1] = r.Float64()
	}, func(x, y []float64) { y[0] = 2 * x[1] }, 0)
	m, err := Fit(feats, x, y, 1)
	if err != nil {
		t.Fatal(err)
	}
	var out [1]float64
	m.Predict([]float64{1, 5}, out[:]) // clamped to the largest x fitted
	if math.Abs(out[0]-2) > 1e-3 {
		t.Errorf("E[Y | x = 5] = %g, want the value at the range's end, about 2", out[0])
	}
	m.Predict([]float64{0, 0.5}, out[:])
	if math.Abs(out[0]-1) > 1e-3 {
		t.Errorf("pooled E[Y | liable = 0, x = 0.5] = %g, want about 1", out[0])
	}
}

func TestFitFewRows(t *testing.T) {
	feats := []Feature{{Name: "x"}, {Name: "y"}}
	x, y := sample(25, 2, 1, 6, func(r *rand.Rand, x []float64) {
		x[0], x[1] = r.Float64(), r.Float64()
	}, func(x, y []float64) { y[0] = 1 + x[0] - x[1] }, 0)
	m, err := Fit(feats, x, y, 1)
	if err != nil {
		t.Fatal(err)
	}
	var out [1]float64
	m.Predict([]float64{0.5, 0.25}, out[:])
	if math.Abs(out[0]-1.25) > 1e-9 {
		t.Errorf("a linear fit on 25 rows gives %g, want 1.25", out[0])
	}
}

func TestFitErrors(t *testing.T) {
	if _, err := Fit(nil, nil, nil, 1); err == nil {
		t.Error("no rows: no error")
	}
	if _, err := Fit([]Feature{{Name: "x"}}, []float64{1, 2}, []float64{1}, 1); err == nil {
		t.Error("rows that differ: no error")
	}
	if _, err := Fit([]Feature{{Name: "x", Support: []float64{}}}, []float64{1}, []float64{1}, 1); err == nil {
		t.Error("empty support: no error")
	}
}

func TestPredictDoesNotAllocate(t *testing.T) {
	feats := []Feature{{Name: "liable", Support: []float64{0, 1}}, {Name: "a"}, {Name: "b"}, {Name: "c"}}
	x, y := sample(4000, 4, 2, 7, func(r *rand.Rand, x []float64) {
		x[0] = float64(r.IntN(2))
		x[1], x[2], x[3] = r.Float64(), r.Float64(), r.Float64()
	}, func(x, y []float64) { y[0], y[1] = x[1], x[2] }, 0.1)
	m, err := Fit(feats, x, y, 2)
	if err != nil {
		t.Fatal(err)
	}
	row := []float64{1, 0.3, 0.4, 0.5}
	out := make([]float64, 2)
	if n := testing.AllocsPerRun(100, func() { m.Predict(row, out) }); n != 0 {
		t.Errorf("Predict allocates %v times", n)
	}
}

func BenchmarkPredict(b *testing.B) {
	feats := []Feature{{Name: "liable", Support: []float64{0, 1}}, {Name: "a"}, {Name: "b"}}
	x, y := sample(20000, 3, 3, 8, func(r *rand.Rand, x []float64) {
		x[0] = float64(r.IntN(2))
		x[1], x[2] = r.Float64(), r.Float64()
	}, func(x, y []float64) { y[0], y[1], y[2] = x[1], x[2], x[1]*x[2] }, 0.1)
	m, err := Fit(feats, x, y, 3)
	if err != nil {
		b.Fatal(err)
	}
	row := []float64{1, 0.3, 0.4}
	out := make([]float64, 3)
	for b.Loop() {
		m.Predict(row, out)
	}
}

func TestPredictSECoversTruth(t *testing.T) {
	// Over independent samples, the fitted value at a point lies within
	// 1.96 PredictSE of the truth in about 95% of fits: a function the
	// basis follows exactly (cubic), so that only noise counts.
	feats := []Feature{{Name: "x"}}
	f := func(v float64) float64 { return 3 + v - 2*v*v + v*v*v }
	hits, fits := 0, 200
	for seed := range fits {
		x, y := sample(2000, 1, 1, uint64(100+seed), func(r *rand.Rand, x []float64) { x[0] = r.Float64()*2 - 1 },
			func(x, y []float64) { y[0] = f(x[0]) }, 1)
		m, err := Fit(feats, x, y, 1)
		if err != nil {
			t.Fatal(err)
		}
		var out, se [1]float64
		m.Predict([]float64{0.3}, out[:])
		m.PredictSE([]float64{0.3}, se[:])
		if math.Abs(out[0]-f(0.3)) < 1.96*se[0] {
			hits++
		}
	}
	// Binomial(200, 0.95): 4 SE is about 12 hits.
	if hits < 178 || hits > 200 {
		t.Errorf("the 95%% interval covered the truth in %d of %d fits", hits, fits)
	}
}

func TestFitLinearFeatures(t *testing.T) {
	// Spend and time enter linearly, with their products with the
	// others; the signal through a spline.
	feats := []Feature{{Name: "liable", Support: []float64{0, 1}}, {Name: "signal"}, {Name: "spent", Linear: true}, {Name: "years", Linear: true}}
	f := func(x []float64) float64 {
		return x[0]*50/(1+math.Exp(-4*x[1])) - x[2] + 0.3*x[2]*x[1] - 2*x[3]
	}
	x, y := sample(60_000, 4, 1, 9, func(r *rand.Rand, x []float64) {
		x[0] = float64(r.IntN(2))
		x[1] = r.NormFloat64()
		x[2] = 10 + 5*r.Float64()
		x[3] = 1 + r.Float64()
	}, func(x, y []float64) { y[0] = f(x) }, 0.5)
	m, err := Fit(feats, x, y, 1)
	if err != nil {
		t.Fatal(err)
	}
	if m.Columns > 20 {
		t.Errorf("%d columns; the linear features should add 2 + 2·1 + 1, not splines", m.Columns)
	}
	var out, se [1]float64
	for _, p := range [][]float64{{1, -1, 12, 1.5}, {1, 0.5, 14, 1.1}, {0, 0, 11, 1.9}, {1, 1.5, 10.5, 1.2}} {
		m.Predict(p, out[:])
		m.PredictSE(p, se[:])
		// The spline's bias on the sigmoid is well under 0.3.
		if math.Abs(out[0]-f(p)) > 4*se[0]+0.3 {
			t.Errorf("E[Y | %v] = %.3f, want %.3f", p, out[0], f(p))
		}
	}
}

// mixedSample draws n rows of feats, a discrete feature's value 0 or 1
// and a continuous one's normal with sd j+1, and three targets with noise
// 0.1: a sigmoid of the first feature, its product with the last, and a
// bell of the last.
func mixedSample(feats []Feature, n int, seed uint64) (x, y []float64) {
	d := len(feats)
	return sample(n, d, 3, seed, func(r *rand.Rand, x []float64) {
		for j, f := range feats {
			if f.Support != nil {
				x[j] = float64(r.IntN(2))
			} else {
				x[j] = r.NormFloat64() * float64(j+1)
			}
		}
	}, func(x, y []float64) {
		y[0], y[1], y[2] = math.Tanh(x[0]), x[0]*x[d-1], math.Exp(-x[d-1]*x[d-1])
	}, 0.1)
}

// BenchmarkFit fits the shape of a process's regressions: 2^17 rows,
// three splined and two linear features, three targets.
func BenchmarkFit(b *testing.B) {
	feats := []Feature{{Name: "a"}, {Name: "b"}, {Name: "c"}, {Name: "spent", Linear: true}, {Name: "years", Linear: true}}
	x, y := sample(1<<17, 5, 3, 10, func(r *rand.Rand, x []float64) {
		x[0], x[1], x[2] = r.Float64(), r.NormFloat64(), r.ExpFloat64()
		x[3], x[4] = 10+5*r.Float64(), 1+r.Float64()
	}, func(x, y []float64) { y[0], y[1], y[2] = x[0]*x[1], x[2]-x[3], x[4] }, 0.1)
	for b.Loop() {
		if _, err := Fit(feats, x, y, 3); err != nil {
			b.Fatal(err)
		}
	}
}

// splinesAt is the sum of group g's B-splines at value v of its splined
// feature a (and w of its second, for a tensor), target q, by Cox–de
// Boor: what the cubics Predict evaluates are made from.
func (g *group) splinesAt(a int, v, w float64, q, t int) float64 {
	mu, nz := g.feats[a].span(v)
	if g.kind != tensorBasis {
		sum := 0.0
		for r := range 4 {
			sum += nz[r] * g.splines[a][(mu-3+r)*t+q]
		}
		return sum
	}
	nu, nw := g.feats[1].span(w)
	nb1 := g.feats[1].nb
	sum := 0.0
	for r := range 4 {
		for u := range 4 {
			sum += nz[r] * nw[u] * g.tensor[((mu-3+r)*nb1+nu-3+u)*t+q]
		}
	}
	return sum
}

// cubicsAt is the same from the cubics.
func (g *group) cubicsAt(a int, v, w float64, q, t int) float64 {
	f := &g.feats[a]
	mu := f.spanOf(v)
	s := (v - f.t[mu]) * g.spanInv[a][mu-3]
	if g.kind != tensorBasis {
		p := g.polyS[a][((mu-3)*t+q)*4:]
		return p[0] + s*(p[1]+s*(p[2]+s*p[3]))
	}
	f1 := &g.feats[1]
	nu := f1.spanOf(w)
	s1 := (w - f1.t[nu]) * g.spanInv[1][nu-3]
	p := g.polyT[(((mu-3)*g.spans1+nu-3)*t+q)*16:]
	sum := 0.0
	for i := range 4 {
		for j := range 4 {
			sum += p[i*4+j] * math.Pow(s, float64(i)) * math.Pow(s1, float64(j))
		}
	}
	return sum
}

// TestPredictCubicsMatchSplines: the cubics Predict evaluates on each
// span (bicubics on each cell of a tensor) agree with the B-splines' sum
// they are made from, for one splined feature, a tensor of two and three
// (additive), at the knots and between them.
func TestPredictCubicsMatchSplines(t *testing.T) {
	for _, tc := range []struct {
		name  string
		feats []Feature
		kind  basisKind
	}{
		{"spline", []Feature{{Name: "a"}}, splineBasis},
		{"tensor", []Feature{{Name: "liable", Support: []float64{0, 1}}, {Name: "a"}, {Name: "b"}}, tensorBasis},
		{"tensor and linear", []Feature{{Name: "a"}, {Name: "b"}, {Name: "spent", Linear: true}}, tensorBasis},
		{"additive", []Feature{{Name: "a"}, {Name: "b"}, {Name: "c"}, {Name: "years", Linear: true}}, additiveBasis},
	} {
		x, y := mixedSample(tc.feats, 20_000, 11)
		m, err := Fit(tc.feats, x, y, 3)
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, g := range m.groups {
			if g == nil {
				continue
			}
			if g.kind != tc.kind {
				t.Fatalf("%s: a group of kind %d, want %d", tc.name, g.kind, tc.kind)
			}
			n := g.nS
			if g.kind == tensorBasis {
				n = 1 // its two features together
			}
			for a := range n {
				f, f1 := g.feats[a], g.feats[min(a+1, len(g.feats)-1)]
				// The knots, the ends, and points between.
				vs := append([]float64{f.lo, f.hi}, f.knots...)
				for k := range 50 {
					vs = append(vs, f.lo+(f.hi-f.lo)*float64(k)/49)
				}
				for i, v := range vs {
					w := f1.lo + (f1.hi-f1.lo)*float64(i%17)/16
					for q := range 3 {
						got, want := g.cubicsAt(a, v, w, q, 3), g.splinesAt(a, v, w, q, 3)
						if math.Abs(got-want) > 1e-9*(1+math.Abs(want)) {
							t.Fatalf("%s: feature %d at %g (and %g), target %d: cubic %.15g, splines %.15g", tc.name, a, v, w, q, got, want)
						}
						checked++
					}
				}
			}
		}
		if checked == 0 {
			t.Fatalf("%s: nothing checked", tc.name)
		}
	}
}

// TestPredictFewRows: a group with too few rows for any column but the
// intercept predicts its mean, whatever its continuous features.
func TestPredictFewRows(t *testing.T) {
	feats := []Feature{{Name: "a"}, {Name: "b"}}
	x := []float64{0.1, 5, 0.4, 3, 0.2, 9, 0.9, 1, 0.5, 2, 0.3, 7, 0.8, 4, 0.6, 6, 0.7, 8, 0.05, 0.5, 0.15, 2.5, 0.25, 3.5}
	y := make([]float64, len(x)/2)
	mean := 0.0
	for i := range y {
		y[i] = float64(i)
		mean += y[i] / float64(len(y))
	}
	m, err := Fit(feats, x, y, 1)
	if err != nil {
		t.Fatal(err)
	}
	if m.Columns != 1 {
		t.Fatalf("%d columns from %d rows; the test wants the intercept alone", m.Columns, len(y))
	}
	var out [1]float64
	for _, row := range [][]float64{{0.3, 4}, {-1, 100}, {2, -3}} {
		m.Predict(row, out[:])
		if math.Abs(out[0]-mean) > 1e-12 {
			t.Errorf("E[Y | %v] = %g, want the mean %g", row, out[0], mean)
		}
	}
}

// BenchmarkFitMany fits the shape of the reference case's fit before an
// appeal: six splined and three linear features, three targets.
func BenchmarkFitMany(b *testing.B) {
	feats := []Feature{{Name: "a"}, {Name: "b"}, {Name: "c"}, {Name: "d"}, {Name: "e"}, {Name: "f"}, {Name: "spent", Linear: true}, {Name: "years", Linear: true}, {Name: "g", Linear: true}}
	x, y := sample(1<<17, 9, 3, 10, func(r *rand.Rand, x []float64) {
		x[0], x[1], x[2] = r.Float64(), r.NormFloat64(), r.ExpFloat64()
		x[3], x[4], x[5] = r.Float64(), r.NormFloat64(), r.ExpFloat64()
		x[6], x[7], x[8] = 10+5*r.Float64(), 1+r.Float64(), r.Float64()
	}, func(x, y []float64) { y[0], y[1], y[2] = x[0]*x[1], x[2]-x[3], x[4] }, 0.1)
	for b.Loop() {
		if _, err := Fit(feats, x, y, 3); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPredictMany predicts from the fit of BenchmarkFitMany's shape
// at rows that move from span to span, as a run's trials do.
func BenchmarkPredictMany(b *testing.B) {
	feats := []Feature{{Name: "a"}, {Name: "b"}, {Name: "c"}, {Name: "d"}, {Name: "e"}, {Name: "f"}, {Name: "spent", Linear: true}, {Name: "years", Linear: true}, {Name: "g", Linear: true}}
	x, y := sample(1<<15, 9, 3, 10, func(r *rand.Rand, x []float64) {
		x[0], x[1], x[2] = r.Float64(), r.NormFloat64(), r.ExpFloat64()
		x[3], x[4], x[5] = r.Float64(), r.NormFloat64(), r.ExpFloat64()
		x[6], x[7], x[8] = 10+5*r.Float64(), 1+r.Float64(), r.Float64()
	}, func(x, y []float64) { y[0], y[1], y[2] = x[0]*x[1], x[2]-x[3], x[4] }, 0.1)
	m, err := Fit(feats, x, y, 3)
	if err != nil {
		b.Fatal(err)
	}
	out := make([]float64, 3)
	i := 0
	for b.Loop() {
		m.Predict(x[i*9:(i+1)*9], out)
		i = (i + 1) % 1024
	}
}

// TestPredict3IsPredictN: the sum for three targets in variables gives
// the bits of the sum for any number in an array, for every kind of
// basis, linear terms, pairs and the pooled fit's indicators.
func TestPredict3IsPredictN(t *testing.T) {
	kinds := map[basisKind]bool{}
	dummies := false
	for _, tc := range []struct {
		name  string
		feats []Feature
		rows  int
	}{
		{"spline", []Feature{{Name: "a"}}, 20_000},
		{"tensor", []Feature{{Name: "liable", Support: []float64{0, 1}}, {Name: "a"}, {Name: "b"}}, 20_000},
		{"tensor and linear", []Feature{{Name: "a"}, {Name: "b"}, {Name: "spent", Linear: true}}, 20_000},
		{"additive", []Feature{{Name: "a"}, {Name: "b"}, {Name: "c"}, {Name: "years", Linear: true}}, 20_000},
		{"many", []Feature{{Name: "a"}, {Name: "b"}, {Name: "c"}, {Name: "d"}, {Name: "e"}, {Name: "y", Linear: true}, {Name: "s", Linear: true}}, 20_000},
		{"linear", []Feature{{Name: "a"}, {Name: "b"}, {Name: "c"}, {Name: "d"}}, 60},
		{"pooled", []Feature{{Name: "k", Support: []float64{0, 1, 2, 3, 4, 5, 6, 7}}, {Name: "a"}}, 400},
	} {
		d := len(tc.feats)
		x, y := mixedSample(tc.feats, tc.rows, 5)
		m, err := Fit(tc.feats, x, y, 3)
		if err != nil {
			t.Fatal(err)
		}
		r := rand.New(rand.NewPCG(9, 9))
		row := make([]float64, d)
		for range 2000 {
			for j, f := range tc.feats {
				if f.Support != nil {
					row[j] = float64(r.IntN(len(f.Support)))
				} else {
					row[j] = r.NormFloat64() * float64(j+2) // beyond the fit's range too
				}
			}
			g := m.groups[m.groupOf(row)]
			if g == nil {
				g = m.pooled
			}
			kinds[g.kind] = true
			dummies = dummies || len(g.dummies) > 0
			var mu [MaxFeatures]int
			var sv, z [MaxFeatures]float64
			g.locate(row, &mu, &sv, &z)
			var got, want [3]float64
			m.predict3(g, row, &mu, &sv, &z, got[:])
			m.predictN(g, row, &mu, &sv, &z, want[:])
			if got != want {
				t.Fatalf("%s at %v: %v in variables, %v in an array", tc.name, row, got, want)
			}
			var viaPredict [3]float64
			if m.Predict(row, viaPredict[:]); viaPredict != got {
				t.Fatalf("%s at %v: Predict gives %v, predict3 %v", tc.name, row, viaPredict, got)
			}
		}
	}
	if len(kinds) != 4 || !dummies {
		t.Errorf("checked kinds %v and the pooled fit's indicators %v; want all four kinds and indicators", kinds, dummies)
	}
}

// splines sets b[0:nb] to every cubic B-spline of f at v.
func (f *featureBasis) splines(v float64, b *[maxSplines]float64) {
	mu, nz := f.span(v)
	for i := range f.nb {
		b[i] = 0
	}
	for r := range 4 {
		b[mu-3+r] = nz[r]
	}
}
