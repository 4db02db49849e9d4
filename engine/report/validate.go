package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/diag"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/sampling"
	"github.com/settle-sim/settle/engine/scenario"
	"github.com/settle-sim/settle/engine/stats"
)

// MaxDocumentSize is the largest result document Read reads: a run's
// document is a few hundred kilobytes, and one that keeps its trials'
// values a few hundred megabytes.
const MaxDocumentSize = 1 << 30

// Read reads a result document from r and validates it (Validate);
// name, the file it comes from, starts every message. Every problem
// found is returned at once as a *diag.ListError, each naming the field
// by its JSON path, as in
//
//	result.json: outputs.supplier_net.sd: -3 is negative; a standard deviation is 0 or more
//
// so that compare, report, plot and test's baselines never work from a
// document that no run could have written (trials: -5, a negative sd,
// a mean outside the values' range).
func Read(r io.Reader, name string) (*Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxDocumentSize+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(data) > MaxDocumentSize {
		return nil, fmt.Errorf("%s: larger than %d MiB, the most a result document may be", name, MaxDocumentSize>>20)
	}
	d, err := decode(data)
	if err != nil {
		var l diag.List
		l.Errorf(diag.Pos{File: name}, "write one with settle run --format json -o FILE", "not a valid result document: %v", err)
		return nil, l.Err()
	}
	if l := d.validate(name); len(l) > 0 {
		return nil, l.Err()
	}
	return d, nil
}

// Validate checks that d is a document a run of this or an earlier
// settle could have written, returning every problem at once as a
// *diag.ListError (whose positions name no file) or nil.
func (d *Document) Validate() error { return d.validate("").Err() }

