"""Behaviour of sklearn_mbnet's MLPs, each checked against an oracle.

The oracles are scikit-learn's own MLPs given the same ``random_state`` (same
initial weights, same shuffles), values computed by hand, or a second run of
our estimator that must agree for a stated reason (dense vs sparse, dropped
rows vs zero weights, ...).
"""

import warnings

import numpy as np
import pytest
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor
from sklearn.utils._param_validation import InvalidParameterError

from sklearn_mbnet import MLPClassifier, MLPRegressor

from _helpers import (
    OURS,
    SKLEARN,
    assert_weights_close,
    assert_weights_equal,
    each_kind,
    first_partial_fit_kwargs,
    fit_quiet,
    needs_sklearn_1_7,
    weights,
)


# ---------------------------------------------------------------- data


def _X(n=40, d=4, seed=0):
    return np.random.RandomState(seed).randn(n, d)


def _y(kind, X, n_classes=3, seed=1):
    rng = np.random.RandomState(seed)
    if kind == "clf":
        score = X[:, 0] + 0.5 * X[:, 1] + 0.3 * rng.randn(len(X))
        edges = np.quantile(score, np.linspace(0, 1, n_classes + 1)[1:-1])
        return np.searchsorted(edges, score)
    return X[:, 0] - 2 * X[:, 1] + 0.1 * rng.randn(len(X))


def _after_one_partial_fit(kind):
    """A small adam estimator after one ``partial_fit`` on 40 rows, with its data."""
    X = _X()
    y = _y(kind, X)
    est = OURS[kind](hidden_layer_sizes=(3,), solver="adam", random_state=0)
    est.partial_fit(X, y, **first_partial_fit_kwargs(kind, y))
    return est, X, y


def _n_params(layer_units):
    return sum(a * b + b for a, b in zip(layer_units[:-1], layer_units[1:]))


def _rng_after_init(random_state, layer_units):
    """A RandomState in the state a fit leaves it after the Glorot draws."""
    rng = np.random.RandomState(random_state)
    rng.uniform(size=_n_params(layer_units))
    return rng


