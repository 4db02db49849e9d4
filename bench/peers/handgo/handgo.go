// Package handgo is the reference scenario (scenarios/one-step.yaml with
// rules/*.yaml) written by hand in Go: straight-line code over local
// variables, with the same distributions, the same per-site random
// streams and the same order of operations as settle's engine, so that
// its outputs equal the engine's bit for bit
// (engine.TestReferenceMatchesHandWritten). It is the practical limit
// of the engine's speed on this model: the peer in bench/ and in
// engine's BenchmarkTrial.
package handgo

import (
	"math"

	"github.com/settle-sim/settle/engine/dist"
	"github.com/settle-sim/settle/engine/rng"
)

// Model holds the samplers of the reference scenario's draw sites.
type Model struct {
	unpaidWorkShare, claim, pLiability, quantum, sCosts, bCosts, years draw
	liability, fraction, settles                                       draw
	settleDiscount, logDiscount                                        float64
}

type draw struct {
	key uint64 // rng.SiteKey of the site's stream
	s   dist.Sampler
}

func site(input, family string, p dist.Params) draw {
	f, ok := dist.Lookup(family)
	if !ok {
		panic("handgo: no family " + family)
	}
	return draw{key: rng.SiteKey(rng.SiteID(input, 0)), s: dist.NewSampler(f, p)}
}

// Scenario constants (scenarios/one-step.yaml, rules/*.yaml).
const (
	contractValue   = 1.1e9
	sitesTotal      = 41.0
	sitesDelivered  = 8.0
	unpaidAdvances  = 143e6
	claimCap        = 700e6
	lawfulRecovery  = 0.5
	costRecovery    = 0.65
	settledCostPart = 0.35
	pSettle         = 0.8
	discountRate    = 0.035
	yearsToSettle   = 0.5
)

// New returns the model.
func New() *Model {
	return &Model{
		unpaidWorkShare: site("unpaid_work_share", "pert", dist.Params{0.2, 0.35, 0.6}),
		claim:           site("claim", "pert", dist.Params{400e6, 600e6, 700e6}),
		pLiability:      site("p_liability", "beta", dist.Params{4, 6}),
		liability:       site("liability", "bernoulli", dist.Params{}),
		quantum:         site("quantum_fraction", "pert", dist.Params{0.3, 0.5, 0.8}),
		sCosts:          site("supplier_trial_costs", "pert", dist.Params{15e6, 25e6, 45e6}),
		bCosts:          site("buyer_trial_costs", "pert", dist.Params{12e6, 20e6, 35e6}),
		fraction:        site("settlement_fraction", "normal", dist.Params{0.28, 0.06}),
		years:           site("years_to_judgment", "pert", dist.Params{1.5, 2, 3.5}),
		settles:         site("settles", "bernoulli", dist.Params{pSettle}),
		settleDiscount:  math.Pow(1+discountRate, -yearsToSettle),
		logDiscount:     math.Log(1 + discountRate),
	}
}

// Out is one trial's outputs, as the scenario lists them.
type Out struct {
	SupplierNet, BuyerCost, Settles, SupplierNetCourt, SupplierNetSettled,
	BuyerCostCourt, BuyerCostSettled, CourtAward float64
}

// Outputs names Out's fields in order, as in the scenario.
var Outputs = []string{"supplier_net", "buyer_cost", "settles", "supplier_net_court",
	"supplier_net_settled", "buyer_cost_court", "buyer_cost_settled", "court_award"}

// Values returns o's fields in the order of Outputs.
func (o *Out) Values() [8]float64 {
	return [8]float64{o.SupplierNet, o.BuyerCost, o.Settles, o.SupplierNetCourt, o.SupplierNetSettled,
		o.BuyerCostCourt, o.BuyerCostSettled, o.CourtAward}
}

// Trial evaluates one trial on src, which must have been Reset for the
// trial.
func (m *Model) Trial(src *rng.Stream) Out {
	workDone := contractValue * (sitesDelivered / sitesTotal)
	src.SiteKeyed(m.unpaidWorkShare.key)
	unpaidWork := workDone * m.unpaidWorkShare.s.Sample(src)
	src.SiteKeyed(m.claim.key)
	claim := m.claim.s.Sample(src)
	claimPleaded := min(claim, claimCap)
	src.SiteKeyed(m.pLiability.key)
	pLiability := m.pLiability.s.Sample(src)
	src.SiteKeyed(m.liability.key)
	liable := m.liability.s.Draw(src, dist.Params{pLiability}) != 0
	src.SiteKeyed(m.quantum.key)
	quantum := m.quantum.s.Sample(src)
	var award float64
	if liable {
		award = max(claimPleaded*quantum, unpaidWork)
	} else {
		award = unpaidWork * lawfulRecovery
	}
	courtNet := award - unpaidAdvances
	src.SiteKeyed(m.sCosts.key)
	sCosts := m.sCosts.s.Sample(src)
	src.SiteKeyed(m.bCosts.key)
	bCosts := m.bCosts.s.Sample(src)
	var sCourt, bCourt float64
	if liable {
		sCourt = sCosts * (1 - costRecovery)
		bCourt = bCosts + costRecovery*sCosts
	} else {
		sCourt = sCosts + costRecovery*bCosts
		bCourt = bCosts * (1 - costRecovery)
	}
	src.SiteKeyed(m.fraction.key)
	fraction := min(max(m.fraction.s.Sample(src), 0), 1)
	payment := fraction*claim - unpaidAdvances
	src.SiteKeyed(m.years.key)
	years := m.years.s.Sample(src)
	courtDiscount := math.Exp(-years * m.logDiscount) // (1+r)^-years, as settle computes it
	src.SiteKeyed(m.settles.key)
	settles := m.settles.s.Sample(src)

	supplierNetCourt := (courtNet - sCourt) * courtDiscount
	supplierNetSettled := payment*m.settleDiscount - sCosts*settledCostPart
	buyerNetCourt := -(courtNet + bCourt) * courtDiscount
	buyerNetSettled := -payment*m.settleDiscount - bCosts*settledCostPart
	o := Out{Settles: settles, CourtAward: award, SupplierNetCourt: supplierNetCourt,
		SupplierNetSettled: supplierNetSettled, BuyerCostCourt: -buyerNetCourt, BuyerCostSettled: -buyerNetSettled}
	if settles != 0 {
		o.SupplierNet, o.BuyerCost = supplierNetSettled, -buyerNetSettled
	} else {
		o.SupplierNet, o.BuyerCost = supplierNetCourt, -buyerNetCourt
	}
	return o
}
