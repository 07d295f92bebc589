"""scikit-learn's callback API (``sklearn.callback``, scikit-learn >= 1.9).

Oracles: the epochs the fit reports (``n_iter_``), the weights of a fit
without callbacks, and scikit-learn's own meta-estimators propagating a
callback down to our epochs. On an older scikit-learn the feature is absent
and only the first test runs.
"""

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
from sklearn_mbnet._callbacks import HAVE_CALLBACKS

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

    def setup(self, estimator, context):
        self.calls.append(("setup", type(estimator).__name__, context.task_name))

    def teardown(self, estimator, context):
        self.calls.append(("teardown", type(estimator).__name__, context.task_name))

    def on_fit_task_begin(self, estimator, context, *, X=None, y=None, metadata=None):
        self.calls.append(("begin", type(estimator).__name__, context.task_name))

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
