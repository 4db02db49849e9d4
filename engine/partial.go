package engine

import (
	"bufio"
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"unsafe"

	"github.com/settle-sim/settle/engine/model"
	"github.com/settle-sim/settle/engine/process"
	"github.com/settle-sim/settle/engine/project"
	"github.com/settle-sim/settle/engine/run"
	"github.com/settle-sim/settle/engine/sampling"
	"github.com/settle-sim/settle/engine/scenario"
	"github.com/settle-sim/settle/engine/stats"
	"github.com/settle-sim/settle/internal/hugemem"
)

// Shard is part K of N of a run's trials (or of a sweep's points), K
// from 0 to N−1: see run.Shard.
type Shard = run.Shard

// ParseShard reads K/N, such as 0/4 … 3/4.
func ParseShard(s string) (Shard, error) {
	k, n, ok := strings.Cut(strings.TrimSpace(s), "/")
	var sh Shard
	if ok {
		if _, err := fmt.Sscanf(k+" "+n, "%d %d", &sh.K, &sh.N); err != nil {
			ok = false
		}
	}
	if !ok || sh.N < 1 || sh.K < 0 || sh.K >= sh.N {
		return Shard{}, fmt.Errorf("--shard %q: want K/N, the K-th of N parts counted from 0, such as 0/4 … 3/4", s)
	}
	return sh, nil
}

// PartFormat is the version of the partial-result format this settle
// writes and reads.
const PartFormat = 3

// partMagic opens every partial-result file.
const partMagic = "SETLPART"

// Identity is what the parts of one run (or sweep) have in common: a
// part belongs with others when their identities are equal. It is the
// JSON header of a partial-result file, with the part's own place.
type Identity struct {
	Format   int    `json:"format"`
	Version  string `json:"settle_version"`
	Kind     string `json:"kind"` // "run" or "sweep"
	Scenario struct {
		Path    string            `json:"path"`
		Name    string            `json:"name"`
		SHA256  string            `json:"sha256"`
		Sources []scenario.Source `json:"sources,omitempty"`
	} `json:"scenario"`
	Positions []string `json:"positions,omitempty"`
	// Views are, in a scenario with stages, the position files each
	// party decides on (--view), by party; ViewSources the position
	// files of each party's beliefs as applied (its --view, else the
	// scenario's view:), with their digests, none for a party on the
	// scenario's.
	Views       map[string][]string `json:"views,omitempty"`
	ViewSources [][]scenario.Source `json:"view_sources,omitempty"`
	Settings    []Setting           `json:"set,omitempty"`
	Offer       string              `json:"offer,omitempty"`
	Seed        uint64              `json:"seed"`
	Trials      int                 `json:"trials"`
	Sampler     string              `json:"sampler"`
	Sensitivity bool                `json:"sensitivity"`
	ExactLimit  int                 `json:"exact_limit"` // 0: the default
	Spider      bool                `json:"spider,omitempty"`
	SobolTrials int                 `json:"sobol_trials,omitempty"`
	VOI         *VOIOptions         `json:"voi,omitempty"`
	// Pilot, Refits and PilotSampler are Options' (the engine's API
	// sets them; the command line leaves them at their defaults).
	Pilot        int      `json:"pilot,omitempty"`
	Refits       int      `json:"refits,omitempty"`
	PilotSampler string   `json:"pilot_sampler,omitempty"`
	Exact        bool     `json:"exact"`
	Axes         []string `json:"axes,omitempty"` // a sweep's --vary flags
	Shards       int      `json:"shards"`
}

// partHeader is a partial-result file's JSON header.
type partHeader struct {
	Identity
	Shard      int          `json:"shard"` // K of K/N
	Vars       []string     `json:"vars,omitempty"`
	Start      int          `json:"start"` // the shard's trials (a sweep's points)
	End        int          `json:"end"`
	PayloadLen int64        `json:"payload_bytes"`
	PayloadCRC uint32       `json:"payload_crc32c"`
	SumsLen    int64        `json:"sums_bytes"` // the blocks' sums and the sketches, flat
	SumsCRC    uint32       `json:"sums_crc32c"`
	Columns    []columnMeta `json:"columns,omitempty"`
}

type columnMeta struct {
	Name   string `json:"name"`
	CRC32C uint32 `json:"crc32c"`
}

