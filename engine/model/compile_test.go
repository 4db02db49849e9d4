package model_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/model"
)

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name, text string
		want       [][]string
	}{
		// unknown names, with a suggestion and the position inside the
		// expression, whatever the YAML style
		{"unknown name, plain", "inputs:\n  claim: 1\nrules:\n  r: 1 + claimm\noutputs: [r]\n",
			[][]string{{"s.yaml:4:10", `unknown name "claimm" in rule r`, "did you mean claim?"}}},
		{"unknown name after money", "inputs:\n  claim: 1\nrules:\n  r: £1.1bn + claimm\noutputs: [r]\n",
			[][]string{{"s.yaml:4:15", `unknown name "claimm"`, "did you mean claim?"}}},
		{"unknown name, mapping", "inputs:\n  claim: 1\nrules:\n  r:\n    expr: claim * p_liabilty\noutputs: [r]\ninputs2: 1\n",
			nil}, // replaced below
		{"unknown name, single quoted", "inputs:\n  claim: 1\nrules:\n  r: '1 + claimm'\noutputs: [r]\n",
			[][]string{{"s.yaml:4:11", `unknown name "claimm"`, "did you mean claim?"}}},
		{"unknown name, double quoted", "inputs:\n  claim: 1\nrules:\n  r: \"claim > 0 ? claimm : 0\"\noutputs: [r]\n",
			[][]string{{"s.yaml:4:19", `unknown name "claimm"`, "did you mean claim?"}}},
		{"unknown name, literal block", "inputs:\n  claim: 1\nrules:\n  r: |\n    1 +\n      claimm\noutputs: [r]\n",
			[][]string{{"s.yaml:6:7", `unknown name "claimm"`, "did you mean claim?"}}},
		{"unknown name, folded block", "inputs:\n  claim: 1\nrules:\n  r: >\n    1 +\n    2 * claimm\noutputs: [r]\n",
			[][]string{{"s.yaml:6:9", `unknown name "claimm"`, "did you mean claim?"}}},
		{"unknown name, plain on two lines", "inputs:\n  claim: 1\nrules:\n  r: 1 +\n    claimm\noutputs: [r]\n",
			[][]string{{"s.yaml:5:5", `unknown name "claimm"`, "did you mean claim?"}}},
		{"unknown name, no suggestion", "inputs:\n  claim: 1\nrules:\n  r: 1 + zzzzzz\noutputs: [r]\n",
			[][]string{{"s.yaml:4:10", `unknown name "zzzzzz"`, "define it under inputs or rules"}}},
		{"unknown name in an input", "inputs:\n  p_liability: beta(4, 6)\n  liability: bernoulli(p_liabilty)\noutputs: [liability]\n",
			[][]string{{"s.yaml:3:24", `unknown name "p_liabilty" in input liability`, "did you mean p_liability?"}}},
		{"unknown function", "inputs:\n  x: normall(0, 1)\n  y: 1 + sqr(4)\noutputs: [x]\n",
			[][]string{
				{"s.yaml:2:6", "unknown function normall() in input x", "did you mean normal?"},
				{"s.yaml:3:10", "unknown function sqr() in input y", "did you mean sqrt?"},
			}},
		{"input called as a function", "inputs:\n  claim: 1\n  y: claim(2)\noutputs: [y]\n",
			[][]string{{"s.yaml:3:6", "unknown function claim() in input y", "claim is an input, not a function"}}},
		{"unknown function, no suggestion", "inputs:\n  y: zzzzzz(2)\noutputs: [y]\n",
			[][]string{{"s.yaml:2:6", "unknown function zzzzzz() in input y", "the functions are abs, bernoulli, beta"}}},

		// types
		{"bool times number", "inputs:\n  liability: bernoulli(0.4)\nrules:\n  r: liability * 2\noutputs: [r]\n",
			[][]string{{"s.yaml:4:16", "rule r: invalid operation: * (mismatched types bool and int)",
				"true/false values are not numbers: write cond ? a : b"}}},
		{"bool modulo", "inputs:\n  liability: bernoulli(0.4)\nrules:\n  r: liability % 2\noutputs: [r]\n",
			[][]string{{"s.yaml:4:6", "rule r: cannot use bool as argument", "true/false values are not numbers"}}},
		{"number as condition", "inputs:\n  x: 1\nrules:\n  r: 'x ? 1 : 2'\noutputs: [r]\n",
			[][]string{{"s.yaml:4:7", "rule r:", "non-bool expression"}}},
		{"branches of different types", "inputs:\n  x: 1\nrules:\n  r: \"x > 0 ? 1 : true\"\noutputs: [r]\n",
			[][]string{{"s.yaml:4:19", "rule r: the branches of ?: have different types (number and bool)"}}},
		{"text", "inputs:\n  x: 1\nrules:\n  r: 'x == \"a\"'\noutputs: [r]\n",
			[][]string{{"s.yaml:4:9", "rule r: invalid operation: == (mismatched types float64 and string)", "not text"}}},
		{"text alone", "inputs:\n  x: '\"a\"'\noutputs: [x]\n",
			[][]string{{"s.yaml:2:7", "input x: text is not supported in rules"}}},
		{"wrong arity", "inputs:\n  x: normal(0)\noutputs: [x]\n",
			[][]string{{"s.yaml:2:6", "input x: normal() has too few arguments; write normal(mean, sd)"}}},
		{"syntax error", "inputs:\n  x: 1\nrules:\n  r: (x + 1\noutputs: [r]\n",
			[][]string{{"s.yaml:4:11", "rule r: \"(x + 1\" has a ( not closed; add ) where each one ends"}}},
		{"member access", "inputs:\n  x: 1\nrules:\n  r: x.y + 1\noutputs: [r]\n",
			[][]string{{"s.yaml:4:8", "rule r: type float64 has no field y"}}},
		{"misplaced underscore", "inputs:\n  x: 1_000_ + 1\noutputs: [x]\n",
			[][]string{{"s.yaml:2:6", "misplaced _ in number"}}},
		{"pound sign alone", "inputs:\n  x: 1 + £\noutputs: [x]\n",
			[][]string{{"s.yaml:2:10", "£ must be followed by an amount"}}},
		{"big plain integer", "inputs:\n  x: 1 + 99999999999999999999\noutputs: [x]\n",
			[][]string{{"s.yaml:2:10", "invalid integer literal"}}},

		// cycles
		{"cycle of two", "inputs:\n  x: 1\nrules:\n  a: b + x\n  b: a * 2\noutputs: [a]\n",
			[][]string{{"s.yaml:4:3", "cycle: a → b → a", "a rule cannot depend on itself"}}},
		{"cycle of three entered late", "inputs:\n  x: 1\nrules:\n  z: c + 1\n  c: d + x\n  d: e\n  e: c\noutputs: [z]\n",
			[][]string{{"s.yaml:5:3", "cycle: c → d → e → c"}}},
		{"self reference", "rules:\n  c: c + 1\noutputs: [c]\n",
			[][]string{{"s.yaml:2:3", "cycle: c → c"}}},
		{"input in a cycle", "inputs:\n  p: beta(q, 1)\n  q: p + 1\noutputs: [p]\n",
			[][]string{{"s.yaml:2:3", "cycle: p → q → p"}}},

		// constant parameters of distributions
		{"invalid constant parameters", "inputs:\n  a: normal(0, -1)\n  b: triangular(5, 1, 3)\n  c: beta(0,1)\n  d: pert(3,2,1)\n  e: 2 * uniform(2, 1)\n  f: bernoulli(1.5)\n  g: lognormal(0, -0.1)\n  h: gamma(1, 0)\n  i: triangular(1, 5, 3)\noutputs: [a]\n",
			[][]string{
				{"s.yaml:2:6", "input a: normal(mean, sd): sd (-1) must not be negative"},
				{"s.yaml:3:6", "input b: triangular(min, mode, max): min (5) must be less than max (3)"},
				{"s.yaml:4:6", "input c: beta(alpha, beta): alpha (0) must be greater than 0"},
				{"s.yaml:5:6", "input d: pert(min, mode, max): min (3) must be less than max (1)"},
				{"s.yaml:6:10", "input e: uniform(min, max): min (2) must not exceed max (1)"},
				{"s.yaml:7:6", "input f: bernoulli(p): p (1.5) must be a probability between 0 and 1"},
				{"s.yaml:8:6", "input g: lognormal(mu, sigma): sigma (-0.1) must not be negative"},
				{"s.yaml:9:6", "input h: gamma(shape, rate): rate (0) must be greater than 0"},
				{"s.yaml:10:6", "input i: triangular(min, mode, max): mode (5) must lie between min (1) and max (3)"},
			}},
		{"parameters from constant inputs", "inputs:\n  sd: -1\n  a: normal(0, sd)\n  lo: £5m\n  hi: £1m\n  b: pert(lo, £3m, hi)\noutputs: [a]\n",
			[][]string{
				{"s.yaml:3:6", "input a: normal(mean, sd): sd (-1) must not be negative"},
				{"s.yaml:6:6", "input b: pert(min, mode, max): min (5,000,000) must be less than max (1,000,000)"},
			}},
		{"distribution in a rule", "inputs:\n  x: 1\nrules:\n  r: x + normal(0, 1)\noutputs: [r]\n",
			[][]string{{"s.yaml:4:10", "rule r calls the distribution normal(); distributions belong under inputs"}}},

		// discrete
		{"discrete negative weight", "inputs:\n  a: discrete([1, 2, 3], [0.2, -0.3, 0.5])\noutputs: [a]\n",
			[][]string{{"s.yaml:2:32", "input a: discrete: weight 2 is -0.3", "0 or more"}}},
		{"discrete mismatched lengths", "inputs:\n  a: discrete([1, 2], [1])\noutputs: [a]\n",
			[][]string{{"s.yaml:2:6", "input a: discrete has 2 values and 1 weights", "one weight for each value"}}},
		{"discrete empty", "inputs:\n  a: discrete([], [])\noutputs: [a]\n",
			[][]string{{"s.yaml:2:6", "input a: discrete has 0 values and 0 weights"}}},
		{"discrete zero weights", "inputs:\n  a: discrete([1, 2], [0, 0])\noutputs: [a]\n",
			[][]string{{"s.yaml:2:6", "input a: discrete: the weights add up to 0"}}},
		{"discrete not lists", "inputs:\n  x: 1\n  a: discrete(x, x)\noutputs: [a]\n",
			[][]string{{"s.yaml:3:15", "input a: cannot use float64 as argument", "to call discrete"}}},
		{"discrete bool value", "inputs:\n  a: discrete([1, true], [1, 1])\noutputs: [a]\n",
			[][]string{{"s.yaml:2:19", "input a: discrete takes numbers, not true/false"}}},

		// outputs
		{"unknown output", "inputs:\n  supplier_net: 1\n  buyer_cost: 2\noutputs: [supplier_net, buyer_cots]\n",
			[][]string{{"s.yaml:4:25", `unknown output "buyer_cots"`, "did you mean buyer_cost?"}}},
		{"unknown output without suggestion", "inputs:\n  a: 1\noutputs: [zzzzzzzz]\n",
			[][]string{{"s.yaml:3:11", `unknown output "zzzzzzzz"`, "outputs must name inputs or rules"}}},
		{"no outputs", "inputs:\n  a: 1\noutputs: []\n",
			[][]string{{"s.yaml", "the scenario has no outputs"}}},

		// names
		{"function names", "inputs:\n  exp: 1\n  min: 2\n  normal: 3\n  discrete: 4\n  ok: 5\noutputs: [ok]\n",
			[][]string{
				{"s.yaml:2:3", "input exp has the name of a function", "choose another name"},
				{"s.yaml:3:3", "input min has the name of a function"},
				{"s.yaml:4:3", "input normal has the name of a function"},
				{"s.yaml:5:3", "input discrete has the name of a function"},
			}},
		{"function name as a rule", "inputs:\n  a: 1\nrules:\n  clamp: a\noutputs: [a]\n",
			[][]string{{"s.yaml:4:3", "rule clamp has the name of a function"}}},

		// constants that are not numbers
		{"log of a negative", "inputs:\n  a: 1 + log(-1)\n  b: 1 / 0\noutputs: [a]\n",
			[][]string{
				{"s.yaml:2:6", "input a evaluates to NaN", "log or sqrt of a negative number"},
				{"s.yaml:3:6", "input b evaluates to +Inf"},
			}},
		{"clamp bounds reversed", "inputs:\n  a: 1\nrules:\n  r: clamp(a, 1, 0)\noutputs: [r]\n",
			[][]string{{"s.yaml:4:6", "rule r: clamp: lo (1) is greater than hi (0)", "clamp(x, lo, hi)"}}},
		{"unsupported operator", "inputs:\n  a: 1\nrules:\n  r: a ?? 2\noutputs: [r]\n",
			[][]string{{"s.yaml:4:8", "rule r: operator ?? is not supported in rules"}}},
		{"nil", "inputs:\n  a: nil\noutputs: [a]\n",
			[][]string{{"s.yaml:2:6", "input a: nil is not supported in rules"}}},
		{"list", "inputs:\n  a: max([1, 2])\noutputs: [a]\n",
			[][]string{{"s.yaml:2:10", "input a: a list outside discrete() is not supported"}}},
	}
	// a case written as a mapping
	tests[2] = struct {
		name, text string
		want       [][]string
	}{"unknown name, mapping", "inputs:\n  claim: 1\n  p_liability: 0.4\nrules:\n  r:\n    expr: claim * p_liabilty\n    doc: d\noutputs: [r]\n",
		[][]string{{"s.yaml:6:19", `unknown name "p_liabilty" in rule r`, "did you mean p_liability?"}}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantDiags(t, compileDiags(t, tt.text), tt.want)
		})
	}
}

