"""Scale out on existing engines: dask-ml on a loopback cluster, and ray's joblib.

Skipped only when the ``dask`` extra (dask, distributed, dask-ml) is not
installed; CI installs it (``.ci/run``, stage dask). The cluster is two worker
processes of one thread each on 127.0.0.1, started and closed by a fixture.
The oracles are a local loop (bit-equal weights, and at most 1.5 times its time
for one ``Incremental`` pass), the in-memory prediction and the sequential
search. docs/scaling.rst shows the same recipes with their measured numbers.
"""

import statistics
import time
import warnings

import numpy as np
import pytest
from joblib import parallel_config
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
dask_ml_wrappers = pytest.importorskip("dask_ml.wrappers")
from packaging.version import Version  # noqa: E402  (after the skips)

from sklearn_mbnet import MLPClassifier  # noqa: E402

N_BLOCKS, BLOCK_ROWS, N_FEATURES, CLASSES = 20, 20_000, 50, [0, 1, 2]
# dask-ml issue #1016: its searches fail on later dask ("Attempting to use an
# asynchronous Client in a synchronous context of `dask.compute`").
SEARCHES_WORK_UP_TO = Version("2025.2.0")


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1,
                                       processes=True, host="127.0.0.1",
                                       dashboard_address=None)
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


@pytest.fixture(scope="module")
def data():
    rng = np.random.RandomState(0)
    X = rng.standard_normal((N_BLOCKS * BLOCK_ROWS, N_FEATURES)).astype(np.float32)
    y = (X[:, 0] + X[:, 1] > 0).astype(np.int64) + (X[:, 2] > 0.5)
    return X, y


@pytest.fixture(scope="module")
def blocks(client, data):
    """The data as dask arrays of ``N_BLOCKS`` blocks, persisted on the workers
    (each block arrives there inside a message: many at unaligned addresses)."""
    X, y = data
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # "large graph": the data is in it, on purpose
        dX = da.from_array(X, chunks=(BLOCK_ROWS, N_FEATURES))
        dy = da.from_array(y, chunks=BLOCK_ROWS)
        return client.persist(dX), client.persist(dy)


def _estimator():
    return MLPClassifier(hidden_layer_sizes=(100,), batch_size=256, random_state=0)


def _incremental_pass(dX, dy):
    inc = dask_ml_wrappers.Incremental(_estimator(), shuffle_blocks=False)
    return inc.fit(dX, dy, classes=CLASSES)


def _local_loop(X, y):
    """One ``partial_fit`` per block, in block order, in this process, on one
    BLAS thread as each worker has (BLAS splits a product among its threads,
    and another split rounds otherwise)."""
    est = _estimator()
    with threadpool_limits(1):
        for start in range(0, len(X), BLOCK_ROWS):
            rows = slice(start, start + BLOCK_ROWS)
            est.partial_fit(X[rows], y[rows], classes=CLASSES)
    return est


def test_incremental_is_one_partial_fit_per_block(blocks, data):
    dX, dy = blocks
    inc = _incremental_pass(dX, dy)
    local = _local_loop(*data)
    # The learned attributes are plain attributes, so dask-ml copies them onto
    # the wrapper: the weights read from it as from the estimator.
    for name in ("coefs_", "intercepts_"):
        for a, b in zip(getattr(inc, name), getattr(local, name)):
            np.testing.assert_array_equal(a, b)
    assert inc.estimator_.loss_curve_ == local.loss_curve_
    assert len(inc.loss_curve_) == N_BLOCKS  # one call per block
    assert inc.n_iter_ == 1 and inc.t_ == N_BLOCKS * BLOCK_ROWS


def test_incremental_pass_takes_at_most_one_and_a_half_local_loops(blocks, data):
    """Medians of three passes each, interleaved so that both see the same
    load; the local loop on one BLAS thread, as each worker has one."""
    dX, dy = blocks
    aligned = dX.map_blocks(lambda b: np.array([[b.flags.aligned]]), chunks=(1, 1),
                            dtype=bool).compute().ravel()
    print(f"{N_BLOCKS - aligned.sum()} of {N_BLOCKS} blocks unaligned on the workers")
    on_cluster, local = [], []
    for _ in range(3):
        start = time.perf_counter()
        _incremental_pass(dX, dy)
        on_cluster.append(time.perf_counter() - start)
        start = time.perf_counter()
        _local_loop(*data)
        local.append(time.perf_counter() - start)
    ratio = statistics.median(on_cluster) / statistics.median(local)
    print(f"Incremental pass {statistics.median(on_cluster):.2f} s, local loop "
          f"{statistics.median(local):.2f} s (medians of 3): {ratio:.2f}x")
    assert ratio <= 1.5, (on_cluster, local)


def test_parallel_post_fit_predicts_as_in_memory(blocks, data):
    """The labels equal; the probabilities up to float32 rounding: a block is
    predicted in other chunks than the whole X, and BLAS computes a product's
    last rows with another kernel (1.5e-6 relative at most, measured)."""
    X, y = data
    est = _estimator().partial_fit(X[:BLOCK_ROWS], y[:BLOCK_ROWS], classes=CLASSES)
    wrapped = dask_ml_wrappers.ParallelPostFit(est)
    dX, _ = blocks
    with threadpool_limits(1):
        labels, proba = est.predict(X), est.predict_proba(X)
    np.testing.assert_array_equal(wrapped.predict(dX).compute(), labels)
    np.testing.assert_allclose(wrapped.predict_proba(dX).compute(), proba,
                               rtol=1e-5, atol=1e-7)