// decode reads data as a result document: one JSON object, its members
// each given once, their values of the right types.
func decode(data []byte) (*Document, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var top json.RawMessage
	if err := dec.Decode(&top); err != nil {
		return nil, jsonError(data, "", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("data after the document's closing }")
	}
	if t := bytes.TrimLeft(top, " \t\r\n"); len(t) == 0 || t[0] != '{' {
		return nil, errors.New("the document must be a JSON object")
	}
	// Members one at a time: a member given twice, which encoding/json
	// would let the last win, is refused, and the members with their own
	// decoding (outputs, inputs) are named in their errors.
	seen := map[string]bool{}
	err := orderedObject(top, func(key string, raw json.RawMessage) error {
		if seen[key] {
			return fmt.Errorf("%s: given twice", jsonPath("", key))
		}
		seen[key] = true
		switch key {
		case "outputs", "inputs":
			var vs Vars
			if err := vs.UnmarshalJSON(raw); err != nil {
				return jsonError(raw, key, err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var d Document
	if err := json.Unmarshal(top, &d); err != nil {
		return nil, jsonError(top, "", err)
	}
	return &d, nil
}

// jsonError says what is wrong with data at path, from encoding/json's
// error: where a syntax error is, or which field has a value of the wrong
// type.
func jsonError(data []byte, path string, err error) error {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return errors.New("it ends before the document does")
	case errors.As(err, &se):
		line, col := lineCol(data, se.Offset-1) // the offset is past the character
		return fmt.Errorf("line %d, column %d: %v", line, col, se)
	case errors.As(err, &te):
		field := te.Field
		var pe *pathError
		if errors.As(err, &pe) {
			field = joinPath(pe.path, field)
		}
		field = joinPath(path, field)
		if field == "" {
			return fmt.Errorf("a JSON %s, not an object", te.Value)
		}
		return fmt.Errorf("%s: a JSON %s, where %s is wanted", field, te.Value, goType(te.Type.String()))
	}
	var pe *pathError
	if errors.As(err, &pe) {
		pe.path = joinPath(path, pe.path)
		return pe
	}
	if path != "" {
		return fmt.Errorf("%s: %w", path, err)
	}
	return err
}

// pathError is a problem in an object member, path being its key.
type pathError struct {
	path string
	err  error
}

func (e *pathError) Error() string { return e.path + ": " + e.err.Error() }
func (e *pathError) Unwrap() error { return e.err }

func goType(t string) string {
	switch t {
	case "float64":
		return "a number"
	case "int", "int64":
		return "a whole number"
	case "uint64":
		return "a whole number, 0 or more"
	case "string":
		return "text"
	case "bool":
		return "true or false"
	}
	if strings.HasPrefix(t, "[]") {
		return "a list"
	}
	return "an object"
}

// lineCol returns the 1-based line and column of byte offset off of data.
func lineCol(data []byte, off int64) (line, col int) {
	off = min(max(off, 0), int64(len(data)))
	before := data[:off]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(off) - bytes.LastIndexByte(before, '\n')
	return line, col
}

// identRE matches the names a path shows as they are.
var identRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// jsonPath appends member key to path: outputs.supplier_net, or
// outputs["odd name"] for a key that is not a name.
func jsonPath(path, key string) string {
	if !identRE.MatchString(key) {
		q, _ := json.Marshal(key)
		return path + "[" + string(q) + "]"
	}
	if path == "" {
		return key
	}
	return path + "." + key
}

// joinPath joins two JSON paths, either of which may be empty.
func joinPath(a, b string) string {
	switch {
	case a == "":
		return b
	case b == "":
		return a
	case strings.HasPrefix(b, "["):
		return a + b
	}
	return a + "." + b
}

func index(path string, i int) string { return path + "[" + strconv.Itoa(i) + "]" }

// checker collects a document's problems.
type checker struct {
	file string
	l    diag.List
}

func (c *checker) bad(path, format string, args ...any) {
	c.l.Errorf(diag.Pos{File: c.file}, "", "%s: %s", path, fmt.Sprintf(format, args...))
}

// finite checks that x, at path, is finite (encoding/json reads no NaN or
// infinity, but a Document made in Go may hold them).
func (c *checker) finite(path string, x float64) bool {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		c.bad(path, "%v is not a finite number", x)
		return false
	}
	return true
}

// probability checks that x, at path, is a probability.
func (c *checker) probability(path string, x float64) {
	if c.finite(path, x) && (x < 0 || x > 1) {
		c.bad(path, "%s is not a probability: it must be between 0 and 1", exact(x))
	}
}

// nonNegative checks that x, at path, is 0 or more; what names it.
func (c *checker) nonNegative(path string, x float64, what string) {
	if c.finite(path, x) && x < 0 {
		c.bad(path, "%s is negative; %s is 0 or more", exact(x), what)
	}
}

// quantiles checks that q, at path, are finite and in order, and, when
// lo ≤ hi are given, between them (within tol).
func (c *checker) quantiles(path string, q Quantiles, lo, hi, tol float64) {
	if len(q) != len(stats.ProbNames) {
		c.bad(path, "%d quantiles, want %d (%s)", len(q), len(stats.ProbNames), strings.Join(stats.ProbNames, ", "))
		return
	}
	for i, x := range q {
		p := path + "." + stats.ProbNames[i]
		if !c.finite(p, x) {
			return
		}
		if i > 0 && x < q[i-1] {
			c.bad(p, "%s is less than %s (%s); quantiles rise with the probability", exact(x), stats.ProbNames[i-1], exact(q[i-1]))
			return
		}
		if x < lo-tol || x > hi+tol {
			c.bad(p, "%s is outside the range of the values, %s to %s", exact(x), exact(lo), exact(hi))
			return
		}
	}
}

// versionRE matches settle's versions.
var versionRE = regexp.MustCompile(`^(\d+)\.(\d+)\.(\d+)$`)

// newerVersion reports whether version a is later than b, both matching
// versionRE.
func newerVersion(a, b string) bool {
	ma, mb := versionRE.FindStringSubmatch(a), versionRE.FindStringSubmatch(b)
	for i := 1; i <= 3; i++ {
		x, _ := strconv.Atoi(ma[i])
		y, _ := strconv.Atoi(mb[i])
		if x != y {
			return x > y
		}
	}
	return false
}

// validate returns d's problems, their positions naming file.
func (d *Document) validate(file string) diag.List {
	c := &checker{file: file}
	switch {
	case d.Version == "":
		c.bad("settle_version", "missing: this is not a settle result document")
		return c.l
	case !versionRE.MatchString(d.Version):
		c.bad("settle_version", "%q is not a settle version such as %s", d.Version, engine.Version)
	case newerVersion(d.Version, engine.Version):
		c.bad("settle_version", "%s is newer than this settle, %s: read it with settle %s or later", d.Version, engine.Version, d.Version)
	}
	if d.Trials < 1 {
		c.bad("trials", "%d is not a number of trials: a run has 1 or more", d.Trials)
	}
	if d.TornadoTrials < 0 || d.TornadoTrials > max(d.Trials, 0) {
		c.bad("tornado_trials", "%d is not between 0 and the document's %d trials", d.TornadoTrials, d.Trials)
	}
	if len(d.Outputs) == 0 {
		c.bad("outputs", "none: a result document has at least one output")
	}
	names := map[string]bool{}
	for _, sec := range []struct {
		name string
		vars Vars
	}{{"outputs", d.Outputs}, {"inputs", d.Inputs}} {
		seen := map[string]bool{}
		for i := range sec.vars {
			v := &sec.vars[i]
			path := jsonPath(sec.name, v.Name)
			if seen[v.Name] {
				c.bad(path, "given twice")
				continue
			}
			seen[v.Name], names[v.Name] = true, true
			c.variable(path, v, d.Trials)
		}
	}
	if d.Sampler != "" {
		if _, err := sampling.ParseMethod(d.Sampler); err != nil {
			c.bad("sampler", "%v", err)
		}
	}
	for i, p := range d.Parties {
		c.party(index("parties", i), &p)
	}
	if s := d.Settlement; s != nil {
		if s.Figure == "" {
			c.bad("settlement.figure", "missing: the input that is the settlement figure")
		}
		ok := c.finite("settlement.low", s.Low)
		ok = c.finite("settlement.high", s.High) && ok
		if c.finite("settlement.width", s.Width) && ok && !approx(s.Width, s.High-s.Low) {
			c.bad("settlement.width", "%s is not high − low (%s)", exact(s.Width), exact(s.High-s.Low))
		}
	}
	for i, s := range d.Sensitivity {
		path := index("sensitivity", i)
		if !names[s.Output] {
			c.bad(path+".output", "%q is not an output or input of the document", s.Output)
		}
		for j, r := range s.Spearman {
			if c.finite(index(path+".spearman", j)+".rho", r.Rho) && (r.Rho < -1 || r.Rho > 1) {
				c.bad(index(path+".spearman", j)+".rho", "%s is not a correlation: it must be between -1 and 1", exact(r.Rho))
			}
		}
		for j, b := range s.Tornado {
			bp := index(path+".tornado", j)
			c.finite(bp+".low", b.Low)
			c.finite(bp+".high", b.High)
			c.finite(bp+".mean_low", b.MeanLow)
			c.finite(bp+".mean_high", b.MeanHigh)
			c.nonNegative(bp+".swing", b.Swing, "a swing")
		}
	}
	if cr := d.Correlations; cr != nil {
		for i, p := range cr.Pairs {
			path := index("correlations.pairs", i)
			c.correlation(path+".declared", p.Declared)
			c.correlation(path+".used", p.Used)
			if p.Achieved != nil {
				c.correlation(path+".achieved", *p.Achieved)
			}
		}
	}
	if cv := d.Convergence; cv != nil {
		if cv.Trials < 1 || cv.Trials > cv.MaxTrials {
			c.bad("convergence.trials", "%d is not between 1 and max_trials (%d)", cv.Trials, cv.MaxTrials)
		}
		for i, b := range cv.Batches {
			path := index("convergence.batches", i)
			if b.Trials < 1 {
				c.bad(path+".trials", "%d is not a number of trials: a batch has 1 or more", b.Trials)
			}
			c.nonNegative(path+".se", b.SE, "a standard error")
			c.nonNegative(path+".target", b.Target, "a target standard error")
		}
	}
	return c.l
}

func (c *checker) correlation(path string, r float64) {
	if c.finite(path, r) && (r < -1 || r > 1) {
		c.bad(path, "%s is not a correlation: it must be between -1 and 1", exact(r))
	}
}

// varKinds are the kinds of value a document summarises, as
// scenario.Kind names them.
var varKinds = func() []string { // Builtin is the last kind
	var ks []string
	for k := scenario.Input; k <= scenario.Builtin; k++ {
		ks = append(ks, k.String())
	}
	return ks
}()

// variable checks one output's or input's summary of trials values.
func (c *checker) variable(path string, v *Var, trials int) {
	if v.Trials != nil {
		// Summarised over the trials that ended on its path (a scenario
		// with stages): its counts add up to those.
		if *v.Trials < 0 || *v.Trials > trials {
			c.bad(path+".trials", "%d is not a number of the document's %d trials", *v.Trials, trials)
			return
		}
		trials = *v.Trials
	}
	if !slices.Contains(varKinds, v.Kind) {
		c.bad(path+".kind", "%q is not a kind of value: it is one of %s", v.Kind, strings.Join(varKinds, ", "))
	}
	if !slices.Contains([]string{"number", "bool"}, v.Type) {
		c.bad(path+".type", "%q is neither number nor bool", v.Type)
	}
	ok := c.finite(path+".min", v.Min)
	ok = c.finite(path+".max", v.Max) && ok
	if ok && v.Min > v.Max {
		c.bad(path+".min", "%s is greater than max (%s)", exact(v.Min), exact(v.Max))
		ok = false
	}
	// Summing rounds: the mean of equal values may differ from them in
	// the last digits. Sketched quantiles are within SketchAccuracy.
	tol := 1e-9 * max(math.Abs(v.Min), math.Abs(v.Max))
	if c.finite(path+".mean", v.Mean) && ok && (v.Mean < v.Min-tol || v.Mean > v.Max+tol) {
		c.bad(path+".mean", "%s is outside the range of the values, %s to %s", exact(v.Mean), exact(v.Min), exact(v.Max))
	}
	c.nonNegative(path+".sd", v.SD, "a standard deviation")
	c.nonNegative(path+".se", v.SE, "a standard error")
	c.probability(path+".p_positive", v.PPositive)
	if ok {
		c.quantiles(path+".quantiles", v.Quantiles, v.Min, v.Max, 2*stats.SketchAccuracy*max(math.Abs(v.Min), math.Abs(v.Max)))
	} else {
		c.quantiles(path+".quantiles", v.Quantiles, math.Inf(-1), math.Inf(1), 0)
	}
	h := v.Histogram
	hp := path + ".histogram"
	if c.finite(hp+".min", h.Min) && c.finite(hp+".max", h.Max) && h.Min > h.Max {
		c.bad(hp+".min", "%s is greater than max (%s)", exact(h.Min), exact(h.Max))
	}
	total := 0
	for i, n := range h.Counts {
		if n < 0 {
			c.bad(index(hp+".counts", i), "%d is negative; a count is 0 or more", n)
			return
		}
		total += n
		if total > trials {
			break
		}
	}
	if len(h.Counts) > 0 && trials >= 1 && total != trials {
		c.bad(hp+".counts", "they add up to %d, not the document's %d trials", total, trials)
	}
}

// party checks one party's figures.
func (c *checker) party(path string, p *Party) {
	if p.Name == "" {
		c.bad(path+".name", "missing")
	}
	switch p.Attitude {
	case "risk-neutral":
	case "exponential":
		if c.finite(path+".risk_tolerance", p.RiskTolerance) && !(p.RiskTolerance > 0) {
			c.bad(path+".risk_tolerance", "%s is not a risk tolerance: it is greater than 0", exact(p.RiskTolerance))
		}
	default:
		c.bad(path+".attitude", "%q is neither risk-neutral nor exponential", p.Attitude)
	}
	if p.Side != "payee" && p.Side != "payer" {
		c.bad(path+".side", "%q is neither payee nor payer", p.Side)
	}
	c.finite(path+".reservation", p.Reservation)
	if p.GoingOn != nil {
		c.finite(path+".ce_going_on", *p.GoingOn)
	}
	for _, o := range []struct {
		name string
		o    *Outcome
	}{{"net", &p.Net}, {"court", p.Court}} {
		if o.o == nil {
			continue // no trial ends in judgment
		}
		op := path + "." + o.name
		c.finite(op+".mean", o.o.Mean)
		c.nonNegative(op+".sd", o.o.SD, "a standard deviation")
		c.finite(op+".ce", o.o.CE)
		c.probability(op+".p_loss", o.o.PLoss)
		if o.o.Quantiles != nil {
			c.quantiles(op+".quantiles", o.o.Quantiles, math.Inf(-1), math.Inf(1), 0)
		}
	}
	if f := p.Offer; f != nil {
		c.finite(path+".offer.figure", f.Figure)
		c.finite(path+".offer.settled_ce", f.SettledCE)
		if f.BeatsCourt != nil {
			c.probability(path+".offer.p_beats_court", *f.BeatsCourt)
		}
	}
}

// exact shows a number in a message as its writer would read it.
func exact(x float64) string { return money.FormatExact(x) }

// approx reports whether a and b agree to within rounding.
func approx(a, b float64) bool {
	return math.Abs(a-b) <= 1e-9*max(math.Abs(a), math.Abs(b), 1)
}
