package model

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/scenario"
)

// compileBoth compiles the scenario at path on the fast path and on the
// plain one (plainPath).
func compileBoth(t *testing.T, path string) (fast, plain *Program) {
	t.Helper()
	for _, pl := range []bool{false, true} {
		plainPath = pl
		sc, err := scenario.Load(path)
		if err != nil {
			plainPath = false
			t.Fatal(err)
		}
		p, err := Compile(sc)
		plainPath = false
		if err != nil {
			t.Logf("%s: %v", path, err)
			return nil, nil
		}
		if pl {
			plain = p
		} else {
			fast = p
		}
	}
	return fast, plain
}

// sameTrials evaluates both programs trial by trial and requires every
// var's value, and every error, to be identical.
func sameTrials(t *testing.T, name string, fast, plain *Program, trials int) {
	t.Helper()
	a, b := fast.NewState(), plain.NewState()
	for trial := range trials {
		ea, eb := fast.Eval(a, 11, trial), plain.Eval(b, 11, trial)
		if fmt.Sprint(ea) != fmt.Sprint(eb) {
			t.Fatalf("%s trial %d: fast path error %v, plain %v", name, trial, ea, eb)
		}
		for i, x := range a.Slots {
			y := b.Slots[i]
			if math.Float64bits(x) != math.Float64bits(y) && !(x != x && y != y) {
				t.Fatalf("%s trial %d: %s = %v on the fast path, %v on the plain one", name, trial, fast.Vars[i].Name, x, y)
			}
		}
	}
}

// TestFastPathEqualsPlainOnScenarios: every shipped scenario gives the
// same values, trial by trial, on the fast path and the plain one.
func TestFastPathEqualsPlainOnScenarios(t *testing.T) {
	paths, _ := filepath.Glob("../../scenarios/*.yaml")
	more, _ := filepath.Glob("../../examples/*/*.yaml")
	paths = append(paths, more...)
	n := 0
	for _, path := range paths {
		fast, plain := compileBoth(t, path)
		if fast == nil {
			continue // not a scenario on its own
		}
		sameTrials(t, path, fast, plain, 3000)
		n++
	}
	if n == 0 {
		t.Fatal("no scenarios found")
	}
}

// TestFastPathEqualsPlainOnRandomRules: randomly generated rule sets,
// with every distribution family at constant and at computed parameters,
// constant-base powers and every operator, give the same values on both
// paths.
func TestFastPathEqualsPlainOnRandomRules(t *testing.T) {
	r := rand.New(rand.NewPCG(2024, 7))
	dir := t.TempDir()
	for k := range 60 {
		text := randomScenario(r)
		path := filepath.Join(dir, fmt.Sprintf("r%d.yaml", k))
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		fast, plain := compileBoth(t, path)
		if fast == nil {
			t.Fatalf("generated scenario does not compile:\n%s", text)
		}
		sameTrials(t, fmt.Sprintf("random scenario %d", k), fast, plain, 400)
	}
}

func randomScenario(r *rand.Rand) string {
	var b strings.Builder
	b.WriteString("name: random\ninputs:\n")
	b.WriteString("  c1: 1.035\n  c2: 0.5\n")
	draws := []string{
		"normal(%g, %g)", "lognormal(%g, 0.3)", "uniform(-1, %g)", "triangular(0, %g, 5)",
		"pert(1, %g, 9)", "beta(%g, 2.5)", "gamma(%g, 1.5)", "bernoulli(%g)",
	}
	var names []string
	for i := range 8 {
		d := draws[r.IntN(len(draws))]
		a := 0.05 + r.Float64()*0.9
		switch {
		case strings.HasPrefix(d, "triangular"):
			a = 5 * r.Float64()
		case strings.HasPrefix(d, "pert"):
			a = 1 + 8*r.Float64()
		case strings.HasPrefix(d, "beta"), strings.HasPrefix(d, "gamma"):
			a = []float64{0.1, 0.5, 1, 2.5, 7}[r.IntN(5)]
		}
		expr := d
		if strings.Count(d, "%g") == 2 {
			expr = fmt.Sprintf(d, a, 0.1+r.Float64())
		} else {
			expr = fmt.Sprintf(d, a)
		}
		name := fmt.Sprintf("x%d", i)
		if len(names) > 0 && r.IntN(3) == 0 {
			// parameters computed from another input
			prev := names[r.IntN(len(names))]
			switch r.IntN(3) {
			case 0:
				expr = fmt.Sprintf("bernoulli(clamp(abs(%s) / 10, 0, 1))", prev)
			case 1:
				expr = fmt.Sprintf("normal(%s, 0.5)", prev)
			default:
				expr = fmt.Sprintf("beta(1 + abs(%s) / 3, 2)", prev)
			}
		}
		if strings.HasPrefix(expr, "bernoulli") {
			expr = "(" + expr + " ? 2 : -1)" // a number, for the rules' arithmetic
		}
		fmt.Fprintf(&b, "  %s: %q\n", name, expr)
		names = append(names, name)
	}
	b.WriteString("rules:\n")
	ops := []string{"%s + %s", "%s - %s", "%s * %s", "%s / (1 + abs(%s))", "min(%s, %s)", "max(%s, %s)",
		"c1 ** -abs(%s) + %s", "c2 ** %s - %s", "(%s > %s ? 1 : 0)", "abs(%s) ** 0.5 + %s", "clamp(%s, -1, %s)"}
	var outs []string
	for i := range 10 {
		op := ops[r.IntN(len(ops))]
		a, c := names[r.IntN(len(names))], names[r.IntN(len(names))]
		name := fmt.Sprintf("r%d", i)
		fmt.Fprintf(&b, "  %s: %q\n", name, fmt.Sprintf(op, a, c))
		names = append(names, name)
		outs = append(outs, name)
	}
	fmt.Fprintf(&b, "outputs: [%s]\n", strings.Join(outs, ", "))
	return b.String()
}
