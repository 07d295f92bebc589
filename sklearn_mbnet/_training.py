"""Training: fit -> epochs -> mini-batch steps, and the L-BFGS path.

``Trainer.fit`` runs epochs until its epoch budget or the stopping rule;
``Trainer.run_epoch`` walks the mini-batches; ``Trainer.step`` is one
forward, loss, backward and optimizer step on an ``Objective``. Nothing here
knows the estimators: they build the objective, optimizer, history and
listeners once, and read the results back once.

The events, in order, to every listener that defines them: ``train_begin``,
then per epoch ``epoch_begin``, ``batch_end`` (per step), ``epoch_end``, and
``plateau`` when the stopping rule fires, then ``train_end``; L-BFGS emits
``train_begin``, ``epoch_end`` per iteration and ``train_end``.

The reported loss of an epoch is the weighted mean of the per-sample losses
over the epoch plus the penalty counted once; a batch whose weights are all
zero is skipped.
"""

from dataclasses import dataclass

import numpy as np
import scipy
import scipy.optimize
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import gen_batches
from sklearn.utils.fixes import parse_version

from . import _kernels
from ._objective import Batch, Subset, weighted_mean
from ._warn import warn
from .layers import StepContext

# scipy's L-BFGS ends cleanly when its callback raises StopIteration from 1.11
# on; before, the exception would abort the fit, so a stop is not honoured.
SCIPY_HALTS_ON_STOP_ITERATION = (
    parse_version(scipy.__version__) >= parse_version("1.11"))


class Diverged(ArithmeticError):
    """The loss or the weights became non-finite; ``what`` says which."""

    def __init__(self, what):
        super().__init__(what)
        self.what = what


@dataclass
class EpochInfo:
    """What an ``epoch_end`` event carries."""

    n_iter: int
    loss: float
    validation_score: float = None


@dataclass
class Validation:
    """Held-out rows and how to judge the network on them.

    The score is ``metric(y, decode(raw), sample_weight)`` (minus the loss
    with ``score_is_loss``), the loss the mean data loss of the rows; both
    are NaN when the network's output is not finite (scikit-learn's rule).
    ``rows`` is a ``Subset`` of the training data: each chunk of it is
    gathered from X when scored, so scoring holds one chunk of X at a time.
    """

    rows: Subset
    y: np.ndarray
    metric: object
    decode: object
    score_is_loss: bool = False

    def evaluate(self, objective):
        """``(score, loss)`` at the objective's current weights, from one
        chunked pass over the rows."""
        net, rows, predictions = objective.network, self.rows, []
        losses = np.empty(rows.n_rows, net.dtype)
        for chunk, X, Y in _gathered_chunks(rows, net.chunk_rows()):
            raw = net.raw_output(X.astype(net.dtype, copy=False))
            if not np.isfinite(raw).all():
                return float("nan"), float("nan")
            if not self.score_is_loss:
                predictions.append(self.decode(raw))
            losses[chunk] = objective.loss.loss_gradient(Y, raw, gradient_out=raw)[0]
        loss = float(weighted_mean(losses, rows))
        if self.score_is_loss:
            return -loss, loss
        return float(self.metric(self.y, np.concatenate(predictions),
                                 sample_weight=rows.sample_weight)), loss


def _gathered_chunks(rows, chunk_rows):
    """Yield ``(chunk, X, Y)``: the positions of each chunk of a ``Subset``
    and its inputs and targets gathered (into buffers reused chunk to chunk)."""
    source = rows.batch
    n_rows = min(chunk_rows, rows.n_rows)
    gather_X = _kernels.row_gatherer(source.X, n_rows)
    gather_Y = _kernels.row_gatherer(source.Y, n_rows)
    for chunk in gen_batches(rows.n_rows, chunk_rows):
        idx = rows.index[chunk]
        yield chunk, gather_X(idx), gather_Y(idx)