# ---------------------------------------------- 1. fit == N x partial_fit


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@each_kind
def test_fit_equals_repeated_partial_fit(kind, solver):
    X = _X()
    y = _y(kind, X)
    n_epochs = 6
    params = dict(
        hidden_layer_sizes=(5,), solver=solver, shuffle=False, random_state=0,
        batch_size=8, learning_rate_init=0.01, alpha=1e-3,
    )
    with pytest.warns(ConvergenceWarning):
        full = OURS[kind](max_iter=n_epochs, **params).fit(X, y)
    inc = OURS[kind](**params)
    extra = first_partial_fit_kwargs(kind, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        for i in range(n_epochs):
            inc.partial_fit(X, y, **(extra if i == 0 else {}))
    assert_weights_equal(full, inc)
    np.testing.assert_array_equal(full.loss_curve_, inc.loss_curve_)
    assert full.loss_ == inc.loss_
    # n_iter_ counts the epochs of the last call, as in scikit-learn.
    assert (full.n_iter_, inc.n_iter_) == (n_epochs, 1)
    assert full.t_ == inc.t_ == n_epochs * len(X)


# ------------------------------------------------ 2. partial_fit checks


def test_partial_fit_classes_checks():
    X = _X()
    y = _y("clf", X)
    clf = MLPClassifier(hidden_layer_sizes=(3,), solver="sgd", random_state=0)
    with pytest.raises(ValueError, match="classes"):
        clf.partial_fit(X, y)  # first call without classes
    clf.partial_fit(X, y, classes=[0, 1, 2])
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    # Same classes again, even as another container type: fine.
    clf.partial_fit(X, y, classes=np.array([0, 1, 2]))
    assert clf.t_ == 2 * len(X)
    with pytest.raises(ValueError):
        clf.partial_fit(X, y, classes=[0, 1, 2, 3])
    with pytest.raises(ValueError):
        clf.partial_fit(X[y < 2], y[y < 2], classes=[0, 1])
    y_unseen = y.copy()
    y_unseen[0] = 7
    with pytest.raises(ValueError):
        clf.partial_fit(X, y_unseen)
    # Failed calls did not train.
    assert clf.t_ == 2 * len(X)


@each_kind
def test_partial_fit_rejects_changed_n_features(kind):
    est, X, y = _after_one_partial_fit(kind)
    with pytest.raises(ValueError, match="features"):
        est.partial_fit(X[:, :3], y)


@each_kind
def test_partial_fit_only_for_stochastic_solvers(kind):
    assert not hasattr(OURS[kind](solver="lbfgs"), "partial_fit")
    assert hasattr(OURS[kind](solver="sgd"), "partial_fit")
    assert hasattr(OURS[kind](solver="adam"), "partial_fit")
    # The attribute follows the parameter, as with available_if in sklearn.
    est = OURS[kind](solver="adam").set_params(solver="lbfgs")
    assert not hasattr(est, "partial_fit")


@each_kind
def test_partial_fit_rejects_early_stopping_like_sklearn(kind):
    X, y = _X(), _y(kind, _X())
    extra = first_partial_fit_kwargs(kind, y)
    for cls in (OURS[kind], SKLEARN[kind]):
        with pytest.raises(ValueError, match="partial_fit does not support early_stopping"):
            cls(early_stopping=True).partial_fit(X, y, **extra)


# ------------------------------------ 3. partial_fit: shuffles, counters


@pytest.mark.parametrize("solver", ["sgd", "adam"])
@each_kind
def test_partial_fit_draws_new_shuffle_each_call(kind, solver):
    X = _X(n=20)
    y = _y(kind, X)
    n = len(X)
    n_out = len(np.unique(y)) if kind == "clf" else 1
    params = dict(hidden_layer_sizes=(4,), solver=solver, random_state=3,
                  batch_size=5, learning_rate_init=0.05)
    extra = first_partial_fit_kwargs(kind, y)
    shuffled = OURS[kind](shuffle=True, **params)
    shuffled.partial_fit(X, y, **extra)
    shuffled.partial_fit(X, y)

    # Reference: the same RandomState draws the init, then one permutation
    # per call; feed the permuted rows unshuffled.
    rng = _rng_after_init(3, [X.shape[1], 4, n_out])
    perms = [rng.permutation(n), rng.permutation(n)]
    ref = OURS[kind](shuffle=False, **params)
    ref.partial_fit(X[perms[0]], y[perms[0]], **extra)
    ref.partial_fit(X[perms[1]], y[perms[1]])
    assert_weights_close(shuffled, ref, atol=1e-12)

    # scikit-learn's behaviour (replay the first permutation) is different.
    replay = OURS[kind](shuffle=False, **params)
    replay.partial_fit(X[perms[0]], y[perms[0]], **extra)
    replay.partial_fit(X[perms[0]], y[perms[0]])
    assert not np.allclose(shuffled.coefs_[0], replay.coefs_[0])


@each_kind
def test_partial_fit_counters_accumulate(kind):
    """t_ and loss_curve_ accumulate; n_iter_ is the last call's epochs."""
    est, X, y = _after_one_partial_fit(kind)
    assert (est.n_iter_, est.t_, len(est.loss_curve_)) == (1, 40, 1)
    est.partial_fit(X, y)
    assert (est.n_iter_, est.t_, len(est.loss_curve_)) == (1, 80, 2)
    est.partial_fit(X[:7], y[:7])
    assert (est.n_iter_, est.t_, len(est.loss_curve_)) == (1, 87, 3)
    assert est.loss_ == est.loss_curve_[-1]


# ------------------------------------------------------ 4. early stopping


@each_kind
def test_early_stopping_matches_sklearn_and_restores_best(kind):
    X = _X(n=120, d=5)
    y = _y(kind, X, n_classes=2)
    params = dict(hidden_layer_sizes=(7,), solver="adam", random_state=0,
                  max_iter=60, batch_size=16, early_stopping=True,
                  n_iter_no_change=5, learning_rate_init=0.05,
                  validation_fraction=0.2)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)  # stops early
        ours = OURS[kind](**params).fit(X, y)
        theirs = SKLEARN[kind](**params).fit(X, y)

    assert ours.n_iter_ < params["max_iter"]
    assert ours.n_iter_ == theirs.n_iter_
    assert len(ours.validation_scores_) == ours.n_iter_
    np.testing.assert_allclose(ours.validation_scores_, theirs.validation_scores_,
                               rtol=1e-9)
    assert ours.best_validation_score_ == max(ours.validation_scores_)
    assert np.argmax(ours.validation_scores_) < ours.n_iter_ - 1
    assert_weights_close(ours, theirs)

    # The returned weights are the best ones: rebuild the held-out split
    # from the RandomState after the init draws.
    rng = _rng_after_init(0, [5, 7, 1])
    _, idx_val = train_test_split(np.arange(len(X)), test_size=0.2,
                                  random_state=rng,
                                  stratify=y if kind == "clf" else None)
    score = ours.score(X[idx_val], y[idx_val])
    assert score == pytest.approx(ours.best_validation_score_, abs=1e-12)
    assert score > ours.validation_scores_[-1]


