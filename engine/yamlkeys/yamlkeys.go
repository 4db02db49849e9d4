// Package yamlkeys finds keys given twice in a YAML mapping. YAML does
// not allow them, but go.yaml.in/yaml/v3 accepts them when it decodes
// into a yaml.Node, and the last one silently won: a scenario with
// trials: twice ran the second. Every file settle reads as YAML is
// checked with it.
package yamlkeys

import (
	"go.yaml.in/yaml/v3"

	"github.com/settle-sim/settle/engine/diag"
)

// Duplicates returns an error for each key of a mapping in the document
// n (read from path) that repeats an earlier key of the same mapping,
// at the repeat and naming the first, in the order of the document. Mappings in skip
// are not checked themselves, though those they hold are: for mappings
// whose repeated keys the caller reports in its own words. Aliases are
// not followed (their targets are checked where they are written), so
// that the walk is linear in the size of the document.
func Duplicates(path string, n *yaml.Node, skip ...*yaml.Node) diag.List {
	var l diag.List
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n == nil || n.Kind == yaml.AliasNode {
			return
		}
		if n.Kind != yaml.MappingNode {
			for _, c := range n.Content {
				walk(c)
			}
			return
		}
		type key struct{ tag, value string }
		check := !contains(skip, n)
		var first map[key]*yaml.Node
		if check {
			first = make(map[key]*yaml.Node, len(n.Content)/2)
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if check && k.Kind == yaml.ScalarNode {
				id := key{k.ShortTag(), k.Value}
				if f, dup := first[id]; dup {
					l.Errorf(pos(path, k), "remove one of them, or merge them",
						"key %q is given twice in this mapping; first at %s", k.Value, pos(path, f))
				} else {
					first[id] = k
				}
			}
			walk(k)
			walk(n.Content[i+1])
		}
	}
	walk(n)
	return l
}

func pos(path string, n *yaml.Node) diag.Pos {
	return diag.Pos{File: path, Line: n.Line, Col: n.Column}
}

func contains(nodes []*yaml.Node, n *yaml.Node) bool {
	for _, m := range nodes {
		if m == n {
			return true
		}
	}
	return false
}
