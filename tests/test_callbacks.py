"""scikit-learn's callback API (``sklearn.callback``, scikit-learn >= 1.9).

Oracles: the epochs the fit reports (``n_iter_``), the weights of a fit
without callbacks, and scikit-learn's own meta-estimators propagating a
callback down to our epochs. On an older scikit-learn the feature is absent
and only the first test runs.
"""

import re
import subprocess
import sys
import time
import warnings
from collections import Counter

import numpy as np
import pytest
from numpy.testing import assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_mbnet import MLPClassifier, MLPRegressor
from sklearn_mbnet import _callbacks
from sklearn_mbnet._callbacks import HAVE_CALLBACKS
from sklearn_mbnet._training import SCIPY_HALTS_ON_STOP_ITERATION as SCIPY_HALTS_LBFGS
from sklearn_mbnet.callbacks import EarlyStopping, LambdaCallback

needs_callbacks = pytest.mark.skipif(not HAVE_CALLBACKS,
                                     reason="this scikit-learn has no sklearn.callback")


def test_callback_support_follows_scikit_learn():
    for est in (MLPClassifier(), MLPRegressor()):
        assert hasattr(est, "set_callbacks") == HAVE_CALLBACKS


class Recorder:
    """An auto-propagated callback that records every hook call."""

    max_propagation_depth = None

    def __init__(self, stop_at_epoch=None):
        self.calls, self.fitted, self.stop_at_epoch = [], [], stop_at_epoch
        self.parents = []

    def setup(self, estimator, context):
        self.calls.append(("setup", type(estimator).__name__, context.task_name))

    def teardown(self, estimator, context):
        self.calls.append(("teardown", type(estimator).__name__, context.task_name))

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None, metadata=None):
        self.calls.append(("begin", type(estimator).__name__, context.task_name))
        if context.task_name == "batches":
            self.parents.append(context.parent.task_name)

    def on_fit_task_end(self, estimator, context, *, X=None, y=None, metadata=None,
                        fitted_estimator=None):
        self.calls.append(("end", type(estimator).__name__, context.task_name))
        if context.task_name == "epoch":
            self.fitted.append(fitted_estimator)
            return len(self.fitted) == self.stop_at_epoch
        return False

    def count(self, kind, task):
        return sum(1 for k, _, t in self.calls if (k, t) == (kind, task))


def _data(n=200):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(n, 4))
    return X, (X[:, 0] - X[:, 1] > 0).astype(int)


def _fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


@needs_callbacks
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_one_task_per_epoch_and_the_same_weights(solver):
    X, y = _data()
    recorder = Recorder()
    est = _fit(MLPClassifier(hidden_layer_sizes=(5,), solver=solver, max_iter=6,
                             random_state=0).set_callbacks(recorder), X, y)
    plain = _fit(MLPClassifier(hidden_layer_sizes=(5,), solver=solver, max_iter=6,
                               random_state=0), X, y)
    assert recorder.count("begin", "epoch") == recorder.count("end", "epoch") == est.n_iter_
    assert recorder.count("begin", "fit") == recorder.count("end", "fit") == 1
    assert [c[0] for c in recorder.calls[:2]] == ["setup", "begin"]
    assert recorder.calls[-1][0] == "teardown"
    for ours, ref in zip(est.coefs_, plain.coefs_):
        assert_array_equal(ours, ref)  # watching does not change the fit
    # The last epoch's snapshot predicts as the fitted estimator does.
    last = recorder.fitted[-1]
    assert_array_equal(last.predict_proba(X), est.predict_proba(X))
    assert last._network is not est._network


@needs_callbacks
def test_epoch_snapshots_hold_that_epochs_weights():
    X, y = _data()
    recorder = Recorder()
    est = _fit(MLPClassifier(hidden_layer_sizes=(5,), max_iter=4, random_state=0)
               .set_callbacks(recorder), X, y)
    curves = [accuracy_score(y, f.predict(X)) for f in recorder.fitted]
    short = _fit(MLPClassifier(hidden_layer_sizes=(5,), max_iter=2, random_state=0), X, y)
    assert curves[1] == accuracy_score(y, short.predict(X))
    assert curves[-1] == est.score(X, y)


