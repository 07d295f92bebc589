"""What scikit-learn's MLP lacks: each option against an oracle.

The activations' derivatives are checked by finite differences in
``test_gradients.py``, their numerical safety in ``test_reliability.py``,
their fuzzing in ``test_fuzz.py`` and scikit-learn's estimator checks in
``test_estimator_checks.py``, all parametrised by the registry; here are
their values at hand-computed points and their initialisation.
"""

import math
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import recall_score
from sklearn.utils.class_weight import compute_class_weight

from sklearn_mbnet import MLPClassifier, MLPRegressor, _kernels, check_gradients
from sklearn_mbnet._network import Network
from sklearn_mbnet.layers import ACTIVATIONS, Dropout, StepContext
from sklearn_mbnet.losses import LOSSES


def _quiet(call, *args, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return call(*args, **kwargs)


_PHI_1 = 0.5 * (1 + math.erf(1 / math.sqrt(2)))  # the normal CDF at 1
HAND_VALUES = {  # activation: (z, f(z)) computed by hand
    "leaky_relu": ([-2.0, 0.0, 3.0], [-0.02, 0.0, 3.0]),
    "elu": ([-1.0, 0.0, 2.0], [math.exp(-1) - 1, 0.0, 2.0]),
    "softplus": ([0.0, 1.0, -30.0], [math.log(2), math.log(1 + math.e), 9.357623e-14]),
    "silu": ([1.0, -1.0, 0.0], [1 / (1 + math.exp(-1)), -1 / (1 + math.e), 0.0]),
    "gelu": ([1.0, -1.0, 0.0], [_PHI_1, -(1 - _PHI_1), 0.0]),
}


@pytest.mark.parametrize("name", sorted(HAND_VALUES))
def test_activation_values_by_hand(name):
    z, expected = (np.array(v) for v in HAND_VALUES[name])
    assert_allclose(ACTIVATIONS[name]().predict(z.copy()), expected, rtol=1e-6)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_initial_weights_follow_the_activations_glorot_factor(name):
    """U(-r, r), r = sqrt(f / (fan_in + fan_out)): the extremes approach r."""
    net = Network([300, 200, 1], name, np.float64)
    net.init_glorot(np.random.RandomState(0))
    bound = math.sqrt(ACTIVATIONS[name].glorot_factor / 500)
    coef = net.coefs[0]
    assert abs(coef).max() <= bound
    assert abs(coef).max() > 0.999 * bound


def test_only_logistic_uses_scikit_learns_factor_two():
    factors = {name: cls.glorot_factor for name, cls in ACTIVATIONS.items()}
    assert factors.pop("logistic") == 2.0
    assert set(factors.values()) == {6.0}


NEW_ACTIVATIONS = sorted(set(ACTIVATIONS) - {"identity", "logistic", "tanh", "relu"})


@pytest.mark.parametrize("name", NEW_ACTIVATIONS)
def test_new_activations_fit_a_smooth_function(name):
    """Each learns sin(x) on [-3, 3] far better than the mean does."""
    X = np.linspace(-3, 3, 200)[:, None]
    y = np.sin(X[:, 0])
    est = MLPRegressor(hidden_layer_sizes=(20,), activation=name, solver="lbfgs",
                       max_iter=500, random_state=0).fit(X, y)
    assert est.score(X, y) > 0.95


# ------------------------------------------------------ check_gradients


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("dropout", [0.0, 0.3])
def test_check_gradients_for_every_activation_with_and_without_dropout(activation,
                                                                       dropout):
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(12, 3)), rng.randint(3, size=12)
    est = MLPClassifier(hidden_layer_sizes=(4, 3), activation=activation, alpha=0.2,
                        dropout=dropout, random_state=0)
    errors = check_gradients(est, X, y, sample_weight=rng.uniform(0.5, 2, size=12))
    assert len(errors["coefs_"]) == len(errors["intercepts_"]) == 3
    assert max(errors["coefs_"] + errors["intercepts_"]) < 1e-6
    assert not hasattr(est, "coefs_")  # the estimator itself is left alone


@pytest.mark.parametrize("loss", sorted(n for n, c in LOSSES.items()
                                        if c.task == "regression"))
def test_check_gradients_for_every_regression_loss_after_fitting(loss):
    rng = np.random.RandomState(1)
    X = rng.normal(size=(15, 3))
    y = np.abs(rng.normal(size=(15, 2))) + 0.1
    est = _quiet(MLPRegressor(hidden_layer_sizes=(5,), loss=loss, max_iter=20,
                              random_state=0).fit, X, y)
    before = [c.copy() for c in est.coefs_]
    errors = check_gradients(est, X, y)
    assert max(errors["coefs_"] + errors["intercepts_"]) < 1e-6
    for a, b in zip(before, est.coefs_):
        assert_array_equal(a, b)


