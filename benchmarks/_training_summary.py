"""Summaries of the training benchmark: medians, speed-ups, loss differences."""

from dataclasses import dataclass

from _common import median_or_none, ratio, rel_diff
from _libraries import BASELINE, CANDIDATE


@dataclass(frozen=True)
class LibraryComparison:
    """How one library compares with the baseline on one workload.

    Attributes
    ----------
    speedup : float or None
        Baseline s/ep divided by this library's s/ep.
    over_floor : float or None
        This library's s/ep divided by the GEMM floor.
    loss_rel_diff : float or None
        Relative difference of the final ``loss_`` from the baseline's.
    objective_rel_diff : float or None
        Relative difference of the final objective from the baseline's.
    """

    speedup: float | None
    over_floor: float | None
    loss_rel_diff: float | None
    objective_rel_diff: float | None


def _field(summary, name):
    """``getattr(summary, name)``, or None when ``summary`` is None."""
    return None if summary is None else getattr(summary, name)


def compare_with_baseline(libs, name, floor):
    """Compare library ``name`` with ``BASELINE``; None where either is missing.

    Parameters
    ----------
    libs : dict of str to LibrarySummary
        The libraries that ran.
    name : str
        Library to compare.
    floor : float or None
        Median GEMM floor, seconds per epoch.

    Returns
    -------
    LibraryComparison
    """
    lib, base = libs.get(name), libs.get(BASELINE)
    med = _field(lib, "per_epoch_median")
    return LibraryComparison(
        speedup=ratio(_field(base, "per_epoch_median"), med),
        over_floor=ratio(med, floor),
        loss_rel_diff=rel_diff(_field(lib, "final_loss"), _field(base, "final_loss")),
        objective_rel_diff=rel_diff(_field(lib, "final_objective"),
                                    _field(base, "final_objective")))


@dataclass(frozen=True)
class WorkloadSummary:
    """The summarised results of one workload; ``asdict`` gives its JSON.

    The per-library ratio fields keep the JSON keys of the single script
    this module came from; ``compare(name)`` gives them for any library.

    Attributes
    ----------
    workload, description, task : str
        The workload's key, description and task.
    hidden : tuple of int
        ``hidden_layer_sizes``.
    batch_size : int
        Mini-batch size.
    dtype : str
        Name of the data's dtype.
    n_samples : int
        Training rows.
    layer_units : list of int
        ``[n_features, *hidden, n_outputs]``.
    epochs : int
        Epochs per fit.
    libs : dict of str to LibrarySummary
        Per library that ran.
    floor_epoch_seconds : list of float
        GEMM floor per round (empty with ``--no-floor``).
    floor_median : float or None
        Their median.
    speedup_mbnet, speedup_torch : float or None
        sklearn s/ep over mbnet's, over torch's.
    mbnet_over_floor, sklearn_over_floor : float or None
        s/ep over the floor.
    adam_floor_epoch_seconds : list of float
        Adam sqrt+divide time per round.
    adam_floor_median : float or None
        Their median.
    ceiling : float or None
        sklearn s/ep over (floor + Adam sqrt+divide).
    loss_rel_diff, objective_rel_diff : float or None
        mbnet's final ``loss_`` and objective relative to sklearn's.
    sklearn_float64_objective : float or None
        sklearn's objective on float64 input (float32 workloads only).
    sklearn_f32_f64_rel_diff : float or None
        sklearn's float32 objective relative to that float64 one.
    sklearn_loss_deterministic : bool
        Whether sklearn's ``loss_`` was identical in every round.
    """

    workload: str
    description: str
    task: str
    hidden: tuple
    batch_size: int
    dtype: str
    n_samples: int
    layer_units: list
    epochs: int
    libs: dict
    floor_epoch_seconds: list
    floor_median: float | None
    speedup_mbnet: float | None
    speedup_torch: float | None
    mbnet_over_floor: float | None
    sklearn_over_floor: float | None
    adam_floor_epoch_seconds: list
    adam_floor_median: float | None
    ceiling: float | None
    loss_rel_diff: float | None
    objective_rel_diff: float | None
    sklearn_float64_objective: float | None
    sklearn_f32_f64_rel_diff: float | None
    sklearn_loss_deterministic: bool

    def compare(self, name):
        """Compare library ``name`` with the baseline on this workload.

        Parameters
        ----------
        name : str
            Library name.

        Returns
        -------
        LibraryComparison
            All None where a library did not run.
        """
        return compare_with_baseline(self.libs, name, self.floor_median)

    def lib_value(self, name, field):
        """Return one field of a library's summary.

        Parameters
        ----------
        name : str
            Library name.
        field : str
            A ``LibrarySummary`` field, e.g. ``"per_epoch_median"``.

        Returns
        -------
        object
            None if the library did not run.
        """
        return _field(self.libs.get(name), field)


def summarize_workload(wl, epochs, run):
    """Compare the libraries' results on one workload with each other and the floor.

    Parameters
    ----------
    wl : Workload
        The workload.
    epochs : int
        Epochs per fit.
    run : WorkloadRun
        Its raw measurements.

    Returns
    -------
    WorkloadSummary
    """
    libs = run.libs
    floor, adam_floor = median_or_none(run.floor), median_or_none(run.adam_floor)
    ceiling_den = None if floor is None or adam_floor is None else floor + adam_floor
    base = libs.get(BASELINE)
    base_med = _field(base, "per_epoch_median")
    candidate = compare_with_baseline(libs, CANDIDATE, floor)
    return WorkloadSummary(
        workload=wl.key, description=wl.description, task=wl.task, hidden=wl.hidden,
        batch_size=wl.batch_size, dtype=run.dtype, n_samples=run.n_samples,
        layer_units=run.layer_units, epochs=epochs, libs=libs,
        floor_epoch_seconds=run.floor, floor_median=floor,
        speedup_mbnet=candidate.speedup,
        speedup_torch=compare_with_baseline(libs, "torch", floor).speedup,
        mbnet_over_floor=candidate.over_floor,
        sklearn_over_floor=ratio(base_med, floor),
        adam_floor_epoch_seconds=run.adam_floor, adam_floor_median=adam_floor,
        ceiling=ratio(base_med, ceiling_den),
        loss_rel_diff=candidate.loss_rel_diff,
        objective_rel_diff=candidate.objective_rel_diff,
        sklearn_float64_objective=run.sklearn_float64_objective,
        sklearn_f32_f64_rel_diff=rel_diff(_field(base, "final_objective"),
                                          run.sklearn_float64_objective),
        sklearn_loss_deterministic=len(set(_field(base, "losses") or ())) <= 1)