def _multiclass_es_data():
    rng = np.random.RandomState(0)
    # Imbalanced: 60 / 30 / 30 rows, so that stratification matters.
    y = np.repeat([0, 1, 2], [60, 30, 30])
    X = rng.randn(120, 5) + 0.7 * y[:, None]
    perm = rng.permutation(120)
    return X[perm], y[perm]


# Early stopping on _multiclass_es_data: 30 held-out rows, a few epochs.
_MULTICLASS_ES_PARAMS = dict(
    hidden_layer_sizes=(7,), solver="adam", random_state=0, max_iter=40,
    batch_size=16, early_stopping=True, validation_fraction=0.25,
    learning_rate_init=0.05, n_iter_no_change=5,
)


def test_early_stopping_multiclass_is_stratified():
    X, y = _multiclass_es_data()
    params = _MULTICLASS_ES_PARAMS
    est = fit_quiet(MLPClassifier(**params), X, y)

    idx = np.arange(len(X))
    _, idx_val = train_test_split(idx, test_size=0.25,
                                  random_state=_rng_after_init(0, [5, 7, 3]),
                                  stratify=y)
    # Every class in proportion to its frequency (30 held-out rows).
    counts = np.bincount(y[idx_val], minlength=3)
    assert np.all(np.abs(counts - 0.25 * np.bincount(y)) <= 1)
    # The held-out set is that one: the restored model scores
    # best_validation_score_ on it, and every score is k / 30.
    assert est.score(X[idx_val], y[idx_val]) == pytest.approx(
        est.best_validation_score_, abs=1e-12)
    np.testing.assert_allclose(np.array(est.validation_scores_) * len(idx_val) % 1, 0,
                               atol=1e-9)
    # A plain split would have been a different held-out set.
    _, idx_plain = train_test_split(idx, test_size=0.25,
                                    random_state=_rng_after_init(0, [5, 7, 3]))
    assert set(idx_plain) != set(idx_val)


def test_early_stopping_multiclass_differs_from_sklearn_split_only():
    """scikit-learn 1.9 documents a stratified split but, for multiclass y,
    tests ``n_outputs_ == 1`` after one-hot encoding and so splits plainly.
    We stratify, as documented; with our split forced to the plain one the
    two libraries agree again, so the split is the only difference.
    """
    X, y = _multiclass_es_data()
    params = _MULTICLASS_ES_PARAMS
    theirs = fit_quiet(SkMLPClassifier(**params), X, y)
    ours = fit_quiet(MLPClassifier(**params), X, y)
    assert ours.validation_scores_ != theirs.validation_scores_

    plain = MLPClassifier(**params)
    plain._stratify = lambda y, Y: None
    plain = fit_quiet(plain, X, y)
    np.testing.assert_allclose(plain.validation_scores_, theirs.validation_scores_)
    assert_weights_close(plain, theirs)


# ---------------------------------------------------------- 5. warm_start


@each_kind
def test_warm_start_continues_from_previous_weights(kind):
    X = _X()
    y = _y(kind, X)
    params = dict(hidden_layer_sizes=(5,), solver="sgd", momentum=0.0,
                  learning_rate="constant", learning_rate_init=0.05,
                  shuffle=False, random_state=0, batch_size=10)
    a, b = 3, 4
    warm = OURS[kind](max_iter=a, warm_start=True, **params)
    with pytest.warns(ConvergenceWarning):
        warm.fit(X, y)
    warm.set_params(max_iter=b)
    with pytest.warns(ConvergenceWarning):
        warm.fit(X, y)
    with pytest.warns(ConvergenceWarning):
        once = OURS[kind](max_iter=a + b, **params).fit(X, y)
    assert_weights_equal(warm, once)
    np.testing.assert_array_equal(warm.loss_curve_, once.loss_curve_)
    assert warm.n_iter_ == b  # as in scikit-learn: n_iter_ counts this fit
    assert warm.t_ == once.t_ == (a + b) * len(X)

    # scikit-learn's warm start lands on the same weights.
    sk = SKLEARN[kind](max_iter=a, warm_start=True, **params)
    fit_quiet(sk, X, y)
    fit_quiet(sk.set_params(max_iter=b), X, y)
    assert_weights_close(warm, sk)


