package scenario

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/settle-sim/settle/engine/diag"
)

// Stage is one step of a dispute that unfolds over time: negotiation,
// mediation, trial, appeal, enforcement. Before a stage that happens the
// parties may settle (unless Settle is false); a stage's costs are spent
// once it starts, it takes Duration years, and when it ends both sides
// learn the values of Reveals.
type Stage struct {
	Name string
	// Duration is the years the stage takes: an expression over inputs
	// and rules.
	Duration *Def
	// Costs are each party's own spend over the stage, in the order
	// written: expressions over inputs and rules.
	Costs []StageCost
	// Reveals are the inputs or rules both sides learn when the stage
	// ends.
	Reveals []Ref
	// When, when not nil, is a true/false expression: the stage happens
	// only when it is true. It is decided on the trial's draws when the
	// stage before ends.
	When *Def
	// Settle is false when the parties have no chance to settle just
	// before the stage.
	Settle bool
	Pos    diag.Pos
}

// StageCost is one party's spend over a stage.
type StageCost struct {
	Party string
	Expr  *Def
}

var stageKeys = []string{"name", "duration", "costs", "reveals", "when", "settle", "doc"}

// stages reads
//
//	stages:
//	  - name: trial
//	    duration: years_to_judgment
//	    costs: {supplier: supplier_trial_costs, buyer: buyer_trial_costs}
//	    reveals: [liability, quantum_fraction]
//	  - name: appeal
//	    when: appeal_brought
//	    duration: 1
//	    settle: false
//
// A scenario's stages replace those of a scenario it extends.
func (l *loader) stages(src *source, v *yaml.Node) {
	path := src.path
	if v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
		l.diags.Errorf(pos(path, v), "write stages: as a list, each with name and duration, e.g. - {name: trial, duration: 2}", "stages must be a list of stages")
		return
	}
	var stages []Stage
	seen := map[string]diag.Pos{}
	ok := true
	for _, sv := range v.Content {
		st, good := l.stage(src, sv)
		if !good {
			ok = false
			continue
		}
		if first, dup := seen[st.Name]; dup {
			l.diags.Errorf(st.Pos, "give each stage its own name", "stage %s is listed twice; first at %s", st.Name, first)
			ok = false
			continue
		}
		seen[st.Name] = st.Pos
		stages = append(stages, st)
	}
	if ok {
		l.root.Stages = stages
		l.root.StagesPos = pos(path, v)
	}
}

func (l *loader) stage(src *source, v *yaml.Node) (Stage, bool) {
	path := src.path
	st := Stage{Settle: true, Pos: pos(path, v)}
	if v.Kind != yaml.MappingNode {
		l.diags.Errorf(pos(path, v), "write each stage as a mapping with name and duration, and optionally costs, reveals, when and settle", "a stage must be a mapping")
		return st, false
	}
	ok := true
	var durNode, whenNode, costsNode *yaml.Node
	for j := 0; j < len(v.Content); j += 2 {
		k, fv := v.Content[j], v.Content[j+1]
		switch k.Value {
		case "name":
			st.Name = l.str(path, fv)
			if st.Name != "" && !nameRE.MatchString(st.Name) {
				l.diags.Errorf(pos(path, fv), "stage names start with a letter or _ and contain only letters, digits and _ (they name start_years_<stage>)", "%q is not a valid stage name", st.Name)
				ok = false
			}
		case "duration":
			durNode = fv
		case "costs":
			costsNode = fv
		case "when":
			whenNode = fv
		case "reveals":
			st.Reveals, ok = l.refList(path, fv, "reveals"), ok && fv.Kind == yaml.SequenceNode
		case "settle":
			if fv.Kind != yaml.ScalarNode || (fv.Value != "true" && fv.Value != "false") {
				l.diags.Errorf(pos(path, fv), "write settle: false to give the parties no chance to settle just before the stage", "settle must be true or false")
				ok = false
				continue
			}
			st.Settle = fv.Value == "true"
		case "doc":
		default:
			l.diags.Errorf(pos(path, k), diag.OneOf(k.Value, stageKeys, "keys"), "unknown key %q in a stage", k.Value)
			ok = false
		}
	}
	if st.Name == "" {
		l.diags.Errorf(st.Pos, "write name: negotiation (or trial, appeal, ...)", "a stage has no name")
		return st, false
	}
	label := "stage " + st.Name
	if durNode == nil {
		l.diags.Errorf(st.Pos, "write duration: YEARS, a number or an expression such as years_to_judgment", "%s has no duration", label)
		ok = false
	} else if st.Duration = l.stageExpr(src, durNode, st.Name+" duration"); st.Duration == nil {
		ok = false
	}
	if whenNode != nil {
		if st.When = l.stageExpr(src, whenNode, st.Name+" when"); st.When == nil {
			ok = false
		}
	}
	if costsNode != nil {
		if costsNode.Kind != yaml.MappingNode {
			l.diags.Errorf(pos(path, costsNode), "write costs: {supplier: £2m, buyer: £1.5m}, one expression a party", "%s: costs must be a mapping of parties to amounts", label)
			ok = false
		} else {
			seen := map[string]bool{}
			for j := 0; j < len(costsNode.Content); j += 2 {
				k, fv := costsNode.Content[j], costsNode.Content[j+1]
				if seen[k.Value] {
					l.diags.Errorf(pos(path, k), "give each party's costs once", "%s: costs of %s are given twice", label, k.Value)
					ok = false
					continue
				}
				seen[k.Value] = true
				d := l.stageExpr(src, fv, st.Name+" costs of "+k.Value)
				if d == nil {
					ok = false
					continue
				}
				d.Pos = pos(path, k)
				st.Costs = append(st.Costs, StageCost{Party: k.Value, Expr: d})
			}
		}
	}
	return st, ok
}

