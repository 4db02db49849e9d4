#!/usr/bin/env python3
"""Peer (a) of bench/: what a NumPy user writes to summarise the
reference scenario — every trial vectorised (reference.py's block), then
each output's mean, standard deviation, p5, p50 and p95 printed.

    python3 summary.py TRIALS SEED

The bench times the whole process, from start to the last line printed,
as it times settle run.
"""
import sys

import numpy as np

from reference import OUTPUTS, block


def main():
    trials, seed = int(sys.argv[1]), int(sys.argv[2])
    rng = np.random.default_rng(seed)
    parts = {k: [] for k in OUTPUTS}
    done = 0
    while done < trials:
        n = min(1_000_000, trials - done)
        cols = block(rng, n)
        for k in OUTPUTS:
            parts[k].append(cols[k])
        done += n
    print(f"{'output':>22} {'mean':>14} {'sd':>14} {'p5':>14} {'p50':>14} {'p95':>14}")
    for k in OUTPUTS:
        x = np.concatenate(parts[k])
        p5, p50, p95 = np.percentile(x, [5, 50, 95])
        print(f"{k:>22} {x.mean():14.6g} {x.std(ddof=1):14.6g} {p5:14.6g} {p50:14.6g} {p95:14.6g}")


if __name__ == "__main__":
    main()
