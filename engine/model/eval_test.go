package model_test

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/scenario"
)

const seed = 20080527

func TestMoneyLiterals(t *testing.T) {
	tests := []struct {
		expr string
		want float64
		unit string
	}{
		{"£700m", 700_000_000, "GBP"},
		{"1.1bn", 1_100_000_000, "GBP"},
		{"143_000_000", 143_000_000, ""},
		{"£250k", 250_000, "GBP"},
		{"£143m", 143_000_000, "GBP"},
		{"£1.1bn - £700m", 400_000_000, "GBP"},
		{"£2.5m", 2_500_000, "GBP"},
		{"£0.1m", 100_000, "GBP"},
		{"1.5K + 2M + 3BN + 4Bn", 7_002_001_500, "GBP"},
		{"£1.23456789bn", 1_234_567_890, "GBP"},
		{"£1", 1, "GBP"},
		{"£2000000bn", 2e15, "GBP"},
		{"£0.000001", 0.000001, "GBP"},
		{"-£5m", -5_000_000, "GBP"},
		{"2 * £5m", 10_000_000, "GBP"},
		{"£5m / 2", 2_500_000, "GBP"},
		{"£5m / £1m", 5, ""},
		{"1.5e3", 1500, ""},
		{"1e6 + 1", 1_000_001, ""},
		{"2**3", 8, ""},
		{"2 ** 3", 8, ""},
		{"2^3", 8, ""},
		{"2^3^2", 512, ""},
		{"-2**2", -4, ""},
		{"7 / 2", 3.5, ""},
		{"10 % 3", 1, ""},
		{"0.35", 0.35, ""},
		{".5", 0.5, ""},
		{"1_000.5", 1000.5, ""},
		{"max(£1m, 2)", 1_000_000, "GBP"},
		{"(£1m)", 1_000_000, "GBP"},
		{"true ? £3m : £4m", 3_000_000, "GBP"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			p := compile(t, fmt.Sprintf("inputs:\n  x: %q\noutputs: [x]\n", tt.expr))
			v, _ := p.Lookup("x")
			if v.Random || v.Const != tt.want {
				t.Errorf("%s = %v (random %v), want exactly %v", tt.expr, v.Const, v.Random, tt.want)
			}
			if v.Unit != tt.unit {
				t.Errorf("unit of %s = %q, want %q", tt.expr, v.Unit, tt.unit)
			}
		})
	}
}

func TestUnits(t *testing.T) {
	p := compile(t, `inputs:
  claim: pert(£400m, £600m, £700m)
  cap: £700m
  share: beta(2, 3)
  rate:
    value: 0.05
    unit: fraction
  count: 41
  noisy: normal(£1m, £0.1m)
  weighted: discrete([£1m, £2m], [1, 1])
rules:
  award: claim * share
  capped: min(award, cap)
  interest: award * rate
  per_site: cap / count
  ratio: award / cap
  chosen: "share > 0.5 ? award : 0"
  declared:
    expr: share * 100
    unit: percent
  sum: count + count
outputs: [award]
`)
	want := map[string]string{
		"claim": "GBP", "cap": "GBP", "share": "", "rate": "fraction", "count": "", "noisy": "GBP", "weighted": "GBP",
		"award": "GBP", "capped": "GBP", "interest": "GBP", "per_site": "GBP", "ratio": "", "chosen": "GBP",
		"declared": "percent", "sum": "",
	}
	for name, unit := range want {
		v, ok := p.Lookup(name)
		if !ok {
			t.Errorf("no %s", name)
			continue
		}
		if v.Unit != unit {
			t.Errorf("unit of %s = %q, want %q", name, v.Unit, unit)
		}
	}
}

