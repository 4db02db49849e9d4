package engine_test

import (
	"context"
	"testing"

	"github.com/settle-sim/settle/bench/peers/handgo"
	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/rng"
)

// BenchmarkTrial measures one trial of the reference scenario, compiled
// by the engine and, as the peer to compare with, written by hand in Go.
// Compare them as a ratio: the engine's overhead over native code.
//
//	go test ./engine -run '^$' -bench Trial -count 5
func BenchmarkTrial(b *testing.B) {
	b.Run("engine", func(b *testing.B) {
		p := load(b, reference)
		s := p.NewState()
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			if err := p.Eval(s, 1, i); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "trials/s")
	})
	b.Run("handwritten", func(b *testing.B) {
		h := handgo.New()
		var src rng.Stream
		var sink float64
		b.ReportAllocs()
		for i := 0; b.Loop(); i++ {
			src.Reset(1, uint64(i))
			sink += h.Trial(&src).SupplierNet
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "trials/s")
		_ = sink
	})
}

// BenchmarkRun measures a whole run of the reference scenario, 200,000
// trials on every core with summaries of all outputs and sampled inputs.
//
//	go test ./engine -run '^$' -bench Run -benchtime 5x
func BenchmarkRun(b *testing.B) {
	p := load(b, reference)
	const trials = 200_000
	for b.Loop() {
		if _, err := engine.Run(context.Background(), p, engine.Options{Trials: trials, Seed: 1}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(trials*b.N)/b.Elapsed().Seconds(), "trials/s")
}

// BenchmarkMoments measures what the bench harness times for settle:
// engine.Moments, every trial evaluated and the mean and SE of the
// reference scenario's outputs streamed, on one worker.
//
//	go test ./engine -run '^$' -bench Moments -benchtime 5x
func BenchmarkMoments(b *testing.B) {
	p := load(b, reference)
	const trials = 1_000_000
	for b.Loop() {
		if _, err := engine.Moments(context.Background(), p, engine.Options{Trials: trials, Seed: 1, Workers: 1}, p.Outputs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(trials*b.N)/b.Elapsed().Seconds(), "trials/s")
}
