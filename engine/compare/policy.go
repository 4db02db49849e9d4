package compare

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/file"
	"github.com/expr-lang/expr/vm"
	"go.yaml.in/yaml/v3"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/yamlkeys"
)

// A Policy decides which changes fail a comparison. It holds conditions,
// expr expressions over one output's comparison (see Fields), each
// applying to every output or to a named one:
//
//	# policy.yaml
//	alpha: 0.05                      # significance level (optional)
//	fail_if: significant && abs(mean_rel) > 0.02 || p95_rel > 0.05
//	outputs:                         # conditions for these outputs instead of fail_if
//	  settles: significant && abs(mean_abs) > 0.01
//	  supplier_net:
//	    - significant && abs(mean_abs) > £5m
//	    - p5_rel < -0.10
//	  voi.supplier.evpi: significant && abs(mean_abs) > £2m   # a figure (see Figure)
//	figures: significant && abs(mean_rel) > 0.25   # every figure without its own
//
// An output listed under outputs is judged by its own conditions instead
// of fail_if; conditions added with AddFailIf (the --fail-if flag) apply
// to every output besides. Figures (values of information, Sobol'
// indices) are judged only by conditions that name them or by figures:.
// Amounts may be written as money: £5m.
type Policy struct {
	// Alpha is the significance level the file asks for, or 0.
	Alpha float64

	all       []*cond            // for every output
	deflt     []*cond            // for outputs without their own
	figs      []*cond            // for figures without their own (figures.go)
	perOutput map[string][]*cond // by output name
	order     []string           // names in perOutput, in file order
	namePos   map[string]diag.Pos
}

type cond struct {
	src  string
	prog *vm.Program
	// amounts are the amounts written with a currency sign or code, to
	// be checked against the currency of what is compared.
	amounts []amount
}

type amount struct {
	lit  money.Literal
	text string
}

// Rule is a condition in force: for one output, or "*" for every output
// without conditions of its own, or "all" for every output.
type Rule struct {
	Output string `json:"output"`
	FailIf string `json:"fail_if"`
}

// Fields name what a condition may use, with what each means.
var Fields = []struct{ Name, Doc string }{
	{"name", "the output's name"},
	{"unit", `its unit: the currency's code for money ("GBP"), "" for none`},
	{"significant", "the change is statistically significant (p_value < alpha)"},
	{"identical", "the two summaries are the same bit for bit"},
	{"p_value", "the output's p-value, Holm-adjusted across outputs"},
	{"mean_old", "the old mean"},
	{"mean_new", "the new mean"},
	{"mean_abs", "new mean − old mean, in the output's unit"},
	{"mean_rel", "(new mean − old mean) / |old mean|: 0.02 is 2%"},
	{"mean_lo", "the low end of the confidence interval of mean_abs"},
	{"mean_hi", "the high end of the confidence interval of mean_abs"},
	{"p5_old, p5_new, p5_abs, p5_rel", "the same for the 5th percentile"},
	{"p50_old, p50_new, p50_abs, p50_rel", "the same for the median"},
	{"p95_old, p95_new, p95_abs, p95_rel", "the same for the 95th percentile"},
	{"ks_d, ks_p", "the Kolmogorov–Smirnov distance and p-value (NaN without samples)"},
}

// env is the variables a condition sees for a row.
func env(w *Row) map[string]any {
	return map[string]any{
		"name": w.Name, "unit": w.Unit,
		"significant": w.Significant, "identical": w.Identical,
		"p_value":  float64(w.PAdj),
		"mean_old": float64(w.Old.Mean), "mean_new": float64(w.New.Mean),
		"mean_abs": float64(w.MeanAbs), "mean_rel": float64(w.MeanRel),
		"mean_lo": float64(w.MeanLo), "mean_hi": float64(w.MeanHi),
		"p5_old": float64(w.Old.P5), "p5_new": float64(w.New.P5), "p5_abs": float64(w.P5Abs), "p5_rel": float64(w.P5Rel),
		"p50_old": float64(w.Old.P50), "p50_new": float64(w.New.P50), "p50_abs": float64(w.P50Abs), "p50_rel": float64(w.P50Rel),
		"p95_old": float64(w.Old.P95), "p95_new": float64(w.New.P95), "p95_abs": float64(w.P95Abs), "p95_rel": float64(w.P95Rel),
		"ks_d": ksOrNaN(w.DistTest, w.KSD), "ks_p": ksOrNaN(w.DistTest, w.KSP),
	}
}

