// Package project finds a scenario's project root and reads the files a
// scenario refers to from inside it.
//
// The project root is the directory named by Options.Root (--root), or
// else the nearest directory at or above the scenario's that holds
// settle.yaml, settle.yml or .git, or else the scenario's own directory.
// A file that a scenario refers to (include, extends, empirical(), the
// files a position refers to) must lie inside the root: absolute paths,
// paths that climb out with .. and symbolic links that lead out are
// refused, without opening the file. Only regular files are read, each
// once however often it is referred to, and each within a size limit.
//
// Files named on the command line are the user's choice and may lie
// anywhere; they may also be pipes (settle run <(gen)), but never
// directories, devices or sockets.
package project

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// Markers are the entries whose presence makes a directory a project
// root.
var Markers = []string{"settle.yaml", "settle.yml", ".git"}

// Size limits by default: a scenario, rule or position file is text
// written by hand; a data file (CSV, a result document) may be larger.
const (
	DefaultMaxScenario = 16 << 20
	DefaultMaxData     = 256 << 20
)

// Kind says what a file holds, which sets its size limit.
type Kind int

const (
	// Scenario is a scenario, rule, position or policy file (YAML).
	Scenario Kind = iota
	// Data is a data file: a CSV file read by empirical(), a result
	// document or a baseline.
	Data
)

func (k Kind) String() string {
	if k == Data {
		return "data files"
	}
	return "scenario and rule files"
}

// Options say where a project's root is and how large its files may be.
type Options struct {
	// Root is the project root; "" finds it from the scenario (Find).
	Root string
	// MaxFileSize is the largest file read, of any kind, in bytes; 0
	// means DefaultMaxScenario for scenario files and DefaultMaxData for
	// data files.
	MaxFileSize int64
}

// Limit is the size limit for a file of kind k.
func (o Options) Limit(k Kind) int64 {
	switch {
	case o.MaxFileSize > 0:
		return o.MaxFileSize
	case k == Data:
		return DefaultMaxData
	}
	return DefaultMaxScenario
}

// Root is a project root with the files read from it.
type Root struct {
	// Dir is the root, an absolute path.
	Dir string
	// Marker is the entry that made Dir the root (settle.yaml, .git),
	// "--root" when it was named, or "" when Dir is the scenario's own
	// directory because no directory above it holds a marker.
	Marker string

	opt Options

	mu    sync.Mutex
	files map[string]*File // by name inside the root, or "arg:" and absolute path
	order []*File
}

// File is a file read.
type File struct {
	// Path is the path it was read by: the referring file's directory
	// joined with the reference, or the path as named.
	Path string
	Info fs.FileInfo
	Data []byte
}

// Find returns the project root of the file at path: the nearest
// directory at or above path's that holds one of Markers, and that
// marker; or path's own directory and "".
func Find(path string) (dir, marker string, err error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return "", "", err
	}
	start := filepath.Dir(abs)
	for d := start; ; {
		for _, m := range Markers {
			if _, err := os.Lstat(filepath.Join(d, m)); err == nil {
				return d, m, nil
			}
		}
		up := filepath.Dir(d)
		if up == d {
			return start, "", nil
		}
		d = up
	}
}

// New returns the project root for the scenario at path under opt.
func New(path string, opt Options) (*Root, error) {
	r := &Root{opt: opt, files: map[string]*File{}}
	if opt.Root != "" {
		abs, err := filepath.Abs(opt.Root)
		if err != nil {
			return nil, fmt.Errorf("--root %s: %w", opt.Root, err)
		}
		fi, err := os.Stat(abs)
		switch {
		case err != nil:
			return nil, fmt.Errorf("--root %s: %w", opt.Root, unwrapPath(err))
		case !fi.IsDir():
			return nil, fmt.Errorf("--root %s: not a directory", opt.Root)
		}
		r.Dir, r.Marker = abs, "--root"
		return r, nil
	}
	dir, marker, err := Find(path)
	if err != nil {
		return nil, err
	}
	r.Dir, r.Marker = dir, marker
	return r, nil
}

// Options returns the options r was made with.
func (r *Root) Options() Options { return r.opt }

// Files returns every file read through r, in the order first read.
func (r *Root) Files() []*File {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]*File(nil), r.order...)
}

// Display is the root as a person reads it: relative to the working
// directory when inside it, else absolute.
func (r *Root) Display() string {
	if wd, err := os.Getwd(); err == nil {
		if rel, err := filepath.Rel(wd, r.Dir); err == nil && !escapes(rel) {
			return rel
		}
	}
	return r.Dir
}

// why says how the root was chosen, as a hint for a file outside it.
func (r *Root) why() string {
	switch r.Marker {
	case "--root":
		return "the project root is the directory --root names; move the file inside it, or name a directory that holds both with --root DIR"
	case "":
		return "no directory above the scenario holds settle.yaml or .git, so the project root is the scenario's own directory; add a settle.yaml at the top of the project, or name the root with --root DIR"
	}
	return "the project root is the nearest directory above the scenario that holds settle.yaml or .git; move the file inside it, or name a directory that holds both with --root DIR"
}

// escapes reports whether the relative path rel climbs out of its base.
func escapes(rel string) bool {
	return rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// record adds f to r's files under key and returns it, or the file
// already recorded under key.
func (r *Root) record(key string, f *File) *File {
	r.mu.Lock()
	defer r.mu.Unlock()
	if old, ok := r.files[key]; ok {
		return old
	}
	r.files[key] = f
	r.order = append(r.order, f)
	return f
}

func (r *Root) cached(key string) *File {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.files[key]
}