// TestFunctions evaluates each expression of a with a = 3, once as a
// constant and once as a value sampled in every trial.
func TestFunctions(t *testing.T) {
	tests := []struct {
		expr string
		want float64
		typ  model.Type
	}{
		{"exp(a - 2)", math.E, model.Number},
		{"exp(a - 3)", 1, model.Number},
		{"log(a)", math.Log(3), model.Number},
		{"log(exp(a))", 3, model.Number},
		{"sqrt(a * 3)", 3, model.Number},
		{"sqrt(a - 1)", math.Sqrt2, model.Number},
		{"clamp(a, 0, 2)", 2, model.Number},
		{"clamp(a, 4, 5)", 4, model.Number},
		{"clamp(a, 0, 10)", 3, model.Number},
		{"min(a, 1, 2)", 1, model.Number},
		{"min(a, 4)", 3, model.Number},
		{"min(5, 4, a, 6)", 3, model.Number},
		{"max(a, 1, 7)", 7, model.Number},
		{"max(a, 1)", 3, model.Number},
		{"max(1, 2, a)", 3, model.Number},
		{"abs(-a)", 3, model.Number},
		{"abs(a - 5)", 2, model.Number},
		{"floor(a / 2)", 1, model.Number},
		{"ceil(a / 2)", 2, model.Number},
		{"round(a / 2)", 2, model.Number},
		{"round(-a / 2)", -2, model.Number},
		{"a > 2 ? 10 : 20", 10, model.Number},
		{"a < 2 ? 10 : 20", 20, model.Number},
		{"a > 5 ? 1 : a > 2 ? 2 : 3", 2, model.Number},
		{"if a > 2 { 10 } else { 20 }", 10, model.Number},
		{"a == 3", 1, model.Bool},
		{"a != 3", 0, model.Bool},
		{"a >= 3", 1, model.Bool},
		{"a > 3", 0, model.Bool},
		{"a <= 2.9", 0, model.Bool},
		{"a < 3.1", 1, model.Bool},
		{"a > 1 && a < 2", 0, model.Bool},
		{"a > 1 && a < 4", 1, model.Bool},
		{"a > 1 and a < 4", 1, model.Bool},
		{"a < 1 || a > 2", 1, model.Bool},
		{"a < 1 or a > 5", 0, model.Bool},
		{"!(a > 2)", 0, model.Bool},
		{"not (a > 5)", 1, model.Bool},
		{"(a > 2) == (a > 1)", 1, model.Bool},
		{"a ** 2", 9, model.Number},
		{"a ^ 2", 9, model.Number},
		{"-a", -3, model.Number},
		{"+a", 3, model.Number},
		{"a / 2", 1.5, model.Number},
		{"a - 10", -7, model.Number},
		{"a % 2", 1, model.Number},
		{"-a % 2", -1, model.Number},
		{"(a + 0.5) % 2", 1.5, model.Number},
		{"10 % a", 1, model.Number},
		{"a * 5 % 4", 3, model.Number},
		{"(a + 1) * 2", 8, model.Number},
	}
	for _, tt := range tests {
		for _, a := range []string{"3", "zero + 3"} {
			random := a != "3"
			t.Run(tt.expr+"/"+a, func(t *testing.T) {
				p := compile(t, fmt.Sprintf("inputs:\n  zero: uniform(0, 0)\n  a: %s\nrules:\n  r: %q\noutputs: [r]\n", a, tt.expr))
				v, _ := p.Lookup("r")
				if v.Random != random || v.Type != tt.typ {
					t.Fatalf("r is random %v, type %v; want %v, %v", v.Random, v.Type, random, tt.typ)
				}
				got := v.Const
				if random {
					got = sample(t, p, seed, 3, "r")[0][2]
				}
				if math.Abs(got-tt.want) > 1e-12 {
					t.Errorf("%s = %v, want %v", tt.expr, got, tt.want)
				}
			})
		}
	}
}

