// Package scenario loads scenario and rule files: YAML documents that
// define inputs (numbers, money or distributions) and rules (expressions),
// with includes, overrides and command-line settings, keeping every
// definition's file, line and column.
package scenario

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/shopspring/decimal"
	"go.yaml.in/yaml/v3"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/project"
)

// Kind says whether a definition is an input or a rule.
type Kind int

const (
	// Input is an uncertain or given quantity: a number, an amount of
	// money or an expression that calls distribution functions.
	Input Kind = iota
	// Rule is an expression over inputs and other rules.
	Rule
	// StageExpr is one of a stage's expressions: its duration, its
	// costs to a party or its condition.
	StageExpr
	// Builtin is a value the engine provides to a scenario with stages,
	// such as elapsed_years.
	Builtin
	// StatisticKind is the kind of the expressions of a statistic the
	// scenario declares (statistics.go).
	StatisticKind
)

func (k Kind) String() string {
	switch k {
	case Rule:
		return "rule"
	case StageExpr:
		return "stage"
	case Builtin:
		return "built-in"
	case StatisticKind:
		return "statistic"
	}
	return "input"
}

// Def is one named input or rule.
type Def struct {
	Name string
	Kind Kind
	Expr string // the expression as written
	Unit string // declared unit, e.g. "years" or "GBP"; "" when not declared
	Doc  string // what the name means
	Pos  diag.Pos

	// where the expression text starts, to map offsets to positions
	loc exprLoc
}

// PosAt returns the file position of the character at rune offset off
// of d.Expr.
func (d *Def) PosAt(off int) diag.Pos {
	return d.loc.at(d.Pos.File, d.Expr, off)
}

// exprLoc locates an expression's text inside its file.
type exprLoc struct {
	line, col int  // of the first character of the expression
	block     bool // a literal block scalar: each line starts at col
	// runes holds the position of each rune of the expression when it
	// was mapped from the file: YAML folds lines and drops indentation
	// and quoted scalars have escapes, so that a rune's offset in the
	// expression does not always give its position in the file.
	runes []lineCol
}

type lineCol struct{ line, col int }

func (l exprLoc) at(file, expr string, off int) diag.Pos {
	if n := len(l.runes); n > 0 {
		switch {
		case off < 0:
			off = 0
		case off >= n:
			last := l.runes[n-1]
			return diag.Pos{File: file, Line: last.line, Col: last.col + 1}
		}
		return diag.Pos{File: file, Line: l.runes[off].line, Col: l.runes[off].col}
	}
	if l.line == 0 {
		return diag.Pos{File: file}
	}
	line, col := l.line, l.col
	i := 0
	for _, r := range expr {
		if i == off {
			break
		}
		i++
		if r == '\n' && l.block {
			line++
			col = l.col
			continue
		}
		col++
	}
	return diag.Pos{File: file, Line: line, Col: col}
}

// Output is a name listed under outputs.
type Output struct {
	Name string
	Pos  diag.Pos
}

// Source is a file that a scenario was built from, with its digest.
type Source struct {
	Path   string `json:"path"` // relative to the scenario's directory
	SHA256 string `json:"sha256"`
}

// Scenario is a loaded scenario or rule file with its includes merged.
type Scenario struct {
	Name        string
	Description string
	File        string // the path it was loaded from
	SHA256      string // digest of File's bytes
	Sources     []Source

	// Currency is what the scenario's amounts are in: GBP unless it
	// declares another (currency: USD).
	Currency money.Currency

	Seed      uint64
	HasSeed   bool
	Trials    int
	HasTrials bool

	// Defs are the definitions in force, in the order first defined.
	Defs    []*Def
	Outputs []Output

	// Parties are the sides of the dispute, in the order listed, and
	// Settlement says which input is the settlement figure.
	Parties    []Party
	Settlement *Settlement

	// Stages, when there are any, describe the dispute as a process
	// over time: the parties may settle before each stage, and the
	// engine decides whether they do (see Stage).
	Stages    []Stage
	StagesPos diag.Pos

	// Correlations are the rank correlations declared between inputs;
	// nil when none are.
	Correlations *Correlations
	// VOI asks for the value of information, with groups (voi.go).
	VOI *VOI

	// Statistics are the statistics declared, in order.
	Statistics []*Statistic

	// Positions are the position files applied, in order.
	Positions []Position

	// IsRuleFile is true when the file has no outputs: it is meant to be
	// included by scenarios rather than run.
	IsRuleFile bool

	// Settings are the replacements made by Set, in order.
	Settings []Setting
	// Offer is the settlement figure SetOffer set (--offer), the last of
	// Settings to replace the figure; "" when none was.
	Offer string

	// Notes are informational diagnostics, such as overrides.
	Notes diag.List

	// Project is the project root the files it refers to were read
	// from, with every file read.
	Project *project.Root

	byName map[string]int
}

