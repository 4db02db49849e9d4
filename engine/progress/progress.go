// Package progress draws a progress bar for long runs on standard error:
// trials done, trials per second and time left. In auto mode the bar
// shows only on a terminal and only once a run has taken about a
// second, so short runs, pipes and files never see it; it is cleared
// when the run ends, so it never mixes with what follows.
package progress

import (
	"fmt"
	"io"
	"math"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/termhist"
)

// Mode says when to show a bar.
type Mode int

// The modes: auto shows a bar on a terminal for runs longer than Delay;
// always shows it from the start wherever the output goes; never shows
// none.
const (
	Auto Mode = iota
	Always
	Never
)

// Modes are the names ParseMode accepts, in Mode order.
var Modes = []string{"auto", "always", "never"}

func (m Mode) String() string {
	if m < 0 || int(m) >= len(Modes) {
		return fmt.Sprintf("Mode(%d)", int(m))
	}
	return Modes[m]
}

// ParseMode parses auto, always or never; "" is auto.
func ParseMode(s string) (Mode, error) {
	if s == "" {
		return Auto, nil
	}
	for i, name := range Modes {
		if strings.EqualFold(s, name) {
			return Mode(i), nil
		}
	}
	return Auto, fmt.Errorf("--progress %q: use auto, always or never", s)
}

// Delay is how long a run goes before auto mode shows its bar.
const Delay = time.Second

// Interval is how often the bar is redrawn on a terminal; LogInterval
// how often a new line is written elsewhere, as to a log file.
const (
	Interval    = 200 * time.Millisecond
	LogInterval = 5 * time.Second
)

// Bar is a progress bar being drawn. A nil *Bar is a bar that is not
// shown: its methods do nothing.
type Bar struct {
	w        io.Writer
	total    int
	terminal bool
	start    time.Time
	done     atomic.Int64
	stop     chan struct{}
	finished sync.WaitGroup
	last     string // the last line drawn; written by the drawing goroutine only, read after it ends
}

// Start starts a bar on w for a run of total trials, or returns nil when
// mode and w say there should be none: never, or auto when w is not a
// terminal.
func Start(w io.Writer, total int, mode Mode) *Bar {
	terminal := termhist.IsTerminal(w)
	if mode == Never || (mode == Auto && !terminal) || total < 1 {
		return nil
	}
	delay := Delay
	if mode == Always {
		delay = 0
	}
	b := &Bar{w: w, total: total, terminal: terminal, start: time.Now(), stop: make(chan struct{})}
	b.finished.Add(1)
	go b.loop(delay)
	return b
}

// Set records that done trials have finished. It may be called from
// many goroutines at once; a count lower than one already seen is
// ignored.
func (b *Bar) Set(done int) {
	if b == nil {
		return
	}
	for {
		cur := b.done.Load()
		if int64(done) <= cur || b.done.CompareAndSwap(cur, int64(done)) {
			return
		}
	}
}

// Stop stops drawing. On a terminal the bar is erased; elsewhere, where
// each state is a line of its own, the final state is added.
func (b *Bar) Stop() {
	if b == nil {
		return
	}
	close(b.stop)
	b.finished.Wait()
	if b.last == "" {
		return
	}
	if b.terminal {
		fmt.Fprint(b.w, "\r\x1b[K")
		return
	}
	if line := Render(int(b.done.Load()), b.total, time.Since(b.start)); !sameCount(line, b.last) {
		fmt.Fprintln(b.w, line)
	}
}

// sameCount reports whether two lines show the same trials done.
func sameCount(a, b string) bool {
	cut := func(s string) string { s, _, _ = strings.Cut(s, " trials"); return s }
	return cut(a) == cut(b)
}

func (b *Bar) loop(delay time.Duration) {
	defer b.finished.Done()
	wait := time.NewTimer(delay)
	defer wait.Stop()
	select {
	case <-b.stop:
		return
	case <-wait.C:
	}
	every := Interval
	if !b.terminal {
		every = LogInterval
	}
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		b.draw()
		select {
		case <-b.stop:
			return
		case <-tick.C:
		}
	}
}

func (b *Bar) draw() {
	line := Render(int(b.done.Load()), b.total, time.Since(b.start))
	if b.terminal {
		fmt.Fprintf(b.w, "\r%s\x1b[K", line)
	} else {
		fmt.Fprintln(b.w, line)
	}
	b.last = line
}

// Width is the number of characters of the bar itself.
const Width = 24

var eighths = []rune(" ▏▎▍▌▋▊▉")

// Render is the bar's line for done of total trials after elapsed:
//
//	[██████████▍             ]  43%  86,016 of 200,000 trials  61,440 trials/s  2s left
func Render(done, total int, elapsed time.Duration) string {
	done = min(max(done, 0), total)
	frac := 0.0
	if total > 0 {
		frac = float64(done) / float64(total)
	}
	var b strings.Builder
	b.WriteByte('[')
	cells := int(math.Floor(frac * Width * 8))
	full, part := cells/8, cells%8
	b.WriteString(strings.Repeat("█", full))
	if full < Width {
		b.WriteRune(eighths[part])
		b.WriteString(strings.Repeat(" ", Width-full-1))
	}
	fmt.Fprintf(&b, "] %3d%%  %s of %s trials", int(math.Floor(frac*100)), money.FormatNumber(float64(done)), money.FormatNumber(float64(total)))
	secs := elapsed.Seconds()
	if done == 0 || secs <= 0 {
		return b.String()
	}
	rate := float64(done) / secs
	fmt.Fprintf(&b, "  %s trials/s", money.FormatNumber(math.Round(rate)))
	if done < total {
		left := time.Duration(float64(total-done) / rate * float64(time.Second))
		fmt.Fprintf(&b, "  %s left", left.Round(time.Second))
	}
	return b.String()
}
