"""Timed fits: one ``fit`` of an estimator, or one raw PyTorch training loop."""

import gc
import time
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import log_loss

from _libraries import BY_NAME, make_estimator
from _workloads import BETAS, EPSILON, LEARNING_RATE


@dataclass(frozen=True)
class FitResult:
    """Outcome of one timed fit.

    Attributes
    ----------
    seconds : float
        Wall time of the fit.
    loss : float
        The estimator's ``loss_`` (PyTorch: the last epoch's mean batch loss,
        not comparable).
    n_iter : int
        Epochs run (``n_iter_``).
    objective : float or None
        Mean data loss plus L2 term of the fitted weights, computed alike for
        every estimator (see ``objective``); None for PyTorch.
    kernels : str or None
        sklearn_mbnet's ``kernels_in_use()`` inside the fit, for an estimator
        on a pinned kernel path (see ``_libraries.pin_kernels``); else None.
    """

    seconds: float
    loss: float
    n_iter: int
    objective: float | None = None
    kernels: str | None = None


def objective(est, X, y):
    """Return the training objective of a fitted estimator's weights.

    Computed alike for both libraries: mean data loss over all rows plus
    ``alpha/2 ||W||^2 / n``. ``loss_`` is not comparable: scikit-learn adds
    the L2 term once per mini-batch, sklearn_mbnet once per epoch.

    Parameters
    ----------
    est : fitted MLPClassifier or MLPRegressor
        The estimator.
    X, y : ndarray
        Its training data.

    Returns
    -------
    float
    """
    if hasattr(est, "predict_proba"):
        data = log_loss(y, est.predict_proba(X), labels=est.classes_)
    else:
        data = 0.5 * float(np.mean((np.asarray(y) - est.predict(X)) ** 2))
    penalty = sum(float(np.sum(np.square(w, dtype=np.float64))) for w in est.coefs_)
    return data + 0.5 * est.alpha * penalty / X.shape[0]


def time_estimator_fit(est, X, y):
    """Time ``est.fit(X, y)``, with ConvergenceWarning silenced.

    Parameters
    ----------
    est : estimator
        Unfitted; fitted in place.
    X, y : ndarray
        Training data.

    Returns
    -------
    FitResult
    """
    gc.collect()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        est.fit(X, y)
        seconds = time.perf_counter() - start
    return FitResult(seconds, float(est.loss_), int(est.n_iter_), objective(est, X, y),
                     getattr(est, "bench_kernels_", None))


def _torch_model(torch, n_in, hidden, n_out, dtype):
    """Build ``Linear/ReLU/.../Linear`` as a ``torch.nn.Sequential``."""
    layers, prev = [], n_in
    for units in hidden:
        layers += [torch.nn.Linear(prev, units), torch.nn.ReLU()]
        prev = units
    layers.append(torch.nn.Linear(prev, n_out))
    return torch.nn.Sequential(*layers).to(dtype)


def _torch_train(torch, model, loss_fn, Xt, yt, epochs, batch_size, gen):
    """Plain Adam loop over shuffled index batches; return last epoch's mean loss."""
    opt = torch.optim.Adam(model.parameters(), lr=LEARNING_RATE, betas=BETAS,
                           eps=EPSILON)
    n = Xt.shape[0]
    mean_loss = float("nan")
    for _ in range(epochs):
        perm = torch.randperm(n, generator=gen)
        total = 0.0
        for start in range(0, n, batch_size):
            idx = perm[start:start + batch_size]
            opt.zero_grad(set_to_none=True)
            loss = loss_fn(model(Xt[idx]), yt[idx])
            loss.backward()
            opt.step()
            total += loss.item() * idx.shape[0]
        mean_loss = total / n
    return mean_loss


def _torch_targets(torch, wl, y, dtype):
    """Target tensor, loss function and number of outputs for PyTorch."""
    if wl.task == "classification":
        classes, codes = np.unique(y, return_inverse=True)
        return (torch.from_numpy(codes.astype(np.int64)), torch.nn.CrossEntropyLoss(),
                len(classes))
    targets = torch.from_numpy(y.astype(dtype).reshape(-1, 1))
    return targets, torch.nn.MSELoss(), 1


def time_torch_fit(wl, X, y, epochs, seed):
    """Time a raw PyTorch training loop equivalent to the workload.

    The loss is cross-entropy or plain MSE (no L2 penalty, PyTorch's default
    initialisation), so it is not directly comparable with ``loss_``.

    Parameters
    ----------
    wl : Workload
        Network shape, batch size and task.
    X, y : ndarray
        Training data.
    epochs : int
        Epochs to run.
    seed : int
        Seed of the initialisation and of the shuffling.

    Returns
    -------
    FitResult
        Without ``objective``.
    """
    import torch

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    Xt = torch.from_numpy(X)
    yt, loss_fn, n_out = _torch_targets(torch, wl, y, X.dtype)
    gc.collect()
    start = time.perf_counter()
    model = _torch_model(torch, X.shape[1], wl.hidden, n_out, Xt.dtype)
    loss = _torch_train(torch, model, loss_fn, Xt, yt, epochs, wl.batch_size, gen)
    seconds = time.perf_counter() - start
    return FitResult(seconds, loss, epochs)


def run_fit(lib, wl, X, y, epochs, seed):
    """Fit once with library ``lib`` and return timing and loss.

    Parameters
    ----------
    lib : str
        Library name.
    wl : Workload
        The workload.
    X, y : ndarray
        Training data.
    epochs : int
        Epochs to run; an estimator that runs fewer raises.
    seed : int
        ``random_state``.

    Returns
    -------
    FitResult
    """
    if BY_NAME[lib].runner == "torch":
        return time_torch_fit(wl, X, y, epochs, seed)
    result = time_estimator_fit(make_estimator(lib, wl, epochs, seed), X, y)
    if result.n_iter != epochs:
        raise RuntimeError(f"{lib} {wl.key}: ran {result.n_iter} epochs, "
                           f"expected {epochs}")
    return result
