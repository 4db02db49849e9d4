#!/usr/bin/env python3
"""Peer (b) of bench/: the reference scenario's whole result document in
NumPy — what settle run writes: for every output and sampled input the
mean, sd, se, min, max, p1 … p99, P(>0) and a 20-bin histogram; for each
party E[net], its certainty equivalent (exponential utility for the
supplier, R = £250m; risk-neutral buyer), P(loss), the same at court, its
reservation value (closed form: the settled outcome is affine in the
figure) and the settlement range; and the sensitivity — Spearman rank
correlations and the tornado (each input held at its p10 and p90) on the
first 50,000 trials. Written as JSON.

    python3 document.py TRIALS SEED OUT.json

The bench times the whole process, as it times settle run -o.
"""
import json
import sys

import numpy as np

from reference import OUTPUTS, block

INPUTS = ["claim", "p_liability", "liability", "quantum_fraction", "unpaid_work_share", "settles",
          "settlement_fraction", "settlement_figure", "years_to_judgment"]
PROBS = [1, 5, 10, 25, 50, 75, 90, 95, 99]
KEEP = OUTPUTS + [k for k in INPUTS if k not in OUTPUTS] + [
    "buyer_net", "buyer_net_court", "supplier_costs_settled", "buyer_costs_settled", "settlement_discount"]
TORNADO = 50_000
R_SUPPLIER = 250e6
ADVANCES = 143e6


def simulate(seed, trials, pin=None):
    rng = np.random.default_rng(seed)
    parts = {k: [] for k in KEEP}
    done = 0
    while done < trials:
        n = min(1_000_000, trials - done)
        cols = block(rng, n, pin)
        for k in KEEP:
            parts[k].append(cols[k])
        done += n
    return {k: np.concatenate(v) for k, v in parts.items()}


def summary(x):
    n = len(x)
    lo, hi = float(x.min()), float(x.max())
    counts = np.histogram(x, bins=20, range=(lo, hi))[0] if hi > lo else np.array([n])
    sd = float(x.std(ddof=1))
    return {"mean": float(x.mean()), "sd": sd, "se": sd / n ** 0.5, "min": lo, "max": hi,
            "p_positive": float((x > 0).mean()),
            "quantiles": dict(zip([f"p{p}" for p in PROBS], map(float, np.percentile(x, PROBS)))),
            "histogram": {"min": lo, "max": hi, "counts": counts.tolist()}}


def ce(x, r):
    if r == 0:
        return float(x.mean())
    y = -x / r
    m = y.max()
    return float(-r * (m + np.log(np.mean(np.exp(y - m)))))


def ranks(x):
    r = np.empty(len(x))
    r[np.argsort(x, kind="stable")] = np.arange(len(x))
    return r


def main():
    trials, seed, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
    c = simulate(seed, trials)
    doc = {"trials": trials, "seed": seed,
           "outputs": {k: summary(c[k]) for k in OUTPUTS},
           "inputs": {k: summary(c[k]) for k in INPUTS}}
    # Parties: the settled outcome at figure f is (f − advances)·discount − costs.
    parties = []
    for name, net, court, costs, sign, r in [
            ("supplier", c["supplier_net"], c["supplier_net_court"], c["supplier_costs_settled"], 1, R_SUPPLIER),
            ("buyer", c["buyer_net"], c["buyer_net_court"], c["buyer_costs_settled"], -1, 0.0)]:
        k = sign * c["settlement_discount"][0]
        settled0 = sign * (0 - ADVANCES) * c["settlement_discount"] - costs
        court_ce = ce(court, r)
        parties.append({"name": name, "net": {"mean": float(net.mean()), "ce": ce(net, r), "p_loss": float((net < 0).mean()),
                                              "quantiles": list(map(float, np.percentile(net, PROBS)))},
                        "court": {"mean": float(court.mean()), "ce": court_ce, "p_loss": float((court < 0).mean()),
                                  "quantiles": list(map(float, np.percentile(court, PROBS)))},
                        "reservation": (court_ce - ce(settled0, r)) / k})
    doc["parties"] = parties
    doc["settlement"] = {"low": parties[0]["reservation"], "high": parties[1]["reservation"]}
    # Sensitivity on the first trials: rank correlations and the tornado.
    n = min(trials, TORNADO)
    s = simulate(seed, n)
    sens = []
    in_ranks = {k: ranks(s[k]) for k in INPUTS if s[k].std() > 0}
    bars = {o: [] for o in OUTPUTS}
    for k in in_ranks:
        lo, hi = np.percentile(s[k], [10, 90])
        if lo == hi:
            continue
        low, high = simulate(seed, n, {k: lo}), simulate(seed, n, {k: hi})
        for o in OUTPUTS:
            bars[o].append({"input": k, "low": float(lo), "high": float(hi),
                            "mean_low": float(low[o].mean()), "mean_high": float(high[o].mean())})
    for o in OUTPUTS:
        if s[o].std() == 0:
            continue
        ro = ranks(s[o])
        sens.append({"output": o,
                     "spearman": [{"input": k, "rho": float(np.corrcoef(r, ro)[0, 1])} for k, r in in_ranks.items()],
                     "tornado": sorted(bars[o], key=lambda b: -abs(b["mean_high"] - b["mean_low"]))})
    doc["sensitivity"] = sens
    doc["tornado_trials"] = n
    with open(out, "w") as f:
        json.dump(doc, f, indent=2)


if __name__ == "__main__":
    main()
