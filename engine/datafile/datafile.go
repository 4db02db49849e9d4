// Package datafile reads a column of numbers from a CSV file a person
// hands to settle (settle fit's data): read as every file named on the
// command line is (engine/project), UTF-8 with or without a byte-order
// mark, a heading row,
// numbers written plainly (0.35, 143000000, 1e6) or as money (£700m,
// 1.1bn, £1,200,000), which are read exactly and mark the column as
// money. Every bad cell is reported at once with its line and column.
package datafile

import (
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/project"
)

// maxBadCells is how many bad cells are reported one by one.
const maxBadCells = 20

// Column is the numbers of one column of a CSV file.
type Column struct {
	File, Name string
	// Values are the column's numbers in row order, empty cells left out.
	Values []float64
	// Money is true when any value is written as money (with £ or a k, m
	// or bn suffix).
	Money bool
	// Rows is the number of data rows; Empty the cells left out as empty.
	Rows, Empty int
	// SHA256 is the file's SHA-256, in hex.
	SHA256 string
}

// Read reads the numbers of the column headed name from the CSV file at
// path, named on the command line: read as settle reads every such file
// (project.ReadArg: a regular file or a pipe, never a directory, device
// or socket, within the size limit for data, 256 MiB unless opt raises
// it). A problem with the file is an error that names it; problems with
// cells are a *diag.ListError with every bad cell's position.
func Read(path, name string, opt project.Options) (*Column, error) {
	data, err := project.ReadArg(path, project.Data, opt)
	if err != nil {
		return nil, err
	}
	col, err := Parse(path, data, name)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(data)
	col.SHA256 = hex.EncodeToString(sum[:])
	return col, nil
}

// Parse reads the numbers of the column headed name from CSV data read
// from file (named in messages).
func Parse(file string, data []byte, name string) (*Column, error) {
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	r := csv.NewReader(bytes.NewReader(data))
	r.FieldsPerRecord = -1
	r.ReuseRecord = true
	header, err := r.Read()
	if err == io.EOF {
		return nil, fmt.Errorf("%s is empty; it needs a heading row and rows of numbers", file)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	idx := -1
	var heads []string
	for i, h := range header {
		h = strings.TrimSpace(h)
		heads = append(heads, h)
		if h == name && idx < 0 {
			idx = i
		}
	}
	if idx < 0 {
		return nil, fmt.Errorf("%s has no column %q; %s", file, name, diag.OneOf(name, heads, "columns"))
	}
	col := &Column{File: file, Name: name}
	var diags diag.List
	bad := 0
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				diags.Errorf(diag.Pos{File: file, Line: pe.Line, Col: pe.Column}, "check the quoting of the row", "%v", pe.Err)
				return nil, diags.Err()
			}
			return nil, fmt.Errorf("%s: %w", file, err)
		}
		col.Rows++
		if idx >= len(rec) || strings.TrimSpace(rec[idx]) == "" {
			col.Empty++
			continue
		}
		lit, err := money.Parse(rec[idx])
		if err != nil {
			bad++
			if bad <= maxBadCells {
				line, c := r.FieldPos(idx)
				diags.Errorf(diag.Pos{File: file, Line: line, Col: c}, "write numbers such as 0.35, 143000000 or £1.2m, or leave the cell empty to skip it",
					"column %s: %q is not a number", name, rec[idx])
			}
			continue
		}
		col.Money = col.Money || lit.Money
		col.Values = append(col.Values, lit.Float())
	}
	if bad > maxBadCells {
		diags.Errorf(diag.Pos{File: file}, "", "and %d more cells of column %s that are not numbers", bad-maxBadCells, name)
	}
	if err := diags.Err(); err != nil {
		return nil, err
	}
	if len(col.Values) == 0 {
		return nil, fmt.Errorf("%s: column %s has no numbers", file, name)
	}
	return col, nil
}
