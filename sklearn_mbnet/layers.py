"""Layers of the network: the affine map and the hidden activations.

Every layer has the same three methods, with explicit outputs:

- ``forward(x, out, ctx)`` writes the layer's output for a training batch
  into ``out`` (which may be ``x`` itself where the layer says it can work
  in place) and keeps what ``backward`` needs;
- ``backward(delta, out)`` takes ``delta = dL/d(output)`` of the last
  ``forward`` and writes ``dL/d(input)`` into ``out`` (``delta`` itself for
  activations);
- ``predict(x)`` is the output for prediction; it keeps nothing, so it is
  safe from several threads at once, and may overwrite ``x`` only where
  ``x`` is a workspace of the caller's (see ``Activation.predict``).

``ctx`` is the step's ``StepContext``: whether the network is training, and
the random generator of the fit.

An activation is one subclass of ``Activation`` with its name, its formula,
its Glorot factor and its derivative; defining the class registers it in
``ACTIVATIONS``, from which the estimators' parameter checks, docs and tests
take the list of activations.
"""

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from scipy.special import expit, ndtr

from . import _kernels


@dataclass
class StepContext:
    """What a forward pass needs besides its input."""

    training: bool
    rng: object = None


class Layer(Protocol):
    """What the network asks of every layer (see the module docstring)."""

    #: Whether ``forward`` may be given ``out`` = its input ``x``.
    in_place: bool

    def forward(self, x, out, ctx):
        """Write the training output for ``x`` into ``out``; keep what backward
        needs."""

    def backward(self, delta, out):
        """dL/d(input) from ``delta`` = dL/d(output) of the last ``forward``."""

    def predict(self, x):
        """The output for prediction; keeps nothing."""


class Linear:
    """Affine map ``z = x @ W + b`` over views into the network's flat vectors.

    Parameters
    ----------
    coef, intercept : ndarray
        Views of shapes (n_in, n_out) and (n_out,) into the parameter vector.
    coef_grad, intercept_grad : ndarray
        Views of the same shapes into the gradient vector; ``backward``
        writes into them.

    Where an activation follows, it takes over the bias (``Activation.
    own_bias``): the activation then adds ``b`` and fills ``dL/db`` in the
    same pass as its own work, and this layer computes ``x @ W`` only.
    """

    in_place = False

    def __init__(self, coef, intercept, coef_grad, intercept_grad):
        self.coef, self.intercept = coef, intercept
        self.coef_grad, self.intercept_grad = coef_grad, intercept_grad
        self.bias_in_activation = False
        self._x = None

    def predict(self, x):
        out = np.empty((x.shape[0], self.coef.shape[1]), self.coef.dtype)
        return self._affine(x, out)

    def _affine(self, x, out):
        _kernels.matmul(x, self.coef, out)
        if not self.bias_in_activation:
            out += self.intercept
        return out

    def forward(self, x, out, ctx):
        self._x = x
        return self._affine(x, out)

    def backward(self, delta, out, bias_grad=True):
        """Fill ``dL/dW = x.T @ delta`` and ``dL/db = sum of delta's rows``
        (the latter unless ``bias_grad`` is False: written already).

        Returns ``dL/dx = delta @ W.T`` written into ``out``, or None when
        ``out`` is None (the first layer has no use for it).
        """
        _kernels.matmul(self._x.T, delta, self.coef_grad)
        if bias_grad and not self.bias_in_activation:
            _kernels.column_sums(delta, self.intercept_grad)
        return None if out is None else np.matmul(delta, self.coef.T, out=out)


class Activation:
    """An elementwise activation a = f(z); subclasses define:

    - ``name``, ``formula`` (for the docs) and ``glorot_factor`` f, the
      initial weights being U(-r, r) with r = sqrt(f / (fan_in + fan_out));
    - ``function(z, out)``: writes f(z) into ``out``, which may be ``z``;
    - ``derivative(z, a, delta)``: multiplies ``delta`` in place by f'(z)
      and returns it. ``z`` is None unless the class sets
      ``needs_input = True``: a derivative written in terms of the output
      ``a`` lets ``forward`` overwrite its input.
    """

    name = formula = None
    glorot_factor = 6.0
    needs_input = False
    registry = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        Activation.registry[cls.name] = cls

    def __init__(self):
        self._z = self._a = self._bias = self._bias_grad = None
        # The compiled kernels' number for f; None (NumPy only) for an
        # activation defined outside this module, even under a builtin name.
        self._code = (_kernels.activation_code(self.name)
                      if type(self).__module__ == __name__ else None)

    @property
    def in_place(self):
        """Whether ``forward`` may write its output over its input."""
        return not self.needs_input

    def own_bias(self, linear):
        """Add the preceding ``linear``'s bias and fill its gradient here.

        The input is then ``x @ W`` and the output f(x @ W + b); backward
        writes dL/db = sum of the rows of delta * f'. One pass over the
        batch each way instead of two on the compiled path.
        """
        linear.bias_in_activation = True
        self._bias, self._bias_grad = linear.intercept, linear.intercept_grad

    def _compiled(self):
        return None if self._code is None else _kernels.compiled()

    def predict(self, x):
        """f(x + b), written over ``x``: the network passes its own workspace."""
        return self._add_bias_and_apply(x, x, keep_input=False)

    def forward(self, x, out, ctx):
        self._a = self._add_bias_and_apply(x, out, self.needs_input)
        self._z = x if self.needs_input else None
        return self._a

    def _add_bias_and_apply(self, x, out, keep_input):
        """out = f(x + b); x itself holds x + b afterwards if ``keep_input``."""
        kernels = self._compiled()
        if kernels is not None and self._bias is not None:
            kernels.bias_act(x, self._bias, out, self._code, keep_input)
            return out
        if self._bias is not None:
            x += self._bias
        return self.function(x, out)

    def backward(self, delta, out):
        kernels = self._compiled()
        if kernels is not None:
            kernels.act_backward(delta, self._a, self._z, self._bias_grad, self._code)
            return delta
        delta = self.derivative(self._z, self._a, delta)
        if self._bias_grad is not None:
            _kernels.column_sums(delta, self._bias_grad)
        return delta


