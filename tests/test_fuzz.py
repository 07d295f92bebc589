"""Property-based tests: generated inputs and parameters, checked outcomes.

Every generated case must end in one of two ways:

- the call succeeds, and the fitted estimator holds finite weights and
  predicts finite values of the right shape and dtype (labels among
  ``classes_``, probabilities strictly inside (0, 1), finite log-probabilities);
- the call raises a ValueError or TypeError (never an error from inside NumPy)
  whose message is one of the catalogued messages of ``ERRORS``, each of which
  says what to change; and the estimator is left exactly as it was before the
  call (unfitted, so that ``predict`` raises NotFittedError, or with the
  same weights and counters).

Before its first successful fit an estimator's ``predict`` raises
NotFittedError. The cases run under the derandomized ``ci`` profile of
``conftest.py``; the counts of generated cases and of raised messages are
printed at the end of the run.
"""

import contextlib
import io
import re
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from scipy import sparse
from sklearn.exceptions import NotFittedError
from sklearn.utils._param_validation import InvalidParameterError
from sklearn.utils.validation import check_is_fitted

from sklearn_mbnet import MLPClassifier, MLPRegressor
from sklearn_mbnet.layers import ACTIVATIONS
from sklearn_mbnet.losses import LOSSES

# ESTIMATORS is OURS of the other modules under its old name: the ci profile
# seeds each test's cases with the source of the test function, so a renamed
# name in a test's body would change the generated cases.
from _helpers import OURS as ESTIMATORS
from _helpers import each_kind, first_partial_fit_kwargs, weights_bytes

# Every registered option is fuzzed: a new one is covered by its class alone.
REGRESSION_LOSSES = sorted(n for n, loss in LOSSES.items() if loss.task == "regression")

# The only errors a generated case may raise: message pattern -> inputs that
# raise it. A message that matches none of them fails the test.
ERRORS = {
    r"^Found array with 0 sample\(s\)": "X or y with 0 rows",
    r"^Found array with 0 feature\(s\)": "X or y with 0 columns",
    r"^Expected 2D array, got 1D array": "X as an empty list",
    r"^Input ((X|y|sample_weight) )?contains (NaN|infinity)":
        "NaN or inf in X, y, weights or labels",
    r"^Complex data not supported": "complex X, y or sample_weight",
    r"^(X|X and y|sample_weight) must hold numbers \(": "strings or objects in X, y, weights",
    r"^MLPRegressor needs numeric targets y": "string targets of a regressor",
    r"^Unknown label type": "continuous or mixed-type labels of a classifier",
    r"^Mix of label input types": "labels mixing strings and numbers",
    r"^Multioutput target data is not supported": "multiclass-multioutput labels",
    r"^loss='poisson' requires non-negative targets": "negative Poisson targets",
    r"^(Sample weights must contain at least one non-zero number"
    r"|sample_weight must have a positive sum)": "all-zero sample weights",
    r"^sample_weight sums to more than": "sample weights summing to overflow",
    r"^Negative values in data passed to `sample_weight`": "negative sample weights",
    r"^sample_weight\.shape == \(\d+,\), expected \(\d+,\)": "weights of the wrong length",
    r"^Sample weights must be 1D array or scalar": "2-D sample weights",
    r"^Solver produced non-finite parameter weights\. The input data may contain large "
    r"values and need to be preprocessed\. Training diverged: (the loss|a weight|"
    r"the network's output) became non-finite": "divergence",
    r"\(early_stopping=True holds out validation_fraction=": "validation split impossible",
    r"^The validation set is too small": "validation set under 2 rows",
    r"^early_stopping=True left (training|validation) rows": "zero-weight split",
    r"^The '\w+' parameter of MLP(Classifier|Regressor) must be": "invalid parameter",
    r"^hidden_layer_sizes must be (positive integers|> 0)": "invalid hidden_layer_sizes",
    r"differs from the fitted network's .*; set warm_start=False": "warm start, new layers",
    r"^y has \d+ outputs but the fitted model has \d+": "warm start, new outputs",
    r"^(warm_start can only be used where `y` has the same classes|`y` has classes not "
    r"in `self.classes_`)": "labels not in classes_",
    r"^classes must be passed on the first call to partial_fit": "partial_fit, no classes",
    r"^partial_fit does not support early_stopping=True": "partial_fit, early stopping",
    r"^`classes=.*` is not the same as on last call": "partial_fit, new classes",
    r"^X has \d+ features, but MLP\w+ is expecting \d+": "changed number of features",
    r"^The network's output overflowed": "prediction overflow",
    r"^dropout must be a rate in \[0, 1\) or one per hidden layer": "dropout rates",
    r"^dropout is not supported with solver='lbfgs'": "dropout with lbfgs",
    r"^class_weight 'balanced' is not supported for partial_fit": "balanced partial_fit",
    r"^class_weight is not supported for multilabel": "class weights, multilabel",
    r"^class_weight='balanced' needs every class": "balanced, weightless class",
    r"^The classes, .*, are not in class_weight": "class_weight of unseen classes",
}
ERROR_TYPES = (ValueError, TypeError, InvalidParameterError)

