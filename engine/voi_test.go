package engine_test

import (
	"context"
	"math"
	"strings"
	"testing"

	"gonum.org/v1/gonum/stat/distuv"

	"github.com/settle-sim/settle/engine"
	"github.com/settle-sim/settle/engine/voi"
)

// A claimant goes to court for x + y (independent normals) or settles for
// the figure; the defendant's outcomes are the opposite. noise reaches
// neither party's outcomes.
const voiScenario = `name: value of information, closed forms
inputs:
  x: normal(100, 30)
  y: normal(40, 15)
  noise: normal(0, 1)
  figure: uniform(100, 160)
rules:
  court_c: x + y
  settled_c: figure
  court_d: -(x + y)
  settled_d: -figure
  unused: noise * 2
outputs: [court_c, unused]
parties:
  claimant: {net: court_c, court: court_c, settled: settled_c, risk_tolerance: 200}
  defendant: {net: court_d, court: court_d, settled: settled_d}
settlement:
  figure: figure
`

var stdNormal = distuv.Normal{Mu: 0, Sigma: 1}

// normalEVPI is E[max(D, 0)] − max(E D, 0) for D normal(mu, sigma).
func normalEVPI(mu, sigma float64) float64 {
	z := mu / sigma
	return sigma*stdNormal.Prob(z) + mu*stdNormal.CDF(z) - math.Max(mu, 0)
}

func within4SE(t *testing.T, what string, got voi.Estimate, want float64) {
	t.Helper()
	if !(got.SE > 0) || math.Abs(got.Value-want) >= 4*got.SE {
		t.Errorf("%s = %.4f ± %.4f, want %.4f", what, got.Value, got.SE, want)
	}
}

// TestVOIClosedForms: at an offer of 135 the claimant's gain from
// settling is 135 − x − y, normal(−5, √(30² + 15²)); EVPI, EVPPI of x, of
// y and of the group {x, y} have closed forms, in money for both parties
// and, for the risk-averse claimant, on its utility.
func TestVOIClosedForms(t *testing.T) {
	spec := engine.Spec{Path: writeScenario(t, voiScenario), Offer: "135"}
	p, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	opt := engine.Options{Trials: 100_000, Seed: 3, VOI: &engine.VOIOptions{
		Groups: []engine.VOIGroup{{Name: "both", Inputs: []string{"x", "y"}}}}}
	res, err := engine.Run(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	v := res.VOI
	if v == nil || v.Figure != 135 || v.FigureBasis != "offer" || len(v.Parties) != 2 {
		t.Fatalf("voi %+v", v)
	}
	sd := math.Hypot(30, 15)
	want := map[string]float64{"x": normalEVPI(-5, 30), "y": normalEVPI(-5, 15), "both": normalEVPI(-5, sd)}
	for _, pv := range v.Parties {
		within4SE(t, pv.Party+" EVPI", pv.EVPI.Money, normalEVPI(-5, sd))
		var names []string
		for _, e := range pv.EVPPI {
			names = append(names, e.Name)
			within4SE(t, pv.Party+" EVPPI "+e.Name, e.Value.Money, want[e.Name])
			if e.Value.Money.Value > pv.EVPI.Money.Value {
				t.Errorf("%s: EVPPI of %s above EVPI", pv.Party, e.Name)
			}
		}
		if got := strings.Join(names, ","); got != "x,y,both" {
			t.Errorf("%s: EVPPI of %s, want x,y,both (noise reaches no party)", pv.Party, got)
		}
	}
	// The claimant, R = 200: CE(court) = 140 − sd²/400 = 137.2 > 135.
	const mu, f, R = 140.0, 135.0, 200.0
	c := v.Parties[0]
	eu := math.Exp(-f/R)*stdNormal.CDF((f-mu)/sd) +
		math.Exp(-mu/R+sd*sd/(2*R*R))*(1-stdNormal.CDF((f-mu+sd*sd/R)/sd))
	within4SE(t, "claimant EVPI on utility", c.EVPI.CE, -R*math.Log(eu)-(mu-sd*sd/(2*R)))
	if c.Settles || c.SettlesOnMoney || !v.Parties[1].Settles {
		t.Errorf("without information the claimant goes to court (CE 137.2 > 135) and the defendant settles (pays 135 < 140): claimant settles %v, defendant %v", c.Settles, v.Parties[1].Settles)
	}
}

// TestVOIAtRangeMidpoint: with no offer the decision is valued at the
// midpoint of the settlement range, here 140 for both risk-neutral
// parties, where EVPI is σ/√(2π).
func TestVOIAtRangeMidpoint(t *testing.T) {
	src := strings.Replace(voiScenario, ", risk_tolerance: 200", "", 1)
	p := load(t, writeScenario(t, src))
	res, err := engine.Run(context.Background(), p, engine.Options{Trials: 50_000, Seed: 5, VOI: &engine.VOIOptions{}})
	if err != nil {
		t.Fatal(err)
	}
	v := res.VOI
	if v.FigureBasis != "midpoint of the settlement range" || math.Abs(v.Figure-(res.Range.Low+res.Range.High)/2) > 1e-9 {
		t.Fatalf("figure %v (%s), range %+v", v.Figure, v.FigureBasis, res.Range)
	}
	sd := math.Hypot(30, 15)
	for _, pv := range v.Parties {
		within4SE(t, pv.Party+" EVPI", pv.EVPI.Money, normalEVPI(140-v.Figure, sd))
	}
}

func TestVOIGroupErrors(t *testing.T) {
	p := load(t, writeScenario(t, voiScenario))
	for _, tc := range []struct {
		group engine.VOIGroup
		want  string
	}{
		{engine.VOIGroup{Name: "g", Inputs: []string{"xx"}}, `no input or rule "xx"; did you mean x?`},
		{engine.VOIGroup{Name: "g", Inputs: []string{"figure"}}, "is the settlement figure"},
		{engine.VOIGroup{Name: "x", Inputs: []string{"y"}}, "has an input or rule of that name"},
		{engine.VOIGroup{Name: "g", Inputs: []string{"x", "x"}}, "x named twice"},
		{engine.VOIGroup{Name: "g", Inputs: []string{"x", "y", "noise", "unused", "court_c"}}, "at most 4"},
	} {
		_, err := engine.Run(context.Background(), p, engine.Options{Trials: 500, Seed: 1,
			VOI: &engine.VOIOptions{Groups: []engine.VOIGroup{tc.group}}})
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("group %+v: error %v, want %q", tc.group, err, tc.want)
		}
	}
	for _, s := range []string{"quantum", "=a,b", "q=", "q= , "} {
		if _, err := engine.ParseVOIGroup(s); err == nil {
			t.Errorf("ParseVOIGroup(%q): no error", s)
		}
	}
	g, err := engine.ParseVOIGroup(" quantum = claim, quantum_fraction ")
	if err != nil || g.Name != "quantum" || strings.Join(g.Inputs, "|") != "claim|quantum_fraction" {
		t.Errorf("ParseVOIGroup: %+v, %v", g, err)
	}
}
