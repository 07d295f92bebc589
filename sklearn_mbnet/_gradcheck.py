"""``check_gradients``: backpropagation against finite differences.

Seed 004's weight check as a public tool: at the estimator's current weights
(fitted, or freshly initialised if it is not fitted), the gradient of the
training objective

    J(theta) = sum_i w_i l_i(theta) / sum_i w_i + alpha/2 ||W||^2 / sum_i w_i

computed by backpropagation is compared, coordinate by coordinate, with the
five-point central difference

    J'(theta) ~ (J(theta - 2h) - 8 J(theta - h) + 8 J(theta + h) - J(theta + 2h)) / 12h,

whose truncation error is O(h^4). With dropout the masks are drawn from one
fixed seed at every evaluation, so J is one smooth function of theta.
"""

import copy

import numpy as np
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.validation import check_is_fitted

from ._network import _views
from .layers import StepContext


def check_gradients(estimator, X, y, sample_weight=None, *, step=1e-5):
    """Compare the backpropagated gradient with central finite differences.

    Parameters
    ----------
    estimator : MLPClassifier or MLPRegressor
        Fitted or not; it is not modified (the check runs on a copy).
    X : {array-like, sparse matrix} of shape (n_samples, n_features)
        Rows to evaluate the objective on; a few dozen are plenty.
    y : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Their targets.
    sample_weight : array-like of shape (n_samples,), default=None
        Their weights.
    step : float, default=1e-5
        The finite-difference step h.

    Returns
    -------
    errors : dict
        ``{"coefs_": [...], "intercepts_": [...]}``: for each weight and
        intercept array, the largest relative error ``|g - d| / max(|g|,
        |d|, 1e-3 max_k |g_k|)`` between the backpropagated gradient ``g``
        and the finite difference ``d`` (the floor keeps components that are
        0, such as dead ReLUs, from dividing by 0). In float64 a correct
        gradient gives errors near 1e-8 or below.

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn_mbnet import MLPRegressor, check_gradients
    >>> rng = np.random.RandomState(0)
    >>> X, y = rng.normal(size=(20, 3)), rng.normal(size=20)
    >>> errors = check_gradients(MLPRegressor(hidden_layer_sizes=(5,),
    ...                                       activation="tanh"), X, y)
    >>> max(max(errors["coefs_"]), max(errors["intercepts_"])) < 1e-6
    True
    """
    # As a warm start: the fitted weights if there are any, else new ones.
    est = _working_copy(estimator).set_params(warm_start=True)
    objective, data, _ = est._prepare(X, y, sample_weight, incremental=False)
    net = objective.network
    net.allocate(data.n_rows)
    total = data.total_weight

    def J():
        ctx = StepContext(training=True, rng=np.random.RandomState(0))
        return objective.value_and_grad(data, ctx) + objective.penalty(total)

    J()
    analytic = net.grad.copy()
    numeric = central_differences(J, net.params, step)
    scale = np.maximum(np.maximum(abs(analytic), abs(numeric)),
                       1e-3 * abs(analytic).max())
    errors = abs(analytic - numeric) / np.where(scale > 0, scale, 1.0)
    coefs, intercepts = _views(errors, net.layer_units)
    return {"coefs_": [float(e.max()) for e in coefs],
            "intercepts_": [float(e.max()) for e in intercepts]}


def _working_copy(estimator):
    """A deep copy of a fitted estimator, or an unfitted clone."""
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return clone(estimator)
    return copy.deepcopy(estimator)


def central_differences(f, theta, h):
    """Five-point central differences of f() in each coordinate of theta."""
    base, numeric = theta.copy(), np.empty_like(theta)
    for k in range(theta.size):
        values = []
        for shift in (-2, -1, 1, 2):
            theta[:] = base
            theta[k] += shift * h
            values.append(f())
        numeric[k] = (values[0] - 8 * values[1] + 8 * values[2] - values[3]) / (12 * h)
    theta[:] = base
    return numeric
