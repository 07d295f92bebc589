#!/usr/bin/env python
"""Benchmark sklearn_mbnet's MLP estimators against scikit-learn's.

Everything runs in one process. For each workload the libraries are fitted
in alternating order (sklearn, mbnet, torch, sklearn, mbnet, torch, ...) for
a fixed number of epochs, and the median per-epoch wall time is reported
together with the final training losses. A "GEMM floor" -- the time NumPy
needs for just the matrix products of one epoch of forward and backward
passes -- shows how close each implementation gets to pure BLAS time.
A prediction benchmark measures throughput and extra peak memory.

Run ``python benchmarks/bench_training.py --help`` for the options.
"""

import argparse
import functools
import gc
import importlib
import json
import os
import platform
import shlex
import statistics
import sys
import time
import tracemalloc
import warnings
from dataclasses import dataclass

import numpy as np
import sklearn
from sklearn.datasets import load_digits, make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from threadpoolctl import threadpool_info, threadpool_limits

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ALL_LIBS = ("sklearn", "mbnet", "torch")
LEARNING_RATE = 1e-3
BETAS = (0.9, 0.999)
EPSILON = 1e-8


@dataclass(frozen=True)
class Workload:
    """One training configuration.

    Attributes
    ----------
    key : str
        Short name (``"W1"`` ... ``"W4"``).
    task : {"classification", "regression"}
        Which estimator is used.
    hidden : tuple of int
        ``hidden_layer_sizes``.
    batch_size : int
        Mini-batch size.
    dtype : type
        Floating point type of ``X``.
    epochs : int
        Default number of epochs.
    quick_epochs : int
        Number of epochs in ``--quick`` mode.
    description : str
        Human readable description of the data.
    """

    key: str
    task: str
    hidden: tuple
    batch_size: int
    dtype: type
    epochs: int
    quick_epochs: int
    description: str


WORKLOADS = {
    "W1": Workload("W1", "classification", (100,), 200, np.float64, 50, 2,
                   "load_digits 1797x64, float64"),
    "W2": Workload("W2", "classification", (256, 128), 200, np.float32, 5, 1,
                   "make_classification 60000x784, 10 classes, float32"),
    "W3": Workload("W3", "classification", (64,), 16, np.float64, 5, 1,
                   "W2 data, first 20000 rows, float64"),
    "W4": Workload("W4", "regression", (128, 64), 256, np.float64, 5, 1,
                   "make_regression 100000x100, noise=0.1, float64"),
}
QUICK_PREDICT_ROWS = 20_000
PREDICT_FLOOR_CHUNK = 10_000


# --------------------------------------------------------------------------
# Data
# --------------------------------------------------------------------------

@functools.lru_cache(maxsize=None)
def _classification_data():
    """Return the float64 ``make_classification`` data shared by W2 and W3."""
    return make_classification(n_samples=60000, n_features=784, n_informative=100,
                               n_classes=10, random_state=0)


@functools.lru_cache(maxsize=None)
def load_workload_data(key):
    """Return ``(X, y)`` for a workload, cached.

    Parameters
    ----------
    key : str
        Workload key.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        C-contiguous, in the workload's dtype.
    y : ndarray of shape (n_samples,)
        Class labels, or the regression target.
    """
    if key == "W1":
        X, y = load_digits(return_X_y=True)
        return np.ascontiguousarray(X, dtype=np.float64), y
    if key == "W2":
        X, y = _classification_data()
        return X.astype(np.float32), y
    if key == "W3":
        X, y = _classification_data()
        return np.ascontiguousarray(X[:20000]), y[:20000].copy()
    if key == "W4":
        X, y = make_regression(n_samples=100000, n_features=100, noise=0.1,
                               random_state=0)
        return X, y
    raise ValueError(f"unknown workload {key!r}")


def output_units(wl, y):
    """Number of output units of the network for workload ``wl``."""
    return len(np.unique(y)) if wl.task == "classification" else 1


# --------------------------------------------------------------------------
# Libraries
# --------------------------------------------------------------------------

def import_mbnet():
    """Import ``sklearn_mbnet``, falling back to the repository root.

    Returns
    -------
    module
        The imported package.
    """
    try:
        return importlib.import_module("sklearn_mbnet")
    except ImportError:
        if REPO_ROOT in sys.path:
            raise
        sys.path.insert(0, REPO_ROOT)
        return importlib.import_module("sklearn_mbnet")


def torch_available():
    """Return True if ``import torch`` works."""
    try:
        importlib.import_module("torch")
    except ImportError:
        return False
    return True


def estimator_class(lib, task):
    """Return the MLP estimator class of ``lib`` ("sklearn" or "mbnet")."""
    if lib == "sklearn":
        return SkMLPClassifier if task == "classification" else SkMLPRegressor
    mod = import_mbnet()
    return mod.MLPClassifier if task == "classification" else mod.MLPRegressor


def make_estimator(lib, wl, epochs, seed):
    """Build an estimator that trains for exactly ``epochs`` epochs.

    ``tol=0`` and ``n_iter_no_change=epochs`` make early stopping impossible.
    """
    cls = estimator_class(lib, wl.task)
    return cls(hidden_layer_sizes=wl.hidden, solver="adam", batch_size=wl.batch_size,
               learning_rate_init=LEARNING_RATE, beta_1=BETAS[0], beta_2=BETAS[1],
               epsilon=EPSILON, max_iter=epochs, tol=0.0, n_iter_no_change=epochs,
               shuffle=True, early_stopping=False, random_state=seed)


