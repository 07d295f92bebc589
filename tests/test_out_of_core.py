"""Out of core: fit and partial_fit on memmaps larger than the memory they may use.

The data are 204.8 MB float32 memmaps (256,000 x 200), C- and F-ordered. The
oracle is the extra peak memory of the call: the peak of tracemalloc's traced
allocations (NumPy's arrays are traced) and the highest growth of the process's
anonymous RSS (sampled every millisecond from /proc/self/status, which also sees
allocations tracemalloc does not, BLAS buffers for one). Pages of the memmap
itself are file-backed and count in neither. A whole copy of X (what early
stopping made before it held out rows by index) is 195 MiB and fails every
bound here.

The bound, stated once (``BOUND``): 64 MiB plus 48 bytes per row. The per-row
part is what scales with the number of rows and not with the features: the
shuffled row order, the split's row numbers (scikit-learn's stratified split
builds them as a Python list, about 40 bytes a row, for a moment) and the
label codes, as scikit-learn's MLP holds them too. The fixed part holds one
batch, the network, a validation chunk (at most 16 MiB) and the allocator's
slack. For these memmaps that is 75.7 MiB, 39% of X.

F-ordered input is gathered where it is only above scikit-learn's
``working_memory`` (below it one C copy is cheaper than strided batches), so the
F-ordered runs set ``working_memory=64`` (MiB), below the data's size.
"""

import gc
import os
import threading
import time
import tracemalloc

import numpy as np
import pytest
from sklearn import config_context
from threadpoolctl import threadpool_limits

from sklearn_mbnet import MLPClassifier

N_ROWS, N_FEATURES, CLASSES = 256_000, 200, np.array([0, 1, 2])
MIB = 2**20
BOUND = 64 * MIB + 48 * N_ROWS
pytestmark = pytest.mark.skipif(not os.path.exists("/proc/self/status"),
                                reason="anonymous RSS is read from /proc/self/status")


@pytest.fixture(autouse=True, scope="module")
def one_blas_thread():
    """Steady times on a busy machine: BLAS threads fighting for two cores made
    a 2000 x 100 x 8 product 20 times slower. Memory does not depend on it."""
    with threadpool_limits(1):
        yield


def _rss_anon():
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("RssAnon:"):
                return int(line.split()[1]) * 1024
    raise RuntimeError("no RssAnon in /proc/self/status")


class PeakMemory:
    """Extra peak memory of a block: ``traced`` (tracemalloc) and ``anon``
    (the largest sampled growth of anonymous RSS), in bytes."""

    def __enter__(self):
        gc.collect()
        self._stop, self.anon = threading.Event(), 0
        self._base = _rss_anon()
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        tracemalloc.start()
        return self

    def _sample(self):
        while not self._stop.is_set():
            self.anon = max(self.anon, _rss_anon() - self._base)
            time.sleep(0.001)

    def __exit__(self, *exc):
        self.traced = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        self._stop.set()
        self._sampler.join()
        self.anon = max(self.anon, _rss_anon() - self._base)

    def check(self, what):
        report = (f"{what}: traced peak {self.traced / MIB:.1f} MiB, anonymous RSS "
                  f"growth {self.anon / MIB:.1f} MiB, bound {BOUND / MIB:.1f} MiB")
        print(report)
        assert self.traced < BOUND and self.anon < BOUND, report


def _labels(X):
    """Three classes from two features, read in chunks."""
    y = np.empty(len(X), dtype=np.int64)
    for start in range(0, len(X), 65_536):
        rows = X[start:start + 65_536]
        y[start:start + 65_536] = (rows[:, 0] > 0).astype(int) + (rows[:, 1] > 0.5)
    return y