// partPayload is a run's partial result other than its columns.
type partPayload struct {
	// moments and parties are each block's moments and parties' sums,
	// and sketches each var's sketch, written flat after the payload
	// (flat.go), not in it.
	moments  [][]stats.Moments
	parties  [][]run.PartyAcc
	sketches []stats.Sketch
	// Counts and Sums are each block's tally, with stages above the
	// exact limit (run.Part's).
	Counts [][]int
	Sums   [][]run.Sum
	Probes []float64
	Sample *sample
	Points []*SweepPoint // a sweep's
}

// Part is a partial result: one shard's share of a run or a sweep,
// written by `settle run --shard K/N` and merged by `settle merge`.
type Part struct {
	header partHeader
	run    *part
	points []*SweepPoint
}

// Shard returns the part's place among its run's shards.
func (pt *Part) Shard() Shard { return Shard{K: pt.header.Shard, N: pt.header.Shards} }

// Identity returns what the part has in common with the other parts of
// its run.
func (pt *Part) Identity() Identity { return pt.header.Identity }

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

func identity(kind string, spec Spec, p *model.Program, opt Options, shards int) Identity {
	id := Identity{Format: PartFormat, Version: Version, Kind: kind, Positions: spec.Positions, Settings: spec.Settings,
		Offer: spec.Offer, Seed: opt.Seed, Trials: opt.Trials, Sampler: opt.Sampler.String(), Sensitivity: opt.Sensitivity,
		ExactLimit: opt.ExactLimit, Spider: opt.Spider, SobolTrials: opt.SobolTrials, VOI: opt.VOI, Shards: max(shards, 1)}
	id.Scenario.Path, id.Scenario.Name, id.Scenario.SHA256, id.Scenario.Sources = spec.Path, p.Scenario.Name, p.Scenario.SHA256, p.Scenario.Sources
	if p.IsProcess() {
		id.Views, id.ViewSources = spec.Views, viewSources(p)
		id.Pilot, id.Refits = opt.Pilot, opt.Refits
		if opt.PilotSampler != sampling.Random {
			id.PilotSampler = opt.PilotSampler.String()
		}
	}
	return id
}

// viewSources lists the position files of each party's beliefs in the
// scenario with stages p, with their digests; nil when every party
// decides on the scenario's.
func viewSources(p *model.Program) [][]scenario.Source {
	var out [][]scenario.Source
	for i, v := range p.Views() {
		if v == nil {
			continue
		}
		if out == nil {
			out = make([][]scenario.Source, len(p.Views()))
		}
		for _, pos := range v.Scenario.Positions[len(p.Scenario.Positions):] {
			out[i] = append(out[i], scenario.Source{Path: pos.Path, SHA256: pos.SHA256})
		}
	}
	return out
}

// RunShard evaluates the trials of shard of the run spec and opt
// describe (p is spec loaded) and returns its partial result. Merged
// with the other shards' (Merge), in any order, it gives the result Run
// gives, bit for bit. A scenario with stages is fitted in every shard,
// from the seed, as Run fits it, and its shards keep every value of
// their trials up to the exact limit, and above it their moments,
// sketches and sums, as Run does.
func RunShard(ctx context.Context, spec Spec, p *model.Program, opt Options, shard Shard) (*Part, error) {
	if opt.Target != nil {
		return nil, errors.New("--shard: a run to a target standard error chooses its trials as it goes; give --trials instead")
	}
	if err := shard.Check(opt.Trials); err != nil {
		return nil, err
	}
	start, end := shard.Trials(opt.Trials)
	if err := checkMemory(p, opt, end-start); err != nil {
		return nil, err
	}
	id := identity("run", spec, p, opt, shard.N)
	p, fit, err := fitProcess(ctx, p, opt)
	if err != nil {
		return nil, err
	}
	if p, err = p.WithSampler(opt.Sampler, opt.Trials); err != nil {
		return nil, err
	}
	var pt *part
	if fit != nil {
		pt, err = processShard(ctx, p, opt, true, shard)
	} else {
		pt, err = runShard(ctx, p, opt, true, nil, shard)
	}
	if err != nil {
		return nil, err
	}
	h := partHeader{Identity: id, Shard: shard.K, Start: pt.run.Start, End: pt.run.End}
	h.Exact = pt.run.Exact
	h.Vars = trackedNames(p, opt)
	return &Part{header: h, run: pt}, nil
}

// trackedNames names what a run's parts hold, values or moments, in
// order: the vars of layout, or with stages those of processVars, or
// above the exact limit the entries of processEntries (entryName).
func trackedNames(p *model.Program, opt Options) []string {
	var names []string
	if p.IsProcess() && !exact(p, opt, true) {
		vars, paths := processEntries(p, true)
		for j, v := range vars {
			names = append(names, entryName(v, paths[j]))
		}
		return names
	}
	for _, v := range keptVars(p, true) {
		names = append(names, v.Name)
	}
	return names
}

