"""Optimizer steps computed by hand, and against scikit-learn's optimizers."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.neural_network._stochastic_optimizers import AdamOptimizer, SGDOptimizer

from sklearn_mbnet.optimizers import SGD, Adam

W0 = np.array([1.0, -2.0, 0.5])
G1 = np.array([0.5, 0.25, -1.0])
G2 = np.array([-0.25, 0.5, 2.0])


def _two_steps(optimizer):
    w = W0.copy()
    optimizer.step(w, G1)
    first = w.copy()
    optimizer.step(w, G2)
    return first, w


def test_plain_sgd_step():
    first, second = _two_steps(SGD(3, np.float64, 0.1, momentum=0.0))
    assert_allclose(first, [0.95, -2.025, 0.6])
    assert_allclose(second, [0.975, -2.075, 0.4])


def test_classical_momentum():
    first, second = _two_steps(SGD(3, np.float64, 0.1, momentum=0.9, nesterov=False))
    v1 = -0.1 * G1
    v2 = 0.9 * v1 - 0.1 * G2
    assert_allclose(first, W0 + v1)
    assert_allclose(second, W0 + v1 + v2)
    # by hand, first coordinate: v1 = -0.05, v2 = -0.045 + 0.025 = -0.02
    assert_allclose(second[0], 1.0 - 0.05 - 0.02)


def test_nesterov_momentum():
    first, second = _two_steps(SGD(3, np.float64, 0.1, momentum=0.9, nesterov=True))
    v1 = -0.1 * G1
    v2 = 0.9 * v1 - 0.1 * G2
    assert_allclose(first, W0 + 0.9 * v1 - 0.1 * G1)
    assert_allclose(second, first + 0.9 * v2 - 0.1 * G2)
    # by hand, first coordinate: 1 - 0.045 - 0.05 = 0.905
    assert_allclose(first[0], 0.905)


def test_adam_two_steps_by_hand():
    first, second = _two_steps(Adam(3, np.float64, 0.001, 0.9, 0.999, 1e-8))
    # step 1: m = 0.1 g, s = 0.001 g^2, lr = 0.001 sqrt(0.001) / 0.1, so the
    # update is -0.001 * sign(g) (up to epsilon).
    assert_allclose(first, W0 - 0.001 * np.sign(G1), rtol=1e-7)
    m = 0.9 * 0.1 * G1 + 0.1 * G2
    s = 0.999 * 0.001 * G1**2 + 0.001 * G2**2
    lr = 0.001 * np.sqrt(1 - 0.999**2) / (1 - 0.9**2)
    assert_allclose(second, first - lr * m / (np.sqrt(s) + 1e-8), rtol=1e-12)


def test_invscaling_schedule():
    opt = SGD(3, np.float64, 0.1, schedule="invscaling", power_t=0.5)
    opt.epoch_end(n_samples_seen=99)
    assert opt.learning_rate == pytest.approx(0.1 / 10)
    w = W0.copy()
    opt.momentum = 0.0
    opt.step(w, G1)
    assert_allclose(w, W0 - 0.01 * G1)


def test_invscaling_rate_underflows_to_zero_for_huge_power_t():
    # 100 ** 1000 overflows a float: the rate is then 0, not an OverflowError.
    opt = SGD(3, np.float64, 0.1, schedule="invscaling", power_t=1000.0)
    opt.epoch_end(n_samples_seen=99)
    assert opt.learning_rate == 0.0
    opt.epoch_end(n_samples_seen=0)
    assert opt.learning_rate == 0.1


def test_adaptive_schedule_divides_by_five_then_stops():
    opt = SGD(3, np.float64, 1e-5, schedule="adaptive")
    # scikit-learn's trigger_stopping: the same decisions and the same words.
    assert opt.on_plateau() == (False, "Setting learning rate to 0.000002")
    assert opt.learning_rate == pytest.approx(2e-6)
    assert opt.on_plateau() == (False, "Setting learning rate to 0.000000")
    assert opt.learning_rate == pytest.approx(4e-7)
    assert opt.on_plateau() == (True, "Learning rate too small. Stopping.")
    assert SGD(3, np.float64, 0.1, schedule="constant").on_plateau() == (True, "Stopping.")
    assert Adam(3, np.float64).on_plateau() == (True, "Stopping.")


@pytest.mark.parametrize("nesterov", [False, True])
def test_sgd_matches_scikit_learn_over_many_steps(nesterov):
    rng = np.random.RandomState(0)
    ours, theirs = rng.normal(size=10), None
    theirs = [ours[:4].copy(), ours[4:].copy()]
    ref = SGDOptimizer(theirs, 0.05, "invscaling", 0.8, nesterov, 0.3)
    opt = SGD(10, np.float64, 0.05, "invscaling", 0.8, nesterov, 0.3)
    for t in range(20):
        g = rng.normal(size=10)
        opt.step(ours, g)
        ref.update_params(theirs, [g[:4], g[4:]])
        opt.epoch_end(t * 7)
        ref.iteration_ends(t * 7)
    assert_allclose(ours, np.concatenate(theirs), rtol=1e-12)


def test_adam_matches_scikit_learn_over_many_steps():
    rng = np.random.RandomState(0)
    ours = rng.normal(size=10)
    theirs = [ours[:4].copy(), ours[4:].copy()]
    ref = AdamOptimizer(theirs, 0.01, 0.8, 0.99, 1e-7)
    opt = Adam(10, np.float64, 0.01, 0.8, 0.99, 1e-7)
    for _ in range(50):
        g = rng.normal(size=10)
        opt.step(ours, g)
        ref.update_params(theirs, [g[:4], g[4:]])
    assert_allclose(ours, np.concatenate(theirs), rtol=1e-12)


@pytest.mark.parametrize("cls", [SGD, Adam])
def test_float32_state_stays_float32(cls):
    opt = cls(3, np.float32)
    w = W0.astype(np.float32)
    opt.step(w, G1.astype(np.float32))
    assert w.dtype == np.float32
    assert all(a.dtype == np.float32 for a in vars(opt).values() if isinstance(a, np.ndarray))
