package model

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/sampling"
)

// TestFusedShapesEqualPlain: rules in every shape fuse.go fuses (slot and
// constant operands on either side of + - * /, negated slots, powers of
// a constant base, min and max, ?: on a true/false input, bernoulli with
// a computed p, valid or not) give the same values, and the same errors,
// trial by trial, on the fast path and the plain one.
func TestFusedShapesEqualPlain(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 2025))
	dir := t.TempDir()
	shapes := []string{
		"%[1]s + %[2]s", "%[1]s - %[2]s", "%[1]s * %[2]s", "%[1]s / %[2]s",
		"%[1]s + 2.5", "%[1]s - 2.5", "%[1]s * 2.5", "%[1]s / 2.5",
		"2.5 + %[1]s", "2.5 - %[1]s", "2.5 * %[1]s", "2.5 / %[1]s",
		"(%[1]s * %[2]s) + %[2]s", "%[1]s - (%[2]s * 3)", "%[1]s * (%[2]s + 1)", "(%[1]s - 1) / %[2]s",
		"(%[1]s + 1) * 2", "3 - (%[1]s * %[2]s)", "-%[1]s", "-(%[1]s + %[2]s)",
		"c1 ** -%[1]s", "c1 ** %[1]s", "c1 ** -(%[1]s * 2)",
		"min(%[1]s, %[2]s)", "max(%[1]s, %[2]s)", "min(%[1]s, 1)", "max(%[1]s, 1)",
		"min(%[1]s * 2, %[2]s)", "max(%[1]s - 1, %[2]s)", "min(%[1]s - 1, 0.5)", "max(%[1]s, %[2]s + 1)", "min(1, %[1]s)",
		"b0 ? %[1]s : %[2]s", "b0 ? %[1]s : %[2]s + 1", "b0 ? %[1]s * 2 : %[2]s", "b0 ? %[1]s + 1 : %[2]s - 1",
		"b1 ? 1 : %[1]s", "b1 ? %[1]s : 0", "(%[1]s > %[2]s) ? %[1]s : %[2]s",
	}
	for k := range 40 {
		var b strings.Builder
		b.WriteString("name: fused\ninputs:\n  c1: 1.035\n")
		b.WriteString("  b0: bernoulli(0.4)\n  b1: bernoulli(0.7)\n")
		b.WriteString("  x0: normal(1, 2)\n  x1: pert(0.1, 0.5, 0.9)\n  x2: uniform(-1, 3)\n  x3: beta(2, 3)\n")
		// bernoulli with p from an input: in [0, 1], and not always
		b.WriteString("  b2: bernoulli(x3)\n  b3: bernoulli(x1 * 1.2)\n")
		names := []string{"x0", "x1", "x2", "x3", "(b2 ? 1 : -1)", "(b3 ? 2 : 0)"}
		b.WriteString("rules:\n")
		var outs []string
		for i := range 12 {
			shape := shapes[r.IntN(len(shapes))]
			a, c := names[r.IntN(len(names))], names[r.IntN(len(names))]
			name := fmt.Sprintf("r%d", i)
			fmt.Fprintf(&b, "  %s: %q\n", name, fmt.Sprintf(shape, a, c))
			names = append(names, name)
			outs = append(outs, name)
		}
		fmt.Fprintf(&b, "outputs: [%s]\n", strings.Join(outs, ", "))
		path := filepath.Join(dir, fmt.Sprintf("f%d.yaml", k))
		if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
		fast, plain := compileBoth(t, path)
		if fast == nil {
			t.Fatalf("generated scenario does not compile:\n%s", b.String())
		}
		sameTrials(t, fmt.Sprintf("fused scenario %d:\n%s", k, b.String()), fast, plain, 400)
		if k%10 == 0 { // the plans' uniforms, for the draws' quasi branch
			for _, m := range []sampling.Method{sampling.LHS, sampling.Sobol} {
				f, err1 := fast.WithSampler(m, 400)
				pl, err2 := plain.WithSampler(m, 400)
				if err1 != nil || err2 != nil {
					t.Fatal(err1, err2)
				}
				sameTrials(t, fmt.Sprintf("fused scenario %d, %v:\n%s", k, m, b.String()), f, pl, 400)
			}
		}
	}
}
