package engine

import (
	"runtime"

	"github.com/settle-sim/settle/engine/run"
)

// WorkersPerCPU is how many workers a run may have for each CPU it may
// use (GOMAXPROCS): more do not make it faster, since the work is all
// computation, and each costs memory (a State, and in summaries a
// scratch copy of a column).
const WorkersPerCPU = 4

// MaxWorkers returns the most workers a run uses, WorkersPerCPU for each
// CPU: Options.Workers above it are reduced to it, so that
// --workers 2000000000 runs on a few workers instead of running out of
// memory.
func MaxWorkers() int { return WorkersPerCPU * runtime.GOMAXPROCS(0) }

// CapsWorkers reports whether a run asked for n workers (Options.Workers)
// uses fewer, because n is above MaxWorkers; the command line says so.
func CapsWorkers(n int) bool { return n > MaxWorkers() }

// maxWorkers returns the workers to use when n are asked for: one per CPU
// when n is 0 or less, and at most MaxWorkers.
func maxWorkers(n int) int {
	if n <= 0 {
		return runtime.GOMAXPROCS(0)
	}
	return min(n, MaxWorkers())
}

// workers returns the number of workers a run with opt uses: opt.Workers,
// or one per CPU, at most MaxWorkers and at most one per chunk of
// trials, since a worker takes a chunk at a time. Every worker pool and
// per-worker allocation of a run is sized by it.
func workers(opt Options) int {
	chunks := (max(opt.Trials, 1)-1)/run.Chunk + 1 // without overflow
	return min(maxWorkers(opt.Workers), chunks)
}