def test_warm_start_rejects_changed_classes():
    X = _X()
    y = _y("clf", X)
    clf = MLPClassifier(hidden_layer_sizes=(3,), warm_start=True, max_iter=2,
                        random_state=0)
    fit_quiet(clf, X, y)
    with pytest.raises(ValueError):
        clf.fit(X[y < 2], y[y < 2])  # a class fewer
    y_new = y.copy()
    y_new[y == 2] = 5
    with pytest.raises(ValueError):
        clf.fit(X, y_new)  # a new class
    # Without warm_start the same data refits from scratch.
    fit_quiet(clf.set_params(warm_start=False), X, y_new)
    np.testing.assert_array_equal(clf.classes_, [0, 1, 5])


# ------------------------------------------- 6. ConvergenceWarning, verbose


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@each_kind
def test_convergence_warning_when_max_iter_reached(kind, solver):
    X = _X()
    y = _y(kind, X)
    est = OURS[kind](hidden_layer_sizes=(5,), solver=solver, max_iter=2,
                     random_state=0)
    with pytest.warns(ConvergenceWarning):
        est.fit(X, y)
    assert est.n_iter_ == 2


def test_no_convergence_warning_when_stopping_on_tol():
    X = _X()
    y = _y("reg", X)
    est = MLPRegressor(hidden_layer_sizes=(5,), solver="adam", max_iter=500,
                       tol=10.0, n_iter_no_change=2, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ConvergenceWarning)
        est.fit(X, y)
    # tol so large that only the first epoch (from best_loss_=inf) counts as
    # an improvement: stop once n_iter_no_change=2 is exceeded.
    assert est.n_iter_ == 4


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_verbose_prints_one_loss_line_per_epoch(solver, capsys):
    X = _X()
    y = _y("clf", X)
    est = MLPClassifier(hidden_layer_sizes=(5,), solver=solver, max_iter=4,
                        random_state=0, verbose=True)
    with pytest.warns(ConvergenceWarning):
        est.fit(X, y)
    lines = [ln for ln in capsys.readouterr().out.splitlines() if "loss" in ln]
    assert len(lines) == 4
    for i, (line, loss) in enumerate(zip(lines, est.loss_curve_), start=1):
        assert line == f"Iteration {i}, loss = {loss:.8f}"


def test_not_verbose_prints_nothing(capsys):
    X = _X()
    y = _y("clf", X)
    fit_quiet(MLPClassifier(hidden_layer_sizes=(5,), max_iter=3, random_state=0),
              X, y)
    assert capsys.readouterr().out == ""


# ------------------------------------------------------------ 7. multilabel


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_multilabel_matches_sklearn(solver):
    rng = np.random.RandomState(0)
    X = rng.randn(60, 5)
    Y = np.column_stack([X[:, 0] > 0, X[:, 1] + X[:, 2] > 0, X[:, 3] > 0.5]).astype(int)
    params = dict(hidden_layer_sizes=(8,), solver=solver, random_state=0,
                  max_iter=30, batch_size=10, learning_rate_init=0.05)
    ours = fit_quiet(MLPClassifier(**params), X, Y)
    theirs = fit_quiet(SkMLPClassifier(**params), X, Y)

    pred = ours.predict(X)
    assert pred.shape == Y.shape
    assert set(np.unique(pred)) <= {0, 1}
    np.testing.assert_array_equal(pred, theirs.predict(X))
    proba = ours.predict_proba(X)
    assert proba.shape == (60, 3)
    assert np.all((proba > 0) & (proba < 1))
    np.testing.assert_allclose(proba, theirs.predict_proba(X), rtol=0, atol=1e-10)
    assert_weights_close(ours, theirs)
    # Columns are independent probabilities, not a softmax.
    assert not np.allclose(proba.sum(axis=1), 1)
    # Training learned something: better than the majority label per column.
    assert (pred == Y).mean() > max(Y.mean(), 1 - Y.mean())


