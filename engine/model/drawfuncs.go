package model

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math"
	"path/filepath"
	"slices"
	"strings"

	"github.com/expr-lang/expr"
	"github.com/expr-lang/expr/ast"

	"github.com/settle-sim/settle/engine/csvfile"
	"github.com/settle-sim/settle/engine/dist"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/sampling"
	"github.com/settle-sim/settle/engine/scenario"
)

// drawFuncs are the functions other than the families that draw: each
// call is one draw site.
var drawFuncs = []string{"discrete", "truncated", "mixture", "empirical"}

// drawFuncConfig declares truncated, mixture and empirical to expr (the
// caller declares discrete).
func drawFuncConfig(stub func(...any) (any, error)) []expr.Option {
	return []expr.Option{
		expr.Function("truncated", stub, new(func(float64, float64, float64) float64)),
		expr.Function("mixture", stub, new(func([]any, []any) float64)),
		expr.Function("empirical", stub, new(func(string, string) float64)),
	}
}

// drawFunc compiles a call of truncated, mixture or empirical; handled
// is false for other functions.
func (c *compiler) drawFunc(name string, n *ast.CallNode) (x cx, ok, handled bool) {
	switch name {
	case "truncated":
		x, ok = c.truncated(n)
	case "mixture":
		x, ok = c.mixture(n)
	case "empirical":
		x, ok = c.empirical(n)
	default:
		return cx{}, false, false
	}
	return x, ok, true
}

// scaleFamily reports whether a family's draws are in the unit of its
// parameters, so that normal(£1m, £100k) draws amounts of money.
func scaleFamily(name string) bool {
	switch name {
	case "normal", "uniform", "triangular", "pert", "student_t", "loguniform", "normal_ci", "lognormal_ci", "weibull":
		return true
	}
	return false
}

// dspec is a distribution call given as an argument, as in
// truncated(normal(0, 1), -1, 2): a family and its parameters, drawn
// through its quantile function by the call it is an argument of.
type dspec struct {
	fam   *dist.Family
	konst bool
	p     dist.Params // when konst
	fns   [dist.MaxParams]evalFn
	k     int
	unit  string
	call  string // e.g. normal(mean, sd), for messages
}

// params returns the parameters for this trial, checked.
func (d *dspec) params(s *State) (dist.Params, error) {
	if d.konst {
		return d.p, nil
	}
	var p dist.Params
	for i := range d.k {
		p[i] = d.fns[i](s)
	}
	return p, dist.Validate(d.fam, p)
}

func (c *compiler) distArg(n ast.Node, what string) (*dspec, bool) {
	call, ok := n.(*ast.CallNode)
	var fam *dist.Family
	if ok {
		if id, isID := call.Callee.(*ast.IdentifierNode); isID {
			fam, ok = dist.LookupArity(id.Value, len(call.Arguments))
		}
	}
	if !ok || fam == nil {
		sym := c.currency.Symbol
		c.errorf(n, "write a distribution call such as normal(0, 1) or pert("+sym+"1m, "+sym+"2m, "+sym+"4m)", "%s takes a distribution here", what)
		return nil, false
	}
	if fam.Bool {
		c.errorf(n, "", "%s takes a distribution of numbers, not %s, which draws true/false", what, fam.Name)
		return nil, false
	}
	xs, ok := c.args(call.Arguments)
	if !ok {
		return nil, false
	}
	d := &dspec{fam: fam, k: len(xs), konst: true, call: fam.Signature()}
	if scaleFamily(fam.Name) {
		d.unit = firstUnit(xs...)
	}
	for i, x := range xs {
		d.p[i], d.fns[i] = x.val, x.fn
		d.konst = d.konst && x.konst
	}
	if d.konst {
		if err := dist.Validate(fam, d.p); err != nil {
			c.errorf(n, "", "%v", err)
			return nil, false
		}
	}
	return d, true
}

// drawSite registers a draw site of the definition being compiled and
// returns its stream and dimension.
func (c *compiler) drawSite() (site uint64, dim int) {
	site = c.site()
	return site, c.dim(site)
}

