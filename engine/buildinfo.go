package engine

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// modulePath is settle's module.
const modulePath = "github.com/settle-sim/settle"

// Build describes the settle that is running, from the build
// information the Go toolchain records in every binary.
type Build struct {
	Version string // settle's version, Version
	// Module is settle's module version as the toolchain recorded it:
	// "v0.2.0" for an installed release, "(devel)" for a build from a
	// checkout; "" when unknown.
	Module string
	// Revision and Time are the VCS revision and commit time the binary
	// was built from, and Modified whether the work tree had changes;
	// empty when the build did not record them (go install pkg@version,
	// go test, go run of a file).
	Revision string
	Time     string
	Modified bool
	Go       string // the Go version it was built with
}

// BuildInfo returns what the running binary records of settle's build.
func BuildInfo() Build {
	b := Build{Version: Version, Go: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return b
	}
	if bi.Main.Path == modulePath {
		b.Module = bi.Main.Version
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				b.Revision = s.Value
			case "vcs.time":
				b.Time = s.Value
			case "vcs.modified":
				b.Modified = s.Value == "true"
			}
		}
		return b
	}
	for _, d := range bi.Deps { // settle used as a library
		if d.Path == modulePath {
			b.Module = d.Version
		}
	}
	return b
}

// String is b for a person, one fact a line, the first "settle 0.2.0":
//
//	settle 0.2.0
//	module github.com/settle-sim/settle v0.2.0
//	revision 40d9737c… (2025-01-01T00:00:00Z, modified)
//	go1.26.8 linux/amd64
func (b Build) String() string {
	var s strings.Builder
	fmt.Fprintf(&s, "settle %s\n", b.Version)
	if b.Module != "" {
		fmt.Fprintf(&s, "module %s %s\n", modulePath, b.Module)
	}
	if b.Revision != "" {
		var notes []string
		if b.Time != "" {
			notes = append(notes, b.Time)
		}
		if b.Modified {
			notes = append(notes, "modified")
		}
		fmt.Fprintf(&s, "revision %s", b.Revision)
		if len(notes) > 0 {
			fmt.Fprintf(&s, " (%s)", strings.Join(notes, ", "))
		}
		s.WriteByte('\n')
	}
	fmt.Fprintf(&s, "%s %s/%s\n", b.Go, runtime.GOOS, runtime.GOARCH)
	return s.String()
}
