//go:build !linux

package hugemem

func advise([]byte) {}

func alignment(uintptr) uintptr { return 0 }
