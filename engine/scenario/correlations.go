package scenario

import (
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
}

// CorrelationPair is one declared rank correlation.
type CorrelationPair struct {
	I, J int
	Rho  float64
	Pos  diag.Pos
}

// At returns the declared correlation of inputs i and j.
func (c *Correlations) At(i, j int) float64 { return c.Matrix[i*len(c.Inputs)+j] }

var correlationKeys = []string{"pairs", "inputs", "matrix", "repair"}

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
// A scenario's correlations replace those of a scenario it extends.
func (l *loader) correlations(path string, v *yaml.Node) {
	c := &Correlations{Pos: pos(path, v)}
	ok := true
	switch v.Kind {
	case yaml.SequenceNode:
		ok = l.correlationPairs(path, v, c)
	case yaml.MappingNode:
		var pairs, inputs, matrix *yaml.Node
		for j := 0; j < len(v.Content); j += 2 {
			k, fv := v.Content[j], v.Content[j+1]
			switch k.Value {
			case "pairs":
				pairs = fv
			case "inputs":
				inputs = fv
			case "matrix":
				matrix = fv
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
		switch {
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
	if ok {
		l.root.Correlations = c
	}
}

func (l *loader) correlationPairs(path string, v *yaml.Node, c *Correlations) bool {
	type pair struct {
		a, b Ref
		rho  float64
		pos  diag.Pos
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
