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
import warnings

import numpy as np
from threadpoolctl import threadpool_limits

from _common import command_line
from _libraries import make_estimator
from _workloads import WORKLOADS, load_workload_data


def distance(est, reference):
    """Return the largest relative difference of two fits' parameters.

    Parameters
    ----------
    est, reference : fitted MLPClassifier
        The fit to measure and the float64 reference fit.

    Returns
    -------
    float
        The largest ``max|p - q| / max|q|`` over the weight and intercept
        arrays ``p`` of ``est`` and ``q`` of ``reference``.
    """
    pairs = zip(est.coefs_ + est.intercepts_, reference.coefs_ + reference.intercepts_)
    return max(float(np.abs(p - q).max() / np.abs(q).max()) for p, q in pairs)


def fit_one_epoch(lib, X, y, seed):
    """Fit the W2 network with library ``lib`` for one epoch.

    Parameters
    ----------
    lib : {"sklearn", "mbnet"}
        Library name.
    X, y : ndarray
        Training data, in the dtype to fit in.
    seed : int
        ``random_state``.

    Returns
    -------
    MLPClassifier
        Fitted.
    """
    return make_estimator(lib, WORKLOADS["W2"], 1, seed).fit(X, y)


def drift(n_rows, seeds):
    """Measure each library's float32 drift from the float64 fit, per seed.

    Parameters
    ----------
    n_rows : int
        Rows of the W2 data to fit on.
    seeds : int
        Seeds ``0 .. seeds - 1``.

    Returns
    -------
    list of (float, float)
        Per seed, the sklearn and the mbnet float32 distances from the
        float64 scikit-learn fit.
    """
    X, y = load_workload_data("W2")
    X, y = X[:n_rows], y[:n_rows]
    rows = []
    for seed in range(seeds):
        reference = fit_one_epoch("sklearn", X.astype(np.float64), y, seed)
        rows.append((distance(fit_one_epoch("sklearn", X, y, seed), reference),
                     distance(fit_one_epoch("mbnet", X, y, seed), reference)))
    return rows


def main():
    """Parse the options and print the drift table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[6000, 20000])
    parser.add_argument("--seeds", type=int, default=12)
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    print(f"command: {command_line()}")
    with threadpool_limits(1):
        for n_rows in args.rows:
            sk, mb = np.array(drift(n_rows, args.seeds)).T
            print(f"\n{n_rows // 200} Adam steps, seeds 0-{args.seeds - 1}: largest "
                  "relative weight difference from the float64 fit")
            print("  sklearn float32: " + " ".join(f"{d:.0e}" for d in sk))
            print("  mbnet   float32: " + " ".join(f"{d:.0e}" for d in mb))
            print(f"  median: sklearn {np.median(sk):.1e}, mbnet {np.median(mb):.1e}; "
                  f"mbnet farther in {int((mb > sk).sum())} of {args.seeds} seeds")


if __name__ == "__main__":
    main()
