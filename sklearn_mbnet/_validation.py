"""Checks of the estimators' inputs, with messages that say what to fix.

Where scikit-learn's MLP raises for the same input, its message comes first
and our advice after it, so code that matches scikit-learn's text keeps
working.
"""

from numbers import Integral

import numpy as np
from sklearn.utils.multiclass import type_of_target


def hidden_layer_sizes(value):
    """hidden_layer_sizes as a list of positive ints, or a ValueError."""
    sizes = [value] if isinstance(value, Integral) else list(value)
    if any(isinstance(s, Integral) and s <= 0 for s in sizes):
        raise ValueError(
            f"hidden_layer_sizes must be > 0, got {sizes}. Give every hidden "
            "layer at least one unit."
        )
    if not all(isinstance(s, Integral) for s in sizes):
        raise ValueError(
            f"hidden_layer_sizes must be positive integers, got {value!r}."
        )
    return [int(s) for s in sizes]


def numeric(what, validate, *args, **kwargs):
    """``validate(*args, **kwargs)``, naming the input if it is not numeric.

    NumPy's own message ("could not convert string to float: 'a'") does not
    say which input holds the value, nor what to do about it.
    """
    try:
        return validate(*args, **kwargs)
    except (TypeError, ValueError) as exc:
        if "could not convert" not in str(exc) and "argument must be" not in str(exc):
            raise
        hint = " Encode categorical features, for example with OneHotEncoder."
        raise type(exc)(
            f"{what} must hold numbers ({exc}).{hint if 'X' in what else ''}"
        ) from exc


def check_not_empty(est, X):
    """scikit-learn's error for an input without rows or columns.

    ``validate_data`` fails from inside NumPy on a DataFrame without columns.
    """
    shape = getattr(X, "shape", ())
    if len(shape) == 2 and 0 in shape:
        what = "sample(s)" if shape[0] == 0 else "feature(s)"
        raise ValueError(
            f"Found array with 0 {what} (shape={tuple(shape)}) while a minimum of 1 "
            f"is required by {type(est).__name__}."
        )


def check_label_types(labels, name):
    """A ValueError unless ``labels`` are class labels of one sortable kind."""
    try:
        unknown = type_of_target(labels) == "unknown"
        if np.asarray(labels).dtype == object:
            np.unique(np.asarray(labels))  # raises TypeError if not sortable
    except TypeError:
        unknown = True
    if unknown:
        values = np.ravel(np.asarray(labels, dtype=object))
        kinds = sorted({type(v).__name__ for v in values})
        raise ValueError(
            f"Unknown label type: {name} must hold class labels of one kind, all "
            f"numbers or all strings, without missing values; got {kinds}."
        )


def check_sample_weight_sum(sample_weight):
    """A ValueError unless the weights have a positive, finite sum."""
    total = sample_weight.sum()
    if not total > 0:
        raise ValueError(
            "sample_weight must have a positive sum; give at least one row "
            "a positive weight."
        )
    if not np.isfinite(total):
        raise ValueError(
            f"sample_weight sums to more than the largest {total.dtype} "
            "number; divide the weights by a common factor."
        )


def diverged_error(what, when, solver, learning_rate_init):
    """The ValueError of a fit whose loss, weights or outputs became non-finite.

    scikit-learn's message first, then what happened and what to change.
    """
    if solver == "lbfgs":
        advice = "Scale the input features"
    else:
        advice = (f"Lower learning_rate_init (now {learning_rate_init}) or scale "
                  "the input features")
    return ValueError(
        "Solver produced non-finite parameter weights. The input data may contain "
        f"large values and need to be preprocessed. Training diverged: {what} "
        f"became non-finite {when}; the estimator is left as it was before this "
        f"call. {advice}, for example with sklearn.preprocessing.StandardScaler, "
        "and rescale very large regression targets or sample weights."
    )