// Lookup returns the definition in force for name.
func (s *Scenario) Lookup(name string) (*Def, bool) {
	i, ok := s.byName[name]
	if !ok {
		return nil, false
	}
	return s.Defs[i], true
}

// Names returns every defined name, in definition order.
func (s *Scenario) Names() []string {
	names := make([]string, len(s.Defs))
	for i, d := range s.Defs {
		names[i] = d.Name
	}
	return names
}

// Set replaces input name with the expression value, as `--set
// name=value` does. It refuses names that are not inputs.
func (s *Scenario) Set(name, value string) error {
	return s.SetFrom(name, value, "--set "+name)
}

// SetFrom is Set for a value given by source, such as "--offer", which
// messages about the value name as its file.
func (s *Scenario) SetFrom(name, value, source string) error {
	old, ok := s.Lookup(name)
	if !ok {
		hint := diag.DidYouMean(name, s.inputNames())
		if hint == "" {
			hint = "--set replaces one of the scenario's inputs"
		}
		return fmt.Errorf("--set %s: no input named %q; %s", name, name, hint)
	}
	if old.Kind != Input {
		return fmt.Errorf("--set %s: %s is a rule, not an input (%s); --set replaces inputs", name, name, old.Pos)
	}
	if strings.TrimSpace(value) == "" {
		return fmt.Errorf("--set %s: no value; write --set %s=VALUE with a number, an amount such as %s400m or a distribution such as pert(300e6, 500e6, 700e6)", name, name, s.Currency.Symbol)
	}
	file := source
	d := &Def{Name: name, Kind: Input, Expr: value, Unit: old.Unit, Doc: old.Doc,
		Pos: diag.Pos{File: file, Line: 1, Col: 1}, loc: exprLoc{line: 1, col: 1}}
	s.Defs[s.byName[name]] = d
	s.Settings = append(s.Settings, Setting{Name: name, Value: value})
	return nil
}

// Setting records one replacement made by Set.
type Setting struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

func (s *Scenario) inputNames() []string {
	var names []string
	for _, d := range s.Defs {
		if d.Kind == Input {
			names = append(names, d.Name)
		}
	}
	return names
}

// Load reads the scenario or rule file at path with everything it
// includes. Every problem found is returned at once as a
// *diag.ListError.
func Load(path string) (*Scenario, error) {
	return LoadWith(path, project.Options{})
}

// LoadWith is Load with the project root and size limits of opt: the
// files the scenario refers to must lie inside the root.
func LoadWith(path string, opt project.Options) (*Scenario, error) {
	proj, err := project.New(path, opt)
	if err != nil {
		return nil, err
	}
	l := &loader{}
	s := &Scenario{File: path, Currency: money.GBP, byName: map[string]int{}, Project: proj}
	l.root = s
	l.rootDir = filepath.Dir(path)
	f := l.file("", path, diag.Pos{File: path}, root)
	if f != nil {
		s.SHA256 = f.sha
	}
	if !s.IsRuleFile {
		l.checkParties()
		l.checkStages()
	}
	l.checkCurrency()
	s.Notes = l.diags.Notes()
	if err := l.diags.Err(); err != nil {
		return nil, err
	}
	return s, nil
}