class Identity(Activation):
    name, formula = "identity", "f(z) = z"

    def function(self, z, out):
        if out is not z:
            out[...] = z
        return out

    def derivative(self, z, a, delta):  # f' = 1
        return delta


class Logistic(Activation):
    """expit never overflows."""

    name, formula, glorot_factor = "logistic", "f(z) = 1 / (1 + exp(-z))", 2.0

    def function(self, z, out):
        return expit(z, out=out)

    def derivative(self, z, a, delta):  # f' = a (1 - a)
        delta *= a
        delta *= 1.0 - a
        return delta


class Tanh(Activation):
    name, formula = "tanh", "f(z) = tanh(z)"

    def function(self, z, out):
        return np.tanh(z, out=out)

    def derivative(self, z, a, delta):  # f' = 1 - a**2
        delta *= 1.0 - a * a
        return delta


class ReLU(Activation):
    name, formula = "relu", "f(z) = max(z, 0)"

    def function(self, z, out):
        return np.maximum(z, 0, out=out)

    def derivative(self, z, a, delta):  # f' = 1 where a > 0, else 0 (0 at the kink)
        # Multiplying by the mask is several times faster than copyto(where=).
        delta *= a > 0
        return delta


class LeakyReLU(Activation):
    """slope = 0.01; as f(z) > 0 exactly when z > 0, f' follows from a."""

    name, formula = "leaky_relu", "f(z) = max(z, 0.01 z)"
    slope = 0.01

    def function(self, z, out):
        return np.maximum(z, self.slope * z, out=out)

    def derivative(self, z, a, delta):  # f' = 1 where a > 0, else slope (at 0 too)
        delta *= np.where(a > 0, 1.0, self.slope).astype(delta.dtype, copy=False)
        return delta


class ELU(Activation):
    """alpha = 1; exp is taken of min(z, 0) only, so it cannot overflow."""

    name, formula = "elu", "f(z) = z if z > 0 else exp(z) - 1"

    def function(self, z, out):  # max(z, 0) + expm1(min(z, 0))
        negative = np.expm1(np.minimum(z, 0))
        out = np.maximum(z, 0, out=out)
        out += negative
        return out

    def derivative(self, z, a, delta):  # f' = 1 where a > 0, else exp(z) = a + 1
        delta *= np.minimum(a, 0) + 1.0
        return delta


class Softplus(Activation):
    """log(1 + exp(z)) by logaddexp, finite for any z."""

    name, formula = "softplus", "f(z) = log(1 + exp(z))"

    def function(self, z, out):
        return np.logaddexp(0, z, out=out)

    def derivative(self, z, a, delta):  # f' = expit(z) = 1 - exp(-a) = -expm1(-a)
        delta *= -np.expm1(-a)
        return delta


class SiLU(Activation):
    """Sigmoid-weighted linear unit (swish); its derivative needs z."""

    name, formula, needs_input = "silu", "f(z) = z / (1 + exp(-z))", True

    def function(self, z, out):
        return np.multiply(z, expit(z), out=out)

    def derivative(self, z, a, delta):  # f' = s (1 + z (1 - s)), s = expit(z)
        s = expit(z)
        delta *= s * (1.0 + z * (1.0 - s))
        return delta


class GELU(Activation):
    """Exact GELU with the normal CDF Phi; its derivative needs z.

    phi(z) underflows to 0 beyond |z| = 40, so z is clipped there before
    squaring: z * phi(z) is then exactly what it would be, 0.
    """

    name, formula, needs_input = "gelu", "f(z) = z Phi(z)", True

    def function(self, z, out):
        return np.multiply(z, ndtr(z), out=out)

    def derivative(self, z, a, delta):  # f' = Phi(z) + z phi(z)
        clipped = np.clip(z, -40.0, 40.0)
        density = np.exp(-0.5 * clipped * clipped) / np.sqrt(2 * np.pi)
        delta *= ndtr(z) + clipped * density
        return delta


class Dropout:
    """Inverted dropout: in training, x * m / (1 - rate), m ~ Bernoulli(1 - rate)
    drawn from ``ctx.rng``, so that E[output] = x; in prediction, x.

    The gradient is the same mask: dL/dx = delta * m / (1 - rate).
    """

    # Its own output buffer: the activation before it may need its output
    # (tanh's derivative is 1 - a**2) unmasked in backward.
    in_place = False

    def __init__(self, rate):
        self.rate, self._mask = rate, None

    def predict(self, x):
        return x

    def forward(self, x, out, ctx):
        if not ctx.training:
            self._mask = None
            return Identity().function(x, out)
        keep = 1.0 - self.rate
        mask = (ctx.rng.random_sample(x.shape) < keep).astype(x.dtype)
        mask *= 1.0 / keep
        self._mask = mask
        return np.multiply(x, mask, out=out)

    def backward(self, delta, out):
        if self._mask is not None:
            delta *= self._mask
        return delta


ACTIVATIONS = Activation.registry
