package scenario

import (
	"go.yaml.in/yaml/v3"

	"github.com/settle-sim/settle/engine/yamlkeys"
)

// duplicateKeys reports every key given twice in a mapping of the file at
// path, whose YAML is doc: trials: twice, or unit: twice in an input. The
// names under inputs and rules are left to defs, which reports a name
// defined twice in its own words.
func (l *loader) duplicateKeys(path string, doc *yaml.Node) {
	top := doc.Content[0]
	var names []*yaml.Node
	for i := 0; i+1 < len(top.Content); i += 2 {
		if k := top.Content[i].Value; k == "inputs" || k == "rules" {
			names = append(names, top.Content[i+1])
		}
	}
	l.diags = append(l.diags, yamlkeys.Duplicates(path, doc, names...)...)
}