type loader struct {
	position *Position // the position being applied, if any
	root     *Scenario
	rootDir  string
	diags    diag.List
	// visiting are the files being loaded, the outermost first, and
	// loaded those loaded already: a file is loaded once however often
	// it is included.
	visiting []fs.FileInfo
	loaded   []fs.FileInfo
	// sawStages: a file has stages, even if they failed to load.
	sawStages bool

	currencyUses []currencyUse // checked once the scenario's currency is known
}

type parsedFile struct {
	sha string
}

var topKeys = map[bool][]string{
	true:  {"name", "description", "extends", "currency", "seed", "trials", "include", "inputs", "rules", "outputs", "parties", "settlement", "correlations", "voi", "stages", "statistics"},
	false: {"description", "currency", "include", "inputs", "rules"},
}

// scenarioKeys are the keys that make a file a scenario rather than a
// rule file: one with any of them is a scenario, so that a scenario
// whose outputs key is misspelt is told so, not read as a rule file.
var scenarioKeys = []string{"name", "extends", "seed", "trials", "outputs", "parties", "settlement", "correlations", "voi", "stages", "statistics"}

// role is the part a file plays in a scenario.
type role int

const (
	root     role = iota // the file loaded
	included             // a rule file it includes
	base                 // a scenario it extends
	overlay              // a position applied to it
)

// file loads the file that ref, written in a file in directory dir,
// refers to (or, when dir is "", the file named ref on the command line),
// and merges its definitions into l.root.
func (l *loader) file(dir, ref string, from diag.Pos, r role) *parsedFile {
	isRoot := r == root
	rf := l.read(dir, ref, from, r)
	if rf == nil {
		return nil
	}
	path, data := rf.Path, rf.Data
	if slices.ContainsFunc(l.visiting, func(fi fs.FileInfo) bool { return os.SameFile(fi, rf.Info) }) {
		l.diags.Errorf(from, "remove one of the includes", "include cycle: %s includes itself", path)
		return nil
	}
	if slices.ContainsFunc(l.loaded, func(fi fs.FileInfo) bool { return os.SameFile(fi, rf.Info) }) {
		return nil // loaded already
	}
	l.loaded = append(l.loaded, rf.Info)
	l.visiting = append(l.visiting, rf.Info)
	defer func() { l.visiting = l.visiting[:len(l.visiting)-1] }()

	src := newSource(path, data)
	sum := sha256.Sum256(data)
	pf := &parsedFile{sha: hex.EncodeToString(sum[:])}
	if !isRoot {
		rel, err := filepath.Rel(l.rootDir, path)
		if err != nil {
			rel = path
		}
		l.root.Sources = append(l.root.Sources, Source{Path: filepath.ToSlash(rel), SHA256: pf.sha})
	}
	if !utf8.Valid(data) {
		l.diags.Errorf(diag.Pos{File: path}, "save the file as UTF-8", "file is not valid UTF-8")
		return pf
	}

	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		l.diags.Errorf(yamlErrPos(src, err), "check the indentation and that values containing ': ' or '#' are quoted",
			"malformed YAML: %s", yamlErrMsg(err))
		return pf
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		l.diags.Errorf(diag.Pos{File: path}, "", "file is empty; a scenario needs at least inputs, rules and outputs")
		return pf
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		l.diags.Errorf(pos(path, top), "", "the file must be a mapping with keys such as name, inputs, rules and outputs")
		return pf
	}
	l.duplicateKeys(path, &doc)
	isScenario := r == base || isRoot && slices.ContainsFunc(scenarioKeys, func(k string) bool { return hasKey(top, k) })
	if isRoot {
		l.root.IsRuleFile = !isScenario
	}
	allowed := topKeys[isScenario]
	if r == overlay {
		allowed = positionKeys
	}
	defined := map[string]diag.Pos{} // the names this file defines
	if !l.settleKeys(path, top, allowed, isRoot || r == base, r, isScenario) {
		return pf
	}

	// The scenario it extends first, then includes, so that this file's
	// own entries override them.
	for i := 0; i < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if k.Value == "extends" && isScenario && r != overlay {
			if v.Kind != yaml.ScalarNode || v.Value == "" {
				l.diags.Errorf(pos(path, v), "write extends: reference.yaml", "extends must be the path of one scenario")
				continue
			}
			l.file(filepath.Dir(path), v.Value, pos(path, v), base)
		}
	}
	for i := 0; i < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if k.Value == "include" && r != overlay {
			l.includes(path, v)
		}
	}
	for i := 0; i < len(top.Content); i += 2 {
		k, v := top.Content[i], top.Content[i+1]
		if !contains(allowed, k.Value) {
			// A root file is a rule file when it has no outputs, so
			// that a misspelt outputs key makes it one: suggest from
			// every key a root file may have.
			hint := diag.DidYouMean(k.Value, topKeys[isRoot || r == base])
			if hint == "" {
				hint = "the keys are " + strings.Join(allowed, ", ")
			}
			what := "scenario"
			switch {
			case r == overlay:
				what, hint = "position file", "a position replaces inputs and rules; its keys are "+strings.Join(positionKeys, ", ")
			case !isScenario:
				what = "rule file"
			}
			if isScenario && r != overlay && diag.Nearest(k.Value, allowed) == "outputs" && !hasKey(top, "outputs") {
				what = "scenario, which has no outputs"
			}
			l.diags.Errorf(pos(path, k), hint, "unknown key %q in a %s", k.Value, what)
			continue
		}
		switch k.Value {
		case "name":
			l.root.Name = l.str(path, v)
		case "description":
			switch r {
			case root, base:
				l.root.Description = l.str(path, v)
			case overlay:
				l.position.Description = l.str(path, v)
			}
		case "currency":
			l.currency(path, v, r)
		case "seed":
			if n, ok := l.whole(path, v, "seed"); ok {
				l.root.Seed, l.root.HasSeed = uint64(n), true
			}
		case "trials":
			if n, ok := l.whole(path, v, "trials"); ok {
				switch {
				case n == 0:
					l.diags.Errorf(pos(path, v), "", "trials must be at least 1")
				case n > maxTrials:
					l.diags.Errorf(pos(path, v), "", "trials must be at most %d", uint64(maxTrials))
				default:
					l.root.Trials, l.root.HasTrials = int(n), true
				}
			}
		case "inputs":
			l.defs(src, v, Input, defined)
		case "rules":
			l.defs(src, v, Rule, defined)
		case "outputs":
			l.outputs(path, v)
		case "parties":
			l.parties(path, v)
		case "settlement":
			l.settlement(path, v)
		case "correlations":
			l.correlations(path, v)
		case "voi":
			l.voi(path, v)
		case "stages":
			l.sawStages = true
			l.stages(src, v)
		case "statistics":
			l.statistics(src, v)
		}
	}
	return pf
}

