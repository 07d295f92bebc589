"""The trainer listeners behind both callback APIs.

Ours (``sklearn_mbnet.callbacks``): ``UserEvents`` runs the callbacks' hooks
on the trainer's events with a ``TrainingState``, and ``BatchEvents`` the
per-step ones, apart, so that the trainer calls nothing per step when no
callback asks for it.

scikit-learn's: scikit-learn 1.9 ships an experimental ``sklearn.callback``
module: ``set_callbacks(ProgressBar(), ScoringMonitor(...))`` on an
estimator, and auto-propagation from meta-estimators (``Pipeline``,
``GridSearchCV``). Its callbacks see a tree of tasks; ours is one ``fit``
task with one subtask per epoch (per iteration for L-BFGS), and, when an
epoch is long, up to ``MAX_BATCH_TASKS`` subtasks of consecutive mini-batches
under it, so that ``ProgressBar`` moves within the epoch.
``SklearnCallbacks`` is the trainer listener that opens and closes those
tasks; a callback's request to stop ends training after the epoch.

On a scikit-learn without ``sklearn.callback`` the mixin is empty, the
estimators have no ``set_callbacks``, and everything else works as before.
"""

import math
import os
import tempfile
import time
from numbers import Integral

import numpy as np


try:
    from sklearn.callback import CallbackSupportMixin, with_callbacks
except ImportError:  # scikit-learn < 1.9
    HAVE_CALLBACKS = False

    class CallbackSupportMixin:
        """Stands in for scikit-learn's mixin where it does not exist."""

    def with_callbacks(method):
        return method
else:
    HAVE_CALLBACKS = True


def wants_callbacks(estimator):
    """Whether the estimator has callbacks of its own or from a meta-estimator."""
    return HAVE_CALLBACKS and (hasattr(estimator, "_skl_callbacks")
                               or hasattr(estimator, "_parent_callback_ctx"))


# An epoch is long when its first mini-batch step, times the epoch's steps,
# takes at least this many seconds; it then gets subtasks of mini-batches,
# at most MAX_BATCH_TASKS of them (so their cost stays a small fraction).
LONG_EPOCH_SECONDS = 0.5
MAX_BATCH_TASKS = 100


