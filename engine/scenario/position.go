package scenario

import (
	"maps"
	"path/filepath"
	"slices"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/project"
)

// Position is a position file applied to a scenario: an overlay that
// replaces some of its inputs and rules, such as one side's view of
// liability or of quantum.
type Position struct {
	Path        string   `json:"path"` // relative to the scenario's directory
	SHA256      string   `json:"sha256"`
	Description string   `json:"description,omitempty"`
	Replaced    []string `json:"replaced"` // the names it replaces, in file order
}

var positionKeys = []string{"description", "inputs", "rules"}

// Apply applies the position file at path: each of its inputs and rules
// replaces the scenario's definition of that name, which must exist.
// Every replacement is recorded in Notes and in Positions. On error the
// scenario is unchanged and every problem is returned at once as a
// *diag.ListError.
func (s *Scenario) Apply(path string) error {
	c := s.Clone()
	pos := &Position{}
	if c.Project == nil {
		proj, err := project.New(s.File, project.Options{})
		if err != nil {
			return err
		}
		c.Project = proj
	}
	l := &loader{root: c, rootDir: filepath.Dir(s.File), position: pos}
	f := l.file("", path, diag.Pos{File: path}, overlay)
	if err := l.diags.Err(); err != nil {
		return err
	}
	rel, err := filepath.Rel(filepath.Dir(s.File), path)
	if err != nil {
		rel = path
	}
	pos.Path, pos.SHA256 = filepath.ToSlash(rel), f.sha
	c.Positions = append(c.Positions, *pos)
	c.Notes = append(c.Notes, l.diags.Notes()...)
	*s = *c
	return nil
}

// replace puts d, from a position file, in place of the definition of
// the same name.
func (l *loader) replace(d *Def) {
	s := l.root
	i, ok := s.byName[d.Name]
	if !ok {
		hint := diag.DidYouMean(d.Name, s.Names())
		if hint == "" {
			hint = "a position can only replace what the scenario defines"
		}
		l.diags.Errorf(d.Pos, hint, "position replaces %s %s, which the scenario does not define", d.Kind, d.Name)
		return
	}
	old := s.Defs[i]
	if d.Unit == "" {
		d.Unit = old.Unit
	}
	if d.Doc == "" {
		d.Doc = old.Doc
	}
	l.diags.Notef(d.Pos, "position replaces %s %s (%s, from %s)", old.Kind, old.Name, old.Expr, old.Pos)
	s.Defs[i] = d
	l.position.Replaced = append(l.position.Replaced, d.Name)
}

// Clone returns a copy of s that can be changed, by Set or Apply,
// without changing s.
func (s *Scenario) Clone() *Scenario {
	c := *s
	c.Sources = slices.Clone(s.Sources)
	c.Defs = slices.Clone(s.Defs)
	c.Outputs = slices.Clone(s.Outputs)
	c.Parties = slices.Clone(s.Parties)
	c.Stages = slices.Clone(s.Stages)
	if s.Settlement != nil {
		st := *s.Settlement
		c.Settlement = &st
	}
	c.Positions = slices.Clone(s.Positions)
	c.Settings = slices.Clone(s.Settings)
	c.Notes = slices.Clone(s.Notes)
	c.byName = maps.Clone(s.byName)
	return &c
}
