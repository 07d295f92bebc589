"""Reliability rules (issue #4), one test or more per rule, each against an oracle.

1. Numerical safety: no overflow, division by zero or invalid operation in
   the forward pass, loss, gradient or prediction for inputs up to 1e150 and
   raw outputs up to +-1e4; Poisson rejects negative targets; divergence stops
   training with an error naming the learning rate and the input scaling, and
   a call that fails leaves the estimator as it was before the call.
2. Determinism and safety: bit-identical refits (also in another process),
   pickling, clone, concurrent prediction, KeyboardInterrupt.
3. Bounded resources: repeated partial_fit does not accumulate memory.
"""

import ast
import gc
import hashlib
import itertools
import os
import pickle
import subprocess
import sys
import threading
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError

import sklearn_mbnet
from sklearn_mbnet import MLPClassifier, MLPRegressor
from sklearn_mbnet._network import Network
from sklearn_mbnet._objective import Batch, Objective
from sklearn_mbnet._training import Trainer
from sklearn_mbnet.layers import ACTIVATIONS
from sklearn_mbnet.losses import LOSSES

from _helpers import (
    KINDS,
    OURS,
    each_kind,
    first_partial_fit_kwargs,
    fit_quiet,
    standard_normal_data,
    weights_bytes,
)

RAISE = dict(over="raise", divide="raise", invalid="raise")
# The input bound of the numerical-safety rule: 1e150 for float64, about
# sqrt(largest float) / 1e4. The same rule for float32 gives 1e15.
INPUT_BOUND = {np.float64: 1e150, np.float32: 1e15}


def _snapshot(est):
    """Everything a failed call must leave alone, bit for bit (not the
    optimizer's private scratch buffers, whose contents mean nothing)."""
    opt = est._optimizer
    opt_arrays = {} if opt is None else {
        k: v.tobytes() for k, v in vars(opt).items()
        if isinstance(v, np.ndarray) and not k.startswith("_")}
    return (weights_bytes(est), est.n_iter_, est.t_, list(est.loss_curve_),
            opt_arrays, est._rng.get_state()[1].tobytes())


# ================================================== 1. numerical safety


def _targets_up_to_1e4(loss_name, n, n_out, rng, dtype):
    if loss_name == "log_loss":
        return np.eye(n_out, dtype=dtype)[rng.randint(n_out, size=n)]
    if loss_name == "binary_log_loss":
        return rng.randint(2, size=(n, n_out)).astype(dtype)
    return rng.choice([0.0, 1.0, 3.0, 1e4], size=(n, n_out)).astype(dtype)


def _large_inputs(rng, n, d, bound, dtype):
    """Rows mixing +-bound with zeros and ordinary values; one row all +bound."""
    X = rng.choice([-bound, bound, 0.0, 1.0, -2.5], size=(n, d)).astype(dtype)
    X[0] = bound
    return X


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("loss_name", sorted(LOSSES))
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_no_floating_point_error_for_inputs_up_to_bound(activation, loss_name, dtype):
    """Forward, loss, gradient and prediction under np.errstate(raise)."""
    loss = LOSSES[loss_name]()
    for seed, hidden, n in itertools.product(range(3), [(), (6,), (4, 3)], [1, 7, 64]):
        rng = np.random.RandomState(seed)
        X = _large_inputs(rng, n, 5, INPUT_BOUND[dtype], dtype)
        Y = _targets_up_to_1e4(loss_name, n, 3, rng, dtype)
        w = rng.uniform(0.5, 2.0, size=n).astype(dtype) if seed == 1 else None
        net = Network([5, *hidden, 3], activation, dtype)
        net.init_glorot(rng)
        net.allocate(n)
        with np.errstate(**RAISE):
            value = Objective(net, loss, 1e-4).value_and_grad(Batch(X, Y, w))
            pred = net.predict(X, loss.inverse_link)
            log_pred = net.predict(X, _log_link(loss))
        assert np.isfinite(value)
        assert np.isfinite(net.grad).all()
        assert np.isfinite(pred).all() and np.isfinite(log_pred).all()