@pytest.fixture(scope="module")
def memmaps(tmp_path_factory):
    """``{"C": X, "F": X}`` of the same values and the labels ``y``."""
    folder = tmp_path_factory.mktemp("memmaps")
    rng = np.random.default_rng(0)
    arrays = {order: np.memmap(folder / f"X_{order}.dat", dtype=np.float32, mode="w+",
                               shape=(N_ROWS, N_FEATURES), order=order)
              for order in "CF"}
    for start in range(0, N_ROWS, 32_000):
        block = rng.standard_normal((32_000, N_FEATURES), dtype=np.float32)
        for X in arrays.values():
            X[start:start + 32_000] = block
    for X in arrays.values():
        X.flush()
    readonly = {order: np.memmap(X.filename, dtype=np.float32, mode="r",
                                 shape=X.shape, order=order)
                for order, X in arrays.items()}
    yield readonly, _labels(readonly["C"])
    del arrays, readonly


def _estimator(early_stopping):
    return MLPClassifier(hidden_layer_sizes=(8,), batch_size=2000, max_iter=1,
                         learning_rate_init=0.01, early_stopping=early_stopping,
                         random_state=0)


def _working_memory(order):
    return 64 if order == "F" else 1024  # MiB; see the module docstring


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("order", ["C", "F"])
def test_fit_on_a_memmap_stays_under_the_bound(memmaps, order, early_stopping):
    arrays, y = memmaps
    X = arrays[order]
    assert X.nbytes >= 200e6 and X.flags[f"{order}_CONTIGUOUS"]
    est = _estimator(early_stopping)
    with config_context(working_memory=_working_memory(order)), PeakMemory() as peak:
        est.fit(X, y)
    peak.check(f"fit, {order}-ordered, early_stopping={early_stopping}")
    assert est.n_iter_ == 1 and est.score(X[:20_000], y[:20_000]) > 0.8
    if early_stopping:
        assert len(est.validation_scores_) == 1


def test_partial_fit_on_a_memmap_stays_under_the_bound(memmaps):
    arrays, y = memmaps
    est = _estimator(False)
    with PeakMemory() as peak:
        est.partial_fit(arrays["C"], y, classes=CLASSES)
    peak.check("partial_fit, C-ordered")
    assert est.n_iter_ == 1 and est.t_ == N_ROWS


def test_fit_on_a_memmap_gives_the_in_memory_weights(memmaps):
    """The memmap is read where it is and gives the same fit as a copy in RAM
    (on a slice, to keep the copy small)."""
    arrays, y = memmaps
    for order in "CF":
        X, rows = arrays[order], slice(0, 30_000)
        from_disk = _estimator(True).fit(X[rows], y[rows])
        in_memory = _estimator(True).fit(np.array(X[rows]), y[rows])
        for a, b in zip(from_disk.coefs_, in_memory.coefs_):
            np.testing.assert_array_equal(a, b)
        assert from_disk.validation_scores_ == in_memory.validation_scores_


def _chunks(X, y, chunk_rows):
    """A stream of ``(X, y)`` chunks, as from files or a database cursor: each
    chunk is read into memory (a copy), and dropped after use."""
    for start in range(0, len(X), chunk_rows):
        yield np.array(X[start:start + chunk_rows]), y[start:start + chunk_rows]


def test_streaming_chunks_through_partial_fit(memmaps):
    """Memory follows the chunk, not the stream; one call per chunk; ``n_iter_``
    counts calls and ``t_`` rows."""
    arrays, y = memmaps
    chunk_rows, streamed = 16_000, _estimator(False)
    with PeakMemory() as peak:
        for X_chunk, y_chunk in _chunks(arrays["C"], y, chunk_rows):
            streamed.partial_fit(X_chunk, y_chunk, classes=CLASSES)
    peak.check("streamed partial_fit, 16 chunks of 12.8 MB each")
    chunk_bytes = chunk_rows * N_FEATURES * 4
    assert peak.traced < 3 * chunk_bytes + 8 * MIB  # a chunk, its successor, slack
    # n_iter_ is the epochs of the last call (scikit-learn's); t_ counts every row
    # seen; the loss curve has one entry per call.
    assert streamed.n_iter_ == 1 and streamed.t_ == N_ROWS
    assert len(streamed.loss_curve_) == N_ROWS // chunk_rows
    X_head, y_head = np.array(arrays["C"][:50_000]), y[:50_000]
    assert streamed.score(X_head, y_head) > 0.8
