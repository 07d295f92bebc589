#!/usr/bin/env python
"""How far float32 training drifts from float64 training, per library.

In float64, sklearn_mbnet and scikit-learn give the same weights on the W2
workload (to about 1e-14). In float32 each library rounds in its own order,
and Adam, which divides each gradient by its running magnitude, turns
rounding noise in near-zero gradients into full-size steps, so float32 runs
drift apart from the float64 run and from each other. This script fits the
W2 network for one epoch on the first ``--rows`` rows (``rows / 200`` Adam
steps) for several seeds, in float32 with each library and in float64, and
prints each library's largest relative weight difference from the float64
weights. If sklearn_mbnet's float32 path were less precise than
scikit-learn's, its distances would be systematically larger.

Run from the repository root::

    python benchmarks/float32_drift.py --rows 6000 20000 --seeds 12
"""

import argparse
import os
import sys
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_training as bench  # noqa: E402


def distance(est, reference):
    """Largest |difference| of a layer's parameters over that layer's scale."""
    pairs = zip(est.coefs_ + est.intercepts_, reference.coefs_ + reference.intercepts_)
    return max(float(np.abs(p - q).max() / np.abs(q).max()) for p, q in pairs)


def drift(n_rows, seeds):
    """Per seed, (sklearn float32, mbnet float32) distances from float64."""
    wl = bench.WORKLOADS["W2"]
    X, y = bench.load_workload_data("W2")
    X, y = X[:n_rows], y[:n_rows]
    rows = []
    for seed in range(seeds):
        fit = lambda lib, data: bench.make_estimator(lib, wl, 1, seed).fit(data, y)  # noqa: E731
        reference = fit("sklearn", X.astype(np.float64))
        rows.append((distance(fit("sklearn", X), reference),
                     distance(fit("mbnet", X), reference)))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[6000, 20000])
    parser.add_argument("--seeds", type=int, default=12)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(f"command: {bench.command_line()}")
    with threadpool_limits(1):
        for n_rows in args.rows:
            sk, mb = np.array(drift(n_rows, args.seeds)).T
            print(f"\n{n_rows // 200} Adam steps, seeds 0-{args.seeds - 1}: largest relative "
                  "weight difference from the float64 fit")
            print("  sklearn float32: " + " ".join(f"{d:.0e}" for d in sk))
            print("  mbnet   float32: " + " ".join(f"{d:.0e}" for d in mb))
            print(f"  median: sklearn {np.median(sk):.1e}, mbnet {np.median(mb):.1e}; "
                  f"mbnet farther in {int((mb > sk).sum())} of {args.seeds} seeds")


if __name__ == "__main__":
    main()