def time_estimator_fit(est, X, y):
    """Time ``est.fit(X, y)``.

    Returns
    -------
    dict
        ``seconds`` (wall time), ``loss`` (``loss_``) and ``n_iter`` (``n_iter_``).
    """
    gc.collect()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        est.fit(X, y)
        seconds = time.perf_counter() - start
    return {"seconds": seconds, "loss": float(est.loss_), "n_iter": int(est.n_iter_),
            "objective": objective(est, X, y)}


def objective(est, X, y):
    """The training objective of the fitted weights, computed alike for both
    libraries: mean data loss over all rows plus alpha/2 ||W||^2 / n.

    ``loss_`` is not comparable: scikit-learn adds the L2 term once per
    mini-batch, sklearn_mbnet once per epoch.
    """
    if hasattr(est, "predict_proba"):
        data = log_loss(y, est.predict_proba(X), labels=est.classes_)
    else:
        data = 0.5 * float(np.mean((np.asarray(y) - est.predict(X)) ** 2))
    penalty = sum(float(np.sum(np.square(w, dtype=np.float64))) for w in est.coefs_)
    return data + 0.5 * est.alpha * penalty / X.shape[0]


def _torch_model(torch, n_in, hidden, n_out, dtype):
    """Build ``Linear/ReLU/.../Linear`` as a ``torch.nn.Sequential``."""
    layers, prev = [], n_in
    for units in hidden:
        layers += [torch.nn.Linear(prev, units), torch.nn.ReLU()]
        prev = units
    layers.append(torch.nn.Linear(prev, n_out))
    return torch.nn.Sequential(*layers).to(dtype)


def _torch_train(torch, model, loss_fn, Xt, yt, epochs, batch_size, gen):
    """Plain Adam loop over shuffled index batches; return last epoch's mean loss."""
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=BETAS,
                           eps=EPSILON)
    n = Xt.shape[0]
    mean_loss = float("nan")
    for _ in range(epochs):
        perm = torch.randperm(n, generator=gen)
        total = 0.0
        for start in range(0, n, batch_size):
            idx = perm[start:start + batch_size]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            total += loss.item() * idx.shape[0]
        mean_loss = total / n
    return mean_loss


def _torch_targets(torch, wl, y, dtype):
    """Target tensor, loss function and number of outputs for PyTorch."""
    if wl.task == "classification":
        classes, codes = np.unique(y, return_inverse=True)
        return (torch.from_numpy(codes.astype(np.int64)), torch.nn.CrossEntropyLoss(),
                len(classes))
    targets = torch.from_numpy(y.astype(dtype).reshape(-1, 1))
    return targets, torch.nn.MSELoss(), 1


def time_torch_fit(wl, X, y, epochs, seed):
    """Time a raw PyTorch training loop equivalent to the workload.

    The loss is cross-entropy or plain MSE (no L2 penalty, PyTorch's default
    initialisation), so it is not directly comparable with ``loss_``.
    """
    import torch

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    Xt = torch.from_numpy(X)
    yt, loss_fn, n_out = _torch_targets(torch, wl, y, X.dtype)
    gc.collect()
    start = time.perf_counter()
    model = _torch_model(torch, X.shape[1], wl.hidden, n_out, Xt.dtype)
    loss = _torch_train(torch, model, loss_fn, Xt, yt, epochs, wl.batch_size, gen)
    seconds = time.perf_counter() - start
    return {"seconds": seconds, "loss": loss, "n_iter": epochs}


def run_fit(lib, wl, X, y, epochs, seed):
    """Fit once with library ``lib`` and return timing and loss."""
    if lib == "torch":
        return time_torch_fit(wl, X, y, epochs, seed)
    result = time_estimator_fit(make_estimator(lib, wl, epochs, seed), X, y)
    if result["n_iter"] != epochs:
        raise RuntimeError(f"{lib} {wl.key}: ran {result['n_iter']} epochs, "
                           f"expected {epochs}")
    return result


# --------------------------------------------------------------------------
# GEMM floor
# --------------------------------------------------------------------------

def _floor_buffers(layer_units, batch_size, dtype, rng):
    """Weights, activation, delta and gradient buffers for the GEMM floor."""
    pairs = list(zip(layer_units[:-1], layer_units[1:]))
    weights = [(rng.standard_normal((a, b)) / np.sqrt(a)).astype(dtype)
               for a, b in pairs]
    acts = [np.empty((batch_size, b), dtype) for _, b in pairs]
    deltas = [rng.standard_normal((batch_size, b)).astype(dtype) for _, b in pairs]
    grads = [np.empty_like(w) for w in weights]
    return weights, acts, deltas, grads