// stageExpr reads one of a stage's expressions as a definition named
// what, of kind StageExpr.
func (l *loader) stageExpr(src *source, v *yaml.Node, what string) *Def {
	d := &Def{Name: what, Kind: StageExpr, Pos: pos(src.path, v)}
	if v.Kind != yaml.ScalarNode {
		l.diags.Errorf(pos(src.path, v), "write a number, an amount such as £2m, or an expression", "%s must be an expression", what)
		return nil
	}
	l.setExpr(src, d, v)
	if d.Expr == "" {
		return nil
	}
	return d
}

// refList reads a list of names.
func (l *loader) refList(path string, v *yaml.Node, key string) []Ref {
	if v.Kind != yaml.SequenceNode {
		l.diags.Errorf(pos(path, v), fmt.Sprintf("write %s: [liability, quantum_fraction]", key), "%s must be a list of names", key)
		return nil
	}
	var refs []Ref
	for _, it := range v.Content {
		r := l.ref(path, it)
		if r.Name != "" {
			refs = append(refs, r)
		}
	}
	return refs
}

// StageNames returns the names of s's stages, in order.
func (s *Scenario) StageNames() []string {
	names := make([]string, len(s.Stages))
	for i, st := range s.Stages {
		names[i] = st.Name
	}
	return names
}

// Builtin names that a scenario with stages provides to its rules and
// outputs.
const (
	// ElapsedYears is the time from now to the point where the dispute
	// ends: the settlement, or judgment after the last stage.
	ElapsedYears = "elapsed_years"
	// YearsToResolution is ElapsedYears where the dispute actually
	// ended, as an output.
	YearsToResolution = "years_to_resolution"
	// Settled is true when the dispute ended in a settlement.
	Settled = "settled"
	// SettlementStage is the number of the stage (1 for the first)
	// before which the parties settled, 0 when the dispute ended in
	// judgment.
	SettlementStage = "settlement_stage"
	// SpentPrefix prefixes a party's name to name its costs spent by
	// the point where the dispute ends: spent_supplier.
	SpentPrefix = "spent_"
	// StartPrefix prefixes a stage's name to name the years from now to
	// its start: start_years_trial.
	StartPrefix = "start_years_"
)

// Builtins returns the names a scenario with stages provides, given its
// parties and stages: what the engine sets at each point where the
// dispute could end, and what it reports of how it ended.
func (s *Scenario) Builtins() []string {
	if len(s.Stages) == 0 {
		return nil
	}
	names := []string{ElapsedYears, YearsToResolution, Settled, SettlementStage}
	for _, p := range s.Parties {
		names = append(names, SpentPrefix+p.Name)
	}
	for _, st := range s.Stages {
		names = append(names, StartPrefix+st.Name)
	}
	return names
}

// IsProcess reports whether s describes its dispute as stages.
func (s *Scenario) IsProcess() bool { return len(s.Stages) > 0 }

// checkStages reports what can be checked of the stages once every file
// is read: each party named under costs exists, and no definition takes
// a name the engine provides.
func (l *loader) checkStages() {
	s := l.root
	if len(s.Stages) == 0 {
		return
	}
	var parties []string
	for _, p := range s.Parties {
		parties = append(parties, p.Name)
	}
	for _, st := range s.Stages {
		for _, c := range st.Costs {
			if !contains(parties, c.Party) {
				hint := diag.OneOf(c.Party, parties, "parties")
				if len(parties) == 0 {
					hint = "list the parties under parties:"
				}
				l.diags.Errorf(c.Expr.Pos, hint, "stage %s: costs of %q, which is not a party", st.Name, c.Party)
			}
		}
	}
	for _, name := range s.Builtins() {
		if d, ok := s.Lookup(name); ok {
			l.diags.Errorf(d.Pos, "rename it: in a scenario with stages the engine provides "+name,
				"%s %s has the name of a value the engine provides (%s)", d.Kind, name, builtinDoc(name))
		}
	}
	if st := s.Settlement; st != nil && st.HasShare && (st.PayeeShare < 0 || st.PayeeShare > 1) {
		l.diags.Errorf(st.SharePos, "write a share between 0 (the payer's best) and 1 (the payee's best)", "payee_share %g is not between 0 and 1", st.PayeeShare)
	}
}

// builtinDoc says what a built-in name holds.
func builtinDoc(name string) string {
	switch {
	case name == ElapsedYears:
		return "the years from now to where the dispute ends"
	case name == YearsToResolution:
		return "the years the dispute took"
	case name == Settled:
		return "whether it settled"
	case name == SettlementStage:
		return "the stage before which it settled"
	case strings.HasPrefix(name, SpentPrefix):
		return "a party's costs spent by where the dispute ends"
	case strings.HasPrefix(name, StartPrefix):
		return "the years from now to a stage's start"
	}
	return "a built-in"
}
