"""Losses over the raw output ``raw = h @ W + b`` of the last layer.

Each loss pairs a per-sample loss with its canonical inverse link, so the
gradient with respect to ``raw`` is simply ``inverse_link(raw) - y``:

=====================  ============  ==========================================
loss                   inverse link  per-sample loss l(y, raw), summed over
                                     the outputs
=====================  ============  ==========================================
squared error          identity      0.5 * (raw - y)**2
absolute error         identity      |raw - y|
Huber                  identity      0.5 r**2 if |r| <= delta, else
                                     delta (|r| - delta / 2),  r = raw - y
Poisson (half dev.)    exp           y log(y / mu) - y + mu,      mu = exp(raw)
binary log loss        logistic      log(1 + exp(raw)) - y raw
multiclass log loss    softmax       logsumexp(raw) - sum(y raw)  (one-hot y)
=====================  ============  ==========================================

Inverse links are computed without overflow for raw values of any size:
log-sum-exp with the row maximum taken out, ``expit`` and ``logaddexp`` for
the logistic, and an exponent capped at half the dtype's range for exp.

A loss is one subclass of ``Loss``; defining it registers it in ``LOSSES``
under its ``name``, with its ``task``, so the estimators' parameter checks
and the tests take their lists from there.
"""

import functools

import numpy as np
from scipy.special import expit, xlogy

from . import _kernels


def _log_sum_exp(raw):
    """Row-wise log(sum(exp(raw))) as a column, exact for raw up to +-1e300."""
    top = raw.max(axis=1, keepdims=True)
    return top + np.log(np.exp(raw - top).sum(axis=1, keepdims=True))


def _unit_bounds(dtype):
    """The smallest normal number and the largest number below 1."""
    kind = np.dtype(dtype).type  # scalars of the dtype itself, on numpy 1.x too
    return np.finfo(dtype).tiny, np.nextafter(kind(1), kind(0))


def _open_unit(p):
    """Clip probabilities, in place, into (0, 1) so that their log is finite.

    Changes only values that rounded to (nearly) exactly 0 or 1.
    """
    return np.clip(p, *_unit_bounds(p.dtype), out=p)


@functools.lru_cache(maxsize=None)
def _exp_cap(dtype):
    """The bound below which exp(raw) stays finite with room to square it."""
    return float(np.log(np.finfo(dtype).max) / 2)


def _suits_kernel(raw, y, out):
    """Whether arrays can go to a compiled kernel as they are: ndarrays of
    one dtype and shape, 2-D, C-contiguous."""
    return (isinstance(y, np.ndarray) and raw.ndim == 2
            and raw.dtype == y.dtype == out.dtype
            and raw.shape == y.shape == out.shape
            and raw.flags.c_contiguous and y.flags.c_contiguous
            and out.flags.c_contiguous)


def _suits_weights(w, raw):
    """Whether sample weights (or None) can go to a compiled kernel with
    ``raw``: one per row, of its dtype, contiguous."""
    return w is None or (isinstance(w, np.ndarray) and w.ndim == 1
                         and w.dtype == raw.dtype and w.flags.c_contiguous
                         and len(w) == raw.shape[0])


class Loss:
    """A loss with its inverse link; subclasses define:

    - ``name``, ``task`` ('classification' or 'regression'), ``formula``
      and ``out_activation`` (scikit-learn's name of the inverse link);
    - ``pointwise(y, raw, gradient_out)``: the per-sample losses (n,) and
      the gradient of each with respect to its ``raw`` row, written into
      ``gradient_out`` (which may be ``raw``);
    - ``inverse_link(raw)``: the prediction, in a new array;
    - ``check_target(y)``: a ValueError for targets outside the domain.
    """

    name = task = formula = out_activation = None
    registry = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        Loss.registry[cls.name] = cls

    @classmethod
    def from_params(cls, params):
        """The loss for an estimator's parameters (a dict); most take none."""
        return cls()

    def loss_gradient(self, y_true, raw_prediction, sample_weight=None,
                      loss_out=None, gradient_out=None):
        """Per-sample losses and gradients, both times ``sample_weight``.

        The shape of scikit-learn's ``_loss`` kernels. ``sample_weight`` is
        a scalar or an (n,) array; ``gradient_out`` may be
        ``raw_prediction``, whose values are then lost.
        """
        if gradient_out is None:
            gradient_out = np.empty_like(raw_prediction)
        losses, gradient = self._compiled_pointwise(y_true, raw_prediction,
                                                    gradient_out)
        if losses is None:
            losses, gradient = self.pointwise(y_true, raw_prediction, gradient_out)
        if sample_weight is not None:
            weight = np.asarray(sample_weight, dtype=gradient.dtype)
            gradient *= weight[:, np.newaxis] if weight.ndim else weight
            losses = np.multiply(losses, weight, out=losses)
        if loss_out is not None:
            loss_out[...] = losses
            losses = loss_out
        return losses, gradient

    def _compiled_pointwise(self, y, raw, gradient_out):
        """``pointwise`` by the compiled kernel where this loss has one and
        the arrays suit it (one dtype, C-contiguous, 2-D); else (None, None)."""
        code = self._kernel_code()
        kernels = None if code is None else _kernels.compiled()
        if kernels is None or not _suits_kernel(raw, y, gradient_out):
            return None, None
        losses = np.empty(raw.shape[0], raw.dtype)
        kernels.loss_gradient(code, raw, y, gradient_out, losses, _exp_cap(raw.dtype))
        return losses, gradient_out

    def _kernel_code(self):
        """The compiled kernels' number for this loss; None (NumPy only) for
        a loss defined outside this module, even under a builtin name."""
        if type(self).__module__ != __name__:
            return None
        return _kernels.loss_code(self.name)

    def compiled_mean_gradient(self, y, raw, sample_weight, total, bias_grad):
        """The batch's weighted mean loss by one compiled kernel, or None
        where the NumPy path must run (``Objective`` does it then).

        ``raw`` is overwritten by the gradient of the mean, w_i (link(raw_i)
        - y_i) / total, and ``bias_grad`` by its column sums (the output
        layer's intercept gradient).
        """
        code = self._kernel_code()
        kernels = None if code is None else _kernels.compiled()
        if (kernels is None or not _suits_kernel(raw, y, raw)
                or not _suits_weights(sample_weight, raw)):
            return None
        return kernels.mean_loss_gradient(code, raw, y, sample_weight, float(total),
                                          bias_grad, _exp_cap(raw.dtype))

    def check_target(self, y):
        """Targets every loss accepts: any finite number."""

    def log_inverse_link(self, raw):
        return np.log(self.inverse_link(raw))


