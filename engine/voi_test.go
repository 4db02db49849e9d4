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
	if c.Settles() || c.SettlesOnMoney() || !v.Parties[1].Settles() {
		t.Errorf("without information the claimant goes to court (CE 137.2 > 135) and the defendant settles (pays 135 < 140): claimant settles %v, defendant %v", c.Settles(), v.Parties[1].Settles())
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

// Two stages: negotiation reveals s, a fair coin that moves the award by
// ±£20m; the trial then decides the award, £100m ± 20 + x + y with x and
// y normal(0, 20). Common beliefs, no costs, an offer of £110m that lies
// in no range (at negotiation the range is at £100m, before the trial
// at £120m or £80m), so the dispute is open before the trial in every
// trial and going on there is judgment.
const voiStagesScenario = `name: value of information at a later opportunity
inputs:
  s: bernoulli(0.5)
  x: normal(£0m, £20m)
  y: normal(£0m, £20m)
  noise: normal(0, 1)
  settlement_figure: 0
rules:
  award: "£100m + (s ? £20m : -£20m) + x + y + noise * 0"
  supplier_court: award
  buyer_court: -award
  supplier_settled: settlement_figure
  buyer_settled: -settlement_figure
outputs: [supplier_net]
parties:
  supplier: {court: supplier_court, settled: supplier_settled, risk_tolerance: £300m}
  buyer: {court: buyer_court, settled: buyer_settled}
settlement:
  figure: settlement_figure
  offer: £110m
stages:
  - {name: negotiation, duration: 0.5, reveals: [s]}
  - {name: trial, duration: 1, reveals: [x, y]}
`

// TestVOILaterOpportunity: before the trial each party knows s, so the
// gain from settling is normal(μ_s, σ), μ = −£10m where s (the award is
// £120m on average) and £30m where not, for the supplier (the buyer's is
// the opposite, with the same values), σ = √2·£20m; EVPI there is the
// mean of the two normal closed forms, not the closed form of the
// mixture; EVPPI(x) the same with σ = £20m; s is revealed; noise, which
// reaches nobody, is worth nothing; {x, y} is worth EVPI. At the first
// opportunity, where nothing is known, EVPI is the mixture's.
func TestVOILaterOpportunity(t *testing.T) {
	spec := engine.Spec{Path: writeScenario(t, voiStagesScenario)}
	p, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	opt := engine.Defaults(p)
	opt.Trials, opt.Seed, opt.Pilot, opt.Refits, opt.Sensitivity = 40_000, 11, 8192, 1, false
	opt.VOI = &engine.VOIOptions{Groups: []engine.VOIGroup{{Name: "trial", Inputs: []string{"x", "y"}}}}
	res, err := engine.Run(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	v := res.VOI
	if v.Stage != "negotiation" || v.Figure != 110e6 || len(v.Later) != 1 {
		t.Fatalf("voi at %s, figure %v, %d later opportunities; want negotiation, £110m, 1", v.Stage, v.Figure, len(v.Later))
	}
	const m = 1e6
	sd := math.Sqrt2 * 20 * m
	mus := [2]float64{-10 * m, 30 * m}
	given := func(sigma float64) float64 { return (normalEVPI(mus[0], sigma) + normalEVPI(mus[1], sigma)) / 2 }
	// The mixture: E[max(D, 0)] − max(E D, 0), E D = £10m.
	mixture := (normalEVPI(mus[0], sd)+math.Max(mus[0], 0)+normalEVPI(mus[1], sd)+math.Max(mus[1], 0))/2 - 10*m
	for _, pv := range v.Parties {
		within4SE(t, pv.Party+" EVPI before negotiation", pv.EVPI.Money, mixture)
	}
	o := v.Later[0]
	if o.Stage != "trial" || o.PReach != 1 || o.Trials != opt.Trials || o.FigureBasis != "offer" || o.MeanFigure != 110e6 {
		t.Fatalf("later opportunity %+v: want before trial, reached in every trial, at the offer", o)
	}
	for _, pv := range o.Parties {
		within4SE(t, pv.Party+" EVPI before trial", pv.EVPI.Money, given(sd))
		// Each side settles where s says its expectation is worse than
		// the offer: half the trials.
		if math.Abs(pv.PSettleOnMoney-0.5) > 0.02 {
			t.Errorf("%s settles in %.3f of the trials before the trial, want about 0.5", pv.Party, pv.PSettleOnMoney)
		}
		seen := map[string]bool{}
		for _, e := range pv.EVPPI {
			seen[e.Name] = true
			if e.Value.Money.Value > pv.EVPI.Money.Value || e.Value.CE.Value > pv.EVPI.CE.Value {
				t.Errorf("%s: EVPPI of %s %v (CE %v) above EVPI %v (CE %v)", pv.Party, e.Name, e.Value.Money, e.Value.CE, pv.EVPI.Money, pv.EVPI.CE)
			}
			switch e.Name {
			case "s":
				if !e.Revealed || e.Value != (voi.Value{}) {
					t.Errorf("%s: s is revealed before the trial: %+v", pv.Party, e)
				}
			case "x", "y":
				within4SE(t, pv.Party+" EVPPI of "+e.Name+" before trial", e.Value.Money, given(20*m))
			case "trial":
				within4SE(t, pv.Party+" EVPPI of {x, y} before trial", e.Value.Money, given(sd))
			case "noise":
				for _, est := range []voi.Estimate{e.Value.Money, e.Value.CE} {
					if est.Value < 0 || est.Value > 4*est.SE && est.Value > 1e-9 {
						t.Errorf("%s: EVPPI of noise before trial %v, want 0 within 4 SE", pv.Party, est)
					}
				}
			}
			if e.Revealed != (e.Name == "s") {
				t.Errorf("%s: %s revealed %v before trial", pv.Party, e.Name, e.Revealed)
			}
		}
		if len(seen) != 5 {
			t.Errorf("%s: EVPPI of %v, want s, x, y, noise and the group", pv.Party, seen)
		}
	}
	// The risk-averse supplier on its utility: never above EVPI.
	if c := o.Parties[0]; c.EVPI.CE.Value <= 0 || c.RiskTolerance != 300*m {
		t.Errorf("supplier's EVPI on utility %v", c.EVPI.CE)
	}
}

// TestVOILaterDecisionCertain: where s alone decides the award (£120m or
// £80m), a party that knows it before the trial faces no uncertainty
// there: EVPI is exactly 0, though at the first opportunity, where s is
// not known, it is E[max(D, 0)] − max(E D, 0) = ½·£30m − £10m = £5m
// (D = £110m − A is −£10m or £30m).
func TestVOILaterDecisionCertain(t *testing.T) {
	src := strings.NewReplacer("x: normal(£0m, £20m)", "x: normal(£0m, £20m)\n  scale: 0", " + x + y", " + scale * (x + y)").Replace(voiStagesScenario)
	spec := engine.Spec{Path: writeScenario(t, src)}
	p, err := spec.Load()
	if err != nil {
		t.Fatal(err)
	}
	opt := engine.Defaults(p)
	opt.Trials, opt.Seed, opt.Pilot, opt.Refits, opt.Sensitivity = 20_000, 12, 8192, 1, false
	opt.VOI = &engine.VOIOptions{}
	res, err := engine.Run(context.Background(), p, opt)
	if err != nil {
		t.Fatal(err)
	}
	v := res.VOI
	for _, pv := range v.Parties {
		within4SE(t, pv.Party+" EVPI before negotiation", pv.EVPI.Money, 5e6)
	}
	if len(v.Later) != 1 {
		t.Fatalf("%d later opportunities, want 1", len(v.Later))
	}
	for _, pv := range v.Later[0].Parties {
		if pv.EVPI.Money != (voi.Estimate{}) || pv.EVPI.CE != (voi.Estimate{}) || pv.EVPI.PChange != 0 {
			t.Errorf("%s: EVPI before trial %+v, want exactly 0: s decides", pv.Party, pv.EVPI)
		}
		for _, e := range pv.EVPPI {
			if e.Value.Money.Value != 0 {
				t.Errorf("%s: EVPPI of %s before trial %v, want 0", pv.Party, e.Name, e.Value.Money)
			}
		}
	}
}
