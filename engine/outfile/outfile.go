// Package outfile writes settle's output files without destroying data.
//
// A regular file, or a path where nothing is yet, is written atomically:
// the content goes to a temporary file in the same directory, synced and
// renamed into place only when it has been written completely, so a
// failure or an interruption leaves the old file as it was and no
// temporary file behind. Anything else is written through as a stream
// and never replaced: a character device (/dev/null, /dev/full), a FIFO,
// a socket, and standard output ("-", /dev/stdout). A symbolic link is
// kept: the file it leads to is written atomically, or through when it
// is not a regular file, as git does with a linked configuration file.
// Directories, block devices and read-only files are refused.
//
// Plan classifies a path before a run, so that a bad output is refused
// before any work is done, and Check refuses outputs that are one of
// the run's inputs or each other.
package outfile

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Kind says how a target is written.
type Kind int

const (
	// Replace is a regular file or a new path: written atomically.
	Replace Kind = iota
	// Stream is a character device, FIFO or socket: written through.
	Stream
	// Stdout is standard output: "-", "" or /dev/stdout.
	Stdout
	// Stderr is standard error: /dev/stderr.
	Stderr
)

// Target is a file to be written, classified by Plan.
type Target struct {
	// Path is the path as given.
	Path string
	Kind Kind
	// Dest is the file a Replace target renames onto: Path, or the file
	// a symbolic link at Path leads to.
	Dest string

	// Stdout and Stderr receive Stdout and Stderr targets; nil means
	// os.Stdout and os.Stderr.
	Stdout, Stderr io.Writer

	info fs.FileInfo // the file there now (nil for a new path)
	dir  fs.FileInfo // the directory of a new path
}

// maxLinks is how many symbolic links Plan follows, as Linux does.
const maxLinks = 40

// Plan classifies path as a file to write. It refuses a directory, a
// block device, a read-only file, a path in a missing directory and a
// symbolic link in a shared directory that another user owns.
func Plan(path string) (*Target, error) {
	t := &Target{Path: path}
	switch path {
	case "", "-":
		t.Kind = Stdout
		return t, nil
	}
	p := path
	for n := 0; ; n++ {
		if k, ok := standard(p); ok {
			t.Kind = k
			return t, nil
		}
		fi, err := os.Lstat(p)
		if errors.Is(err, fs.ErrNotExist) {
			return t.newPath(p)
		}
		if err != nil {
			return nil, fmt.Errorf("cannot write %s: %w", path, unwrapPath(err))
		}
		if fi.Mode()&fs.ModeSymlink == 0 {
			return t.existing(p, fi)
		}
		if n == maxLinks {
			return nil, fmt.Errorf("cannot write %s: too many levels of symbolic links", path)
		}
		if special(p) {
			// /dev/fd/3, /proc/self/fd/3: the open file it stands for
			// is written through, whatever it is.
			st, err := os.Stat(path)
			if err != nil {
				return nil, fmt.Errorf("cannot write %s: %w", path, unwrapPath(err))
			}
			if st.IsDir() {
				return nil, fmt.Errorf("cannot write %s: it is a directory; name a file", path)
			}
			t.Kind, t.info = Stream, st
			return t, nil
		}
		if err := followable(p, fi); err != nil {
			return nil, fmt.Errorf("cannot write %s: %w", path, err)
		}
		to, err := os.Readlink(p)
		if err != nil {
			return nil, fmt.Errorf("cannot write %s: %w", path, unwrapPath(err))
		}
		if !filepath.IsAbs(to) {
			to = filepath.Join(filepath.Dir(p), to)
		}
		p = to
	}
}

// standard reports whether p names standard output or error, which are
// written as the open files they are (reopening them would write a
// redirected file from its start).
func standard(p string) (Kind, bool) {
	switch filepath.ToSlash(filepath.Clean(p)) {
	case "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1":
		return Stdout, true
	case "/dev/stderr", "/dev/fd/2", "/proc/self/fd/2":
		return Stderr, true
	}
	return 0, false
}

