"""Backprop against central finite differences, and the links' stability.

Generalises seed 004's check: every activation x loss x depth (0, 1, 2
hidden layers), with and without sample weights and an L2 penalty.
"""

import itertools

import numpy as np
import pytest
from numpy.testing import assert_allclose

from sklearn_mbnet._gradcheck import central_differences
from sklearn_mbnet._network import Network
from sklearn_mbnet._objective import Batch, Objective
from sklearn_mbnet.layers import ACTIVATIONS
from sklearn_mbnet.losses import LOSSES

N_SAMPLES, N_FEATURES, N_OUTPUTS = 7, 3, 3


def _loss_targets(loss_name, rng):
    if loss_name == "log_loss":
        return np.eye(N_OUTPUTS)[rng.randint(N_OUTPUTS, size=N_SAMPLES)]
    if loss_name == "binary_log_loss":
        return rng.randint(2, size=(N_SAMPLES, N_OUTPUTS)).astype(float)
    if loss_name == "poisson":
        return rng.poisson(2.0, size=(N_SAMPLES, N_OUTPUTS)).astype(float)
    return rng.normal(size=(N_SAMPLES, N_OUTPUTS))


def _objective(net, loss, alpha, X, Y, w):
    """J(theta) = weighted mean loss + alpha/2 ||W||^2 / sum(w); fills grad."""
    batch, objective = Batch(X, Y, w), Objective(net, loss, alpha)
    return objective.value_and_grad(batch) + objective.penalty(batch.total_weight)


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("loss_name", sorted(LOSSES))
@pytest.mark.parametrize("hidden", [(), (5,), (4, 5)])
@pytest.mark.parametrize("weighted, alpha", list(itertools.product([False, True], [0.0, 0.3])))
def test_backprop_matches_finite_differences(activation, loss_name, hidden, weighted, alpha):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(N_SAMPLES, N_FEATURES))
    Y = _loss_targets(loss_name, rng)
    w = rng.uniform(0.1, 3.0, size=N_SAMPLES) if weighted else None
    net = Network([N_FEATURES, *hidden, N_OUTPUTS], activation, np.float64)
    net.init_glorot(rng)
    net.params += rng.normal(scale=0.1, size=net.params.shape)  # biases away from 0
    net.allocate(N_SAMPLES)
    loss = LOSSES[loss_name]()

    _objective(net, loss, alpha, X, Y, w)
    analytic = net.grad.copy()
    # sklearn_mbnet.check_gradients' five-point differences, O(h^4): with
    # h = 1e-5 truncation (~1e-20) and rounding (~1e-11) sit far below 1e-6.
    numeric = central_differences(lambda: _objective(net, loss, alpha, X, Y, w),
                                  net.params, 1e-5)
    # Relative error per component, with the scale of the whole gradient as
    # the floor of the denominator (components that are 0, like dead ReLUs).
    scale = np.maximum(np.maximum(abs(analytic), abs(numeric)), 1e-3 * abs(analytic).max())
    assert np.max(abs(analytic - numeric) / scale) <= 1e-6


@pytest.mark.parametrize("loss_name", sorted(LOSSES))
def test_integer_weight_equals_repeated_row(loss_name):
    rng = np.random.RandomState(1)
    raw = rng.normal(size=(N_SAMPLES, N_OUTPUTS))
    Y = _loss_targets(loss_name, rng)
    w = rng.randint(0, 4, size=N_SAMPLES).astype(float)
    loss = LOSSES[loss_name]()
    losses, grad = loss.loss_gradient(Y, raw, w)
    rep = np.repeat(np.arange(N_SAMPLES), w.astype(int))
    losses_rep, grad_rep = loss.loss_gradient(Y[rep], raw[rep])
    assert_allclose(losses.sum(), losses_rep.sum(), rtol=1e-12)
    # the repeated rows' gradients add up to the weighted row's
    summed = np.zeros_like(grad)
    np.add.at(summed, rep, grad_rep)
    assert_allclose(grad, summed, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("loss_name", sorted(LOSSES))
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_links_are_finite_for_extreme_raw_values(loss_name, dtype):
    raw = np.array([[1e4, -1e4, 0.0], [-1e4, 1e4, 5.0], [0.0, 0.0, -1e4]], dtype=dtype)
    Y = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]], dtype=dtype)
    loss = LOSSES[loss_name]()
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        losses, grad = loss.loss_gradient(Y, raw)
        pred = loss.inverse_link(raw)
        log_pred = loss.log_inverse_link(raw) if loss.task == "classification" else None
    assert np.isfinite(losses).all() and np.isfinite(grad).all()
    assert np.isfinite(pred).all()
    assert grad.dtype == dtype and pred.dtype == dtype
    if log_pred is not None:
        assert np.isfinite(log_pred).all()


def test_softmax_value_is_log_sum_exp_minus_true_logit():
    raw = np.array([[1.0, 2.0, 3.0]])
    Y = np.array([[0.0, 1.0, 0.0]])
    losses, _ = LOSSES["log_loss"]().loss_gradient(Y, raw)
    assert_allclose(losses[0], np.log(np.exp(raw).sum()) - 2.0, rtol=1e-14)
