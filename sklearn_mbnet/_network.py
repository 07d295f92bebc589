"""The layer stack over one flat parameter vector.

Layout of ``params`` (and of ``grad``, which mirrors it): every layer's
weights first, row-major, then every layer's intercepts::

    [W_0 | W_1 | ... | W_L | b_0 | b_1 | ... | b_L]

so the L2 penalty, which applies to weights only, is one contiguous slice.
``coefs`` and ``intercepts`` are lists of views into ``params``: writing into
them changes the parameters the optimizers and L-BFGS see.

``layers`` is one ordered list, ``Linear, activation, Linear, ...,
Linear``; forward and backward are one loop each over it.
"""

import numpy as np
from scipy import sparse
from sklearn import get_config
from sklearn.utils import gen_batches

from . import _kernels
from .layers import ACTIVATIONS, Dropout, Linear, StepContext

# Prediction workspace cap. Beyond a few thousand rows a chunk is no faster
# (784-256-128-10 float32 network, one thread: 400 rows 237k rows/s, 1,600
# rows 273k, 3,200 rows 282k, 6,400 and 13,000 rows 285k) and only costs memory.
CHUNK_BYTES = 16 * 2**20


class Network:
    """Fully connected layers with one activation between them.

    Parameters
    ----------
    layer_units : list of int
        Widths from the input features to the outputs.
    activation : str
        Hidden activation, a key of ``layers.ACTIVATIONS``.
    dtype : numpy dtype
        Dtype of the parameters and of every computation.
    dropout : list of float, default=()
        Dropout rate after each hidden activation (none where 0 or absent).
    """

    def __init__(self, layer_units, activation, dtype, dropout=()):
        self.layer_units = list(layer_units)
        self.activation = activation
        n_hidden = len(self.layer_units) - 2
        self.dropout = [float(r) for r in dropout] or [0.0] * n_hidden
        self.dtype = np.dtype(dtype)
        shapes = list(zip(self.layer_units[:-1], self.layer_units[1:]))
        self.n_coef = sum(n_in * n_out for n_in, n_out in shapes)
        n_params = self.n_coef + sum(self.layer_units[1:])
        self.params = np.zeros(n_params, dtype=self.dtype)
        self.grad = np.zeros(n_params, dtype=self.dtype)
        self._build()

    def _build(self):
        """Create the views and the ordered list of layers."""
        self.coefs, self.intercepts = _views(self.params, self.layer_units)
        self._grad_views = _views(self.grad, self.layer_units)
        self._build_layers()

    def _build_layers(self):
        views = zip(self.coefs, self.intercepts, *self._grad_views)
        act = ACTIVATIONS[self.activation]
        self.layers = []
        for i, linear_views in enumerate(views):
            linear = Linear(*linear_views)
            self.layers.append(linear)
            if i < len(self.dropout):
                self.layers.append(act())
                self.layers[-1].own_bias(linear)
                if self.dropout[i] > 0:
                    self.layers.append(Dropout(self.dropout[i]))
        self._outputs = self._deltas = None

    def set_dropout(self, rates):
        """Use these dropout rates from the next batch on (same views)."""
        rates = [float(r) for r in rates]
        if rates != self.dropout:
            self.dropout = rates
            self._build_layers()

    def __getstate__(self):
        state = {k: getattr(self, k) for k in ("layer_units", "activation", "dropout",
                                               "n_coef", "params", "grad")}
        return {**state, "dtype": self.dtype.name}  # a string, not a numpy.dtype

    def __setstate__(self, state):
        self.__dict__.update(state, dtype=np.dtype(state["dtype"]))
        self._build()

    @property
    def coef_params(self):
        """The weights (not the intercepts) as one flat view."""
        return self.params[: self.n_coef]

    def add_penalty_grad(self, scale):
        """Add ``scale * W`` to the weights' gradient, d/dW of scale/2 ||W||^2."""
        _kernels.axpy(scale, self.coef_params, self.grad[: self.n_coef])

    def init_glorot(self, rng):
        """Glorot-uniform weights and intercepts, drawn as scikit-learn does.

        For each layer, weights then intercepts ~ U(-r, r) with
        r = sqrt(f / (fan_in + fan_out)), f the activation's Glorot factor.
        """
        factor = ACTIVATIONS[self.activation].glorot_factor
        for coef, intercept in zip(self.coefs, self.intercepts):
            bound = np.sqrt(factor / sum(coef.shape))
            coef[...] = rng.uniform(-bound, bound, coef.shape)
            intercept[...] = rng.uniform(-bound, bound, intercept.shape)

    def allocate(self, n_rows):
        """Reserve forward and backward workspaces for batches of n_rows.

        Layer i writes its forward output into ``_outputs[i]``, which is its
        input's buffer where the layer works in place; ``_deltas[i]`` holds
        dL/d(input of layer i) for every layer but the first.
        """
        if self._outputs is not None and self._outputs[0].shape[0] >= n_rows:
            return
        self._outputs, width = [], None
        for layer in self.layers:
            if isinstance(layer, Linear):
                width = layer.coef.shape[1]
            reuse = layer.in_place and self._outputs
            self._outputs.append(self._outputs[-1] if reuse else
                                 np.empty((n_rows, width), self.dtype))
        self._deltas = [None] + [np.empty((n_rows, layer.coef.shape[0]), self.dtype)
                                 if isinstance(layer, Linear) else None
                                 for layer in self.layers[1:]]

    def forward(self, X, ctx=None):
        """Raw output for a training batch, caching what ``backward`` needs."""
        ctx = ctx or StepContext(training=True)
        n, h = X.shape[0], X
        for layer, out in zip(self.layers, self._outputs):
            h = layer.forward(h, out[:n], ctx)
        return h

    @property
    def output_intercept_grad(self):
        """The view of ``grad`` holding the output layer's bias gradient."""
        return self._grad_views[1][-1]

    def backward(self, delta, output_bias_grad_done=False):
        """Fill ``grad`` from ``delta = dL/draw`` of the last ``forward``;
        the output bias's part is left as it is if ``output_bias_grad_done``
        (the loss's compiled kernel wrote it in the same pass as delta)."""
        n = delta.shape[0]
        layers, outs = reversed(self.layers), reversed(self._deltas)
        output, out = next(layers), next(outs)
        delta = output.backward(delta, None if out is None else out[:n],
                                bias_grad=not output_bias_grad_done)
        for layer, out in zip(layers, outs):
            delta = layer.backward(delta, None if out is None else out[:n])

    def raw_output(self, X):
        """Raw output for any rows; keeps nothing, so safe from several threads."""
        h = X
        for layer in self.layers:
            h = layer.predict(h)
        return h

    def chunk_rows(self):
        """Rows per prediction chunk: workspace within ``working_memory``
        and within ``CHUNK_BYTES``, whichever is smaller."""
        # Per row: the cast input and two live layer outputs.
        units = self.layer_units
        row_bytes = self.dtype.itemsize * (units[0] + 2 * max(units[1:]))
        budget = min(get_config()["working_memory"] * 2**20, CHUNK_BYTES)
        return max(int(budget // row_bytes), 1)

    def predict(self, X, transform):
        """``transform(raw_output(rows))`` over chunks of ``chunk_rows()`` rows.

        Each chunk is cast to the network's dtype, so a float32 input to a
        float64 model (or the reverse) is never converted whole; only the
        transformed results (probabilities, or labels) are kept for all rows.
        """
        result = None
        for rows, raw in self.raw_chunks(X):
            out = transform(raw)
            if result is None:
                result = np.empty((X.shape[0], *out.shape[1:]), dtype=out.dtype)
            result[rows] = out
        return result

    def raw_chunks(self, X):
        """Yield ``(rows, raw_output(X[rows]))`` over chunks of ``chunk_rows()``."""
        X = X.tocsr() if sparse.issparse(X) else X
        for rows in gen_batches(X.shape[0], self.chunk_rows()):
            yield rows, self.raw_output(X[rows].astype(self.dtype, copy=False))


def _views(flat, layer_units):
    """Weight and intercept views into a flat vector laid out as above."""
    coefs, intercepts, start = [], [], 0
    for n_in, n_out in zip(layer_units[:-1], layer_units[1:]):
        coefs.append(flat[start : start + n_in * n_out].reshape(n_in, n_out))
        start += n_in * n_out
    for n_out in layer_units[1:]:
        intercepts.append(flat[start : start + n_out])
        start += n_out
    return coefs, intercepts