# --------------------------------------------------- 8. multi-output regression


def _multioutput_data():
    rng = np.random.RandomState(0)
    X = rng.randn(50, 4)
    Y = np.column_stack([X[:, 0] - X[:, 1], 2 * X[:, 2], X[:, 3] ** 2])
    return X, Y + 0.05 * rng.randn(*Y.shape)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_multioutput_regression_matches_sklearn(solver):
    X, Y = _multioutput_data()
    params = dict(hidden_layer_sizes=(6,), solver=solver, random_state=0,
                  max_iter=15, batch_size=10, learning_rate_init=0.01, alpha=0.0)
    ours = fit_quiet(MLPRegressor(**params), X, Y)
    theirs = fit_quiet(SkMLPRegressor(**params), X, Y)
    assert ours.predict(X).shape == Y.shape
    np.testing.assert_allclose(ours.predict(X), theirs.predict(X), rtol=0, atol=1e-8)
    assert_weights_close(ours, theirs, atol=1e-8)
    # scikit-learn reports the loss divided by n_outputs (issue #8349).
    np.testing.assert_allclose(ours.loss_curve_, 3 * np.array(theirs.loss_curve_),
                               rtol=1e-10)


def test_multioutput_loss_is_half_squared_error_summed_over_outputs():
    X, Y = _multioutput_data()
    alpha = 0.3
    est = fit_quiet(MLPRegressor(hidden_layer_sizes=(6,), solver="lbfgs",
                                 alpha=alpha, max_iter=30, random_state=0), X, Y)
    err = est.predict(X) - Y
    penalty = 0.5 * alpha * sum((W ** 2).sum() for W in est.coefs_) / len(X)
    expected = 0.5 * np.mean(np.sum(err ** 2, axis=1)) + penalty
    assert est.loss_ == pytest.approx(expected, rel=1e-10)


def test_multioutput_sgd_epoch_loss_is_loss_before_the_step():
    # Full batch, no shuffle: epoch k+1 reports the loss of the weights
    # that epoch k ended on.
    X, Y = _multioutput_data()
    params = dict(hidden_layer_sizes=(6,), solver="sgd", random_state=0,
                  batch_size=len(X), shuffle=False, alpha=0.0,
                  learning_rate_init=0.01)
    k = 3
    short = fit_quiet(MLPRegressor(max_iter=k, **params), X, Y)
    longer = fit_quiet(MLPRegressor(max_iter=k + 1, **params), X, Y)
    err = short.predict(X) - Y
    expected = 0.5 * np.mean(np.sum(err ** 2, axis=1))
    assert longer.loss_curve_[k] == pytest.approx(expected, rel=1e-12)


# ---------------------------------------------------------------- 9. sparse


@pytest.mark.parametrize("fmt", ["csr", "csc"])
@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@each_kind
def test_sparse_input_gives_dense_result(kind, solver, fmt):
    rng = np.random.RandomState(0)
    X = rng.randn(50, 8) * (rng.rand(50, 8) < 0.3)
    y = _y(kind, np.c_[X[:, :1] + X[:, 1:2], X[:, 2:]])
    params = dict(hidden_layer_sizes=(5,), solver=solver, random_state=0,
                  max_iter=10, batch_size=8, learning_rate_init=0.05)
    dense = fit_quiet(OURS[kind](**params), X, y)
    Xs = sparse.csr_matrix(X) if fmt == "csr" else sparse.csc_matrix(X)
    sp = fit_quiet(OURS[kind](**params), Xs, y)
    assert_weights_close(dense, sp)
    assert sp.loss_ == pytest.approx(dense.loss_, rel=1e-10)
    np.testing.assert_allclose(sp.predict(Xs), dense.predict(X), atol=1e-10)
    # Sparse predict on a dense-fitted model is the same too.
    np.testing.assert_allclose(dense.predict(Xs), dense.predict(X), atol=1e-10)