class Trainer:
    """Mini-batch training of an objective by a stochastic optimizer.

    Parameters
    ----------
    objective : _objective.Objective
    optimizer : optimizers.SGD or optimizers.Adam
    history : _history.History
    batch_size : int
    shuffle : bool
    rng : numpy.random.RandomState
        The stream of the shuffles.
    tol, n_iter_no_change : float, int
        The stopping rule's parameters.
    listeners : list
        Objects with any of the event methods named in the module docstring.
    """

    def __init__(self, objective, optimizer, history, *, batch_size, shuffle, rng,
                 tol, n_iter_no_change, listeners=()):
        self.objective, self.optimizer, self.history = objective, optimizer, history
        self.batch_size, self.shuffle, self.rng = batch_size, shuffle, rng
        self.tol, self.n_iter_no_change = tol, n_iter_no_change
        self.listeners = list(listeners)
        # Per-step work kept off the hot path: one context for the whole fit,
        # and the batch_end hooks looked up once.
        self._ctx = StepContext(training=True, rng=rng)
        self._on_batch_end = [listener.batch_end for listener in self.listeners
                              if hasattr(listener, "batch_end")]
        self.n_iter = self.t = 0
        self.loss = self.diverged = None
        self._stop_requested = False

    @property
    def network(self):
        return self.objective.network

    def request_stop(self):
        """Stop after the current epoch (a listener's request)."""
        self._stop_requested = True

    def emit(self, event, *args):
        _emit(self.listeners, event, *args)

    def fit(self, train, n_epochs, validation=None, t=0):
        """Run up to ``n_epochs`` epochs; ``t`` is the samples seen before.

        ``train`` is a ``Batch``, or a ``Subset`` of one (early stopping's
        held-in rows, gathered batch by batch). Sets ``n_iter`` (epochs
        run), ``t`` and ``loss``. Raises ``Diverged`` when an epoch ends on
        a non-finite loss or weight, unless early stopping, which then stops
        and keeps the best weights. Returns whether the epoch budget ran
        out.
        """
        self.t, net = t, self.objective.network
        if self.shuffle:
            train = _for_gathering(train)
        if validation is not None and self.history.best_params is None:
            self.history.best_params = net.params.copy()
        net.allocate(min(self.batch_size, train.n_rows))
        self.emit("train_begin", self)
        order = np.arange(train.n_rows)
        exhausted = False
        try:
            exhausted = self._epochs(train, n_epochs, validation, order)
        except KeyboardInterrupt:
            warn("Training interrupted by user.")
        if validation is not None:
            np.copyto(net.params, self.history.best_params)
        self.emit("train_end", self)
        return exhausted

    def _epochs(self, train, n_epochs, validation, order):
        for _ in range(n_epochs):
            if self.shuffle:
                # Compose with the previous order, as scikit-learn does, so that
                # a given random_state gives scikit-learn's sequence of batches.
                order = order[self.rng.permutation(train.n_rows)]
            self.emit("epoch_begin", self)
            # A Python float (a weighted float32 mean is a numpy scalar): the
            # history then holds immutable values that copy as themselves.
            self.loss = float(self.run_epoch(train, order if self.shuffle else None))
            self.n_iter += 1
            self.t += train.n_rows
            if not self._end_epoch(validation):
                return False
        return True

    def _end_epoch(self, validation):
        """Check, record and judge the epoch; False once training should stop."""
        net, history = self.objective.network, self.history
        diverged = _nonfinite(self.loss, net.params)
        if diverged and validation is None:
            raise Diverged(diverged)
        history.record_loss(self.loss, self.tol)
        score = None
        if validation is not None:
            score, loss = ((float("nan"),) * 2 if diverged
                           else validation.evaluate(self.objective))
            history.record_validation(score, loss, net.params, self.tol)
        self.emit("epoch_end", self, EpochInfo(self.n_iter, self.loss, score))
        if diverged:
            self.diverged = diverged
            return False
        if self._stop_requested:
            return False
        self.optimizer.epoch_end(self.t)
        if history.no_improvement_count <= self.n_iter_no_change:
            return True
        stop, outcome = self.optimizer.on_plateau()
        message = history.plateau_message(self.tol, self.n_iter_no_change)
        self.emit("plateau", self, f"{message} {outcome}")
        if not stop:
            history.no_improvement_count = 0
        return not stop

    def run_epoch(self, train, order):
        """One pass over ``train`` in ``order`` (None: as stored); the epoch's loss."""
        summed = 0.0
        for batch in iter_batches(train, self.batch_size, order):
            summed += self.step(batch)
            for batch_end in self._on_batch_end:
                batch_end(self, batch)
        total = float(train.total_weight)
        return summed / total + self.objective.penalty(total)

    def step(self, batch):
        """One optimizer step on ``batch``; returns its summed weighted loss."""
        total = float(batch.total_weight)
        if total == 0:
            return 0.0  # nothing to learn from: no step
        return self.objective.descend(batch, self.optimizer, self._ctx) * total


