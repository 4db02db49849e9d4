// Package baseline keeps scenarios' results under test: it runs every
// scenario under a directory, compares each result with the baseline
// result document committed beside them, and judges the differences by a
// policy, as `settle test` does; or it rewrites the baselines.
//
// A scenario DIR/a/b.yaml has its baseline at DIR/baselines/a/b.json,
// its result document, and DIR/baselines/a/b.trials.gz, the first
// KeptTrials trials of each output (see KeptSet), with which a change is
// tested trial by trial: the rerun has the baseline's seed and trial
// count, so the same random numbers, and the paired test finds changes
// far below the run-to-run noise that a comparison of summaries needs.
// Result documents hold no timings and run the scenario's own seed and
// trial count, so a baseline is the same byte for byte on any machine for
// the same settle version: a diff in Git is a real change.
package baseline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/compare"
	"github.com/settle-sim/settle/engine/outfile"
	"github.com/settle-sim/settle/engine/project"
	"github.com/settle-sim/settle/engine/report"
)

// DirName is the directory, under the scenarios' directory, that holds
// the baselines and the policy.
const DirName = "baselines"

// PolicyName is the policy file's name in the baselines directory.
const PolicyName = "policy.yaml"

// DefaultFailIf is the condition used for every output when no policy
// is given: a statistically significant change.
const DefaultFailIf = "significant"

// Options control a test.
type Options struct {
	Dir     string               // the scenarios' directory
	Update  bool                 // rewrite the baselines instead of comparing
	Policy  *compare.Policy      // nil: DefaultFailIf
	Alpha   float64              // significance level; 0 means the policy's, else 0.05
	Workers int                  // for each run; 0 means one per CPU
	Logf    func(string, ...any) // progress, one line per scenario; may be nil
	// Project is the project root and size limits each scenario is
	// loaded with.
	Project project.Options
}

// Status is the outcome for one scenario.
type Status int

const (
	Identical  Status = iota // the result is the baseline, byte for byte
	Changed                  // the result differs; no policy condition fired
	Updated                  // the baseline was written (with Update)
	Failed                   // a policy condition fired
	Mismatch                 // outputs added, removed or changed unit since the baseline
	NoBaseline               // there is no baseline yet
	Broken                   // the scenario or its baseline could not be read or run
)

var statusNames = []string{"ok", "changed", "updated", "FAIL", "FAIL", "FAIL", "BROKEN"}

func (s Status) String() string { return statusNames[s] }

// Failing reports whether s fails the test.
func (s Status) Failing() bool { return s >= Failed }

// Case is one scenario's test.
type Case struct {
	Scenario string          `json:"scenario"` // the scenario's path
	Baseline string          `json:"baseline"` // its baseline's path
	Status   Status          `json:"-"`
	State    string          `json:"status"` // Status in words
	Detail   string          `json:"detail,omitempty"`
	Result   *compare.Result `json:"comparison,omitempty"`
}

// Report is the outcome of a test of a directory.
type Report struct {
	Dir    string         `json:"dir"`
	Policy []compare.Rule `json:"policy"`
	Cases  []*Case        `json:"scenarios"`
}

// Worst is the most severe status among the cases.
func (r *Report) Worst() Status {
	w := Identical
	for _, c := range r.Cases {
		w = max(w, c.Status)
	}
	return w
}

// Discover lists the YAML files under dir, recursively, in lexical
// order, leaving out the baselines directory and hidden directories.
func Discover(dir string) ([]string, error) {
	var files []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != dir && (d.Name() == DirName || strings.HasPrefix(d.Name(), ".")) {
				return filepath.SkipDir
			}
			return nil
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".yaml", ".yml":
			files = append(files, path)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	slices.Sort(files)
	return files, nil
}

// BaselinePath is where the baseline of the scenario at path under dir
// is kept.
func BaselinePath(dir, path string) string {
	rel, err := filepath.Rel(dir, path)
	if err != nil {
		rel = filepath.Base(path)
	}
	return filepath.Join(dir, DirName, strings.TrimSuffix(rel, filepath.Ext(rel))+".json")
}

// LoadPolicy reads dir's policy file if it has one; it returns nil and no
// error when there is none.
func LoadPolicy(dir string) (*compare.Policy, string, error) {
	path := filepath.Join(dir, DirName, PolicyName)
	data, err := project.ReadFile(path, project.Scenario, project.Options{})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, "", nil
	}
	if err != nil {
		return nil, path, err
	}
	p, err := compare.ParsePolicy(path, data)
	return p, path, err
}