// TestDependencyOrder checks that rules written in any order are
// evaluated after what they depend on, with each trial's values.
func TestDependencyOrder(t *testing.T) {
	p := compile(t, `rules:
  total: sub + half
  half: sub / 2
  sub: a * b
inputs:
  b: uniform(1, 2)
  a: uniform(0, b)
outputs: [total]
`)
	pos := map[string]int{}
	for i, v := range p.Vars {
		pos[v.Name] = i
	}
	for _, v := range p.Vars {
		for _, d := range v.Deps {
			if pos[d] >= pos[v.Name] {
				t.Errorf("%s is evaluated before its dependency %s", v.Name, d)
			}
		}
	}
	xs := sample(t, p, seed, 1000, "a", "b", "sub", "half", "total")
	a, b, sub, half, total := xs[0], xs[1], xs[2], xs[3], xs[4]
	for i := range a {
		if !(a[i] >= 0 && a[i] <= b[i] && b[i] >= 1 && b[i] <= 2) {
			t.Fatalf("trial %d: a = %v, b = %v", i, a[i], b[i])
		}
		if sub[i] != a[i]*b[i] || half[i] != sub[i]/2 || total[i] != sub[i]+half[i] {
			t.Fatalf("trial %d: a %v b %v sub %v half %v total %v", i, a[i], b[i], sub[i], half[i], total[i])
		}
	}
	if a[0] == a[1] {
		t.Error("a does not vary between trials")
	}
}

// TestInputOfInput checks that an input's parameters may be drawn from
// another input, in the same trial: liability ~ bernoulli(p) with
// p ~ beta(2, 5) is true with probability E[p] = 2/7, and
// E[p·liability] = E[p²].
func TestInputOfInput(t *testing.T) {
	p := compile(t, `inputs:
  liability: bernoulli(p)
  p: beta(2, 5)
rules:
  paid: "liability ? p : 0"
outputs: [liability]
`)
	const n = 50_000
	xs := sample(t, p, seed, n, "liability", "paid")
	m, se := meanSE(xs[0])
	within(t, "P(liability)", m, 2.0/7, se)
	a, b := 2.0, 5.0
	ep2 := a*b/((a+b)*(a+b)*(a+b+1)) + (a/(a+b))*(a/(a+b))
	m, se = meanSE(xs[1])
	within(t, "E[p·liability]", m, ep2, se)
	for _, x := range xs[0] {
		if x != 0 && x != 1 {
			t.Fatalf("bernoulli drew %v", x)
		}
	}
}

// TestDrawsOncePerCallSite checks that an input is drawn once per trial
// however often it is used, and that each call of a distribution is a
// draw of its own.
func TestDrawsOncePerCallSite(t *testing.T) {
	p := compile(t, `inputs:
  x: normal(0, 1)
  z: normal(0, 1) - normal(0, 1)
rules:
  y: x - x
  d: x + x
outputs: [y]
`)
	const n = 50_000
	xs := sample(t, p, seed, n, "x", "y", "z", "d")
	for i, y := range xs[1] {
		if y != 0 {
			t.Fatalf("trial %d: x - x = %v", i, y)
		}
	}
	v, se := varianceSE(xs[0])
	within(t, "var(x)", v, 1, se)
	v, se = varianceSE(xs[2])
	within(t, "var(normal(0,1) - normal(0,1))", v, 2, se)
	v, se = varianceSE(xs[3])
	within(t, "var(x + x)", v, 4, se)
}

func TestDiscreteFrequencies(t *testing.T) {
	p := compile(t, `inputs:
  d: discrete([1, 2, 3], [0.2, 0.3, 0.5])
  w: uniform(0, 1)
  v: discrete([10, 20], [w, 1 - w])
outputs: [d]
`)
	const n = 50_000
	xs := sample(t, p, seed, n, "d", "v")
	for _, c := range []struct {
		value, p float64
	}{{1, 0.2}, {2, 0.3}, {3, 0.5}} {
		var k float64
		for _, x := range xs[0] {
			if x == c.value {
				k++
			}
		}
		f := k / n
		within(t, fmt.Sprintf("frequency of %v", c.value), f, c.p, math.Sqrt(c.p*(1-c.p)/n))
	}
	for _, x := range xs[0] {
		if x != 1 && x != 2 && x != 3 {
			t.Fatalf("discrete drew %v", x)
		}
	}
	// with weights w and 1-w, w ~ U(0,1): P(10) = E[w] = 1/2
	var k float64
	for _, x := range xs[1] {
		if x == 10 {
			k++
		} else if x != 20 {
			t.Fatalf("discrete drew %v", x)
		}
	}
	within(t, "frequency of 10", k/n, 0.5, math.Sqrt(0.25/n))
}

