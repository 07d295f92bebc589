"""Callbacks for the estimators' ``callbacks`` parameter.

A callback watches every fit of the estimator it is given to::

    from sklearn_mbnet.callbacks import Checkpoint, EarlyStopping

    clf = MLPClassifier(callbacks=[EarlyStopping(patience=5),
                                   Checkpoint("best.npz")])

Its hooks are called with a :class:`TrainingState`, a read-only view of the
fit: ``on_train_begin`` once, then per epoch ``on_epoch_begin``,
``on_batch_end`` after every mini-batch step and ``on_epoch_end``,
``on_plateau`` when the estimator's own stopping rule (``tol``,
``n_iter_no_change``) fires, and ``on_train_end``. With ``solver='lbfgs'`` an
epoch is one L-BFGS iteration and only ``on_train_begin``, ``on_epoch_end``
and ``on_train_end`` are called. A ``partial_fit`` call is a fit of one epoch.
"""

import inspect
import os
from numbers import Integral, Real

import numpy as np
from sklearn.utils.validation import check_is_fitted

from ._callbacks import (BatchEvents, TrainingState, UserEvents, check_number,
                         write_atomically)

__all__ = ["Callback", "Checkpoint", "EarlyStopping", "LambdaCallback",
           "TrainingState", "load_checkpoint"]


class Callback:
    """Base class of the callbacks: every hook does nothing.

    Subclass it and override the hooks you need; each gets the fit's
    :class:`TrainingState`. A callback is copied with its estimator by
    ``clone`` (a deep copy: a search's fits each watch with their own copy)
    and pickled with it, so keep its attributes picklable.
    """

    def on_train_begin(self, state):
        """Called once, before the first epoch.

        Parameters
        ----------
        state : TrainingState
            The fit as it stands.
        """

    def on_epoch_begin(self, state):
        """Called before each epoch (not with 'lbfgs').

        Parameters
        ----------
        state : TrainingState
            The fit as it stands.
        """

    def on_batch_end(self, state):
        """Called after each mini-batch step (not with 'lbfgs').

        Parameters
        ----------
        state : TrainingState
            The fit as it stands.

        Notes
        -----
        Only callbacks that override it are called per step, so the
        others cost nothing there.
        """

    def on_epoch_end(self, state):
        """Called after each epoch, once its loss (and validation) is known.

        Parameters
        ----------
        state : TrainingState
            The fit as it stands.
        """

    def on_plateau(self, state, message):
        """Called when the estimator's own stopping rule fires.

        Parameters
        ----------
        state : TrainingState
            The fit as it stands.
        message : str
            The rule's ``verbose`` line.
        """

    def on_train_end(self, state):
        """Called once after the last epoch (not when the fit raises).

        Parameters
        ----------
        state : TrainingState
            The fit as it stands.
        """

    def __repr__(self):
        """The class and the constructor arguments that differ from their
        defaults, as scikit-learn shows estimators."""
        try:
            parameters = inspect.signature(type(self).__init__).parameters
            args = [f"{name}={getattr(self, name)!r}"
                    for name, p in parameters.items() if name != "self"
                    and not (p.default is not p.empty
                             and _same(getattr(self, name), p.default))]
        except (AttributeError, TypeError, ValueError):
            return object.__repr__(self)
        return f"{type(self).__name__}({', '.join(args)})"


def _same(value, default):
    return type(value) is type(default) and value == default


_MONITORS = {"loss": -1, "validation_score": 1, "validation_loss": -1}


class _Monitoring(Callback):
    """Tracks the best value of a monitored quantity, epoch by epoch.

    An epoch improves when its value beats the best so far by more than
    ``min_delta`` (lower for a loss, higher for a score); a non-finite value
    never improves. The first finite value is the first best.
    """

    def __init__(self, monitor, min_delta):
        if monitor not in ("auto", *_MONITORS):
            raise ValueError(f"monitor must be one of 'auto', "
                             f"{', '.join(map(repr, _MONITORS))}; got {monitor!r}.")
        check_number("min_delta", min_delta, Real, 0)
        self.monitor, self.min_delta = monitor, min_delta

    def on_train_begin(self, state):
        """Resolve ``monitor`` and start afresh, unless continuing a fit.

        Parameters
        ----------
        state : TrainingState
            The fit as it stands.
        """
        monitor = self.monitor
        if monitor == "auto":
            monitor = "validation_score" if state.has_validation else "loss"
        if monitor != "loss" and not state.has_validation:
            raise ValueError(
                f"{type(self).__name__}(monitor={monitor!r}) needs validation rows: "
                "set early_stopping=True on the estimator (solver 'sgd' or 'adam'), "
                "or monitor='loss'.")
        if not (state.continuing and getattr(self, "monitor_", None) == monitor):
            self.monitor_, self.best_, self.best_epoch_ = monitor, None, None
            self._reset()

    def on_epoch_end(self, state):
        """Judge the epoch that just ended.

        Parameters
        ----------
        state : TrainingState
            The fit as it stands.
        """
        value = getattr(state, self.monitor_)
        sign = _MONITORS[self.monitor_]
        if np.isfinite(value) and (self.best_ is None or
                                   sign * (value - self.best_) > self.min_delta):
            self.best_, self.best_epoch_ = float(value), state.epoch
            self._improved(state)
        else:
            self._not_improved(state)

    def _reset(self):
        """Forget what the previous fit left (a fresh fit begins)."""

    def _improved(self, state):
        """The epoch just ended is the new best."""

    def _not_improved(self, state):
        """The epoch just ended is not better than the best."""