// TestCompileAllErrorsAtOnce checks that every problem of a file is
// reported, in file order, and that a dependant of a broken definition
// is not reported again.
func TestCompileAllErrorsAtOnce(t *testing.T) {
	text := `inputs:
  claim: pert(£700m, £600m, £400m)
  liability: bernoulli(0.4)
rules:
  award: claim * 0.5
  penalty: liability * 2
  net: award - costs
  total: net + penalty
outputs: [total, nett]
`
	wantDiags(t, compileDiags(t, text), [][]string{
		{"s.yaml:2:10", "pert(min, mode, max): min (700,000,000) must be less than max (400,000,000)"},
		{"s.yaml:6:22", "rule penalty: invalid operation: *"},
		{"s.yaml:7:16", `unknown name "costs" in rule net`, "define it under inputs or rules"},
		{"s.yaml:9:18", `unknown output "nett"`, "did you mean net?"},
	})
}

func TestCompileRuleFile(t *testing.T) {
	// A rule file is checked without the names its scenarios define.
	sc, _ := load(t, "inputs:\n  rate: 0.5\nrules:\n  award: claim * rate\n  half: rate / 2\n")
	p, err := model.Compile(sc)
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	if _, ok := p.Lookup("half"); !ok {
		t.Error("half was not compiled")
	}
	if len(p.Outputs) != 0 {
		t.Errorf("Outputs = %v", p.Outputs)
	}
	// but what does not depend on those names still is.
	got := compileDiags(t, "inputs:\n  rate: 0.5\nrules:\n  award: claim * rate\n  bad: rate * sqrtt(2)\n  worse: normal(0, -1)\n")
	wantDiags(t, got, [][]string{
		{"s.yaml:5:15", "unknown function sqrtt()", "did you mean sqrt?"},
		{"s.yaml:6:10", "rule worse calls the distribution normal()"},
	})
}