# ---------------------------------------------------------------- 10. dtypes


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("solver", ["adam", "lbfgs"])
def test_float_dtype_preserved(dtype, solver):
    X = _X().astype(dtype)
    yc, yr = _y("clf", X), _y("reg", X)
    clf = fit_quiet(MLPClassifier(hidden_layer_sizes=(4,), solver=solver,
                                  max_iter=5, random_state=0), X, yc)
    reg = fit_quiet(MLPRegressor(hidden_layer_sizes=(4,), solver=solver,
                                 max_iter=5, random_state=0), X, yr)
    for est in (clf, reg):
        assert all(p.dtype == dtype for p in weights(est))
    assert clf.predict_proba(X).dtype == dtype
    assert clf.predict_log_proba(X).dtype == dtype
    assert reg.predict(X).dtype == dtype
    if solver == "lbfgs":
        return  # scikit-learn's lbfgs returns float64 weights for float32 X
    # Same precision contract as scikit-learn.
    sk = fit_quiet(SkMLPClassifier(hidden_layer_sizes=(4,), solver=solver,
                                   max_iter=5, random_state=0), X, yc)
    assert sk.coefs_[0].dtype == clf.coefs_[0].dtype
    assert sk.predict_proba(X).dtype == clf.predict_proba(X).dtype


def test_float32_result_close_to_float64():
    X = _X()
    y = _y("reg", X)
    params = dict(hidden_layer_sizes=(4,), solver="sgd", max_iter=5,
                  random_state=0, shuffle=False, learning_rate_init=0.01)
    e32 = fit_quiet(MLPRegressor(**params), X.astype(np.float32), y)
    e64 = fit_quiet(MLPRegressor(**params), X, y)
    assert_weights_close(e32, e64, atol=1e-5)


def test_float32_training_computes_what_scikit_learn_float32_does():
    """float32 Adam steps match scikit-learn's float32 steps to float32
    rounding, closer than scikit-learn's own float32 and float64 fits are to
    each other (so the float32 path is not float64 work cast at the end)."""
    from sklearn.datasets import make_classification

    X, y = make_classification(600, 40, n_informative=10, n_classes=4, random_state=0)
    params = dict(hidden_layer_sizes=(32,), batch_size=50, max_iter=3, random_state=0)
    ours = fit_quiet(MLPClassifier(**params), X.astype(np.float32), y)
    sk32 = fit_quiet(SkMLPClassifier(**params), X.astype(np.float32), y)
    sk64 = fit_quiet(SkMLPClassifier(**params), X, y)

    def distance(a, b):  # largest difference relative to the layer's scale
        return max(np.abs(p - q).max() / np.abs(p).max()
                   for p, q in zip(weights(a), weights(b)))

    assert all(p.dtype == np.float32 for p in weights(ours))
    # 36 steps: ours vs sklearn float32 ~1e-7, sklearn float32 vs float64 ~4e-7.
    assert distance(sk32, ours) < 1e-6
    assert distance(sk32, ours) < distance(sk32, sk64) / 2


def test_int_X_gives_float64():
    X = np.random.RandomState(0).randint(-3, 4, size=(40, 4))
    y = _y("reg", X.astype(float))
    reg = fit_quiet(MLPRegressor(hidden_layer_sizes=(4,), max_iter=5,
                                 random_state=0), X, y)
    assert all(p.dtype == np.float64 for p in weights(reg))
    assert reg.predict(X).dtype == np.float64
    ref = fit_quiet(MLPRegressor(hidden_layer_sizes=(4,), max_iter=5,
                                 random_state=0), X.astype(np.float64), y)
    assert_weights_equal(reg, ref)


# ---------------------------------------------------------- 11. sample weights


@pytest.mark.parametrize("solver", ["sgd", "adam", "lbfgs"])
@each_kind
def test_zero_weight_equals_dropping_row_full_batch(kind, solver):
    X = _X()
    y = _y(kind, X)
    w = np.ones(len(X))
    w[[3, 17, 30]] = 0
    keep = w > 0
    # batch_size='auto' = n: one full batch either way.
    params = dict(hidden_layer_sizes=(5,), solver=solver, random_state=0,
                  max_iter=8, learning_rate_init=0.05)
    weighted = fit_quiet(OURS[kind](**params), X, y, sample_weight=w)
    dropped = fit_quiet(OURS[kind](**params), X[keep], y[keep])
    assert_weights_close(weighted, dropped, atol=1e-12)
    assert weighted.loss_ == pytest.approx(dropped.loss_, rel=1e-12)


