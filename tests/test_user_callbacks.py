"""The ``callbacks`` parameter: sklearn_mbnet.callbacks.

Oracles: hand-computed stopping epochs; the stopping rule re-implemented
here and applied to the fitted curves (``loss_curve_``,
``validation_scores_``); the weights of each epoch recorded by a test
callback and those of a fit re-run for fewer epochs; the estimator's own
best-validation weights. Nothing here needs ``sklearn.callback``: these run
on every supported scikit-learn.
"""

import math
import os
import pickle
import warnings

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import GridSearchCV

from sklearn_mbnet import MLPClassifier, MLPRegressor
from sklearn_mbnet._training import SCIPY_HALTS_ON_STOP_ITERATION as SCIPY_HALTS_LBFGS
from sklearn_mbnet._training import EpochInfo
from sklearn_mbnet.callbacks import (
    Callback,
    Checkpoint,
    EarlyStopping,
    LambdaCallback,
    load_checkpoint,
    user_listeners,
)


def _data(n=200, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 4))
    return X, (X[:, 0] - X[:, 1] + 0.5 * rng.normal(size=n) > 0).astype(int)


def _fit(est, X, y, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y, **kwargs)


def _clf(**params):
    params = {"hidden_layer_sizes": (5,), "random_state": 0, "max_iter": 300,
              "tol": 0.0, "n_iter_no_change": 1000, **params}
    return MLPClassifier(**params)


def stop_epoch(values, patience, min_delta, sign=-1):
    """The rule as documented, on a sequence: the 1-based epoch at which it
    stops, or None. sign=-1 minimises, +1 maximises."""
    best, wait = None, 0
    for epoch, value in enumerate(values, start=1):
        if math.isfinite(value) and (best is None or sign * (value - best) > min_delta):
            best, wait = value, 0
        else:
            wait += 1
            if wait >= patience:
                return epoch
    return None


class _Source:
    """What L-BFGS hands the listeners: n_iter, loss, request_stop."""

    network, history, stopped = None, None, False

    def __init__(self):
        self.n_iter, self.loss = 0, None

    def request_stop(self):
        self.stopped = True


def _feed(callback, losses):
    """Run one callback on a hand-written loss sequence; the epoch at which
    it asked to stop, or None."""
    (events,) = user_listeners([callback])
    source = _Source()
    events.train_begin(source)
    for source.n_iter, source.loss in enumerate(losses, start=1):
        events.epoch_end(source, EpochInfo(source.n_iter, source.loss))
        if source.stopped:
            return source.n_iter
    return None


# -- EarlyStopping -----------------------------------------------------------

@pytest.mark.parametrize("min_delta, expected", [
    (0.02, 4),  # 0.9 is the best at epoch 2; 0.89 is not 0.02 better
    (0.0, 6),   # 0.89 is the best at epoch 4; 5 and 6 do not beat it
])
def test_early_stopping_stops_at_the_hand_computed_epoch(min_delta, expected):
    losses = [1.0, 0.9, 0.95, 0.89, 0.91, 0.92, 0.93, 0.5]
    es = EarlyStopping(monitor="loss", patience=2, min_delta=min_delta)
    assert _feed(es, losses) == expected == es.stopped_epoch_
    assert es.best_epoch_ == expected - 2


def test_a_nan_never_improves():
    es = EarlyStopping(patience=2)
    assert _feed(es, [float("nan"), 1.0, float("nan"), float("nan")]) == 4
    assert es.best_ == 1.0 and es.best_epoch_ == 2