def _log_link(loss):
    """The log of a classifier's probabilities; a regressor's predictions."""
    return loss.log_inverse_link if loss.task == "classification" else loss.inverse_link


def _fitted(kind, **params):
    X, y = standard_normal_data(kind)
    if params.get("loss") == "poisson":
        y = np.abs(y)
    params = {"hidden_layer_sizes": (5,), "max_iter": 20, "random_state": 0, **params}
    return fit_quiet(OURS[kind](**params), X, y), X


ESTIMATOR_CASES = [
    ("clf", {}), ("clf", {"activation": "logistic"}), ("reg", {}),
    ("reg", {"loss": "poisson"}), ("reg", {"activation": "identity"}),
]


@pytest.mark.parametrize("kind, params", ESTIMATOR_CASES)
def test_predictions_finite_without_fp_error_for_large_inputs(kind, params):
    est, X = _fitted(kind, **params)
    X_big = _large_inputs(np.random.RandomState(0), 50, X.shape[1], 1e150, np.float64)
    methods = ["predict", "predict_proba", "predict_log_proba"] if kind == "clf" else [
        "predict"]
    for method in methods:
        with np.errstate(**RAISE):
            out = getattr(est, method)(X_big)
        if method != "predict" or kind == "reg":
            assert np.isfinite(out).all(), method


@pytest.mark.parametrize("kind, params", [c for c in ESTIMATOR_CASES
                                          if c[1].get("activation") != "logistic"])
def test_prediction_overflow_is_an_error_not_a_silent_nan(kind, params):
    """Beyond the bound, an input can overflow the network: predicting must
    then fail clearly, never return inf or NaN (nor labels chosen from NaN).
    First-layer weights of 1 make 4 inputs of 1.7e308 sum past the largest float."""
    est, X = _fitted(kind, **params)
    est.coefs_[0][...] = 1.0
    X_huge = np.full((3, X.shape[1]), 1.7e308)
    methods = ["predict", "predict_proba", "predict_log_proba"] if kind == "clf" else [
        "predict"]
    for method in methods:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's overflow warnings
            with pytest.raises(ValueError, match="The network's output overflowed"):
                getattr(est, method)(X_huge)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("loss_name", sorted(LOSSES))
def test_raw_outputs_of_1e4_are_safe(loss_name, dtype):
    """Raw outputs +-1e4 (last layer: zero weights, +-1e4 intercepts)."""
    loss = LOSSES[loss_name]()
    rng = np.random.RandomState(0)
    X = rng.randn(6, 3).astype(dtype)
    Y = _targets_up_to_1e4(loss_name, 6, 3, rng, dtype)
    net = Network([3, 4, 3], "tanh", dtype)
    net.init_glorot(rng)
    net.coefs[-1][...] = 0
    net.intercepts[-1][...] = [1e4, -1e4, 0.0]
    net.allocate(6)
    with np.errstate(**RAISE):
        raw = net.predict(X, lambda r: r.copy())
        value = Objective(net, loss, 1e-4).value_and_grad(Batch(X, Y))
        pred = net.predict(X, loss.inverse_link)
        log_pred = net.predict(X, _log_link(loss))
    np.testing.assert_array_equal(raw, np.tile([1e4, -1e4, 0.0], (6, 1)).astype(dtype))
    assert np.isfinite(value) and np.isfinite(net.grad).all()
    assert np.isfinite(pred).all() and np.isfinite(log_pred).all()


