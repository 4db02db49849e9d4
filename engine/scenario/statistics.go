package scenario

import (
	"errors"
	"fmt"

	"go.yaml.in/yaml/v3"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/statistic"
)

// Statistic is a statistic the scenario declares under statistics, such
// as P(supplier_net > £50m), p97.5(buyer_cost) or
// mean(court_award | liability) (see engine/statistic for the forms).
type Statistic struct {
	Name string // the key it is declared under, or its text in a list
	Text string // as written
	Spec statistic.Spec
	// Of is the expression the statistic is of, Given its condition (nil
	// when there is none): definitions of kind StatisticKind named for
	// the statistic, positioned in the file, that are compiled with the
	// scenario's inputs and rules but that nothing else can refer to.
	Of, Given *Def
	Doc       string
	Pos       diag.Pos // of its name
}

var statisticKeys = []string{"expr", "doc"}

// statistics reads
//
//	statistics:
//	  big_win: P(supplier_net > £50m)
//	  award_if_liable:
//	    expr: mean(court_award | liability)
//	    doc: What the court awards when it finds the buyer liable.
//
// or a list of statistics, each named by its text. A statistic declared
// again (in a scenario that extends another) replaces the earlier one.
func (l *loader) statistics(src *source, v *yaml.Node) {
	path := src.path
	type entry struct{ key, val *yaml.Node }
	var entries []entry
	switch v.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(v.Content); i += 2 {
			entries = append(entries, entry{v.Content[i], v.Content[i+1]})
		}
	case yaml.SequenceNode:
		for _, it := range v.Content {
			entries = append(entries, entry{nil, it})
		}
	default:
		if v.Tag == "!!null" {
			return
		}
		l.diags.Errorf(pos(path, v), "write statistics: {NAME: STATISTIC}, e.g. big_win: P(supplier_net > £50m)", "statistics must be a mapping of names to statistics, or a list of them")
		return
	}
	seen := map[string]diag.Pos{}
	for _, e := range entries {
		st := &Statistic{}
		exprNode := e.val
		if e.key != nil {
			st.Name, st.Pos = e.key.Value, pos(path, e.key)
			if !nameRE.MatchString(st.Name) {
				l.diags.Errorf(st.Pos, "names start with a letter or _ and contain only letters, digits and _", "%q is not a valid statistic name", st.Name)
				continue
			}
			if e.val.Kind == yaml.MappingNode {
				exprNode = nil
				for j := 0; j+1 < len(e.val.Content); j += 2 {
					fk, fv := e.val.Content[j], e.val.Content[j+1]
					switch fk.Value {
					case "expr":
						exprNode = fv
					case "doc":
						st.Doc = l.str(path, fv)
					default:
						l.diags.Errorf(pos(path, fk), diag.OneOf(fk.Value, statisticKeys, "keys"), "unknown key %q in statistic %s", fk.Value, st.Name)
					}
				}
				if exprNode == nil {
					l.diags.Errorf(st.Pos, "add `expr: STATISTIC`, e.g. expr: P(supplier_net > £50m)", "statistic %s has no expr", st.Name)
					continue
				}
			}
		}
		if exprNode.Kind != yaml.ScalarNode || exprNode.Value == "" {
			l.diags.Errorf(pos(path, exprNode), "write one of "+statistic.Forms, "a statistic must be text such as P(supplier_net > £50m)")
			continue
		}
		if e.key == nil {
			st.Name, st.Pos = exprNode.Value, pos(path, exprNode)
		}
		if first, ok := seen[st.Name]; ok {
			l.diags.Errorf(st.Pos, "remove or rename one of them", "statistic %s is declared twice in this file; first at %s", st.Name, first)
			continue
		}
		seen[st.Name] = st.Pos
		whole := &Def{Name: st.Name, Kind: StatisticKind, Pos: st.Pos}
		l.setExpr(src, whole, exprNode)
		if whole.Expr == "" {
			continue
		}
		st.Text = whole.Expr
		spec, err := statistic.Parse(whole.Expr)
		if err != nil {
			var se *statistic.Error
			off := 0
			if errors.As(err, &se) {
				off = se.Off
			}
			l.diags.Errorf(whole.PosAt(off), "", "statistic %s: %v", st.Name, err)
			continue
		}
		st.Spec = spec
		st.Of = whole.sub(spec.Of)
		if spec.Given.Text != "" {
			st.Given = whole.sub(spec.Given)
		}
		l.addStatistic(st)
	}
}

// sub is the definition of the part sp of d's expression, positioned
// where that part is in the file.
func (d *Def) sub(sp statistic.Span) *Def {
	s := &Def{Name: d.Name, Kind: d.Kind, Expr: sp.Text, Pos: d.PosAt(sp.Off)}
	if n := len(d.loc.runes); n > 0 {
		s.loc.runes = d.loc.runes[min(sp.Off, n):min(sp.Off+len([]rune(sp.Text)), n)]
	}
	if len(s.loc.runes) == 0 {
		s.loc = exprLoc{line: s.Pos.Line, col: s.Pos.Col, block: d.loc.block}
	}
	return s
}

func (l *loader) addStatistic(st *Statistic) {
	s := l.root
	for i, old := range s.Statistics {
		if old.Name == st.Name {
			l.diags.Notef(st.Pos, "statistic %s overrides statistic %s from %s", st.Name, old.Name, old.Pos)
			s.Statistics[i] = st
			return
		}
	}
	s.Statistics = append(s.Statistics, st)
}

// String is the statistic as declared: "big_win: P(supplier_net > £50m)".
func (st *Statistic) String() string {
	if st.Name == st.Text {
		return st.Text
	}
	return fmt.Sprintf("%s: %s", st.Name, st.Text)
}