func ksOrNaN(test string, x Num) float64 {
	if test == "" {
		return math.NaN()
	}
	return float64(x)
}

var typeEnv = env(&Row{})

// conditionBuiltins are the functions of expr that conditions may call:
// arithmetic on the fields, and the little text handling that names and
// units need. The others are left out: they build lists and strings that
// a condition has no use for, and repeat(repeat("ab", 10000), 100000)
// took 33 s before expr's memory budget stopped it.
var conditionBuiltins = []string{"abs", "ceil", "floor", "round", "min", "max", "len", "lower", "upper", "trim"}

// conditionOptions are the options conditions are compiled with.
func conditionOptions() []expr.Option {
	opts := []expr.Option{expr.Env(typeEnv), expr.AsBool(), expr.DisableAllBuiltins()}
	for _, b := range conditionBuiltins {
		opts = append(opts, expr.EnableBuiltin(b))
	}
	return opts
}

// compile compiles a condition; the error's offset is in runes of src.
func compile(src string) (*cond, int, error) {
	if strings.TrimSpace(src) == "" {
		return nil, 0, errors.New("empty condition; write one such as significant && abs(mean_rel) > 0.02")
	}
	rw, orig, amounts, err := rewriteMoney(src)
	if err != nil {
		return nil, 0, err
	}
	prog, err := expr.Compile(rw, conditionOptions()...)
	if err != nil {
		off, msg := 0, err.Error()
		var fe *file.Error
		if errors.As(err, &fe) {
			if fe.From >= 0 && fe.From < len(orig) {
				off = orig[fe.From]
			}
			msg = fe.Message
		}
		if strings.HasPrefix(msg, "expected bool") {
			msg = "a condition must be true or false, not a number; compare it, as in mean_rel > 0.02"
		} else if m, hint := model.Explain(msg, src, off); m != msg {
			msg = m
			if hint != "" {
				msg += "; " + hint
			}
		}
		if name, ok := strings.CutPrefix(msg, "unknown name "); ok {
			var names []string
			for k := range typeEnv {
				names = append(names, k)
			}
			if hint := diag.DidYouMean(name, append(names, conditionBuiltins...)); hint != "" {
				msg += "; " + hint
			} else {
				msg += "; a condition may use " + fieldList() + " and the functions " + strings.Join(conditionBuiltins, ", ")
			}
		}
		return nil, off, errors.New(msg)
	}
	return &cond{src: src, prog: prog, amounts: amounts}, 0, nil
}

func fieldList() string {
	var names []string
	for _, f := range Fields {
		names = append(names, f.Name)
	}
	return strings.Join(names, ", ")
}

// rewriteMoney replaces money literals (£5m, 1.1bn, £250k, $5m) and
// percentages (2% is 0.02) outside strings with plain numbers. orig maps
// rune offsets in the result to rune offsets in src; amounts are the
// amounts written with a currency sign or code.
func rewriteMoney(src string) (string, []int, []amount, error) {
	var amounts []amount
	var b strings.Builder
	var orig []int
	at := 0 // rune offset in src
	emit := func(s string, from int) {
		for range utf8.RuneCountInString(s) {
			orig = append(orig, from)
		}
		b.WriteString(s)
	}
	var quote byte
	for i := 0; i < len(src); {
		c := src[i]
		if quote != 0 {
			if c == quote {
				quote = 0
			}
		} else if c == '"' || c == '\'' || c == '`' {
			quote = c
		} else if money.StartsLiteral(src, i) {
			if lit, ok, err := money.Scan(src, i); ok {
				if err != nil {
					return "", nil, nil, err
				}
				text := src[i : i+lit.Len]
				if lit.Sign != "" {
					amounts = append(amounts, amount{lit, text})
				}
				if lit.Money || lit.Percent {
					emit(lit.Value.String(), at)
				} else {
					emit(text, at)
				}
				at += utf8.RuneCountInString(text)
				i += lit.Len
				continue
			}
		}
		_, size := utf8.DecodeRuneInString(src[i:])
		emit(src[i:i+size], at)
		at++
		i += size
	}
	orig = append(orig, at)
	return b.String(), orig, amounts, nil
}