@pytest.mark.parametrize("y_kind", ["binary", "multiclass", "multilabel"])
def test_predict_log_proba_finite_and_consistent_at_saturation(y_kind):
    X, y = standard_normal_data("clf")
    Y = {"binary": y > 0, "multiclass": y,
         "multilabel": np.c_[y > 0, y > 1, X[:, 2] > 0].astype(int)}[y_kind]
    est = fit_quiet(MLPClassifier(hidden_layer_sizes=(5,), max_iter=10, random_state=0),
                    X, Y)
    n_out = est.intercepts_[-1].size
    est.coefs_[-1][...] = 0
    est.intercepts_[-1][...] = np.resize([1e4, -1e4, 0.0], n_out)
    with np.errstate(**RAISE):
        log_proba = est.predict_log_proba(X)
        proba = est.predict_proba(X)
    assert np.isfinite(log_proba).all() and (log_proba < 0).all()
    assert ((proba > 0) & (proba < 1)).all()
    # Where the probability is representable, log_proba is its log.
    ok = proba > 1e-300
    np.testing.assert_allclose(log_proba[ok], np.log(proba[ok]), rtol=1e-12)


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
def test_poisson_rejects_negative_targets(solver):
    X, y = standard_normal_data("reg")
    y = np.abs(y)
    y_bad = y.copy()
    y_bad[7] = -0.5
    est = MLPRegressor(loss="poisson", solver=solver, max_iter=3, random_state=0)
    with pytest.raises(ValueError, match="loss='poisson' requires non-negative"):
        est.fit(X, y_bad)
    with pytest.raises(NotFittedError):
        est.predict(X)
    fit_quiet(est.set_params(warm_start=True), X, y)
    before = est.coefs_[0].copy()
    with pytest.raises(ValueError, match="minimum of -0.5"):
        est.fit(X, y_bad)
    if solver != "lbfgs":
        with pytest.raises(ValueError, match="non-negative"):
            est.partial_fit(X, y_bad)
    np.testing.assert_array_equal(est.coefs_[0], before)
    # The squared error accepts the same targets (the oracle: same data fits).
    fit_quiet(MLPRegressor(solver=solver, max_iter=3, random_state=0), X, y_bad)


# ----------------------------------------------------------- divergence

DIVERGED = r"Training diverged: .* learning_rate_init \(now .*scale the input features"


def test_divergence_error_names_learning_rate_and_scaling():
    X, y = standard_normal_data("reg")
    est = MLPRegressor(hidden_layer_sizes=(5,), solver="sgd", learning_rate_init=1e3,
                       max_iter=20, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's overflow warnings
        with pytest.raises(ValueError, match=DIVERGED) as info:
            est.fit(X, y)
    assert "1000.0" in str(info.value) and "StandardScaler" in str(info.value)
    # A failed first fit leaves the estimator unfitted.
    with pytest.raises(NotFittedError):
        est.predict(X)
    assert not hasattr(est, "coefs_") and not hasattr(est, "n_iter_")


def test_lbfgs_divergence_is_an_error_and_leaves_estimator_unfitted():
    X, y = standard_normal_data("reg")
    est = MLPRegressor(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=5, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError, match="Training diverged: .*Scale the input"):
            est.fit(X * 1e300, y)
    with pytest.raises(NotFittedError):
        est.predict(X)


def _twins(kind, **params):
    """Two estimators with the same history: one partial_fit each."""
    X, y = standard_normal_data(kind)
    extra = first_partial_fit_kwargs(kind, y)
    pair = []
    for _ in range(2):
        est = OURS[kind](hidden_layer_sizes=(5,), random_state=0, **params)
        est.partial_fit(X, y, **extra)
        pair.append(est)
    return X, y, pair


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@each_kind
def test_diverging_partial_fit_restores_previous_state(kind, solver):
    """The twin that never saw the failing call is the oracle, bit for bit:
    weights, optimizer state, counters and the random stream are restored."""
    X, y, (est, twin) = _twins(kind, solver=solver, learning_rate_init=0.1)
    before = _snapshot(est)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's overflow warnings
        with pytest.raises(ValueError, match=DIVERGED):
            est.partial_fit(np.full_like(X, 1.7e308), y)  # forward pass overflows
    assert _snapshot(est) == before
    assert all(np.isfinite(p).all() for p in [*est.coefs_, *est.intercepts_])
    est.set_params(learning_rate_init=0.1)
    for model in (est, twin):
        model.partial_fit(X, y)
        model.partial_fit(X, y)
    assert _snapshot(est) == _snapshot(twin)
    np.testing.assert_array_equal(est.predict(X), twin.predict(X))


@each_kind
def test_diverging_warm_start_fit_restores_previous_state(kind):
    X, y, (est, twin) = _twins(kind, solver="sgd", warm_start=True, max_iter=3)
    before = _snapshot(est)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError, match=DIVERGED):
            est.set_params(learning_rate_init=1e8).fit(X * 1e100, y)
    assert _snapshot(est) == before
    est.set_params(learning_rate_init=0.001)
    fit_quiet(est, X, y)
    fit_quiet(twin, X, y)
    assert _snapshot(est) == _snapshot(twin)