func (l *loader) includes(path string, v *yaml.Node) {
	var items []*yaml.Node
	switch v.Kind {
	case yaml.ScalarNode:
		items = []*yaml.Node{v}
	case yaml.SequenceNode:
		items = v.Content
	default:
		l.diags.Errorf(pos(path, v), "write include: [../rules/terms.yaml]", "include must be a list of file paths")
		return
	}
	for _, it := range items {
		if it.Kind != yaml.ScalarNode || it.Value == "" {
			l.diags.Errorf(pos(path, it), "", "each include must be a file path")
			continue
		}
		l.file(filepath.Dir(path), it.Value, pos(path, it), included)
	}
}

var nameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// maxTrials is the most trials a scenario may ask for: trial numbers
// must fit in an int.
const maxTrials = math.MaxInt

// defs adds the definitions of mapping v. defined holds the names the
// file has defined so far: a name defined twice in one file is an error,
// while a file may override what it includes.
func (l *loader) defs(src *source, v *yaml.Node, kind Kind, defined map[string]diag.Pos) {
	path := src.path
	if v.Kind != yaml.MappingNode {
		if v.Tag == "!!null" {
			return
		}
		l.diags.Errorf(pos(path, v), "write one `name: expression` a line", "%ss must be a mapping of names to expressions", kind)
		return
	}
	for i := 0; i < len(v.Content); i += 2 {
		k, val := v.Content[i], v.Content[i+1]
		if !nameRE.MatchString(k.Value) {
			l.diags.Errorf(pos(path, k), "names start with a letter or _ and contain only letters, digits and _", "%q is not a valid name", k.Value)
			continue
		}
		if reserved[k.Value] {
			l.diags.Errorf(pos(path, k), "choose another name", "%q is a reserved word or function name", k.Value)
			continue
		}
		d := &Def{Name: k.Value, Kind: kind, Pos: pos(path, k)}
		exprKey := "value"
		if kind == Rule {
			exprKey = "expr"
		}
		switch val.Kind {
		case yaml.ScalarNode:
			l.setExpr(src, d, val)
		case yaml.MappingNode:
			keys := []string{exprKey, "unit", "doc"}
			for j := 0; j < len(val.Content); j += 2 {
				fk, fv := val.Content[j], val.Content[j+1]
				switch fk.Value {
				case exprKey:
					l.setExpr(src, d, fv)
				case "unit":
					d.Unit = l.str(path, fv)
				case "doc":
					d.Doc = l.str(path, fv)
				default:
					l.diags.Errorf(pos(path, fk), diag.OneOf(fk.Value, keys, "keys"), "unknown key %q in %s %s", fk.Value, kind, d.Name)
				}
			}
			if d.loc.line == 0 {
				l.diags.Errorf(pos(path, k), fmt.Sprintf("add `%s: EXPRESSION`", exprKey), "%s %s has no %s", kind, d.Name, exprKey)
				continue
			}
		default:
			l.diags.Errorf(pos(path, val), "write an expression, or a mapping with "+exprKey+", unit and doc", "%s %s must be an expression", kind, d.Name)
			continue
		}
		if d.Expr == "" {
			continue
		}
		if first, ok := defined[d.Name]; ok {
			l.diags.Errorf(d.Pos, "remove or rename one of them", "%s is defined twice in this file; first at %s", d.Name, first)
			continue
		}
		defined[d.Name] = d.Pos
		l.add(d)
	}
}

