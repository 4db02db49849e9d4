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

// pickFormat is the format asked for, which must be one of formats, or
// else the one out's extension implies when it is one of them, or else
// fallback.
func pickFormat(format, out string, formats []string, fallback string) (string, error) {
	if format == "" {
		implied := map[string]string{".json": "json", ".csv": "csv", ".md": "markdown"}[strings.ToLower(filepath.Ext(out))]
		if slices.Contains(formats, implied) {
			return implied, nil
		}
		return fallback, nil
	}
	if slices.Contains(formats, format) {
		return format, nil
	}
	return "", fmt.Errorf("--format %q: use one of %s", format, strings.Join(formats, ", "))
}

// outputFormat is pickFormat for result documents: table by default.
func outputFormat(format, out string) (string, error) {
	return pickFormat(format, out, report.Formats, "table")
}
