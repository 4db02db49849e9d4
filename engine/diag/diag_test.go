package diag

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestNearest(t *testing.T) {
	names := []string{"claim", "quantum_fraction", "p_liability", "liability", "work_done"}
	tests := []struct{ in, want string }{
		{"clam", "claim"},
		{"quantum_fration", "quantum_fraction"},
		{"liabilty", "liability"},
		{"Work_Done", "work_done"},
		{"zzzzzz", ""},
		{"claim", ""}, // never the name itself: "unknown key name; did you mean name?"
	}
	for _, tt := range tests {
		if got := Nearest(tt.in, names); got != tt.want {
			t.Errorf("Nearest(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestListErr(t *testing.T) {
	var l List
	if l.Err() != nil {
		t.Fatal("empty list gave an error")
	}
	l.Notef(Pos{File: "a.yaml", Line: 3, Col: 2}, "x overrides y")
	if l.Err() != nil {
		t.Fatal("a note alone gave an error")
	}
	l.Errorf(Pos{File: "b.yaml", Line: 9, Col: 4}, "did you mean claim?", "unknown name %q", "clam")
	l.Errorf(Pos{File: "a.yaml", Line: 7, Col: 1}, "", "cycle")
	l.Sort()
	err := l.Err()
	if err == nil {
		t.Fatal("no error from a list with errors")
	}
	want := "a.yaml:7:1: cycle\nb.yaml:9:4: unknown name \"clam\"; did you mean claim?"
	if err.Error() != want {
		t.Errorf("got\n%s\nwant\n%s", err, want)
	}
	if !strings.HasPrefix(l[0].String(), "a.yaml:3:2: note: ") {
		t.Errorf("note formatted as %q", l[0])
	}
}

func TestPosString(t *testing.T) {
	for _, tt := range []struct {
		p    Pos
		want string
	}{
		{Pos{File: "f"}, "f"},
		{Pos{File: "f", Line: 2}, "f:2"},
		{Pos{File: "f", Line: 2, Col: 5}, "f:2:5"},
	} {
		if got := tt.p.String(); got != tt.want {
			t.Errorf("%#v: got %q want %q", tt.p, got, tt.want)
		}
	}
}

func TestOneOf(t *testing.T) {
	keys := []string{"net", "court", "settled"}
	for _, tt := range []struct{ in, want string }{
		{"cout", "did you mean court?"},
		{"verdict", "the keys are net, court, settled"},
	} {
		if got := OneOf(tt.in, keys, "keys"); got != tt.want {
			t.Errorf("OneOf(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestPrintList(t *testing.T) {
	var l List
	l.Errorf(Pos{File: "a.yaml", Line: 7, Col: 1}, "", "cycle")
	l.Errorf(Pos{File: "b.yaml", Line: 9, Col: 4}, "", "unknown name")
	var b strings.Builder
	if !PrintList(&b, fmt.Errorf("load s.yaml: %w", l.Err())) {
		t.Fatal("a wrapped ListError not printed")
	}
	if want := "a.yaml:7:1: cycle\nb.yaml:9:4: unknown name\n"; b.String() != want {
		t.Errorf("printed\n%s\nwant\n%s", b.String(), want)
	}
	if PrintList(&b, errors.New("other")) {
		t.Error("an error without diagnostics printed as a list")
	}
}
