package outfile

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Output is a target with the flag that named it, such as "-o" or
// "--samples"; an empty Flag is the result written to standard output
// for want of -o.
type Output struct {
	Flag   string
	Target *Target
}

func (o Output) String() string {
	if o.Flag == "" {
		return "the result (on " + o.Target.String() + ")"
	}
	return o.Flag + " " + o.Target.Path
}

// Input is a file a run reads: what it is to the run (such as "the
// scenario" or "a file the scenario refers to"), its path and, when
// known, what it was when read.
type Input struct {
	Role string
	Path string
	Info fs.FileInfo // nil: found by Path
}

// Check refuses, before anything is run, outputs that would overwrite
// one of the run's inputs (the same file, by any spelling, link or hard
// link) and two outputs that are the same file, naming both. Writing the
// null device twice is allowed.
func Check(outputs []Output, inputs []Input) error {
	ids := make([]identity, len(outputs))
	for i, o := range outputs {
		ids[i] = identify(o.Target)
	}
	for i, o := range outputs {
		if ids[i].info == nil {
			continue
		}
		for _, in := range inputs {
			fi := in.Info
			if fi == nil {
				var err error
				if fi, err = os.Stat(in.Path); err != nil {
					continue
				}
			}
			if os.SameFile(ids[i].info, fi) {
				return fmt.Errorf("%s would overwrite %s (%s), which this run reads; write the output to another file", o, in.Path, in.Role)
			}
		}
	}
	null := nullDevice()
	for i := range outputs {
		for j := i + 1; j < len(outputs); j++ {
			if !ids[i].same(ids[j]) || null != nil && ids[i].info != nil && os.SameFile(ids[i].info, null) {
				continue
			}
			return fmt.Errorf("%s and %s are the same file: give each output a file of its own", outputs[i], outputs[j])
		}
	}
	return nil
}

// identity is what makes two targets the same file: the file there now,
// or for a new path its directory and name, or standard output or error
// when they cannot be identified as files.
type identity struct {
	info fs.FileInfo
	dir  fs.FileInfo
	name string
	std  Kind
}

func identify(t *Target) identity {
	switch t.Kind {
	case Stdout, Stderr:
		f, w := os.Stdout, t.Stdout
		if t.Kind == Stderr {
			f, w = os.Stderr, t.Stderr
		}
		if w == nil || w == f {
			if fi, err := f.Stat(); err == nil {
				return identity{info: fi, std: t.Kind}
			}
		}
		return identity{std: t.Kind}
	}
	if t.info != nil {
		return identity{info: t.info, std: -1}
	}
	return identity{dir: t.dir, name: filepath.Base(t.Dest), std: -1}
}

func (a identity) same(b identity) bool {
	switch {
	case a.std >= 0 && a.std == b.std:
		return true
	case a.info != nil && b.info != nil:
		return os.SameFile(a.info, b.info)
	case a.dir != nil && b.dir != nil:
		return a.name == b.name && os.SameFile(a.dir, b.dir)
	}
	return false
}

func nullDevice() fs.FileInfo {
	fi, err := os.Stat(os.DevNull)
	if err != nil {
		return nil
	}
	return fi
}
