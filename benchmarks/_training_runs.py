"""The training benchmark: rounds of alternating fits, one workload at a time."""

from dataclasses import dataclass

import numpy as np

from _common import log, median_or_none
from _fits import run_fit
from _floors import adam_arithmetic_epoch, gemm_floor_epoch, n_parameters
from _libraries import BASELINE
from _workloads import layer_units, load_workload_data


@dataclass(frozen=True)
class LibrarySummary:
    """One library's results on one workload.

    Attributes
    ----------
    fit_seconds : list of float
        ``fit`` wall time per round.
    per_epoch_seconds : list of float
        The same divided by the epochs.
    per_epoch_median : float
        Median of ``per_epoch_seconds``.
    losses : list of float
        ``loss_`` per round.
    final_loss : float
        ``loss_`` of the last round.
    final_objective : float or None
        Objective of the last round's weights (None for PyTorch).
    kernels : str or None
        sklearn_mbnet's kernel path in its fits (``kernels_in_use()``; the
        paths joined by ``/`` if they differed), None if not pinned.
    """

    fit_seconds: list
    per_epoch_seconds: list
    per_epoch_median: float
    losses: list
    final_loss: float
    final_objective: float | None
    kernels: str | None = None


def summarize_library(fits, epochs):
    """Turn one library's fits on a workload into a ``LibrarySummary``.

    Parameters
    ----------
    fits : list of FitResult
        One per round.
    epochs : int
        Epochs per fit.

    Returns
    -------
    LibrarySummary
    """
    per_epoch = [fit.seconds / epochs for fit in fits]
    return LibrarySummary(fit_seconds=[fit.seconds for fit in fits],
                          per_epoch_seconds=per_epoch,
                          per_epoch_median=median_or_none(per_epoch),
                          losses=[fit.loss for fit in fits],
                          final_loss=fits[-1].loss,
                          final_objective=fits[-1].objective,
                          kernels="/".join(sorted({fit.kernels for fit in fits
                                                   if fit.kernels})) or None)


@dataclass(frozen=True)
class WorkloadRun:
    """Measurements of all rounds of one workload.

    Attributes
    ----------
    libs : dict of str to LibrarySummary
        Per library, its fits over the rounds.
    floor : list of float
        GEMM floor (seconds per epoch) per round; empty with ``--no-floor``.
    adam_floor : list of float
        Adam sqrt+divide time (seconds per epoch) per round; idem.
    layer_units : list of int
        ``[n_features, *hidden, n_outputs]``.
    n_samples : int
        Training rows.
    dtype : str
        Name of the data's dtype.
    sklearn_float64_objective : float or None
        scikit-learn's objective on float64 input (float32 workloads only).
    """

    libs: dict
    floor: list
    adam_floor: list
    layer_units: list
    n_samples: int
    dtype: str
    sklearn_float64_objective: float | None


def warm_up(libs, wl, X, y, seed):
    """Fit every library once for one epoch on a small slice (untimed).

    Parameters
    ----------
    libs : list of str
        Library names.
    wl : Workload
        The workload.
    X, y : ndarray
        Its training data.
    seed : int
        ``random_state``.
    """
    n = min(X.shape[0], max(4 * wl.batch_size, 400))
    for lib in libs:
        run_fit(lib, wl, X[:n], y[:n], 1, seed)


def _logged_fit(label, lib, wl, X, y, epochs, seed):
    """``run_fit``, logging the time and loss after ``label``."""
    res = run_fit(lib, wl, X, y, epochs, seed)
    path = f"  kernels={res.kernels}" if res.kernels else ""
    log(f"{label} {lib:11s} {res.seconds:8.3f} s  loss={res.loss:.6g}{path}")
    return res


def _logged_floors(label, wl, X, units, seed):
    """GEMM floor and Adam sqrt+divide time of one epoch, in seconds, logged."""
    n_batches = -(-X.shape[0] // wl.batch_size)
    gemm = gemm_floor_epoch(X, units, wl.batch_size, seed)
    adam = adam_arithmetic_epoch(n_parameters(units), n_batches, X.dtype)
    log(f"{label} {'floor':11s} {gemm:8.3f} s/epoch"
        f" + Adam sqrt/divide {adam:.3f} s/epoch")
    return gemm, adam


def run_workload(wl, libs, epochs, rounds, seed, floor=True, warmup=True):
    """Run all rounds of one workload, alternating the libraries.

    Parameters
    ----------
    wl : Workload
        The workload.
    libs : list of str
        Library names, in the order they alternate.
    epochs, rounds, seed : int
        Epochs per fit, rounds, ``random_state``.
    floor : bool, default=True
        Also measure the GEMM floor and the Adam arithmetic every round.
    warmup : bool, default=True
        First fit each library once, untimed, on a small slice.

    Returns
    -------
    WorkloadRun
    """
    X, y = load_workload_data(wl.key)
    units = layer_units(wl, X, y)
    if warmup:
        warm_up(libs, wl, X, y, seed)
    fits = {lib: [] for lib in libs}
    floors, adam_floors = [], []
    for r in range(rounds):
        label = f"[{wl.key}] round {r + 1}/{rounds}"
        for lib in libs:
            fits[lib].append(_logged_fit(label, lib, wl, X, y, epochs, seed))
        if floor:
            gemm, adam = _logged_floors(label, wl, X, units, seed)
            floors.append(gemm)
            adam_floors.append(adam)
    return WorkloadRun(
        libs={lib: summarize_library(f, epochs) for lib, f in fits.items()},
        floor=floors, adam_floor=adam_floors, layer_units=units,
        n_samples=int(X.shape[0]), dtype=np.dtype(wl.dtype).name,
        sklearn_float64_objective=float64_reference(wl, libs, X, y, epochs, seed))


def float64_reference(wl, libs, X, y, epochs, seed):
    """Return scikit-learn's objective after the same fit on float64 input.

    Only for a float32 workload (untimed). It measures how far float32
    rounding alone moves the result: over many steps float32 and float64
    trajectories drift apart, and so do two float32 implementations that
    round in a different order.

    Parameters
    ----------
    wl : Workload
        The workload.
    libs : list of str
        Library names; without ``BASELINE`` there is no reference.
    X, y : ndarray
        Its training data.
    epochs, seed : int
        Epochs and ``random_state``.

    Returns
    -------
    float or None
        None unless ``X`` is float32 and the baseline runs.
    """
    if X.dtype != np.float32 or BASELINE not in libs:
        return None
    res = run_fit(BASELINE, wl, X.astype(np.float64), y, epochs, seed)
    log(f"[{wl.key}] sklearn on float64 input: objective={res.objective:.6g}")
    return res.objective