// Run tests every scenario under opt.Dir. A scenario that fails to load
// or run is reported in its case and does not stop the others; rule
// files (files without outputs) are skipped. The error is for problems
// with the directory itself.
func Run(ctx context.Context, opt Options) (*Report, error) {
	files, err := Discover(opt.Dir)
	if err != nil {
		return nil, err
	}
	pol := opt.Policy
	if pol.IsEmpty() {
		pol = &compare.Policy{}
		if err := pol.AddFailIf(DefaultFailIf); err != nil {
			return nil, err
		}
	}
	alpha := opt.Alpha
	if alpha == 0 {
		alpha = pol.Alpha
	}
	rep := &Report{Dir: opt.Dir, Policy: pol.Rules(), Cases: []*Case{}}
	var names []string
	for _, path := range files {
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		c, outputs := runOne(ctx, opt, path, pol, alpha)
		if c == nil {
			continue // a rule file
		}
		c.State = c.Status.String()
		names = append(names, outputs...)
		rep.Cases = append(rep.Cases, c)
		if opt.Logf != nil {
			opt.Logf("%s: %s", c.Scenario, c.State)
		}
	}
	if len(rep.Cases) == 0 {
		return nil, fmt.Errorf("%s: no scenarios found (files ending .yaml or .yml with outputs)", opt.Dir)
	}
	if !opt.Update && len(names) > 0 {
		if err := pol.CheckOutputs(names); err != nil {
			return nil, err
		}
	}
	return rep, nil
}

func runOne(ctx context.Context, opt Options, path string, pol *compare.Policy, alpha float64) (*Case, []string) {
	c := &Case{Scenario: path, Baseline: BaselinePath(opt.Dir, path)}
	broken := func(err error) (*Case, []string) {
		c.Status, c.Detail = Broken, err.Error()
		return c, nil
	}
	p, err := engine.Spec{Path: path, Project: opt.Project}.Load()
	if err != nil {
		return broken(err)
	}
	if p.Scenario.IsRuleFile {
		return nil, nil
	}
	o := engine.Defaults(p)
	o.Workers = opt.Workers
	res, err := engine.Run(ctx, p, o)
	if err != nil {
		return broken(err)
	}
	doc := report.New(res)
	var buf bytes.Buffer
	if err := report.WriteJSON(&buf, doc); err != nil {
		return broken(err)
	}
	var outputs []string
	for _, v := range doc.Outputs {
		outputs = append(outputs, v.Name)
	}
	old, err := project.ReadFile(c.Baseline, project.Data, opt.Project)
	if opt.Update {
		trials, terr := encodeTrials(KeptSet(res))
		if terr != nil {
			return broken(terr)
		}
		tpath := TrialsPath(c.Baseline)
		switch {
		case err == nil && bytes.Equal(old, buf.Bytes()) && sameTrials(tpath, trials):
			c.Status, c.Detail = Identical, "baseline unchanged"
		default:
			if err := os.MkdirAll(filepath.Dir(c.Baseline), 0o755); err != nil {
				return broken(err)
			}
			for _, f := range []struct {
				path string
				data []byte
			}{{c.Baseline, buf.Bytes()}, {tpath, trials}} {
				if err := outfile.Write(f.path, func(w io.Writer) error { _, err := w.Write(f.data); return err }); err != nil {
					return broken(err)
				}
			}
			c.Status, c.Detail = Updated, "baseline written"
		}
		return c, outputs
	}
	if errors.Is(err, fs.ErrNotExist) {
		c.Status, c.Detail = NoBaseline, fmt.Sprintf("no baseline %s; run settle test --update to record it", c.Baseline)
		return c, outputs
	}
	if err != nil {
		return broken(err)
	}
	base, err := report.Read(bytes.NewReader(old), c.Baseline)
	if err != nil {
		return broken(err)
	}
	oldSide, newSide := compare.FromDocument(c.Baseline, base), compare.FromDocument(path, doc)
	// The baseline's kept trials and this run's, paired: the same seed
	// and trials give the same random numbers.
	kept, err := readTrials(TrialsPath(c.Baseline))
	if err != nil {
		return broken(err)
	}
	why := withTrials(oldSide, kept)
	newSide.Samples, newSide.Sampled = map[string][]float64{}, true
	for _, col := range res.Outputs {
		newSide.Samples[col.Var.Name] = col.Values
	}
	r, err := compare.Compare(oldSide, newSide, compare.Options{Alpha: alpha, Policy: pol})
	if r != nil && why != "" && kept != nil {
		r.Notes = append(r.Notes, why)
	}
	c.Result = r
	switch {
	case errors.Is(err, compare.ErrNothingInCommon):
		c.Status, c.Detail = Mismatch, "no output in common with the baseline; run settle test --update if the change is intended"
	case err != nil:
		return broken(err)
	case bytes.Equal(old, buf.Bytes()):
		c.Status, c.Detail = Identical, "identical to the baseline"
	case r.Failed:
		var why []string
		for _, f := range r.Fired() {
			why = append(why, fmt.Sprintf("%s: %s", f[0], f[1]))
		}
		c.Status, c.Detail = Failed, strings.Join(why, "; ")
	case len(r.NotCompared) > 0:
		var why []string
		for _, m := range r.NotCompared {
			why = append(why, fmt.Sprintf("%s (%s)", m.Name, m.Reason))
		}
		c.Status, c.Detail = Mismatch, "outputs differ from the baseline: "+strings.Join(why, ", ")+"; run settle test --update if the change is intended"
	default:
		c.Status, c.Detail = Changed, "differs from the baseline within the policy"
		if base.Version != doc.Version {
			c.Detail += fmt.Sprintf(" (baseline from settle %s)", base.Version)
		}
	}
	return c, outputs
}
