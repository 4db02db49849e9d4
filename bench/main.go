// Command bench times settle on the reference scenario against two peers
// in one run on one machine, and checks that all three agree:
//
//	go run ./bench                       # 1M and 10M trials, 3 runs each
//	go run ./bench -trials 200k -runs 3  # what CI runs
//
// The peers are a vectorised NumPy implementation of the same model
// (bench/peers/numpy/reference.py, run with Debian's python3-numpy) and
// the same model written by hand in Go (bench/peers/handgo), with the
// same distributions and random streams as the engine.
//
// What is timed, for each: evaluating every trial of the reference model
// and the mean and standard error of each of its eight outputs. For
// settle that is engine.Moments: the compiled rules, trial by trial, on
// 1 worker and on all workers, with streaming moments and no per-trial
// columns kept; not loading or compiling the scenario. For NumPy it is the
// loop in reference.py (arrays of a million trials), not starting Python
// or importing NumPy. A full engine.Run (columns kept, exact quantiles,
// histograms of every output and sampled input; the parties' analysis
// left out) is timed too, at the smallest trial count, and reported
// beside, not in the ratios.
//
// Each figure is the median of -runs runs. Throughputs are trials per
// second; the ratios are what to read, as absolute times on a shared
// machine are noise. The run fails (exit 1) when the three disagree: the
// engine and the hand-written loop must give the same means exactly, and
// NumPy's must lie within 4 standard errors of settle's.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"time"

	"github.com/settle-sim/settle/bench/peers/handgo"
	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/rng"
	trials "github.com/settle-sim/settle/engine/run"
	"github.com/settle-sim/settle/engine/scenario"
	"github.com/settle-sim/settle/engine/stats"
)

