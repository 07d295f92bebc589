"""The prediction benchmark: throughput and extra peak memory of ``predict``."""

from dataclasses import asdict, dataclass

import numpy as np

from _common import log, median_or_none, ratio
from _floors import PREDICT_FLOOR_CHUNK, predict_floor
from _libraries import BASELINE, BY_NAME, CANDIDATE
from _predict_measures import (make_predict_input, measure_predict_memory,
                               time_predict, train_predict_models)
from _workloads import load_workload_data


@dataclass(frozen=True)
class PredictResult:
    """One library's prediction timings and memory.

    Attributes
    ----------
    seconds : list of float
        ``predict`` wall time per round.
    median_seconds : float
        Their median.
    rows_per_second : float
        Rows over ``median_seconds``.
    over_floor : float or None
        ``median_seconds`` over the prediction floor.
    tracemalloc_mb : float
        Extra traced peak memory during ``predict``, MiB.
    rss_hwm_mb : float or None
        Extra RSS high-water mark during ``predict``, MiB (Linux only).
    """

    seconds: list
    median_seconds: float
    rows_per_second: float
    over_floor: float | None
    tracemalloc_mb: float
    rss_hwm_mb: float | None


@dataclass(frozen=True)
class PredictComparison:
    """The baseline and the candidate's predictions compared.

    Attributes
    ----------
    speedup_mbnet : float or None
        sklearn's median predict time over mbnet's.
    label_agreement : float
        Fraction of equal labels on the random input.
    train_label_agreement : float
        Fraction of equal labels on the W2 training data.
    """

    speedup_mbnet: float | None
    label_agreement: float
    train_label_agreement: float


@dataclass(frozen=True)
class PredictBenchmark:
    """Results of the prediction benchmark.

    Attributes
    ----------
    rows, n_features : int
        Shape of the random input.
    dtype : str
        Its dtype.
    libs : dict of str to PredictResult
        Per library.
    floor_seconds : list of float
        Prediction floor per round (empty with ``--no-floor``).
    floor_rows_per_second : float or None
        Rows over the median floor.
    floor_chunk_rows : int
        Rows per chunk of the floor's matrix products.
    comparison : PredictComparison or None
        None unless both the baseline and the candidate ran.
    """

    rows: int
    n_features: int
    dtype: str
    libs: dict
    floor_seconds: list
    floor_rows_per_second: float | None
    floor_chunk_rows: int
    comparison: PredictComparison | None

    def as_json(self):
        """Return the results as a dict for the JSON output.

        Returns
        -------
        dict
            ``asdict`` of the record, the comparison's keys moved to the top
            level (absent when there is no comparison).
        """
        out = asdict(self)
        comparison = out.pop("comparison")
        return {**out, **(comparison or {})}


def _time_rounds(models, X, rounds, floor):
    """Time ``predict`` of every model, alternating, for ``rounds`` rounds.

    Returns per library the times and the last predictions, and the
    prediction floor per round (empty unless ``floor``).
    """
    libs = list(models)
    times, preds, floors = {lib: [] for lib in libs}, {}, []
    for r in range(rounds):
        for lib in libs:
            seconds, preds[lib] = time_predict(models[lib], X)
            times[lib].append(seconds)
            log(f"[predict] round {r + 1}/{rounds} {lib:11s} {seconds:8.3f} s")
        if floor:
            floors.append(predict_floor(models[libs[0]].coefs_, X))
            log(f"[predict] round {r + 1}/{rounds} {'floor':11s} {floors[-1]:8.3f} s")
    return times, preds, floors


def run_predict_benchmark(libs, n_rows, rounds, seed, floor=True):
    """Measure ``predict`` on ``n_rows`` x 784 random rows with each library.

    Parameters
    ----------
    libs : list of str
        Library names; only ``"estimator"`` libraries take part.
    n_rows, rounds, seed : int
        Rows to predict, rounds, seed of the models and the input.
    floor : bool, default=True
        Also time the matrix products alone every round.

    Returns
    -------
    PredictBenchmark
    """
    models = train_predict_models(
        [lib for lib in libs if BY_NAME[lib].runner == "estimator"], seed)
    X = make_predict_input(n_rows, 784, seed)
    times, preds, floors = _time_rounds(models, X, rounds, floor)
    floor_median = median_or_none(floors)
    results = {}
    for lib, est in models.items():
        med = median_or_none(times[lib])
        memory = measure_predict_memory(est, X)
        results[lib] = PredictResult(times[lib], med, n_rows / med,
                                     ratio(med, floor_median), memory.tracemalloc_mb,
                                     memory.rss_hwm_mb)
    return PredictBenchmark(n_rows, 784, "float32", results, floors,
                            ratio(n_rows, floor_median), PREDICT_FLOOR_CHUNK,
                            compare_predictions(models, preds, results))


def compare_predictions(models, preds, results):
    """Compare the baseline's and the candidate's W2 models.

    Agreement is reported on the random input (out of distribution, so
    sensitive to small weight differences) and on the W2 training data.

    Parameters
    ----------
    models : dict of str to estimator
        The fitted models.
    preds : dict of str to ndarray
        Their predictions on the random input.
    results : dict of str to PredictResult
        Their timings.

    Returns
    -------
    PredictComparison or None
        None unless both libraries ran.
    """
    if BASELINE not in models or CANDIDATE not in models:
        return None
    X_train, _ = load_workload_data("W2")
    base, cand = models[BASELINE], models[CANDIDATE]
    train_same = base.predict(X_train) == cand.predict(X_train)
    return PredictComparison(
        ratio(results[BASELINE].median_seconds, results[CANDIDATE].median_seconds),
        float(np.mean(preds[BASELINE] == preds[CANDIDATE])),
        float(np.mean(train_same)))
