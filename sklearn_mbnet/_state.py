"""The estimators' fitted state: all-or-nothing calls and pickling.

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


def _fitted_keys(est):
    params = est._get_param_names()
    return [key for key in est.__dict__ if key not in params]


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