// checkCurrency reports a condition with an amount in another currency
// than cur, the currency of what is compared.
func (p *Policy) checkCurrency(cur money.Currency) error {
	var all []*cond
	all = append(all, p.all...)
	all = append(all, p.deflt...)
	for _, name := range p.order {
		all = append(all, p.perOutput[name]...)
	}
	for _, c := range all {
		for _, a := range c.amounts {
			if err := cur.Check(a.lit, a.text); err != nil {
				return fmt.Errorf("policy condition %q: %w", c.src, err)
			}
		}
	}
	return nil
}

// AddFailIf adds a condition for every output, as --fail-if gives it.
func (p *Policy) AddFailIf(src string) error {
	c, off, err := compile(src)
	if err != nil {
		return fmt.Errorf("--fail-if %q: column %d: %v", src, off+1, err)
	}
	p.all = append(p.all, c)
	return nil
}

// IsEmpty reports whether p has no conditions.
func (p *Policy) IsEmpty() bool {
	return p == nil || len(p.all) == 0 && len(p.deflt) == 0 && len(p.perOutput) == 0 && len(p.figs) == 0
}

// Rules lists the conditions in force.
func (p *Policy) Rules() []Rule {
	var rs []Rule
	for _, c := range p.all {
		rs = append(rs, Rule{"all", c.src})
	}
	for _, c := range p.deflt {
		rs = append(rs, Rule{"*", c.src})
	}
	for _, c := range p.figs {
		rs = append(rs, Rule{"figures", c.src})
	}
	for _, name := range p.order {
		for _, c := range p.perOutput[name] {
			rs = append(rs, Rule{name, c.src})
		}
	}
	return rs
}

// Eval returns the conditions that fire for w.
func (p *Policy) Eval(w *Row) ([]string, error) {
	conds := slices.Clone(p.all)
	if own, ok := p.perOutput[w.Name]; ok {
		conds = append(conds, own...)
	} else {
		conds = append(conds, p.deflt...)
	}
	return fire(conds, w)
}

// fire returns the conditions of conds that hold for w.
func fire(conds []*cond, w *Row) ([]string, error) {
	e := env(w)
	var fired []string
	for _, c := range conds {
		out, err := expr.Run(c.prog, e)
		if err != nil {
			return nil, fmt.Errorf("policy condition %q for %s: %w", c.src, w.Name, err)
		}
		if b, _ := out.(bool); b {
			fired = append(fired, c.src)
		}
	}
	return fired, nil
}

// EvalFigure returns the conditions that fire for the figure w: its
// own, or else the policy's figures: conditions. Conditions for every
// output do not apply to figures.
func (p *Policy) EvalFigure(w *Row) ([]string, error) {
	conds, ok := p.perOutput[w.Name]
	if !ok {
		conds = p.figs
	}
	return fire(conds, w)
}

// CheckOutputs reports, with their positions, the outputs the policy
// names that are not among names. Names of figures (voi.…,
// sensitivity.…) are not checked here: a comparison notes those neither
// side has.
func (p *Policy) CheckOutputs(names []string) error {
	var l diag.List
	for _, n := range p.order {
		if !slices.Contains(names, n) && !isFigureName(n) {
			l.Errorf(p.namePos[n], diag.DidYouMean(n, names), "policy names output %q, which is not an output of what is compared", n)
		}
	}
	return l.Err()
}