@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_all_zero_weight_batch_is_skipped(solver):
    X = _X(n=12)
    y = _y("reg", X)
    w = np.ones(len(X))
    w[:2] = 0  # the first mini-batch carries no weight
    params = dict(hidden_layer_sizes=(3,), solver=solver, random_state=0,
                  batch_size=2, shuffle=False, max_iter=4,
                  learning_rate_init=0.05)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no division by zero
        warnings.simplefilter("ignore", ConvergenceWarning)
        weighted = MLPRegressor(**params).fit(X, y, sample_weight=w)
    assert all(np.isfinite(p).all() for p in weights(weighted))
    # Skipping that batch (no step, optimizer untouched) is training on the
    # other rows, which form the same remaining batches.
    dropped = fit_quiet(MLPRegressor(**params), X[2:], y[2:])
    assert_weights_close(weighted, dropped, atol=1e-12)
    np.testing.assert_allclose(weighted.loss_curve_, dropped.loss_curve_, rtol=1e-12)


@each_kind
def test_invalid_sample_weights(kind):
    X = _X()
    y = _y(kind, X)
    est = OURS[kind](hidden_layer_sizes=(3,), max_iter=2, random_state=0)
    w = np.ones(len(X))
    w[0] = -1
    with pytest.raises(ValueError):
        est.fit(X, y, sample_weight=w)
    with pytest.raises(ValueError):
        est.fit(X, y, sample_weight=np.zeros(len(X)))
    with pytest.raises(ValueError):
        est.fit(X, y, sample_weight=np.ones(len(X) - 1))


def test_integer_weight_equals_repeated_row_full_batch():
    X = _X(n=20)
    y = _y("clf", X)
    w = np.ones(len(X))
    w[5] = 3
    rep = np.r_[np.arange(20), 5, 5]
    params = dict(hidden_layer_sizes=(4,), solver="lbfgs", random_state=0,
                  max_iter=20)
    weighted = fit_quiet(MLPClassifier(**params), X, y, sample_weight=w)
    repeated = fit_quiet(MLPClassifier(**params), X[rep], y[rep])
    assert_weights_close(weighted, repeated, atol=1e-8)


# ------------------------------------------------- 12. no hidden layer


def test_no_hidden_layer_regressor_is_linear_regression():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 3)
    y = X @ [1.5, -2.0, 0.5] + 0.7  # noise free
    est = fit_quiet(MLPRegressor(hidden_layer_sizes=(), solver="lbfgs", alpha=0.0,
                                 tol=1e-12, max_iter=500, random_state=0), X, y)
    lin = LinearRegression().fit(X, y)
    assert est.n_layers_ == 2
    assert [c.shape for c in est.coefs_] == [(3, 1)]
    np.testing.assert_allclose(est.coefs_[0].ravel(), lin.coef_, atol=1e-6)
    np.testing.assert_allclose(est.intercepts_[0], [lin.intercept_], atol=1e-6)
    np.testing.assert_allclose(est.predict(X), y, atol=1e-5)


@each_kind
def test_no_hidden_layer_matches_sklearn(kind):
    X = _X()
    y = _y(kind, X)
    params = dict(hidden_layer_sizes=(), solver="adam", random_state=0,
                  max_iter=20, learning_rate_init=0.05)
    ours = fit_quiet(OURS[kind](**params), X, y)
    theirs = fit_quiet(SKLEARN[kind](**params), X, y)
    assert ours.n_layers_ == theirs.n_layers_ == 2
    assert_weights_close(ours, theirs)


# -------------------------------------------------------------- 13. Poisson


def _poisson_data():
    rng = np.random.RandomState(0)
    X = rng.randn(60, 4)
    return X, rng.poisson(np.exp(0.5 * X[:, 0] - 0.3 * X[:, 1])).astype(float)


def test_poisson_rejects_negative_targets():
    X, y = _poisson_data()
    y[4] = -1.0
    with pytest.raises(ValueError):
        MLPRegressor(loss="poisson", max_iter=2).fit(X, y)
    # The squared error accepts them.
    fit_quiet(MLPRegressor(loss="squared_error", max_iter=2, random_state=0), X, y)