class EarlyStopping(_Monitoring):
    """Stop a fit once a monitored quantity stops improving.

    An epoch improves when its value beats the best so far by more than
    ``min_delta``; the fit stops after ``patience`` epochs in a row without
    improvement, that is at epoch ``best_epoch_ + patience``. It works beside
    the estimator's own rule, whichever fires first; that rule stops after
    ``n_iter_no_change + 1`` epochs without a ``tol`` improvement, and its
    best follows every new minimum, while here the best moves only with an
    improvement. The weights are those of the last epoch unless the estimator
    has ``early_stopping=True`` (which restores the best validation score's);
    combine with :class:`Checkpoint` to keep the best ones.

    Parameters
    ----------
    monitor : {'auto', 'loss', 'validation_score', 'validation_loss'}, \
            default='auto'
        The quantity: the training loss, or the validation score or loss
        (these need ``early_stopping=True``). 'auto' is 'validation_score'
        when the fit holds out rows, else 'loss'.
    patience : int, default=10
        Epochs without improvement before stopping, at least 1.
    min_delta : float, default=0.0
        How much better than the best an epoch must be, at least 0.

    Attributes
    ----------
    monitor_ : str
        The quantity monitored in the last fit.
    best_ : float or None
        Its best value.
    best_epoch_ : int or None
        The epoch (``TrainingState.epoch``) of the best value.
    wait_ : int
        Epochs since the best one.
    stopped_epoch_ : int or None
        The epoch after which it stopped the fit, or None. A call that
        continues a fit (``partial_fit``, one epoch per call, or
        ``warm_start=True``) counts on from the previous call: stop calling
        ``partial_fit`` once it is set.
    """

    def __init__(self, monitor="auto", patience=10, min_delta=0.0):
        super().__init__(monitor, min_delta)
        check_number("patience", patience, Integral, 1)
        self.patience = patience

    def _reset(self):
        self.wait_, self.stopped_epoch_ = 0, None

    def _improved(self, state):
        self.wait_ = 0

    def _not_improved(self, state):
        self.wait_ += 1
        if self.wait_ >= self.patience:
            self.stopped_epoch_ = state.epoch
            state.request_stop()


class Checkpoint(_Monitoring):
    """Write the best weights so far to a file, after each improving epoch.

    The file is written atomically (a temporary file in the same directory,
    then ``os.replace``): a reader never sees half a file. It is an ``.npz``
    archive (``numpy.savez``) with the arrays ``coefs_0``, ``coefs_1``, ...,
    ``intercepts_0``, ..., and ``n_iter``, ``epoch`` (of the saved epoch),
    ``monitor`` and ``value``; :func:`load_checkpoint` puts the weights back
    into an estimator. A fit that raises leaves the estimator as it was, but
    the file it wrote stays: that is what a checkpoint is for. In a search
    (``GridSearchCV``) every fit writes the same file.

    Parameters
    ----------
    path : str or os.PathLike
        The file to write.
    monitor : {'auto', 'loss', 'validation_score', 'validation_loss'}, \
            default='auto'
        What "best" means; see :class:`EarlyStopping`.
    min_delta : float, default=0.0
        How much better than the best an epoch must be to be saved.

    Attributes
    ----------
    monitor_ : str
        The quantity monitored in the last fit.
    best_ : float or None
        The saved epoch's value.
    best_epoch_ : int or None
        The saved epoch (``TrainingState.epoch``).
    """

    def __init__(self, path, monitor="auto", min_delta=0.0):
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or os.PathLike, got "
                            f"{type(path).__name__}.")
        super().__init__(monitor, min_delta)
        self.path = path

    def _improved(self, state):
        arrays = {f"coefs_{i}": c for i, c in enumerate(state.coefs_)}
        arrays.update((f"intercepts_{i}", b) for i, b in enumerate(state.intercepts_))
        arrays.update(n_iter=state.n_iter, epoch=state.epoch,
                      monitor=self.monitor_, value=self.best_)
        write_atomically(self.path, arrays)


