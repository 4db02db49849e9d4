package scenario

import (
	"slices"

	"go.yaml.in/yaml/v3"

	"github.com/settle-sim/settle/engine/diag"
)

// VOI is a scenario's value-of-information section: asking for the value
// of information of each party's decision whenever the scenario runs, and
// naming groups of inputs whose information is valued together:
//
//	voi:
//	  groups:
//	    quantum: [claim, quantum_fraction]   # an expert report on quantum
//	    merits: [p_liability, liability]
type VOI struct {
	Pos    diag.Pos
	Groups []VOIGroup
}

// VOIGroup is a named group of inputs (or rules) learnt together.
type VOIGroup struct {
	Name   string
	Pos    diag.Pos
	Inputs []Ref
}

var voiKeys = []string{"groups"}

// voi reads the voi section.
func (l *loader) voi(path string, v *yaml.Node) {
	const hint = "write voi: {groups: {NAME: [INPUT, INPUT]}}"
	if v.Kind != yaml.MappingNode {
		l.diags.Errorf(pos(path, v), hint, "voi must be a mapping")
		return
	}
	out := &VOI{Pos: pos(path, v)}
	ok := true
	for j := 0; j+1 < len(v.Content); j += 2 {
		k, gv := v.Content[j], v.Content[j+1]
		if k.Value != "groups" {
			l.diags.Errorf(pos(path, k), diag.OneOf(k.Value, voiKeys, "keys"), "unknown key %q in voi", k.Value)
			ok = false
			continue
		}
		if gv.Kind != yaml.MappingNode {
			l.diags.Errorf(pos(path, gv), hint, "voi groups must be a mapping from a group's name to its inputs")
			ok = false
			continue
		}
		for i := 0; i+1 < len(gv.Content); i += 2 {
			nk, nv := gv.Content[i], gv.Content[i+1]
			g := VOIGroup{Name: nk.Value, Pos: pos(path, nk)}
			if slices.ContainsFunc(out.Groups, func(o VOIGroup) bool { return o.Name == g.Name }) {
				l.diags.Errorf(g.Pos, "", "voi group %s given twice", g.Name)
				ok = false
				continue
			}
			if nv.Kind != yaml.SequenceNode || len(nv.Content) == 0 {
				l.diags.Errorf(pos(path, nv), "write "+g.Name+": [INPUT, INPUT]", "voi group %s must list its inputs", g.Name)
				ok = false
				continue
			}
			for _, it := range nv.Content {
				g.Inputs = append(g.Inputs, l.ref(path, it))
			}
			out.Groups = append(out.Groups, g)
		}
	}
	if ok {
		l.root.VOI = out
	}
}
