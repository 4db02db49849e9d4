//go:build !unix

package project

import "os"

const nonblock = 0

func clearNonblock(*os.File) {}