func (l *loader) setExpr(src *source, d *Def, v *yaml.Node) {
	path := src.path
	if v.Kind != yaml.ScalarNode {
		l.diags.Errorf(pos(path, v), "write the expression on one line, or as a block after `|`", "%s %s: the expression must be text", d.Kind, d.Name)
		return
	}
	d.Expr = v.Value
	if strings.TrimSpace(v.Value) == "" {
		l.diags.Errorf(pos(path, v), "write a number, an amount such as £700m, or an expression", "%s %s is empty", d.Kind, d.Name)
		d.Expr = ""
		return
	}
	d.loc = exprLoc{line: v.Line, col: v.Column}
	switch {
	case v.Style&(yaml.SingleQuotedStyle|yaml.DoubleQuotedStyle) != 0:
		d.loc.col++
	case v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		d.loc = exprLoc{line: v.Line + 1, col: src.indent(v.Line + 1), block: true}
	}
	d.loc.runes = src.mapScalar(v)
}

// source is a file's text, to locate scalars' characters in it.
type source struct {
	path  string
	data  []byte
	lines []int // byte offset of the start of each line
}

func newSource(path string, data []byte) *source {
	s := &source{path: path, data: data, lines: []int{0}}
	for i, c := range data {
		if c == '\n' {
			s.lines = append(s.lines, i+1)
		}
	}
	return s
}

// line returns the text of line n, without its line break.
func (s *source) line(n int) string {
	if n < 1 || n > len(s.lines) {
		return ""
	}
	end := len(s.data)
	if n < len(s.lines) {
		end = s.lines[n] - 1
	}
	return strings.TrimSuffix(string(s.data[s.lines[n-1]:end]), "\r")
}

// indent returns the column of the first character on line n, where a
// block scalar's text starts.
func (s *source) indent(n int) int {
	line := s.line(n)
	return len(line) - len(strings.TrimLeft(line, " ")) + 1
}

