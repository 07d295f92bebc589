"""The printed numbers of the seed documents (shared/seeds/) as oracles."""

import numpy as np
from numpy.testing import assert_allclose

from sklearn_mbnet import MLPClassifier, MLPRegressor
from sklearn_mbnet._network import Network
from sklearn_mbnet._objective import Batch, Objective
from sklearn_mbnet.losses import SquaredError

# Seed 000: one logistic unit; columns of its X are samples, rows here.
SEED0_X0 = np.array([[1, 2, 4], [-2, -5, -8]], dtype=float).T
SEED0_Y0 = np.array([0, 1, 0])
SEED0_X1 = np.array([[1, -1], [-2, 2]], dtype=float).T
SEED0_Y1 = np.array([1, 1])


def _logistic_unit():
    """A logistic unit at seed 000's starting point W = [0.1, 0.1], b = 0.2."""
    clf = MLPClassifier(
        hidden_layer_sizes=(), solver="sgd", learning_rate_init=0.1, momentum=0.0,
        alpha=0.0, batch_size=3, shuffle=False, random_state=0,
    )
    clf.partial_fit(SEED0_X0, SEED0_Y0, classes=[0, 1])  # builds the model
    clf.coefs_[0][...] = [[0.1], [0.1]]
    clf.intercepts_[0][...] = [0.2]
    return clf


def test_seed000_first_minibatch_update():
    clf = _logistic_unit().partial_fit(SEED0_X0, SEED0_Y0)
    assert_allclose(clf.coefs_[0].ravel(), [0.05747717, 0.16754635], atol=1e-6)
    assert_allclose(clf.intercepts_[0], [0.18499447], atol=1e-6)


def test_seed000_two_minibatches_in_one_epoch():
    X = np.vstack([SEED0_X0, SEED0_X1])
    y = np.concatenate([SEED0_Y0, SEED0_Y1])
    clf = _logistic_unit().partial_fit(X, y)  # batches of 3, then 2 samples
    assert_allclose(clf.coefs_[0].ravel(), [0.06431577, 0.15386916], atol=1e-6)
    assert_allclose(clf.intercepts_[0], [0.23046975], atol=1e-6)
    # loss_: the mean log loss over the epoch of the printed activations.
    a0 = np.array([0.52497919, 0.47502081, 0.450166])
    a1 = np.array([0.47686127, 0.61363316])
    expected = -(np.log(1 - a0[0]) + np.log(a0[1]) + np.log(1 - a0[2])
                 + np.log(a1).sum()) / 5
    assert_allclose(clf.loss_, expected, atol=1e-6)


# Seed 001: a 3-4-2 ReLU network and one mini-batch of 2 samples.
SEED1 = {
    "W1": [[-0.62545022, -0.67073086, -2.56050732, -0.53648352],
           [0.09981772, 0.70368708, 0.1334016, -0.74292812],
           [0.96670241, -0.98243246, 0.99848907, -0.80788105]],
    "W2": [[-1.14306854, -1.10152559], [-0.60629853, -1.28553044],
           [0.34331156, 1.47603916], [0.27811724, 1.88962966]],
    "X": [[-0.15810992, -2.062161, -0.93076613],
          [-1.95015237, 1.06429298, -1.15135076]],
    "y": [[-2.04671856, 1.00793003], [0.1286509, -1.90473463]],
    "dW2": [[-0.25846314, 2.4256223], [-3.86955105, 36.31492391],
            [-4.83772224, 45.40100718], [11.3786124, 29.93716534]],
    "db2": [4.19729482, 18.3273249],
    "dW1": [[21.76350012, 27.1215, -31.97592946, -43.62804136],
            [-11.8774003, -14.80152138, 17.45081959, -7.58382404],
            [12.84895626, 16.01226666, -18.87827404, -37.99418556]],
    "db1": [-11.15989728, -13.90737485, 16.39663135, 35.79919684],
}


def test_seed001_gradients():
    """Seed 001 differentiates sum ||pred - y||^2; ours is its mean half: / (2 n)."""
    net = Network([3, 4, 2], "relu", np.float64)
    net.coefs[0][...], net.coefs[1][...] = SEED1["W1"], SEED1["W2"]
    net.allocate(2)
    X, y = np.array(SEED1["X"]), np.array(SEED1["y"])
    Objective(net, SquaredError(), 0.0).value_and_grad(Batch(X, y))
    scale = 1 / (2 * 2)
    grads = net.layers[::2]  # the Linear layers
    assert_allclose(grads[0].coef_grad, scale * np.array(SEED1["dW1"]), atol=1e-5)
    assert_allclose(grads[0].intercept_grad, scale * np.array(SEED1["db1"]), atol=1e-5)
    assert_allclose(grads[1].coef_grad, scale * np.array(SEED1["dW2"]), atol=1e-5)
    assert_allclose(grads[1].intercept_grad, scale * np.array(SEED1["db2"]), atol=1e-5)


def test_seed001_update_through_the_estimator():
    """One SGD step of lr 1e-6 on seed 001's loss is lr 4e-6 on ours."""
    reg = MLPRegressor(
        hidden_layer_sizes=(4,), solver="sgd", learning_rate_init=4e-6, momentum=0.0,
        alpha=0.0, batch_size=2, shuffle=False,
    )
    X, y = np.array(SEED1["X"]), np.array(SEED1["y"])
    reg.partial_fit(X, y)
    reg.coefs_ = [np.array(SEED1["W1"]), np.array(SEED1["W2"])]
    reg.intercepts_ = [np.zeros(4), np.zeros(2)]
    reg.partial_fit(X, y)
    assert_allclose(reg.coefs_[0], [
        [-0.62547198, -0.67075798, -2.56047535, -0.53643989],
        [0.0998296, 0.70370188, 0.13338415, -0.74292053],
        [0.96668956, -0.98244848, 0.99850794, -0.80784306]], atol=1e-8)
    assert_allclose(reg.intercepts_[0],
                    [1.11598973e-05, 1.39073748e-05, -1.63966313e-05, -3.57991968e-05],
                    atol=1e-12)
    assert_allclose(reg.coefs_[1], [
        [-1.14306828, -1.10152802], [-0.60629466, -1.28556676],
        [0.3433164, 1.47599376], [0.27810586, 1.88959973]], atol=1e-8)
    assert_allclose(reg.intercepts_[1], [-4.19729482e-06, -1.83273249e-05], atol=1e-12)