FLOAT_SPECIALS = [np.nan, np.inf, -np.inf, 1e150, -1e150, 1e300, 5e-324, -0.0]
X_DTYPES = ["float64", "float32", "float16", "int64", "int8", "bool", "object",
            "complex", "str"]
CONTAINERS = ["array", "list", "csr", "csc", "coo", "dataframe"]
TINY = dict(hidden_layer_sizes=(3,), max_iter=2, random_state=0)


# ------------------------------------------------------------ the oracle


def _catalogued(exc):
    """The ERRORS pattern that ``exc`` matches; fails on anything else."""
    assert type(exc) in ERROR_TYPES, f"uncatalogued exception type: {exc!r}"
    matches = [p for p in ERRORS if re.search(p, str(exc))]
    assert len(matches) == 1, f"uncatalogued error message: {type(exc).__name__}: {exc}"
    return matches[0]


def _state(est):
    """What a failed call must not change: fitted or not, weights, counters."""
    try:
        check_is_fitted(est)
    except NotFittedError:
        return None
    params = weights_bytes(est)
    curve = tuple(getattr(est, "loss_curve_", ()))
    return params, est.n_iter_, getattr(est, "t_", None), curve


def _attempt(stats, case, est, call):
    """Run ``call()``; True on success, False on a catalogued error.

    A failed call must leave ``est`` exactly as it was.
    """
    before = _state(est)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            call()
    except ERROR_TYPES as exc:
        stats["errors"][_catalogued(exc)][case] += 1
        assert _state(est) == before, f"{exc!r} changed the estimator"
        return False
    return True


def _assert_not_fitted(est, X):
    with pytest.raises(NotFittedError):
        est.predict(X)


def _check_predictions(est, X, n_rows):
    """Finite weights; predictions of the right shape, dtype and range."""
    dtype = est.coefs_[0].dtype
    assert all(np.isfinite(p).all() for p in [*est.coefs_, *est.intercepts_])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # feature-name warnings of list/array X
        pred = est.predict(X)
        if isinstance(est, MLPRegressor):
            n_out = est.n_outputs_
            assert pred.shape == ((n_rows,) if n_out == 1 else (n_rows, n_out))
            assert pred.dtype == dtype and np.isfinite(pred).all()
            return
        proba, log_proba = est.predict_proba(X), est.predict_log_proba(X)
    for p in (proba, log_proba):
        assert p.shape == (n_rows, len(est.classes_)) and p.dtype == dtype
        assert np.isfinite(p).all()
    if len(est.classes_) > 1:  # one class: a column of ones
        assert ((proba > 0) & (proba < 1)).all()
    if pred.ndim == 1:
        assert pred.shape == (n_rows,) and pred.dtype == est.classes_.dtype
        assert np.isin(pred, est.classes_).all()
    else:  # multilabel indicator
        assert pred.shape == (n_rows, len(est.classes_))
        assert np.isin(pred, [0, 1]).all()


def _first_call(stats, case, est, call, X, n_rows):
    """One case on an unfitted estimator: NotFittedError before the call; then
    the call succeeds and the model predicts, or it fails cleanly and the
    estimator is still unfitted. Returns True on success."""
    _assert_not_fitted(est, X)
    if not _attempt(stats, case, est, call):
        _assert_not_fitted(est, X)
        return False
    stats["fitted"][case.split(":")[0]] += 1
    _check_predictions(est, X, n_rows)
    return True


def _count(stats, test):
    """Count a case that ran to its end (not one hypothesis discarded)."""
    stats["cases"][test] += 1


# ------------------------------------------------------------ strategies


