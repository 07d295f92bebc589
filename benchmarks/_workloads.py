"""The benchmark workloads W1-W4: their settings and their data."""

import functools
from dataclasses import dataclass

import numpy as np
from sklearn.datasets import load_digits, make_classification, make_regression

# Adam settings shared by every library and workload.
LEARNING_RATE = 1e-3
BETAS = (0.9, 0.999)
EPSILON = 1e-8


@dataclass(frozen=True)
class Workload:
    """One training configuration.

    Attributes
    ----------
    key : str
        Short name (``"W1"`` ... ``"W4"``).
    task : {"classification", "regression"}
        Which estimator is used.
    hidden : tuple of int
        ``hidden_layer_sizes``.
    batch_size : int
        Mini-batch size.
    dtype : type
        Floating point type of ``X``.
    epochs : int
        Default number of epochs.
    quick_epochs : int
        Number of epochs in ``--quick`` mode.
    description : str
        Human readable description of the data.
    """

    key: str
    task: str
    hidden: tuple
    batch_size: int
    dtype: type
    epochs: int
    quick_epochs: int
    description: str


WORKLOADS = {
    "W1": Workload("W1", "classification", (100,), 200, np.float64, 50, 2,
                   "load_digits 1797x64, float64"),
    "W2": Workload("W2", "classification", (256, 128), 200, np.float32, 5, 1,
                   "make_classification 60000x784, 10 classes, float32"),
    "W3": Workload("W3", "classification", (64,), 16, np.float64, 5, 1,
                   "W2 data, first 20000 rows, float64"),
    "W4": Workload("W4", "regression", (128, 64), 256, np.float64, 5, 1,
                   "make_regression 100000x100, noise=0.1, float64"),
}


@functools.lru_cache(maxsize=None)
def _classification_data():
    """Return the float64 ``make_classification`` data shared by W2 and W3."""
    return make_classification(n_samples=60000, n_features=784, n_informative=100,
                               n_classes=10, random_state=0)


@functools.lru_cache(maxsize=None)
def load_workload_data(key):
    """Return ``(X, y)`` for a workload, cached.

    Parameters
    ----------
    key : str
        Workload key.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        C-contiguous, in the workload's dtype.
    y : ndarray of shape (n_samples,)
        Class labels, or the regression target.
    """
    if key == "W1":
        X, y = load_digits(return_X_y=True)
        return np.ascontiguousarray(X, dtype=np.float64), y
    if key == "W2":
        X, y = _classification_data()
        return X.astype(np.float32), y
    if key == "W3":
        X, y = _classification_data()
        return np.ascontiguousarray(X[:20000]), y[:20000].copy()
    if key == "W4":
        X, y = make_regression(n_samples=100000, n_features=100, noise=0.1,
                               random_state=0)
        return X, y
    raise ValueError(f"unknown workload {key!r}")


def layer_units(wl, X, y):
    """Return the layer sizes ``[n_features, *hidden, n_outputs]`` of a network.

    Parameters
    ----------
    wl : Workload
        The workload.
    X : ndarray of shape (n_samples, n_features)
        Its training data.
    y : ndarray of shape (n_samples,)
        Its target: one output unit per class, or one for regression.

    Returns
    -------
    list of int
    """
    n_out = len(np.unique(y)) if wl.task == "classification" else 1
    return [X.shape[1], *wl.hidden, n_out]