// Write writes pt as a partial-result file: the magic "SETLPART", a
// little-endian uint32 format version (PartFormat), uint32 header
// length H and uint32 CRC-32C of the header, H bytes of JSON header (the part's Identity, its shard and
// trials, the payload's length and CRC-32C, each column's name and
// CRC-32C), padding to a multiple of 8 bytes, the payload (Go's gob
// encoding of the sketches, the tallies and the sample's analysis),
// padding, each block's moments and parties' sums and each var's sketch
// (flat: flat.go), padding, then, for a run that keeps every value, each
// column's values for the shard's trials as little-endian float64s.
// docs/shards.md describes it.
func (pt *Part) Write(w io.Writer) error {
	var payload bytes.Buffer
	pl := partPayload{Points: pt.points}
	var sums []byte
	if r := pt.run; r != nil {
		pl.Probes, pl.Sample = r.probes, r.sample
		var err error
		if sums, err = appendRows(nil, r.run.Moments); err != nil {
			return fmt.Errorf("partial result: %w", err)
		}
		if sums, err = appendRows(sums, r.run.Parties); err != nil {
			return fmt.Errorf("partial result: %w", err)
		}
		sums = appendSketches(sums, r.run.Sketches)
		pl.Counts, pl.Sums = r.run.Counts, r.run.Sums
	}
	if err := gob.NewEncoder(&payload).Encode(&pl); err != nil {
		return fmt.Errorf("partial result: %w", err)
	}
	h := pt.header
	h.PayloadLen, h.PayloadCRC = int64(payload.Len()), crc32.Checksum(payload.Bytes(), castagnoli)
	h.SumsLen, h.SumsCRC = int64(len(sums)), crc32.Checksum(sums, castagnoli)
	h.Columns = nil
	var cols [][]float64
	if pt.run != nil && pt.run.run.Exact {
		cols = pt.run.run.Columns
		for j, c := range cols {
			h.Columns = append(h.Columns, columnMeta{Name: h.Vars[j], CRC32C: crc32.Checksum(floatBytes(c), castagnoli)})
		}
	}
	head, err := json.Marshal(h)
	if err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	bw.WriteString(partMagic)
	binary.Write(bw, binary.LittleEndian, uint32(PartFormat))
	binary.Write(bw, binary.LittleEndian, uint32(len(head)))
	binary.Write(bw, binary.LittleEndian, crc32.Checksum(head, castagnoli))
	bw.Write(head)
	bw.Write(make([]byte, pad8(fixedLen+len(head))))
	bw.Write(payload.Bytes())
	bw.Write(make([]byte, pad8(int(h.PayloadLen))))
	bw.Write(sums)
	bw.Write(make([]byte, pad8(len(sums))))
	for _, c := range cols {
		bw.Write(floatBytes(c))
	}
	return bw.Flush()
}

func pad8(n int) int { return (8 - n%8) % 8 }

// fixedLen is the length of a partial result's fixed start: magic,
// version, header length and header CRC.
const fixedLen = 20

// skipPadding reads n bytes of padding, which must be zeros.
func skipPadding(r *bufio.Reader, n int) error {
	for range n {
		b, err := r.ReadByte()
		if err != nil {
			return err
		}
		if b != 0 {
			return errors.New("padding is not zero")
		}
	}
	return nil
}

// littleEndian is whether this machine keeps a float64's bytes in the
// order a partial result's columns have them.
var littleEndian = binary.NativeEndian.Uint16([]byte{1, 0}) == 1

// floatBytes is xs's little-endian bytes: xs's own memory where the
// machine's order is the file's, else a copy.
func floatBytes(xs []float64) []byte {
	if littleEndian && len(xs) > 0 {
		return unsafe.Slice((*byte)(unsafe.Pointer(&xs[0])), 8*len(xs))
	}
	b := make([]byte, 8*len(xs))
	for i, x := range xs {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(x))
	}
	return b
}

// maxPartHeader bounds a partial result's header.
const maxPartHeader = 64 << 20