def _floats(special):
    moderate = st.floats(-1e3, 1e3, allow_nan=False)
    return st.one_of(moderate, st.sampled_from(FLOAT_SPECIALS)) if special else moderate


def _matrix(data, shape, dtype, special):
    """A (n, d) array of the named dtype; may hold NaN, inf and huge values."""
    if dtype in ("float64", "float32", "float16"):
        base = data.draw(hnp.arrays(np.float64, shape, elements=_floats(special)))
        with np.errstate(over="ignore"):
            return base.astype(dtype)
    if dtype in ("int64", "int8"):
        info = np.iinfo(dtype)
        return data.draw(hnp.arrays(dtype, shape, elements=st.integers(info.min, info.max)))
    if dtype == "bool":
        return data.draw(hnp.arrays(bool, shape))
    if dtype == "complex":
        return data.draw(hnp.arrays(complex, shape, elements=st.complex_numbers(
            max_magnitude=1e3, allow_nan=False)))
    values = st.one_of(_floats(special), st.integers(-5, 5), st.sampled_from(["1.5", "a", None]))
    if dtype == "str":
        values = st.one_of(_floats(special).map(repr), st.sampled_from(["a", ""]))
    arr = data.draw(hnp.arrays(object, shape, elements=values))
    return arr.astype(str) if dtype == "str" else arr


def _container(arr, kind):
    """``(arr as a list, sparse matrix or DataFrame, the kind used)``; an
    array that scipy.sparse cannot hold stays an array."""
    if kind == "list":
        return arr.tolist(), kind
    if kind == "dataframe":
        return pd.DataFrame(arr), kind
    if kind in ("csr", "csc", "coo") and arr.dtype.kind in "biufc" and arr.dtype != np.float16:
        return getattr(sparse, f"{kind}_matrix")(arr), kind
    return arr, "array"


def _any_X(data, max_rows=8):
    """X of any shape (0 rows and columns included), dtype and container."""
    n, d = data.draw(st.integers(0, max_rows)), data.draw(st.integers(0, 4))
    dtype = data.draw(st.sampled_from(X_DTYPES))
    arr = _matrix(data, (n, d), dtype, special=data.draw(st.booleans()))
    X, container = _container(arr, data.draw(st.sampled_from(CONTAINERS)))
    return X, n, f"{dtype} {container}"


def _predict_anything(stats, case, est, data):
    """Predict on another generated X: finite values or a catalogued error."""
    X, n, what = _any_X(data)
    methods = ["predict"] + (["predict_proba", "predict_log_proba"]
                             if isinstance(est, MLPClassifier) else [])
    for method in methods:
        out = []
        if _attempt(stats, f"{case} then {method}({what})", est,
                    lambda: out.append(getattr(est, method)(X))):
            assert len(out[0]) == n
            if method != "predict" or isinstance(est, MLPRegressor):
                assert np.isfinite(out[0]).all()


def _model_dtype(X):
    """The dtype a model fitted on X computes in: float32 stays float32."""
    dtypes = set(X.dtypes) if isinstance(X, pd.DataFrame) else {np.asarray(X).dtype} \
        if not sparse.issparse(X) else {X.dtype}
    return np.float32 if dtypes == {np.dtype(np.float32)} else np.float64


def _targets_for(kind, n, rng):
    if kind == "clf":
        return np.arange(n) % 2
    return rng.uniform(0, 2, size=n)


# ------------------------------------------------------------ X inputs


@each_kind
@settings(max_examples=400)
@given(data=st.data())
def test_fuzz_X(kind, data, fuzz_stats):
    """Any shape from 0x0, any dtype and container, NaN/inf/huge values; then
    prediction on another such X."""
    X, n, what = _any_X(data)
    y = _targets_for(kind, n, np.random.RandomState(n))
    solver = data.draw(st.sampled_from(["adam", "sgd", "lbfgs"]))
    est = ESTIMATORS[kind](solver=solver, **TINY)
    case = f"test_fuzz_X[{kind}]:{what}"
    if _first_call(fuzz_stats, case, est, lambda: est.fit(X, y), X, n):
        assert est.coefs_[0].dtype == _model_dtype(X)
        _predict_anything(fuzz_stats, f"test_fuzz_X[{kind}]:fit", est, data)
    _count(fuzz_stats, f"test_fuzz_X[{kind}]")


# ------------------------------------------------------------ labels


