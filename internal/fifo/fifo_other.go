//go:build !unix

package fifo

func mkfifo(string) error { return ErrUnsupported }