// offset returns the byte offset of line n, column col, or -1.
func (s *source) offset(n, col int) int {
	if n < 1 || n > len(s.lines) {
		return -1
	}
	i := s.lines[n-1]
	for c := 1; c < col; c++ {
		if i >= len(s.data) || s.data[i] == '\n' {
			return -1
		}
		_, size := utf8.DecodeRune(s.data[i:])
		i += size
	}
	return i
}

// mapScalar returns the position in the file of each rune of v.Value,
// by walking the scalar's text in the file alongside its value: the
// value has line breaks folded into spaces, indentation removed and
// escapes replaced. It returns nil when the two do not match.
func (s *source) mapScalar(v *yaml.Node) []lineCol {
	line, col := v.Line, v.Column
	dq := v.Style&yaml.DoubleQuotedStyle != 0
	sq := v.Style&yaml.SingleQuotedStyle != 0
	switch {
	case dq || sq:
		col++
	case v.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0:
		line, col = line+1, 1
	}
	i := s.offset(line, col)
	if i < 0 {
		return nil
	}
	data := s.data
	next := func() {
		r, size := utf8.DecodeRune(data[i:])
		i += size
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	out := make([]lineCol, 0, utf8.RuneCountInString(v.Value))
	for _, r := range v.Value {
		for {
			if i >= len(data) {
				out = append(out, lineCol{line, col})
				break
			}
			c, _ := utf8.DecodeRune(data[i:])
			if dq && c == '\\' && i+1 < len(data) {
				if e := data[i+1]; e == '\n' || e == '\r' {
					next() // an escaped line break stands for nothing
					continue
				}
				out = append(out, lineCol{line, col})
				next()
				n := 1
				switch data[i] {
				case 'x':
					n = 3
				case 'u':
					n = 5
				case 'U':
					n = 9
				}
				for ; n > 0 && i < len(data); n-- {
					next()
				}
				break
			}
			if c == r {
				out = append(out, lineCol{line, col})
				next()
				if sq && c == '\'' {
					next() // '' stands for '
				}
				break
			}
			if unicode.IsSpace(c) {
				next() // folded or indentation
				continue
			}
			if unicode.IsSpace(r) {
				// a line break folded into a space: it stands between
				// the text before and the text that resumes here
				out = append(out, lineCol{line, col})
				break
			}
			return nil
		}
	}
	return out
}

func (l *loader) add(d *Def) {
	s := l.root
	if l.position != nil {
		l.replace(d)
		return
	}
	if i, ok := s.byName[d.Name]; ok {
		old := s.Defs[i]
		l.diags.Notef(d.Pos, "%s %s overrides %s %s from %s", d.Kind, d.Name, old.Kind, old.Name, old.Pos)
		s.Defs[i] = d
		return
	}
	s.byName[d.Name] = len(s.Defs)
	s.Defs = append(s.Defs, d)
}

func (l *loader) outputs(path string, v *yaml.Node) {
	if v.Kind != yaml.SequenceNode {
		l.diags.Errorf(pos(path, v), "write outputs: [supplier_net, buyer_cost]", "outputs must be a list of names")
		return
	}
	l.root.Outputs = nil // a scenario's outputs replace those of the one it extends
	seen := map[string]bool{}
	for _, it := range v.Content {
		if it.Kind != yaml.ScalarNode || !nameRE.MatchString(it.Value) {
			l.diags.Errorf(pos(path, it), "", "each output must be the name of an input or rule")
			continue
		}
		if seen[it.Value] {
			l.diags.Errorf(pos(path, it), "remove the repeat", "output %s is listed twice", it.Value)
			continue
		}
		seen[it.Value] = true
		l.root.Outputs = append(l.root.Outputs, Output{Name: it.Value, Pos: pos(path, it)})
	}
}

func (l *loader) str(path string, v *yaml.Node) string {
	if v.Kind != yaml.ScalarNode {
		l.diags.Errorf(pos(path, v), "", "expected text")
		return ""
	}
	return v.Value
}

// whole parses a whole number such as 200000, 200_000 or 200k.
func (l *loader) whole(path string, v *yaml.Node, key string) (uint64, bool) {
	if v.Kind == yaml.ScalarNode {
		if n, err := ParseCount(v.Value); err == nil {
			return n, true
		}
	}
	l.diags.Errorf(pos(path, v), "write a whole number such as 200000, 200_000 or 200k", "%s %q is not a whole number", key, v.Value)
	return 0, false
}

// ParseCount parses a non-negative whole number written as 200000,
// 200_000, 200,000, 200k or 1m.
func ParseCount(s string) (uint64, error) {
	lit, err := money.Parse(s)
	if err != nil || lit.Sign != "" || lit.Percent || lit.Value.Sign() < 0 || !lit.Value.IsInteger() || lit.Value.GreaterThan(maxCount) {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	return lit.Value.BigInt().Uint64(), nil
}

var maxCount = decimal.RequireFromString("18446744073709551615")

func pos(path string, n *yaml.Node) diag.Pos {
	return diag.Pos{File: path, Line: n.Line, Col: n.Column}
}

func hasKey(m *yaml.Node, key string) bool {
	for i := 0; i < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return true
		}
	}
	return false
}

