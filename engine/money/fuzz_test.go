package money

import (
	"math"
	"strings"
	"testing"

	"github.com/settle-sim/settle/internal/fuzzguard"
)

// FuzzParse: no text makes parsing or formatting money panic or hang; a
// literal that parses to a finite number formats to a string that parses
// back (exactly, for FormatExact), and Scan agrees with Parse on where a
// literal ends.
//
//	go test ./engine/money -run '^$' -fuzz FuzzParse -fuzztime 30s
func FuzzParse(f *testing.F) {
	for _, s := range []string{"£700m", "1.1bn", "143_000_000", "£250k", "1.5e6", "-£12.5k", "£1,100,000",
		"0.35", "1e400", "1e-400", "£", "1__0", "1,00", "£-5m", "+3", "1e", "1.", ".5", "9" + strings.Repeat("9", 40)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if len(s) > 1<<10 {
			return
		}
		defer fuzzguard.Start(s)()
		for i := range s {
			lit, ok, _ := Scan(s, i)
			if ok && (lit.Len <= 0 || i+lit.Len > len(s)) {
				t.Fatalf("Scan(%q, %d) = length %d", s, i, lit.Len)
			}
		}
		lit, err := Parse(s)
		if err != nil {
			return
		}
		x := lit.Float()
		for _, f := range []func(float64) string{Format, FormatNumber, FormatExact, FormatPercent} {
			if f(x) == "" {
				t.Fatalf("%q (%v) formats as nothing", s, x)
			}
		}
		if math.IsInf(x, 0) || math.IsNaN(x) {
			return
		}
		back, err := Parse(FormatExact(x))
		if err != nil {
			t.Fatalf("%q: FormatExact(%v) = %q does not parse: %v", s, x, FormatExact(x), err)
		}
		if back.Float() != x {
			t.Fatalf("%q: FormatExact(%v) = %q reads back as %v", s, x, FormatExact(x), back.Float())
		}
	})
}
