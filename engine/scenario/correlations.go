package scenario

import (
	"fmt"
	"math"
	"strconv"

	"go.yaml.in/yaml/v3"

	"github.com/settle-sim/settle/engine/diag"
)

// Correlations are the rank (Spearman) correlations a scenario declares
// between its inputs.
type Correlations struct {
	// Inputs are the correlated inputs, in the order of Matrix.
	Inputs []Ref
	// Matrix holds the rank correlations, row-major, len(Inputs)²: 1 on
	// the diagonal, 0 for pairs not declared.
	Matrix []float64
	// Pairs are the declared pairs, I < J indexing Inputs.
	Pairs []CorrelationPair
	// Repair asks for a matrix that is not positive semi-definite to be
	// replaced by the nearest one that is (repair: nearest).
	Repair bool
	Pos    diag.Pos

	// Copula is how the dependence is imposed: CopulaGaussian (the
	// default), CopulaT or CopulaClayton.
	Copula string
	// Measure is what Matrix and Pairs hold: MeasureSpearman (the
	// Gaussian copula's default) or MeasureKendall (Kendall's tau, the
	// only measure of the t and Clayton copulas).
	Measure string
	// DF is the t copula's degrees of freedom.
	DF float64
	// Upper is true for a Clayton copula turned round (tail: upper), whose
	// dependence is in the upper tail rather than the lower.
	Upper bool
	// Groups are a Clayton copula's groups: inputs (indexing Inputs)
	// dependent among themselves with one Kendall's tau, independent of
	// the other groups' inputs.
	Groups []CorrelationGroup
}

// CorrelationGroup is one exchangeable group of a Clayton copula.
type CorrelationGroup struct {
	Inputs []int
	Tau    float64
	Pos    diag.Pos
}

// The copulas and measures a scenario may name.
const (
	CopulaGaussian  = "gaussian"
	CopulaT         = "t"
	CopulaClayton   = "clayton"
	MeasureSpearman = "spearman"
	MeasureKendall  = "kendall"
)

// CorrelationPair is one declared rank correlation.
type CorrelationPair struct {
	I, J int
	Rho  float64
	Pos  diag.Pos
}

// At returns the declared correlation of inputs i and j.
func (c *Correlations) At(i, j int) float64 { return c.Matrix[i*len(c.Inputs)+j] }

var correlationKeys = []string{"pairs", "inputs", "matrix", "repair", "copula", "df", "measure", "tail", "groups"}

const correlationsHint = "write correlations: as pairs, - [claim, quantum_fraction, 0.6], or as {inputs: [a, b], matrix: [[1, 0.6], [0.6, 1]]}"

// correlations reads
//
//	correlations:
//	  - [p_liability, quantum_fraction, 0.6]
//
// or
//
//	correlations:
//	  pairs: [[p_liability, quantum_fraction, 0.6]]   # or inputs: and matrix:
//	  repair: nearest
//
// or, with tail dependence (docs/copulas.md),
//
//	correlations:
//	  copula: t              # or gaussian (the default)
//	  df: 4
//	  pairs: [[p_liability, quantum_fraction, 0.5]]   # Kendall's tau
//
//	correlations:
//	  copula: clayton
//	  tail: upper            # or lower (the default)
//	  groups:
//	    - {inputs: [p_liability, quantum_fraction, claim], tau: 0.4}
//
// A scenario's correlations replace those of a scenario it extends.
func (l *loader) correlations(path string, v *yaml.Node) {
	c := &Correlations{Pos: pos(path, v), Copula: CopulaGaussian, Measure: MeasureSpearman}
	ok := true
	switch v.Kind {
	case yaml.SequenceNode:
		ok = l.correlationPairs(path, v, c)
	case yaml.MappingNode:
		var pairs, inputs, matrix, groups, df, measure, tail *yaml.Node
		for j := 0; j < len(v.Content); j += 2 {
			k, fv := v.Content[j], v.Content[j+1]
			switch k.Value {
			case "pairs":
				pairs = fv
			case "inputs":
				inputs = fv
			case "matrix":
				matrix = fv
			case "groups":
				groups = fv
			case "df":
				df = fv
			case "measure":
				measure = fv
			case "tail":
				tail = fv
			case "copula":
				switch fv.Value {
				case CopulaGaussian, "normal":
					c.Copula = CopulaGaussian
				case CopulaT, "student_t", "student":
					c.Copula = CopulaT
				case CopulaClayton:
					c.Copula = CopulaClayton
				default:
					l.diags.Errorf(pos(path, fv), "write copula: gaussian (the default), t (tail dependence in both tails) or clayton (in one tail)", "unknown copula %q", fv.Value)
					ok = false
				}
			case "repair":
				switch fv.Value {
				case "nearest":
					c.Repair = true
				case "none", "false":
				default:
					l.diags.Errorf(pos(path, fv), "write repair: nearest to use the nearest valid matrix, or leave it out", "repair %q: the only repair is nearest", fv.Value)
					ok = false
				}
			default:
				l.diags.Errorf(pos(path, k), diag.OneOf(k.Value, correlationKeys, "keys"), "unknown key %q in correlations", k.Value)
				ok = false
			}
		}
		ok = l.copulaOptions(path, v, c, df, measure, tail, groups, matrix) && ok
		switch {
		case groups != nil && (pairs != nil || inputs != nil || matrix != nil):
			l.diags.Errorf(pos(path, v), "give groups, or pairs", "correlations has both groups and pairs or a matrix")
			ok = false
		case groups != nil:
			ok = l.correlationGroups(path, groups, c) && ok
		case pairs != nil && (inputs != nil || matrix != nil):
			l.diags.Errorf(pos(path, v), "give pairs, or inputs and matrix", "correlations has both pairs and a matrix")
			ok = false
		case pairs != nil:
			if pairs.Kind != yaml.SequenceNode {
				l.diags.Errorf(pos(path, pairs), correlationsHint, "pairs must be a list of [input, input, correlation]")
				return
			}
			ok = l.correlationPairs(path, pairs, c) && ok
		case inputs != nil && matrix != nil:
			ok = l.correlationMatrix(path, inputs, matrix, c) && ok
		default:
			l.diags.Errorf(pos(path, v), correlationsHint, "correlations needs pairs, or inputs and matrix")
			ok = false
		}
	default:
		l.diags.Errorf(pos(path, v), correlationsHint, "correlations must be a list of pairs or a mapping")
		return
	}
	if ok && c.Copula == CopulaClayton && c.Groups == nil {
		ok = l.claytonGroupsFromPairs(c)
	}
	if ok {
		l.root.Correlations = c
	}
}