LABELS = {
    "negative ints": st.integers(-3, 2),
    "strings": st.sampled_from(["a", "b", "Zürich", ""]),
    "integral floats": st.sampled_from([-1.0, 0.0, 2.5 * 2]),
    "floats": st.floats(-3, 3, allow_nan=False),
    "bool": st.booleans(),
    "mixed objects": st.sampled_from([1, "a", 2.5, None]),
    "with NaN": st.sampled_from([0.0, 1.0, np.nan]),
}


def _labels(data, n):
    """Class labels of one of many kinds and layouts, with their kind."""
    kind = data.draw(st.sampled_from([*LABELS, "multilabel", "column", "multioutput"]))
    if kind == "multilabel":
        k = data.draw(st.integers(1, 3))
        return kind, data.draw(hnp.arrays(np.int64, (n, k), elements=st.integers(0, 1)))
    if kind in ("column", "multioutput"):
        k = 1 if kind == "column" else 2
        return kind, data.draw(hnp.arrays(np.int64, (n, k), elements=st.integers(0, 2)))
    values = data.draw(st.lists(LABELS[kind], min_size=n, max_size=n))
    dtype = object if kind == "mixed objects" else None
    return kind, np.array(values, dtype=dtype)


@settings(max_examples=500)
@given(data=st.data())
def test_fuzz_classifier_labels(data, fuzz_stats):
    """Labels as strings, negative ints, floats, bools, mixed, one class."""
    n = data.draw(st.integers(1, 12))
    X = np.random.RandomState(n).randn(n, 3)
    label_kind, y = _labels(data, n)
    if y.ndim == 1:
        y = data.draw(st.sampled_from([y, y.tolist(), pd.Series(y, dtype=y.dtype)]))
    solver = data.draw(st.sampled_from(["adam", "sgd", "lbfgs"]))
    est = MLPClassifier(solver=solver, **TINY)
    case = f"test_fuzz_classifier_labels:{label_kind}"
    call = lambda: est.fit(X, y)  # noqa: E731
    if solver != "lbfgs" and data.draw(st.booleans()):
        how = data.draw(st.sampled_from(["unique", "none", "strings", "mixed"]))
        case += f" (partial_fit, classes: {how})"
        classes = _classes(y, how)
        call = lambda: est.partial_fit(X, y, classes=classes)  # noqa: E731
    _first_call(fuzz_stats, case, est, call, X, n)
    _count(fuzz_stats, "test_fuzz_classifier_labels")


def _classes(y, how):
    """The ``classes`` argument of a first partial_fit."""
    if how != "unique":
        return {"none": None, "strings": ["a", "b"], "mixed": ["a", 0, 1]}[how]
    try:
        return np.unique(np.asarray(y))
    except TypeError:  # mixed objects have no order
        return np.asarray(y)


# ------------------------------------------------------------ regression targets


def _targets(data, n):
    """Regression targets: special values, 1 to 3 outputs, many dtypes."""
    kind = data.draw(st.sampled_from(
        ["float", "float32", "int", "bool", "object", "numeric strings", "words", "complex"]))
    n_out = data.draw(st.sampled_from([None, 0, 1, 2, 3]))
    shape = (n,) if n_out is None else (n, n_out)
    if kind in ("float", "float32"):
        y = _matrix(data, shape, "float64" if kind == "float" else "float32",
                    data.draw(st.booleans()))
    elif kind == "int":
        y = data.draw(hnp.arrays(np.int64, shape, elements=st.integers(-10, 10)))
    elif kind == "bool":
        y = data.draw(hnp.arrays(bool, shape))
    elif kind == "complex":
        y = _matrix(data, shape, "complex", False)
    else:
        y = data.draw(hnp.arrays(np.float64, shape, elements=_floats(False)))
        y = {"object": y.astype(object), "numeric strings": y.astype(str),
             "words": np.full(shape, "many")}[kind]
    return kind, y


@settings(max_examples=500)
@given(data=st.data())
def test_fuzz_regressor_targets(data, fuzz_stats):
    """Targets with NaN/inf/huge values, several outputs, odd dtypes, Poisson."""
    n = data.draw(st.integers(1, 12))
    X = np.random.RandomState(n).randn(n, 3)
    target_kind, y = _targets(data, n)
    loss = data.draw(st.sampled_from(REGRESSION_LOSSES))
    solver = data.draw(st.sampled_from(["adam", "sgd", "lbfgs"]))
    est = MLPRegressor(loss=loss, solver=solver, **TINY)
    case = f"test_fuzz_regressor_targets:{target_kind}, {loss}"
    if solver == "lbfgs" or not data.draw(st.booleans()):
        _first_call(fuzz_stats, case, est, lambda: est.fit(X, y), X, n)
    else:
        _first_call(fuzz_stats, case + " (partial_fit)", est, lambda: est.partial_fit(X, y),
                    X, n)
    _count(fuzz_stats, "test_fuzz_regressor_targets")


