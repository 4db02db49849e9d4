package model

import (
	"errors"
	"path/filepath"
	"strings"
	"unicode"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/project"
)

// readData reads the data file that ref, in an empirical() call of the
// definition being compiled, refers to: relative to the file the call is
// in (to the working directory for --set), inside the project root.
func (c *compiler) readData(ref string) (*project.File, error) {
	dir := filepath.Dir(c.cur.def.Pos.File)
	if strings.HasPrefix(c.cur.def.Pos.File, "--set ") {
		dir = "."
	}
	if c.sc.Project == nil {
		proj, err := project.New(c.sc.File, project.Options{})
		if err != nil {
			return nil, err
		}
		c.sc.Project = proj
	}
	return c.sc.Project.Read(dir, ref, project.Data)
}

// readError is the message and hint for a data file that cannot be read.
func readError(err error) (msg, hint string) {
	var pe *project.Error
	if !errors.As(err, &pe) {
		return err.Error(), ""
	}
	if pe.Hint == "" {
		return pe.Msg, "the path is relative to the file that calls empirical"
	}
	return pe.Msg, pe.Hint
}

// columnHint is the hint for a column col that the heading row header
// does not have: the nearest column, or the columns. A first row that
// does not read as a heading row (names, not passwd entries or
// key=value lines) is not quoted: the file is then not a CSV file of
// data, and its contents are nobody's business in a message.
func columnHint(col string, header []string) string {
	if !headingRow(header) {
		return "the first row of the file is not a heading row of column names; empirical reads a CSV file whose first row names its columns"
	}
	return diag.OneOf(col, header, "columns")
}

// headingRow reports whether row reads as the column names of a CSV
// file: at most 1,000 names, each short and made of letters, digits,
// spaces and a little punctuation.
func headingRow(row []string) bool {
	if len(row) == 0 || len(row) > 1000 {
		return false
	}
	for _, h := range row {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if len([]rune(h)) > 64 {
			return false
		}
		for _, r := range h {
			if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune(" _-.%()[]/£$€#&'+", r) {
				return false
			}
		}
	}
	return true
}
