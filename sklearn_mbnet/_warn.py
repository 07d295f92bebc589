"""Warnings that point at the user's line, not at ours.

A fixed ``stacklevel`` is wrong as soon as a call passes through another
layer (scikit-learn's ``_fit_context``, our all-or-nothing wrapper, a
``Pipeline``); the first frame outside this package and scikit-learn is.
"""

import os
import sys
import warnings

import sklearn

_PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep
_INTERNAL = (_PACKAGE, os.path.dirname(os.path.abspath(sklearn.__file__)) + os.sep)
# The command-line tool is the package's own user: its lines are the caller's.
_CALLERS = ("__main__.py", "_cli")


def _is_internal(filename):
    filename = os.path.abspath(filename)
    ours = filename.startswith(_PACKAGE)
    if ours and os.path.basename(filename).startswith(_CALLERS):
        return False
    return filename.startswith(_INTERNAL)


def warn(message, category=UserWarning):
    """``warnings.warn`` attributed to the first frame outside the libraries."""
    frame, stacklevel = sys._getframe(1), 2
    while frame is not None and _is_internal(frame.f_code.co_filename):
        frame, stacklevel = frame.f_back, stacklevel + 1
    warnings.warn(message, category, stacklevel=stacklevel)
