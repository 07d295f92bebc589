"""Layers of the network: an affine map and the hidden activations.

Every layer has two faces:

- ``apply`` is a pure function of its input (used for prediction, safe to
  call from several threads at once);
- ``forward`` is ``apply`` plus the cache that ``backward`` needs, and
  ``backward`` maps the gradient with respect to the layer's output to the
  gradient with respect to its input.

Activations work in place: ``forward`` overwrites ``z`` with ``a = f(z)`` and
``backward`` overwrites ``delta = dL/da`` with ``dL/dz = delta * f'(z)``. All
four derivatives are written in terms of the output ``a``, so the input ``z``
need not be kept.
"""

import numpy as np
from scipy import sparse
from scipy.special import expit


class Linear:
    """Affine map ``z = x @ W + b`` over views into the network's flat vectors.

    Parameters
    ----------
    coef, intercept : ndarray
        Views of shapes (n_in, n_out) and (n_out,) into the parameter vector.
    coef_grad, intercept_grad : ndarray
        Views of the same shapes into the gradient vector; ``backward``
        writes into them.
    """

    def __init__(self, coef, intercept, coef_grad, intercept_grad):
        self.coef, self.intercept = coef, intercept
        self.coef_grad, self.intercept_grad = coef_grad, intercept_grad
        self._x = None

    def apply(self, x, out):
        """Write ``x @ W + b`` into ``out`` and return it."""
        if sparse.issparse(x):
            out[...] = x @ self.coef
        else:
            np.matmul(x, self.coef, out=out)
        out += self.intercept
        return out

    def forward(self, x, out):
        self._x = x
        return self.apply(x, out)

    def backward(self, delta, ones, out=None):
        """Fill ``dL/dW = x.T @ delta`` and ``dL/db = ones @ delta``.

        ``ones`` is a vector of ones as long as the batch: the column sums
        of ``delta`` as a matrix-vector product, which BLAS does faster than
        ``delta.sum(axis=0)``. Returns ``dL/dx = delta @ W.T`` written into
        ``out``, or None when ``out`` is None (the first layer has no use
        for it).
        """
        x = self._x
        if sparse.issparse(x):
            self.coef_grad[...] = x.T @ delta
        else:
            np.matmul(x.T, delta, out=self.coef_grad)
        np.matmul(ones, delta, out=self.intercept_grad)
        if out is None:
            return None
        return np.matmul(delta, self.coef.T, out=out)


class _Activation:
    """In-place activation; subclasses define ``apply`` and ``derivative``."""

    def __init__(self):
        self._a = None

    def forward(self, z):
        self._a = self.apply(z)
        return self._a

    def backward(self, delta):
        return self.derivative(self._a, delta)


class Identity(_Activation):
    """f(z) = z, f' = 1."""

    @staticmethod
    def apply(z):
        return z

    @staticmethod
    def derivative(a, delta):
        return delta


class Logistic(_Activation):
    """f(z) = 1 / (1 + exp(-z)), f' = a (1 - a); expit never overflows."""

    @staticmethod
    def apply(z):
        return expit(z, out=z)

    @staticmethod
    def derivative(a, delta):
        delta *= a
        delta *= 1.0 - a
        return delta


class Tanh(_Activation):
    """f(z) = tanh(z), f' = 1 - a**2."""

    @staticmethod
    def apply(z):
        return np.tanh(z, out=z)

    @staticmethod
    def derivative(a, delta):
        delta *= 1.0 - a * a
        return delta


class ReLU(_Activation):
    """f(z) = max(z, 0), f' = 1 where a > 0 else 0 (0 at the kink)."""

    @staticmethod
    def apply(z):
        return np.maximum(z, 0, out=z)

    @staticmethod
    def derivative(a, delta):
        # Multiplying by the mask is several times faster than copyto(where=).
        delta *= a > 0
        return delta


ACTIVATIONS = {
    "identity": Identity,
    "logistic": Logistic,
    "tanh": Tanh,
    "relu": ReLU,
}