// truncated compiles truncated(dist, lo, hi): dist conditioned on lying
// in [lo, hi], drawn by inverting its CDF on [F(lo), F(hi)].
func (c *compiler) truncated(n *ast.CallNode) (cx, bool) {
	if len(n.Arguments) != 3 {
		c.errorf(n, "write truncated(normal(0, 1), -1, 2)", "truncated takes a distribution and two bounds")
		return cx{}, false
	}
	d, ok1 := c.distArg(n.Arguments[0], "truncated")
	bounds, ok2 := c.args(n.Arguments[1:])
	if !ok1 || !ok2 {
		return cx{}, false
	}
	lo, hi := bounds[0], bounds[1]
	site, dim := c.drawSite()
	fam := d.fam
	unit := firstUnit(cx{unit: d.unit}, lo, hi)
	// mass returns F at lo (not counting a point mass at lo) and at hi.
	mass := func(p dist.Params, a, b float64) (fa, fb float64, err error) {
		if !(a < b) {
			return 0, 0, fmt.Errorf("truncated: lo (%g) must be less than hi (%g)", a, b)
		}
		fa, fb = fam.CDF(p, math.Nextafter(a, math.Inf(-1))), fam.CDF(p, b)
		if !(fb > fa) {
			return 0, 0, fmt.Errorf("truncated: %s with parameters %v has no probability between %g and %g", d.call, p[:d.k], a, b)
		}
		if msg := dist.CheckTruncation(fa, fb); msg != "" {
			return 0, 0, fmt.Errorf("truncated: %s with parameters %v between %g and %g: %s", d.call, p[:d.k], a, b, msg)
		}
		return fa, fb, nil
	}
	if d.konst && lo.konst && hi.konst {
		a, b := lo.val, hi.val
		fa, fb, err := mass(d.p, a, b)
		if err != nil {
			c.errorf(n, "the bounds must leave some of the distribution between them", "%v", err)
			return cx{}, false
		}
		p := d.p
		return cx{fn: func(s *State) float64 {
			u := s.uniform(dim, site)
			return min(max(fam.Quantile(p, fa+u*(fb-fa)), a), b)
		}, typ: Number, unit: unit}, true
	}
	name, pos := c.cur.def.Name, c.pos(c.cur, n)
	lf, hf := lo.fn, hi.fn
	return cx{fn: func(s *State) float64 {
		p, err := d.params(s)
		if err != nil {
			return s.fail(name, pos, err)
		}
		a, b := lf(s), hf(s)
		fa, fb, err := mass(p, a, b)
		if err != nil {
			return s.fail(name, pos, err)
		}
		u := s.uniform(dim, site)
		return min(max(fam.Quantile(p, fa+u*(fb-fa)), a), b)
	}, typ: Number, unit: unit}, true
}

// mixture compiles mixture([d1, d2, …], [w1, w2, …]): d_i with
// probability w_i / Σw. One uniform picks the component and, rescaled
// within the component's share, draws from it.
func (c *compiler) mixture(n *ast.CallNode) (cx, bool) {
	hint := "write mixture([normal(0, 1), lognormal(2, 0.5)], [0.3, 0.7]) with the lists in place"
	if len(n.Arguments) != 2 {
		c.errorf(n, hint, "mixture takes a list of distributions and a list of weights")
		return cx{}, false
	}
	da, ok1 := n.Arguments[0].(*ast.ArrayNode)
	wa, ok2 := n.Arguments[1].(*ast.ArrayNode)
	if !ok1 || !ok2 {
		c.errorf(n, hint, "mixture takes a list of distributions and a list of weights")
		return cx{}, false
	}
	if len(da.Nodes) == 0 || len(da.Nodes) != len(wa.Nodes) {
		c.errorf(n, "give one weight for each distribution", "mixture has %d distributions and %d weights", len(da.Nodes), len(wa.Nodes))
		return cx{}, false
	}
	comps := make([]*dspec, len(da.Nodes))
	ok := true
	for i, dn := range da.Nodes {
		var good bool
		comps[i], good = c.distArg(dn, "mixture")
		ok = ok && good
	}
	ws, good := c.args(wa.Nodes)
	if !ok || !good {
		return cx{}, false
	}
	cum, wv := make([]float64, len(ws)), make([]float64, len(ws))
	for i, w := range ws {
		if !w.konst || w.typ != Number {
			c.errorf(wa.Nodes[i], "make the weights numbers that do not vary from trial to trial", "mixture: weight %d is not a constant", i+1)
			return cx{}, false
		}
		if !(w.val >= 0) || math.IsInf(w.val, 0) {
			c.errorf(wa.Nodes[i], "weights are relative frequencies, 0 or more", "mixture: weight %d is %v", i+1, w.val)
			return cx{}, false
		}
		wv[i] = w.val
	}
	total := dist.Cumulate(cum, wv)
	if total <= 0 {
		c.errorf(n, "give at least one positive weight", "mixture: the weights add up to 0")
		return cx{}, false
	}
	units := make([]cx, len(comps))
	for i, d := range comps {
		units[i] = cx{unit: d.unit}
	}
	site, dim := c.drawSite()
	name, pos := c.cur.def.Name, c.pos(c.cur, n)
	return cx{fn: func(s *State) float64 {
		u := s.uniform(dim, site)
		k := dist.Discrete(u, cum)
		lo := 0.0
		if k > 0 {
			lo = cum[k-1]
		}
		v := sampling.Open((u*total - lo) / (cum[k] - lo))
		d := comps[k]
		p, err := d.params(s)
		if err != nil {
			return s.fail(name, pos, err)
		}
		return d.fam.Quantile(p, v)
	}, typ: Number, unit: firstUnit(units...)}, true
}