def gemm_floor_epoch(X, layer_units, batch_size, seed=0):
    """Time only the matrix products of one epoch of forward + backward.

    Per batch: forward ``A[i] @ W[i]`` for every layer; backward
    ``A[i].T @ delta[i]`` (weight gradient) for every layer and
    ``delta[i] @ W[i].T`` for every layer but the first (the input layer
    needs no delta). No activations, biases, losses or updates; batches are
    contiguous slices of ``X`` (no shuffling copy).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Training data; its dtype is used for all products.
    layer_units : list of int
        ``[n_features, *hidden, n_outputs]``.
    batch_size : int
        Mini-batch size.
    seed : int, default=0
        Seed for the random weights and deltas.

    Returns
    -------
    float
        Wall time in seconds.
    """
    weights, acts, deltas, grads = _floor_buffers(
        layer_units, batch_size, X.dtype, np.random.default_rng(seed))
    start = time.perf_counter()
    for lo in range(0, X.shape[0], batch_size):
        xb = X[lo:lo + batch_size]
        m = xb.shape[0]
        inputs = [xb] + [a[:m] for a in acts[:-1]]
        for w, a_in, a_out in zip(weights, inputs, acts):
            np.matmul(a_in, w, out=a_out[:m])
        for i in range(len(weights) - 1, -1, -1):
            np.matmul(inputs[i].T, deltas[i][:m], out=grads[i])
            if i > 0:
                np.matmul(deltas[i][:m], weights[i].T, out=deltas[i - 1][:m])
    return time.perf_counter() - start


def adam_arithmetic_epoch(n_params, n_batches, dtype):
    """Time one sqrt and one divide over ``n_params`` values, ``n_batches`` times.

    Every exact Adam step computes ``m / (sqrt(s) + eps)`` for each
    parameter: these two operations run at the hardware's throughput whatever
    the implementation, so they add to the GEMM floor of any Adam trainer.
    """
    rng = np.random.default_rng(0)
    m, s = (rng.random(n_params).astype(dtype) for _ in range(2))
    work = np.empty(n_params, dtype)
    start = time.perf_counter()
    for _ in range(n_batches):
        np.sqrt(s, out=work)
        np.divide(m, work, out=work)
    return time.perf_counter() - start


def n_parameters(layer_units):
    """Weights and intercepts of a fully connected network."""
    return sum((a + 1) * b for a, b in zip(layer_units[:-1], layer_units[1:]))


# --------------------------------------------------------------------------
# Training benchmark
# --------------------------------------------------------------------------

def warm_up(libs, wl, X, y, seed):
    """Fit every library once for one epoch on a small slice (untimed)."""
    n = min(X.shape[0], max(4 * wl.batch_size, 400))
    for lib in libs:
        run_fit(lib, wl, X[:n], y[:n], 1, seed)