// special reports whether the link p is one of the kernel's, under /dev
// or /proc, which stand for open files rather than lead to paths.
func special(p string) bool {
	abs, err := filepath.Abs(p)
	if err != nil {
		return false
	}
	abs = filepath.ToSlash(abs)
	return strings.HasPrefix(abs, "/dev/") || strings.HasPrefix(abs, "/proc/")
}

// newPath plans a file at p, where nothing is yet.
func (t *Target) newPath(p string) (*Target, error) {
	dir := filepath.Dir(p)
	di, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("cannot write %s: there is no directory %s", t.Path, dir)
	case err != nil:
		return nil, fmt.Errorf("cannot write %s: %w", t.Path, unwrapPath(err))
	case !di.IsDir():
		return nil, fmt.Errorf("cannot write %s: %s is not a directory", t.Path, dir)
	}
	t.Kind, t.Dest, t.dir = Replace, p, di
	return t, nil
}

// existing plans the file fi at p, which is not a symbolic link.
func (t *Target) existing(p string, fi fs.FileInfo) (*Target, error) {
	m := fi.Mode()
	switch {
	case m.IsRegular():
		if err := writable(p); err != nil {
			return nil, fmt.Errorf("cannot write %s: it is read-only (%w); make it writable or choose another file", t.Path, err)
		}
		t.Kind, t.Dest, t.info = Replace, p, fi
	case m.IsDir():
		return nil, fmt.Errorf("cannot write %s: it is a directory; name a file", t.Path)
	case m&fs.ModeDevice != 0 && m&fs.ModeCharDevice == 0:
		return nil, fmt.Errorf("cannot write %s: it is a block device, and writing to it would destroy what it holds; name a file", t.Path)
	case m&(fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket) != 0:
		t.Kind, t.info = Stream, fi
	default:
		return nil, fmt.Errorf("cannot write %s: it is not a regular file, device, FIFO or socket", t.Path)
	}
	return t, nil
}

// String names t for a person: its path, or standard output.
func (t *Target) String() string {
	switch t.Kind {
	case Stdout:
		if t.Path == "" || t.Path == "-" {
			return "standard output"
		}
	case Stderr:
		return "standard error"
	}
	return t.Path
}

// Write writes what write writes to path: see Plan and Target.Write.
func Write(path string, write func(w io.Writer) error) error {
	return WriteContext(context.Background(), path, write)
}

// WriteContext is Write that stops, leaving nothing behind, when ctx is
// done.
func WriteContext(ctx context.Context, path string, write func(w io.Writer) error) error {
	t, err := Plan(path)
	if err != nil {
		return err
	}
	return t.Write(ctx, write)
}

// Write writes what write writes to t: atomically for a Replace target,
// through for the others. If write or any step fails, or ctx is done
// before the file is in place, a Replace target is left as it was, with
// no temporary file.
func (t *Target) Write(ctx context.Context, write func(w io.Writer) error) error {
	var err error
	switch t.Kind {
	case Replace:
		err = t.replace(ctx, write)
	case Stdout:
		err = stream(ctx, or(t.Stdout, os.Stdout), write)
	case Stderr:
		err = stream(ctx, or(t.Stderr, os.Stderr), write)
	default:
		err = t.through(ctx, write)
	}
	if err != nil {
		return fmt.Errorf("writing %s: %w", t, unwrapPath(err))
	}
	return nil
}

func or(w, def io.Writer) io.Writer {
	if w == nil {
		return def
	}
	return w
}

// replace writes a temporary file beside t.Dest and renames it onto it.
func (t *Target) replace(ctx context.Context, write func(w io.Writer) error) (err error) {
	if err := ctx.Err(); err != nil {
		return err
	}
	perm := fs.FileMode(0o666) // less the umask
	if t.info != nil {
		perm = t.info.Mode().Perm()
	}
	tmp, err := createTemp(t.Dest, perm)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			tmp.Close()
			release(tmp.Name(), true)
		}
	}()
	if err := stream(ctx, tmp, write); err != nil {
		return err
	}
	if t.info != nil {
		// Keep the permissions of the file replaced, which the umask
		// may have narrowed.
		if err := tmp.Chmod(perm); err != nil {
			return err
		}
	}
	if err := tmp.Sync(); err != nil {
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return commit(ctx, tmp.Name(), t.Dest)
}

