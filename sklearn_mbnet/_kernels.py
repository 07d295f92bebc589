"""The one seam for numeric kernels.

Layers, losses, optimizers and the trainer call the functions here for the
work that a compiled extension (or, later, an array-API backend) can do
faster; nothing else in the package calls BLAS or gathers rows itself.

In-place contracts: ``axpy`` and ``scal`` update their last argument (BLAS's
y and x); ``matmul``, ``column_sums`` and ``row_sums`` write into ``out`` and
return it; the gathers never modify their input.

Two paths: the compiled kernels of the optional C extension ``_ckernels``
(built by ``pip install .`` when a C compiler works), and NumPy. The compiled
path is used when it was built, unless the environment variable
``SKLEARN_MBNET_KERNELS=off`` is set at import; :func:`kernels_in_use` says
which path runs, :func:`use` switches for a block of code.
"""

import contextlib
import functools
import os

import numpy as np
from scipy import sparse
from scipy.linalg import get_blas_funcs
from sklearn import get_config

try:
    from . import _ckernels
except ImportError:  # not built: no compiler at install time
    _ckernels = None

_PATH = {"compiled": _ckernels is not None
         and os.environ.get("SKLEARN_MBNET_KERNELS", "on").lower()
         not in ("off", "0", "numpy", "false")}


def kernels_in_use():
    """Say which numeric kernels the estimators run.

    The compiled kernels are an optional C extension built by ``pip install``
    when a C compiler works; ``SKLEARN_MBNET_KERNELS=off`` in the environment
    at import forces the NumPy path.

    Returns
    -------
    path : str
        ``'numpy'``, or ``'compiled-<variant>'`` with the CPU variant chosen
        at import: ``'baseline'``, ``'avx2'`` or ``'avx512'``.

    Examples
    --------
    >>> import sklearn_mbnet
    >>> sklearn_mbnet.kernels_in_use() in ("numpy", "compiled-baseline",
    ...     "compiled-avx2", "compiled-avx512")
    True
    """
    return f"compiled-{_ckernels.variant()}" if _PATH["compiled"] else "numpy"


def compiled():
    """The compiled kernels' module while that path is in use, else None.

    Callers keep their NumPy formula beside the compiled call, so each
    kernel's reference is next to it::

        kernels = _kernels.compiled()
        if kernels is not None:
            kernels.adam(...)
        else:
            ...  # the same step in NumPy
    """
    return _ckernels if _PATH["compiled"] else None


def activation_code(name):
    """The compiled kernels' code for a hidden activation (None if absent)."""
    return None if _ckernels is None else _ckernels.ACTIVATIONS.get(name)


def loss_code(name):
    """The compiled kernels' code for a loss (None if it has no kernel)."""
    return None if _ckernels is None else _ckernels.LOSSES.get(name)


@contextlib.contextmanager
def use(path):
    """Run a block on the ``'numpy'`` or the ``'compiled'`` path (tests and
    benchmarks compare the two in one process)."""
    if path not in ("numpy", "compiled"):
        raise ValueError(f"path must be 'numpy' or 'compiled', got {path!r}")
    if path == "compiled" and _ckernels is None:
        raise RuntimeError("the compiled kernels were not built")
    before = _PATH["compiled"]
    _PATH["compiled"] = path == "compiled"
    try:
        yield
    finally:
        _PATH["compiled"] = before


@functools.lru_cache(maxsize=None)
def _blas(name, dtype):
    return get_blas_funcs(name, dtype=np.dtype(dtype))


def axpy(a, x, y):
    """``y += a * x`` in place (BLAS axpy); x and y contiguous, same dtype."""
    _blas("axpy", y.dtype)(x, y, a=a)
    return y


def scal(a, x):
    """``x *= a`` in place (BLAS scal); x contiguous."""
    _blas("scal", x.dtype)(a, x)
    return x


def matmul(a, b, out):
    """``out = a @ b``; ``a`` may be a sparse matrix."""
    if isinstance(a, np.ndarray):  # first: issparse costs 2 us a call
        return np.matmul(a, b, out=out)
    if sparse.issparse(a):
        out[...] = a @ b
        return out
    return np.matmul(a, b, out=out)


def column_sums(a, out):
    """``out = a.sum(axis=0)`` as the product ``ones @ a``.

    BLAS sums short rows faster as a matrix-vector product than
    ``sum(axis=0)`` does. The vector of ones is shared and only grows.
    """
    return np.matmul(_ones(a.shape[0], a.dtype), a, out=out)


_ONES = {}  # dtype -> the longest vector of ones asked for so far


def _ones(n, dtype):
    ones = _ONES.get(dtype)
    if ones is None or len(ones) < n:
        ones = _ONES[dtype] = np.ones(max(n, 256), dtype)
    return ones[:n]


def row_sums(a, out):
    """``out[:, 0] = a.sum(axis=1)``, as a matrix product (faster on short rows)."""
    return np.matmul(a, np.ones((a.shape[1], 1), a.dtype), out=out)


def row_gatherer(a, n_rows):
    """A function mapping row indices (at most ``n_rows`` of them) to
    ``a[idx]``; the fastest gather for ``a`` is chosen once.

    ``take`` with ``mode='clip'`` writes straight into a buffer reused for
    every batch; the default ``mode='raise'`` buffers the output first (44
    vs 67 us for 200 rows of 784 float32). The indices are valid row numbers,
    so nothing is clipped. But ``take`` is slow on unaligned memory (a buffer
    inside a pickled message, as dask delivers blocks: 31 ms against 31 us
    for 200 x 784 float32) and on strided rows (an F-ordered array: 165 ms);
    fancy indexing takes 41 us and 3.9 ms there, into a new array. The
    compiled gather copies rows with ``memcpy`` whatever the alignment and
    strides, into the reused buffer. Sparse matrices are indexed as such.
    """
    if a is None:
        return lambda idx: None
    if sparse.issparse(a):
        return a.__getitem__
    buf = np.empty((n_rows, *a.shape[1:]), dtype=a.dtype)
    kernels = compiled()
    if kernels is not None and a.ndim <= 2:
        # Any strides, any alignment, read-only: rows copied with memcpy.
        def gather(idx):
            if idx.dtype != np.intp or not idx.flags.c_contiguous:
                idx = np.ascontiguousarray(idx, dtype=np.intp)
            out = buf[: len(idx)]
            kernels.gather(a, idx, out)
            return out
        return gather
    if not (a.flags.aligned and a.flags.c_contiguous):
        return a.__getitem__
    return lambda idx: np.take(a, idx, axis=0, out=buf[: len(idx)], mode="clip")


def rows_for_gathering(a):
    """``a``, or a C-ordered copy of it when its rows are strided and the
    copy fits in scikit-learn's ``working_memory``.

    Gathering shuffled rows reads each row whole: in an F-ordered array (a
    DataFrame's values, a column slice) a row is n_features scattered reads,
    about 100 times slower per batch than one contiguous read. A copy costs
    one pass; above the memory bound, rows are gathered where they are.
    """
    if sparse.issparse(a) or a.flags.c_contiguous:
        return a
    if a.nbytes > get_config()["working_memory"] * 2**20:
        return a
    return np.ascontiguousarray(a)