def run_workload(wl, libs, epochs, rounds, seed, floor=True, warmup=True):
    """Run all rounds of one workload, alternating the libraries.

    Returns
    -------
    dict
        Raw per-round results per library, plus the GEMM floor per round.
    """
    X, y = load_workload_data(wl.key)
    units = [X.shape[1], *wl.hidden, output_units(wl, y)]
    if warmup:
        warm_up(libs, wl, X, y, seed)
    raw = {lib: [] for lib in libs}
    floors, adam_floors = [], []
    n_batches = -(-X.shape[0] // wl.batch_size)
    for r in range(rounds):
        for lib in libs:
            res = run_fit(lib, wl, X, y, epochs, seed)
            raw[lib].append(res)
            log(f"[{wl.key}] round {r + 1}/{rounds} {lib:7s} {res['seconds']:8.3f} s"
                f"  loss={res['loss']:.6g}")
        if floor:
            floors.append(gemm_floor_epoch(X, units, wl.batch_size, seed))
            adam_floors.append(adam_arithmetic_epoch(n_parameters(units), n_batches,
                                                     X.dtype))
            log(f"[{wl.key}] round {r + 1}/{rounds} floor   {floors[-1]:8.3f} s/epoch"
                f" + Adam sqrt/divide {adam_floors[-1]:.3f} s/epoch")
    return {"raw": raw, "floor": floors, "adam_floor": adam_floors, "layer_units": units,
            "n_samples": int(X.shape[0]), "dtype": np.dtype(wl.dtype).name,
            "sklearn_float64_objective": float64_reference(wl, libs, X, y, epochs, seed)}


def float64_reference(wl, libs, X, y, epochs, seed):
    """For a float32 workload, scikit-learn's objective after the same fit on
    float64 input (untimed), else None.

    It measures how far float32 rounding alone moves the result: over many
    steps float32 and float64 trajectories drift apart, and so do two float32
    implementations that round in a different order.
    """
    if X.dtype != np.float32 or "sklearn" not in libs:
        return None
    res = run_fit("sklearn", wl, X.astype(np.float64), y, epochs, seed)
    log(f"[{wl.key}] sklearn on float64 input: objective={res['objective']:.6g}")
    return res["objective"]


def _ratio(num, den):
    """``num / den`` or None when either is missing or ``den`` is zero."""
    if num is None or den is None or den == 0:
        return None
    return num / den


def _rel_diff(value, reference):
    """``|value - reference| / |reference|`` or None when either is missing."""
    if value is None or reference is None:
        return None
    return _ratio(abs(value - reference), abs(reference))


def summarize_workload(wl, epochs, run):
    """Turn raw per-round results into medians, ratios and loss comparison."""
    libs = {}
    for lib, results in run["raw"].items():
        per_epoch = [res["seconds"] / epochs for res in results]
        libs[lib] = {"fit_seconds": [res["seconds"] for res in results],
                     "per_epoch_seconds": per_epoch,
                     "per_epoch_median": statistics.median(per_epoch),
                     "losses": [res["loss"] for res in results],
                     "final_loss": results[-1]["loss"],
                     "final_objective": results[-1].get("objective")}
    med = {lib: v["per_epoch_median"] for lib, v in libs.items()}
    floor = statistics.median(run["floor"]) if run["floor"] else None
    adam_floor = statistics.median(run["adam_floor"]) if run.get("adam_floor") else None
    ceiling_den = None if floor is None or adam_floor is None else floor + adam_floor
    sk_losses = libs.get("sklearn", {}).get("losses", [])
    sk_loss = sk_losses[-1] if sk_losses else None
    mb_loss = libs.get("mbnet", {}).get("final_loss")
    return {"workload": wl.key, "description": wl.description, "task": wl.task,
            "hidden": list(wl.hidden), "batch_size": wl.batch_size,
            "dtype": run["dtype"], "n_samples": run["n_samples"],
            "layer_units": run["layer_units"], "epochs": epochs, "libs": libs,
            "floor_epoch_seconds": run["floor"], "floor_median": floor,
            "speedup_mbnet": _ratio(med.get("sklearn"), med.get("mbnet")),
            "speedup_torch": _ratio(med.get("sklearn"), med.get("torch")),
            "mbnet_over_floor": _ratio(med.get("mbnet"), floor),
            "sklearn_over_floor": _ratio(med.get("sklearn"), floor),
            "adam_floor_epoch_seconds": run.get("adam_floor"),
            "adam_floor_median": adam_floor,
            "ceiling": _ratio(med.get("sklearn"), ceiling_den),
            "loss_rel_diff": _rel_diff(mb_loss, sk_loss),
            "objective_rel_diff": _rel_diff(libs.get("mbnet", {}).get("final_objective"),
                                            libs.get("sklearn", {}).get("final_objective")),
            "sklearn_float64_objective": run.get("sklearn_float64_objective"),
            "sklearn_f32_f64_rel_diff": _rel_diff(
                libs.get("sklearn", {}).get("final_objective"),
                run.get("sklearn_float64_objective")),
            "sklearn_loss_deterministic": len(set(sk_losses)) <= 1}


# --------------------------------------------------------------------------
# Prediction benchmark
# --------------------------------------------------------------------------

def make_predict_input(n_rows, n_features, seed, chunk=100_000):
    """Standard normal float32 matrix, generated in chunks without temporaries."""
    X = np.empty((n_rows, n_features), dtype=np.float32)
    rng = np.random.default_rng(seed)
    for lo in range(0, n_rows, chunk):
        rng.standard_normal(out=X[lo:lo + chunk], dtype=np.float32)
    return X


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
    """Extra peak memory of ``est.predict(X)`` beyond what existed before.

    Returns
    -------
    dict
        ``tracemalloc_mb``: traced peak during predict minus traced memory
        before (NumPy reports its buffers to tracemalloc).
        ``rss_hwm_mb``: RSS high-water mark during predict minus RSS before
        (Linux only, else None); also sees memory not allocated by NumPy.
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
    return {"tracemalloc_mb": (peak - before) / 2**20, "rss_hwm_mb": rss_mb}


def time_predict(est, X):
    """Wall time of ``est.predict(X)``; also returns the predictions."""
    gc.collect()
    start = time.perf_counter()
    pred = est.predict(X)
    return time.perf_counter() - start, pred


def train_predict_models(libs, seed):
    """Train the W2 model for one epoch with each library."""
    wl = WORKLOADS["W2"]
    X, y = load_workload_data("W2")
    models = {}
    for lib in libs:
        est = make_estimator(lib, wl, 1, seed)
        res = time_estimator_fit(est, X, y)
        log(f"[predict] trained {lib} W2 model, 1 epoch, {res['seconds']:.2f} s")
        models[lib] = est
    return models


def run_predict_benchmark(libs, n_rows, rounds, seed, floor=True):
    """Throughput and extra peak memory of ``predict`` on ``n_rows`` x 784 rows,
    and (if ``floor``) the time of the matrix products alone."""
    libs = [lib for lib in libs if lib != "torch"]
    models = train_predict_models(libs, seed)
    X = make_predict_input(n_rows, 784, seed)
    times = {lib: [] for lib in libs}
    floors = []
    preds = {}
    for r in range(rounds):
        for lib in libs:
            seconds, preds[lib] = time_predict(models[lib], X)
            times[lib].append(seconds)
            log(f"[predict] round {r + 1}/{rounds} {lib:7s} {seconds:8.3f} s")
        if floor:
            floors.append(predict_floor(models[libs[0]].coefs_, X))
            log(f"[predict] round {r + 1}/{rounds} floor   {floors[-1]:8.3f} s")
    floor_median = statistics.median(floors) if floors else None
    out = {"rows": n_rows, "n_features": 784, "dtype": "float32", "libs": {},
           "floor_seconds": floors, "floor_rows_per_second": _ratio(n_rows, floor_median),
           "floor_chunk_rows": PREDICT_FLOOR_CHUNK}
    for lib in libs:
        med = statistics.median(times[lib])
        out["libs"][lib] = {"seconds": times[lib], "median_seconds": med,
                            "rows_per_second": n_rows / med,
                            "over_floor": _ratio(med, floor_median),
                            **measure_predict_memory(models[lib], X)}
    if "sklearn" in models and "mbnet" in models:
        out.update(compare_predictions(models, preds, out["libs"]))
    return out


def predict_floor(coefs, X, chunk=None):
    """Time only the matrix products of a forward pass over ``X``, in chunks
    of ``chunk`` rows (default ``PREDICT_FLOOR_CHUNK``) written into reused
    outputs: no validation, biases, activations or output link."""
    chunk = chunk or PREDICT_FLOOR_CHUNK
    coefs = [np.asarray(w, dtype=X.dtype) for w in coefs]
    outs = [np.empty((chunk, w.shape[1]), X.dtype) for w in coefs]
    gc.collect()
    start = time.perf_counter()
    for lo in range(0, X.shape[0], chunk):
        h = X[lo:lo + chunk]
        for w, out in zip(coefs, outs):
            h = np.matmul(h, w, out=out[:h.shape[0]])
    return time.perf_counter() - start


def compare_predictions(models, preds, lib_results):
    """Speed-up and label agreement of the sklearn and mbnet W2 models.

    Agreement is reported on the random input (out of distribution, so
    sensitive to small weight differences) and on the W2 training data.
    """
    X_train, _ = load_workload_data("W2")
    train_same = models["sklearn"].predict(X_train) == models["mbnet"].predict(X_train)
    return {"speedup_mbnet": _ratio(lib_results["sklearn"]["median_seconds"],
                                    lib_results["mbnet"]["median_seconds"]),
            "label_agreement": float(np.mean(preds["sklearn"] == preds["mbnet"])),
            "train_label_agreement": float(np.mean(train_same))}


# --------------------------------------------------------------------------
# Integrity of the sklearn baseline
# --------------------------------------------------------------------------

_SKLEARN_MODULES = ("sklearn.neural_network._multilayer_perceptron",
                    "sklearn.neural_network._base",
                    "sklearn.neural_network._stochastic_optimizers",
                    "sklearn.utils.extmath", "sklearn.utils._indexing")
_MISSING = object()
_VOLATILE = ("__warningregistry__",)  # legitimately updated by warnings.warn


def snapshot_sklearn():
    """References to every object the sklearn MLP code path looks up.

    Module globals, class attributes and the activation/loss tables of the
    sklearn MLP modules, plus ``numpy.dot``/``numpy.matmul``. Comparing two
    snapshots with ``is`` detects monkey-patching.
    """
    snap = {("numpy", name): getattr(np, name) for name in ("dot", "matmul")}
    for modname in _SKLEARN_MODULES:
        mod = importlib.import_module(modname)
        for name, obj in list(vars(mod).items()):
            if name in _VOLATILE:
                continue
            snap[(modname, name)] = obj
            if isinstance(obj, type) and obj.__module__ == modname:
                for attr, val in vars(obj).items():
                    snap[(modname, f"{name}.{attr}")] = val
            elif isinstance(obj, dict) and name.isupper():
                for k, v in obj.items():
                    snap[(modname, f"{name}[{k!r}]")] = v
    return snap


def sklearn_changes(snapshot):
    """Names whose objects differ from ``snapshot`` (empty list if untouched)."""
    now = snapshot_sklearn()
    keys = set(snapshot) | set(now)
    return sorted(".".join(k) for k in keys
                  if snapshot.get(k, _MISSING) is not now.get(k, _MISSING))


def check_mbnet_distinct():
    """Raise if sklearn_mbnet's estimators are scikit-learn's own classes."""
    mod = import_mbnet()
    for name, sk_cls in (("MLPClassifier", SkMLPClassifier),
                         ("MLPRegressor", SkMLPRegressor)):
        if getattr(mod, name) is sk_cls:
            raise RuntimeError(f"sklearn_mbnet.{name} is sklearn's class; "
                               "the comparison would be meaningless")


# --------------------------------------------------------------------------
# Environment and output
# --------------------------------------------------------------------------

def log(msg):
    """Progress message on stderr (stdout carries only the report)."""
    print(msg, file=sys.stderr, flush=True)


def command_line():
    """The command line that started this process, shell-quoted."""
    return shlex.join([os.path.basename(sys.executable)] + sys.argv)


def environment(libs, threads):
    """Versions, thread settings and platform information."""
    info = {"python": platform.python_version(), "numpy": np.__version__,
            "sklearn": sklearn.__version__, "sklearn_mbnet": None,
            "sklearn_mbnet_path": None, "torch": None, "threads": threads,
            "cpu_count": os.cpu_count(), "platform": platform.platform(),
            "machine": platform.machine(), "date": time.strftime("%Y-%m-%d %H:%M:%S"),
            "threadpools": [{k: p.get(k) for k in ("internal_api", "num_threads",
                                                     "version")}
                            for p in threadpool_info()]}
    if "mbnet" in libs:
        mod = import_mbnet()
        info["sklearn_mbnet"] = getattr(mod, "__version__", "unknown")
        info["sklearn_mbnet_path"] = os.path.dirname(os.path.abspath(mod.__file__))
    if "torch" in libs:
        import torch
        info["torch"] = torch.__version__
    return info


def header_lines(results):
    """Lines describing command, versions and settings."""
    env = results["environment"]
    pools = ", ".join(f"{p['internal_api']}={p['num_threads']}" for p in env["threadpools"])
    lines = [f"command: {results['command']}",
             f"python {env['python']}  numpy {env['numpy']}  sklearn {env['sklearn']}"
             f"  sklearn_mbnet {env['sklearn_mbnet'] or '(not run)'}"
             f"  torch {env['torch'] or '(not run)'}",
             f"threads: {env['threads']} (threadpools: {pools or 'none'});"
             f" cpus: {env['cpu_count']}; {env['platform']}",
             f"rounds: {results['config']['rounds']}; seed: {results['config']['seed']};"
             " times are fit() wall time / epochs, median over rounds"]
    if env["sklearn_mbnet_path"]:
        where = os.path.relpath(env["sklearn_mbnet_path"], REPO_ROOT)
        lines.append(f"sklearn_mbnet from: {'this checkout' if where == 'sklearn_mbnet' else where}")
    check = results["sklearn_integrity"]
    lines.append("sklearn integrity: " + ("OK (sklearn MLP code untouched; sklearn loss "
                                          "identical across rounds)" if check["ok"]
                                          else f"PROBLEM: {check}"))
    return lines


def _fmt(value, spec):
    """Format ``value`` with ``spec``, or '-' when it is None."""
    return "-" if value is None else format(value, spec)


TRAIN_HEADERS = ["workload", "epochs", "sklearn s/ep", "mbnet s/ep", "speed-up",
                 "torch s/ep", "floor s/ep", "mbnet/floor", "Adam sqrt+div s/ep",
                 "ceiling",
                 "sklearn loss", "mbnet loss", "loss_ rel diff", "objective rel diff",
                 "sklearn f32 vs f64"]
TRAIN_LEGEND = [
    "s/ep: fit() wall time / epochs, median over rounds; speed-up = sklearn/mbnet",
    "floor: the epoch's matrix products alone (np.matmul, contiguous batches)",
    "Adam sqrt+div: one sqrt and one divide per parameter per step, which "
    "exact Adam computes in any implementation",
    "ceiling: sklearn s/ep / (floor + Adam sqrt+div), the largest speed-up "
    "an exact Adam trainer doing the same matrix products can reach "
    "(at one thread: NumPy's sqrt and divide do not use more)",
    "objective: mean training loss + L2 term, computed alike from each "
    "library's fitted weights (loss_ differs by design)",
    "sklearn f32 vs f64: float32 workloads only, scikit-learn's objective on "
    "float32 vs float64 input, same seed: the drift float32 rounding causes",
]


def training_rows(training):
    """Table rows (lists of str) for the training results."""
    rows = []
    for t in training:
        med = {lib: v["per_epoch_median"] for lib, v in t["libs"].items()}
        loss = {lib: v["final_loss"] for lib, v in t["libs"].items()}
        rows.append([t["workload"], str(t["epochs"]), _fmt(med.get("sklearn"), ".4f"),
                     _fmt(med.get("mbnet"), ".4f"), _fmt(t["speedup_mbnet"], ".2f"),
                     _fmt(med.get("torch"), ".4f"), _fmt(t["floor_median"], ".4f"),
                     _fmt(t["mbnet_over_floor"], ".2f"), _fmt(t.get("adam_floor_median"), ".4f"),
                     _fmt(t.get("ceiling"), ".2f"),
                     _fmt(loss.get("sklearn"), ".6g"),
                     _fmt(loss.get("mbnet"), ".6g"), _fmt(t["loss_rel_diff"], ".2e"),
                     _fmt(t.get("objective_rel_diff"), ".2e"),
                     _fmt(t.get("sklearn_f32_f64_rel_diff"), ".2e")])
    return rows


PREDICT_HEADERS = ["library", "rows", "median s", "rows/s", "time/floor",
                   "extra peak MB (tracemalloc)", "extra RSS HWM MB (approx.)"]


def predict_rows(pred):
    """Table rows (lists of str) for the prediction results, then the floor."""
    rows = [[lib, str(pred["rows"]), f"{v['median_seconds']:.3f}",
             f"{v['rows_per_second']:,.0f}", _fmt(v["over_floor"], ".2f"),
             f"{v['tracemalloc_mb']:.1f}", _fmt(v["rss_hwm_mb"], ".1f")]
            for lib, v in pred["libs"].items()]
    if not pred["floor_seconds"]:
        return rows
    floor = statistics.median(pred["floor_seconds"])
    rows.append([f"floor ({pred['floor_chunk_rows']:,}-row chunks, matmul only)",
                 str(pred["rows"]), f"{floor:.3f}",
                 f"{pred['floor_rows_per_second']:,.0f}", "1.00", "-", "-"])
    return rows


def text_table(headers, rows):
    """Plain-text table with right-aligned columns."""
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(h.rjust(w) for h, w in zip(headers, widths))
    out = [line, "-" * len(line)]
    out += ["  ".join(c.rjust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


def markdown_table(headers, rows):
    """GitHub-flavoured markdown table."""
    out = ["| " + " | ".join(headers) + " |", "|" + "---:|" * len(headers)]
    out += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(out)


def predict_summary(pred):
    """One-line summary of the prediction comparison, or ''."""
    if "speedup_mbnet" not in pred:
        return ""
    return (f"predict speed-up sklearn/mbnet: {pred['speedup_mbnet']:.2f}; "
            f"sklearn-vs-mbnet label agreement: {pred['label_agreement']:.2%} on the "
            f"random input, {pred['train_label_agreement']:.2%} on the W2 training data")


def render_text(results):
    """Full plain-text report."""
    parts = ["\n".join(header_lines(results)), "",
             "Training (per-epoch seconds; speed-up = sklearn/mbnet; floor = GEMM-only)",
             text_table(TRAIN_HEADERS, training_rows(results["training"]))]
    for t in results["training"]:
        parts.append(f"  {t['workload']}: {t['description']}, hidden={tuple(t['hidden'])},"
                     f" batch={t['batch_size']}")
    parts += [f"  {line}" for line in TRAIN_LEGEND]
    if results.get("predict"):
        pred = results["predict"]
        parts += ["", "Prediction (W2 model trained 1 epoch; random normal float32 input)",
                  text_table(PREDICT_HEADERS, predict_rows(pred)), predict_summary(pred)]
    return "\n".join(parts)


def render_markdown(results):
    """Markdown report with the same content as the text report."""
    parts = ["# sklearn_mbnet training benchmark", "",
             "\n".join(f"- {line}" if not line.startswith("command")
                       else f"- command: `{results['command']}`"
                       for line in header_lines(results)), "", "## Training", "",
             markdown_table(TRAIN_HEADERS, training_rows(results["training"])), ""]
    parts += [f"- {t['workload']}: {t['description']}, hidden={tuple(t['hidden'])}, "
              f"batch={t['batch_size']}" for t in results["training"]]
    parts += [f"- {line}" for line in TRAIN_LEGEND]
    if results.get("predict"):
        pred = results["predict"]
        parts += ["", "## Prediction", "",
                  markdown_table(PREDICT_HEADERS, predict_rows(pred)), "",
                  predict_summary(pred)]
    return "\n".join(parts) + "\n"


def write_plot(results, path):
    """Bar chart of the speed-up over sklearn per workload (needs matplotlib)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib is not installed; skipping --plot")
        return False
    training = results["training"]
    names = [t["workload"] for t in training]
    series = [(k, lbl) for k, lbl in (("speedup_mbnet", "sklearn_mbnet"),
                                      ("speedup_torch", "raw PyTorch"))
              if any(t[k] is not None for t in training)]
    fig, ax = plt.subplots(figsize=(7, 4))
    width = 0.8 / max(len(series), 1)
    for j, (key, label) in enumerate(series):
        xs = [i + (j - (len(series) - 1) / 2) * width for i in range(len(names))]
        ax.bar(xs, [t[key] or 0 for t in training], width, label=label)
    ceilings = [t.get("ceiling") for t in training]
    if all(c is not None for c in ceilings):
        ax.scatter(range(len(names)), ceilings, marker="_", s=1500, linewidths=2,
                   color="black", zorder=3,
                   label="ceiling: sklearn / (GEMMs + Adam sqrt, divide)")
    tallest = max([t[k] or 0 for t in training for k, _ in series]
                  + [c or 0 for c in ceilings] + [1.0])
    ax.set_ylim(0, 1.6 * tallest)  # head room for the legend
    ax.axhline(1.0, color="black", linewidth=0.8)
    ax.set_xticks(range(len(names)), names)
    ax.set_ylabel("speed-up over scikit-learn (per-epoch)")
    ax.set_title(f"Training speed-up, {results['environment']['threads']} thread(s)")
    if series:
        ax.legend(markerscale=0.3, loc="upper left", ncol=2, fontsize="small")
    fig.text(0.01, 0.01, results["command"], fontsize=6, family="monospace")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return True


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------

def parse_epochs(spec, quick):
    """Epochs per workload from defaults and a ``W1=20,W2=3`` override spec."""
    epochs = {k: (w.quick_epochs if quick else w.epochs) for k, w in WORKLOADS.items()}
    for item in filter(None, (spec or "").split(",")):
        key, _, value = item.partition("=")
        key = key.strip().upper()
        if key not in WORKLOADS or not value.strip().isdigit() or int(value) < 1:
            raise SystemExit(f"bad --epochs item {item!r}; expected e.g. W1=20")
        epochs[key] = int(value)
    return epochs


def parse_list(spec, allowed, option):
    """Split a comma-separated list and check every item is allowed."""
    items = [s.strip() for s in spec.split(",") if s.strip()]
    bad = [s for s in items if s not in allowed]
    if bad or not items:
        raise SystemExit(f"bad {option} {spec!r}; choose from {', '.join(allowed)}")
    return items


def build_parser():
    """Argument parser for the benchmark."""
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rounds", type=int, default=None,
                   help="alternating rounds per workload (default 3, --quick 1)")
    p.add_argument("--threads", type=int, default=1, help="BLAS/OpenMP/torch threads (default 1)")
    p.add_argument("--epochs", default="",
                   help="per-workload epochs, e.g. W1=50,W2=5 (defaults: "
                        + ", ".join(f"{k}={w.epochs}" for k, w in WORKLOADS.items()) + ")")
    p.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated workloads to run (default all)")
    p.add_argument("--only", default=None,
                   help="comma-separated subset of sklearn,mbnet,torch "
                        "(default: all; torch only if importable)")
    p.add_argument("--seed", type=int, default=0, help="random_state of the estimators (default 0)")
    p.add_argument("--predict", action=argparse.BooleanOptionalAction, default=True,
                   help="run the prediction benchmark (default on)")
    p.add_argument("--predict-rows", type=int, default=None,
                   help=f"rows to predict (default 1000000, --quick {QUICK_PREDICT_ROWS})")
    p.add_argument("--floor", action=argparse.BooleanOptionalAction, default=True,
                   help="measure the GEMM floor (default on)")
    p.add_argument("--warmup", action=argparse.BooleanOptionalAction, default=True,
                   help="one untimed 1-epoch fit per library on a small slice "
                        "first (default on)")
    p.add_argument("--quick", action="store_true",
                   help="smoke test: 1 round, tiny epochs, few predict rows")
    p.add_argument("--json", metavar="PATH", help="write all results as JSON")
    p.add_argument("--markdown", metavar="PATH", help="write a markdown report")
    p.add_argument("--plot", metavar="PATH", help="write a PNG speed-up chart")
    return p