// through opens a device, FIFO or socket and writes to it.
func (t *Target) through(ctx context.Context, write func(w io.Writer) error) error {
	var w io.WriteCloser
	var err error
	switch {
	case t.info != nil && t.info.Mode()&fs.ModeSocket != 0:
		var d net.Dialer
		var c net.Conn
		c, err = d.DialContext(ctx, "unix", t.Path)
		var oe *net.OpError
		if errors.As(err, &oe) {
			err = oe.Err // the path is in the message already
		}
		if c != nil {
			stop := context.AfterFunc(ctx, func() { c.SetWriteDeadline(time.Unix(1, 0)) })
			defer stop()
			w = c
		}
	case t.info != nil && t.info.Mode()&fs.ModeNamedPipe != 0:
		var f *os.File
		f, err = openFIFO(ctx, t.Path)
		if f != nil {
			stop := context.AfterFunc(ctx, func() { f.SetWriteDeadline(time.Unix(1, 0)) })
			defer stop()
			w = f
		}
	default:
		// No O_CREATE: if the device has gone, nothing is made in its
		// place; no O_TRUNC: a device is written, not emptied.
		w, err = os.OpenFile(t.Path, os.O_WRONLY, 0)
	}
	if err != nil {
		return err
	}
	if err := stream(ctx, w, write); err != nil {
		w.Close()
		return err
	}
	return w.Close()
}

// stream writes through a buffer to w, checking ctx at each write.
func stream(ctx context.Context, w io.Writer, write func(w io.Writer) error) error {
	bw := bufio.NewWriterSize(ctxWriter{ctx, w}, 64<<10)
	if err := write(bw); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	return ctx.Err()
}

// ctxWriter fails its writes once ctx is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}

// temps are the temporary files being written; once aborted, none is
// made or renamed into place.
var temps struct {
	sync.Mutex
	names   map[string]bool
	aborted bool
	n       uint64
}

// errAborted is the error of a write stopped by Abort.
var errAborted = errors.New("stopped")

// createTemp creates a temporary file for dest in its directory, named
// .NAME.tmpNNN, with permissions perm less the umask.
func createTemp(dest string, perm fs.FileMode) (*os.File, error) {
	temps.Lock()
	defer temps.Unlock()
	if temps.aborted {
		return nil, errAborted
	}
	if temps.names == nil {
		temps.names = map[string]bool{}
	}
	dir, base := filepath.Dir(dest), filepath.Base(dest)
	for range 1000 {
		temps.n++
		name := filepath.Join(dir, "."+base+".tmp"+strconv.Itoa(os.Getpid())+"-"+strconv.FormatUint(temps.n, 10))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		temps.names[name] = true
		return f, nil
	}
	return nil, fmt.Errorf("cannot create a temporary file in %s", dir)
}

// release forgets the temporary file name, removing it if remove.
func release(name string, remove bool) {
	temps.Lock()
	defer temps.Unlock()
	if remove {
		os.Remove(name)
	}
	delete(temps.names, name)
}

// commit renames the temporary file tmp onto dest, unless ctx is done or
// writing was aborted.
func commit(ctx context.Context, tmp, dest string) error {
	temps.Lock()
	defer temps.Unlock()
	if temps.aborted {
		return errAborted
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if err := os.Rename(tmp, dest); err != nil {
		return err
	}
	delete(temps.names, tmp)
	return nil
}

// Abort removes every temporary file being written and stops any more
// being made or renamed into place. A program calls it when it must exit
// at once, as on a second interrupt.
func Abort() {
	temps.Lock()
	defer temps.Unlock()
	temps.aborted = true
	for name := range temps.names {
		os.Remove(name)
		delete(temps.names, name)
	}
}

// unwrapPath drops the operation and path of a *fs.PathError, which the
// messages give themselves.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}