# ------------------------------------------------------------ sample weights


def _sample_weight(data, n):
    """Weights: valid, zero, negative, all-zero, wrong length, NaN, huge..."""
    kind = data.draw(st.sampled_from([
        "positive", "some zero", "one negative", "all zero", "too short", "too long",
        "NaN or inf", "huge", "tiny", "scalar", "2-D", "strings", "list"]))
    positive = st.floats(0.01, 10)
    w = np.array(data.draw(st.lists(positive, min_size=n, max_size=n)))
    if kind == "some zero":
        w[data.draw(hnp.arrays(bool, n))] = 0.0
    elif kind == "one negative":
        w[data.draw(st.integers(0, n - 1))] = -data.draw(positive)
    elif kind == "all zero":
        w[:] = 0.0
    elif kind in ("too short", "too long"):
        w = np.ones(n - 1 if kind == "too short" else n + 1)
    elif kind == "NaN or inf":
        w[data.draw(st.integers(0, n - 1))] = data.draw(st.sampled_from([np.nan, np.inf]))
    elif kind in ("huge", "tiny"):
        w = np.full(n, 1e308 if kind == "huge" else 1e-300)
    elif kind == "scalar":
        w = data.draw(st.floats(-1, 5))
    elif kind == "2-D":
        w = w[:, None]
    elif kind == "strings":
        w = w.astype(str)
        w[0] = "heavy"
    elif kind == "list":
        w = w.tolist()
    return kind, w


@each_kind
@settings(max_examples=300)
@given(data=st.data())
def test_fuzz_sample_weight(kind, data, fuzz_stats):
    """Every kind of sample weight, with fit and partial_fit."""
    n = data.draw(st.integers(2, 12))
    X = np.random.RandomState(n).randn(n, 3)
    y = _targets_for(kind, n, np.random.RandomState(n))
    weight_kind, w = _sample_weight(data, n)
    solver = data.draw(st.sampled_from(["adam", "sgd", "lbfgs"]))
    early = data.draw(st.booleans()) and solver != "lbfgs"
    est = ESTIMATORS[kind](solver=solver, early_stopping=early, validation_fraction=0.5,
                           **TINY)
    case = f"test_fuzz_sample_weight[{kind}]:{weight_kind}"
    call = lambda: est.fit(X, y, sample_weight=w)  # noqa: E731
    if solver != "lbfgs" and data.draw(st.booleans()):
        case += " (partial_fit)"
        extra = {"classes": [0, 1]} if kind == "clf" else {}
        call = lambda: est.partial_fit(X, y, sample_weight=w, **extra)  # noqa: E731
    _first_call(fuzz_stats, case, est, call, X, n)
    _count(fuzz_stats, f"test_fuzz_sample_weight[{kind}]")


# ------------------------------------------------------------ parameters


