"""What training minimises: a network, a loss and an L2 penalty.

The objective of a batch B with sample weights w (all ones by default) is

    J_B(theta) = (sum_{i in B} w_i l_i(theta) + alpha/2 ||W||^2) / sum_{i in B} w_i

as in scikit-learn, so an integer weight equals repeating the row *within a
batch*. Across batches the weights are not re-balanced: each batch is one
step, however much weight it carries.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from .layers import StepContext


@dataclass
class Batch:
    """Rows of the inputs, the encoded targets and their sample weights.

    Attributes
    ----------
    X : ndarray or sparse matrix of shape (n_rows, n_features)
    Y : ndarray of shape (n_rows, n_outputs)
    sample_weight : ndarray of shape (n_rows,) or None
        None means every row weighs 1.
    """

    X: object
    Y: np.ndarray
    sample_weight: object = None

    @property
    def n_rows(self):
        return self.X.shape[0]

    @cached_property
    def total_weight(self):
        """sum(w) in the weights' dtype, or the number of rows when unweighted
        (computed once: a step asks for it several times)."""
        if self.sample_weight is None:
            return self.n_rows
        return self.sample_weight.sum()

    def take(self, rows):
        """The batch of the given rows (indices or a slice)."""
        w = None if self.sample_weight is None else self.sample_weight[rows]
        return Batch(self.X[rows], self.Y[rows], w)


@dataclass
class Subset:
    """The rows ``index`` of ``batch``, read by gathering, never copied whole.

    Early stopping holds out rows this way: the training batches and the
    validation chunks are gathered from the caller's X through the index,
    so a fit on a memmap reads it where it is. Only the 1-D weights of the
    rows are gathered whole (``sample_weight``), when asked for.
    """

    batch: Batch
    index: np.ndarray

    @property
    def n_rows(self):
        return len(self.index)

    @cached_property
    def sample_weight(self):
        """The rows' sample weights (a gathered copy), or None."""
        w = self.batch.sample_weight
        return None if w is None else w[self.index]

    @cached_property
    def total_weight(self):
        """sum(w) over the rows, summed as a copy of the rows would sum it."""
        if self.batch.sample_weight is None:
            return self.n_rows
        return self.sample_weight.sum()

    def with_source(self, batch):
        """The same rows of another batch (the same rows laid out otherwise)."""
        return Subset(batch, self.index)


class Objective:
    """J_B of a ``network``, a ``loss`` (``losses.Loss``) and ``alpha``."""

    def __init__(self, network, loss, alpha):
        self.network, self.loss, self.alpha = network, loss, alpha

    def value_and_grad(self, batch, ctx=None):
        """Mean data loss of ``batch``; fills ``network.grad`` with dJ_B/dtheta.

        The returned value leaves out the penalty, which ``penalty`` gives.
        """
        value = self._data_value_and_grad(batch, ctx)
        if self.alpha:
            # d/dW of alpha/2 ||W||^2 / sum(w)
            net = self.network
            net.add_penalty_grad(self.alpha / batch.total_weight)
        return value

    def descend(self, batch, optimizer, ctx=None):
        """One ``optimizer`` step on J_B; returns the batch's mean data loss.

        The same step as ``optimizer.step`` on ``value_and_grad``'s gradient,
        but the penalty's part, alpha/sum(w) W, goes to the optimizer, which
        folds it into its own pass over the vectors (one pass fewer);
        ``network.grad`` then holds the data term only.
        """
        value = self._data_value_and_grad(batch, ctx)
        net = self.network
        l2 = self.alpha / batch.total_weight if self.alpha else 0.0
        optimizer.step(net.params, net.grad, l2, net.n_coef)
        return value

    def _data_value_and_grad(self, batch, ctx):
        """Mean data loss; ``network.grad`` = its gradient, without the penalty."""
        net, total = self.network, batch.total_weight
        raw = net.forward(batch.X, ctx or StepContext(training=True))
        value = self.loss.compiled_mean_gradient(batch.Y, raw, batch.sample_weight,
                                                 total, net.output_intercept_grad)
        if value is not None:  # one pass; the output bias gradient is filled
            net.backward(raw, output_bias_grad_done=True)
            return value
        losses, delta = self.loss.loss_gradient(batch.Y, raw, gradient_out=raw)
        # The weighted mean: dJ/draw_i = w_i (link(raw_i) - y_i) / sum(w).
        if batch.sample_weight is None:
            delta *= 1.0 / total
        else:
            delta *= (batch.sample_weight / total)[:, np.newaxis]
        value = weighted_mean(losses, batch)
        net.backward(delta)
        return value

    def penalty(self, total_weight):
        """alpha/2 ||W||^2 / sum(w): the L2 term of the objective."""
        w = self.network.coef_params
        return 0.5 * self.alpha * float(w @ w) / total_weight


def weighted_mean(losses, batch):
    """sum(w_i l_i) / sum(w_i) over the batch's rows."""
    if batch.sample_weight is None:
        return float(losses.sum()) / batch.total_weight
    return float(losses @ batch.sample_weight) / batch.total_weight