// ReadParts reads the partial results names, each opened by open and
// read by ReadPart, several at a time; the parts are in names' order.
// It returns the error of the first name, in that order, that cannot be
// opened or read.
//
// Parts that keep every value, of one run and each shard once, have
// their columns read into the whole run's columns, each part's values
// in place (run.Merge then joins them without a copy): at 2M trials,
// 320 MB written once rather than twice.
func ReadParts(names []string, open func(name string) (io.ReadCloser, error)) ([]*Part, error) {
	parts, errs := make([]*Part, len(names)), make([]error, len(names))
	readers := make([]*partReader, len(names))
	defer func() {
		for _, r := range readers {
			if r != nil {
				r.f.Close()
			}
		}
	}()
	workers := runtime.GOMAXPROCS(0)
	run.Each(len(names), workers, func(i int) {
		f, err := open(names[i])
		if err != nil {
			errs[i] = err
			return
		}
		readers[i] = &partReader{f: f, br: bufio.NewReaderSize(f, 64<<10), name: names[i]}
		parts[i], errs[i] = readers[i].head()
	})
	if err := firstError(errs); err != nil {
		return nil, err
	}
	whole := wholeColumns(parts)
	run.Each(len(names), workers, func(i int) {
		var into [][]float64
		if whole != nil {
			h := &parts[i].header
			into = make([][]float64, len(whole))
			for j, col := range whole {
				into[j] = col[h.Start:h.End:len(col)]
			}
		}
		errs[i] = readers[i].columns(parts[i], into)
	})
	if err := firstError(errs); err != nil {
		return nil, err
	}
	return parts, nil
}

func firstError(errs []error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// wholeColumns returns the columns of the whole run whose exact parts
// are parts, every shard once, or nil when they are not such parts.
func wholeColumns(parts []*Part) [][]float64 {
	h0 := &parts[0].header
	if h0.Kind != "run" || !h0.Exact || h0.Shards != len(parts) {
		return nil
	}
	seen := make([]bool, len(parts))
	for _, pt := range parts {
		h := &pt.header
		if !h.Exact || h.Trials != h0.Trials || h.Shards != h0.Shards || seen[h.Shard] || !slices.Equal(h.Vars, h0.Vars) {
			return nil
		}
		seen[h.Shard] = true
	}
	whole := make([][]float64, len(h0.Vars))
	for j := range whole {
		whole[j] = hugemem.Floats(h0.Trials)
	}
	return whole
}

// ReadPart reads a partial-result file; name is for its errors. It
// checks everything it reads (magic, version, header, lengths, CRCs,
// the shape of the sums) and returns an error, never a part it cannot
// vouch for.
func ReadPart(r io.Reader, name string) (*Part, error) {
	pr := &partReader{br: bufio.NewReaderSize(r, 64<<10), name: name}
	pt, err := pr.head()
	if err != nil {
		return nil, err
	}
	if err := pr.columns(pt, nil); err != nil {
		return nil, err
	}
	return pt, nil
}

// partReader reads a partial result: its head (header, payload and
// sums), then its columns.
type partReader struct {
	f    io.Closer
	br   *bufio.Reader // the payload and the columns are read past its buffer
	name string
}

// head reads a part up to its columns.
func (r *partReader) head() (pt *Part, err error) {
	fail := func(format string, args ...any) (*Part, error) {
		return nil, fmt.Errorf("%s: %s", r.name, fmt.Sprintf(format, args...))
	}
	br := r.br
	var fixed [fixedLen]byte
	if _, err := io.ReadFull(br, fixed[:]); err != nil || string(fixed[:8]) != partMagic {
		return fail("not a settle partial result (written by settle run --shard)")
	}
	if v := binary.LittleEndian.Uint32(fixed[8:]); v != PartFormat {
		return fail("partial-result format %d; this settle reads format %d (settle %s): make the parts and merge them with the same settle", v, PartFormat, Version)
	}
	hl := binary.LittleEndian.Uint32(fixed[12:])
	if hl > maxPartHeader {
		return fail("corrupt: a header of %d bytes", hl)
	}
	head := make([]byte, hl)
	if _, err := io.ReadFull(br, head); err != nil {
		return fail("truncated header")
	}
	if crc32.Checksum(head, castagnoli) != binary.LittleEndian.Uint32(fixed[16:]) {
		return fail("corrupt: the header's checksum does not match")
	}
	var h partHeader
	dec := json.NewDecoder(bytes.NewReader(head))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&h); err != nil {
		return fail("corrupt header: %v", err)
	}
	if err := skipPadding(br, pad8(fixedLen+int(hl))); err != nil {
		return fail("corrupt or truncated: %v", err)
	}
	if h.Format != PartFormat || (h.Kind != "run" && h.Kind != "sweep") || h.Shards < 1 || h.Shard < 0 || h.Shard >= h.Shards ||
		h.Trials < 1 || h.PayloadLen < 0 || h.PayloadLen > 1<<40 || h.SumsLen < 0 || h.SumsLen > 1<<40 {
		return fail("corrupt header")
	}
	payload, err := readN(br, h.PayloadLen)
	if err != nil {
		return fail("truncated payload")
	}
	if crc32.Checksum(payload, castagnoli) != h.PayloadCRC {
		return fail("corrupt: the payload's checksum does not match")
	}
	if err := skipPadding(br, pad8(int(h.PayloadLen))); err != nil {
		return fail("corrupt or truncated: %v", err)
	}
	var pl partPayload
	sums := &flatReader{r: br, left: h.SumsLen}
	if h.Kind == "run" {
		if pl.moments, err = readRows[stats.Moments](sums); err == nil {
			if pl.parties, err = readRows[run.PartyAcc](sums); err == nil {
				pl.sketches, err = readSketches(sums)
			}
		}
	}
	if err != nil || sums.left != 0 {
		return fail("%v", cmp.Or(err, errFlat))
	}
	if sums.crc != h.SumsCRC {
		return fail("corrupt: the block sums' checksum does not match")
	}
	if err := skipPadding(br, pad8(int(h.SumsLen))); err != nil {
		return fail("corrupt or truncated: %v", err)
	}
	if err := decodeGob(payload, &pl); err != nil {
		return fail("corrupt payload: %v", err)
	}
	pt = &Part{header: h}
	if h.Kind == "sweep" {
		pt.points = pl.Points
		if len(pl.Points) != h.End-h.Start || slices.Contains(pl.Points, nil) {
			return fail("corrupt: %d sweep points where %d were expected", len(pl.Points), h.End-h.Start)
		}
		return pt, nil
	}
	if err := checkRunPart(&h, &pl); err != nil {
		return fail("%v", err)
	}
	rp := &run.Part{Trials: h.Trials, Shard: Shard{K: h.Shard, N: h.Shards}, Start: h.Start, End: h.End, Exact: h.Exact,
		Moments: pl.moments, Parties: pl.parties, Counts: pl.Counts, Sums: pl.Sums}
	if h.Shards == 1 {
		rp.Shard = Shard{}
	}
	rp.Sketches = pl.sketches
	if h.Exact && len(h.Columns) != len(h.Vars) {
		return fail("corrupt: %d columns for %d vars", len(h.Columns), len(h.Vars))
	}
	pt.run = &part{run: rp, probes: pl.Probes, sample: pl.Sample}
	return pt, nil
}

