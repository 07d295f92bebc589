"""The compiled kernels against the NumPy path they replace.

Every kernel runs on odd sizes, zero- and one-row batches, float64 and
float32, and inputs with NaN and inf; the NumPy path (the formulas in
layers.py, losses.py and optimizers.py) is the oracle. Whole fits on the two
paths agree to 1e-12 (float64). Skipped where the extension was not built,
except the tests of the switch itself.
"""

import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from sklearn_mbnet import MLPClassifier, MLPRegressor, _kernels, kernels_in_use
from sklearn_mbnet._network import Network
from sklearn_mbnet._objective import Batch, Objective
from sklearn_mbnet.layers import ACTIVATIONS, Linear
from sklearn_mbnet.losses import LOSSES
from sklearn_mbnet.optimizers import SGD, Adam

from _helpers import fit_quiet

needs_compiled = pytest.mark.skipif(_kernels._ckernels is None,
                                    reason="the compiled kernels were not built")
VARIANTS = _kernels._ckernels.variants() if _kernels._ckernels else []
SHAPES = [(0, 3), (1, 1), (1, 7), (3, 5), (17, 33)]
DTYPES = [np.float64, np.float32]
# float32 kernels use float libm functions, NumPy its own SIMD ones: a few ulps.
RTOL = {np.float64: 1e-13, np.float32: 2e-6}


@pytest.fixture(params=VARIANTS)
def variant(request):
    """Each CPU variant of the kernels this machine can run, in turn."""
    chosen = _kernels._ckernels.variant()
    _kernels._ckernels.set_variant(request.param)
    yield request.param
    _kernels._ckernels.set_variant(chosen)


def _values(shape, dtype, seed=0, special=False):
    """Normal values, scaled to reach the activations' tails; with
    ``special``, NaN, +-inf, 0 and huge values in the first places."""
    x = (np.random.RandomState(seed).standard_normal(shape) * 4).astype(dtype)
    if special and x.size:
        flat = x.reshape(-1)
        extremes = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0, 1e30, -1e30], dtype)
        flat[: min(len(flat), len(extremes))] = extremes[: len(flat)]
    return x


def _paired_activation(name, dtype, k):
    """An activation that owns a Linear's bias, and that bias."""
    bias = _values(k, dtype, seed=1)
    linear = Linear(np.zeros((1, k), dtype), bias, np.zeros((1, k), dtype),
                    np.zeros(k, dtype))
    act = ACTIVATIONS[name]()
    act.own_bias(linear)
    return act, linear


def _forward_backward(name, x, delta, path):
    """(output, delta * f', bias gradient, x afterwards) on one path."""
    act, linear = _paired_activation(name, x.dtype, x.shape[1])
    x, delta = x.copy(), delta.copy()
    out = x if act.in_place else np.empty_like(x)
    with _kernels.use(path), np.errstate(all="ignore"):
        a = act.forward(x, out, ctx=None).copy()
        d = act.backward(delta, None).copy()
    return a, d, linear.intercept_grad.copy(), x


