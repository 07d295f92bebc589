"""Losses over the raw output ``raw = h @ W + b`` of the last layer.

Each loss pairs a per-sample loss with its canonical inverse link, so the
gradient with respect to ``raw`` is simply ``link(raw) - y``:

=====================  ============  ==========================================
loss                   link          per-sample loss l(y, raw), summed over
                                     the outputs
=====================  ============  ==========================================
squared error          identity      0.5 * (raw - y)**2
Poisson (half dev.)    exp           y log(y / mu) - y + mu,      mu = exp(raw)
binary log loss        logistic      log(1 + exp(raw)) - y raw
multiclass log loss    softmax       logsumexp(raw) - sum(y raw)  (one-hot y)
=====================  ============  ==========================================

``value_and_grad`` returns the weighted mean ``sum(w_i l_i) / sum(w_i)`` and
its gradient ``w_i (link(raw_i) - y_i) / sum(w_i)``. Links are computed
without overflow for raw values of any size: log-sum-exp with the row maximum
taken out, ``expit`` and ``logaddexp`` for the logistic, and an exponent
capped at half the dtype's range for the exp link.
"""

import numpy as np
from scipy.special import expit, xlogy


def _log_sum_exp(raw):
    """Row-wise log(sum(exp(raw))) as a column, exact for raw up to +-1e300."""
    top = raw.max(axis=1, keepdims=True)
    return top + np.log(np.exp(raw - top).sum(axis=1, keepdims=True))


def _unit_bounds(dtype):
    """The smallest normal number and the largest number below 1."""
    one = np.dtype(dtype).type(1)
    return np.finfo(dtype).tiny, np.nextafter(one, 0 * one)


def _open_unit(p):
    """Clip probabilities into (0, 1) so that their log is finite.

    Changes only values that rounded to (nearly) exactly 0 or 1.
    """
    return np.clip(p, *_unit_bounds(p.dtype), out=p)


def _log_open_unit(log_p):
    """Clip log-probabilities to the logs of the same bounds, so that
    ``log_predict`` and ``log(predict)`` order and tie classes alike."""
    low, high = _unit_bounds(log_p.dtype)
    return np.clip(log_p, np.log(low), np.log(high), out=log_p)


class _Loss:
    """A loss with its link. Subclasses define ``pointwise`` and ``predict``.

    ``pointwise(y, raw)`` returns the per-sample losses (n,) and the unweighted
    gradient (n, n_outputs) of each with respect to its ``raw`` row. It may
    compute the gradient in ``raw``'s own buffer: callers pass a workspace
    (or a copy), never an array they still need.
    """

    def value_and_grad(self, y, raw, sample_weight=None):
        """Weighted mean loss and its gradient with respect to ``raw``."""
        losses, grad = self.pointwise(y, raw)
        if sample_weight is None:
            n = raw.shape[0]
            grad *= 1.0 / n
            return float(losses.sum()) / n, grad
        total = sample_weight.sum()
        grad *= (sample_weight / total)[:, np.newaxis]
        return float(losses @ sample_weight) / total, grad

    def value(self, y, raw, sample_weight=None):
        return self.value_and_grad(y, raw, sample_weight)[0]

    def grad(self, y, raw, sample_weight=None):
        return self.value_and_grad(y, raw, sample_weight)[1]


class SquaredError(_Loss):
    """Half squared error, summed over outputs (the gradient's own loss)."""

    out_activation = "identity"

    def pointwise(self, y, raw):
        diff = np.subtract(raw, y, out=raw)
        return 0.5 * np.einsum("ij,ij->i", diff, diff), diff

    def predict(self, raw):
        return raw


class Poisson(_Loss):
    """Half Poisson deviance with a log link; requires y >= 0."""

    out_activation = "exp"

    def _capped(self, raw):
        # exp(raw) stays finite, with room to square it, below this bound.
        return np.minimum(raw, np.log(np.finfo(raw.dtype).max) / 2, out=raw)

    def pointwise(self, y, raw):
        raw = self._capped(raw)
        losses = (xlogy(y, y) - y * raw - y).sum(axis=1)
        mu = np.exp(raw, out=raw)
        losses += mu.sum(axis=1)
        mu -= y
        return losses, mu

    def predict(self, raw):
        return np.exp(self._capped(raw), out=raw)


class BinaryLogLoss(_Loss):
    """Log loss of independent logistic outputs (binary and multilabel)."""

    out_activation = "logistic"

    def pointwise(self, y, raw):
        losses = np.logaddexp(0, raw)
        losses -= y * raw
        grad = expit(raw, out=raw)
        grad -= y
        return losses.sum(axis=1), grad

    def predict(self, raw):
        return _open_unit(expit(raw, out=raw))

    def log_predict(self, raw):
        """log(expit(raw)) = -log(1 + exp(-raw)), finite for any raw."""
        return _log_open_unit(-np.logaddexp(0, -raw))


class MultinomialLogLoss(_Loss):
    """Log loss of a softmax over the outputs (multiclass, one-hot y).

    With the row maximum taken out, r = raw - max(raw) <= 0, so exp(r) cannot
    overflow and sum(exp(r)) >= 1: l = log(sum(exp(r))) - y . r.
    """

    out_activation = "softmax"

    def pointwise(self, y, raw):
        shifted = np.subtract(raw, raw.max(axis=1, keepdims=True), out=raw)
        y_dot_shifted = np.einsum("ij,ij->i", y, shifted)
        prob = np.exp(shifted, out=raw)
        # Row sums as a matrix product: much faster than sum(axis=1) on
        # short rows.
        total = prob @ np.ones((prob.shape[1], 1), prob.dtype)
        prob /= total
        prob -= y
        return np.log(total[:, 0]) - y_dot_shifted, prob

    def predict(self, raw):
        return _open_unit(np.exp(raw - _log_sum_exp(raw)))

    def log_predict(self, raw):
        return _log_open_unit(raw - _log_sum_exp(raw))


LOSSES = {
    "squared_error": SquaredError,
    "poisson": Poisson,
    "binary_log_loss": BinaryLogLoss,
    "log_loss": MultinomialLogLoss,
}
