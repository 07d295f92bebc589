"""The estimators' fitted state: all-or-nothing calls, pickling, and the
weights' network.

Rollback copies the whole fitted state, every attribute that is not a
constructor parameter (the network with its parameters, the optimizer, the
history, the label encoder, the random stream), so a piece added later
cannot be forgotten. A random stream the estimator does not own (a
``RandomState`` passed as ``random_state``, or NumPy's global one) is shared,
not copied: a failed call is not undone in it.

A pickled estimator holds only builtins, NumPy arrays, NumPy's
``RandomState`` and scikit-learn's ``LabelBinarizer``: the network is rebuilt
from ``coefs_`` and ``intercepts_``, and the optimizer and the history are
stored as dicts of plain values.
"""

import copy
import functools

import numpy as np

from ._history import History
from ._network import Network
from .optimizers import OPTIMIZERS


def atomic(method):
    """Make a ``fit`` or ``partial_fit`` method all-or-nothing.

    A call that raises (invalid input, divergence, an interrupt of L-BFGS)
    leaves the estimator as it was before the call.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        saved = save(self)
        try:
            return method(self, *args, **kwargs)
        except BaseException:
            restore(self, saved)
            raise

    return wrapper


# scikit-learn's callback machinery: set by set_callbacks or a meta-estimator,
# torn down after the call whatever happens; neither fitted state nor copied.
_CALLBACK_KEYS = ("_skl_callbacks", "_skl_callbacks_to_teardown", "_callback_fit_ctx",
                  "_parent_callback_ctx")


def _fitted_keys(est):
    params = est._get_param_names()
    skip = set(params) | set(_CALLBACK_KEYS)
    return [key for key in est.__dict__ if key not in skip]


def save(est):
    """A deep copy of the fitted state (see the module docstring)."""
    shared = [est.random_state, np.random.mtrand._rand]
    memo = {id(obj): obj for obj in shared}
    return copy.deepcopy({key: est.__dict__[key] for key in _fitted_keys(est)}, memo)


def restore(est, saved):
    """Put back the state that ``save`` returned; parameters stay as they are."""
    for key in _fitted_keys(est):
        del est.__dict__[key]
    est.__dict__.update(saved)


def to_plain(state):
    """The estimator's ``__dict__`` as picklable plain values."""
    state = dict(state)
    state.pop("_network", None)
    optimizer = state.get("_optimizer")
    if optimizer is not None:
        state["_optimizer"] = {"class": type(optimizer).__name__, **vars(optimizer)}
    if isinstance(state.get("_history"), History):
        state["_history"] = dict(vars(state["_history"]))
    return state


def from_plain(state):
    """Invert ``to_plain``."""
    state = dict(state)
    optimizer = state.get("_optimizer")
    if isinstance(optimizer, dict):
        optimizer = dict(optimizer)
        obj = object.__new__(OPTIMIZERS[optimizer.pop("class")])
        vars(obj).update(optimizer)
        state["_optimizer"] = obj
    if isinstance(state.get("_history"), dict):
        history = object.__new__(History)
        vars(history).update(state["_history"])
        state["_history"] = history
    return state


def synced_network(est):
    """The network holding the estimator's ``coefs_`` and ``intercepts_``.

    They are views into its parameters; weights assigned in their place (of
    the same shapes or not, on a fitted or an unfitted estimator, as
    scikit-learn allows) are copied into it, or a network is built for them.
    """
    net = est.__dict__.get("_network")
    coefs, intercepts = list(est.coefs_), list(est.intercepts_)
    if net is not None and _same_objects(coefs, net.coefs) and _same_objects(
            intercepts, net.intercepts):
        return net
    units = [np.shape(c)[0] for c in coefs] + [np.shape(coefs[-1])[1]]
    shapes = [np.shape(v) for v in (*coefs, *intercepts)]
    if net is None or shapes != [v.shape for v in (*net.coefs, *net.intercepts)]:
        dtype = np.result_type(*coefs, *intercepts)
        dtype = dtype if dtype in (np.float32, np.float64) else np.float64
        net = Network(units, est.activation, dtype)
        optimizer = est.__dict__.get("_optimizer")
        if getattr(optimizer, "n_params", net.params.size) != net.params.size:
            est._optimizer = None  # its state was for other parameters
    _assign(net, coefs, intercepts)
    # Lists of their own: replacing an item must not change the network's.
    est._network = net
    est.coefs_, est.intercepts_ = list(net.coefs), list(net.intercepts)
    return net


def _same_objects(a, b):
    return len(a) == len(b) and all(x is y for x, y in zip(a, b))


def _assign(net, coefs, intercepts):
    """Copy user-given weights into the network's views, checked."""
    for name, views, values in (("coefs_", net.coefs, coefs),
                                ("intercepts_", net.intercepts, intercepts)):
        shapes = [v.shape for v in views]
        if [np.shape(v) for v in values] != shapes:
            raise ValueError(f"{name} must be arrays of shapes {shapes}.")
        if not all(np.isfinite(v).all() for v in values):
            raise ValueError(f"{name} must be finite numbers.")
        for view, value in zip(views, values):
            if view is not value:
                view[...] = value