@needs_callbacks
def test_a_callback_can_stop_training():
    X, y = _data()
    recorder = Recorder(stop_at_epoch=3)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # not "max_iter reached"
        est = MLPClassifier(hidden_layer_sizes=(5,), max_iter=50, random_state=0)
        est.set_callbacks(recorder).fit(X, y)
    assert est.n_iter_ == 3 and len(est.loss_curve_) == 3


@needs_callbacks
def test_callbacks_on_grid_search_over_a_pipeline_reach_our_epochs():
    X, y = _data()
    recorder = Recorder()
    model = make_pipeline(StandardScaler(), MLPClassifier(max_iter=3, random_state=0))
    search = GridSearchCV(model, {"mlpclassifier__alpha": [1e-4, 1e-2]}, cv=2)
    search.set_callbacks(recorder).fit(X, y)
    seen = Counter((name, task) for kind, name, task in recorder.calls if kind == "end")
    fits = 2 * 2 + 1  # two candidates on two folds, and the refit
    assert seen[("MLPClassifier", "fit")] == fits
    assert seen[("MLPClassifier", "epoch")] == 3 * fits


@needs_callbacks
def test_scoring_monitor_records_a_score_per_epoch():
    from sklearn.callback import ScoringMonitor

    X, y = _data()
    monitor = ScoringMonitor(scoring="accuracy")
    est = _fit(MLPClassifier(hidden_layer_sizes=(5,), max_iter=5, random_state=0)
               .set_callbacks(monitor), X, y)
    rows = monitor.get_logs().data
    assert [row["task_id"] for row in rows] == list(range(est.n_iter_))
    assert rows[-1]["accuracy"] == est.score(X, y)


@needs_callbacks
def test_progress_bar_runs_and_changes_nothing():
    pytest.importorskip("rich")
    from sklearn.callback import ProgressBar

    X, y = _data()
    est = _fit(MLPClassifier(hidden_layer_sizes=(5,), max_iter=4, random_state=0)
               .set_callbacks(ProgressBar()), X, y)
    plain = _fit(MLPClassifier(hidden_layer_sizes=(5,), max_iter=4, random_state=0), X, y)
    assert_array_equal(est.coefs_[0], plain.coefs_[0])


@needs_callbacks
def test_a_failed_fit_still_tears_callbacks_down():
    """Training that diverges raises after the callbacks were set up: they
    are torn down, and the estimator is left unfitted."""
    X, y = _data()
    recorder = Recorder()
    est = MLPRegressor(hidden_layer_sizes=(4,), solver="sgd", activation="identity",
                       learning_rate_init=100.0, max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError, match="non-finite"):
            est.set_callbacks(recorder).fit(X * 1e100, y * 1e100)
    assert recorder.calls[0][0] == "setup" and recorder.calls[-1][0] == "teardown"
    assert not hasattr(est, "coefs_")


# -- per-batch subtasks ------------------------------------------------------

