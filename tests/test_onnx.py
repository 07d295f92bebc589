"""The ONNX export (``sklearn_mbnet._onnx``, ``_onnx_graph``) against ``predict`` and
``predict_proba``, run in onnxruntime.

Every hidden activation of ``layers.ACTIVATIONS`` (taken from the registry,
so a new activation is covered, and fails here until the export knows it)
times every kind of output: binary, multiclass with string labels and
multilabel classifiers, single- and two-output squared-error regressors, and
a Poisson regressor. Labels must be equal, probabilities within 1e-5, and
regression values within rtol 1e-5 (with an atol of 1e-6: float32 values
near 0 differ from numpy's by a few 1e-8 in absolute terms, beyond any
rtol). Then float64 models, the skl2onnx registration, and the errors.

Needs the ``onnx`` extra (onnx, onnxruntime, skl2onnx); skipped without it.
"""

import subprocess
import sys
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning, NotFittedError

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from sklearn_mbnet import MLPClassifier, MLPRegressor  # noqa: E402
from sklearn_mbnet import _onnx, _onnx_graph  # noqa: E402
from sklearn_mbnet._onnx import to_onnx  # noqa: E402
from sklearn_mbnet.layers import ACTIVATIONS  # noqa: E402

RNG = np.random.RandomState(0)
X32 = RNG.normal(size=(40, 3)).astype(np.float32)
X64 = X32.astype(np.float64)
STRINGS = np.array(["cat", "dog", "emu"])


def _targets(case, X):
    """The target of each case, from the first columns of X."""
    return {
        "binary": np.where(X[:, 0] > 0, 3, -1),  # integer labels, not 0/1
        "multiclass_str": STRINGS[np.argmax(X, axis=1)],
        "multilabel": (X > 0).astype(int),
        "squared_error": X[:, 0] - X[:, 1],
        "squared_error_2_outputs": X[:, :2],
        "poisson": np.exp(X[:, 0]),
    }[case]


CASES = ["binary", "multiclass_str", "multilabel", "squared_error",
         "squared_error_2_outputs", "poisson"]