// columns reads the columns of pt, whose head r has read, into into
// (each the shard's trials' slice of the run's column) or, with into
// nil, into columns of their own; and checks nothing follows them.
func (r *partReader) columns(pt *Part, into [][]float64) error {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s: %s", r.name, fmt.Sprintf(format, args...))
	}
	br, h, rp := r.br, &pt.header, pt.run
	if h.Exact {
		n := h.End - h.Start
		var buf []byte // the file's bytes, where they are not the column's own
		if !littleEndian {
			buf = make([]byte, 8*n)
		}
		for j, cm := range h.Columns {
			if cm.Name != h.Vars[j] {
				return fail("corrupt: column %d is %q, not %q", j, cm.Name, h.Vars[j])
			}
			var col []float64
			if into != nil {
				col = into[j][:n]
			} else {
				col = hugemem.Floats(n)
			}
			raw := buf
			if littleEndian {
				raw = floatBytes(col) // read straight into the column
			}
			if _, err := io.ReadFull(br, raw); err != nil {
				return fail("truncated: column %s", cm.Name)
			}
			if crc32.Checksum(raw, castagnoli) != cm.CRC32C {
				return fail("corrupt: column %s's checksum does not match", cm.Name)
			}
			if !littleEndian {
				for i := range col {
					col[i] = math.Float64frombits(binary.LittleEndian.Uint64(buf[8*i:]))
				}
			}
			if !stats.Finite(col) {
				for _, x := range col {
					if x-x != 0 {
						return fail("corrupt: column %s holds %v", cm.Name, x)
					}
				}
			}
			if into != nil {
				col = into[j] // its capacity reaches the run's last trial
			}
			rp.run.Columns = append(rp.run.Columns, col)
		}
	}
	if _, err := br.ReadByte(); err != io.EOF {
		return fail("corrupt: bytes after the last column")
	}
	return nil
}