class SklearnCallbacks:
    """The trainer listener that runs an estimator's scikit-learn callbacks.

    An epoch's task opens at the end of its first mini-batch step, when the
    step's time tells whether the epoch is long (see ``LONG_EPOCH_SECONDS``).

    Parameters
    ----------
    estimator : MLPClassifier or MLPRegressor
        The estimator being fitted (what the callbacks are given).
    X, y, metadata
        The training data as the callbacks receive it.
    max_epochs : int
        The most epochs (or L-BFGS iterations) this fit can run.
    """

    def __init__(self, estimator, X, y, metadata, max_epochs):
        self.estimator, self.data = estimator, dict(X=X, y=y, metadata=metadata)
        self.max_epochs = max_epochs
        self._fit_ctx = self._epoch_ctx = self._group_ctx = None
        self._epochs_ended = self._batches = self._group_size = self._groups_left = 0
        self._n_batches = None  # steps per epoch, once an epoch has counted them

    def _call(self, ctx, hook, **extra):
        return getattr(ctx, hook)(estimator=self.estimator, **self.data, **extra)

    def train_begin(self, trainer):
        # One more subtask than epochs: L-BFGS may end without a last callback.
        self._fit_ctx = self.estimator._init_callback_context(
            max_subtasks=self.max_epochs + 1)
        self._call(self._fit_ctx, "call_on_fit_task_begin")

    def epoch_begin(self, trainer):
        self._epoch_start, self._batches = time.perf_counter(), 0

    def batch_end(self, trainer, batch):
        self._batches += 1
        if self._epoch_ctx is None:
            self._plan_epoch(trainer, time.perf_counter() - self._epoch_start)
        if self._group_size and self._group_ctx is None and self._groups_left:
            self._group_ctx = self._epoch_ctx.subcontext(task_name="batches")
            self._group_ctx.call_on_fit_task_begin(estimator=self.estimator)
            self._groups_left -= 1
        if self._group_ctx is not None and self._batches % self._group_size == 0:
            self._end_group()

    def _plan_epoch(self, trainer, first_step_seconds):
        """Open the epoch's task, with subtasks of batches if it is long."""
        n_batches = self._n_batches or _batches_per_epoch(
            self.estimator, self.data["X"].shape[0], trainer.batch_size)
        long = n_batches > 1 and first_step_seconds * n_batches >= LONG_EPOCH_SECONDS
        self._group_size = math.ceil(n_batches / MAX_BATCH_TASKS) if long else 0
        self._groups_left = (math.ceil(n_batches / self._group_size)
                             if self._group_size else 0)
        self._begin_epoch(self._groups_left)

    def _begin_epoch(self, max_subtasks):
        self._epoch_ctx = self._fit_ctx.subcontext(task_name="epoch",
                                                   max_subtasks=max_subtasks)
        self._group_size = self._group_size if max_subtasks else 0
        self._call(self._epoch_ctx, "call_on_fit_task_begin")

    def _end_group(self):
        self._group_ctx.call_on_fit_task_end(estimator=self.estimator)
        self._group_ctx = None

    def epoch_end(self, trainer, info):
        if self._end_epoch(trainer):
            trainer.request_stop()

    def _end_epoch(self, trainer):
        """Close the epoch's task (opening it first for L-BFGS, which reports
        iterations only at their end); whether a callback asks to stop."""
        if self._epoch_ctx is None:
            self._begin_epoch(0)
        if self._group_ctx is not None:
            self._end_group()
        stop = self._call(self._epoch_ctx, "call_on_fit_task_end",
                          reconstruction_attributes=lambda: _fitted_state(trainer))
        self._epoch_ctx, self._epochs_ended = None, self._epochs_ended + 1
        self._n_batches = self._batches or self._n_batches
        return stop

    def train_end(self, trainer):
        # An interrupted epoch, or an L-BFGS iteration whose epoch_end another
        # listener cut short by halting scipy: close it too.
        if self._epoch_ctx is not None or self._epochs_ended < trainer.n_iter:
            self._end_epoch(trainer)
        self._call(self._fit_ctx, "call_on_fit_task_end")


def _batches_per_epoch(estimator, n_rows, batch_size):
    """The mini-batch steps of an epoch over ``n_rows`` rows, less the rows
    that early stopping holds out (``train_test_split``'s count)."""
    if getattr(estimator, "early_stopping", False):
        n_rows -= math.ceil(estimator.validation_fraction * n_rows)
    return math.ceil(max(n_rows, 1) / batch_size)


class TrainingState:
    """What a callback's hook sees of the fit: a read-only view.

    Valid during the hooks of one fit; reading it after ``on_train_end``
    raises ``RuntimeError`` (keep the values you need, not the view).
    The estimators build it; the attributes below are what to read.

    Parameters
    ----------
    source : object
        The running trainer (or L-BFGS run) that the view reads.

    Attributes
    ----------
    n_iter : int
        Epochs (L-BFGS iterations) finished in this call, as ``n_iter_``.
    epoch : int
        Epochs in the training record: ``len(loss_curve_)`` for 'sgd' and
        'adam', which counts the earlier calls that this one continues
        (``partial_fit``, ``warm_start=True``); ``n_iter`` for 'lbfgs'.
    t : int or None
        Training samples seen, as ``t_``; None with 'lbfgs'.
    loss : float or None
        The last finished epoch's training loss (None before the first).
    validation_score, validation_loss : float or None
        The last finished epoch's validation score and loss when the fit
        holds out rows (``early_stopping=True``), else None.
    has_validation : bool
        Whether the fit holds out validation rows.
    continuing : bool
        Whether this call continues an earlier call's training record.
    n_batches : int
        Mini-batch steps done in the current epoch.
    stop_requested : bool
        Whether a callback asked this fit to stop.
    coefs_, intercepts_ : list of ndarray
        Copies of the current weights, made when read.
    """

    def __init__(self, source):
        self._source = source
        history = getattr(source, "history", None)
        self._history = history
        self.continuing = bool(history is not None and history.loss_curve)
        self.has_validation = bool(history is not None and history.early_stopping)
        self.n_batches = 0
        self.stop_requested = False

    def _get(self):
        if self._source is None:
            raise RuntimeError("A TrainingState is only readable during the hooks "
                               "of its fit; copy the values you need.")
        return self._source

    @property
    def n_iter(self):
        """Epochs (L-BFGS iterations) finished in this call."""
        return self._get().n_iter

    @property
    def loss(self):
        """The last finished epoch's training loss."""
        return self._get().loss

    @property
    def t(self):
        """Training samples seen (None with 'lbfgs')."""
        return getattr(self._get(), "t", None)

    @property
    def epoch(self):
        """Epochs in the training record."""
        source = self._get()
        return len(self._history.loss_curve) if self._history else source.n_iter

    @property
    def validation_score(self):
        """The last finished epoch's validation score, or None."""
        return self._last("validation_scores")

    @property
    def validation_loss(self):
        """The last finished epoch's validation loss, or None."""
        return self._last("validation_losses")

    def _last(self, curve):
        self._get()
        values = getattr(self._history, curve, None) if self.has_validation else None
        return values[-1] if values else None

    @property
    def coefs_(self):
        """A copy of the current weight matrices."""
        return [c.copy() for c in self._get().network.coefs]

    @property
    def intercepts_(self):
        """A copy of the current bias vectors."""
        return [b.copy() for b in self._get().network.intercepts]

    def request_stop(self):
        """Ask the fit to stop after the current epoch.

        With 'lbfgs' the run stops after the current iteration on SciPy 1.11+
        (scipy then reports a halt, which the estimator warns about as a
        ``ConvergenceWarning``); older SciPy cannot stop L-BFGS early.
        """
        self._get()
        self.stop_requested = True


