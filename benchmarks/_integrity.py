"""Integrity of the sklearn baseline: nothing may patch scikit-learn's MLP code."""

import importlib
import sys
from dataclasses import dataclass

import numpy as np

from _libraries import BASELINE, BY_NAME, estimator_class

_SKLEARN_MODULES = ("sklearn.neural_network._multilayer_perceptron",
                    "sklearn.neural_network._base",
                    "sklearn.neural_network._stochastic_optimizers",
                    "sklearn.utils.extmath", "sklearn.utils._indexing")
_MISSING = object()
_VOLATILE = ("__warningregistry__",)  # legitimately updated by warnings.warn
_TASKS = {"MLPClassifier": "classification", "MLPRegressor": "regression"}


@dataclass(frozen=True)
class IntegrityReport:
    """Outcome of the check that the sklearn baseline was left alone.

    Attributes
    ----------
    ok : bool
        No name was patched and sklearn's ``loss_`` was the same every round.
    patched_names : list of str
        Names whose objects changed during the run.
    sklearn_loss_deterministic : bool
        Whether sklearn's ``loss_`` was identical in every round of every
        workload.
    sklearn_mbnet_imported : bool
        Whether ``sklearn_mbnet`` was imported at all.
    """

    ok: bool
    patched_names: list
    sklearn_loss_deterministic: bool
    sklearn_mbnet_imported: bool


def snapshot_sklearn():
    """Return references to every object the sklearn MLP code path looks up.

    Module globals, class attributes and the activation/loss tables of the
    sklearn MLP modules, plus ``numpy.dot``/``numpy.matmul``. Comparing two
    snapshots with ``is`` detects monkey-patching.

    Returns
    -------
    dict of (str, str) to object
        Keyed by module name and attribute path.
    """
    snap = {("numpy", name): getattr(np, name) for name in ("dot", "matmul")}
    for modname in _SKLEARN_MODULES:
        mod = importlib.import_module(modname)
        for name, obj in list(vars(mod).items()):
            if name in _VOLATILE:
                continue
            snap[(modname, name)] = obj
            if isinstance(obj, type) and obj.__module__ == modname:
                for attr, val in vars(obj).items():
                    snap[(modname, f"{name}.{attr}")] = val
            elif isinstance(obj, dict) and name.isupper():
                for k, v in obj.items():
                    snap[(modname, f"{name}[{k!r}]")] = v
    return snap


def sklearn_changes(snapshot):
    """Return the names whose objects differ from ``snapshot``.

    Parameters
    ----------
    snapshot : dict
        An earlier ``snapshot_sklearn()``.

    Returns
    -------
    list of str
        Sorted; empty if nothing was touched.
    """
    now = snapshot_sklearn()
    keys = set(snapshot) | set(now)
    return sorted(".".join(k) for k in keys
                  if snapshot.get(k, _MISSING) is not now.get(k, _MISSING))


def check_distinct_from_baseline(libs):
    """Raise if a library's estimators are scikit-learn's own classes.

    Parameters
    ----------
    libs : list of str
        Library names; the ``"estimator"`` ones other than ``BASELINE`` are
        checked.

    Raises
    ------
    RuntimeError
        If one of them is, since the comparison would be meaningless.
    """
    for lib in libs:
        if lib == BASELINE or BY_NAME[lib].runner != "estimator":
            continue
        for name, task in _TASKS.items():
            if estimator_class(lib, task) is estimator_class(BASELINE, task):
                raise RuntimeError(f"{BY_NAME[lib].module}.{name} is sklearn's class; "
                                   "the comparison would be meaningless")


def integrity_report(snapshot, training):
    """Check the baseline after the run.

    Parameters
    ----------
    snapshot : dict
        ``snapshot_sklearn()`` taken before the run.
    training : list of WorkloadSummary
        The training results.

    Returns
    -------
    IntegrityReport
    """
    changes = sklearn_changes(snapshot)
    deterministic = all(t.sklearn_loss_deterministic for t in training)
    return IntegrityReport(ok=not changes and deterministic, patched_names=changes,
                           sklearn_loss_deterministic=deterministic,
                           sklearn_mbnet_imported="sklearn_mbnet" in sys.modules)