def _quiet_fit(est, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


def _fit(case, activation, X, **params):
    params = dict(hidden_layer_sizes=(5, 4), activation=activation, max_iter=20,
                  random_state=0, **params)
    if case in ("binary", "multiclass_str", "multilabel"):
        est = MLPClassifier(**params)
    else:
        est = MLPRegressor(loss="poisson" if case == "poisson" else "squared_error",
                           **params)
    return _quiet_fit(est, X, _targets(case, X))


def _run(onnx_model, X):
    """The outputs of the model on X in onnxruntime, by name."""
    options = ort.SessionOptions()
    options.log_severity_level = 3  # errors only
    session = ort.InferenceSession(onnx_model.SerializeToString(), options,
                                   providers=["CPUExecutionProvider"])
    names = [out.name for out in session.get_outputs()]
    return dict(zip(names, session.run(None, {session.get_inputs()[0].name: X})))


def _check_matches(est, out, X, atol=1e-5, rtol=1e-5):
    if isinstance(est, MLPClassifier):
        assert set(out) == {"label", "probabilities"}
        np.testing.assert_array_equal(out["label"], est.predict(X))
        assert out["probabilities"].dtype == est.coefs_[0].dtype
        np.testing.assert_allclose(out["probabilities"], est.predict_proba(X),
                                   rtol=0, atol=atol)
    else:
        assert set(out) == {"variable"}
        expected = est.predict(X).reshape(len(X), -1)  # always 2-D in ONNX
        assert out["variable"].shape == expected.shape
        np.testing.assert_allclose(out["variable"], expected, rtol=rtol,
                                   atol=rtol / 10)


def test_every_activation_has_onnx_nodes():
    missing = sorted(set(ACTIVATIONS) - set(_onnx_graph._ACTIVATION_NODES))
    assert not missing, (
        f"sklearn_mbnet._onnx_graph._ACTIVATION_NODES has no nodes for the activations "
        f"{missing}: to_onnx cannot export models that use them."
    )


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_float32_export_matches_predict(activation, case):
    est = _fit(case, activation, X32)
    _check_matches(est, _run(to_onnx(est, X32[:1]), X32), X32)


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_float64_export_matches_predict(activation, case):
    """A float64 model computes in float64, also from a float32 input; only
    gelu's erf is float32 (onnxruntime has no float64 Erf)."""
    est = _fit(case, activation, X64)
    assert est.coefs_[0].dtype == np.float64
    tol = 1e-6 if activation == "gelu" else 1e-12
    _check_matches(est, _run(to_onnx(est, X64[:1]), X64), X64, atol=tol, rtol=tol)
    _check_matches(est, _run(to_onnx(est, X32[:1]), X32), X32, atol=tol, rtol=tol)


def test_labels_and_types():
    """int64 labels for integers, bools and (integral) floats, as skl2onnx;
    string labels for strings; an int64 indicator matrix for multilabel."""
    cases = {"binary": np.int64, "multiclass_str": object, "multilabel": np.int64}
    for case, dtype in cases.items():
        out = _run(to_onnx(_fit(case, "relu", X32), X32[:1]), X32)
        assert out["label"].dtype == dtype
    y = _targets("binary", X32)
    for labels in (y.astype(float), y > 0):
        est = _quiet_fit(MLPClassifier(hidden_layer_sizes=(3,), max_iter=20), X32,
                         labels)
        out = _run(to_onnx(est, X32[:1]), X32)
        assert out["label"].dtype == np.int64
        np.testing.assert_array_equal(out["label"], est.predict(X32))


def test_integer_input_is_cast():
    est = _fit("multiclass_str", "relu", X32)
    X_int = np.round(X32 * 3).astype(np.int64)
    onnx_model = to_onnx(est, X_int[:1])
    input_type = onnx_model.graph.input[0].type.tensor_type.elem_type
    assert input_type == onnx.TensorProto.INT64
    _check_matches(est, _run(onnx_model, X_int), X_int)


def test_single_class():
    est = _quiet_fit(MLPClassifier(hidden_layer_sizes=(3,), max_iter=5), X32,
                     ["a"] * 40)
    out = _run(to_onnx(est, X32[:1]), X32)
    _check_matches(est, out, X32)
    assert out["probabilities"].shape == (40, 1)


def test_dropout_is_not_in_the_graph():
    est = _fit("multiclass_str", "tanh", X32, dropout=0.5)
    _check_matches(est, _run(to_onnx(est, X32[:1]), X32), X32)


@pytest.mark.parametrize("opset", [13, 17, None, onnx.defs.onnx_opset_version()])
def test_target_opset(opset):
    est = _fit("multiclass_str", "gelu", X32)
    onnx_model = to_onnx(est, X32[:1], target_opset=opset)
    expected = opset or min(_onnx.DEFAULT_TARGET_OPSET, onnx.defs.onnx_opset_version())
    assert onnx_model.opset_import[0].version == expected
    try:
        out = _run(onnx_model, X32)
    except Exception as exc:  # a newer onnx than onnxruntime knows
        if "opset" not in str(exc).lower() or opset is None:
            raise
        pytest.skip(f"onnxruntime {ort.__version__} does not run opset {opset}")
    _check_matches(est, out, X32)


def test_errors():
    est = _fit("binary", "relu", X32)
    with pytest.raises(NotFittedError):
        to_onnx(MLPClassifier(), X32[:1])
    with pytest.raises(ValueError, match=r"shape \(1, 2\).*\(n, 3\)"):
        to_onnx(est, X32[:1, :2])
    with pytest.raises(ValueError, match="dtype"):
        to_onnx(est, X32[:1].astype(np.float16))
    with pytest.raises(ValueError, match="target_opset >= 13"):
        to_onnx(est, X32[:1], target_opset=12)


def test_unknown_activation_fails_clearly(monkeypatch):
    est = _fit("binary", "relu", X32)
    monkeypatch.delitem(_onnx_graph._ACTIVATION_NODES, "relu")
    with pytest.raises(NotImplementedError,
                       match=r"activation 'relu'.*_onnx_graph\._ACTIVATION_NODES"):
        to_onnx(est, X32[:1])


def test_import_does_not_import_onnx():
    code = ("import sys, sklearn_mbnet, sklearn_mbnet._onnx, "
            "sklearn_mbnet._onnx_graph; "
            "assert not {'onnx', 'skl2onnx', 'onnxruntime'} & set(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True)


# -- skl2onnx ----------------------------------------------------------------


@pytest.fixture(scope="module")
def skl2onnx():
    skl2onnx = pytest.importorskip("skl2onnx")
    aliases = ["SklearnMbnetMLPClassifier", "SklearnMbnetMLPRegressor"]
    assert _onnx.register_onnx() == aliases
    assert _onnx.register_onnx() == aliases  # a second call changes nothing
    return skl2onnx


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("X", [X32, X64], ids=["float32", "float64"])
def test_skl2onnx_converts_after_register(skl2onnx, case, X):
    est = _fit(case, "silu", X)
    options = {"zipmap": False} if isinstance(est, MLPClassifier) else None
    onnx_model = skl2onnx.to_onnx(est, X[:1], options=options)
    _check_matches(est, _run(onnx_model, X), X)


def test_skl2onnx_zipmap_and_pipeline(skl2onnx):
    """skl2onnx's defaults: ZipMap probabilities; our estimator in a pipeline."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    est = _fit("multiclass_str", "elu", X32)
    out = _run(skl2onnx.to_onnx(est, X32[:1]), X32)
    np.testing.assert_array_equal(out["output_label"], est.predict(X32))
    proba = [[row[c] for c in est.classes_] for row in out["output_probability"]]
    np.testing.assert_allclose(proba, est.predict_proba(X32), atol=1e-5)

    out = _run(skl2onnx.to_onnx(est, X32[:1], options={
        "zipmap": False, "output_class_labels": True}), X32)
    np.testing.assert_array_equal(out["class_labels"], est.classes_)
    out = _run(skl2onnx.to_onnx(est, X32[:1], options={"nocl": True}), X32)
    np.testing.assert_array_equal(out["output_label"],
                                  np.searchsorted(est.classes_, est.predict(X32)))

    pipe = make_pipeline(StandardScaler(), _fit("poisson", "gelu", X32))
    _quiet_fit(pipe, X32, _targets("poisson", X32))
    out = _run(skl2onnx.to_onnx(pipe, X32[:1]), X32)
    np.testing.assert_allclose(out["variable"].ravel(), pipe.predict(X32), rtol=1e-5,
                               atol=1e-6)