def _draw_params(data, kind):
    """A point of the estimator's whole parameter space (tiny networks)."""
    params = dict(
        hidden_layer_sizes=data.draw(st.one_of(
            st.lists(st.integers(1, 4), max_size=2).map(tuple), st.integers(1, 4))),
        activation=data.draw(st.sampled_from(sorted(ACTIVATIONS))),
        solver=data.draw(st.sampled_from(["lbfgs", "sgd", "adam"])),
        alpha=data.draw(st.sampled_from([0.0, 1e-4, 0.1, 10.0])),
        batch_size=data.draw(st.one_of(st.just("auto"), st.integers(1, 40))),
        learning_rate=data.draw(st.sampled_from(["constant", "invscaling", "adaptive"])),
        learning_rate_init=data.draw(st.floats(1e-5, 10.0)),
        power_t=data.draw(st.floats(0.0, 1e4)),
        max_iter=data.draw(st.integers(1, 4)),
        shuffle=data.draw(st.booleans()),
        random_state=data.draw(st.sampled_from([None, 0, 2**32 - 1, "instance"])),
        tol=data.draw(st.sampled_from([0.0, 1e-4, 1.0])),
        warm_start=data.draw(st.booleans()),
        momentum=data.draw(st.floats(0.0, 1.0)),
        nesterovs_momentum=data.draw(st.booleans()),
        early_stopping=data.draw(st.booleans()),
        validation_fraction=data.draw(st.floats(0.0, 0.9)),
        beta_1=data.draw(st.floats(0.0, 0.999)),
        beta_2=data.draw(st.floats(0.0, 0.9999)),
        epsilon=data.draw(st.sampled_from([1e-300, 1e-8, 1.0])),
        n_iter_no_change=data.draw(st.sampled_from([1, 2, np.inf])),
        max_fun=data.draw(st.integers(1, 30)),
        verbose=data.draw(st.booleans()),
    )
    if params["random_state"] == "instance":
        params["random_state"] = np.random.RandomState(data.draw(st.integers(0, 9)))
    if kind == "reg":
        params["loss"] = data.draw(st.sampled_from(REGRESSION_LOSSES))
    _draw_extras(data, kind, params)
    if data.draw(st.integers(0, 9)) == 0:  # now and then, an invalid value
        name, value = data.draw(st.sampled_from([
            ("alpha", -1.0), ("max_iter", 0), ("activation", "softmax"),
            ("batch_size", 0), ("hidden_layer_sizes", (2, 0)), ("momentum", 1.5),
            ("validation_fraction", 1.0), ("solver", "newton")]))
        params[name] = value
    return params


def _draw_extras(data, kind, params):
    """The options scikit-learn's MLP lacks, into ``params``."""
    params["dropout"] = data.draw(st.sampled_from([0.0, 0.0, 0.3, [0.5, 0.1]]))
    params["scoring"] = data.draw(st.sampled_from([None, "loss"]))
    if kind == "clf":
        params["class_weight"] = data.draw(st.sampled_from([None, "balanced", {0: 2.0}]))
    else:
        params["huber_delta"] = data.draw(st.sampled_from([0.1, 1.0, 100.0]))


def _dataset(data, kind):
    n = data.draw(st.integers(2, 30))
    d = data.draw(st.integers(1, 4))
    rng = np.random.RandomState(data.draw(st.integers(0, 9)))
    X = rng.randn(n, d).astype(data.draw(st.sampled_from([np.float64, np.float32])))
    if kind == "clf":
        k = data.draw(st.integers(2, 3))
        return X, rng.permutation(np.arange(n) % k)
    return X, np.abs(X[:, 0] + 0.5 * rng.randn(n))


@each_kind
@settings(max_examples=500)
@given(data=st.data())
def test_fuzz_parameters(kind, data, fuzz_stats):
    """The full parameter space, then up to two more calls: refit with other
    parameters (warm start or not) or partial_fit, on all or some rows."""
    with contextlib.redirect_stdout(io.StringIO()):  # verbose=True output
        _parameter_case(kind, data, fuzz_stats)
    _count(fuzz_stats, f"test_fuzz_parameters[{kind}]")


def _parameter_case(kind, data, stats):
    X, y = _dataset(data, kind)
    est = ESTIMATORS[kind](**_draw_params(data, kind))
    _assert_not_fitted(est, X)
    case = f"test_fuzz_parameters[{kind}]:"
    calls = ["fit"] + data.draw(st.lists(st.sampled_from(
        ["fit", "refit with new parameters", "partial_fit"]), max_size=2))
    for call in calls:
        rows = np.arange(len(X)) if data.draw(st.booleans()) else np.arange(len(X) // 2 + 1)
        if call == "refit with new parameters":
            new = _draw_params(data, kind)
            changed = data.draw(st.lists(st.sampled_from(sorted(new)), max_size=4))
            if not _attempt(stats, case + "set_params", est,
                            lambda: est.set_params(**{k: new[k] for k in changed})):
                continue
        if call == "partial_fit":
            if not hasattr(est, "partial_fit"):
                continue
            extra = first_partial_fit_kwargs(kind, y)
            run = lambda: est.partial_fit(X[rows], y[rows], **extra)  # noqa: E731
        else:
            run = lambda: est.fit(X[rows], y[rows])  # noqa: E731
        if _attempt(stats, case + call, est, run):
            stats["fitted"][f"test_fuzz_parameters[{kind}]"] += 1
            _check_predictions(est, X, len(X))
