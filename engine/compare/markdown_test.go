package compare

import (
	"bytes"
	"testing"

	"github.com/settle-sim/settle/engine/report"
	"github.com/settle-sim/settle/internal/mdcheck"
)

// TestMarkdownEscapes: what users wrote (scenario names, files, output
// and party names, units, policy conditions) changes neither the tables
// nor the lists of a comparison's Markdown, and brings no HTML.
func TestMarkdownEscapes(t *testing.T) {
	const hostile = "a|b <img src=x onerror=alert(1)> `c`\n# d"
	old := FromDocument("old|<b>.json", doc(hostile, 1,
		gbp(hostile, 3.5e6, 171.9e3, -146.5e6, 7.5e6, 129.0e6),
		share("odd", "number", "GBP|<i>", 0.4, 0.0003),
	))
	nw := FromDocument("new`x`.json", doc("other <s>", 2,
		gbp(hostile, 9.1e6, 172.0e3, -146.0e6, 8.3e6, 131.0e6),
		share("odd", "number", "USD", 0.4, 0.0003),
	))
	old.Parties = []report.Party{{Name: hostile, Side: "payee"}}
	nw.Parties = []report.Party{{Name: hostile, Side: "payee"}}
	pol, err := ParsePolicy("policy.yaml", []byte("fail_if: \"significant || name == '<b>|x'\"\n"))
	if err != nil {
		t.Fatal(err)
	}
	r, err := Compare(old, nw, Options{Policy: pol})
	if err != nil {
		t.Fatal(err)
	}
	if !r.Failed || len(r.NotCompared) == 0 {
		t.Fatalf("want a failed comparison with an output not compared: %+v", r)
	}
	var b bytes.Buffer
	if err := WriteMarkdown(&b, r); err != nil {
		t.Fatal(err)
	}
	WriteMarkdownTable(&b, "scenario", []*Result{r})
	if err := mdcheck.Check(b.String()); err != nil {
		t.Errorf("%v\n%s", err, b.String())
	}
}