def resolve_libs(only):
    """Libraries to benchmark, checking that the requested ones import."""
    if only is None:
        libs = ["sklearn", "mbnet"] + (["torch"] if torch_available() else [])
    else:
        libs = parse_list(only, ALL_LIBS, "--only")
        libs = [lib for lib in ALL_LIBS if lib in libs]
    if "torch" in libs and not torch_available():
        raise SystemExit("--only includes torch but `import torch` fails")
    if "mbnet" in libs:
        try:
            import_mbnet()
        except ImportError as exc:
            raise SystemExit(f"cannot import sklearn_mbnet ({exc}); "
                             "use --only sklearn to benchmark scikit-learn alone")
    return libs


def resolve_config(args):
    """Validated run configuration from parsed arguments."""
    rounds = args.rounds if args.rounds is not None else (1 if args.quick else 3)
    rows = args.predict_rows
    if rows is None:
        rows = QUICK_PREDICT_ROWS if args.quick else 1_000_000
    if rounds < 1 or args.threads < 1 or rows < 1:
        raise SystemExit("--rounds, --threads and --predict-rows must be >= 1")
    return {"rounds": rounds, "threads": args.threads, "seed": args.seed,
            "epochs": parse_epochs(args.epochs, args.quick),
            "workloads": parse_list(args.workloads.upper(), tuple(WORKLOADS),
                                    "--workloads"),
            "libs": resolve_libs(args.only), "predict": args.predict,
            "predict_rows": rows, "floor": args.floor, "warmup": args.warmup,
            "quick": args.quick}


