package compare

import (
	"math"
	"slices"
	"strings"
	"testing"
)

func TestParsePolicyErrors(t *testing.T) {
	for _, tc := range []struct{ src, want string }{
		{"fail_if: significant && abs(mean_rell) > 0.02\n", `p.yaml:1:29: condition: unknown name mean_rell; did you mean mean_rel?`},
		{"fail_if: significant && frobnicate > 0.02\n", `p.yaml:1:25: condition: unknown name frobnicate; a condition may use name, unit, significant`},
		{"fail_if: \"mean_rel > £5x\"\n", `p.yaml:1:`},
		{"fail_if: mean_rel + 1\n", `p.yaml:1:10: condition: a condition must be true or false, not a number; compare it, as in mean_rel > 0.02`},
		{"fail_iff: significant\n", `p.yaml:1:1: unknown key "fail_iff" in policy; a policy has alpha, fail_if, figures and outputs; did you mean fail_if?`},
		{"alpha: 2\n", `p.yaml:1:8: alpha "2" is not a significance level; write a number between 0 and 1, such as 0.05`},
		{"outputs: [a, b]\n", `p.yaml:1:10: outputs must be a mapping`},
		{"outputs:\n  a: [significant, {x: 1}]\n", `p.yaml:2:20: expected a condition`},
		{"fail_if: significant\n  x: : y\n", `p.yaml:2: malformed YAML`},
		{"", `p.yaml: empty policy`},
		{"fail_if: ''\n", `p.yaml:1:11: condition: empty condition`},
		{"fail_if: len(repeat(repeat('ab', 10000), 100000)) > 0\n", `p.yaml:1:14: condition: unknown name repeat; a condition may use name, unit, significant`},
		{"fail_if: abss(mean_rel) > 0.1\n", `p.yaml:1:10: condition: unknown name abss; did you mean abs?`},
		{"alpha: 0.05\nfail_if: significant\nalpha: 0.01\n", `p.yaml:3:1: key "alpha" is given twice in this mapping; first at p.yaml:1:1; remove one of them, or merge them`},
		{"outputs:\n  x: significant\n  x: p_value < 0.01\n", `p.yaml:3:3: key "x" is given twice in this mapping; first at p.yaml:2:3`},
	} {
		_, err := ParsePolicy("p.yaml", []byte(tc.src))
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("%q:\n got %v\nwant %s…", tc.src, err, tc.want)
		}
	}
	// Every problem at once.
	_, err := ParsePolicy("p.yaml", []byte("fail_if: nosuch\nalpha: -1\noutputs:\n  x: also_nosuch\n"))
	if err == nil || strings.Count(err.Error(), "\n") != 2 {
		t.Errorf("want three problems, got %v", err)
	}
}

func TestPolicyEval(t *testing.T) {
	p, err := ParsePolicy("p.yaml", []byte(`
alpha: 0.01
fail_if: significant && abs(mean_rel) > 0.02
outputs:
  supplier_net:
    - significant && abs(mean_abs) > £5m
    - p5_rel < -0.10
  settles: "false"
`))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.AddFailIf("p95_rel > 0.5"); err != nil {
		t.Fatal(err)
	}
	if err := p.AddFailIf("p95_rel >"); err == nil || !strings.HasPrefix(err.Error(), `--fail-if "p95_rel >": column`) {
		t.Errorf("bad --fail-if: %v", err)
	}
	if p.Alpha != 0.01 {
		t.Errorf("alpha %v", p.Alpha)
	}
	rows := []struct {
		row  Row
		want []string
	}{
		{Row{Name: "supplier_net", Significant: true, MeanAbs: 6e6, MeanRel: 0.01}, []string{"significant && abs(mean_abs) > £5m"}},
		{Row{Name: "supplier_net", Significant: true, MeanAbs: 4e6, MeanRel: 0.5, P5Rel: -0.2}, []string{"p5_rel < -0.10"}},
		{Row{Name: "settles", Significant: true, MeanRel: 0.5}, nil},
		{Row{Name: "buyer_cost", Significant: true, MeanRel: -0.03}, []string{"significant && abs(mean_rel) > 0.02"}},
		{Row{Name: "buyer_cost", Significant: false, MeanRel: -0.03}, nil},
		{Row{Name: "buyer_cost", MeanRel: Num(math.Inf(1)), P95Rel: 0.6}, []string{"p95_rel > 0.5"}},
		{Row{Name: "settles", P95Rel: 0.6}, []string{"p95_rel > 0.5"}},
	}
	for _, tc := range rows {
		got, err := p.Eval(&tc.row)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s %+v: fired %q, want %q", tc.row.Name, tc.row, got, tc.want)
		}
	}
	err = p.CheckOutputs([]string{"supplier_net", "setles"})
	if err == nil || err.Error() != `p.yaml:8:3: policy names output "settles", which is not an output of what is compared; did you mean setles?` {
		t.Errorf("CheckOutputs: %v", err)
	}
	if got := len(p.Rules()); got != 5 {
		t.Errorf("%d rules, want 5", got)
	}
}