func TestCompileVars(t *testing.T) {
	p := compile(t, `inputs:
  claim:
    value: pert(£400m, £600m, £700m)
    doc: The claim.
  p: 0.4
  flag: true
  share:
    value: beta(2, 3)
    unit: fraction
rules:
  award: claim * p
  fixed: p * 2
  chosen: "flag ? fixed : 0"
outputs: [fixed, award, share]
`)
	want := []struct {
		name, unit string
		random     bool
		typ        model.Type
		konst      float64
	}{
		{"claim", "GBP", true, model.Number, 0},
		{"p", "", false, model.Number, 0.4},
		{"flag", "", false, model.Bool, 1},
		{"share", "fraction", true, model.Number, 0},
		{"award", "GBP", true, model.Number, 0},
		{"fixed", "", false, model.Number, 0.8},
		{"chosen", "", false, model.Number, 0.8},
	}
	for _, w := range want {
		v, ok := p.Lookup(w.name)
		if !ok {
			t.Errorf("no var %s", w.name)
			continue
		}
		if v.Unit != w.unit || v.Random != w.random || v.Type != w.typ || (!w.random && v.Const != w.konst) {
			t.Errorf("%s: unit %q random %v type %v const %v; want %q %v %v %v", w.name, v.Unit, v.Random, v.Type, v.Const, w.unit, w.random, w.typ, w.konst)
		}
	}
	if v, _ := p.Lookup("claim"); v.Doc != "The claim." || v.Kind.String() != "input" || !strings.HasSuffix(v.Pos.String(), "s.yaml:2:3") {
		t.Errorf("claim: doc %q kind %v pos %v", v.Doc, v.Kind, v.Pos)
	}
	if v, _ := p.Lookup("award"); !slices.Equal(v.Deps, []string{"claim", "p"}) {
		t.Errorf("award deps = %v", v.Deps)
	}
	var outs, sampled []string
	for _, v := range p.Outputs {
		outs = append(outs, v.Name)
	}
	for _, v := range p.Sampled {
		sampled = append(sampled, v.Name)
	}
	if !slices.Equal(outs, []string{"fixed", "award", "share"}) {
		t.Errorf("Outputs = %v", outs)
	}
	if !slices.Equal(sampled, []string{"claim", "share"}) {
		t.Errorf("Sampled = %v", sampled)
	}
	if _, ok := p.Lookup("nope"); ok {
		t.Error("Lookup(nope) found a var")
	}
	if model.Bool.String() != "bool" || model.Number.String() != "number" {
		t.Error("Type strings")
	}
	// Constants are in place before any trial.
	s := p.NewState()
	if v, _ := p.Lookup("fixed"); s.Slots[v.Slot] != 0.8 {
		t.Errorf("slot of fixed = %v before a trial", s.Slots[v.Slot])
	}
}