def run_all(config):
    """Run the training and prediction benchmarks under the thread limit."""
    libs = config["libs"]
    training = []
    for key in config["workloads"]:
        wl = WORKLOADS[key]
        epochs = config["epochs"][key]
        run = run_workload(wl, libs, epochs, config["rounds"], config["seed"],
                           floor=config["floor"], warmup=config["warmup"])
        training.append(summarize_workload(wl, epochs, run))
    predict = None
    if config["predict"] and any(lib != "torch" for lib in libs):
        predict = run_predict_benchmark(libs, config["predict_rows"], config["rounds"],
                                        config["seed"], floor=config["floor"])
    return training, predict


def main(argv=None):
    """Entry point; returns the process exit code."""
    args = build_parser().parse_args(argv)
    config = resolve_config(args)
    snapshot = snapshot_sklearn()
    if "mbnet" in config["libs"]:
        check_mbnet_distinct()
    if "torch" in config["libs"]:
        import torch
        torch.set_num_threads(config["threads"])
    start = time.perf_counter()
    with threadpool_limits(limits=config["threads"]):
        env = environment(config["libs"], config["threads"])
        training, predict = run_all(config)
    changes = sklearn_changes(snapshot)
    deterministic = all(t["sklearn_loss_deterministic"] for t in training)
    results = {"command": command_line(), "environment": env, "config": config,
               "training": training, "predict": predict,
               "sklearn_integrity": {"ok": not changes and deterministic,
                                     "patched_names": changes,
                                     "sklearn_loss_deterministic": deterministic,
                                     "sklearn_mbnet_imported": "sklearn_mbnet"
                                     in sys.modules},
               "total_seconds": time.perf_counter() - start}
    emit(results, args)
    return 0 if results["sklearn_integrity"]["ok"] else 1


def emit(results, args):
    """Print the report and write the requested output files."""
    print(render_text(results))
    print(f"\ntotal benchmark time: {results['total_seconds']:.1f} s")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(results, fh, indent=2)
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write(render_markdown(results))
    if args.plot:
        write_plot(results, args.plot)


if __name__ == "__main__":
    sys.exit(main())