def load_checkpoint(estimator, path):
    """Put the weights of a :class:`Checkpoint` file into an estimator.

    Only ``coefs_`` and ``intercepts_`` change (``n_iter_``, ``loss_`` and the
    curves stay those of the fit); the estimator then predicts with the saved
    weights, and a warm-started ``fit`` or ``partial_fit`` trains on from them.

    Parameters
    ----------
    estimator : MLPClassifier or MLPRegressor
        Fitted on the same problem with the same layer sizes, for instance the
        estimator whose fit wrote the file.
    path : str or os.PathLike
        A file that :class:`Checkpoint` wrote.

    Returns
    -------
    estimator : MLPClassifier or MLPRegressor
        The same estimator.
    """
    check_is_fitted(estimator, "coefs_")
    with np.load(path, allow_pickle=False) as archive:
        coefs, intercepts = (_layers(archive, name, path)
                             for name in ("coefs_", "intercepts_"))
    for name, saved in (("coefs_", coefs), ("intercepts_", intercepts)):
        shapes = [np.shape(v) for v in getattr(estimator, name)]
        if [v.shape for v in saved] != shapes:
            raise ValueError(f"{path} holds {name} of shapes "
                             f"{[v.shape for v in saved]}; the estimator's are "
                             f"{shapes}.")
    dtype = estimator.coefs_[0].dtype
    estimator.coefs_ = [c.astype(dtype) for c in coefs]
    estimator.intercepts_ = [b.astype(dtype) for b in intercepts]
    return estimator


def _layers(archive, name, path):
    layers = []
    while f"{name}{len(layers)}" in archive.files:
        layers.append(archive[f"{name}{len(layers)}"])
    if not layers:
        raise ValueError(f"{path} is not a Checkpoint file: it has no {name}0.")
    return layers


class LambdaCallback(Callback):
    """A callback made of functions, one per hook.

    Each function given is called as ``hook(state)`` (``on_plateau`` as
    ``hook(state, message)``); None does nothing. Functions defined at module
    level pickle; lambdas do not.

    Parameters
    ----------
    on_train_begin, on_epoch_begin, on_batch_end : callable or None, default=None
        The hooks of the fit's start, of each epoch's start, of each step.
    on_epoch_end, on_plateau, on_train_end : callable or None, default=None
        The hooks of each epoch's end, of the estimator's rule, of the end.
    """

    def __init__(self, on_train_begin=None, on_epoch_begin=None, on_batch_end=None,
                 on_epoch_end=None, on_plateau=None, on_train_end=None):
        hooks = dict(on_train_begin=on_train_begin, on_epoch_begin=on_epoch_begin,
                     on_batch_end=on_batch_end, on_epoch_end=on_epoch_end,
                     on_plateau=on_plateau, on_train_end=on_train_end)
        for name, hook in hooks.items():
            if hook is not None and not callable(hook):
                raise TypeError(f"{name} must be callable or None, got "
                                f"{type(hook).__name__}.")
            if hook is not None:
                setattr(self, name, hook)  # in place of the no-op method

    def __repr__(self):
        given = [f"{name}={value!r}" for name, value in vars(self).items()]
        return f"LambdaCallback({', '.join(given)})"


# -- the trainer's side ------------------------------------------------------

_HOOKS = ("on_train_begin", "on_epoch_begin", "on_batch_end", "on_epoch_end",
          "on_plateau", "on_train_end")


def user_listeners(callbacks):
    """The trainer listeners for the ``callbacks`` parameter's objects.

    One listener runs every callback's hooks on the trainer's events; a
    second one, only when some callback overrides ``on_batch_end``, runs
    those per mini-batch step.
    """
    callbacks = list(callbacks or ())
    for index, callback in enumerate(callbacks):
        if not any(callable(getattr(callback, hook, None)) for hook in _HOOKS):
            hint = (" scikit-learn's callbacks go to set_callbacks()."
                    if hasattr(callback, "on_fit_task_end") else "")
            raise TypeError(
                f"callbacks[{index}] is a {type(callback).__name__}, which has none "
                f"of the hooks {', '.join(_HOOKS)}: pass sklearn_mbnet.callbacks."
                f"Callback objects.{hint}")
    if not callbacks:
        return []
    events = UserEvents(callbacks, _HOOKS)
    batch_hooks = [hook for hook in (getattr(c, "on_batch_end", None)
                                     for c in callbacks)
                   if callable(hook) and
                   getattr(hook, "__func__", None) is not Callback.on_batch_end]
    return [events] + ([BatchEvents(events, batch_hooks)] if batch_hooks else [])