// readN reads n bytes of r, growing its buffer as the bytes arrive
// (so that a corrupt length cannot make it allocate more than is there).
func readN(r io.Reader, n int64) ([]byte, error) {
	buf := make([]byte, 0, min(n, 1<<24))
	for int64(len(buf)) < n {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, int(min(n-int64(len(buf)), int64(len(buf)))))
		}
		end := int(min(int64(cap(buf)), n))
		k, err := io.ReadFull(r, buf[len(buf):end])
		buf = buf[:len(buf)+k]
		if err != nil {
			return nil, io.ErrUnexpectedEOF
		}
	}
	return buf, nil
}

// decodeGob decodes data into v, turning any panic of the decoder on
// corrupt data into an error.
func decodeGob(data []byte, v any) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	dec := gob.NewDecoder(bytes.NewReader(data))
	return dec.Decode(v)
}

// checkRunPart checks a run's partial result's shape against its header.
func checkRunPart(h *partHeader, pl *partPayload) error {
	sh := Shard{K: h.Shard, N: h.Shards}
	if h.Shards == 1 {
		sh = Shard{}
	}
	if err := sh.Check(h.Trials); err != nil {
		return fmt.Errorf("corrupt: %v", err)
	}
	start, end := sh.Trials(h.Trials)
	first, last := sh.Blocks(h.Trials)
	nb, nv := last-first, len(h.Vars)
	if h.Start != start || h.End != end {
		return fmt.Errorf("corrupt: shard %s holds trials %d to %d, not %d to %d", sh, start, end, h.Start, h.End)
	}
	if len(pl.parties) != nb {
		return fmt.Errorf("corrupt: %d blocks of party sums for %d blocks", len(pl.parties), nb)
	}
	np := -1
	for _, row := range pl.parties {
		if np >= 0 && len(row) != np {
			return errors.New("corrupt: blocks with different numbers of parties")
		}
		np = len(row)
	}
	if len(pl.Probes) != 0 && len(pl.Probes) != 3 {
		return errors.New("corrupt: probes")
	}
	if (h.Shard == 0) != (pl.Sample != nil) {
		return errors.New("corrupt: the sample's analysis belongs with shard 0 and only there")
	}
	if h.Exact {
		if len(pl.moments) != 0 || len(pl.sketches) != 0 || len(pl.Counts) != 0 || len(pl.Sums) != 0 {
			return errors.New("corrupt: moments in a part that keeps every value")
		}
		return nil
	}
	if len(pl.moments) != nb || len(pl.sketches) != nv {
		return fmt.Errorf("corrupt: %d blocks of moments and %d sketches for %d blocks of %d vars", len(pl.moments), len(pl.sketches), nb, nv)
	}
	// A tally (a scenario with stages) in every block or none, each
	// block's the same size; its vars then have moments over the trials
	// of their path, at most the block's.
	tallied := len(pl.Counts) > 0 || len(pl.Sums) > 0
	if tallied && (len(pl.Counts) != nb || len(pl.Sums) != nb) {
		return fmt.Errorf("corrupt: %d blocks of counts and %d of sums for %d blocks", len(pl.Counts), len(pl.Sums), nb)
	}
	size := run.BlockSize(h.Trials)
	for k, row := range pl.moments {
		want := min(size, h.End-(h.Start+k*size))
		if len(row) != nv {
			return errors.New("corrupt: a block's moments")
		}
		for _, m := range row {
			if m.N != want && !(tallied && m.N >= 0 && m.N < want) {
				return fmt.Errorf("corrupt: a block of %d trials has moments of %d", want, m.N)
			}
		}
		if tallied && (len(pl.Counts[k]) != len(pl.Counts[0]) || len(pl.Sums[k]) != len(pl.Sums[0])) {
			return errors.New("corrupt: blocks with different tallies")
		}
	}
	return nil
}

// sameIdentity reports which field of b differs from a's, if any.
func sameIdentity(a, b Identity) string {
	va, vb := reflect.ValueOf(a), reflect.ValueOf(b)
	for i := range va.NumField() {
		if !reflect.DeepEqual(va.Field(i).Interface(), vb.Field(i).Interface()) {
			f := va.Type().Field(i)
			tag, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			return tag
		}
	}
	return ""
}

