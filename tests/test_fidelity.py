"""Drop-in fidelity: the same code through scikit-learn's MLP and through ours.

Each test runs one piece of user code against both libraries and asserts
the same outcome: the same result, or the same exception class with
scikit-learn's message at the start of ours. Where the outcome differs on
purpose, the test says so and the README's "What differs" list has the line.
"""

import inspect
import io
import pickle
import warnings
from contextlib import redirect_stdout

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor

from sklearn_mbnet import MLPClassifier, MLPRegressor

from _helpers import needs_sklearn_1_7

PAIRS = {"clf": (SkMLPClassifier, MLPClassifier), "reg": (SkMLPRegressor, MLPRegressor)}


def _data(kind, n=40, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.randn(n, 3)
    score = X[:, 0] - X[:, 1] + 0.2 * rng.randn(n)
    return X, (np.digitize(score, [-0.5, 0.5]) if kind == "clf" else score)


def _both(kind, **params):
    """scikit-learn's estimator and ours, with the same parameters."""
    return [cls(**params) for cls in PAIRS[kind]]


def _quiet(call, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return call(*args, **kwargs)


def _raises_like_sklearn(call_theirs, call_ours, expected=Exception):
    """Both calls raise the same class; ours starts with scikit-learn's text."""
    with pytest.raises(expected) as theirs:
        call_theirs()
    with pytest.raises(type(theirs.value)) as ours:
        call_ours()
    assert str(ours.value).startswith(str(theirs.value)), (theirs.value, ours.value)
    return ours.value


# ------------------------------------------------------------ 1. signatures


@needs_sklearn_1_7
@pytest.mark.parametrize("kind", ["clf", "reg"])
@pytest.mark.parametrize("method", ["fit", "partial_fit", "predict", "score"])
def test_method_signatures_are_scikit_learns(kind, method):
    theirs, ours = PAIRS[kind]
    assert inspect.signature(getattr(ours, method)) == inspect.signature(
        getattr(theirs, method))


@needs_sklearn_1_7
def test_sample_weight_by_position_is_sample_weight():
    X, y = _data("clf")
    w = np.random.RandomState(1).randint(1, 4, size=len(y)).astype(float)
    outcomes = []
    for cls in PAIRS["clf"]:
        by_position = cls(hidden_layer_sizes=(4,), random_state=0)
        by_position.partial_fit(X, y, w, np.unique(y))
        by_keyword = cls(hidden_layer_sizes=(4,), random_state=0)
        by_keyword.partial_fit(X, y, sample_weight=w, classes=np.unique(y))
        assert_array_equal(by_position.coefs_[0], by_keyword.coefs_[0])
        outcomes.append(by_position.coefs_[0])
    assert_allclose(outcomes[0], outcomes[1], rtol=1e-10)


# ------------------------------------------------------ 2. n_iter_ and t_


@pytest.mark.parametrize("kind", ["clf", "reg"])
def test_n_iter_counts_the_last_calls_epochs_and_t_accumulates(kind):
    X, y = _data(kind)
    extra = {"classes": np.unique(y)} if kind == "clf" else {}
    for est in _both(kind, hidden_layer_sizes=(3,), random_state=0):
        for _ in range(3):
            est.partial_fit(X, y, **extra)
        assert (est.n_iter_, est.t_) == (1, 3 * len(X))


# ------------------------------------------------------------ 3. one class


def test_a_single_class_fits_and_predicts_it():
    X, y = [[1.0], [2.0]], [True, True]
    theirs, ours = (_quiet(est.fit, X, y) for est in _both(
        "clf", hidden_layer_sizes=(2,), max_iter=10, random_state=0))
    assert_array_equal(ours.predict(X), theirs.predict(X))
    assert_array_equal(ours.classes_, theirs.classes_)
    for ours_w, theirs_w in zip(ours.coefs_, theirs.coefs_):
        assert_allclose(ours_w, theirs_w, rtol=1e-10)
    # Deliberate difference (README): one column per class of classes_,
    # where scikit-learn returns two columns for its one class.
    assert_array_equal(ours.predict_proba(X), np.ones((2, 1)))
    assert theirs.predict_proba(X).shape == (2, 2)
    assert_array_equal(ours.predict_log_proba(X), np.zeros((2, 1)))


# -------------------------------------------------------- 4. error messages


def test_non_finite_weights_error_starts_with_scikit_learns_message():
    X, y = _data("reg")
    theirs, ours = _both("reg", hidden_layer_sizes=(4,), solver="sgd", max_iter=3,
                         activation="identity", learning_rate_init=100.0,
                         random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # scikit-learn's overflows
        _raises_like_sklearn(lambda: theirs.fit(X * 1e100, y * 1e100),
                             lambda: ours.fit(X * 1e100, y * 1e100), ValueError)
    assert not hasattr(ours, "coefs_")  # left as it was: unfitted


def test_warm_start_with_other_classes():
    X, y = _data("clf")
    pair = [_quiet(est.fit, X, y) for est in _both(
        "clf", hidden_layer_sizes=(3,), max_iter=5, warm_start=True, random_state=0)]
    other = np.where(y == 2, 5, y)
    _raises_like_sklearn(lambda: pair[0].fit(X, other), lambda: pair[1].fit(X, other),
                         ValueError)


def test_partial_fit_with_labels_outside_classes():
    X, y = _data("clf")
    pair = _both("clf", hidden_layer_sizes=(3,), random_state=0)
    for est in pair:
        est.partial_fit(X, y, classes=[0, 1, 2])
    bad = np.where(y == 2, 7, y)
    _raises_like_sklearn(lambda: pair[0].partial_fit(X, bad),
                         lambda: pair[1].partial_fit(X, bad), ValueError)


def test_early_stopping_split_error_keeps_train_test_splits_text_first():
    X, y = _data("clf", n=12)
    y = np.array([0] * 11 + [1])  # one member: no stratified split
    theirs, ours = _both("clf", early_stopping=True, validation_fraction=0.3,
                         random_state=0)
    error = _raises_like_sklearn(lambda: theirs.fit(X, y), lambda: ours.fit(X, y),
                                 ValueError)
    assert "validation_fraction" in str(error)  # then our advice


@pytest.mark.parametrize("kind", ["clf", "reg"])
@pytest.mark.parametrize("params, call", [
    ({"hidden_layer_sizes": (0,)}, "fit"),
    ({"hidden_layer_sizes": (3, -1)}, "fit"),
    pytest.param({"early_stopping": True, "validation_fraction": 0.01}, "fit",
                 marks=needs_sklearn_1_7),
    ({"early_stopping": True}, "partial_fit"),
])
def test_other_scikit_learn_errors(kind, params, call):
    X, y = _data(kind, n=40)
    y = y > 0 if kind == "clf" else y  # binary: both libraries stratify the split
    extra = {"classes": np.unique(y)} if kind == "clf" and call == "partial_fit" else {}
    theirs, ours = _both(kind, random_state=0, **params)
    _raises_like_sklearn(lambda: getattr(theirs, call)(X, y, **extra),
                         lambda: getattr(ours, call)(X, y, **extra))


def test_partial_fit_of_lbfgs_is_scikit_learns_attribute_error():
    theirs, ours = _both("clf", solver="lbfgs")
    _raises_like_sklearn(lambda: theirs.partial_fit, lambda: ours.partial_fit,
                         AttributeError)
    # Deliberate difference (README): scikit-learn's regressor offers
    # partial_fit for lbfgs too (its availability check is always true) and
    # then runs a whole L-BFGS fit; ours has it only for sgd and adam.
    assert hasattr(SkMLPRegressor(solver="lbfgs"), "partial_fit")
    assert not hasattr(MLPRegressor(solver="lbfgs"), "partial_fit")


@pytest.mark.parametrize("kind", ["clf", "reg"])
def test_clipped_batch_size_warns_as_scikit_learn(kind):
    X, y = _data(kind, n=20)
    messages = []
    for est in _both(kind, batch_size=50, max_iter=2, random_state=0):
        with pytest.warns(UserWarning) as record:
            _quiet(est.fit, X, y)
        messages.append({str(w.message) for w in record
                         if w.category is UserWarning})
    assert messages[0] == messages[1]


# ---------------------------------------------- 5. divergence, early stopping


def _fit_diverging(est, X, y):
    """``est.fit(X, y)`` with NumPy's overflow warnings silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        est.fit(X, y)
    return est


def _check_kept_best_weights(est, X):
    assert str(est.validation_scores_[-1]) == str(np.nan)
    assert isinstance(est.validation_scores_[-1], float)
    assert all(np.isfinite(w).all() for w in est.coefs_)
    assert np.isfinite(est.predict(X)).all()


def test_divergence_with_early_stopping_keeps_the_best_weights():
    """scikit-learn's test_mlp_diverging_loss (its #29504), through both."""
    X, y = load_iris(return_X_y=True)
    theirs, ours = _both("reg", hidden_layer_sizes=100, activation="identity",
                         solver="sgd", learning_rate_init=1, max_iter=20,
                         early_stopping=True, n_iter_no_change=10, random_state=0)
    _quiet(_fit_diverging, theirs, X, y)
    with pytest.warns(ConvergenceWarning, match="best validation score were restored"):
        _fit_diverging(ours, X, y)
    for est in (theirs, ours):
        _check_kept_best_weights(est, X)
    assert ours.best_validation_score_ == np.nanmax(ours.validation_scores_)
    assert ours.n_iter_ < 20  # stopped when it diverged


def test_divergence_of_a_classifier_with_early_stopping_keeps_the_best_weights():
    # scikit-learn's classifier saturates rather than diverging on these data;
    # ours is held to the same rule as its regressor.
    X, y = _data("clf", n=200)
    ours = MLPClassifier(hidden_layer_sizes=(8,), solver="sgd", learning_rate_init=1e3,
                         momentum=0.99, early_stopping=True, max_iter=40,
                         n_iter_no_change=100, random_state=0)
    with pytest.warns(ConvergenceWarning, match="best validation score were restored"):
        _fit_diverging(ours, X * 1e6, y)
    _check_kept_best_weights(ours, X)


# ---------------------------------------- 6. predict_log_proba vs its log


@pytest.mark.parametrize("y_kind", ["binary", "multiclass", "multilabel"])
def test_predict_log_proba_is_log_of_predict_proba(y_kind):
    X, y = _data("clf", n=60)
    y = {"binary": y > 0, "multiclass": y,
         "multilabel": np.c_[y > 0, X[:, 2] > 0]}[y_kind]
    # scikit-learn's predict_log_proba is np.log(predict_proba) by definition
    # (-inf where its probabilities round to 0); ours must agree with the log
    # of its own probabilities, and stay finite.
    est = MLPClassifier(hidden_layer_sizes=(5,), max_iter=300, random_state=0)
    _quiet(est.fit, X * 30, y)  # confident: probabilities near 0 and 1
    proba = est.predict_proba(X * 30)
    assert proba.max() > 1 - 1e-6
    log_proba = est.predict_log_proba(X * 30)
    assert_allclose(log_proba, np.log(proba), rtol=1e-7)
    assert np.isfinite(log_proba).all()


def test_predict_log_proba_is_finite_where_the_probability_underflows():
    X, y = _data("clf", n=60)
    est = _quiet(MLPClassifier(hidden_layer_sizes=(5,), random_state=0).fit, X, y)
    est.coefs_[-1] *= 1e6
    assert np.isfinite(est.predict_log_proba(X)).all()


# ------------------------------------------- 7. fitted state as attributes


@pytest.mark.parametrize("kind", ["clf", "reg"])
def test_fitted_weights_are_plain_attributes(kind):
    X, y = _data(kind)
    for est in _both(kind, hidden_layer_sizes=(3,), max_iter=5, random_state=0):
        _quiet(est.fit, X, y)
        state = vars(est)
        assert {"coefs_", "intercepts_", "n_layers_", "n_outputs_"} <= set(state)
        assert all(isinstance(c, np.ndarray) for c in state["coefs_"])
    if kind == "clf":
        assert vars(MLPClassifier())["loss"] == vars(SkMLPClassifier())["loss"]


@pytest.mark.parametrize("kind", ["clf", "reg"])
def test_edits_and_assignments_of_weights_are_used(kind):
    X, y = _data(kind)
    extra = {"classes": np.unique(y)} if kind == "clf" else {}
    outcomes = []
    for est in _both(kind, hidden_layer_sizes=(3,), random_state=0):
        est.partial_fit(X, y, **extra)
        est.coefs_[0][...] = 0.5                            # in place
        est.intercepts_ = [np.zeros_like(b) for b in est.intercepts_]  # assigned
        est.coefs_[1] = np.full_like(est.coefs_[1], -0.25)  # an item replaced
        first = est.predict(X)
        est.partial_fit(X, y)
        outcomes.append((first, [c.copy() for c in est.coefs_]))
    assert_allclose(outcomes[1][0], outcomes[0][0], rtol=1e-12)
    for ours, theirs in zip(outcomes[1][1], outcomes[0][1]):
        assert_allclose(ours, theirs, rtol=1e-9, atol=1e-12)


def test_weights_assigned_to_an_unfitted_estimator_rebuild_the_network():
    predictions = []
    for est in _both("reg", hidden_layer_sizes=(3,)):
        est.coefs_ = [np.ones((1, 3)), np.ones((3, 1))]
        est.intercepts_ = [np.zeros(3), np.zeros(1)]
        est.n_layers_, est.n_outputs_, est.out_activation_ = 3, 1, "identity"
        est.n_features_in_ = 1
        predictions.append(est.predict([[1.0], [2.0]]))
    assert_array_equal(predictions[0], [3.0, 6.0])
    assert_array_equal(predictions[1], predictions[0])


def test_weights_of_another_shape_rebuild_the_network():
    X, y = _data("reg")
    pair = [_quiet(est.fit, X, y)
            for est in _both("reg", hidden_layer_sizes=(3,), max_iter=5, random_state=0)]
    for est in pair:
        est.coefs_ = [np.full((3, 2), 0.1), np.full((2, 1), 0.2)]
        est.intercepts_ = [np.zeros(2), np.ones(1)]
    assert_allclose(pair[1].predict(X), pair[0].predict(X), rtol=1e-12)


# ------------------------------------------------------------- 10. verbose


def _verbose_lines(est, X, y):
    out = io.StringIO()
    with redirect_stdout(out):
        _quiet(est.fit, X, y)
    return out.getvalue().splitlines()


@pytest.mark.parametrize("params", [
    {"solver": "adam", "tol": 0.5, "n_iter_no_change": 2},
    {"solver": "sgd", "learning_rate": "adaptive", "tol": 0.5, "n_iter_no_change": 2},
    {"solver": "adam", "early_stopping": True, "tol": 0.5, "n_iter_no_change": 2},
])
def test_verbose_lines_are_scikit_learns(params):
    """alpha=0 and one batch per epoch: both print the same numbers too."""
    X, y = _data("reg", n=60)
    theirs, ours = (_verbose_lines(est, X, y) for est in _both(
        "reg", hidden_layer_sizes=(4,), alpha=0.0, batch_size=60, max_iter=30,
        verbose=True, random_state=0, **params))
    assert ours == theirs
    assert any(line.endswith("Stopping.") for line in ours)


# ------------------------------------------------------- 12. persistence


@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
def test_pickled_state_holds_no_internal_classes(solver):
    X, y = _data("clf")
    est = _quiet(MLPClassifier(hidden_layer_sizes=(3,), solver=solver, max_iter=5,
                               random_state=0).fit, X, y)
    state = est.__getstate__()
    found = set()

    def walk(value):
        found.add(type(value))
        for child in (value.values() if isinstance(value, dict) else
                      value if isinstance(value, (list, tuple)) else ()):
            walk(child)

    walk(state)
    modules = {t.__module__.split(".")[0] for t in found}
    assert modules <= {"builtins", "numpy", "sklearn"}, found
    assert not any(isinstance(v, np.dtype) for v in state.values())
    again = pickle.loads(pickle.dumps(est))
    assert_array_equal(again.predict_proba(X), est.predict_proba(X))


def test_skops_needs_only_our_class_to_be_trusted():
    sio = pytest.importorskip("skops.io")
    X, y = _data("clf")
    est = _quiet(MLPClassifier(hidden_layer_sizes=(3,), max_iter=5,
                               random_state=0).fit, X, y)
    data = sio.dumps(est)
    untrusted = sio.get_untrusted_types(data=data)
    assert untrusted == ["sklearn_mbnet._mlp.MLPClassifier"]
    loaded = sio.loads(data, trusted=untrusted)
    assert_array_equal(loaded.predict_proba(X), est.predict_proba(X))
    loaded.partial_fit(X, y)  # the optimizer state came back too
    est.partial_fit(X, y)
    assert_array_equal(loaded.coefs_[0], est.coefs_[0])


# -------------------------------------------- the README's differences


def test_loss_counts_the_penalty_once_per_epoch():
    """With a step too small to move the weights, one epoch's loss_ is J(w0):
    scikit-learn adds alpha/2 ||W||^2 / n once per mini-batch instead."""
    X, y = _data("reg", n=40)
    theirs, ours = (_quiet(est.fit, X, y) for est in _both(
        "reg", hidden_layer_sizes=(3,), solver="sgd", learning_rate_init=1e-12,
        momentum=0.0, alpha=5.0, batch_size=10, max_iter=1, shuffle=False,
        random_state=0))
    squared = sum(float((w * w).sum()) for w in ours.coefs_)
    penalty = 0.5 * 5.0 * squared / 40
    data_loss = 0.5 * np.mean((ours.predict(X) - y) ** 2)
    assert_allclose(ours.loss_, data_loss + penalty, rtol=1e-9)
    assert_allclose(theirs.loss_, data_loss + 4 * penalty, rtol=1e-9)  # 4 batches


def test_warm_start_with_new_activation_is_an_error():
    X, y = _data("reg")
    theirs, ours = (_quiet(est.fit, X, y) for est in _both(
        "reg", hidden_layer_sizes=(3,), max_iter=5, warm_start=True, random_state=0))
    _quiet(theirs.set_params(activation="tanh").fit, X, y)  # silently other maths
    with pytest.raises(ValueError, match="activation='tanh' differs"):
        ours.set_params(activation="tanh").fit(X, y)


def test_partial_fit_with_warm_start_accepts_a_subset_of_classes():
    X, y = _data("clf")
    theirs, ours = _both("clf", hidden_layer_sizes=(3,), warm_start=True,
                         random_state=0)
    for est in (theirs, ours):
        est.partial_fit(X, y, classes=[0, 1, 2])
    subset = y != 2
    with pytest.raises(ValueError, match="warm_start can only be used"):
        theirs.partial_fit(X[subset], y[subset])
    ours.partial_fit(X[subset], y[subset])
    assert ours.t_ == len(X) + subset.sum()


@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_warnings_point_at_the_callers_line(solver):
    """A fit, directly or inside a Pipeline, warns at this file's line."""
    from sklearn.pipeline import make_pipeline

    X, y = _data("reg")
    for model in (MLPRegressor(max_iter=2, solver=solver),
                  make_pipeline(MLPRegressor(max_iter=2, solver=solver))):
        with pytest.warns(ConvergenceWarning) as record:
            model.fit(X, y)
        assert {w.filename for w in record} == {__file__}


def test_partial_fit_continues_from_weights_given_to_an_unfitted_estimator():
    """scikit-learn fails with AttributeError ('t_'); ours starts its counters."""
    X = np.random.RandomState(0).normal(size=(30, 1))
    y = 2 * X[:, 0]
    outcomes = []
    for est in _both("reg", hidden_layer_sizes=(3,), random_state=0):
        est.coefs_ = [np.ones((1, 3)), np.ones((3, 1))]
        est.intercepts_ = [np.zeros(3), np.zeros(1)]
        est.n_layers_, est.n_outputs_, est.out_activation_ = 3, 1, "identity"
        est.n_features_in_ = 1
        outcomes.append(est)
    with pytest.raises(AttributeError):
        outcomes[0].partial_fit(X, y)
    ours = outcomes[1].partial_fit(X, y)
    assert (ours.n_iter_, ours.t_) == (1, 30)
    assert not np.array_equal(ours.coefs_[0], np.ones((1, 3)))  # it trained