class SquaredError(Loss):
    """Half squared error, summed over outputs (the gradient's own loss)."""

    name, task, out_activation = "squared_error", "regression", "identity"
    formula = "0.5 * (raw - y)**2"

    def pointwise(self, y, raw, gradient_out):
        diff = np.subtract(raw, y, out=gradient_out)
        return 0.5 * np.einsum("ij,ij->i", diff, diff), diff

    def inverse_link(self, raw):
        return raw.copy()


class AbsoluteError(Loss):
    """|raw - y| summed over outputs; robust to outliers in y.

    Its gradient is sign(raw - y), and 0 at the kink raw = y (a
    subgradient: any value in [-1, 1] is one there).
    """

    name, task, out_activation = "absolute_error", "regression", "identity"
    formula = "|raw - y|"

    def pointwise(self, y, raw, gradient_out):
        diff = np.subtract(raw, y, out=gradient_out)
        losses = np.abs(diff).sum(axis=1)
        return losses, np.sign(diff, out=diff)

    def inverse_link(self, raw):
        return raw.copy()


class Huber(Loss):
    """Squared error for residuals up to ``delta``, absolute error beyond.

    l(r) = r**2 / 2 for |r| <= delta, delta (|r| - delta / 2) beyond; both
    pieces and their slopes meet at |r| = delta, so the gradient
    clip(r, -delta, delta) is continuous (no kink to choose at).
    """

    name, task, out_activation = "huber", "regression", "identity"
    formula = "0.5 r**2 if |r| <= delta else delta (|r| - delta / 2), r = raw - y"

    def __init__(self, delta=1.0):
        self.delta = delta

    @classmethod
    def from_params(cls, params):
        return cls(params["huber_delta"])

    def pointwise(self, y, raw, gradient_out):
        r = np.subtract(raw, y, out=gradient_out)
        size = np.abs(r)
        inner = np.minimum(size, self.delta)
        # 0.5 min(|r|, d)**2 + d (|r| - min(|r|, d)): both pieces in one formula
        losses = (0.5 * inner * inner + self.delta * (size - inner)).sum(axis=1)
        return losses, np.clip(r, -self.delta, self.delta, out=r)

    def inverse_link(self, raw):
        return raw.copy()


class Poisson(Loss):
    """Half Poisson deviance with a log link; requires y >= 0."""

    name, task, out_activation = "poisson", "regression", "exp"
    formula = "y log(y / mu) - y + mu, mu = exp(raw)"

    @staticmethod
    def _capped(raw, out):
        return np.minimum(raw, _exp_cap(raw.dtype), out=out)

    def pointwise(self, y, raw, gradient_out):
        raw = self._capped(raw, gradient_out)
        losses = (xlogy(y, y) - y * raw - y).sum(axis=1)
        mu = np.exp(raw, out=raw)
        losses += mu.sum(axis=1)
        mu -= y
        return losses, mu

    def inverse_link(self, raw):
        capped = self._capped(raw, np.empty_like(raw))
        return np.exp(capped, out=capped)

    def check_target(self, y):
        if np.any(y < 0):
            raise ValueError(
                f"loss='poisson' requires non-negative targets y, got a minimum of "
                f"{y.min()}; use loss='squared_error' or shift y."
            )


class BinaryLogLoss(Loss):
    """Log loss of independent logistic outputs (binary and multilabel)."""

    name, task, out_activation = "binary_log_loss", "classification", "logistic"
    formula = "log(1 + exp(raw)) - y raw"

    def pointwise(self, y, raw, gradient_out):
        losses = np.logaddexp(0, raw)
        losses -= y * raw
        grad = expit(raw, out=gradient_out)
        grad -= y
        return losses.sum(axis=1), grad

    def inverse_link(self, raw):
        return _open_unit(expit(raw))


class MultinomialLogLoss(Loss):
    """Log loss of a softmax over the outputs (multiclass, one-hot y).

    With the row maximum taken out, r = raw - max(raw) <= 0, so exp(r) cannot
    overflow and sum(exp(r)) >= 1: l = log(sum(exp(r))) - y . r.
    """

    name, task, out_activation = "log_loss", "classification", "softmax"
    formula = "logsumexp(raw) - sum(y raw)"

    def pointwise(self, y, raw, gradient_out):
        shifted = np.subtract(raw, raw.max(axis=1, keepdims=True), out=gradient_out)
        y_dot_shifted = np.einsum("ij,ij->i", y, shifted)
        prob = np.exp(shifted, out=shifted)
        total = _kernels.row_sums(prob, np.empty((prob.shape[0], 1), prob.dtype))
        prob /= total
        prob -= y
        return np.log(total[:, 0]) - y_dot_shifted, prob

    def inverse_link(self, raw):
        return _open_unit(np.exp(raw - _log_sum_exp(raw)))


LOSSES = Loss.registry