def test_divergence_seen_only_in_the_output_is_caught():
    """Found by the fuzz suite: Poisson caps its exponent, so the loss stays
    finite while finite weights (~1e148) overflow the raw output. A warm
    start from an L-BFGS fit, then 4 epochs of sgd with a large step."""
    rng = np.random.RandomState(2)
    X = rng.randn(3, 2)
    y = np.abs(X[:, 0] + 0.5 * rng.randn(3))
    est = MLPRegressor(
        loss="poisson", hidden_layer_sizes=(4, 1), activation="identity", solver="lbfgs",
        alpha=0.0, learning_rate_init=3.375, max_iter=4, shuffle=False, momentum=0.0,
        random_state=2**32 - 1, warm_start=True, max_fun=7)
    fit_quiet(est, X, y)
    before = weights_bytes(est)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's overflow warnings
        with pytest.raises(ValueError, match="the network's output became non-finite"):
            fit_quiet(est.set_params(solver="sgd"), X, y)
    assert weights_bytes(est) == before
    assert np.isfinite(est.predict(X)).all()


def test_non_finite_weights_with_finite_loss_are_caught(monkeypatch):
    """The epoch's loss is taken before each step (and, today, the L2 term
    after it). Without that term, one huge last step leaves inf weights
    behind a finite loss: the fit must still fail."""
    monkeypatch.setattr(Objective, "penalty", lambda *args: 0.0)
    X, y = standard_normal_data("reg")
    est = MLPRegressor(hidden_layer_sizes=(5,), solver="sgd", momentum=0.0, alpha=0.0,
                       learning_rate_init=1e300, max_iter=1, batch_size=len(X),
                       shuffle=False, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError, match="Training diverged: a weight"):
            est.fit(X * 1e5, y * 1e5)
    with pytest.raises(NotFittedError):
        est.predict(X)


def test_assigned_weights_must_be_finite():
    est, X = _fitted("reg")
    before = weights_bytes(est)
    good = list(est.coefs_), list(est.intercepts_)
    bad = [c.copy() for c in est.coefs_]
    bad[0][0, 0] = np.nan
    est.coefs_ = bad  # a plain attribute, as in scikit-learn: checked when used
    with pytest.raises(ValueError, match="coefs_ must be finite"):
        est.predict(X)
    with pytest.raises(ValueError, match="coefs_ must be finite"):
        est.partial_fit(X, X[:, 0])
    est.coefs_ = good[0]
    est.intercepts_ = [np.full_like(b, np.inf) for b in est.intercepts_]
    with pytest.raises(ValueError, match="intercepts_ must be finite"):
        est.predict(X)
    est.intercepts_ = good[1]
    assert weights_bytes(est) == before
    assert np.isfinite(est.predict(X)).all()


# ================================================== 2. determinism and safety