@needs_sklearn_1_7
@pytest.mark.parametrize("solver", ["sgd", "adam"])
def test_poisson_matches_sklearn(solver):
    X, y = _poisson_data()
    params = dict(loss="poisson", hidden_layer_sizes=(5,), solver=solver,
                  random_state=0, max_iter=20, batch_size=10,
                  learning_rate_init=0.01)
    ours = fit_quiet(MLPRegressor(**params), X, y)
    theirs = fit_quiet(SkMLPRegressor(**params), X, y)
    pred = ours.predict(X)
    assert np.all(pred > 0)
    assert ours.out_activation_ == theirs.out_activation_ == "exp"
    assert_weights_close(ours, theirs)
    np.testing.assert_allclose(pred, theirs.predict(X), rtol=1e-9)
    # Predictions of a fresh far-negative raw output stay positive.
    assert np.all(ours.predict(-100 * np.abs(X)) > 0)


# ------------------------------------------------ 14. assigning weights


def test_in_place_weight_assignment_is_used():
    X = _X(n=10, d=3)
    y = _y("reg", X)
    lr = 0.1
    est = MLPRegressor(hidden_layer_sizes=(), solver="sgd", momentum=0.0,
                       learning_rate_init=lr, alpha=0.0, batch_size=10,
                       shuffle=False, random_state=0)
    est.partial_fit(X, y)
    W = np.array([[0.5], [-1.0], [2.0]])
    b = np.array([0.25])
    est.coefs_[0][...] = W
    est.intercepts_[0][...] = b
    np.testing.assert_array_equal(est.predict(X), X @ W.ravel() + 0.25)
    est.partial_fit(X, y)
    # One gradient step on J = mean(0.5 (XW + b - y)^2).
    resid = (X @ W + b).ravel() - y
    np.testing.assert_allclose(est.coefs_[0], W - lr * (X.T @ resid)[:, None] / 10,
                               rtol=1e-12)
    np.testing.assert_allclose(est.intercepts_[0], b - lr * resid.mean(), rtol=1e-12)
    # The reported loss of that epoch is the loss at the assigned weights.
    assert est.loss_ == pytest.approx(0.5 * np.mean(resid ** 2), rel=1e-12)


def test_assigning_coefs_attribute():
    X = _X(n=10, d=3)
    y = _y("reg", X)
    est = MLPRegressor(hidden_layer_sizes=(2,), solver="sgd", random_state=0)
    est.partial_fit(X, y)
    new_coefs = [np.full((3, 2), 0.1), np.full((2, 1), -0.2)]
    est.coefs_ = new_coefs
    est.intercepts_ = [np.zeros(2), np.array([1.0])]
    for got, want in zip(est.coefs_, new_coefs):
        np.testing.assert_array_equal(got, want)
    h = np.maximum(X @ new_coefs[0], 0)
    np.testing.assert_allclose(est.predict(X), (h @ new_coefs[1]).ravel() + 1.0)
    # Weights that do not fit together are an error when used, not stored.
    est.coefs_ = [np.zeros((3, 2))]
    with pytest.raises(ValueError, match="intercepts_ must be arrays of shapes"):
        est.predict(X)
    est.coefs_ = new_coefs
    np.testing.assert_allclose(est.predict(X), (h @ new_coefs[1]).ravel() + 1.0)


# ----------------------------------------------------- 15. invalid params


@each_kind
@pytest.mark.parametrize("bad", [
    {"activation": "foo"}, {"solver": "x"}, {"alpha": -1.0},
    {"learning_rate": "fast"}, {"max_iter": 0}, {"momentum": 1.5},
    {"validation_fraction": 1.0}, {"batch_size": 0}, {"learning_rate_init": 0.0},
])
def test_invalid_params_raise(kind, bad):
    X = _X()
    y = _y(kind, X)
    with pytest.raises(InvalidParameterError):
        OURS[kind](**bad).fit(X, y)
    # scikit-learn agrees that these are invalid.
    with pytest.raises(InvalidParameterError):
        SKLEARN[kind](**bad).fit(X, y)


def test_invalid_regression_loss():
    X = _X()
    with pytest.raises(InvalidParameterError):
        MLPRegressor(loss="log_loss").fit(X, _y("reg", X))


@each_kind
@pytest.mark.parametrize("sizes", [(0,), (3, -1), (2, 0, 2), -2])
def test_invalid_hidden_layer_sizes(kind, sizes):
    X = _X()
    y = _y(kind, X)
    with pytest.raises(ValueError):
        OURS[kind](hidden_layer_sizes=sizes, max_iter=2).fit(X, y)
