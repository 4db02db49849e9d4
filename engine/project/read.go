package project

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// Error is a file that settle will not or cannot read: what is wrong,
// starting with the path, and what would fix it.
type Error struct {
	Path string // as referred to or named
	Msg  string
	Hint string // may be empty
	Err  error  // the underlying error, if any
}

func (e *Error) Error() string {
	if e.Hint == "" {
		return e.Msg
	}
	return e.Msg + "; " + e.Hint
}

func (e *Error) Unwrap() error { return e.Err }

// Read reads the file that ref refers to, written in a file in directory
// from. The file must lie inside the root, be a regular file and be
// within the size limit for kind. Each file is read once: reading it
// again returns the same File.
func (r *Root) Read(from, ref string, kind Kind) (*File, error) {
	if strings.ContainsRune(ref, 0) {
		return nil, &Error{Path: ref, Msg: fmt.Sprintf("%q is not a valid path", ref)}
	}
	local := filepath.FromSlash(ref)
	if filepath.IsAbs(local) || filepath.VolumeName(local) != "" || strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, `\`) {
		return nil, &Error{Path: ref, Msg: fmt.Sprintf("%s is an absolute path", ref),
			Hint: fmt.Sprintf("refer to files by paths relative to the file that names them, inside the project root (%s)", r.Display())}
	}
	path := filepath.Join(from, local)
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, &Error{Path: ref, Msg: fmt.Sprintf("cannot read %s: %v", path, err), Err: err}
	}
	name, err := filepath.Rel(r.Dir, abs)
	if err != nil || escapes(name) || filepath.IsAbs(name) {
		return nil, &Error{Path: ref, Msg: fmt.Sprintf("%s leads outside the project root (%s)", ref, r.Display()), Hint: r.why()}
	}
	if f := r.cached(name); f != nil {
		return f, nil
	}
	root, err := os.OpenRoot(r.Dir)
	if err != nil {
		return nil, &Error{Path: ref, Msg: fmt.Sprintf("cannot open the project root %s: %v", r.Dir, unwrapPath(err)), Err: err}
	}
	defer root.Close()
	fi, err := root.Stat(name)
	if err != nil {
		return nil, r.statError(path, ref, err)
	}
	if err := regular(path, fi); err != nil {
		return nil, err
	}
	limit := r.opt.Limit(kind)
	if err := within(path, fi.Size(), limit, kind); err != nil {
		return nil, err
	}
	fh, err := root.OpenFile(name, os.O_RDONLY|nonblock, 0)
	if err != nil {
		return nil, r.statError(path, ref, err)
	}
	defer fh.Close()
	data, err := readOpened(fh, path, fi, limit, kind)
	if err != nil {
		return nil, err
	}
	return r.record(name, &File{Path: path, Info: fi, Data: data}), nil
}

// ReadArg reads a file named on the command line, such as the scenario
// or a position: it may lie outside the root and may be a pipe, but not
// a directory, device or socket. It is recorded among r's files.
func (r *Root) ReadArg(path string, kind Kind) (*File, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, &Error{Path: path, Msg: fmt.Sprintf("cannot read %s: %v", path, err), Err: err}
	}
	key := "arg:" + abs
	if f := r.cached(key); f != nil {
		return f, nil
	}
	f, err := readArg(path, kind, r.opt)
	if err != nil {
		return nil, err
	}
	return r.record(key, f), nil
}

// ReadArg reads a file named on the command line, such as a result
// document or a policy: a regular file or a pipe, within the size limit
// for kind.
func ReadArg(path string, kind Kind, opt Options) ([]byte, error) {
	f, err := readArg(path, kind, opt)
	if err != nil {
		return nil, err
	}
	return f.Data, nil
}

// OpenArg opens a file named on the command line to be read as a stream,
// such as a samples file: a regular file or a pipe. It has no size limit.
func OpenArg(path string) (*os.File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, statError(path, err)
	}
	if err := regularOrPipe(path, fi); err != nil {
		return nil, err
	}
	fh, err := os.Open(path)
	if err != nil {
		return nil, statError(path, err)
	}
	return fh, nil
}

// ReadFile reads a file settle finds by convention rather than by being
// told, such as a baseline: a regular file within the size limit for
// kind. Its error satisfies errors.Is(err, fs.ErrNotExist) when there is
// no such file.
func ReadFile(path string, kind Kind, opt Options) ([]byte, error) {
	f, err := readPath(path, kind, opt, false)
	if err != nil {
		return nil, err
	}
	return f.Data, nil
}

func readArg(path string, kind Kind, opt Options) (*File, error) {
	return readPath(path, kind, opt, true)
}

// readPath reads the file at path, a regular file (or, if pipes, a
// pipe) within the size limit for kind.
func readPath(path string, kind Kind, opt Options, pipes bool) (*File, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, statError(path, err)
	}
	check := regular
	if pipes {
		check = regularOrPipe
	}
	if err := check(path, fi); err != nil {
		return nil, err
	}
	limit := opt.Limit(kind)
	flag := os.O_RDONLY
	if fi.Mode().IsRegular() {
		if err := within(path, fi.Size(), limit, kind); err != nil {
			return nil, err
		}
		flag |= nonblock
	}
	fh, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return nil, statError(path, err)
	}
	defer fh.Close()
	data, err := readOpened(fh, path, fi, limit, kind)
	if err != nil {
		return nil, err
	}
	return &File{Path: path, Info: fi, Data: data}, nil
}

// readOpened reads fh, which was stat'ed as fi before it was opened: it
// must still be that file, and hold at most limit bytes.
func readOpened(fh *os.File, path string, fi fs.FileInfo, limit int64, kind Kind) ([]byte, error) {
	now, err := fh.Stat()
	if err != nil {
		return nil, &Error{Path: path, Msg: fmt.Sprintf("cannot read %s: %v", path, unwrapPath(err)), Err: err}
	}
	if !os.SameFile(fi, now) {
		return nil, &Error{Path: path, Msg: fmt.Sprintf("cannot read %s: it was replaced while being opened", path)}
	}
	if fi.Mode().IsRegular() {
		clearNonblock(fh)
	}
	data, err := io.ReadAll(io.LimitReader(fh, limit+1))
	if err != nil {
		return nil, &Error{Path: path, Msg: fmt.Sprintf("cannot read %s: %v", path, unwrapPath(err)), Err: err}
	}
	if int64(len(data)) > limit {
		return nil, tooLarge(path, -1, limit, kind)
	}
	return data, nil
}

// regular refuses anything but a regular file.
func regular(path string, fi fs.FileInfo) error {
	if fi.Mode().IsRegular() {
		return nil
	}
	return &Error{Path: path, Msg: fmt.Sprintf("%s is %s, not a regular file", path, Describe(fi.Mode())),
		Hint: "settle reads only regular files that a scenario refers to"}
}

// regularOrPipe refuses anything but a regular file or a pipe.
func regularOrPipe(path string, fi fs.FileInfo) error {
	if fi.Mode().IsRegular() || fi.Mode()&fs.ModeNamedPipe != 0 {
		return nil
	}
	return &Error{Path: path, Msg: fmt.Sprintf("%s is %s, not a file settle can read", path, Describe(fi.Mode())),
		Hint: "name a regular file (or a pipe)"}
}

func within(path string, size, limit int64, kind Kind) error {
	if size > limit {
		return tooLarge(path, size, limit, kind)
	}
	return nil
}

func tooLarge(path string, size, limit int64, kind Kind) error {
	is := "is larger than"
	if size >= 0 {
		is = fmt.Sprintf("is %s, more than", FormatSize(size))
	}
	return &Error{Path: path, Msg: fmt.Sprintf("%s %s the %s limit for %s", path, is, FormatSize(limit), kind),
		Hint: fmt.Sprintf("if it is meant to be this large, raise the limit with --max-file-size (or SETTLE_MAX_FILE_SIZE), e.g. --max-file-size %s", strings.ReplaceAll(FormatSize(nextLimit(max(size, limit+1))), " ", ""))}
}

// nextLimit is a round size at least n: a power of two.
func nextLimit(n int64) int64 {
	l := int64(1 << 20)
	for l < n && l < 1<<62 {
		l <<= 1
	}
	return l
}

// Describe names a kind of file that is not a regular file.
func Describe(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a block device"
	case m&fs.ModeSymlink != 0:
		return "a symbolic link"
	case m&fs.ModeIrregular != 0:
		return "an irregular file"
	case m.IsRegular():
		return "a regular file"
	}
	return "not a regular file"
}

// statError explains why the file at path, named on the command line or
// found by convention, cannot be read.
func statError(path string, err error) error {
	msg := fmt.Sprintf("cannot read %s: %v", path, unwrapPath(err))
	switch {
	case errors.Is(err, fs.ErrNotExist):
		msg = fmt.Sprintf("cannot read %s: no such file", path)
	case errors.Is(err, fs.ErrPermission):
		msg = fmt.Sprintf("cannot read %s: permission denied", path)
	}
	return &Error{Path: path, Msg: msg, Err: err}
}

// statError explains why the file path, which ref refers to, cannot be
// read from inside the root.
func (r *Root) statError(path, ref string, err error) error {
	if isEscape(err) {
		return &Error{Path: ref, Msg: fmt.Sprintf("%s leads outside the project root (%s) through a symbolic link", ref, r.Display()),
			Hint: "a link inside a project must be relative and stay inside it; copy the file into the project instead", Err: err}
	}
	return statError(path, err)
}

// isEscape reports whether err is os.Root's refusal of a path that
// leaves the root (through .. or a symbolic link).
func isEscape(err error) bool {
	var pe *fs.PathError
	return errors.As(err, &pe) && strings.Contains(pe.Err.Error(), "escapes from parent")
}

// unwrapPath drops the operation and path of a *fs.PathError, which
// messages give themselves.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
