package compare

import (
	"strings"
	"testing"

	"github.com/settle-sim/settle/engine/report"
)

func usd(name string, mean, se, p5, p50, p95 float64) report.Var {
	v := gbp(name, mean, se, p5, p50, p95)
	v.Unit = "USD"
	return v
}

// TestCurrency: amounts are shown in the documents' currency; parties
// in different currencies are not compared; a policy's amount in another
// currency is refused.
func TestCurrency(t *testing.T) {
	party := []report.Party{{Name: "supplier", Side: "payee", Net: report.Outcome{Output: "net", CE: 5e6}, Reservation: 90e6}}
	a := doc("a", 1, usd("net", 10e6, 1e5, 1e6, 9e6, 20e6))
	b := doc("b", 2, usd("net", 11e6, 1e5, 1e6, 9e6, 20e6))
	a.Currency, b.Currency = "USD", "USD"
	a.Parties, b.Parties = party, party
	r, err := Compare(FromDocument("a.json", a), FromDocument("b.json", b), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	if err := WriteText(&out, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"$10.0m", "$11.0m", "+$1.0m", "$5.0m", "$90.0m"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("text lacks %s:\n%s", want, out.String())
		}
	}
	if strings.Contains(out.String(), "£") {
		t.Errorf("text shows pounds:\n%s", out.String())
	}
	pol, err := ParsePolicy("p.yaml", []byte("fail_if: abs(mean_abs) > £5m\n"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Compare(FromDocument("a.json", a), FromDocument("b.json", b), Options{Policy: pol}); err == nil || !strings.Contains(err.Error(), "£5m is in pounds sterling (GBP), but the scenario's amounts are in US dollars (USD)") {
		t.Errorf("policy in pounds on dollars: %v", err)
	}
	pol, _ = ParsePolicy("p.yaml", []byte("fail_if: abs(mean_abs) > $500k && abs(mean_rel) > 5%\n"))
	r, err = Compare(FromDocument("a.json", a), FromDocument("b.json", b), Options{Policy: pol})
	if err != nil || !r.Failed {
		t.Errorf("policy $500k and 5%% on a $1m, 10%% change: failed %v, err %v", r != nil && r.Failed, err)
	}

	b.Currency = "EUR"
	b.Outputs[0].Unit = "EUR"
	a.Outputs = append(a.Outputs, share("p", "number", "", 0.5, 0.01))
	b.Outputs = append(b.Outputs, share("p", "number", "", 0.5, 0.01))
	r, err = Compare(FromDocument("a.json", a), FromDocument("b.json", b), Options{})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, m := range r.NotCompared {
		got = append(got, m.Name+": "+m.Reason)
	}
	if want := "net: unit USD in old, EUR in new|party supplier: amounts in USD in old, EUR in new"; strings.Join(got, "|") != want {
		t.Errorf("not compared: %s\nwant %s", strings.Join(got, "|"), want)
	}
}

// TestPolicyMessages: a policy's condition is read as scenarios'
// expressions are, and its mistakes are told in the same sentences.
func TestPolicyMessages(t *testing.T) {
	for _, tt := range []struct{ cond, want string }{
		{"mean_rel >", `--fail-if "mean_rel >": column 10: "mean_rel >" is incomplete: nothing follows >`},
		{"mean_rel = 1", "= is not a comparison; write == to compare"},
		{"abs(mean_abs) > 1,000", "1,000 is not one number inside an expression"},
		{"mean_abs > £7OOk", "£7OOk is not an amount: it has the letter O where a zero belongs; write £700k"},
	} {
		err := (&Policy{}).AddFailIf(tt.cond)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("--fail-if %q: %v, want %q", tt.cond, err, tt.want)
		}
	}
	p := &Policy{}
	if err := p.AddFailIf("abs(mean_rel) > 2% || mean_abs > £1,5m"); err == nil {
		t.Error("£1,5m inside a condition was read")
	}
	if err := p.AddFailIf("abs(mean_rel) > 2%"); err != nil {
		t.Errorf("2%%: %v", err)
	}
}