// copulaOptions reads df, measure and tail, which must suit the copula.
func (l *loader) copulaOptions(path string, v *yaml.Node, c *Correlations, df, measure, tail, groups, matrix *yaml.Node) bool {
	ok := true
	if c.Copula != CopulaGaussian {
		c.Measure = MeasureKendall
	}
	if measure != nil {
		switch {
		case measure.Value == MeasureKendall:
			c.Measure = MeasureKendall
		case measure.Value == MeasureSpearman && c.Copula == CopulaGaussian:
		case measure.Value == MeasureSpearman:
			l.diags.Errorf(pos(path, measure), "give Kendall's tau (measure: kendall, the default for this copula), which it determines exactly", "the %s copula takes Kendall's tau, not Spearman's rho", c.Copula)
			ok = false
		default:
			l.diags.Errorf(pos(path, measure), "write measure: spearman (rank correlation) or kendall (Kendall's tau)", "unknown measure %q", measure.Value)
			ok = false
		}
	}
	switch {
	case c.Copula == CopulaT && df == nil:
		l.diags.Errorf(pos(path, v), "add df: 4, say: the fewer the degrees of freedom, the stronger the tail dependence", "the t copula needs its degrees of freedom, df")
		ok = false
	case c.Copula == CopulaT:
		x, err := strconv.ParseFloat(df.Value, 64)
		if df.Kind != yaml.ScalarNode || err != nil || !(x >= 1) || x > 1000 {
			l.diags.Errorf(pos(path, df), "degrees of freedom are a number from 1 to 1,000, such as 4; many give the Gaussian copula", "df %q is not a number of degrees of freedom", df.Value)
			ok = false
		}
		c.DF = x
	case df != nil:
		l.diags.Errorf(pos(path, df), "add copula: t, or leave df out", "df goes with copula: t")
		ok = false
	}
	switch {
	case tail != nil && c.Copula != CopulaClayton:
		l.diags.Errorf(pos(path, tail), "add copula: clayton, or leave tail out (the t copula's dependence is in both tails)", "tail goes with copula: clayton")
		ok = false
	case tail != nil && tail.Value == "upper":
		c.Upper = true
	case tail != nil && tail.Value != "lower":
		l.diags.Errorf(pos(path, tail), "write tail: lower (large losses together, the default) or upper (large values together)", "unknown tail %q", tail.Value)
		ok = false
	}
	if groups != nil && c.Copula != CopulaClayton {
		l.diags.Errorf(pos(path, groups), "give pairs, or add copula: clayton", "groups go with copula: clayton")
		ok = false
	}
	if matrix != nil && c.Copula == CopulaClayton {
		l.diags.Errorf(pos(path, matrix), "write groups: - {inputs: [a, b, c], tau: 0.4}: a Clayton copula has one tau a group", "a Clayton copula takes groups, not a matrix")
		ok = false
	}
	return ok
}

