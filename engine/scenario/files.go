package scenario

import (
	"errors"
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/project"
)

// read reads the file that ref, written in a file in directory dir,
// refers to, from inside the project root; or, when dir is "", the file
// named ref on the command line. A problem is reported at from.
func (l *loader) read(dir, ref string, from diag.Pos, r role) *project.File {
	proj := l.root.Project
	var f *project.File
	var err error
	if dir == "" {
		f, err = proj.ReadArg(ref, project.Scenario)
	} else {
		f, err = proj.Read(dir, ref, project.Scenario)
	}
	if err == nil {
		return f
	}
	msg, hint := err.Error(), ""
	var pe *project.Error
	if errors.As(err, &pe) {
		msg, hint = pe.Msg, pe.Hint
	}
	if hint == "" {
		switch r {
		case included:
			hint = "include paths are relative to the including file"
		case base:
			hint = "extends paths are relative to the extending file"
		}
	}
	l.diags.Errorf(from, hint, "%s", msg)
	return nil
}

// settleKeys reports whether the top-level mapping of the file at path
// looks like a settle file: whether one of its keys is, or is a typo
// of, one that a settle file has. When none is, the file is something else
// (a configuration file, a list of secrets), and it is reported without
// quoting any of it: settle's messages never echo the contents of a file
// that is not one of its own.
func (l *loader) settleKeys(path string, top *yaml.Node, allowed []string, rootOrBase bool, r role, isScenario bool) bool {
	if len(top.Content) == 0 {
		return true
	}
	known := append(append([]string{}, topKeys[true]...), positionKeys...)
	for i := 0; i < len(top.Content); i += 2 {
		k := top.Content[i].Value
		if contains(known, k) {
			return true
		}
		// A typo of a settle key (which keeps its first letter, as
		// typos mostly do) makes it a settle file with a typo.
		if n := diag.Nearest(k, known); n != "" && strings.EqualFold(k[:1], n[:1]) {
			return true
		}
	}
	what := "scenario or rule file"
	switch {
	case r == overlay:
		what = "position file"
	case r == base || isScenario && !rootOrBase:
		what = "scenario"
	case r == included:
		what = "rule file"
	}
	n := len(top.Content) / 2
	keys := "keys is"
	if n == 1 {
		keys = "key is"
	}
	l.diags.Errorf(diag.Pos{File: path, Line: top.Line, Col: top.Column}, "check that the path names the file you meant",
		"%s is not a settle %s: none of its %d top-level %s %s", path, what, n, keys, orList(allowed))
	return false
}

// orList writes xs as "a, b or c".
func orList(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return fmt.Sprintf("%s or %s", strings.Join(xs[:len(xs)-1], ", "), xs[len(xs)-1])
}
