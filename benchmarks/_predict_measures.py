"""Pieces of the prediction benchmark: the models, the input, one timed call.

The extra peak memory of a call is measured with tracemalloc and, on Linux,
as the RSS high-water mark.
"""

import gc
import time
import tracemalloc
from dataclasses import dataclass

import numpy as np

from _common import log
from _fits import time_estimator_fit
from _libraries import make_estimator
from _workloads import WORKLOADS, load_workload_data


@dataclass(frozen=True)
class PredictMemory:
    """Memory ``predict`` needed beyond what existed before the call.

    Attributes
    ----------
    tracemalloc_mb : float
        Traced peak during ``predict`` minus traced memory before, MiB
        (NumPy reports its buffers to tracemalloc).
    rss_hwm_mb : float or None
        RSS high-water mark during ``predict`` minus RSS before, MiB; also
        sees memory not allocated through NumPy. None where the high-water
        mark cannot be reset or read (not Linux).
    """

    tracemalloc_mb: float
    rss_hwm_mb: float | None


def _read_status_kb(field):
    """Value of ``field`` (e.g. ``VmHWM``) in /proc/self/status, in kB, or None."""
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def _reset_rss_peak():
    """Reset the process's RSS high-water mark (Linux only); True on success."""
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


def measure_predict_memory(est, X):
    """Measure the extra peak memory of ``est.predict(X)``.

    Parameters
    ----------
    est : fitted estimator
        The model.
    X : ndarray
        The input.

    Returns
    -------
    PredictMemory
    """
    gc.collect()
    rss_ok = _reset_rss_peak()
    rss_before = _read_status_kb("VmRSS")
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
    pred = est.predict(X)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    hwm = _read_status_kb("VmHWM") if rss_ok else None
    del pred
    rss_mb = (hwm - rss_before) / 1024 if hwm and rss_before else None
    return PredictMemory((peak - before) / 2**20, rss_mb)


def make_predict_input(n_rows, n_features, seed, chunk=100_000):
    """Return a standard normal float32 matrix, generated in chunks.

    Parameters
    ----------
    n_rows, n_features : int
        Its shape.
    seed : int
        Seed of the generator.
    chunk : int, default=100_000
        Rows generated at a time, written in place (no temporaries).

    Returns
    -------
    ndarray of shape (n_rows, n_features)
    """
    X = np.empty((n_rows, n_features), dtype=np.float32)
    rng = np.random.default_rng(seed)
    for lo in range(0, n_rows, chunk):
        rng.standard_normal(out=X[lo:lo + chunk], dtype=np.float32)
    return X


def time_predict(est, X):
    """Time ``est.predict(X)``.

    Parameters
    ----------
    est, X : fitted estimator, ndarray
        The model and its input.

    Returns
    -------
    seconds : float
        Wall time.
    pred : ndarray
        The predictions.
    """
    gc.collect()
    start = time.perf_counter()
    pred = est.predict(X)
    return time.perf_counter() - start, pred


def train_predict_models(libs, seed):
    """Train the W2 model for one epoch with each library.

    Parameters
    ----------
    libs : list of str
        Names of ``"estimator"`` libraries.
    seed : int
        ``random_state``.

    Returns
    -------
    dict of str to estimator
        The fitted models, by library name.
    """
    wl = WORKLOADS["W2"]
    X, y = load_workload_data("W2")
    models = {}
    for lib in libs:
        est = make_estimator(lib, wl, 1, seed)
        res = time_estimator_fit(est, X, y)
        log(f"[predict] trained {lib} W2 model, 1 epoch, {res.seconds:.2f} s")
        models[lib] = est
    return models