def test_early_stopping_on_the_training_loss_of_a_real_fit():
    X, y = _data()
    es = EarlyStopping(patience=3, min_delta=3e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # not "max_iter reached"
        est = _clf(callbacks=[es]).fit(X, y)
    expected = stop_epoch(est.loss_curve_, 3, 3e-3)
    assert expected is not None and est.n_iter_ == expected == len(est.loss_curve_)
    assert est.n_iter_ < 300 and es.monitor_ == "loss"


@pytest.mark.parametrize("monitor, curve, sign", [
    ("auto", "validation_scores_", 1),
    ("validation_loss", "validation_loss_curve_", -1),
])
def test_early_stopping_on_the_validation_curves(monitor, curve, sign):
    X, y = _data(400)
    es = EarlyStopping(monitor=monitor, patience=4)
    est = _fit(_clf(early_stopping=True, learning_rate_init=0.01, callbacks=[es]), X, y)
    expected = stop_epoch(getattr(est, curve), 4, 0.0, sign)
    assert est.n_iter_ == expected and es.monitor_ == monitor.replace(
        "auto", "validation_score")


def test_validation_monitors_need_early_stopping():
    X, y = _data()
    est = _clf(callbacks=[EarlyStopping(monitor="validation_score")])
    with pytest.raises(ValueError, match="early_stopping=True"):
        est.fit(X, y)
    assert not hasattr(est, "coefs_")


@pytest.mark.parametrize("make, error, match", [
    (lambda: EarlyStopping(monitor="accuracy"), ValueError, "monitor must be one of"),
    (lambda: EarlyStopping(patience=0), ValueError, "patience must be"),
    (lambda: EarlyStopping(patience=2.5), TypeError, "patience must be an int"),
    (lambda: EarlyStopping(patience=True), TypeError, "patience must be an int"),
    (lambda: EarlyStopping(min_delta=-1), ValueError, "min_delta must be"),
    (lambda: EarlyStopping(min_delta="0"), TypeError, "min_delta must be a number"),
    (lambda: Checkpoint(3), TypeError, "path must be"),
    (lambda: LambdaCallback(on_epoch_end=3), TypeError, "on_epoch_end must be callable"),
])
def test_bad_arguments_are_clear_errors(make, error, match):
    with pytest.raises(error, match=match):
        make()


def test_objects_without_hooks_are_refused():
    class SklearnStyle:
        def on_fit_task_end(self, estimator, context):
            pass

    X, y = _data()
    with pytest.raises(TypeError, match=r"callbacks\[1\].*set_callbacks"):
        _clf(callbacks=[EarlyStopping(), SklearnStyle()]).fit(X, y)


@pytest.mark.skipif(not SCIPY_HALTS_LBFGS, reason="scipy < 1.11 cannot halt L-BFGS")
def test_early_stopping_ends_lbfgs_at_the_rule_s_iteration():
    X, y = _data()
    losses = []
    es = EarlyStopping(patience=2, min_delta=0.05)
    est = _fit(_clf(solver="lbfgs", max_iter=200, callbacks=[
        LambdaCallback(on_epoch_end=lambda state: losses.append(state.loss)), es]),
        X, y)
    expected = stop_epoch(losses, 2, 0.05)
    assert est.n_iter_ == expected == len(losses) == es.stopped_epoch_


@pytest.mark.skipif(not SCIPY_HALTS_LBFGS, reason="scipy < 1.11 cannot halt L-BFGS")
def test_a_requested_lbfgs_stop_is_not_a_convergence_failure():
    X, y = _data()
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est = _clf(solver="lbfgs", max_iter=200, callbacks=[
            EarlyStopping(patience=1, min_delta=1e9)]).fit(X, y)
    assert est.n_iter_ == 2  # the first iteration is the best; one more fails


def test_early_stopping_across_partial_fit_calls():
    X, y = _data()
    es = EarlyStopping(patience=3, min_delta=3e-3)
    est = MLPClassifier(hidden_layer_sizes=(5,), random_state=0, callbacks=[es])
    calls = 0
    while es.__dict__.get("stopped_epoch_") is None and calls < 300:
        est.partial_fit(X, y, classes=[0, 1])
        calls += 1
    assert calls == stop_epoch(est.loss_curve_, 3, 3e-3) == es.stopped_epoch_
    assert est.n_iter_ == 1


# -- Checkpoint --------------------------------------------------------------

class WeightRecorder(Callback):
    """Every epoch's weights and state, as the hooks see them."""

    def __init__(self):
        self.coefs, self.seen = [], []

    def on_epoch_end(self, state):
        self.coefs.append(state.coefs_)
        self.seen.append((state.n_iter, state.epoch, state.t, state.loss,
                          state.validation_score, state.validation_loss))


def test_checkpoint_holds_the_best_epoch_s_weights(tmp_path):
    X, y = _data()
    path = tmp_path / "best.npz"
    recorder = WeightRecorder()
    # Small batches at a high learning rate: the loss goes up and down, so
    # the best is not the last epoch.
    noisy = dict(solver="sgd", batch_size=10, learning_rate_init=0.3)
    est = _fit(_clf(max_iter=40, **noisy, callbacks=[Checkpoint(path), recorder]),
               X, y)
    curve = est.loss_curve_
    best = int(np.argmin(curve)) + 1  # the first of equal minima
    assert best < est.n_iter_
    with np.load(path) as saved:
        assert int(saved["n_iter"]) == best and saved["value"] == curve[best - 1]
        for i, coef in enumerate(recorder.coefs[best - 1]):
            assert_array_equal(saved[f"coefs_{i}"], coef)
    rerun = _fit(_clf(max_iter=best, **noisy), X, y)
    assert_array_equal(recorder.coefs[best - 1][0], rerun.coefs_[0])
    load_checkpoint(est, path)
    assert_array_equal(est.predict_proba(X), rerun.predict_proba(X))


def test_checkpoint_of_the_validation_score_is_the_estimator_s_best(tmp_path):
    X, y = _data(400)
    path = tmp_path / "best.npz"
    est = _fit(_clf(early_stopping=True, n_iter_no_change=10, tol=1e-4,
                    callbacks=[Checkpoint(path)]), X, y)
    restored = load_checkpoint(clone(est).fit(X, y), path)
    for ours, theirs in zip(restored.coefs_ + restored.intercepts_,
                            est.coefs_ + est.intercepts_):
        assert_array_equal(ours, theirs)


def test_checkpoint_of_lbfgs_is_its_last_iterate(tmp_path):
    X, y = _data()
    path = tmp_path / "lbfgs.npz"
    est = _fit(_clf(solver="lbfgs", max_iter=30, callbacks=[Checkpoint(path)]), X, y)
    with np.load(path) as saved:
        assert int(saved["n_iter"]) == est.n_iter_
        assert_array_equal(saved["coefs_0"], est.coefs_[0])


def test_a_failed_write_keeps_the_old_file_and_the_estimator(tmp_path, monkeypatch):
    X, y = _data()
    path = tmp_path / "best.npz"
    est = _fit(_clf(max_iter=3, callbacks=[Checkpoint(path)]), X, y)
    before, coefs = path.read_bytes(), [c.copy() for c in est.coefs_]

    def broken_savez(file, **arrays):
        file.write(b"half a file")
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", broken_savez)
    with pytest.raises(OSError, match="disk full"):
        _fit(est.set_params(warm_start=True), X, y)
    assert path.read_bytes() == before and os.listdir(tmp_path) == ["best.npz"]
    assert_array_equal(est.coefs_[0], coefs[0])


def test_load_checkpoint_refuses_other_files(tmp_path):
    X, y = _data()
    path = tmp_path / "best.npz"
    _fit(_clf(max_iter=2, callbacks=[Checkpoint(path)]), X, y)
    with pytest.raises(ValueError, match="shapes"):
        load_checkpoint(_fit(_clf(hidden_layer_sizes=(3,), max_iter=2), X, y), path)
    np.savez(tmp_path / "other.npz", a=np.zeros(2))
    with pytest.raises(ValueError, match="not a Checkpoint file"):
        load_checkpoint(_fit(_clf(max_iter=2), X, y), tmp_path / "other.npz")
    with pytest.raises(NotFittedError):
        load_checkpoint(_clf(), path)


# -- state, events, copies ---------------------------------------------------

def test_the_state_agrees_with_the_fitted_attributes():
    X, y = _data(400)
    recorder = WeightRecorder()
    est = _fit(_clf(early_stopping=True, max_iter=6, batch_size=50,
                    callbacks=[recorder]), X, y)
    n_train = 400 - math.ceil(0.1 * 400)
    assert recorder.seen == [
        (i, i, i * n_train, est.loss_curve_[i - 1], est.validation_scores_[i - 1],
         est.validation_loss_curve_[i - 1]) for i in range(1, 7)]


class EventLog(Callback):
    def __init__(self, stop_at_batch=None):
        self.stop_at_batch, self.events = stop_at_batch, []

    def on_train_begin(self, state):
        self.events.append("train_begin")
        self.state = state

    def on_epoch_begin(self, state):
        self.events.append("epoch_begin")

    def on_batch_end(self, state):
        self.events.append("batch_end")
        if state.n_batches == self.stop_at_batch:
            state.request_stop()

    def on_epoch_end(self, state):
        self.events.append("epoch_end")

    def on_train_end(self, state):
        self.events.append("train_end")


@pytest.mark.parametrize("solver", ["sgd", "lbfgs"])
def test_the_events_in_order(solver):
    X, y = _data()
    log = EventLog()
    est = _fit(_clf(solver=solver, max_iter=3, batch_size=60, callbacks=[log]), X, y)
    per_epoch = (["epoch_end"] if solver == "lbfgs"
                 else ["epoch_begin"] + ["batch_end"] * 4 + ["epoch_end"])
    assert log.events == ["train_begin"] + per_epoch * est.n_iter_ + ["train_end"]
    with pytest.raises(RuntimeError, match="only readable during"):
        log.state.loss


def test_a_stop_requested_from_a_step_ends_that_epoch():
    X, y = _data()
    est = _fit(_clf(batch_size=20, callbacks=[EventLog(stop_at_batch=3)]), X, y)
    assert est.n_iter_ == 1


def test_only_step_hooks_run_per_step():
    assert len(user_listeners([EarlyStopping(), LambdaCallback(print)])) == 1
    listeners = user_listeners([LambdaCallback(on_batch_end=print), EventLog()])
    assert [hasattr(listener, "batch_end") for listener in listeners] == [False, True]
    assert user_listeners(None) == []


def test_a_failing_callback_leaves_the_estimator_as_it_was(tmp_path):
    X, y = _data()

    def fail_at_third(state):
        if state.n_iter == 3:
            raise RuntimeError("callback failed")

    path = tmp_path / "ck.npz"
    est = _clf(callbacks=[Checkpoint(path), LambdaCallback(on_epoch_end=fail_at_third)])
    with pytest.raises(RuntimeError, match="callback failed"):
        est.fit(X, y)
    assert not hasattr(est, "coefs_") and path.exists()  # the checkpoint stays
    fitted = _fit(_clf(max_iter=2), X, y)
    coefs, curve = fitted.coefs_[0].copy(), list(fitted.loss_curve_)
    fitted.set_params(warm_start=True, max_iter=5, callbacks=[LambdaCallback(
        on_epoch_end=fail_at_third)])
    with pytest.raises(RuntimeError, match="callback failed"):
        fitted.fit(X, y)
    assert_array_equal(fitted.coefs_[0], coefs) and fitted.loss_curve_ == curve


def test_clone_and_pickle_carry_the_callbacks(tmp_path):
    X, y = _data()
    es = EarlyStopping(patience=3, min_delta=3e-3)
    est = _clf(callbacks=[es, Checkpoint(tmp_path / "ck.npz")])
    copy = clone(est)
    assert copy.callbacks[0] is not es and repr(copy) == repr(est)
    assert "EarlyStopping(patience=3, min_delta=0.003)" in repr(est)
    _fit(est, X, y)
    again = pickle.loads(pickle.dumps(est))
    assert again.callbacks[0].stopped_epoch_ == es.stopped_epoch_
    assert_array_equal(again.predict_proba(X), est.predict_proba(X))
    _fit(again, X, y)  # its callbacks watch its next fit
    assert again.n_iter_ == stop_epoch(again.loss_curve_, 3, 3e-3)
    assert not hasattr(copy.callbacks[0], "stopped_epoch_")


def test_callbacks_under_grid_search_watch_each_fit_with_a_copy():
    X, y = _data()
    es = EarlyStopping(patience=2, min_delta=3e-3)
    search = GridSearchCV(_clf(callbacks=[es]), {"alpha": [1e-4, 1e-2]}, cv=2)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        search.fit(X, y)
    best = search.best_estimator_
    assert not hasattr(es, "stopped_epoch_")  # the original only gave copies
    assert best.n_iter_ == stop_epoch(best.loss_curve_, 2, 3e-3)
    assert best.callbacks[0].stopped_epoch_ == best.n_iter_


def test_a_regressor_with_sgd_stops_too():
    X, y = _data()
    es = EarlyStopping(patience=2, min_delta=1e-2)
    est = _fit(MLPRegressor(hidden_layer_sizes=(5,), solver="sgd", random_state=0,
                            tol=0.0, n_iter_no_change=1000, callbacks=[es]),
               X, X[:, 0])
    assert est.n_iter_ == stop_epoch(est.loss_curve_, 2, 1e-2) < 200
