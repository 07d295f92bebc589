"""Plain helpers shared by the test modules (fixtures live in ``conftest.py``).

Import them as ``from _helpers import ...``: pytest's default ("prepend")
import mode puts ``tests/`` on ``sys.path`` for the test modules of this
folder, which has no ``__init__.py``. A test that runs a module of this folder
in a subprocess must put ``tests/`` on that process's ``PYTHONPATH`` itself.
"""

import warnings

import numpy as np
import pytest
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPClassifier as SkMLPClassifier
from sklearn.neural_network import MLPRegressor as SkMLPRegressor

from sklearn_mbnet import MLPClassifier, MLPRegressor

# ------------------------------------------------------- the two estimators

# The reference is scikit-learn 1.9. Its MLP gained sample_weight, the
# regressor's loss parameter and "The validation set is too small" in 1.7, so
# comparisons with those have no oracle on the oldest supported scikit-learn.
SKLEARN_1_7 = tuple(int(part) for part in sklearn.__version__.split(".")[:2]) >= (1, 7)
needs_sklearn_1_7 = pytest.mark.skipif(
    not SKLEARN_1_7, reason="scikit-learn's MLP follows the 1.9 reference from 1.7 on")

KINDS = ["clf", "reg"]
OURS = {"clf": MLPClassifier, "reg": MLPRegressor}
SKLEARN = {"clf": SkMLPClassifier, "reg": SkMLPRegressor}

# Runs a test once per kind, with the ids ``test_name[clf]`` and ``test_name[reg]``.
each_kind = pytest.mark.parametrize("kind", KINDS)


def first_partial_fit_kwargs(kind, y):
    """What a first ``partial_fit`` needs besides X and y: the classes."""
    return {"classes": np.unique(y)} if kind == "clf" else {}


def fit_quiet(est, *args, **kwargs):
    """``est.fit(*args, **kwargs)``, swallowing only the ConvergenceWarning of
    a short run; returns the fitted estimator."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(*args, **kwargs)


# ------------------------------------------------------------------- data


def standard_normal_data(kind, n=60, d=4, seed=0):
    """``X, y``: standard normal X of shape (n, d); y a noisy linear score of
    X, cut into three classes (0, 1, 2) for ``"clf"``, the score for ``"reg"``."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d)
    score = X[:, 0] - X[:, 1] + 0.3 * rng.randn(n)
    if kind == "clf":
        return X, np.digitize(score, [-0.5, 0.5])  # three classes
    return X, score


def unscaled_data(kind, n=60, d=4, seed=0):
    """``X, y``: X of shape (n, d) whose columns differ in scale and offset (so
    that scaling them changes a fit); y a noisy linear score of X, two classes
    (0, 1) for ``"clf"``, the score for ``"reg"``."""
    rng = np.random.RandomState(seed)
    X = rng.randn(n, d) * [1.0, 10.0, 0.1, 5.0][:d] + [0.0, 50.0, -3.0, 1.0][:d]
    z = X[:, 0] + 0.1 * (X[:, 1] - 50) + rng.randn(n) * 0.3
    if kind == "clf":
        return X, (z > 0).astype(int)
    return X, z


# ---------------------------------------------------------------- weights


def weights(est):
    """A fitted network's weight arrays: ``coefs_``, then ``intercepts_``."""
    return list(est.coefs_) + list(est.intercepts_)


def weights_bytes(est):
    """The bytes of all weight arrays, for bit-for-bit comparisons."""
    return b"".join(p.tobytes() for p in [*est.coefs_, *est.intercepts_])


def assert_weights_equal(a, b):
    """The two estimators hold the same weights, bit for bit."""
    pa, pb = weights(a), weights(b)
    assert len(pa) == len(pb)
    for x, z in zip(pa, pb):
        np.testing.assert_array_equal(x, z)


def assert_weights_close(a, b, atol=1e-10):
    """The two estimators hold weights of the same shapes, equal up to ``atol``."""
    pa, pb = weights(a), weights(b)
    assert len(pa) == len(pb)
    for x, z in zip(pa, pb):
        assert x.shape == z.shape
        np.testing.assert_allclose(x, z, rtol=0, atol=atol)
