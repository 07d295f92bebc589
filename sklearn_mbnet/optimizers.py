"""Stochastic optimizers updating one flat parameter vector in place.

The update formulas and defaults are scikit-learn's (1.9):

SGD, with velocity ``v`` (0 at the start) and learning rate ``lr``::

    v <- momentum * v - lr * g
    w <- w + v                              (classical momentum)
    w <- w + momentum * v - lr * g          (Nesterov's momentum)

``lr`` is ``learning_rate_init`` ('constant', 'adaptive') or, after each
epoch, ``learning_rate_init / (t + 1) ** power_t`` with ``t`` the number of
samples seen ('invscaling'). 'adaptive' divides ``lr`` by 5 each time the
stopping rule fires, and stops once ``lr <= 1e-6``.

Adam, at step ``k`` (1-based)::

    m <- beta_1 m + (1 - beta_1) g
    s <- beta_2 s + (1 - beta_2) g**2
    lr_k = learning_rate_init * sqrt(1 - beta_2**k) / (1 - beta_1**k)
    w <- w - lr_k * m / (sqrt(s) + epsilon)

``step`` can also add an L2 term ``l2 * w`` to the gradient of the first
``n_l2`` parameters (the weights of the flat vector), in the same pass on
the compiled path.

The state (velocity, moments, step count, learning rate) lives in the
optimizer, so it carries over from one ``partial_fit`` call to the next.

On the compiled path a step is one pass of the compiled kernel over the flat
vectors. On the NumPy path it is a handful: BLAS ``scal`` (x *= a) and
``axpy`` (y += a x) update in place without temporaries, and cost less per
call than NumPy's in-place operators. Both require contiguous vectors of
the optimizer's dtype, which the network's flat vectors are.
"""

import numpy as np

from . import _kernels


class SGD:
    """Stochastic gradient descent with momentum and learning-rate schedules."""

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init=0.1,
        schedule="constant",
        momentum=0.9,
        nesterov=True,
        power_t=0.5,
    ):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.schedule = schedule
        self.momentum = momentum
        self.nesterov = nesterov
        self.power_t = power_t
        self.velocity = np.zeros(n_params, dtype=dtype)

    @property
    def n_params(self):
        return self.velocity.size

    def step(self, params, grad, l2=0.0, n_l2=0):
        """One update of ``params`` in place from the gradient ``grad``, plus
        ``l2 * params`` over the first ``n_l2`` values (see ``add_l2``)."""
        v, lr = self.velocity, self.learning_rate
        kernels = _kernels.compiled()
        if kernels is not None:  # the same formulas in one pass
            kernels.sgd(params, grad, v, lr, self.momentum, self.nesterov, l2, n_l2)
            return
        add_l2(params, grad, l2, n_l2)
        _kernels.scal(self.momentum, v)
        _kernels.axpy(-lr, grad, v)  # v = momentum v - lr g
        if self.nesterov:
            _kernels.axpy(self.momentum, v, params)
            _kernels.axpy(-lr, grad, params)
        else:
            _kernels.axpy(1.0, v, params)

    def epoch_end(self, n_samples_seen):
        if self.schedule == "invscaling":
            # lr / (t + 1)**power_t, where the power would overflow (power_t
            # in the hundreds) the rate underflows to 0 instead of raising.
            self.learning_rate = float(self.learning_rate_init) / _float_power(
                n_samples_seen + 1, self.power_t
            )

    def on_plateau(self):
        """React to the stopping rule firing.

        Returns ``(stop, outcome)``: whether to stop, and scikit-learn's words
        for what was done.
        """
        if self.schedule != "adaptive":
            return True, "Stopping."
        if self.learning_rate <= 1e-6:
            return True, "Learning rate too small. Stopping."
        self.learning_rate /= 5.0
        return False, f"Setting learning rate to {self.learning_rate:f}"


class Adam:
    """Adam (Kingma and Ba, 2014) with bias-corrected step size."""

    def __init__(
        self,
        n_params,
        dtype,
        learning_rate_init=0.001,
        beta_1=0.9,
        beta_2=0.999,
        epsilon=1e-8,
    ):
        self.learning_rate_init = learning_rate_init
        self.learning_rate = float(learning_rate_init)
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        self.t = 0
        self.m = np.zeros(n_params, dtype=dtype)
        self.s = np.zeros(n_params, dtype=dtype)
        self._work = None  # the NumPy path's scratch vector, made when first needed

    @property
    def n_params(self):
        return self.m.size

    def step(self, params, grad, l2=0.0, n_l2=0):
        """One update of ``params`` in place from the gradient ``grad``, plus
        ``l2 * params`` over the first ``n_l2`` values (see ``add_l2``)."""
        b1, b2, m, s = self.beta_1, self.beta_2, self.m, self.s
        self.t += 1
        self.learning_rate = (
            self.learning_rate_init * np.sqrt(1 - b2**self.t) / (1 - b1**self.t)
        )
        kernels = _kernels.compiled()
        if kernels is not None:  # the same formulas in one pass
            kernels.adam(params, grad, m, s, self.learning_rate, b1, b2, self.epsilon,
                         l2, n_l2)
            return
        add_l2(params, grad, l2, n_l2)
        if self._work is None:
            self._work = np.empty_like(m)
        work = self._work
        _kernels.scal(b1, m)
        _kernels.axpy(1 - b1, grad, m)
        _kernels.scal(b2, s)
        np.square(grad, out=work)
        _kernels.axpy(1 - b2, work, s)
        np.sqrt(s, out=work)
        work += self.epsilon
        np.divide(m, work, out=work)
        _kernels.axpy(-self.learning_rate, work, params)

    def epoch_end(self, n_samples_seen):
        pass

    def on_plateau(self):
        return True, "Stopping."


def add_l2(params, grad, l2, n_l2):
    """``grad[:n_l2] += l2 * params[:n_l2]``: the gradient of the L2 penalty
    (l2 / 2) ||params[:n_l2]||^2, which the compiled steps fold into their
    single pass; ``grad`` then holds the whole gradient."""
    if l2 and n_l2:
        _kernels.axpy(l2, params[:n_l2], grad[:n_l2])


def _float_power(base, exponent):
    """``base ** exponent`` as a float, ``inf`` where it would overflow."""
    try:
        return float(base) ** exponent
    except OverflowError:
        return float("inf")


OPTIMIZERS = {cls.__name__: cls for cls in (SGD, Adam)}