def test_check_gradients_finds_a_wrong_derivative(monkeypatch):
    """The check can fail: tanh's derivative off by a factor 1.1."""
    rng = np.random.RandomState(0)
    X, y = rng.normal(size=(10, 3)), rng.normal(size=10)
    est = MLPRegressor(hidden_layer_sizes=(4,), activation="tanh", random_state=0)
    right = ACTIVATIONS["tanh"].derivative
    monkeypatch.setattr(ACTIVATIONS["tanh"], "derivative",
                        lambda self, z, a, delta: right(self, z, a, delta) * 1.1)
    with _kernels.use("numpy"):  # the compiled kernel does not call derivative
        errors = check_gradients(est, X, y)
    assert max(errors["coefs_"]) > 0.01
    assert errors["coefs_"][1] < 1e-6  # the last layer does not see tanh'


# --------------------------------------------------------- class_weight


def _imbalanced(n=600, seed=0):
    rng = np.random.RandomState(seed)
    X = rng.normal(size=(n, 2))
    y = (X[:, 0] + 0.7 * rng.normal(size=n) > 1.6).astype(int)  # about 8% ones
    return X, y


def test_class_weight_dict_equals_the_same_sample_weight():
    X, y = _imbalanced(200)
    params = dict(hidden_layer_sizes=(4,), max_iter=10, random_state=0)
    a = _quiet(MLPClassifier(class_weight={0: 0.5, 1: 4.0}, **params).fit, X, y)
    w = np.where(y == 1, 4.0, 0.5)
    b = _quiet(MLPClassifier(**params).fit, X, y, sample_weight=w)
    c = _quiet(MLPClassifier(class_weight={0: 0.5, 1: 4.0}, **params).fit, X, y,
               sample_weight=np.full(len(y), 2.0))  # multiplies into sample_weight
    for ours, ref, twice in zip(a.coefs_, b.coefs_, c.coefs_):
        assert_array_equal(ours, ref)
        assert_allclose(twice, ref, rtol=1e-8)  # Adam: scale-free up to rounding


def test_balanced_class_weight_raises_minority_recall():
    X, y = _imbalanced()
    X_test, y_test = _imbalanced(seed=1)
    params = dict(hidden_layer_sizes=(8,), max_iter=300, random_state=0)
    plain = _quiet(MLPClassifier(**params).fit, X, y)
    balanced = _quiet(MLPClassifier(class_weight="balanced", **params).fit, X, y)
    recall = {name: recall_score(y_test, est.predict(X_test))
              for name, est in [("plain", plain), ("balanced", balanced)]}
    assert recall["balanced"] > recall["plain"] + 0.2, recall


def test_balanced_class_weight_and_partial_fit():
    X, y = _imbalanced(100)
    est = MLPClassifier(class_weight="balanced")
    with pytest.raises(ValueError, match="'balanced' is not supported for partial_fit"):
        est.partial_fit(X, y, classes=[0, 1])
    weights = compute_class_weight("balanced", classes=np.array([0, 1]), y=y)
    est.set_params(class_weight=dict(zip([0, 1], weights))).partial_fit(
        X, y, classes=[0, 1])  # the documented recipe works


def test_class_weight_is_refused_for_multilabel_targets():
    X, y = _imbalanced(50)
    with pytest.raises(ValueError, match="not supported for multilabel"):
        MLPClassifier(class_weight="balanced").fit(X, np.c_[y, 1 - y])


# -------------------------------------------------------------- dropout


def test_dropout_masks_by_hand():
    """Inverted dropout: x * m / (1 - p), m ~ Bernoulli(1 - p); identity
    when predicting; the gradient is the same mask."""
    layer = Dropout(0.25)
    x = np.ones((400, 50))
    out = layer.forward(x, np.empty_like(x), StepContext(True, np.random.RandomState(0)))
    assert set(np.unique(out)) == {0.0, 1 / 0.75}
    assert abs((out == 0).mean() - 0.25) < 0.01
    assert_array_equal(layer.backward(np.ones_like(x), None), out)
    assert layer.predict(x) is x


def test_dropout_is_reproducible_and_changes_training_only():
    X, y = _imbalanced(200)
    params = dict(hidden_layer_sizes=(6, 4), max_iter=5, random_state=0)
    a, b = (_quiet(MLPClassifier(dropout=[0.5, 0.2], **params).fit, X, y)
            for _ in range(2))
    plain = _quiet(MLPClassifier(**params).fit, X, y)
    assert_array_equal(a.coefs_[0], b.coefs_[0])
    assert not np.array_equal(a.coefs_[0], plain.coefs_[0])
    # Prediction is deterministic and ignores the rate: same as a network
    # without dropout holding the same weights.
    c = MLPClassifier(**params).set_params(warm_start=True)
    _quiet(c.fit, X, y)
    c.coefs_, c.intercepts_ = [w.copy() for w in a.coefs_], [w.copy() for w in a.intercepts_]
    assert_array_equal(a.predict_proba(X), c.predict_proba(X))


