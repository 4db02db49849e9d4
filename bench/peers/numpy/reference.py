#!/usr/bin/env python3
"""The reference scenario (scenarios/one-step.yaml with rules/*.yaml),
vectorised with NumPy: the peer settle's throughput is compared with.

    python3 reference.py TRIALS SEED [BLOCK]

It evaluates TRIALS trials in blocks of BLOCK (default 1,000,000) trials,
each block a handful of array operations per rule, and prints one JSON
object: the wall time of the evaluation (the loop below, not the
interpreter's start-up or NumPy's import), and the mean and standard
error of each of the scenario's eight outputs. Same model, same
distribution families, NumPy's own generator (PCG64): the means agree
with settle's within Monte Carlo error, not bit for bit.
"""
import json
import sys
import time

import numpy as np

OUTPUTS = ["supplier_net", "buyer_cost", "settles", "supplier_net_court",
           "supplier_net_settled", "buyer_cost_court", "buyer_cost_settled",
           "court_award"]


def pert(rng, lo, mode, hi, n):
    r = hi - lo
    return lo + r * rng.beta(1 + 4 * (mode - lo) / r, 1 + 4 * (hi - mode) / r, n)


def block(rng, n, pin=None):
    """One block of n trials; pin holds inputs to fix at a value, drawn
    all the same so that every other input keeps its draws."""
    pin = pin or {}

    # rules/termination.yaml
    contract_value, sites_total, sites_delivered = 1.1e9, 41.0, 8.0
    unpaid_advances, claim_cap, lawful_recovery = 143e6, 700e6, 0.5
    work_done = contract_value * (sites_delivered / sites_total)
    # rules/costs.yaml
    cost_recovery, settlement_cost_share = 0.65, 0.35
    # scenarios/one-step.yaml
    p_settle, discount_rate, years_to_settlement = 0.8, 0.035, 0.5

    def fix(name, x):
        return np.full(n, pin[name]) if name in pin else x

    claim = fix("claim", pert(rng, 400e6, 600e6, 700e6, n))
    p_liability = fix("p_liability", rng.beta(4.0, 6.0, n))
    liability = fix("liability", rng.random(n) < p_liability)
    quantum_fraction = fix("quantum_fraction", pert(rng, 0.3, 0.5, 0.8, n))
    unpaid_work_share = fix("unpaid_work_share", pert(rng, 0.2, 0.35, 0.6, n))
    settles = fix("settles", rng.random(n) < p_settle)
    settlement_fraction = fix("settlement_fraction", np.clip(rng.normal(0.28, 0.06, n), 0.0, 1.0))
    settlement_figure = fix("settlement_figure", settlement_fraction * claim)
    years_to_judgment = fix("years_to_judgment", pert(rng, 1.5, 2.0, 3.5, n))
    supplier_trial_costs = pert(rng, 15e6, 25e6, 45e6, n)
    buyer_trial_costs = pert(rng, 12e6, 20e6, 35e6, n)

    unpaid_work = work_done * unpaid_work_share
    claim_pleaded = np.minimum(claim, claim_cap)
    court_award = np.where(liability, np.maximum(claim_pleaded * quantum_fraction, unpaid_work),
                           unpaid_work * lawful_recovery)
    court_net = court_award - unpaid_advances
    supplier_costs_court = np.where(liability, supplier_trial_costs * (1 - cost_recovery),
                                    supplier_trial_costs + cost_recovery * buyer_trial_costs)
    buyer_costs_court = np.where(liability, buyer_trial_costs + cost_recovery * supplier_trial_costs,
                                 buyer_trial_costs * (1 - cost_recovery))
    supplier_costs_settled = supplier_trial_costs * settlement_cost_share
    buyer_costs_settled = buyer_trial_costs * settlement_cost_share
    court_discount = (1 + discount_rate) ** -years_to_judgment
    settlement_discount = (1 + discount_rate) ** -years_to_settlement
    settlement_payment = settlement_figure - unpaid_advances
    supplier_net_court = (court_net - supplier_costs_court) * court_discount
    supplier_net_settled = settlement_payment * settlement_discount - supplier_costs_settled
    buyer_net_court = -(court_net + buyer_costs_court) * court_discount
    buyer_net_settled = -settlement_payment * settlement_discount - buyer_costs_settled
    supplier_net = np.where(settles, supplier_net_settled, supplier_net_court)
    buyer_net = np.where(settles, buyer_net_settled, buyer_net_court)
    return {
        "claim": claim, "p_liability": p_liability, "liability": liability.astype(np.float64),
        "quantum_fraction": quantum_fraction, "unpaid_work_share": unpaid_work_share,
        "settlement_fraction": settlement_fraction, "settlement_figure": settlement_figure,
        "years_to_judgment": years_to_judgment,
        "buyer_net": buyer_net, "buyer_net_court": buyer_net_court,
        "supplier_costs_settled": supplier_costs_settled, "buyer_costs_settled": buyer_costs_settled,
        "settlement_discount": np.full(n, settlement_discount),
        "supplier_net": supplier_net,
        "buyer_cost": -buyer_net,
        "settles": settles.astype(np.float64),
        "supplier_net_court": supplier_net_court,
        "supplier_net_settled": supplier_net_settled,
        "buyer_cost_court": -buyer_net_court,
        "buyer_cost_settled": -buyer_net_settled,
        "court_award": court_award,
    }


def main():
    trials = int(sys.argv[1])
    seed = int(sys.argv[2])
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 1_000_000
    rng = np.random.default_rng(seed)
    sums = {k: 0.0 for k in OUTPUTS}
    sq = {k: 0.0 for k in OUTPUTS}
    t0 = time.perf_counter()
    done = 0
    while done < trials:
        n = min(size, trials - done)
        cols = block(rng, n)
        for k in OUTPUTS:
            x = cols[k]
            sums[k] += float(x.sum())
            sq[k] += float(np.dot(x, x))
        done += n
    elapsed = time.perf_counter() - t0
    out = {"trials": trials, "seconds": elapsed, "numpy": np.__version__, "means": {}, "se": {}}
    for k in OUTPUTS:
        m = sums[k] / trials
        var = max(sq[k] / trials - m * m, 0.0) * trials / max(trials - 1, 1)
        out["means"][k] = m
        out["se"][k] = (var / trials) ** 0.5
    json.dump(out, sys.stdout)
    print()


if __name__ == "__main__":
    main()