SOLVER_KIND = list(itertools.product(KINDS, ["sgd", "adam", "lbfgs"]))


def _reference_fit(kind, solver):
    X, y = standard_normal_data(kind, n=80)
    return fit_quiet(OURS[kind](hidden_layer_sizes=(6, 4), solver=solver, max_iter=15,
                                batch_size=16, random_state=42), X, y), X


def _fingerprints():
    """sha256 of the weights of each reference fit (also run in a subprocess)."""
    return {f"{k}-{s}": hashlib.sha256(weights_bytes(_reference_fit(k, s)[0])).hexdigest()
            for k, s in SOLVER_KIND}


@pytest.mark.parametrize("kind, solver", SOLVER_KIND)
def test_same_random_state_gives_bit_identical_fits(kind, solver):
    a, X = _reference_fit(kind, solver)
    b, _ = _reference_fit(kind, solver)
    assert weights_bytes(a) == weights_bytes(b)
    assert getattr(a, "loss_curve_", None) == getattr(b, "loss_curve_", None)
    # A different seed is a different fit: the comparison can fail.
    X, y = standard_normal_data(kind, n=80)
    c = fit_quiet(clone(a).set_params(random_state=43), X, y)
    assert weights_bytes(c) != weights_bytes(a)


def test_same_random_state_bit_identical_across_processes():
    here = _fingerprints()
    root = str(Path(sklearn_mbnet.__file__).resolve().parents[1])
    tests = str(Path(__file__).resolve().parent)  # for ``_helpers``
    env = dict(os.environ, PYTHONHASHSEED="12345", PYTHONPATH=os.pathsep.join(
        [root, tests, os.environ.get("PYTHONPATH", "")]))
    code = ("import runpy; ns = runpy.run_path(%r); "
            "print(repr(ns['_fingerprints']()))" % __file__)
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, timeout=300, check=True).stdout
    assert ast.literal_eval(out.strip().splitlines()[-1]) == here


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("kind, solver", SOLVER_KIND)
def test_pickle_round_trip_gives_bit_identical_predictions(kind, solver, dtype):
    X, y = standard_normal_data(kind)
    X = X.astype(dtype)
    est = fit_quiet(OURS[kind](hidden_layer_sizes=(5,), solver=solver, max_iter=10,
                               random_state=0), X, y)
    restored = pickle.loads(pickle.dumps(est))
    methods = ["predict", "predict_proba", "predict_log_proba"] if kind == "clf" else [
        "predict"]
    for method in methods:
        ours, theirs = getattr(est, method)(X), getattr(restored, method)(X)
        assert ours.dtype == theirs.dtype and ours.tobytes() == theirs.tobytes()
    assert weights_bytes(restored) == weights_bytes(est)


@pytest.mark.parametrize("kind, solver", SOLVER_KIND)
def test_clone_gives_unfitted_copy(kind, solver):
    est, X = _reference_fit(kind, solver)
    fitted = weights_bytes(est)
    copy = clone(est)
    assert copy is not est
    with pytest.raises(NotFittedError):
        copy.predict(X)
    assert not any(k.endswith("_") and not k.startswith("_") for k in vars(copy))
    assert repr(copy.get_params()) == repr(est.get_params())
    # Refitting the clone reproduces the original; the original is untouched.
    X, y = standard_normal_data(kind, n=80)
    assert weights_bytes(fit_quiet(copy, X, y)) == fitted
    assert weights_bytes(est) == fitted


@each_kind
def test_predict_from_8_threads_equals_serial(kind):
    est, _ = _fitted(kind, hidden_layer_sizes=(64, 32))
    rng = np.random.RandomState(1)
    inputs = [rng.randn(500 + 37 * i, 4) for i in range(8)]
    method = "predict_proba" if kind == "clf" else "predict"
    serial = [getattr(est, method)(X).tobytes() for X in inputs]
    start = threading.Barrier(8)
    results, errors = [[] for _ in range(8)], []

    def work(i):
        try:
            start.wait()
            for _ in range(15):
                results[i].append(getattr(est, method)(inputs[i]).tobytes())
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for i in range(8):
        assert all(r == serial[i] for r in results[i]), f"thread {i} differs"