def test_dropout_is_refused_for_lbfgs_and_checked():
    X, y = _imbalanced(50)
    with pytest.raises(ValueError, match="not supported with solver='lbfgs'"):
        MLPClassifier(solver="lbfgs", dropout=0.1).fit(X, y)
    with pytest.raises(ValueError, match="one per hidden layer"):
        MLPClassifier(hidden_layer_sizes=(3, 3), dropout=[0.1, 0.2, 0.3]).fit(X, y)
    with pytest.raises(ValueError, match="a rate in"):
        MLPClassifier(dropout=[1.0]).fit(X, y)


# ---------------------------------------------------------- robust losses


@pytest.mark.parametrize("loss", ["absolute_error", "huber"])
def test_robust_losses_resist_gross_outliers(loss):
    """5% of the training targets shifted by +50: squared error follows them,
    the robust losses do not (error measured on clean test data)."""
    rng = np.random.RandomState(0)
    X = rng.uniform(-2, 2, size=(1000, 2))
    y = X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=1000)
    y_dirty = y.copy()
    y_dirty[rng.choice(1000, 50, replace=False)] += 50.0
    X_test = rng.uniform(-2, 2, size=(500, 2))
    y_test = X_test[:, 0] - 2 * X_test[:, 1]
    errors = {}
    for name in ("squared_error", loss):
        est = _quiet(MLPRegressor(hidden_layer_sizes=(8,), loss=name, max_iter=200,
                                  learning_rate_init=0.01, random_state=0).fit,
                     X, y_dirty)
        errors[name] = np.mean(np.abs(est.predict(X_test) - y_test))
    assert errors[loss] < 0.3 * errors["squared_error"], errors


def test_huber_is_squared_error_inside_delta_and_absolute_beyond():
    huber = LOSSES["huber"](delta=2.0)
    raw = np.array([[0.5], [-1.5], [3.0], [-6.0]])
    losses, grad = huber.loss_gradient(np.zeros((4, 1)), raw.copy())
    assert_allclose(losses, [0.125, 1.125, 2 * (3 - 1), 2 * (6 - 1)])
    assert_allclose(grad[:, 0], [0.5, -1.5, 2.0, -2.0])
    raw = np.array([[2.0], [-3.0], [0.0]])
    losses, grad = LOSSES["absolute_error"]().loss_gradient(np.zeros((3, 1)), raw)
    assert_allclose(losses, [2.0, 3.0, 0.0])
    assert_allclose(grad[:, 0], [1.0, -1.0, 0.0])  # the subgradient 0 at the kink


# ---------------------------------------------------- validation losses


def test_validation_loss_curve_and_r2_tell_the_same_story():
    """Half squared error on the held-out rows = (1 - R^2) var(y_val) / 2, so
    the ratio of the two curves is the same at every epoch."""
    X = np.random.RandomState(0).normal(size=(300, 3))
    y = X @ [1.0, -2.0, 0.5] + 0.3 * np.random.RandomState(1).normal(size=300)
    est = _quiet(MLPRegressor(hidden_layer_sizes=(5,), early_stopping=True,
                              max_iter=15, n_iter_no_change=100, random_state=0).fit,
                 X, y)
    losses, scores = np.array(est.validation_loss_curve_), np.array(est.validation_scores_)
    assert len(losses) == len(scores) == est.n_iter_
    ratio = losses / (1 - scores)
    assert_allclose(ratio, ratio[0], rtol=1e-9)


def test_early_stopping_on_the_validation_loss():
    X, y = _imbalanced(300)
    est = _quiet(MLPClassifier(hidden_layer_sizes=(5,), early_stopping=True,
                               scoring="loss", max_iter=30, random_state=0).fit, X, y)
    assert_allclose(est.validation_scores_, -np.array(est.validation_loss_curve_))
    assert est.best_validation_score_ == -min(est.validation_loss_curve_)
    default = _quiet(MLPClassifier(hidden_layer_sizes=(5,), early_stopping=True,
                                   max_iter=30, random_state=0).fit, X, y)
    assert max(default.validation_scores_) <= 1.0  # accuracy, as in scikit-learn
    without = _quiet(MLPClassifier(hidden_layer_sizes=(5,), max_iter=2).fit, X, y)
    assert without.validation_loss_curve_ is None  # as validation_scores_
