package progress

import (
	"bytes"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRender(t *testing.T) {
	for _, tc := range []struct {
		done, total int
		elapsed     time.Duration
		want        string
	}{
		{0, 200_000, 0, "[                        ]   0%  0 of 200,000 trials"},
		{100_000, 200_000, 2 * time.Second, "[████████████            ]  50%  100,000 of 200,000 trials  50,000 trials/s  2s left"},
		{86_016, 200_000, 1400 * time.Millisecond, "[██████████▎             ]  43%  86,016 of 200,000 trials  61,440 trials/s  2s left"},
		{200_000, 200_000, 4 * time.Second, "[████████████████████████] 100%  200,000 of 200,000 trials  50,000 trials/s"},
		{1, 3, time.Second, "[████████                ]  33%  1 of 3 trials  1 trials/s  2s left"},
		{5_000_000, 100_000_000, 10 * time.Second, "[█▏                      ]   5%  5,000,000 of 100,000,000 trials  500,000 trials/s  3m10s left"},
		{300, 200, time.Second, "[████████████████████████] 100%  200 of 200 trials  200 trials/s"},
	} {
		if got := Render(tc.done, tc.total, tc.elapsed); got != tc.want {
			t.Errorf("Render(%d, %d, %v) =\n%q, want\n%q", tc.done, tc.total, tc.elapsed, got, tc.want)
		}
	}
}

func TestParseMode(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Mode
		ok   bool
	}{{"", Auto, true}, {"auto", Auto, true}, {"always", Always, true}, {"never", Never, true}, {"NEVER", Never, true}, {"sometimes", Auto, false}} {
		got, err := ParseMode(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseMode(%q) = %v, %v", tc.in, got, err)
		}
		if err != nil && !strings.Contains(err.Error(), "use auto, always or never") {
			t.Errorf("ParseMode(%q): unhelpful error %q", tc.in, err)
		}
	}
}

// syncBuffer is a bytes.Buffer safe to write from the drawing goroutine
// and read from the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func TestNoBarUnlessAsked(t *testing.T) {
	var buf syncBuffer
	for _, m := range []Mode{Auto, Never} {
		b := Start(&buf, 1000, m)
		if b != nil {
			t.Errorf("%v to a buffer (not a terminal) started a bar", m)
		}
		b.Set(500) // a nil bar does nothing
		b.Stop()
	}
	if buf.String() != "" {
		t.Errorf("wrote %q", buf.String())
	}
}

// TestAlwaysDrawsAndEndsWithALine: in always mode the bar is drawn from
// the start and, off a terminal, its last state ends with a newline.
// Set is called from several goroutines, as the engine's workers do.
func TestAlwaysDrawsAndEndsWithALine(t *testing.T) {
	var buf syncBuffer
	b := Start(&buf, 4096, Always)
	if b == nil {
		t.Fatal("always mode started no bar")
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.Set((w + 1) * 1024)
		}()
	}
	wg.Wait()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(buf.String(), "trials") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	b.Stop()
	out := buf.String()
	if strings.Contains(out, "\r") {
		t.Errorf("carriage return written off a terminal: %q", out)
	}
	lines := strings.SplitAfter(out, "\n")
	last := lines[len(lines)-2]
	if !regexp.MustCompile(`^\[█{24}\] 100%  4,096 of 4,096 trials  [0-9,]+ trials/s\n$`).MatchString(last) {
		t.Errorf("bar does not end at 100%% on a line of its own: %q", out)
	}
	if strings.Contains(out, "\x1b") {
		t.Errorf("escapes written off a terminal: %q", out)
	}
}

// TestStopBeforeDelay: an auto bar stopped before Delay draws nothing.
func TestStopBeforeDelay(t *testing.T) {
	var buf syncBuffer
	b := &Bar{w: &buf, total: 10, terminal: true, start: time.Now(), stop: make(chan struct{})}
	b.finished.Add(1)
	go b.loop(Delay)
	b.Set(10)
	b.Stop()
	if buf.String() != "" {
		t.Errorf("a run shorter than the delay drew %q", buf.String())
	}
}

// TestTerminalBarIsErased: on a terminal the bar is cleared at the end,
// so the next line starts clean.
func TestTerminalBarIsErased(t *testing.T) {
	var buf syncBuffer
	b := &Bar{w: &buf, total: 10, terminal: true, start: time.Now(), stop: make(chan struct{})}
	b.finished.Add(1)
	go b.loop(0)
	b.Set(5)
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(buf.String(), "trials") && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	b.Stop()
	if out := buf.String(); !strings.HasSuffix(out, "\r\x1b[K") || !strings.Contains(out, "\x1b[K") {
		t.Errorf("terminal bar not erased: %q", out)
	}
}