// correlationGroups reads a Clayton copula's groups:
//
//	groups:
//	  - {inputs: [a, b, c], tau: 0.4}
func (l *loader) correlationGroups(path string, v *yaml.Node, c *Correlations) bool {
	const hint = "write groups: - {inputs: [a, b, c], tau: 0.4}"
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		l.diags.Errorf(pos(path, v), hint, "groups must be a list of groups of inputs, each with a Kendall's tau")
		return false
	}
	ok := true
	index := map[string]diag.Pos{}
	for _, g := range v.Content {
		if g.Kind != yaml.MappingNode {
			l.diags.Errorf(pos(path, g), hint, "a group is a mapping with inputs and tau")
			ok = false
			continue
		}
		grp := CorrelationGroup{Pos: pos(path, g), Tau: math.NaN()}
		var names *yaml.Node
		for j := 0; j < len(g.Content); j += 2 {
			k, fv := g.Content[j], g.Content[j+1]
			switch k.Value {
			case "inputs":
				names = fv
			case "tau":
				tau, good := l.correlation(path, fv)
				ok = ok && good
				grp.Tau = tau
			default:
				l.diags.Errorf(pos(path, k), diag.OneOf(k.Value, []string{"inputs", "tau"}, "keys"), "unknown key %q in a group", k.Value)
				ok = false
			}
		}
		if names == nil || names.Kind != yaml.SequenceNode || len(names.Content) < 2 {
			l.diags.Errorf(pos(path, g), hint, "a group needs inputs: a list of two or more inputs")
			ok = false
			continue
		}
		if math.IsNaN(grp.Tau) {
			l.diags.Errorf(pos(path, g), hint, "a group needs tau: its Kendall's tau")
			ok = false
			continue
		}
		for _, n := range names.Content {
			r := l.ref(path, n)
			if r.Name == "" {
				ok = false
				continue
			}
			if first, dup := index[r.Name]; dup {
				l.diags.Errorf(r.Pos, "put each input in one group; inputs in different groups are independent", "%s is in two groups; first at %s", r.Name, first)
				ok = false
				continue
			}
			index[r.Name] = r.Pos
			grp.Inputs = append(grp.Inputs, len(c.Inputs))
			c.Inputs = append(c.Inputs, r)
		}
		c.Groups = append(c.Groups, grp)
	}
	if !ok {
		return false
	}
	k := len(c.Inputs)
	c.Matrix = make([]float64, k*k)
	for i := range k {
		c.Matrix[i*k+i] = 1
	}
	for _, g := range c.Groups {
		for a, i := range g.Inputs {
			for _, j := range g.Inputs[a+1:] {
				c.Matrix[i*k+j], c.Matrix[j*k+i] = g.Tau, g.Tau
				c.Pairs = append(c.Pairs, CorrelationPair{I: i, J: j, Rho: g.Tau, Pos: g.Pos})
			}
		}
	}
	return true
}

// claytonGroupsFromPairs makes each declared pair of a Clayton copula a
// group of two; an input may be in one pair only.
func (l *loader) claytonGroupsFromPairs(c *Correlations) bool {
	seen := map[int]CorrelationPair{}
	ok := true
	for _, p := range c.Pairs {
		for _, i := range []int{p.I, p.J} {
			if first, dup := seen[i]; dup {
				a, b, x := c.Inputs[first.I].Name, c.Inputs[first.J].Name, c.Inputs[i].Name
				l.diags.Errorf(p.Pos, fmt.Sprintf("a Clayton copula has one tau a group: put them in one group, groups: - {inputs: [%s, %s, %s], tau: …}, or use copula: t for a tau a pair",
					a, b, c.Inputs[p.I+p.J-i].Name),
					"%s is in two Clayton pairs; first with %s at %s", x, otherOf(c, first, i), first.Pos)
				ok = false
				continue
			}
			seen[i] = p
		}
		c.Groups = append(c.Groups, CorrelationGroup{Inputs: []int{p.I, p.J}, Tau: p.Rho, Pos: p.Pos})
	}
	return ok
}

func otherOf(c *Correlations, p CorrelationPair, i int) string {
	if p.I == i {
		return c.Inputs[p.J].Name
	}
	return c.Inputs[p.I].Name
}