// ParsePolicy reads a policy file. Every problem is reported at once,
// with its position, as a *diag.ListError.
func ParsePolicy(path string, data []byte) (*Policy, error) {
	p := &Policy{perOutput: map[string][]*cond{}, namePos: map[string]diag.Pos{}}
	var l diag.List
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		line := 0
		var te *yaml.TypeError
		msg := err.Error()
		if !errors.As(err, &te) {
			fmt.Sscanf(strings.TrimPrefix(msg, "yaml: "), "line %d:", &line)
		}
		l.Errorf(diag.Pos{File: path, Line: line}, "", "malformed YAML: %s", yamlMsg(msg))
		return nil, l.Err()
	}
	if len(doc.Content) == 0 {
		l.Errorf(diag.Pos{File: path}, "write fail_if: CONDITION or outputs: {NAME: CONDITION}", "empty policy")
		return nil, l.Err()
	}
	top := doc.Content[0]
	at := func(n *yaml.Node) diag.Pos { return diag.Pos{File: path, Line: n.Line, Col: n.Column} }
	if top.Kind != yaml.MappingNode {
		l.Errorf(at(top), "write fail_if: CONDITION or outputs: {NAME: CONDITION}", "a policy is a mapping")
		return nil, l.Err()
	}
	conds := func(v *yaml.Node, into *[]*cond) {
		var items []*yaml.Node
		switch v.Kind {
		case yaml.ScalarNode:
			items = []*yaml.Node{v}
		case yaml.SequenceNode:
			items = v.Content
		default:
			l.Errorf(at(v), "write a condition or a list of them", "expected a condition")
			return
		}
		for _, it := range items {
			if it.Kind != yaml.ScalarNode {
				l.Errorf(at(it), "write a condition such as significant && abs(mean_rel) > 0.02", "expected a condition")
				continue
			}
			c, off, err := compile(it.Value)
			if err != nil {
				pos := at(it)
				if it.Style == yaml.DoubleQuotedStyle || it.Style == yaml.SingleQuotedStyle {
					pos.Col++
				}
				if it.Style&(yaml.LiteralStyle|yaml.FoldedStyle) == 0 && !strings.Contains(it.Value, "\n") {
					pos.Col += off
				}
				l.Errorf(pos, "", "condition: %v", err)
				continue
			}
			*into = append(*into, c)
		}
	}
	// Keys given twice are reported by yamlkeys with both positions, and
	// the repeats left out.
	l = append(l, yamlkeys.Duplicates(path, &doc)...)
	seen := map[string]bool{}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if seen[k.Value] {
			continue
		}
		seen[k.Value] = true
		switch k.Value {
		case "alpha":
			var a float64
			if err := v.Decode(&a); err != nil || !(a > 0 && a < 1) {
				l.Errorf(at(v), "write a number between 0 and 1, such as 0.05", "alpha %q is not a significance level", v.Value)
				continue
			}
			p.Alpha = a
		case "fail_if":
			conds(v, &p.deflt)
		case "figures":
			conds(v, &p.figs)
		case "outputs":
			if v.Kind != yaml.MappingNode {
				l.Errorf(at(v), "write NAME: CONDITION, one a line", "outputs must be a mapping from output names to conditions")
				continue
			}
			for j := 0; j+1 < len(v.Content); j += 2 {
				nk, nv := v.Content[j], v.Content[j+1]
				if _, dup := p.namePos[nk.Value]; dup {
					continue
				}
				p.namePos[nk.Value] = at(nk)
				p.order = append(p.order, nk.Value)
				var cs []*cond
				conds(nv, &cs)
				p.perOutput[nk.Value] = cs
			}
		default:
			l.Errorf(at(k), diag.DidYouMean(k.Value, []string{"alpha", "fail_if", "figures", "outputs"}), "unknown key %q in policy; a policy has alpha, fail_if, figures and outputs", k.Value)
		}
	}
	l.Sort()
	if err := l.Err(); err != nil {
		return nil, err
	}
	return p, nil
}

func yamlMsg(msg string) string {
	msg = strings.TrimPrefix(msg, "yaml: ")
	if i := strings.Index(msg, ": "); strings.HasPrefix(msg, "line ") && i > 0 {
		msg = msg[i+2:]
	}
	return msg
}
