#!/usr/bin/env python
"""Time each part of one sklearn_mbnet training step, in microseconds.

For each workload, an estimator is fitted for one epoch, and the trainer
that fit built (its network, loss, optimizer and step context, caught as
``Trainer.fit`` is called) is timed part by part on one batch: the row
gather, the forward pass, the output link with the loss gradient, the
backward pass, and the optimizer step with the L2 term, each called as ``fit``
calls it, in a step's order, so that each meets the caches as a step
leaves them; then the whole step. The matrix products of the passes are
timed alone on the network's weights (``_floors``); the rest of each pass
(bias and activation; activation derivative and bias gradients) is the pass
minus its products. ``other`` is the whole step minus the parts: Python
glue, the gradient scaling, and anything ``fit`` computes outside the parts
called here. Medians over ``--repeats`` steps, the kernel paths alternating,
at one thread.
"""

import argparse
import sys
import time
import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn_mbnet import _kernels, _training
from sklearn_mbnet._objective import Batch
from threadpoolctl import threadpool_limits

from _common import command_line, log, median_or_none
from _config import parse_list, resolve_kernels
from _floors import backward_products, floor_buffers, forward_products
from _libraries import make_estimator
from _report import markdown_table
from _workloads import WORKLOADS, layer_units, load_workload_data

PATHS = {"on": "compiled", "off": "numpy"}
ROUNDS = 5  # the paths alternate this many times


def fitted_trainer(wl, X, y, seed):
    """Fit sklearn_mbnet for one epoch on ``wl``; return the fit's ``Trainer``.

    ``Trainer.fit`` is wrapped for the fit to keep the trainer it runs.
    """
    caught, original = [], _training.Trainer.fit

    def fit(trainer, *args, **kwargs):
        caught.append(trainer)
        return original(trainer, *args, **kwargs)

    _training.Trainer.fit = fit
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            make_estimator("mbnet", wl, 1, seed).fit(X, y)
    finally:
        _training.Trainer.fit = original
    return caught[-1]


