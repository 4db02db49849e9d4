package baseline

import (
	"bytes"
	"strings"
	"testing"

	"github.com/settle-sim/settle/internal/mdcheck"
)

// TestMarkdownEscapes: scenario paths and details (which quote files and
// names) change neither the table of settle test's Markdown nor bring
// HTML; a detail's lines stay apart.
func TestMarkdownEscapes(t *testing.T) {
	r := &Report{Dir: "dir|<b>", Cases: []*Case{
		{Scenario: "s|`x`<i>.yaml", Status: Broken, State: "BROKEN", Detail: "s.yaml:2:6: input a: <script>|\nsecond line `x`"},
		{Scenario: "ok.yaml", Status: Identical, State: "ok", Detail: "identical to the baseline"},
	}}
	var b bytes.Buffer
	if err := WriteMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if err := mdcheck.Check(md); err != nil {
		t.Errorf("%v\n%s", err, md)
	}
	if !strings.Contains(md, "input a: &lt;script&gt;\\|<br>second line \\`x\\`") {
		t.Errorf("the detail's lines are not kept apart, escaped:\n%s", md)
	}
}