// TestFuncNames checks that every function is reserved against being
// used as a name.
func TestFuncNames(t *testing.T) {
	names := model.FuncNames()
	for _, want := range []string{"abs", "bernoulli", "beta", "ceil", "clamp", "discrete", "exp", "floor", "gamma", "log",
		"lognormal", "max", "min", "normal", "pert", "round", "sqrt", "triangular", "uniform"} {
		if !slices.Contains(names, want) {
			t.Errorf("FuncNames() lacks %s", want)
		}
	}
	if !slices.IsSorted(names) {
		t.Errorf("FuncNames() is not sorted: %v", names)
	}
	for _, name := range names {
		got := compileDiags(t, "inputs:\n  "+name+": 1\n  ok: 2\noutputs: [ok]\n")
		wantDiags(t, got, [][]string{{"s.yaml:2:3", "input " + name + " has the name of a function"}})
	}
}

// TestCompileOddExpressions checks that unusual expressions give an
// error at a position in the file, never a panic.
func TestCompileOddExpressions(t *testing.T) {
	exprs := []string{
		"(", ")", "1..3", "[1, 2]", "{a: 1}", "x?.y", "x.y(1)", "(x)(1)", "x |> y", "let y = 1; y + x",
		"$env", "$env.x", "1 in [1]", "x matches 'a'", "`a`", "#", "x[0]", "x[1:2]", "-", "x +",
		"discrete()", "discrete([1], [x], [1])", "normal()", "normal(1, 2, 3)",
		"clamp(1, 2)", "exp()", "min()", "abs(1, 2)", "true + 1", "!x", "-true", "x ?: 1", "if x { 1 } else { 2 }",
		"nil ?? 1", "x ?? 1", "1 == nil", "'a' + 'b'", "1 ~ 2", "x startsWith 'a'", "sum([1])", "len(x)",
		"£", "£m", "1__0", "1e", "0b2", "9223372036854775808", "1e400", "x == x ? 1", "bernoulli(0.5) + 1",
	}
	for _, e := range exprs {
		t.Run(e, func(t *testing.T) {
			text := "inputs:\n  x: 1\n  y: " + strconv.Quote(e) + "\noutputs: [y]\n"
			sc, dir := load(t, text)
			p, err := model.Compile(sc)
			if err == nil {
				t.Fatalf("%s compiled (%d vars), want an error", e, len(p.Vars))
			}
			msg := strings.TrimPrefix(err.Error(), dir+"/")
			if !strings.HasPrefix(msg, "s.yaml:3:") {
				t.Errorf("error %q is not at a position in y's line", msg)
			}
		})
	}
}
