package engine

import (
	"runtime"
	"strings"
	"testing"
)

func TestBuildString(t *testing.T) {
	b := Build{Version: "0.2.0", Module: "v0.2.0", Revision: "40d9737c", Time: "2025-01-02T03:04:05Z", Modified: true, Go: "go1.26.8"}
	want := "settle 0.2.0\nmodule github.com/settle-sim/settle v0.2.0\nrevision 40d9737c (2025-01-02T03:04:05Z, modified)\ngo1.26.8 " + runtime.GOOS + "/" + runtime.GOARCH + "\n"
	if got := b.String(); got != want {
		t.Errorf("String() =\n%s\nwant\n%s", got, want)
	}
	// What the running test binary records: at least the version and Go.
	got := BuildInfo()
	if got.Version != Version || got.Go != runtime.Version() || !strings.HasPrefix(got.String(), "settle "+Version+"\n") {
		t.Errorf("BuildInfo() = %+v", got)
	}
}
