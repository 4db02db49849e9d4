package engine

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/process"
	"github.com/settle-sim/settle/engine/run"
	"github.com/settle-sim/settle/engine/stats"
)

// Memory is a run's memory, estimated before it allocates any.
type Memory struct {
	Exact         bool  // every value kept, for exact quantiles
	BytesPerTrial int   // kept for each trial when Exact
	Bytes         int64 // the whole run's estimate
}

// EstimateMemory estimates the memory a run of p with opt takes: when
// it keeps every value, BytesPerTrial for each trial (8 bytes for each
// output, sampled input and party outcome, and with stages each of the
// process's values); else the streamed sums of each block and worker's
// sketches, which do not grow with the trials. Both add the sample the
// sensitivity analysis keeps (its trials' values, twice), the runtime's
// own and, with stages, the pilots the decisions are fitted on.
func EstimateMemory(p *model.Program, opt Options) Memory {
	return estimateMemory(p, opt, opt.Trials)
}

// estimateMemory is EstimateMemory for a shard that keeps kept of the
// run's trials (when it keeps every value).
func estimateMemory(p *model.Program, opt Options, kept int) Memory {
	vars := int64(len(keptVars(p, true)))
	m := Memory{Exact: exact(p, opt, true), BytesPerTrial: int(8 * vars)}
	// The runtime, the program, the document; summaries take a few
	// buckets' values and counts per worker.
	m.Bytes = int64(32<<20) + int64(workers(opt))*(1<<20)
	m.Bytes += 2 * 8 * vars * int64(tornadoTrials(p, opt.Trials))
	if p.IsProcess() {
		m.Bytes += pilotBytes(p, opt)
	}
	if m.Exact {
		m.Bytes += int64(kept) * int64(m.BytesPerTrial)
		return m
	}
	// Each block's moments of each var, parties' sums and (with stages)
	// tally; each worker's sketch of each var, and the merged one. A
	// sketch of a var spanning a factor of 10⁶ either side of zero:
	// about 2×20×2^SketchBits buckets of 8 bytes.
	entries := vars
	perBlock := int64(len(p.Parties)) * 256
	if proc := p.Process(); proc != nil {
		vs, _ := processEntries(p, true)
		entries = int64(len(vs))
		nc, ns := process.TallySize(proc)
		perBlock += int64(8*nc + 24*ns)
	}
	perBlock += entries * 64
	sketch := int64(2 * 20 << stats.SketchBits * 8)
	m.Bytes += int64(run.NumBlocks(opt.Trials))*perBlock + int64(workers(opt)+1)*entries*sketch
	return m
}

// pilotBytes is what the fit of a scenario with stages keeps, for each
// party's pilot: at each opportunity the state, the settled outcome's
// intercept and slope and whether the trial reaches it, and the outcome
// at judgment.
func pilotBytes(p *model.Program, opt Options) int64 {
	pilot := int64(opt.Pilot)
	if pilot <= 0 {
		pilot = process.DefaultPilot
	}
	var perPilot int64
	for _, st := range p.Process().State {
		if st != nil {
			perPilot += int64(8*len(st) + 17)
		}
	}
	perPilot += 8 // the outcome at judgment
	return int64(len(p.Parties)) * pilot * perPilot
}

// AvailableMemory returns the memory this process may use: the least of
// the cgroup's limit less its use and the machine's available memory
// (/proc/meminfo's MemAvailable); 0 when neither can be read.
func AvailableMemory() int64 {
	avail := int64(0)
	if f, err := os.Open("/proc/meminfo"); err == nil {
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "MemAvailable:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
				if err == nil {
					avail = kb << 10
				}
			}
		}
		f.Close()
	}
	limit := readBytes("/sys/fs/cgroup/memory.max") // cgroup v2
	used := readBytes("/sys/fs/cgroup/memory.current")
	if limit == 0 {
		limit = readBytes("/sys/fs/cgroup/memory/memory.limit_in_bytes") // v1
		used = readBytes("/sys/fs/cgroup/memory/memory.usage_in_bytes")
	}
	if limit > 0 && limit < 1<<60 {
		if free := limit - used; avail == 0 || free < avail {
			avail = max(free, 0)
		}
	}
	return avail
}

func readBytes(path string) int64 {
	b, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	n, err := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	if err != nil {
		return 0 // "max": no limit
	}
	return n
}

// checkMemory refuses, before allocating, a run (or a shard or merge
// that keeps kept of its trials' values) that needs more memory than
// Options.MaxMemory, or than the machine has available.
func checkMemory(p *model.Program, opt Options, kept int) error {
	limit, source := opt.MaxMemory, "--max-memory"
	if limit < 0 {
		return nil
	}
	if limit == 0 {
		limit, source = AvailableMemory(), "the memory available (/proc/meminfo, cgroup limits)"
		if limit == 0 {
			return nil
		}
	}
	m := estimateMemory(p, opt, kept)
	if m.Bytes <= limit {
		return nil
	}
	if m.Exact {
		return fmt.Errorf("%s trials would need about %s of memory (every value kept for exact quantiles: %d bytes a trial) and %s is %s; lower --exact-limit below %s so that quantiles come from a sketch (within 0.1%%) in bounded memory, or raise --max-memory",
			money.FormatNumber(float64(kept)), FormatBytes(m.Bytes), m.BytesPerTrial, source, FormatBytes(limit), money.FormatNumber(float64(opt.Trials)))
	}
	return fmt.Errorf("this run would need about %s of memory and %s is %s; raise --max-memory", FormatBytes(m.Bytes), source, FormatBytes(limit))
}

// FormatBytes shows a size in bytes as people read it: 1.5 GB, 300 MB.
func FormatBytes(n int64) string {
	switch {
	case n >= 1e9:
		return strconv.FormatFloat(float64(n)/1e9, 'f', 1, 64) + " GB"
	case n >= 1e6:
		return strconv.FormatFloat(float64(n)/1e6, 'f', 0, 64) + " MB"
	case n >= 1e3:
		return strconv.FormatFloat(float64(n)/1e3, 'f', 0, 64) + " kB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}
