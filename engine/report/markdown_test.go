package report

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/internal/mdcheck"
)

// hostile is text a user could write that Markdown would take as
// structure: a cell separator, raw HTML, a code span, a line break.
const hostile = "a|b <img src=x onerror=alert(1)> `c`\n# d"

// hostileDocument is the golden document with user text made hostile:
// the scenario's name, an output's name and unit, an input's name, a
// setting, a party's name and its view.
func hostileDocument(t *testing.T) *Document {
	t.Helper()
	f, err := os.Open("../testdata/one-step.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	d, err := Read(f, "reference.golden.json")
	if err != nil {
		t.Fatal(err)
	}
	d.Scenario.Name = hostile
	d.Outputs[0].Name, d.Outputs[1].Unit = hostile, "GBP|<b>"
	d.Inputs[0].Name = hostile
	d.Settings = []engine.Setting{{Name: "x|y", Value: "<i>1</i>"}}
	d.Parties[0].Name, d.Parties[0].View = hostile, []string{"pos|<b>.yaml"}
	d.Sensitivity[0].Output = hostile
	d.Sensitivity[0].Tornado[0].Input = hostile
	return d
}

// TestMarkdownEscapes: user text in the Markdown rendering of a run
// changes neither its tables nor its headings, and brings no HTML.
func TestMarkdownEscapes(t *testing.T) {
	d := hostileDocument(t)
	var b bytes.Buffer
	if err := WriteMarkdown(&b, d); err != nil {
		t.Fatal(err)
	}
	// The parties and drivers tables, as Markdown.
	writeParties(&b, d, true)
	writeSensitivity(&b, d, true)
	md := b.String()
	if err := mdcheck.Check(md); err != nil {
		t.Errorf("%v\n%s", err, md)
	}
	for _, want := range []string{
		"### a\\|b &lt;img src=x onerror=alert(1)&gt; \\`c\\` \\# d\n",
		"| ``a\\|b <img src=x onerror=alert(1)> `c` # d`` |",
		"x\\|y=&lt;i&gt;1&lt;/i&gt;",
		"own view (pos\\|&lt;b&gt;.yaml)",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("Markdown does not contain %q:\n%s", want, md)
		}
	}
}

// TestSweepMarkdownEscapes: likewise for a sweep's table.
func TestSweepMarkdownEscapes(t *testing.T) {
	d := &SweepDocument{Version: "0.2.0", Scenario: Scenario{Name: hostile}, Trials: 10,
		Axes:   []SweepAxis{{Name: hostile, From: 1, To: 2, Step: 1}},
		Points: []SweepPoint{{Values: []float64{1}, Parties: []SweepParty{{Name: "p|<b>"}}}}}
	var b bytes.Buffer
	if err := WriteSweep(&b, d, "markdown"); err != nil {
		t.Fatal(err)
	}
	if err := mdcheck.Check(b.String()); err != nil {
		t.Errorf("%v\n%s", err, b.String())
	}
}
