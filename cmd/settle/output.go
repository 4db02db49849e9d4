package main

import (
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/settle-sim/settle/engine/report"
)

// emit writes a result with write to the file out (atomically when it is
// a regular file or a new path, through when it is a device, FIFO or
// socket) or to standard output when out is empty or "-". A failure is
// bad input (exit 2).
func emit(cmd *cobra.Command, out string, write func(io.Writer) error) error {
	if err := writeFile(cmd, out, write); err != nil {
		return failed(exitBadInput, err)
	}
	return nil
}

// extFormats are the formats a file name's extension implies.
var extFormats = map[string]string{
	".json": "json", ".csv": "csv", ".md": "markdown", ".markdown": "markdown",
	".txt": "text", ".text": "text", ".html": "html", ".htm": "html",
	".png": "png", ".svg": "svg", ".parquet": "parquet", ".pdf": "pdf", ".xlsx": "xlsx",
}

// pickFormat is the format asked for, which must be one of formats, or
// else the one out's extension implies, or else fallback. table and text
// name the same format, whichever of them formats lists. An extension
// that implies a format the command does not write is refused, so that
// -o report.html never holds a table.
func pickFormat(format, out string, formats []string, fallback string) (string, error) {
	if format == "" {
		ext := strings.ToLower(filepath.Ext(out))
		implied, known := extFormats[ext]
		if !known {
			return fallback, nil
		}
		if f := formatIn(implied, formats); f != "" {
			return f, nil
		}
		return "", fmt.Errorf("-o %s: a %s file, which this command does not write; it writes %s (name the file .txt, %s, or give --format)",
			out, implied, describeFormats(formats), extsOf(formats))
	}
	if f := formatIn(strings.ToLower(format), formats); f != "" {
		return f, nil
	}
	return "", fmt.Errorf("--format %q: use one of %s", format, describeFormats(formats))
}

// formatIn returns the member of formats that f names: f itself, or
// table for text and text for table.
func formatIn(f string, formats []string) string {
	alias := map[string]string{"text": "table", "table": "text", "md": "markdown"}[f]
	switch {
	case slices.Contains(formats, f):
		return f
	case alias != "" && slices.Contains(formats, alias):
		return alias
	}
	return ""
}

// describeFormats lists formats for a person, with table and text as
// one: "table (or text), json, csv or markdown".
func describeFormats(formats []string) string {
	var names []string
	for _, f := range formats {
		switch f {
		case "table":
			f = "table (or text)"
		case "text":
			f = "text (or table)"
		}
		names = append(names, f)
	}
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

// extsOf lists the extensions that imply formats, but .txt: ".json,
// .csv or .md".
func extsOf(formats []string) string {
	var exts []string
	for _, f := range formats {
		for _, e := range []string{".json", ".csv", ".md", ".html"} {
			if extFormats[e] == f {
				exts = append(exts, e)
			}
		}
	}
	if len(exts) < 2 {
		return strings.Join(exts, "")
	}
	return strings.Join(exts[:len(exts)-1], ", ") + " or " + exts[len(exts)-1]
}

// runFormats are what settle run writes: a result document's formats and
// the HTML report.
var runFormats = append(slices.Clone(report.Formats), "html")

// outputFormat is pickFormat for result documents: table by default.
func outputFormat(format, out string) (string, error) {
	return pickFormat(format, out, report.Formats, "table")
}