@needs_compiled
@pytest.mark.parametrize("special", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_kernels_match_numpy(name, shape, dtype, special, variant):
    x, delta = _values(shape, dtype, 2, special), _values(shape, dtype, 3)
    numpy_result = _forward_backward(name, x, delta, "numpy")
    compiled_result = _forward_backward(name, x, delta, "compiled")
    for got, expected in zip(compiled_result, numpy_result):
        # atol: the bias gradient sums terms of both signs (rounding of the
        # sum, not of any one value); NaN and inf must sit in the same places.
        assert_allclose(got, expected, rtol=RTOL[dtype], atol=RTOL[dtype] * 100,
                        equal_nan=True)


def _loss_on(path, loss, y, raw):
    with _kernels.use(path), np.errstate(all="ignore"):
        return loss.loss_gradient(y, raw.copy(), gradient_out=None)


def _targets(name, shape, dtype):
    rng = np.random.RandomState(4)
    if name == "log_loss":
        return np.eye(shape[1], dtype=dtype)[rng.randint(shape[1], size=shape[0])]
    if name == "binary_log_loss":
        return rng.randint(2, size=shape).astype(dtype)
    if name == "poisson":
        return rng.poisson(2.0, size=shape).astype(dtype)
    return _values(shape, dtype, 5)


@needs_compiled
@pytest.mark.parametrize("special", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("name", sorted(_kernels._ckernels.LOSSES)
                         if _kernels._ckernels else [])
def test_loss_kernels_match_numpy(name, shape, dtype, special, variant):
    loss = LOSSES[name]()
    y, raw = _targets(name, shape, dtype), _values(shape, dtype, 6, special)
    expected = _loss_on("numpy", loss, y, raw)
    got = _loss_on("compiled", loss, y, raw)
    for g, e in zip(got, expected):
        assert g.dtype == e.dtype and g.shape == e.shape
        assert_allclose(g, e, rtol=RTOL[dtype] * 10, atol=RTOL[dtype],
                        equal_nan=True)


def _objective_on(path, name, dtype, weighted, n_rows):
    """(value, gradient vector) of one batch's objective on one path."""
    k = 1 if name in ("squared_error", "poisson") else 4
    net = Network([5, 7, k], "tanh", dtype)
    net.init_glorot(np.random.RandomState(0))
    net.allocate(n_rows)
    X = _values((n_rows, 5), dtype, 9)
    w = np.random.RandomState(10).rand(n_rows).astype(dtype) if weighted else None
    batch = Batch(X, _targets(name, (n_rows, k), dtype), w)
    with _kernels.use(path):
        value = Objective(net, LOSSES[name](), alpha=0.1).value_and_grad(batch)
    return value, net.grad.copy()


@needs_compiled
@pytest.mark.parametrize("n_rows", [1, 13])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", sorted(_kernels._ckernels.LOSSES)
                         if _kernels._ckernels else [])
def test_fused_output_gradient_matches_numpy(name, dtype, weighted, n_rows, variant):
    """The loss, its scaling by w_i / sum(w) and the output bias gradient in
    one kernel: the objective's value and whole gradient as on NumPy's path."""
    value, grad = _objective_on("compiled", name, dtype, weighted, n_rows)
    expected_value, expected_grad = _objective_on("numpy", name, dtype, weighted, n_rows)
    assert_allclose(value, expected_value, rtol=RTOL[dtype] * 10)
    assert_allclose(grad, expected_grad, rtol=RTOL[dtype] * 10, atol=RTOL[dtype])


def _step(optimizer, path, n, dtype, l2, steps=3):
    params, grad = _values(n, dtype, 7), _values(n, dtype, 8)
    with _kernels.use(path):
        for _ in range(steps):
            optimizer.step(params, grad.copy(), l2, n // 2)
    return params


@needs_compiled
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("n", [1, 7, 1001])  # a network has a parameter
@pytest.mark.parametrize("make", [
    lambda n, d: Adam(n, d, learning_rate_init=0.01),
    lambda n, d: SGD(n, d, learning_rate_init=0.01, nesterov=True),
    lambda n, d: SGD(n, d, learning_rate_init=0.01, nesterov=False),
], ids=["adam", "sgd-nesterov", "sgd-momentum"])
@pytest.mark.parametrize("l2", [0.0, 0.3])
def test_optimizer_kernels_match_numpy(make, n, dtype, l2, variant):
    expected = _step(make(n, dtype), "numpy", n, dtype, l2)
    assert_allclose(_step(make(n, dtype), "compiled", n, dtype, l2), expected,
                    rtol=RTOL[dtype], atol=RTOL[dtype])


def _awkward_arrays(tmp_path):
    """Arrays the gather must read as they are: unaligned, F-ordered,
    read-only, memory-mapped, 1-D, a column slice."""
    base = np.arange(60, dtype=np.float32).reshape(12, 5)
    unaligned = np.frombuffer(bytearray(base.nbytes + 1), offset=1,
                              dtype=np.float32).reshape(12, 5)
    unaligned[...] = base
    read_only = base.copy()
    read_only.flags.writeable = False
    mapped = np.lib.format.open_memmap(tmp_path / "x.npy", mode="w+",
                                       dtype=np.float64, shape=(12, 5))
    mapped[...] = base
    return {"unaligned": unaligned, "fortran": np.asfortranarray(base),
            "read_only": read_only, "memmap": mapped, "vector": base[:, 0].copy(),
            "column_slice": base[:, 1:4], "strided_rows": base[::2]}


@needs_compiled
def test_gather_reads_any_layout(tmp_path):
    idx = np.array([5, 0, 5, 1])
    for name, a in _awkward_arrays(tmp_path).items():
        with _kernels.use("compiled"):
            gather = _kernels.row_gatherer(a, 8)
            assert_array_equal(gather(idx), a[idx], err_msg=name)
            assert_array_equal(gather(idx[:1]), a[idx[:1]], err_msg=name)
            assert gather(idx[:0]).shape == (0, *a.shape[1:])


@needs_compiled
def test_gather_checks_its_indices():
    a, out = np.ones((4, 2)), np.empty((1, 2))
    with pytest.raises(IndexError, match="out of range"):
        _kernels._ckernels.gather(a, np.array([4]), out)
    with pytest.raises(ValueError, match="intp indices"):
        _kernels._ckernels.gather(a, np.array([0], np.int32), out)


@needs_compiled
def test_kernels_reject_mismatched_arrays():
    c = _kernels._ckernels
    w = np.zeros(5)
    with pytest.raises(ValueError, match="matching sizes"):
        c.adam(w, np.zeros(4), np.zeros(5), np.zeros(5), 0.1, 0.9, 0.999, 1e-8, 0, 0)
    with pytest.raises(ValueError, match="matching sizes"):
        c.adam(w, np.zeros(5, np.float32), np.zeros(5), np.zeros(5), 0.1, 0.9,
               0.999, 1e-8, 0.0, 0)
    with pytest.raises(ValueError, match="n_l2"):
        c.adam(w, w.copy(), w.copy(), w.copy(), 0.1, 0.9, 0.999, 1e-8, 0.1, 6)
    with pytest.raises(TypeError, match="float64 or float32"):
        c.sgd(np.zeros(5, np.int64), w, w, 0.1, 0.9, True, 0.0, 0)
    with pytest.raises(TypeError, match="takes 8 arguments"):
        c.sgd(w, w, w, 0.1, 0.9, True)
    with pytest.raises(ValueError, match="matching sizes"):
        c.bias_act(np.zeros((3, 4)), np.zeros(3), np.zeros((3, 4)), 3, False)
    with pytest.raises((BufferError, ValueError)):  # not C-contiguous
        c.act_backward(np.zeros((4, 3)).T, np.zeros((3, 4)), None, None, 3)
    with pytest.raises(ValueError, match="needs z"):
        c.act_backward(np.zeros((3, 4)), np.zeros((3, 4)), None, None,
                       c.ACTIVATIONS["gelu"])


FITS = [
    (MLPClassifier, dict(solver="adam")),
    (MLPClassifier, dict(solver="sgd", activation="tanh", early_stopping=True)),
    (MLPClassifier, dict(solver="lbfgs", activation="logistic")),
    (MLPRegressor, dict(solver="adam", activation="gelu")),
    (MLPRegressor, dict(solver="sgd", loss="poisson", activation="softplus",
                        learning_rate_init=1e-3)),
]


@needs_compiled
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("Estimator, params", FITS)
def test_whole_fits_match_the_numpy_path(Estimator, params, activation):
    rng = np.random.RandomState(0)
    X = rng.standard_normal((150, 6))
    if Estimator is MLPClassifier:
        y = (X[:, 0] + X[:, 1] > 0).astype(int) + (X[:, 2] > 1)
    else:
        y = np.exp(0.3 * X[:, 0]) + (X[:, 1] > 0)
    params = {"activation": activation, **params}
    fits = {}
    for path in ("numpy", "compiled"):
        with _kernels.use(path):
            fits[path] = fit_quiet(Estimator(hidden_layer_sizes=(9, 4), max_iter=40,
                                             random_state=0, **params), X, y)
    # L-BFGS's curvature pairs and line search amplify the last-bit
    # differences of exp and of the bias sums' order (1e-16) to about 1e-11
    # in the weights over 40 iterations; the objective still agrees to 1e-12.
    rtol = 1e-9 if params["solver"] == "lbfgs" else 1e-12
    for got, expected in zip(fits["compiled"].coefs_, fits["numpy"].coefs_):
        assert_allclose(got, expected, rtol=rtol, atol=rtol / 10)
    assert_allclose(fits["compiled"].loss_, fits["numpy"].loss_, rtol=1e-12)


@needs_compiled
def test_divergence_error_fires_on_the_compiled_path():
    # (The whole suite runs on the compiled path where it is built; this
    # test says so explicitly for the reliability suite's divergence case.)
    X = np.random.RandomState(0).standard_normal((100, 4))
    y = X @ np.arange(1.0, 5.0)
    est = MLPRegressor(hidden_layer_sizes=(5,), solver="sgd", learning_rate_init=1e3,
                       max_iter=20, random_state=0)
    with _kernels.use("compiled"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's overflow warnings
        with pytest.raises(ValueError, match="Training diverged"):
            est.fit(X, y)
    assert not hasattr(est, "coefs_")


@needs_compiled
def test_the_best_variant_is_chosen_and_others_can_be_set():
    c = _kernels._ckernels
    assert c.variants()[0] == "baseline" and c.variant() == c.variants()[-1]
    assert kernels_in_use() == f"compiled-{c.variant()}"
    with pytest.raises(ValueError, match="not supported"):
        c.set_variant("avx1024")


def test_the_switch():
    expected = os.environ.get("SKLEARN_MBNET_EXPECT_KERNELS")
    if expected == "compiled":
        assert kernels_in_use().startswith("compiled-")
    elif expected == "numpy":
        assert kernels_in_use() == "numpy"
    with _kernels.use("numpy"):
        assert kernels_in_use() == "numpy"
        assert _kernels.compiled() is None
    with pytest.raises(ValueError, match="'numpy' or 'compiled'"):
        with _kernels.use("fast"):
            pass


def test_environment_variable_forces_the_numpy_path():
    code = "import sklearn_mbnet; print(sklearn_mbnet.kernels_in_use())"
    env = {**os.environ, "SKLEARN_MBNET_KERNELS": "off"}
    result = subprocess.run([sys.executable, "-c", code], env=env, check=True,
                            capture_output=True, text=True)
    assert result.stdout.strip() == "numpy"


def test_activations_and_losses_defined_elsewhere_keep_their_own_formulas(monkeypatch):
    """A subclass outside the package, even under a builtin name, runs its
    own NumPy formula, never the builtin's compiled kernel."""
    monkeypatch.setitem(ACTIVATIONS, "tanh", ACTIVATIONS["tanh"])  # restored after
    monkeypatch.setitem(LOSSES, "squared_error", LOSSES["squared_error"])

    class DoubledTanh(ACTIVATIONS["tanh"]):
        name = "tanh"

        def function(self, z, out):
            return np.multiply(np.tanh(z, out=out), 2.0, out=out)

    class HalvedSquaredError(LOSSES["squared_error"]):
        name = "squared_error"

        def pointwise(self, y, raw, gradient_out):
            losses, grad = super().pointwise(y, raw, gradient_out)
            return losses / 2, grad

    act, linear = DoubledTanh(), Linear(*(np.zeros(s) for s in ((1, 3), 3, (1, 3), 3)))
    act.own_bias(linear)
    x = _values((4, 3), np.float64)
    assert_allclose(act.forward(x.copy(), np.empty_like(x), None), 2 * np.tanh(x))
    y, raw = _values((4, 1), np.float64, 1), _values((4, 1), np.float64, 2)
    losses, _ = HalvedSquaredError().loss_gradient(y, raw.copy())
    assert_allclose(losses, 0.25 * ((raw - y) ** 2)[:, 0])
