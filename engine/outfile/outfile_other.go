//go:build !unix

package outfile

import (
	"context"
	"io/fs"
	"os"
)

func writable(p string) error {
	f, err := os.OpenFile(p, os.O_WRONLY, 0)
	if err != nil {
		return err
	}
	return f.Close()
}

func followable(string, fs.FileInfo) error { return nil }

func openFIFO(ctx context.Context, path string) (*os.File, error) {
	return os.OpenFile(path, os.O_WRONLY, 0)
}