def _grid_search():
    pipe = make_pipeline(StandardScaler(),
                         MLPClassifier(max_iter=30, random_state=0, tol=0))
    grid = {"mlpclassifier__alpha": [1e-4, 1e-1],
            "mlpclassifier__hidden_layer_sizes": [(8,), (16,)]}
    return GridSearchCV(pipe, grid, cv=3, n_jobs=2)


def _searched(data, backend=None):
    X, y = data
    X, y = X[:3000], y[:3000]
    search = _grid_search()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning at max_iter=30
        if backend is None:
            search.set_params(n_jobs=None).fit(X, y)
        else:
            with parallel_config(backend=backend):
                search.fit(X, y)
    return search, time.perf_counter() - start


def _assert_same_search(a, b):
    for key in ("mean_test_score", "std_test_score", "rank_test_score"):
        np.testing.assert_array_equal(a.cv_results_[key], b.cv_results_[key])
    assert a.best_params_ == b.best_params_
    for w, v in zip(a.best_estimator_[-1].coefs_, b.best_estimator_[-1].coefs_):
        np.testing.assert_array_equal(w, v)


def test_grid_search_under_the_dask_joblib_backend(client, data):
    sequential, t_sequential = _searched(data)
    on_dask, t_dask = _searched(data, "dask")
    print(f"GridSearchCV, 4 candidates x 3 folds: sequential {t_sequential:.2f} s, "
          f"dask backend {t_dask:.2f} s")
    _assert_same_search(on_dask, sequential)


def _searches_are_supported():
    import dask

    versions = {"dask": dask.__version__, "distributed": distributed.__version__}
    broken = {k: v for k, v in versions.items() if Version(v) > SEARCHES_WORK_UP_TO}
    return not broken, (f"dask-ml #1016 breaks IncrementalSearchCV and "
                        f"HyperbandSearchCV with {broken}; they work with "
                        f"dask=={SEARCHES_WORK_UP_TO} distributed=="
                        f"{SEARCHES_WORK_UP_TO} (docs/scaling.rst)")


@pytest.mark.parametrize("search", ["IncrementalSearchCV", "HyperbandSearchCV"])
def test_dask_ml_searches_on_pinned_dask(client, data, search):
    supported, reason = _searches_are_supported()
    if not supported:
        pytest.skip(reason)
    from dask_ml import model_selection

    X, y = data
    X, y = X[:8000], y[:8000]
    # Not persisted: the searches are known to work on arrays built lazily.
    dX, dy = da.from_array(X, chunks=(1000, N_FEATURES)), da.from_array(y, chunks=1000)
    grid = {"alpha": [1e-4, 1e-2], "learning_rate_init": [1e-2, 1e-1]}
    kind = getattr(model_selection, search)
    options = ({"n_initial_parameters": 4} if search == "IncrementalSearchCV" else {})
    searcher = kind(MLPClassifier(hidden_layer_sizes=(8,), random_state=0), grid,
                    max_iter=9, random_state=0, **options)
    start = time.perf_counter()
    searcher.fit(dX, dy, classes=CLASSES)
    print(f"{search}: {time.perf_counter() - start:.2f} s, best score "
          f"{searcher.best_score_:.3f} at {searcher.best_params_}")
    best = searcher.best_estimator_
    calls = max(record["partial_fit_calls"] for record in searcher.history_
                if record["params"] == searcher.best_params_)
    # Every call is one epoch over one training block (a block less the rows the
    # search holds out): t_ counts the rows of every call, n_iter_ the last one.
    assert best.t_ % calls == 0 and 0 < best.t_ // calls <= 1000
    assert best.n_iter_ == 1
    assert best.score(X, y) > 0.6


def test_grid_search_under_the_ray_joblib_backend(data):
    pytest.importorskip("ray")
    import ray
    from ray.util.joblib import register_ray

    register_ray()
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        sequential, _ = _searched(data)
        on_ray, t_ray = _searched(data, "ray")
    finally:
        ray.shutdown()
    print(f"GridSearchCV on ray's joblib backend: {t_ray:.2f} s")
    _assert_same_search(on_ray, sequential)


def test_incremental_passes_a_dask_sample_weight_whole_to_every_block(client, data):
    """A known limit of dask-ml (docs/scaling.rst): the weights are not split
    into blocks. The workaround, a loop over the blocks with their weights,
    trains as a local loop does."""
    X, y = data
    X, y, w = X[:4000], y[:4000], np.linspace(0.5, 1.5, 4000)
    dX = da.from_array(X, chunks=(1000, N_FEATURES))
    dy, dw = da.from_array(y, chunks=1000), da.from_array(w, chunks=1000)
    inc = dask_ml_wrappers.Incremental(_estimator(), shuffle_blocks=False)
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(4000,\), expected"):
        inc.fit(dX, dy, classes=CLASSES, sample_weight=dw)
    looped, local = _estimator(), _estimator()
    for X_block, y_block, w_block in zip(dX.blocks, dy.blocks, dw.blocks):
        X_block, y_block, w_block = client.compute([X_block, y_block, w_block], sync=True)
        looped.partial_fit(X_block, y_block, classes=CLASSES, sample_weight=w_block)
    for rows in np.split(np.arange(4000), 4):
        local.partial_fit(X[rows], y[rows], classes=CLASSES, sample_weight=w[rows])
    for a, b in zip(looped.coefs_, local.coefs_):
        np.testing.assert_array_equal(a, b)