def _emit(listeners, event, *args):
    """Call ``listener.<event>(*args)`` on every listener that defines it."""
    for listener in listeners:
        method = getattr(listener, event, None)
        if method is not None:
            method(*args)


def _nonfinite(loss, params):
    """What became non-finite at the end of an epoch, or None."""
    if not np.isfinite(loss):
        return "the loss"
    if not np.isfinite(params).all():
        return "a weight"
    return None


def _for_gathering(train):
    """``train`` with its X as ``_kernels.rows_for_gathering`` lays it out."""
    if isinstance(train, Subset):
        return train.with_source(_for_gathering(train.batch))
    return Batch(_kernels.rows_for_gathering(train.X), train.Y, train.sample_weight)


def iter_batches(data, batch_size, order=None):
    """Yield the ``Batch`` es of ``data``: views, or rows gathered.

    ``data`` is a ``Batch`` or a ``Subset`` of one; ``order`` (None: as
    stored) permutes its rows. The rows of a batch are ``order[rows]``,
    mapped through a subset's index to rows of its source: a subset's
    batches are the batches of its copy, without the copy. Gathered dense
    rows land in buffers allocated once per call.
    """
    subset = isinstance(data, Subset)
    source, index = (data.batch, data.index) if subset else (data, None)
    if order is None and index is None:
        for rows in gen_batches(data.n_rows, batch_size):
            yield data.take(rows)
        return
    n_rows = min(batch_size, data.n_rows)
    gather_X, gather_Y, gather_w = (_kernels.row_gatherer(a, n_rows)
                                    for a in (source.X, source.Y, source.sample_weight))
    for rows in gen_batches(data.n_rows, batch_size):
        idx = rows if order is None else order[rows]
        idx = idx if index is None else index[idx]
        yield Batch(gather_X(idx), gather_Y(idx), gather_w(idx))


@dataclass
class LbfgsRun:
    """What L-BFGS's events carry as their source: the network, iterations
    and the loss."""

    network: object
    n_iter: int = 0
    loss: float = None
    stop_requested: bool = False

    def request_stop(self):
        """End the run after this iteration, once every listener has seen it
        (scipy 1.11+ halts L-BFGS on StopIteration; older scipy runs on)."""
        self.stop_requested = True


def fit_lbfgs(objective, data, *, max_iter, max_fun, tol, listeners=()):
    """Minimise the full-batch objective J with scipy's L-BFGS-B.

    Returns ``(n_iter, loss)``; warns as scikit-learn does when L-BFGS stops
    before converging.
    """
    net, total = objective.network, float(data.total_weight)
    net.allocate(data.n_rows)
    run = LbfgsRun(net)

    def value_and_grad(theta):
        np.copyto(net.params, theta, casting="same_kind")
        run.loss = objective.value_and_grad(data) + objective.penalty(total)
        return run.loss, net.grad.astype(np.float64)

    def iteration_end(intermediate_result):
        # scipy >= 1.11 passes the iterate's result (with its loss) to a
        # callback whose parameter has this name; older scipy passes x.
        run.loss = getattr(intermediate_result, "fun", run.loss)
        run.n_iter += 1
        _emit(listeners, "epoch_end", run, EpochInfo(run.n_iter, run.loss))
        if run.stop_requested and SCIPY_HALTS_ON_STOP_ITERATION:
            raise StopIteration

    _emit(listeners, "train_begin", run)
    result = scipy.optimize.minimize(
        value_and_grad, net.params.astype(np.float64), method="L-BFGS-B", jac=True,
        options={"maxfun": max_fun, "maxiter": max_iter, "gtol": tol},
        callback=iteration_end,
    )
    if result.status != 0 and not run.stop_requested:
        warn(
            "lbfgs failed to converge after "
            f"{result.nit} iteration(s) (status={result.status}): {result.message}"
            "\nIncrease the number of iterations (max_iter), max_fun, "
            "or scale the data.",
            ConvergenceWarning,
        )
    np.copyto(net.params, result.x, casting="same_kind")
    _emit(listeners, "train_end", run)
    if not np.isfinite(result.fun):
        raise Diverged("the loss")
    return min(result.nit, max_iter), float(result.fun)