// TestClosedForm simulates the payoff max(S - K, 0) of S ~ lognormal(mu,
// sigma), whose expectation is known in closed form.
func TestClosedForm(t *testing.T) {
	const mu, sigma, K = 0.1, 0.4, 1.2
	p := compile(t, fmt.Sprintf(`inputs:
  S: lognormal(mu, sigma)
  mu: %v
  sigma: %v
  K: %v
rules:
  payoff: max(S - K, 0)
outputs: [payoff]
`, mu, sigma, K))
	d1 := (mu - math.Log(K) + sigma*sigma) / sigma
	d2 := d1 - sigma
	phi := distuv.UnitNormal.CDF
	truth := math.Exp(mu+sigma*sigma/2)*phi(d1) - K*phi(d2)
	const n = 200_000
	xs := sample(t, p, seed, n, "payoff", "S")
	m, se := meanSE(xs[0])
	within(t, "E[max(S - K, 0)]", m, truth, se)
	m, se = meanSE(xs[1])
	within(t, "E[S]", m, math.Exp(mu+sigma*sigma/2), se)
}

func TestEvalDeterministic(t *testing.T) {
	p := compile(t, "inputs:\n  x: normal(0, 1)\n  y: pert(1, 2, 5) + x\noutputs: [y]\n")
	a := sample(t, p, seed, 100, "y")[0]
	b := sample(t, p, seed, 100, "y")[0]
	c := sample(t, p, seed+1, 100, "y")[0]
	same := 0
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("trial %d: %v then %v with the same seed", i, a[i], b[i])
		}
		if a[i] == c[i] {
			same++
		}
	}
	if same > 0 {
		t.Errorf("%d trials equal under another seed", same)
	}
	// A trial's values do not depend on the trials evaluated before it.
	s := p.NewState()
	v, _ := p.Lookup("y")
	if err := p.Eval(s, seed, 57); err != nil {
		t.Fatal(err)
	}
	if s.Slots[v.Slot] != a[57] {
		t.Errorf("trial 57 alone = %v, in sequence %v", s.Slots[v.Slot], a[57])
	}
}

// TestEvalError checks that parameters computed from other inputs are
// checked in every trial, and that a failure names the trial and input.
func TestEvalError(t *testing.T) {
	tests := []struct {
		name, text, input, pos string
		msg                    []string
	}{
		{"normal sd", "inputs:\n  x: uniform(-1, 1)\n  y: 1 + normal(0, x)\noutputs: [y]\n",
			"y", "s.yaml:3:10", []string{"normal(mean, sd): sd (-", "must not be negative"}},
		{"discrete weight", "inputs:\n  w: uniform(-1, 1)\n  d: discrete([1, 2], [w, 1])\noutputs: [d]\n",
			"d", "s.yaml:3:6", []string{"discrete: weight 1 is -", "weights must be 0 or more"}},
		{"pert order", "inputs:\n  lo: uniform(1, 2)\n  v:\n    value: pert(lo, 1.5, 2)\noutputs: [v]\n",
			"v", "s.yaml:4:12", []string{"pert(min, mode, max): mode (1.5) must lie between min (1."}},
		{"non-finite parameter", "inputs:\n  x: uniform(-1, 1)\n  y: bernoulli(sqrt(x) / 2)\noutputs: [y]\n",
			"y", "s.yaml:3:6", []string{"bernoulli(p): p is NaN; parameters must be finite numbers"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, dir := load(t, tt.text)
			p, err := model.Compile(sc)
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			s := p.NewState()
			failed, ok := 0, 0
			for trial := range 200 {
				err := p.Eval(s, seed, trial)
				if err == nil {
					ok++
					continue
				}
				failed++
				var ee *model.EvalError
				if !errors.As(err, &ee) {
					t.Fatalf("trial %d: error %v (%T) is not a *model.EvalError", trial, err, err)
				}
				got := strings.TrimPrefix(ee.Pos.String(), dir+"/")
				if ee.Trial != trial || ee.Name != tt.input || got != tt.pos {
					t.Errorf("trial %d: error names trial %d, input %s, at %s; want %s at %s", trial, ee.Trial, ee.Name, got, tt.input, tt.pos)
				}
				for _, frag := range tt.msg {
					if !strings.Contains(ee.Msg, frag) {
						t.Errorf("message %q does not contain %q", ee.Msg, frag)
					}
				}
				if want := fmt.Sprintf(": trial %d: %s: ", trial, tt.input); !strings.Contains(err.Error(), want) {
					t.Errorf("Error() = %q, want it to contain %q", err, want)
				}
			}
			// about half of the trials fail, and a failure does not
			// carry over to the trials after it
			if failed < 50 || ok < 50 {
				t.Errorf("%d trials failed and %d succeeded", failed, ok)
			}
		})
	}
}