# ------------------------------------------------------- KeyboardInterrupt


class _InterruptingLoss:
    """Wraps a loss; raises KeyboardInterrupt at its ``at``-th batch."""

    def __init__(self, loss, at):
        self._loss, self._at, self.calls = loss, at, 0

    def __getattr__(self, name):
        attr = getattr(self._loss, name)
        if name not in ("loss_gradient", "compiled_mean_gradient"):
            return attr

        def counted(*args, **kwargs):
            # A batch's loss is either call (the compiled kernel, where it
            # runs, returns the value; None sends the step to loss_gradient).
            result = attr(*args, **kwargs)
            if name == "loss_gradient" or result is not None:
                self.calls += 1
                if self.calls == self._at:
                    raise KeyboardInterrupt
            return result

        return counted


def _fit_interrupted(est, X, y):
    """``est.fit(X, y)``, which must swallow the interrupt and warn."""
    with pytest.warns(UserWarning, match="Training interrupted by user"):
        try:
            est.fit(X, y)
        except KeyboardInterrupt:
            pytest.fail("the KeyboardInterrupt escaped fit")


def _interrupt_at(est, batch):
    """Make ``est``'s next training raise KeyboardInterrupt at ``batch``
    (counting from the first loss the estimator asks for)."""
    make_loss, wrappers = est._loss, []

    def patched():
        if not wrappers:  # made lazily: a classifier's loss needs its labels
            wrappers.append(_InterruptingLoss(make_loss(), batch))
        return wrappers[0]

    est._loss = patched
    return wrappers


INTERRUPT_CASES = list(itertools.product(KINDS, ["sgd", "adam"], [False, True]))


@pytest.mark.parametrize("kind, solver, early_stopping", INTERRUPT_CASES)
def test_keyboard_interrupt_between_epochs_keeps_finished_epochs(kind, solver,
                                                                 early_stopping):
    """Interrupted before the first batch of epoch 3: the oracle is the same
    fit with max_iter=2, bit for bit."""
    X, y = standard_normal_data(kind, n=60)
    params = dict(hidden_layer_sizes=(5,), solver=solver, batch_size=10, random_state=0,
                  early_stopping=early_stopping, validation_fraction=0.2,
                  n_iter_no_change=50)
    # Loss evaluations per epoch: one per batch of the 48 or 60 training
    # rows, and with early stopping one more for the validation loss.
    per_epoch = 5 + 1 if early_stopping else 6
    est = OURS[kind](max_iter=10, **params)
    wrappers = _interrupt_at(est, 2 * per_epoch + 1)
    _fit_interrupted(est, X, y)
    assert wrappers[0].calls == 2 * per_epoch + 1
    ref = fit_quiet(OURS[kind](max_iter=2, **params), X, y)
    assert est.n_iter_ == 2 and est.loss_curve_ == ref.loss_curve_
    assert weights_bytes(est) == weights_bytes(ref)
    np.testing.assert_array_equal(est.predict(X), ref.predict(X))