@needs_callbacks
@pytest.mark.parametrize("batch_size, group", [(20, 1), (1, 2), (7, 1)])
def test_long_epochs_have_subtasks_of_batches(monkeypatch, batch_size, group):
    """Every epoch long (threshold 0): ceil(steps / group) subtasks under each
    epoch, group = ceil(steps / MAX_BATCH_TASKS); the epochs' count and the
    scores do not change."""
    from sklearn.callback import ScoringMonitor

    monkeypatch.setattr(_callbacks, "LONG_EPOCH_SECONDS", 0.0)
    X, y = _data()
    recorder, monitor = Recorder(), ScoringMonitor(scoring="accuracy")
    est = _fit(MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0,
                             batch_size=batch_size).set_callbacks(recorder, monitor),
               X, y)
    steps = -(-200 // batch_size)
    assert group == -(-steps // _callbacks.MAX_BATCH_TASKS)
    per_epoch = -(-steps // group)
    assert recorder.count("begin", "batches") == recorder.count("end", "batches") \
        == per_epoch * est.n_iter_
    assert recorder.count("end", "epoch") == est.n_iter_
    assert set(recorder.parents) == {"epoch"}
    assert len(monitor.get_logs().data) == est.n_iter_


@needs_callbacks
def test_early_stopping_counts_the_held_out_rows_out_of_the_first_epoch(monkeypatch):
    monkeypatch.setattr(_callbacks, "LONG_EPOCH_SECONDS", 0.0)
    X, y = _data(400)
    recorder = Recorder()
    est = _fit(MLPClassifier(hidden_layer_sizes=(5,), max_iter=2, random_state=0,
                             batch_size=10, early_stopping=True)
               .set_callbacks(recorder), X, y)
    assert recorder.count("end", "batches") == 36 * est.n_iter_  # 360 rows train


@needs_callbacks
def test_short_epochs_have_no_subtasks(monkeypatch):
    monkeypatch.setattr(_callbacks, "LONG_EPOCH_SECONDS", float("inf"))
    X, y = _data()
    recorder = Recorder()
    _fit(MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, batch_size=1,
                       random_state=0).set_callbacks(recorder), X, y)
    assert recorder.count("begin", "batches") == 0


@needs_callbacks
def test_a_slow_epoch_gets_subtasks_by_its_measured_time():
    """Ten steps of 60 ms make 0.6 s epochs, above LONG_EPOCH_SECONDS."""
    assert _callbacks.LONG_EPOCH_SECONDS < 0.6
    X, y = _data(100)
    recorder = Recorder()
    slow = LambdaCallback(on_batch_end=lambda state: time.sleep(0.06))
    est = _fit(MLPClassifier(hidden_layer_sizes=(5,), max_iter=2, batch_size=10,
                             random_state=0, callbacks=[slow])
               .set_callbacks(recorder), X, y)
    assert recorder.count("end", "batches") == 10 * est.n_iter_


@needs_callbacks
@pytest.mark.skipif(not SCIPY_HALTS_LBFGS, reason="scipy < 1.11 cannot halt L-BFGS")
def test_lbfgs_stopped_by_our_callback_still_ends_every_iteration_s_task():
    X, y = _data()
    recorder = Recorder()
    est = _fit(MLPClassifier(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=50,
                             random_state=0,
                             callbacks=[EarlyStopping(patience=2, min_delta=1e9)])
               .set_callbacks(recorder), X, y)
    assert est.n_iter_ == 3
    assert recorder.count("begin", "epoch") == recorder.count("end", "epoch") == 3
    assert len(recorder.fitted) == 3


@needs_callbacks
@pytest.mark.skipif(not SCIPY_HALTS_LBFGS, reason="scipy < 1.11 cannot halt L-BFGS")
def test_a_scikit_learn_callback_can_stop_lbfgs():
    X, y = _data()
    recorder = Recorder(stop_at_epoch=4)
    est = _fit(MLPClassifier(hidden_layer_sizes=(5,), solver="lbfgs", max_iter=50,
                             random_state=0).set_callbacks(recorder), X, y)
    assert est.n_iter_ == 4 == recorder.count("end", "epoch")


_PROGRESS = """
import warnings, numpy as np, rich
from sklearn.callback import ProgressBar
from sklearn_mbnet import MLPClassifier, _callbacks
warnings.simplefilter("ignore")
rich.reconfigure(force_terminal=True, width=100)  # a terminal on a pipe
_callbacks.LONG_EPOCH_SECONDS = {threshold}
X = np.random.RandomState(0).normal(size=(200, 4))
MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, batch_size=20, random_state=0
              ).set_callbacks(ProgressBar()).fit(X, X[:, 0] > 0)
"""


@needs_callbacks
@pytest.mark.parametrize("threshold, rows", [("0.0", 3), ("float('inf')", 0)])
def test_progress_bar_draws_a_bar_per_long_epoch(threshold, rows):
    pytest.importorskip("rich")
    done = subprocess.run([sys.executable, "-c", _PROGRESS.format(threshold=threshold)],
                          capture_output=True, timeout=120, check=True)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", done.stdout.decode())
    assert "MLPClassifier - fit" in text
    assert len(set(re.findall(r"MLPClassifier - epoch #(\d+)", text))) == rows
    if rows:
        assert re.search(r"epoch #2 .*100%", text)
