package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/settle-sim/settle/engine/outfile"
)

// grace is how long settle waits, after SIGINT or SIGTERM, for the run
// to stop and remove its temporary files before it removes them itself
// and exits; a second signal ends the wait.
const grace = 3 * time.Second

// catchSignals cancels the returned context on SIGINT or SIGTERM, which
// stops the run at its next chunk of trials and any file being written,
// whose temporary file is removed. caught returns the signal, if any;
// stop stops catching.
func catchSignals(stderr io.Writer) (ctx context.Context, caught func() os.Signal, stop func()) {
	ctx, cancel := context.WithCancelCause(context.Background())
	ch := make(chan os.Signal, 2)
	signal.Notify(ch, os.Interrupt, syscall.SIGTERM)
	var got atomic.Value
	done := make(chan struct{})
	go func() {
		var s os.Signal
		select {
		case s = <-ch:
		case <-done:
			return
		}
		got.Store(s)
		cancel(fmt.Errorf("stopped by %s", signalName(s)))
		select {
		case <-ch:
		case <-time.After(grace):
		case <-done:
			return
		}
		outfile.Abort()
		fmt.Fprintf(stderr, "settle: stopped by %s\n", signalName(s))
		os.Exit(signalExit(s))
	}()
	caught = func() os.Signal {
		s, _ := got.Load().(os.Signal)
		return s
	}
	stop = func() {
		signal.Stop(ch)
		close(done)
		cancel(nil)
	}
	return ctx, caught, stop
}

// signalExit is the exit status for being stopped by s, as a shell
// reports it: 128 plus the signal's number (130 for SIGINT, 143 for
// SIGTERM).
func signalExit(s os.Signal) int {
	if n, ok := s.(syscall.Signal); ok {
		return 128 + int(n)
	}
	return 128 + int(syscall.SIGINT)
}

func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}
