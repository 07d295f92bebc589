"""Floors: the time of the work any implementation must do, in plain NumPy.

The GEMM floor of a training epoch, the Adam ``sqrt`` and divide that every
exact Adam step computes, and the matrix products of a prediction.
"""

import gc
import time

import numpy as np

PREDICT_FLOOR_CHUNK = 10_000


def floor_buffers(layer_units, batch_size, dtype, rng):
    """Return weights, activation, delta and gradient buffers for the products.

    Parameters
    ----------
    layer_units : list of int
        ``[n_features, *hidden, n_outputs]``.
    batch_size : int
        Rows of the activation and delta buffers.
    dtype : dtype
        Their dtype.
    rng : numpy.random.Generator
        Source of the random weights and deltas.

    Returns
    -------
    weights, acts, deltas, grads : list of ndarray
        One per layer: (n_in, n_out) weights, (batch_size, n_out) outputs,
        (batch_size, n_out) deltas, (n_in, n_out) weight gradients.
    """
    pairs = list(zip(layer_units[:-1], layer_units[1:]))
    weights = [(rng.standard_normal((a, b)) / np.sqrt(a)).astype(dtype)
               for a, b in pairs]
    acts = [np.empty((batch_size, b), dtype) for _, b in pairs]
    deltas = [rng.standard_normal((batch_size, b)).astype(dtype) for _, b in pairs]
    grads = [np.empty_like(w) for w in weights]
    return weights, acts, deltas, grads


def forward_products(inputs, weights, outputs):
    """``outputs[i] = inputs[i] @ weights[i]`` for every layer.

    Parameters
    ----------
    inputs, weights, outputs : list of ndarray
        Per layer, its input rows, weights and output buffer.
    """
    for a_in, w, a_out in zip(inputs, weights, outputs):
        np.matmul(a_in, w, out=a_out)


def backward_products(inputs, weights, deltas, grads):
    """Weight gradients ``inputs[i].T @ deltas[i]`` and, but for the first
    layer, ``deltas[i - 1] = deltas[i] @ weights[i].T``, last layer first.

    Parameters
    ----------
    inputs, weights, deltas, grads : list of ndarray
        Per layer, its input rows, weights, delta and gradient buffers.
    """
    for i in range(len(weights) - 1, -1, -1):
        np.matmul(inputs[i].T, deltas[i], out=grads[i])
        if i > 0:
            np.matmul(deltas[i], weights[i].T, out=deltas[i - 1])


def gemm_floor_epoch(X, layer_units, batch_size, seed=0):
    """Time only the matrix products of one epoch of forward + backward.

    Per batch: forward ``A[i] @ W[i]`` for every layer; backward
    ``A[i].T @ delta[i]`` (weight gradient) for every layer and
    ``delta[i] @ W[i].T`` for every layer but the first (the input layer
    needs no delta). No activations, biases, losses or updates; batches are
    contiguous slices of ``X`` (no shuffling copy).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Training data; its dtype is used for all products.
    layer_units : list of int
        ``[n_features, *hidden, n_outputs]``.
    batch_size : int
        Mini-batch size.
    seed : int, default=0
        Seed for the random weights and deltas.

    Returns
    -------
    float
        Wall time in seconds.
    """
    weights, acts, deltas, grads = floor_buffers(
        layer_units, batch_size, X.dtype, np.random.default_rng(seed))
    start = time.perf_counter()
    for lo in range(0, X.shape[0], batch_size):
        xb = X[lo:lo + batch_size]
        m = xb.shape[0]
        outs, dels = (acts, deltas) if m == batch_size else (
            [a[:m] for a in acts], [d[:m] for d in deltas])
        inputs = [xb] + outs[:-1]
        forward_products(inputs, weights, outs)
        backward_products(inputs, weights, dels, grads)
    return time.perf_counter() - start


def adam_arithmetic_epoch(n_params, n_batches, dtype):
    """Time one sqrt and one divide over ``n_params`` values, ``n_batches`` times.

    Every exact Adam step computes ``m / (sqrt(s) + eps)`` for each
    parameter: these two operations run at the hardware's throughput whatever
    the implementation, so they add to the GEMM floor of any Adam trainer.

    Parameters
    ----------
    n_params : int
        Parameters of the network.
    n_batches : int
        Adam steps per epoch.
    dtype : dtype
        Floating point type of the parameters.

    Returns
    -------
    float
        Wall time in seconds.
    """
    rng = np.random.default_rng(0)
    m, s = (rng.random(n_params).astype(dtype) for _ in range(2))
    work = np.empty(n_params, dtype)
    start = time.perf_counter()
    for _ in range(n_batches):
        np.sqrt(s, out=work)
        np.divide(m, work, out=work)
    return time.perf_counter() - start


def n_parameters(layer_units):
    """Return the number of weights and intercepts of a fully connected network.

    Parameters
    ----------
    layer_units : list of int
        ``[n_features, *hidden, n_outputs]``.

    Returns
    -------
    int
    """
    return sum((a + 1) * b for a, b in zip(layer_units[:-1], layer_units[1:]))


def predict_floor(coefs, X, chunk=None):
    """Time only the matrix products of a forward pass over ``X``.

    The rows go in chunks written into reused outputs: no validation,
    biases, activations or output link.

    Parameters
    ----------
    coefs : list of ndarray
        Weight matrices of a fitted network (``coefs_``).
    X : ndarray of shape (n_samples, n_features)
        Input; its dtype is used for all products.
    chunk : int, default=None
        Rows per chunk (default ``PREDICT_FLOOR_CHUNK``).

    Returns
    -------
    float
        Wall time in seconds.
    """
    chunk = chunk or PREDICT_FLOOR_CHUNK
    coefs = [np.asarray(w, dtype=X.dtype) for w in coefs]
    outs = [np.empty((chunk, w.shape[1]), X.dtype) for w in coefs]
    gc.collect()
    start = time.perf_counter()
    for lo in range(0, X.shape[0], chunk):
        h = X[lo:lo + chunk]
        for w, out in zip(coefs, outs):
            h = np.matmul(h, w, out=out[:h.shape[0]])
    return time.perf_counter() - start
