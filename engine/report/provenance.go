package report

import (
	"fmt"
	"strings"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/money"
	"github.com/settle-sim/settle/engine/sampling"
	"github.com/settle-sim/settle/engine/scenario"
)

// Provenance is what made a set of figures besides the scenario's own
// files: the position files applied to it, the parties' own views, the
// inputs replaced (--set), the offer weighed (--offer), how the draws were
// made, the seed and the trial count. Every rendering of a run, a sweep, a
// comparison and a test names it, so that a table pasted into advice
// cannot pass for another: a buyer's view does not read as the neutral
// case.
type Provenance struct {
	Scenario  string           `json:"-"` // the scenario's name
	Positions []string         `json:"positions,omitempty"`
	Views     []View           `json:"views,omitempty"`
	Settings  []engine.Setting `json:"set,omitempty"` // without the offer
	Offer     string           `json:"offer,omitempty"`
	// Sampler is lhs or sobol; "" for pseudo-random sampling.
	Sampler string `json:"sampler,omitempty"`
	Seed    uint64 `json:"-"`
	Trials  int    `json:"-"`
	Version string `json:"-"`
}

// View is one party's figures computed on its own position files.
type View struct {
	Party     string   `json:"party"`
	Positions []string `json:"positions"`
}

// ProvenanceOf is the provenance of a run.
func ProvenanceOf(res *engine.Result) Provenance {
	sc := res.Program.Scenario
	p := Provenance{Scenario: sc.Name, Positions: positionPaths(sc.Positions), Seed: res.Seed, Trials: res.Trials, Version: engine.Version}
	p.Settings, p.Offer = sc.SplitOffer(res.Settings)
	if res.Sampler != sampling.Random {
		p.Sampler = res.Sampler.String()
	}
	for _, pr := range res.Parties {
		if len(pr.View) > 0 {
			p.Views = append(p.Views, View{Party: pr.Name, Positions: pr.View})
		}
	}
	return p
}

// Provenance is what made d.
func (d *Document) Provenance() Provenance {
	p := Provenance{Scenario: d.Scenario.Name, Positions: positionPaths(d.Scenario.Positions), Views: d.Views,
		Settings: d.Settings, Offer: d.Offer, Sampler: d.Sampler, Seed: d.Seed, Trials: d.Trials, Version: d.Version}
	return p
}

func positionPaths(ps []scenario.Position) []string {
	var paths []string
	for _, p := range ps {
		paths = append(paths, p.Path)
	}
	return paths
}

// SamplerName is the sampler in words: "random" for pseudo-random draws.
func (p Provenance) SamplerName() string {
	if p.Sampler == "" {
		return sampling.Random.String()
	}
	return p.Sampler
}

// Conditions are what the figures were made under beyond the scenario,
// seed and trials, in the order applied, each in words: "position
// ../rules/positions/buyer.yaml", "supplier's view
// ../rules/positions/supplier.yaml", "claim=£600m", "offer £120m",
// "random sampling".
func (p Provenance) Conditions() []string {
	var parts []string
	for _, pos := range p.Positions {
		parts = append(parts, "position "+pos)
	}
	for _, v := range p.Views {
		parts = append(parts, fmt.Sprintf("%s's view %s", v.Party, strings.Join(v.Positions, " + ")))
	}
	for _, s := range p.Settings {
		parts = append(parts, s.Name+"="+s.Value)
	}
	if p.Offer != "" {
		parts = append(parts, "offer "+p.Offer)
	}
	return append(parts, p.SamplerName()+" sampling")
}

// Heading is the provenance in one line, as tables and reports head their
// figures: "200,000 trials · seed 20080527 · settle 0.2.0 · position
// ../rules/positions/buyer.yaml · offer £120m · random sampling".
func (p Provenance) Heading() string {
	parts := []string{fmt.Sprintf("%s trials", money.FormatNumber(float64(p.Trials))), fmt.Sprintf("seed %d", p.Seed)}
	if p.Version != "" {
		parts = append(parts, "settle "+p.Version)
	}
	return strings.Join(append(parts, p.Conditions()...), " · ")
}

// Neutral reports whether the figures are the scenario's own: no
// position, view, setting or offer.
func (p Provenance) Neutral() bool {
	return len(p.Positions) == 0 && len(p.Views) == 0 && len(p.Settings) == 0 && p.Offer == ""
}

// Fields are the provenance as name and value pairs, one for each
// position, view, setting and the offer, then the sampler, seed, trials
// and settle version: the rows of section "run" in CSV.
func (p Provenance) Fields() [][2]string {
	f := [][2]string{{"scenario", p.Scenario}}
	for _, pos := range p.Positions {
		f = append(f, [2]string{"position", pos})
	}
	for _, v := range p.Views {
		f = append(f, [2]string{"view", v.Party + "=" + strings.Join(v.Positions, ",")})
	}
	for _, s := range p.Settings {
		f = append(f, [2]string{"set", s.Name + "=" + s.Value})
	}
	if p.Offer != "" {
		f = append(f, [2]string{"offer", p.Offer})
	}
	return append(f, [2]string{"sampler", p.SamplerName()}, [2]string{"seed", fmt.Sprint(p.Seed)},
		[2]string{"trials", fmt.Sprint(p.Trials)}, [2]string{"settle_version", p.Version})
}

// Heading is the line that heads d's tables: what made its figures
// (Provenance.Heading), and any target standard error and rank
// correlations.
func (d *Document) Heading() string { return d.heading() }