@pytest.mark.parametrize("kind, solver, early_stopping", INTERRUPT_CASES)
def test_keyboard_interrupt_mid_epoch_leaves_usable_estimator(kind, solver,
                                                              early_stopping):
    X, y = standard_normal_data(kind, n=60)
    est = OURS[kind](hidden_layer_sizes=(5,), solver=solver, batch_size=10, max_iter=10,
                     random_state=0, early_stopping=early_stopping,
                     validation_fraction=0.2)
    _interrupt_at(est, 9)  # epoch 2, a few batches in
    _fit_interrupted(est, X, y)
    assert est.n_iter_ == 1 and len(est.loss_curve_) == 1
    assert all(np.isfinite(p).all() for p in [*est.coefs_, *est.intercepts_])
    pred = est.predict(X)
    assert pred.shape == y.shape
    if kind == "reg":
        assert np.isfinite(pred).all()
    else:
        assert np.isfinite(est.predict_log_proba(X)).all()
    # Usable: it trains on (partial_fit refuses early stopping, as in
    # scikit-learn), and refits, without the interruption.
    del est._loss
    est.set_params(early_stopping=False).partial_fit(X, y)
    assert est.n_iter_ == 1 and len(est.loss_curve_) == 2
    fit_quiet(est.set_params(early_stopping=early_stopping), X, y)


def test_keyboard_interrupt_in_lbfgs_propagates_and_restores_state():
    """L-BFGS runs in scipy, which cannot be resumed: the interrupt reaches
    the caller, and the estimator is as it was before the call."""
    X, y = standard_normal_data("reg")
    est = fit_quiet(MLPRegressor(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=5,
                                 random_state=0, warm_start=True), X, y)
    before = weights_bytes(est), est.n_iter_, est.loss_
    _interrupt_at(est, 3)
    with pytest.raises(KeyboardInterrupt):
        est.fit(X, y)
    assert (weights_bytes(est), est.n_iter_, est.loss_) == before
    fresh = MLPRegressor(hidden_layer_sizes=(5,), solver="lbfgs", random_state=0)
    _interrupt_at(fresh, 2)
    with pytest.raises(KeyboardInterrupt):
        fresh.fit(X, y)
    with pytest.raises(NotFittedError):
        fresh.predict(X)


def test_keyboard_interrupt_during_divergence_restores_state(monkeypatch):
    """An interrupt that lands after the weights went non-finite must not
    leave them behind: the fit fails as diverged and restores the state."""
    X, y, (est, twin) = _twins("reg", solver="sgd")
    before = _snapshot(est)
    original = Trainer.run_epoch

    def poisoned_epoch(trainer, *args):
        original(trainer, *args)
        trainer.objective.network.params[0] = np.nan
        raise KeyboardInterrupt

    monkeypatch.setattr(Trainer, "run_epoch", poisoned_epoch)
    with pytest.raises(ValueError, match="Training diverged: a weight"):
        est.partial_fit(X, y)
    assert _snapshot(est) == before


# ================================================== 3. bounded resources


def test_partial_fit_memory_does_not_grow():
    """1,000 partial_fit calls after a warm-up retain at most 128 bytes per
    call beyond the loss_curve_ entries they append (counted exactly and
    subtracted).

    What else tracemalloc sees is allocator and cache noise, which barely
    grows with the calls: 10-43 KB in 14 runs of this test. The bound sits
    well above it, so the test catches a leaked array per call (one of 8
    floats per batch: ~400 KB) or anything larger, such as a copy of the
    first layer's weights (4 KB per call); a leaked scalar per call (~32
    bytes) hides in the noise."""
    rng = np.random.RandomState(0)
    X, y = rng.randn(20, 16), rng.randn(20)
    est = MLPRegressor(hidden_layer_sizes=(32,), solver="adam", batch_size=10,
                       random_state=0)
    for _ in range(50):
        est.partial_fit(X, y)
    gc.collect()
    list_before = sys.getsizeof(est.loss_curve_)
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for _ in range(1000):
            est.partial_fit(X, y)
        gc.collect()
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert len(est.loss_curve_) == 1050 and est.n_iter_ == 1
    curve = (sys.getsizeof(est.loss_curve_) - list_before
             + sum(sys.getsizeof(v) for v in est.loss_curve_[50:]))
    retained = grown - curve
    assert retained < 1000 * 128, (
        f"{retained} bytes retained by 1,000 partial_fit calls, beyond "
        f"the {curve} bytes of their loss_curve_ entries")
