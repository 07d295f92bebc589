"""The runs and the output of the command-line tool (``run``).

Each contender is fitted and scored on the problem's test split or folds;
the table gives the score and the fit time of each, and one line the number
of ConvergenceWarnings silenced meanwhile.
"""

import contextlib
import time
import warnings
from dataclasses import dataclass

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import cross_validate
from threadpoolctl import threadpool_limits

from . import __version__
from ._cli_data import N_FOLDS, SPLIT_SEED, TEST_SIZE, load_problem
from ._cli_models import (
    centres_target,
    contenders,
    estimator_params,
    format_params,
    make_model,
)


def run(args):
    """Load the data, train each library's estimator and print the table.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed options.

    Returns
    -------
    status : int
        0, or 1 if a fit failed.

    Raises
    ------
    UsageError
        For invalid options or input data, before any training.
    """
    problem = load_problem(args)
    params = estimator_params(args, problem.task)
    runs = contenders(args, params, problem.task)
    centre = centres_target(params, problem.task)
    print("\n".join(_header(problem, params, centre)), end="\n\n", flush=True)
    with convergence_warnings(args.show_warnings) as tally, \
            threadpool_limits(limits=args.threads):
        results = [evaluate(c, problem, centre, args.verbose) for c in runs]
    if args.verbose:
        print()
    print("\n".join(_table(problem, results)))
    if tally.silenced:
        print(_warnings_line(tally.silenced))
    return 1 if any(result.failed for result in results) else 0


@dataclass
class Result:
    """The scores and fit times of one estimator, or why there are none.

    Parameters
    ----------
    label : str
        The estimator's name in the table.
    scores : list of float, default=None
        The test score, or one per fold; None if not run or failed.
    times : list of float, default=None
        The fit times in seconds, as ``scores``.
    note : str, default=""
        A note for the table.
    failed : bool, default=False
        Whether its fit raised an error (then the exit status is 1).
    """

    label: str
    scores: list = None
    times: list = None
    note: str = ""
    failed: bool = False


def evaluate(contender, problem, centre_target=True, announce=False):
    """Fit and score one contender on the problem's split or folds.

    Parameters
    ----------
    contender : Contender
        The estimator; one without is not run.
    problem : Problem
        The data, and the split or the folds to score on.
    centre_target : bool, default=True
        See ``make_model``.
    announce : bool, default=False
        Print a line before training (with ``--verbose``).

    Returns
    -------
    result : Result
        ``failed`` if the fit raised a ValueError, with its message.
    """
    if contender.estimator is None:
        return Result(contender.label, note=contender.note)
    model = make_model(contender.estimator, problem.task, centre_target)
    if announce:
        print(f"training {contender.label}")
    try:
        if problem.split is not None:
            scores, times = _hold_out(model, *problem.split)
        else:
            scores, times = _cross_validated(model, problem)
    except ValueError as exc:
        return Result(contender.label, note=f"failed: {exc}", failed=True)
    return Result(contender.label, scores, times, contender.note)


def _hold_out(model, X_train, X_test, y_train, y_test):
    """``([test score], [fit seconds])``."""
    start = time.perf_counter()
    model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return [model.score(X_test, y_test)], [seconds]


def _cross_validated(model, problem):
    """``(scores, fit seconds)``, one per fold."""
    cv = cross_validate(model, problem.X, problem.y, cv=problem.folds,
                        error_score="raise")
    return list(cv["test_score"]), list(cv["fit_time"])


class _Tally:
    """How many ConvergenceWarnings were silenced."""

    silenced = 0


@contextlib.contextmanager
def convergence_warnings(show):
    """Count and silence ConvergenceWarnings, or (``show``) show each one.

    Every other warning is shown as Python's filters say.

    Parameters
    ----------
    show : bool
        Show each ConvergenceWarning instead of counting it.

    Yields
    ------
    tally : object
        Its ``silenced`` attribute counts the silenced warnings.
    """
    tally = _Tally()
    with warnings.catch_warnings():
        warnings.simplefilter("always", ConvergenceWarning)  # count every one
        if not show:
            forward = warnings.showwarning

            def count(message, category, *args, **kwargs):
                if issubclass(category, ConvergenceWarning):
                    tally.silenced += 1
                else:
                    forward(message, category, *args, **kwargs)

            warnings.showwarning = count
        yield tally


def _header(problem, params, centre_target=True):
    """The lines above the table: data, evaluation, parameters, versions."""
    n_samples, n_features = problem.X.shape
    classification = problem.task == "classification"
    what = (f"{len(np.unique(problem.y))} classes" if classification else
            f"target from {problem.y.min():.4g} to {problem.y.max():.4g}")
    stratified = "stratified " if classification else ""
    how = (f"{N_FOLDS}-fold cross-validation ({stratified}folds shuffled with "
           f"random_state={SPLIT_SEED})" if problem.folds is not None else
           f"a {stratified}{TEST_SIZE:.0%} test split (random_state={SPLIT_SEED})")
    scaled = ("features standardised" if classification else
              "features and target standardised" if centre_target else
              "features standardised, target divided by its std")
    return [
        f"{problem.name}: {n_samples} samples, {n_features} features, {what} "
        f"({problem.task})",
        f"scored by {_metric(problem)} on {how}; {scaled}",
        f"parameters: {format_params(params)}",
        f"versions: sklearn_mbnet {__version__}, scikit-learn {sklearn.__version__}",
    ]


def _metric(problem):
    """The name of the score."""
    return "accuracy" if problem.task == "classification" else "R²"


def _summary(values, digits):
    """One value, or the mean ± std of several; 'n/a' for none."""
    if not values:
        return "n/a"
    if len(values) == 1:
        return f"{values[0]:.{digits}f}"
    return f"{np.mean(values):.{digits}f} ± {np.std(values):.{digits}f}"


def _table(problem, results):
    """The table of scores and fit times, with its notes."""
    metric = _metric(problem)
    if problem.split is not None:
        head = ("library", f"test {metric}", "fit time (s)")
    else:
        head = ("library", f"{metric} ({N_FOLDS}-fold, mean ± std)",
                "fit time per fold (s)")
    rows = [head] + [(r.label, _summary(r.scores, 4), _summary(r.times, 3))
                     for r in results]
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = [f"{a:<{widths[0]}}   {b:>{widths[1]}}   {c:>{widths[2]}}"
             for a, b, c in rows]
    notes = [f"{r.label} {r.note}" for r in results if r.note]
    return lines + ([""] + notes if notes else [])


def _warnings_line(silenced):
    """The line that says how many ConvergenceWarnings were silenced."""
    plural = "s" if silenced != 1 else ""
    return (f"{silenced} ConvergenceWarning{plural} silenced (a fit stopped before "
            "converging, e.g. at --max-iter); --show-warnings shows them.")