func (l *loader) correlationPairs(path string, v *yaml.Node, c *Correlations) bool {
	type pair struct {
		a, b Ref
		rho  float64
		pos  diag.Pos
	}
	if len(v.Content) == 0 {
		l.diags.Errorf(pos(path, v), "write - [input_a, input_b, 0.6], or leave correlations out", "correlations lists no pairs")
		return false
	}
	var pairs []pair
	ok := true
	for _, it := range v.Content {
		if it.Kind != yaml.SequenceNode || len(it.Content) != 3 {
			l.diags.Errorf(pos(path, it), "write - [input_a, input_b, 0.6]", "each correlation is a list of two inputs and a rank correlation")
			ok = false
			continue
		}
		a, b := l.ref(path, it.Content[0]), l.ref(path, it.Content[1])
		rho, good := l.correlation(path, it.Content[2])
		if a.Name == "" || b.Name == "" || !good {
			ok = false
			continue
		}
		if a.Name == b.Name {
			l.diags.Errorf(pos(path, it), "name two different inputs", "%s is correlated with itself", a.Name)
			ok = false
			continue
		}
		pairs = append(pairs, pair{a, b, rho, pos(path, it)})
	}
	if !ok {
		return false
	}
	index := map[string]int{}
	at := func(r Ref) int {
		i, seen := index[r.Name]
		if !seen {
			i = len(c.Inputs)
			index[r.Name] = i
			c.Inputs = append(c.Inputs, r)
		}
		return i
	}
	type key struct{ i, j int }
	seen := map[key]diag.Pos{}
	for _, p := range pairs {
		i, j := at(p.a), at(p.b)
		if i > j {
			i, j = j, i
		}
		if first, dup := seen[key{i, j}]; dup {
			l.diags.Errorf(p.pos, "keep one of them", "the correlation of %s and %s is given twice; first at %s", p.a.Name, p.b.Name, first)
			ok = false
			continue
		}
		seen[key{i, j}] = p.pos
		c.Pairs = append(c.Pairs, CorrelationPair{I: i, J: j, Rho: p.rho, Pos: p.pos})
	}
	k := len(c.Inputs)
	c.Matrix = make([]float64, k*k)
	for i := range k {
		c.Matrix[i*k+i] = 1
	}
	for _, p := range c.Pairs {
		c.Matrix[p.I*k+p.J], c.Matrix[p.J*k+p.I] = p.Rho, p.Rho
	}
	return ok
}

func (l *loader) correlationMatrix(path string, inputs, matrix *yaml.Node, c *Correlations) bool {
	if inputs.Kind != yaml.SequenceNode || len(inputs.Content) < 2 {
		l.diags.Errorf(pos(path, inputs), "write inputs: [a, b, c]", "inputs must list two or more inputs")
		return false
	}
	ok := true
	names := map[string]bool{}
	for _, n := range inputs.Content {
		r := l.ref(path, n)
		if r.Name == "" {
			ok = false
			continue
		}
		if names[r.Name] {
			l.diags.Errorf(r.Pos, "list each input once", "%s is listed twice", r.Name)
			ok = false
		}
		names[r.Name] = true
		c.Inputs = append(c.Inputs, r)
	}
	k := len(inputs.Content)
	if matrix.Kind != yaml.SequenceNode || len(matrix.Content) != k {
		l.diags.Errorf(pos(path, matrix), "give one row an input, each with one number an input", "matrix must have %d rows, one for each input", k)
		return false
	}
	c.Matrix = make([]float64, k*k)
	for i, row := range matrix.Content {
		if row.Kind != yaml.SequenceNode || len(row.Content) != k {
			l.diags.Errorf(pos(path, row), "give one number for each input", "row %d of matrix must have %d numbers", i+1, k)
			ok = false
			continue
		}
		for j, cell := range row.Content {
			rho, good := l.correlation(path, cell)
			if !good {
				ok = false
				continue
			}
			if i == j && rho != 1 {
				l.diags.Errorf(pos(path, cell), "an input's correlation with itself is 1", "matrix[%d][%d] is %v, not 1", i+1, j+1, rho)
				ok = false
			}
			c.Matrix[i*k+j] = rho
		}
	}
	if !ok {
		return false
	}
	for i := range k {
		for j := i + 1; j < k; j++ {
			a, b := c.Matrix[i*k+j], c.Matrix[j*k+i]
			if a != b {
				l.diags.Errorf(pos(path, matrix.Content[j].Content[i]), "make the matrix symmetric", "matrix[%d][%d] is %v but matrix[%d][%d] is %v", j+1, i+1, b, i+1, j+1, a)
				ok = false
				continue
			}
			c.Pairs = append(c.Pairs, CorrelationPair{I: i, J: j, Rho: a, Pos: pos(path, matrix.Content[i].Content[j])})
		}
	}
	return ok
}

func (l *loader) correlation(path string, v *yaml.Node) (float64, bool) {
	if v.Kind == yaml.ScalarNode {
		if x, err := strconv.ParseFloat(v.Value, 64); err == nil && x >= -1 && x <= 1 && !math.IsNaN(x) {
			return x, true
		}
	}
	l.diags.Errorf(pos(path, v), "a rank correlation is a number from -1 to 1", "%q is not a correlation", v.Value)
	return 0, false
}
