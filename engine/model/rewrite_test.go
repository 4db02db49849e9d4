package model

import (
	"testing"
	"unicode/utf8"

	"github.com/settle-sim/settle/engine/money"
)

func TestRewrite(t *testing.T) {
	tests := []struct {
		in, out string
		money   []int // rune offsets in out where money literals stand
		err     string
	}{
		{in: "£700m", out: "700000000", money: []int{0}},
		{in: "1.1bn + £250k", out: "1100000000 + 250000", money: []int{0, 13}},
		{in: "143_000_000", out: "143_000_000"},
		{in: "2**3", out: "2**3"},
		{in: "1..3", out: "1..3"},
		{in: "x.5", out: "x.5"},
		{in: "a1m + 1m", out: "a1m + 1000000", money: []int{6}},
		{in: "5min", out: "5min"},
		{in: "0x1f", out: "0x1f"},
		{in: "1.5e3", out: "1.5e3"},
		{in: "£1.5", out: "1.5", money: []int{0}},
		{in: "£2000000bn", out: "2e+15", money: []int{0}},
		{in: `"£5m" + 'a\'£1m' + £1k`, out: `"£5m" + 'a\'£1m' + 1000`, money: []int{19}},
		{in: "é + £1k", out: "é + 1000", money: []int{4}},
		{in: "1_000_", out: "1_000_", err: "misplaced _ in number"},
		{in: "x + £", out: "x + £", err: "£ must be followed by an amount"},
		{in: "£600,000,000", out: "600000000", money: []int{0}},
		{in: " -£1,000 ", out: "-1000", money: []int{1}},
		{in: "60%", out: "0.6"},
		{in: "x * 60%", out: "x * 0.6"},
		{in: "7%x", out: "7%x"},
		{in: "max(1,2)", out: "max(1,2)"},
		{in: "max(1,000)", out: "max(1,000)", err: "1,000 is not one number inside an expression"},
		{in: "$5m", out: "$5m", err: "$5m is in US dollars"},
	}
	for _, tt := range tests {
		rw := rewrite(tt.in, money.GBP)
		if rw.src != tt.out {
			t.Errorf("rewrite(%q) = %q, want %q", tt.in, rw.src, tt.out)
		}
		for _, off := range tt.money {
			if !rw.moneyAt[off] {
				t.Errorf("rewrite(%q): no money at %d (%v)", tt.in, off, rw.moneyAt)
			}
		}
		if len(rw.moneyAt) != len(tt.money) {
			t.Errorf("rewrite(%q): money at %v, want %v", tt.in, rw.moneyAt, tt.money)
		}
		switch {
		case tt.err == "" && len(rw.errs) > 0:
			t.Errorf("rewrite(%q): errors %v", tt.in, rw.errs)
		case tt.err != "" && (len(rw.errs) != 1 || rw.errs[0].msg[:len(tt.err)] != tt.err):
			t.Errorf("rewrite(%q): errors %v, want %q", tt.in, rw.errs, tt.err)
		}
		// orig maps every rune of src, and one past the end, into in.
		n := utf8.RuneCountInString(rw.src)
		if len(rw.orig) != n+1 || rw.orig[n] != utf8.RuneCountInString(tt.in) {
			t.Errorf("rewrite(%q): orig = %v", tt.in, rw.orig)
		}
		for i := 1; i < len(rw.orig); i++ {
			if rw.orig[i] < rw.orig[i-1] {
				t.Errorf("rewrite(%q): orig decreases: %v", tt.in, rw.orig)
				break
			}
		}
	}
	// The rune after a rewritten literal maps to the rune after it in
	// the original.
	rw := rewrite("£1.1bn + x", money.GBP)
	if got := rw.orig[len("1100000000 + ")]; got != len([]rune("£1.1bn + ")) {
		t.Errorf("x maps to %d", got)
	}
}
