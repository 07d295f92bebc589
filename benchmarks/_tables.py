"""The report's tables: their columns, rows and text or markdown layout.

The training table's columns are derived from ``_libraries.LIBRARIES``
(those that ran): per library its time, and for each compared library its
speed-up, ``/floor`` and loss difference columns.
"""

from dataclasses import dataclass
from operator import attrgetter
from typing import Callable

from _common import median_or_none
from _libraries import BASELINE, CANDIDATE, LIBRARIES


@dataclass(frozen=True)
class Column:
    """One column of the training table.

    Attributes
    ----------
    header : str
        Its header.
    cell : callable
        Maps a ``WorkloadSummary`` to the cell's text.
    """

    header: str
    cell: Callable


def fmt(value, spec):
    """Return ``value`` formatted with ``spec``, or '-' when it is None.

    Parameters
    ----------
    value : object or None
        The value.
    spec : str
        A format specification, e.g. ``".4f"``.

    Returns
    -------
    str
    """
    return "-" if value is None else format(value, spec)


def _number(header, value, spec):
    """A column showing ``value(summary)`` formatted with ``spec``."""
    return Column(header, lambda summary: fmt(value(summary), spec))


def _lib_field(name, field):
    """``field`` of library ``name``'s summary in a ``WorkloadSummary``."""
    return lambda summary: summary.lib_value(name, field)


def _comparison(name, field):
    """``field`` of library ``name``'s comparison with the baseline."""
    return lambda summary: getattr(summary.compare(name), field)


def training_columns(libraries=LIBRARIES):
    """Return the training table's columns for the given libraries.

    Parameters
    ----------
    libraries : sequence of Library, default=LIBRARIES
        In table order.

    Returns
    -------
    list of Column
    """
    compared = [lib for lib in libraries if lib.compared]
    cols = [Column("workload", attrgetter("workload")),
            Column("epochs", lambda summary: str(summary.epochs))]
    for lib in libraries:
        cols.append(_number(f"{lib.name} s/ep",
                            _lib_field(lib.name, "per_epoch_median"), ".4f"))
        if lib.compared:
            cols.append(_number("speed-up" + lib.header_suffix,
                                _comparison(lib.name, "speedup"), ".2f"))
    cols.append(_number("floor s/ep", attrgetter("floor_median"), ".4f"))
    cols += [_number(f"{lib.name}/floor", _comparison(lib.name, "over_floor"), ".2f")
             for lib in compared]
    cols += [_number("Adam sqrt+div s/ep", attrgetter("adam_floor_median"), ".4f"),
             _number("ceiling", attrgetter("ceiling"), ".2f")]
    cols += [_number(f"{lib.name} loss", _lib_field(lib.name, "final_loss"), ".6g")
             for lib in libraries if lib.runner == "estimator"]
    for header, field in (("loss_ rel diff", "loss_rel_diff"),
                          ("objective rel diff", "objective_rel_diff")):
        cols += [_number(header + lib.header_suffix, _comparison(lib.name, field),
                         ".2e") for lib in compared]
    cols.append(_number(f"{BASELINE} f32 vs f64",
                        attrgetter("sklearn_f32_f64_rel_diff"), ".2e"))
    return cols


TRAIN_LEGEND = [
    "s/ep: fit() wall time / epochs, median over rounds; speed-up = sklearn/mbnet",
    "floor: the epoch's matrix products alone (np.matmul, contiguous batches)",
    "Adam sqrt+div: one sqrt and one divide per parameter per step, which "
    "exact Adam computes in any implementation",
    "ceiling: sklearn s/ep / (floor + Adam sqrt+div), the largest speed-up "
    "an exact Adam trainer doing the same matrix products can reach "
    "(at one thread: NumPy's sqrt and divide do not use more)",
    "objective: mean training loss + L2 term, computed alike from each "
    "library's fitted weights (loss_ differs by design)",
    "sklearn f32 vs f64: float32 workloads only, scikit-learn's objective on "
    "float32 vs float64 input, same seed: the drift float32 rounding causes",
]
PREDICT_HEADERS = ["library", "rows", "median s", "rows/s", "time/floor",
                   "extra peak MB (tracemalloc)", "extra RSS HWM MB (approx.)"]


def training_table(training, columns=None):
    """Return the training table's headers and rows (lists of str).

    Parameters
    ----------
    training : list of WorkloadSummary
        One row each.
    columns : list of Column, default=None
        The columns; None: ``training_columns`` of the libraries that ran
        on some workload.

    Returns
    -------
    headers : list of str
    rows : list of list of str
    """
    if columns is None:
        columns = training_columns([lib for lib in LIBRARIES
                                    if any(lib.name in t.libs for t in training)])
    return ([col.header for col in columns],
            [[col.cell(summary) for col in columns] for summary in training])


def predict_rows(pred):
    """Return the prediction table's rows: one per library, then the floor.

    Parameters
    ----------
    pred : PredictBenchmark
        The prediction results.

    Returns
    -------
    list of list of str
    """
    rows = [[lib, str(pred.rows), f"{v.median_seconds:.3f}",
             f"{v.rows_per_second:,.0f}", fmt(v.over_floor, ".2f"),
             f"{v.tracemalloc_mb:.1f}", fmt(v.rss_hwm_mb, ".1f")]
            for lib, v in pred.libs.items()]
    if not pred.floor_seconds:
        return rows
    floor = median_or_none(pred.floor_seconds)
    rows.append([f"floor ({pred.floor_chunk_rows:,}-row chunks, matmul only)",
                 str(pred.rows), f"{floor:.3f}",
                 f"{pred.floor_rows_per_second:,.0f}", "1.00", "-", "-"])
    return rows


def predict_summary(pred):
    """Return a one-line summary of the prediction comparison, or ''.

    Parameters
    ----------
    pred : PredictBenchmark
        The prediction results.

    Returns
    -------
    str
    """
    cmp = pred.comparison
    if cmp is None:
        return ""
    return (f"predict speed-up {BASELINE}/{CANDIDATE}: {cmp.speedup_mbnet:.2f}; "
            f"{BASELINE}-vs-{CANDIDATE} label agreement: {cmp.label_agreement:.2%} on "
            f"the random input, {cmp.train_label_agreement:.2%} on the W2 training "
            "data")