// TestEvalAllocs checks that evaluating a trial of the reference
// scenario allocates nothing.
func TestEvalAllocs(t *testing.T) {
	sc, err := scenario.Load("../../scenarios/one-step.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := model.Compile(sc)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Sampled) == 0 || len(p.Outputs) == 0 {
		t.Fatalf("reference scenario has %d sampled inputs and %d outputs", len(p.Sampled), len(p.Outputs))
	}
	s := p.NewState()
	trial := 0
	allocs := testing.AllocsPerRun(1000, func() {
		if err := p.Eval(s, sc.Seed, trial); err != nil {
			panic(err)
		}
		trial++
	})
	if allocs != 0 {
		t.Errorf("Eval allocates %v times a trial, want 0", allocs)
	}
	// and the outputs are finite numbers
	for _, v := range p.Outputs {
		if x := s.Slots[v.Slot]; math.IsNaN(x) || math.IsInf(x, 0) {
			t.Errorf("output %s = %v", v.Name, x)
		}
	}
}

// TestSetCompiles checks that a --set replacement is compiled in place
// of the input, and that its errors point at the setting.
func TestSetCompiles(t *testing.T) {
	text := "inputs:\n  claim: pert(£400m, £600m, £700m)\nrules:\n  award: claim / 2\noutputs: [award]\n"
	sc, _ := load(t, text)
	if err := sc.Set("claim", "£500m"); err != nil {
		t.Fatal(err)
	}
	p, err := model.Compile(sc)
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := p.Lookup("award"); v.Random || v.Const != 250_000_000 || v.Unit != "GBP" {
		t.Errorf("award = %v (random %v, unit %q)", v.Const, v.Random, v.Unit)
	}

	sc, _ = load(t, text)
	if err := sc.Set("claim", "normal(£1m, clam)"); err != nil {
		t.Fatal(err)
	}
	_, err = model.Compile(sc)
	if err == nil || err.Error() != `--set claim:1:13: unknown name "clam" in input claim; did you mean claim?` {
		t.Errorf("error = %v", err)
	}
}

// TestEvalConcurrent checks that one Program evaluates trials in several
// goroutines, each with its own State, with the results of one.
func TestEvalConcurrent(t *testing.T) {
	sc, err := scenario.Load("../../scenarios/one-step.yaml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := model.Compile(sc)
	if err != nil {
		t.Fatal(err)
	}
	const n, workers = 2000, 4
	want := sample(t, p, sc.Seed, n, "supplier_net")[0]
	got := make([]float64, n)
	slot := p.Outputs[0].Slot
	if p.Outputs[0].Name != "supplier_net" {
		t.Fatalf("first output is %s", p.Outputs[0].Name)
	}
	errs := make(chan error, workers)
	for w := range workers {
		go func() {
			s := p.NewState()
			for trial := w; trial < n; trial += workers {
				if err := p.Eval(s, sc.Seed, trial); err != nil {
					errs <- err
					return
				}
				got[trial] = s.Slots[slot]
			}
			errs <- nil
		}()
	}
	for range workers {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("trial %d: %v in parallel, %v alone", i, got[i], want[i])
		}
	}
}
