"""The data of the command-line tool: bundled data sets and CSV files.

A bundled data set is split once (a 25% test set, stratified for
classification, ``random_state=0``); a CSV file (``--csv``) is scored by
5-fold cross-validation on shuffled folds that both libraries share.
Invalid options or input data raise ``UsageError``, which ``main`` reports
with exit status 2.
"""

import csv
import functools
import math
from dataclasses import dataclass

import numpy as np
from sklearn import datasets
from sklearn.model_selection import KFold, StratifiedKFold, train_test_split

_bundled = functools.partial
# name: (a function that returns (X, y), task)
DATASETS = {
    "digits": (_bundled(datasets.load_digits, return_X_y=True), "classification"),
    "iris": (_bundled(datasets.load_iris, return_X_y=True), "classification"),
    "wine": (_bundled(datasets.load_wine, return_X_y=True), "classification"),
    "breast_cancer": (_bundled(datasets.load_breast_cancer, return_X_y=True),
                      "classification"),
    "diabetes": (_bundled(datasets.load_diabetes, return_X_y=True), "regression"),
    "moons": (_bundled(datasets.make_moons, n_samples=2000, noise=0.25,
                       random_state=0), "classification"),
}
SPLIT_SEED = 0  # of the test split and of the folds, whatever --random-state is
TEST_SIZE = 0.25
N_FOLDS = 5
MAX_CLASSES = 20  # --task auto: more distinct integer targets is regression


class UsageError(Exception):
    """Invalid options or input data; ``main`` reports it with exit code 2."""


@dataclass
class Problem:
    """A data set to score on: the data, the task and how to evaluate.

    Parameters
    ----------
    name : str
        The data set's name or the CSV file's path.
    X : ndarray of shape (n_samples, n_features)
        The features.
    y : ndarray of shape (n_samples,)
        The target.
    task : {'classification', 'regression'}
        The kind of problem.
    split : tuple of ndarray, default=None
        ``(X_train, X_test, y_train, y_test)`` to score on a test set.
    folds : list of (train, test) index arrays, default=None
        To cross-validate instead; exactly one of ``split`` and ``folds``
        is set.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    task: str
    split: tuple = None
    folds: list = None


def load_problem(args):
    """The problem that the options describe: a bundled data set or the CSV file.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed options.

    Returns
    -------
    problem : Problem
        The data, its task, and its test split or folds.

    Raises
    ------
    UsageError
        For options that do not fit together, or an invalid CSV file.
    """
    if args.csv is None:
        if args.target is not None:
            raise UsageError("--target needs --csv FILE")
        return _load_bundled(args.dataset or "digits", args.task)
    if args.target is None:
        raise UsageError("--csv needs --target COLUMN, the name of the target column")
    X, y, task = read_csv(args.csv, args.target, args.task)
    return Problem(args.csv, X, y, task, folds=_folds(args.csv, X, y, task))


def _load_bundled(name, task):
    """A bundled data set with its test split."""
    loader, kind = DATASETS[name]
    if task not in ("auto", kind):
        raise UsageError(f"--task {task} applies to --csv only; {name} is {kind}")
    X, y = loader()
    split = train_test_split(X, y, test_size=TEST_SIZE, random_state=SPLIT_SEED,
                             stratify=y if kind == "classification" else None)
    return Problem(name, X, y, kind, split=split)


def _folds(path, X, y, task):
    """The cross-validation folds, shared by both libraries."""
    kind = StratifiedKFold if task == "classification" else KFold
    try:
        return list(kind(N_FOLDS, shuffle=True, random_state=SPLIT_SEED).split(X, y))
    except ValueError as exc:
        raise UsageError(
            f"{path}: cannot make {N_FOLDS} folds for {task}: {exc}") from None


def read_csv(path, target, task="auto"):
    """Features, target and task from a CSV file with a header row.

    Parameters
    ----------
    path : str
        The file; a header row of column names, then a row per sample.
    target : str
        The name of the target column; every other column is a feature and
        must hold finite numbers.
    task : {'auto', 'classification', 'regression'}, default='auto'
        'auto' is classification when the target column is non-numeric or
        holds at most ``MAX_CLASSES`` distinct integers.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        The features.
    y : ndarray of shape (n_samples,)
        The target: floats for regression; ints or strings for classification.
    task : str
        'classification' or 'regression'.

    Raises
    ------
    UsageError
        Naming the file, and the column and row of an invalid cell.
    """
    header, rows = _read_rows(path)
    if header.count(target) != 1:
        raise UsageError(
            f"{path}: {'no' if target not in header else 'more than one'} column "
            f"named {target!r}; the columns are {', '.join(map(repr, header))}")
    where = header.index(target)
    if len(header) < 2:
        raise UsageError(f"{path}: no feature columns besides the target {target!r}")
    features = [i for i in range(len(header)) if i != where]
    X = np.array([[_number(path, header[i], row[i], n, line) for i in features]
                  for n, (line, row) in enumerate(rows, 1)]).reshape(len(rows), -1)
    y, task = _target(path, target, [(line, row[where]) for line, row in rows], task)
    return X, y, task


def _read_rows(path):
    """The header, and the data rows with their line numbers; blank lines skipped."""
    try:
        with open(path, newline="", encoding="utf-8-sig") as file:
            reader = csv.reader(file)
            rows = [(reader.line_num, row) for row in reader
                    if any(cell.strip() for cell in row)]
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise UsageError(f"cannot read {path}: {exc}") from None
    if not rows:
        raise UsageError(f"{path} is empty: expected a header row of column names, "
                         "then one row per sample")
    (_, header), rows = rows[0], rows[1:]
    if not rows:
        raise UsageError(f"{path} has a header row but no data rows")
    for n, (line, row) in enumerate(rows, 1):
        if len(row) != len(header):
            raise UsageError(f"{path}: row {n} (line {line}) has {len(row)} fields, "
                             f"the header has {len(header)}")
    return [name.strip() for name in header], rows


def _cell_error(path, column, n, line, problem):
    """The UsageError that names the cell of ``column`` in data row ``n``."""
    return UsageError(f"{path}: column {column!r}, row {n} (line {line}): {problem}")


def _number(path, column, cell, n, line):
    """The finite number in ``cell`` (``column``, data row ``n``), or a UsageError."""
    value = _as_float(cell)
    if value is None:
        raise _cell_error(
            path, column, n, line, f"{cell!r} is not a finite number; features must "
            "be numeric (encode categories as numbers, fill in missing values)")
    return value


def _as_float(text):
    """``float(text)`` if that is a finite number, else None."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _target(path, column, cells, task):
    """The target column as numbers or labels, and the task (auto resolved)."""
    values = [cell.strip() for _, cell in cells]
    numbers = [_as_float(value) for value in values]
    for n, ((line, _), value, number) in enumerate(zip(cells, values, numbers), 1):
        if not value or (task == "regression" and number is None):
            raise _cell_error(
                path, column, n, line,
                f"{value!r} is not a finite number, as --task regression needs"
                if value else "no target value")
    numeric = None not in numbers
    integral = numeric and all(number.is_integer() for number in numbers)
    if task == "auto":
        few = integral and len(set(numbers)) <= MAX_CLASSES
        task = "classification" if few or not numeric else "regression"
    if task == "regression":
        return np.array(numbers), task
    return (np.array(numbers).astype(np.int64) if integral else np.array(values)), task