// order checks that parts are every shard of one run or sweep, once
// each, and returns them in shard order. names are the parts' file
// names, for its errors.
func order(parts []*Part, names []string) ([]*Part, error) {
	if len(parts) == 0 {
		return nil, errors.New("merge: no partial results")
	}
	first := parts[0].header.Identity
	byShard := make([]*Part, first.Shards)
	nameOf := make([]string, first.Shards)
	for i, pt := range parts {
		if f := sameIdentity(first, pt.header.Identity); f != "" {
			verb := "differs"
			if strings.HasSuffix(f, "s") { // views, positions, trials, axes …
				verb = "differ"
			}
			return nil, fmt.Errorf("merge: %s does not belong with %s: its %s %s (%v against %v)", names[i], names[0], f, verb,
				describeField(pt.header.Identity, f), describeField(first, f))
		}
		k := pt.header.Shard
		if byShard[k] != nil {
			return nil, fmt.Errorf("merge: shard %d/%d is given twice: %s and %s", k, first.Shards, nameOf[k], names[i])
		}
		byShard[k], nameOf[k] = pt, names[i]
	}
	var missing []string
	for k, pt := range byShard {
		if pt == nil {
			missing = append(missing, fmt.Sprintf("%d/%d", k, first.Shards))
		}
	}
	if len(missing) > 0 {
		return nil, fmt.Errorf("merge: %d of %d shards are missing: %s (make them with --shard K/N)", len(missing), first.Shards, strings.Join(missing, ", "))
	}
	return byShard, nil
}

func describeField(id Identity, tag string) string {
	v := reflect.ValueOf(id)
	for i := range v.NumField() {
		t, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
		if t == tag {
			b, _ := json.Marshal(v.Field(i).Interface())
			return string(b)
		}
	}
	return ""
}

// specOf is the Spec and Options a part's identity records, the
// scenario to be read within proj.
func specOf(id Identity, proj project.Options) (Spec, Options, error) {
	spec := Spec{Path: id.Scenario.Path, Positions: id.Positions, Settings: id.Settings, Offer: id.Offer, Project: proj, Views: id.Views}
	opt := Options{Seed: id.Seed, Trials: id.Trials, Sensitivity: id.Sensitivity, ExactLimit: id.ExactLimit,
		Spider: id.Spider, SobolTrials: id.SobolTrials, VOI: id.VOI, Pilot: id.Pilot, Refits: id.Refits}
	m, err := sampling.ParseMethod(id.Sampler)
	if err != nil {
		return spec, opt, fmt.Errorf("merge: sampler %q: %v", id.Sampler, err)
	}
	opt.Sampler = m
	if id.PilotSampler != "" {
		if opt.PilotSampler, err = sampling.ParseMethod(id.PilotSampler); err != nil {
			return spec, opt, fmt.Errorf("merge: pilot sampler %q: %v", id.PilotSampler, err)
		}
	}
	return spec, opt, nil
}

// loadFor loads the scenario the parts were made from and checks that
// its files are those the parts record.
func loadFor(id Identity, proj project.Options) (Spec, *model.Program, Options, error) {
	spec, opt, err := specOf(id, proj)
	if err != nil {
		return spec, nil, opt, err
	}
	p, err := spec.Load()
	if err != nil {
		return spec, nil, opt, fmt.Errorf("merge: loading the scenario the parts were made from: %w", err)
	}
	if p.Scenario.SHA256 != id.Scenario.SHA256 || !reflect.DeepEqual(p.Scenario.Sources, id.Scenario.Sources) ||
		(p.IsProcess() && !reflect.DeepEqual(viewSources(p), id.ViewSources)) {
		return spec, nil, opt, fmt.Errorf("merge: %s has changed since the parts were made (its files' sha256 differ); merge with the files the parts were made from", spec.Path)
	}
	return spec, p, opt, nil
}