func contains(xs []string, x string) bool {
	for _, s := range xs {
		if s == x {
			return true
		}
	}
	return false
}

var yamlLineRE = regexp.MustCompile(`^yaml: line (\d+): `)

// yamlParserProblems are the problems that the YAML library's parser,
// rather than its scanner, reports: it numbers their lines from 0.
var yamlParserProblems = []string{
	"did not find expected ',' or ']'",
	"did not find expected ',' or '}'",
	"did not find expected '-' indicator",
	"did not find expected <document start>",
	"did not find expected <stream-start>",
	"did not find expected key",
	"did not find expected node content",
	"found duplicate %TAG directive",
	"found duplicate %YAML directive",
	"found incompatible YAML document",
	"found undefined tag handle",
}

// yamlReaderProblems are the problems the YAML library finds while
// decoding characters, for which it gives no line.
var yamlReaderProblems = []string{
	"input error", "invalid leading UTF-8 octet", "incomplete UTF-8 octet sequence",
	"invalid trailing UTF-8 octet", "invalid length of a UTF-8 sequence", "invalid Unicode character",
	"incomplete UTF-16 character", "unexpected low surrogate area", "incomplete UTF-16 surrogate pair",
	"expected low surrogate area", "control characters are not allowed", "unknown problem",
}

// yamlErrPos returns the position of a YAML syntax error. The library
// leaves the line out when it is the first, and gives the lines of its
// parser's errors counting from 0.
func yamlErrPos(src *source, err error) diag.Pos {
	msg := err.Error()
	problem := yamlLineRE.ReplaceAllString(msg, "")
	problem = strings.TrimPrefix(problem, "yaml: ")
	if problem == "control characters are not allowed" {
		for i, r := range string(src.data) {
			if unicode.IsControl(r) && r != '\t' && r != '\n' && r != '\r' && r != 0x85 {
				n := sort.SearchInts(src.lines, i+1)
				return diag.Pos{File: src.path, Line: n, Col: utf8.RuneCount(src.data[src.lines[n-1]:i]) + 1}
			}
		}
	}
	n := 0
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		n, _ = strconv.Atoi(m[1])
		if slices.Contains(yamlParserProblems, problem) {
			n++
		}
	} else if strings.HasPrefix(msg, "yaml: ") && !slices.ContainsFunc(yamlReaderProblems, func(p string) bool {
		return strings.HasPrefix(problem, p)
	}) {
		n = 1
	}
	return diag.Pos{File: src.path, Line: n}
}

func yamlErrMsg(err error) string {
	msg := yamlLineRE.ReplaceAllString(err.Error(), "")
	return strings.TrimPrefix(msg, "yaml: ")
}

// reserved holds words that cannot name inputs or rules because rules
// could not refer to them.
var reserved = map[string]bool{
	"true": true, "false": true, "nil": true, "and": true, "or": true, "not": true,
	"in": true, "matches": true, "contains": true, "startsWith": true, "endsWith": true,
	"let": true, "if": true, "else": true,
}
