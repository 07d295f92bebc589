"""Any memory layout of X trains to the same weights, bit for bit.

Shuffled batches gather rows; the gather takes the fast path on aligned,
C-ordered memory and fancy indexing elsewhere (unaligned buffers, as dask
delivers blocks; strided rows of an F-ordered array above the copy bound).
"""

import numpy as np
import pytest
import sklearn
from numpy.testing import assert_array_equal

from sklearn_mbnet import MLPClassifier
from sklearn_mbnet._kernels import row_gatherer, rows_for_gathering


def _unaligned(a):
    raw = bytearray(a.nbytes + 1)
    out = np.frombuffer(raw, offset=1, dtype=a.dtype, count=a.size).reshape(a.shape)
    out[...] = a
    return out


def _read_only(a):
    a = a.copy()
    a.flags.writeable = False
    return a


LAYOUTS = {
    "C": np.ascontiguousarray,
    "F": np.asfortranarray,
    "unaligned": _unaligned,
    "read-only": _read_only,
    "column slice": lambda a: np.hstack([a, a])[:, : a.shape[1]],
}


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_gather_equals_fancy_indexing(layout, dtype):
    a = LAYOUTS[layout](np.random.RandomState(0).normal(size=(50, 7)).astype(dtype))
    idx = np.random.RandomState(1).permutation(50)[:13]
    gather = row_gatherer(a, 20)
    assert_array_equal(gather(idx), a[idx])
    assert_array_equal(gather(idx[:5]), a[idx[:5]])  # a shorter last batch


@pytest.mark.parametrize("layout", sorted(LAYOUTS))
def test_every_layout_trains_to_the_same_weights(layout):
    rng = np.random.RandomState(0)
    X = rng.normal(size=(120, 6)).astype(np.float32)
    y = (X[:, 0] > 0).astype(int)
    params = dict(hidden_layer_sizes=(5,), batch_size=16, max_iter=3, random_state=0)
    ref = MLPClassifier(**params).fit(X, y)
    est = MLPClassifier(**params).fit(LAYOUTS[layout](X), y)
    for ours, theirs in zip(est.coefs_, ref.coefs_):
        assert_array_equal(ours, theirs)


def test_strided_rows_are_copied_only_below_working_memory():
    F = np.asfortranarray(np.ones((1000, 300)))  # 2.3 MiB
    assert rows_for_gathering(F).flags.c_contiguous
    with sklearn.config_context(working_memory=1):
        assert rows_for_gathering(F) is F  # gathered in place, row by row
    C = np.ones((10, 3))
    assert rows_for_gathering(C) is C