// empirical compiles empirical("file.csv", "column"): a value of the
// column drawn at random, each row equally likely. The file is read when
// the scenario is compiled, relative to the file the call is in.
func (c *compiler) empirical(n *ast.CallNode) (cx, bool) {
	hint := `write empirical("awards.csv", "ratio"): a CSV file, relative to this file, and the heading of a column`
	if len(n.Arguments) != 2 {
		c.errorf(n, hint, "empirical takes a file and a column")
		return cx{}, false
	}
	fileArg, ok1 := n.Arguments[0].(*ast.StringNode)
	colArg, ok2 := n.Arguments[1].(*ast.StringNode)
	if !ok1 || !ok2 {
		c.errorf(n, hint, "empirical takes the file and the column as quoted text")
		return cx{}, false
	}
	f, err := c.readData(fileArg.Value)
	if err != nil {
		msg, hint := readError(err)
		c.errorf(fileArg, hint, "empirical: %s", msg)
		return cx{}, false
	}
	path, data := f.Path, f.Data
	values, money, err := readColumn(data, colArg.Value, c.currency)
	if err != nil {
		var ce *columnError
		at := ast.Node(fileArg)
		if errors.As(err, &ce) && ce.column {
			at = colArg
		}
		c.errorf(at, hintOf(err), "empirical: %s: %v", fileArg.Value, err)
		return cx{}, false
	}
	slices.Sort(values)
	sum := sha256.Sum256(data)
	rel, rerr := filepath.Rel(filepath.Dir(c.sc.File), path)
	if rerr != nil {
		rel = path
	}
	src := scenario.Source{Path: filepath.ToSlash(rel), SHA256: hex.EncodeToString(sum[:])}
	if !slices.Contains(c.sc.Sources, src) {
		c.sc.Sources = append(c.sc.Sources, src)
	}
	unit := ""
	if money {
		unit = c.currency.Code
	}
	site, dim := c.drawSite()
	nv := float64(len(values))
	return cx{fn: func(s *State) float64 {
		i := int(s.uniform(dim, site) * nv)
		return values[min(i, len(values)-1)]
	}, typ: Number, unit: unit}, true
}

// columnError is a problem with a CSV column; column is true when it is
// the column's name that is wrong.
type columnError struct {
	msg, hint string
	column    bool
}

func (e *columnError) Error() string { return e.msg }

func hintOf(err error) string {
	var ce *columnError
	if errors.As(err, &ce) {
		return ce.hint
	}
	return "the file must be CSV with a heading row"
}

// readColumn returns the numbers in the column headed col of CSV data,
// skipping empty cells, and whether any was written as money, in cur.
func readColumn(data []byte, col string, cur money.Currency) ([]float64, bool, error) {
	r := csvfile.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	header, err := r.Read()
	if err != nil {
		return nil, false, fmt.Errorf("no heading row")
	}
	idx := slices.IndexFunc(header, func(h string) bool { return strings.TrimSpace(h) == col })
	if idx < 0 {
		return nil, false, &columnError{msg: fmt.Sprintf("no column %q", col), hint: columnHint(col, header), column: true}
	}
	var values []float64
	isMoney := false
	for row := 2; ; row++ {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, false, fmt.Errorf("%v", err)
		}
		if idx >= len(rec) || strings.TrimSpace(rec[idx]) == "" {
			continue
		}
		lit, err := parseNumber(rec[idx], cur)
		if err != nil {
			return nil, false, &columnError{msg: fmt.Sprintf("row %d: %v", row, err),
				hint: "write numbers such as 0.35, 35%, 143000000 or " + cur.Symbol + "1.2m"}
		}
		if math.IsInf(lit.v, 0) {
			return nil, false, &columnError{msg: fmt.Sprintf("row %d: %s is beyond the largest number settle holds, about 1.8e308", row, strings.TrimSpace(rec[idx])),
				hint: "write numbers such as 0.35, 143000000 or £1.2m"}
		}
		isMoney = isMoney || lit.money
		values = append(values, lit.v)
	}
	if len(values) == 0 {
		return nil, false, &columnError{msg: fmt.Sprintf("column %q has no numbers", col), hint: "empirical draws from the numbers in the column", column: true}
	}
	return values, isMoney, nil
}

type csvNumber struct {
	v     float64
	money bool
}

func parseNumber(s string, cur money.Currency) (csvNumber, error) {
	lit, err := cur.Parse(s)
	if err != nil {
		return csvNumber{}, err
	}
	return csvNumber{lit.Float(), lit.Money}, nil
}
