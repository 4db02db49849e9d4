package main

import (
	"bytes"
	"io"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/settle-sim/settle/engine/htmlreport"
	"github.com/settle-sim/settle/engine/project"
	"github.com/settle-sim/settle/engine/report"
)

func newReportCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "report RESULT.json...",
		Short: "Write an HTML report of one or more result documents",
		Long: `Report writes one self-contained HTML file (no network, no scripts, no
external fonts) from result documents written by settle run --format json:
per output a histogram, the cumulative distribution with p5, p50 and p95
marked, and the summary table; per party the expected value and certainty
equivalent, the settlement range, and tornado charts when the documents
have them. Given several results (positions, or old and new) it first
overlays them output by output.`,
		Example: `  settle run scenarios/reference.yaml -o result.json
  settle report result.json -o report.html
  settle report before.json after.json -o compared.html`,
		Args: cobra.MinimumNArgs(1),
		RunE: runReport,
	}
	cmd.Flags().StringP("output", "o", "", "write the report to `FILE` (atomically; - for standard output) instead of standard output")
	return cmd
}

func runReport(cmd *cobra.Command, args []string) error {
	docs, labels, err := readResults(cmd, args)
	if err != nil {
		return failed(exitBadInput, err)
	}
	var results []htmlreport.Result
	for i, d := range docs {
		results = append(results, htmlreport.New(labels[i], d))
	}
	out, _ := cmd.Flags().GetString("output")
	if err := checkOutputs(fileInputs("a result document", args...), out); err != nil {
		return failed(exitBadInput, err)
	}
	if err := emit(cmd, out, func(w io.Writer) error { return htmlreport.Write(w, results) }); err != nil {
		return err
	}
	return nil
}

// readResults reads result documents and labels each by its file name,
// or by its path where two share a name.
func readResults(cmd *cobra.Command, paths []string) ([]*report.Document, []string, error) {
	popt, err := projectOptions(cmd)
	if err != nil {
		return nil, nil, err
	}
	var docs []*report.Document
	labels := make([]string, len(paths))
	seen := map[string]int{}
	for _, p := range paths {
		seen[filepath.Base(p)]++
	}
	for i, p := range paths {
		d, err := readResult(p, popt)
		if err != nil {
			return nil, nil, err
		}
		docs = append(docs, d)
		labels[i] = filepath.Base(p)
		if seen[labels[i]] > 1 {
			labels[i] = p
		}
	}
	return docs, labels, nil
}

func readResult(path string, popt project.Options) (*report.Document, error) {
	data, err := project.ReadArg(path, project.Data, popt)
	if err != nil {
		return nil, err
	}
	return report.Read(bytes.NewReader(data), path)
}