func main() {
	trialsFlag := flag.String("trials", "1m,10m", "trial counts to time, comma-separated (1m, 200k, 10_000_000)")
	runs := flag.Int("runs", 3, "runs of each measurement; the median is reported")
	seed := flag.Uint64("seed", 20080527, "seed")
	python := flag.String("python", "/usr/bin/python3", "the Python with NumPy (Debian's python3-numpy)")
	root := flag.String("root", ".", "the repository's root")
	flag.Parse()
	if err := run(*trialsFlag, *runs, *seed, *python, *root); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type result struct {
	seconds []float64
	means   []float64
	ses     []float64
}

func (r *result) median() float64 {
	s := slices.Sorted(slices.Values(r.seconds))
	return s[len(s)/2]
}

func run(trialsFlag string, runs int, seed uint64, python, root string) error {
	var counts []int
	for _, t := range strings.Split(trialsFlag, ",") {
		n, err := scenario.ParseCount(strings.TrimSpace(t))
		if err != nil || n < 2 {
			return fmt.Errorf("-trials %q: %v", t, err)
		}
		counts = append(counts, int(n))
	}
	if err := checkNumPy(python); err != nil {
		return err
	}
	p, err := engine.Load(filepath.Join(root, "scenarios", "reference.yaml"))
	if err != nil {
		return err
	}
	vars := make([]*model.Var, len(handgo.Outputs))
	for i, n := range handgo.Outputs {
		v, ok := p.Lookup(n)
		if !ok {
			return fmt.Errorf("reference scenario has no output %s", n)
		}
		vars[i] = v
	}
	cores := runtime.NumCPU()
	fmt.Printf("settle bench: reference scenario · seed %d · %d CPU cores (GOMAXPROCS %d) · %s %s/%s · median of %d runs\n",
		seed, cores, runtime.GOMAXPROCS(0), runtime.Version(), runtime.GOOS, runtime.GOARCH, runs)
	fmt.Printf("timed: evaluation of every trial and the mean and SE of the 8 outputs (settle: engine.Moments; NumPy: reference.py's loop; Go: handgo loop)\n\n")
	fmt.Printf("%-34s %12s %14s %10s %10s\n", "", "trials", "trials/s", "÷ NumPy", "÷ hand Go")
	failed := false
	for _, n := range counts {
		results := map[string]*result{}
		names := []string{"settle, 1 worker", fmt.Sprintf("settle, %d workers", runtime.GOMAXPROCS(0)), "hand-written Go, 1 worker", "NumPy (1 thread)"}
		for range runs {
			// Interleave the contenders so that a change in the machine's
			// load falls on all of them.
			for i, name := range names {
				var r *result
				var err error
				switch i {
				case 0:
					r, err = settle(p, vars, n, seed, 1)
				case 1:
					r, err = settle(p, vars, n, seed, 0)
				case 2:
					r, err = hand(n, seed)
				case 3:
					r, err = numpy(python, root, n, seed)
				}
				if err != nil {
					return fmt.Errorf("%s: %w", name, err)
				}
				if results[name] == nil {
					results[name] = r
				} else {
					results[name].seconds = append(results[name].seconds, r.seconds...)
				}
			}
		}
		np, hg := results[names[3]], results[names[2]]
		for _, name := range names {
			r := results[name]
			tps := float64(n) / r.median()
			fmt.Printf("%-34s %12d %14.0f %9.2f× %9.2f×\n", name, n, tps, np.median()/r.median(), hg.median()/r.median())
		}
		// Agreement: the engine and the hand-written loop exactly; NumPy
		// within 4 standard errors.
		s1 := results[names[0]]
		for i, out := range handgo.Outputs {
			if s1.means[i] != hg.means[i] || results[names[1]].means[i] != s1.means[i] {
				fmt.Printf("  MISMATCH %s: settle %v, all workers %v, hand-written Go %v (must be equal)\n", out, s1.means[i], results[names[1]].means[i], hg.means[i])
				failed = true
			}
			se := math.Hypot(s1.ses[i], np.ses[i])
			if d := math.Abs(s1.means[i] - np.means[i]); d > 4*se {
				fmt.Printf("  MISMATCH %s: settle %v, NumPy %v: %.1f standard errors apart\n", out, s1.means[i], np.means[i], d/se)
				failed = true
			}
		}
		fmt.Println()
	}
	// A full run, for scale.
	n := counts[0]
	var full []float64
	q := *p
	q.Parties = nil
	for range runs {
		start := time.Now()
		if _, err := engine.Run(context.Background(), &q, engine.Options{Trials: n, Seed: seed}); err != nil {
			return err
		}
		full = append(full, time.Since(start).Seconds())
	}
	fr := result{seconds: full}
	fmt.Printf("%-34s %12d %14.0f   (engine.Run: exact summaries of 8 outputs and 9 sampled inputs, all workers; parties' analysis left out)\n",
		"settle, full run", n, float64(n)/fr.median())
	if failed {
		return errors.New("the three implementations disagree")
	}
	fmt.Println("\nagreement: settle = hand-written Go exactly; settle and NumPy within 4 SE on every output mean")
	return nil
}

func settle(p *model.Program, vars []*model.Var, n int, seed uint64, workers int) (*result, error) {
	start := time.Now()
	ms, err := engine.Moments(context.Background(), p, engine.Options{Trials: n, Seed: seed, Workers: workers}, vars)
	if err != nil {
		return nil, err
	}
	return fromMoments(time.Since(start).Seconds(), ms), nil
}

func fromMoments(sec float64, ms []stats.Moments) *result {
	r := &result{seconds: []float64{sec}}
	for _, m := range ms {
		r.means = append(r.means, m.Mean)
		r.ses = append(r.ses, m.SD()/math.Sqrt(float64(m.N)))
	}
	return r
}

// hand runs the hand-written loop on one goroutine, with the moments
// merged in the engine's segments, so that its means are the engine's
// bit for bit.
func hand(n int, seed uint64) (*result, error) {
	start := time.Now()
	m := handgo.New()
	var src rng.Stream
	ms := make([]stats.Moments, len(handgo.Outputs))
	seg := make([]stats.Moments, len(ms))
	per := trials.SegmentSize(n)
	for t := range n {
		if t%per == 0 && t > 0 {
			for j := range ms {
				ms[j].Merge(seg[j])
				seg[j] = stats.Moments{}
			}
		}
		src.Reset(seed, uint64(t))
		o := m.Trial(&src)
		for j, x := range o.Values() {
			seg[j].Add(x)
		}
	}
	for j := range ms {
		ms[j].Merge(seg[j])
	}
	return fromMoments(time.Since(start).Seconds(), ms), nil
}

func checkNumPy(python string) error {
	if err := exec.Command(python, "-c", "import numpy").Run(); err == nil {
		return nil
	}
	fmt.Fprintf(os.Stderr, "bench: %s cannot import numpy; installing Debian's python3-numpy\n", python)
	sudo := []string{}
	if os.Geteuid() != 0 {
		sudo = []string{"sudo"}
	}
	for _, args := range [][]string{{"apt-get", "update", "-qq"}, {"apt-get", "install", "-y", "-qq", "python3-numpy"}} {
		cmd := exec.Command(append(sudo, args...)[0], append(sudo, args...)[1:]...)
		cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
		cmd.Stdout, cmd.Stderr = os.Stderr, os.Stderr
		if err := cmd.Run(); err != nil {
			return fmt.Errorf("installing python3-numpy failed (%v); install it with: sudo apt-get install python3-numpy, or pass -python", err)
		}
	}
	return exec.Command(python, "-c", "import numpy").Run()
}

func numpy(python, root string, n int, seed uint64) (*result, error) {
	out, err := exec.Command(python, filepath.Join(root, "bench", "peers", "numpy", "reference.py"), fmt.Sprint(n), fmt.Sprint(seed)).Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return nil, fmt.Errorf("%v: %s", err, ee.Stderr)
		}
		return nil, err
	}
	var doc struct {
		Seconds float64            `json:"seconds"`
		Means   map[string]float64 `json:"means"`
		SE      map[string]float64 `json:"se"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		return nil, err
	}
	r := &result{seconds: []float64{doc.Seconds}}
	for _, o := range handgo.Outputs {
		r.means = append(r.means, doc.Means[o])
		r.ses = append(r.ses, doc.SE[o])
	}
	return r, nil
}