class UserEvents:
    """Runs the callbacks' hooks on the trainer's (or L-BFGS's) events."""

    def __init__(self, callbacks, hook_names):
        # Looked up once per fit; a callback may lack some hooks.
        self.hooks = {name: [getattr(c, name) for c in callbacks
                             if callable(getattr(c, name, None))]
                      for name in hook_names}
        self.state = None

    def _run(self, name, *args):
        for hook in self.hooks[name]:
            hook(self.state, *args)

    def train_begin(self, source):
        self.state = TrainingState(source)
        self._run("on_train_begin")

    def epoch_begin(self, source):
        self.state.n_batches = 0
        self._run("on_epoch_begin")

    def epoch_end(self, source, info):
        self._run("on_epoch_end")
        if self.state.stop_requested:  # after every callback saw the epoch
            source.request_stop()

    def plateau(self, source, message):
        self._run("on_plateau", message)

    def train_end(self, source):
        try:
            self._run("on_train_end")
        finally:
            self.state._source = None


class BatchEvents:
    """The per-step hooks, apart: the trainer calls only listeners that have
    a ``batch_end``."""

    def __init__(self, events, hooks):
        self.events, self.hooks = events, hooks

    def batch_end(self, source, batch):
        state = self.events.state
        state.n_batches += 1
        for hook in self.hooks:
            hook(state)
        if state.stop_requested:
            source.request_stop()


def _fitted_state(source):
    """What makes a copy of the estimator predict as if fitting stopped now.

    Copies of the weights and no ``_network``: the copy builds its own from
    them instead of writing into the one being trained.
    """
    network = source.network
    return {"coefs_": [c.copy() for c in network.coefs],
            "intercepts_": [b.copy() for b in network.intercepts],
            "n_iter_": source.n_iter, "_network": None}


# -- helpers of sklearn_mbnet.callbacks ----------------------------------------

def check_number(name, value, kind, low):
    """A callback's numeric argument: a ``kind`` (not a bool), finite, >= ``low``."""
    if isinstance(value, bool) or not isinstance(value, kind):
        raise TypeError(f"{name} must be {'an int' if kind is Integral else 'a number'}"
                        f", got {type(value).__name__}.")
    if not value >= low or not np.isfinite(value):
        raise ValueError(f"{name} must be a finite number >= {low}, got {value!r}.")


def write_atomically(path, arrays):
    """``numpy.savez`` into a temporary file, then rename it to ``path``."""
    directory = os.path.dirname(os.path.abspath(path))
    fd, temporary = tempfile.mkstemp(dir=directory, prefix=".checkpoint-",
                                     suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            np.savez(file, **arrays)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
