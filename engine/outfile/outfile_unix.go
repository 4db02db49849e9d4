//go:build unix

package outfile

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"time"
)

// writable reports, as an error, whether this process may not write the
// file at p.
func writable(p string) error {
	if err := syscall.Access(p, 2 /* W_OK */); err != nil {
		return err
	}
	return nil
}

// followable refuses to follow the symbolic link p, with info fi, in the
// cases where Linux's fs.protected_symlinks would: a link in a sticky,
// world-writable directory (such as /tmp) that belongs neither to this
// user nor to the directory's owner. Resolving the link here, to rename
// onto its target, would otherwise bypass that protection.
func followable(p string, fi fs.FileInfo) error {
	di, err := os.Stat(filepath.Dir(p))
	if err != nil {
		return err
	}
	if di.Mode()&fs.ModeSticky == 0 || di.Mode().Perm()&0o002 == 0 {
		return nil
	}
	link, ok1 := fi.Sys().(*syscall.Stat_t)
	dir, ok2 := di.Sys().(*syscall.Stat_t)
	if !ok1 || !ok2 {
		return nil
	}
	if uid := uint32(os.Geteuid()); link.Uid == uid || link.Uid == dir.Uid {
		return nil
	}
	return fmt.Errorf("it is a symbolic link in the shared directory %s that belongs to another user; settle does not follow it", filepath.Dir(p))
}

// openFIFO opens the FIFO at path for writing, waiting for a reader
// without blocking, so that ctx can stop the wait.
func openFIFO(ctx context.Context, path string) (*os.File, error) {
	for {
		f, err := os.OpenFile(path, os.O_WRONLY|syscall.O_NONBLOCK, 0)
		if err == nil {
			return f, nil
		}
		if !errors.Is(err, syscall.ENXIO) { // ENXIO: no reader yet
			return nil, err
		}
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(20 * time.Millisecond):
		}
	}
}
