"""Prediction in bounded memory: chunks agree with one pass, and the extra
memory of a large prediction is the output plus one chunk's workspace."""

import tracemalloc

import numpy as np
import pytest
from sklearn import config_context

from sklearn_mbnet import MLPClassifier, MLPRegressor
from sklearn_mbnet._network import CHUNK_BYTES

from _helpers import fit_quiet


@pytest.fixture(scope="module")
def classifier():
    rng = np.random.RandomState(0)
    X = rng.randn(300, 20)
    y = np.digitize(X[:, 0] + X[:, 1], [-1, 0, 1])
    clf = MLPClassifier(hidden_layer_sizes=(30,), max_iter=5, random_state=0)
    return fit_quiet(clf, X, y)


@pytest.mark.parametrize("method", ["predict", "predict_proba", "predict_log_proba"])
def test_chunked_prediction_equals_one_pass(classifier, method):
    X = np.random.RandomState(1).randn(1000, 20)
    whole = getattr(classifier, method)(X)
    assert classifier._network.chunk_rows() >= len(X)
    # 1 KiB of working memory: a handful of rows per chunk.
    with config_context(working_memory=2**-10):
        assert classifier._network.chunk_rows() < 10
        chunked = getattr(classifier, method)(X)
    # BLAS may round a product differently for a different number of rows.
    np.testing.assert_allclose(chunked, whole, rtol=1e-12, atol=1e-14)


def _extra_peak_bytes(fn):
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        result = fn()
        return tracemalloc.get_traced_memory()[1] - before, result
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("input_dtype", [np.float64, np.float32])
def test_prediction_memory_is_output_plus_one_chunk(input_dtype):
    """A float64 model given float32 rows casts one chunk at a time, never
    the whole input (which alone would be 200,000 x 100 x 8 = 160 MB)."""
    rng = np.random.RandomState(0)
    est = fit_quiet(MLPRegressor(hidden_layer_sizes=(64,), max_iter=2, random_state=0),
                    rng.randn(200, 100), rng.randn(200))
    X = rng.randn(200_000, 100).astype(input_dtype)
    extra, pred = _extra_peak_bytes(lambda: est.predict(X))
    assert pred.shape == (200_000,) and pred.dtype == np.float64
    output = 200_000 * 8
    # Within one chunk's workspace (plus the output and small change) ...
    assert extra <= output + CHUNK_BYTES + 2**20
    # ... and far below one pass over all rows.
    assert extra < X.shape[0] * 64 * 8 / 4


def test_label_prediction_never_holds_all_probabilities():
    """predict keeps labels only: 200,000 x 10 probabilities (16 MB) would
    exceed the bound below."""
    rng = np.random.RandomState(0)
    X_train = rng.randn(300, 20)
    est = fit_quiet(MLPClassifier(hidden_layer_sizes=(16,), max_iter=2, random_state=0),
                    X_train, rng.randint(0, 10, 300))
    X = rng.randn(200_000, 20)
    extra, labels = _extra_peak_bytes(lambda: est.predict(X))
    assert labels.shape == (200_000,)
    assert extra <= labels.nbytes + CHUNK_BYTES + 2**20
    np.testing.assert_array_equal(labels[:50], est.classes_[
        np.argmax(est.predict_proba(X[:50]), axis=1)])