def step_parts(trainer, X, n_outputs, batch_size, rng):
    """The timed parts of one step: name -> (call, prepare or None)."""
    net, objective, ctx = trainer.network, trainer.objective, trainer._ctx
    Y = np.zeros((X.shape[0], n_outputs), net.dtype)
    gathers = [_kernels.row_gatherer(a, batch_size) for a in (X, Y)]
    batches = iter(())

    def gather():
        nonlocal batches
        idx = next(batches, None)
        if idx is None:  # a new epoch's order
            order = rng.permutation(X.shape[0])[: X.shape[0] // batch_size * batch_size]
            batches = iter(order.reshape(-1, batch_size))
            idx = next(batches)
        return Batch(*(g(idx) for g in gathers))

    batch = gather()
    batch = Batch(batch.X.copy(), batch.Y.copy())
    raw = net.forward(batch.X, ctx)
    raw_saved = raw.copy()
    objective.value_and_grad(batch, ctx)  # leaves dJ/draw in raw
    delta = raw.copy()
    _, acts, deltas, grads = floor_buffers(net.layer_units, batch_size,
                                           net.dtype, rng)
    weights, inputs = net.coefs, [batch.X] + acts[:-1]  # the fit's own weights
    params = net.params.copy()

    def restore():
        np.copyto(net.params, params)

    return {
        "row gather (X, Y)": (gather, None),
        "forward": (lambda: net.forward(batch.X, ctx), None),
        "forward GEMMs": (lambda: forward_products(inputs, weights, acts), None),
        "output link + loss gradient": (
            lambda: objective.loss.loss_gradient(batch.Y, raw, gradient_out=raw),
            lambda: np.copyto(raw, raw_saved)),
        "backward": (lambda: net.backward(delta), None),
        "backward GEMMs": (
            lambda: backward_products(inputs, weights, deltas, grads), None),
        # Objective.descend hands the L2 term to the step, which folds it
        # into its pass on the compiled path (a separate axpy on NumPy's).
        "optimizer step + L2 term": (
            lambda: trainer.optimizer.step(net.params, net.grad,
                                           objective.alpha / batch_size, net.n_coef),
            restore),
        "whole step (gather + Trainer.step)": (
            lambda: trainer.step(gather()), restore),
    }


def time_steps(parts, n, samples):
    """Run the parts in step order ``n`` times, appending each call's
    microseconds to ``samples[part]``: each part meets the caches as the
    parts before it in a step leave them."""
    clock = time.perf_counter_ns
    for _ in range(n):
        for part, (call, prepare) in parts.items():
            if prepare is not None:
                prepare()
            start = clock()
            call()
            samples[part].append((clock() - start) / 1e3)


def measure(setups, repeats):
    """Median microseconds per part and path, the paths alternating."""
    samples = {path: {part: [] for part in parts} for path, parts in setups.items()}
    for _ in range(ROUNDS):
        for path, parts in setups.items():
            with _kernels.use(path):
                time_steps(parts, -(-repeats // ROUNDS), samples[path])
    return {path: {part: median_or_none(v) for part, v in by_part.items()}
            for path, by_part in samples.items()}


# The rows: a part's median, or a pass minus its matrix products.
ROWS = [("row gather (X, Y)", "row gather (X, Y)"),
        ("forward: GEMMs", "forward GEMMs"),
        ("forward: bias + activation", ("forward", "forward GEMMs")),
        ("output link + loss gradient", "output link + loss gradient"),
        ("backward: GEMMs", "backward GEMMs"),
        ("backward: activation derivative + bias gradients",
         ("backward", "backward GEMMs")),
        ("optimizer step + L2 term", "optimizer step + L2 term")]


def table_rows(medians):
    """The rows of the breakdown: [name, microseconds per path...]."""
    def value(m, key):
        return m[key] if isinstance(key, str) else m[key[0]] - m[key[1]]
    rows = [[name] + [value(m, key) for m in medians.values()] for name, key in ROWS]
    sums = [sum(col) for col in list(zip(*rows))[1:]]
    wholes = [m["whole step (gather + Trainer.step)"] for m in medians.values()]
    return rows + [["sum of the parts", *sums], ["whole step", *wholes],
                   ["other (whole step - sum)", *(w - s for w, s in zip(wholes, sums))]]


def breakdown(key, kernels, repeats, seed):
    """Print the breakdown of workload ``key`` as a markdown table."""
    wl = WORKLOADS[key]
    X, y = load_workload_data(key)
    units = layer_units(wl, X, y)
    rng = np.random.default_rng(seed)
    setups = {}
    for flag in kernels:
        with _kernels.use(PATHS[flag]):
            log(f"[{key}] fitting one epoch, kernels {flag} "
                f"({_kernels.kernels_in_use()})")
            trainer = fitted_trainer(wl, X, y, seed)
            setups[PATHS[flag]] = step_parts(trainer, X.astype(trainer.network.dtype),
                                             units[-1], wl.batch_size, rng)
    medians = measure(setups, repeats)
    headers = ["part (µs)"]
    for flag in kernels:
        with _kernels.use(PATHS[flag]):
            headers.append(f"kernels {flag} ({_kernels.kernels_in_use()})")
    rows = [[name] + [f"{v:.1f}" for v in values]
            for name, *values in table_rows(medians)]
    print(f"\n## {key}: layers {units}, batch {wl.batch_size}, "
          f"{np.dtype(wl.dtype).name}\n")
    print(markdown_table(headers, rows))


def main(argv=None):
    """Print the breakdown tables of the requested workloads and kernel paths.

    Parameters
    ----------
    argv : list of str, default=None
        The options (``--help`` lists them); None reads ``sys.argv[1:]``.

    Returns
    -------
    int
        0; a bad option or kernels not built exit through ``SystemExit``.
    """
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--workloads", default="W1,W3", help="default W1,W3")
    p.add_argument("--kernels", default=None,
                   help="on, off or on,off (default: on if compiled, else off)")
    p.add_argument("--repeats", type=int, default=2000,
                   help="timed calls per part and path (default 2000)")
    p.add_argument("--seed", type=int, default=0, help="default 0")
    args = p.parse_args(argv)
    keys = parse_list(args.workloads.upper(), tuple(WORKLOADS), "--workloads")
    kernels = resolve_kernels(args.kernels, ["mbnet"])[0]
    print(f"command: `{command_line()}`; one thread; median of {args.repeats} "
          "steps, parts in step order")
    with threadpool_limits(limits=1):
        for key in keys:
            breakdown(key, kernels, args.repeats, args.seed)
    return 0


if __name__ == "__main__":
    sys.exit(main())