// Merge merges the partial results of every shard of one run, given in
// any order, into the run's result: the result Run gives for the same
// scenario, seed, trials and options, bit for bit. It reloads the
// scenario (the path the parts record, from the working directory) and
// refuses it when its files have changed; proj bounds what it reads, as
// Spec.Project does. names are the parts' file names, for errors. A
// scenario with stages is fitted again from the seed (the parts hold no
// policy) and its result made from the joined columns as Run makes it.
func Merge(ctx context.Context, parts []*Part, names []string, proj project.Options) (*Result, error) {
	parts, err := order(parts, names)
	if err != nil {
		return nil, err
	}
	id := parts[0].header.Identity
	if id.Kind != "run" {
		return nil, fmt.Errorf("merge: these are a sweep's parts; use MergeSweep")
	}
	_, p, opt, err := loadFor(id, proj)
	if err != nil {
		return nil, err
	}
	// A scenario with stages: the policy is fitted again, as each shard
	// fitted it, from the seed (the fit is not in the parts).
	p, fit, err := fitProcess(ctx, p, opt)
	if err != nil {
		return nil, fmt.Errorf("merge: %w", err)
	}
	if p, err = p.WithSampler(opt.Sampler, opt.Trials); err != nil {
		return nil, err
	}
	vars := trackedNames(p, opt)
	if !slices.Equal(vars, parts[0].header.Vars) || exact(p, opt, true) != id.Exact {
		return nil, errors.New("merge: the parts track other values than this settle would for the scenario")
	}
	if id.Exact && len(parts) > 1 {
		// The parts' columns, and the run's joined from them.
		if err := checkMemory(p, opt, 2*opt.Trials); err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
	}
	runParts := make([]*part, len(parts))
	for i, pt := range parts {
		if !slices.Equal(pt.header.Vars, vars) {
			return nil, fmt.Errorf("merge: %s tracks other values than the other parts", names[i])
		}
		runParts[i] = pt.run
		np := len(p.Parties)
		if fit != nil && id.Exact {
			np = 0 // a process's parties are analysed from the columns
		}
		if len(pt.run.run.Parties) > 0 && len(pt.run.run.Parties[0]) != np {
			return nil, fmt.Errorf("merge: %s has sums for %d parties; the scenario has %d", names[i], len(pt.run.run.Parties[0]), np)
		}
		if fit != nil && !id.Exact {
			nc, ns := process.TallySize(p.Process())
			if c := pt.run.run.Counts; len(c) == 0 || len(c[0]) != nc || len(pt.run.run.Sums[0]) != ns {
				return nil, fmt.Errorf("merge: %s does not tally the scenario's %d stages", names[i], len(p.Process().Stages))
			}
		}
	}
	if fit == nil {
		return finish(ctx, p, opt, true, nil, runParts)
	}
	return finishProcess(ctx, p, fit, opt, true, runParts)
}

// SweepShard runs the points of shard of the sweep (the K-th of N
// nearly equal runs of consecutive points of the grid) and returns its
// partial result; MergeSweep merges the shards' into the sweep's result.
func SweepShard(ctx context.Context, spec Spec, axes []Axis, opt Options, shard Shard) (*Part, error) {
	res, err := sweep(ctx, spec, axes, opt, shard)
	if err != nil {
		return nil, err
	}
	p, err := spec.Load()
	if err != nil {
		return nil, err
	}
	n := len(res.Points)
	start, end := shard.K*n/shard.N, (shard.K+1)*n/shard.N
	id := identity("sweep", spec, p, opt, shard.N)
	for _, a := range axes {
		id.Axes = append(id.Axes, a.Text)
	}
	h := partHeader{Identity: id, Shard: shard.K, Start: start, End: end}
	return &Part{header: h, points: res.Points[start:end]}, nil
}

// MergeSweep merges the partial results of every shard of one sweep,
// given in any order, into the sweep's result, as Sweep gives it.
func MergeSweep(ctx context.Context, parts []*Part, names []string, proj project.Options) (*SweepResult, error) {
	parts, err := order(parts, names)
	if err != nil {
		return nil, err
	}
	id := parts[0].header.Identity
	if id.Kind != "sweep" {
		return nil, fmt.Errorf("merge: these are a run's parts, not a sweep's")
	}
	spec, p, opt, err := loadFor(id, proj)
	if err != nil {
		return nil, err
	}
	var axes []Axis
	for _, text := range id.Axes {
		a, err := ParseAxis(text)
		if err != nil {
			return nil, fmt.Errorf("merge: %w", err)
		}
		v, ok := p.Lookup(a.Name)
		if !ok {
			return nil, fmt.Errorf("merge: --vary %s: no input named %q", a.Text, a.Name)
		}
		a.Unit = v.Unit
		axes = append(axes, a)
	}
	res := &SweepResult{Spec: spec, Scenario: p.Scenario, Axes: axes, Seed: opt.Seed, Trials: opt.Trials}
	next := 0
	for _, pt := range parts {
		if pt.header.Start != next {
			return nil, fmt.Errorf("merge: shard %d/%d holds points %d to %d, not from %d", pt.header.Shard, id.Shards, pt.header.Start, pt.header.End, next)
		}
		res.Points = append(res.Points, pt.points...)
		next = pt.header.End
	}
	if grid := gridSize(axes); next != grid {
		return nil, fmt.Errorf("merge: the parts hold %d of the grid's %d points", next, grid)
	}
	return res, nil
}
