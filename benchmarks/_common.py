"""Small helpers shared by the benchmark modules: logging and ratios."""

import os
import shlex
import statistics
import sys

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def log(msg):
    """Print a progress message on stderr (stdout carries only the report).

    Parameters
    ----------
    msg : str
        The message.
    """
    print(msg, file=sys.stderr, flush=True)


def command_line():
    """Return the command line that started this process, shell-quoted.

    Returns
    -------
    str
        The interpreter's base name followed by ``sys.argv``.
    """
    return shlex.join([os.path.basename(sys.executable)] + sys.argv)


def ratio(num, den):
    """Return ``num / den``, or None when either is missing or ``den`` is zero.

    Parameters
    ----------
    num, den : float or None
        Numerator and denominator.

    Returns
    -------
    float or None
    """
    if num is None or den is None or den == 0:
        return None
    return num / den


def rel_diff(value, reference):
    """Return ``|value - reference| / |reference|``, or None if either is missing.

    Parameters
    ----------
    value, reference : float or None
        The value and the one it is compared with.

    Returns
    -------
    float or None
    """
    if value is None or reference is None:
        return None
    return ratio(abs(value - reference), abs(reference))


def median_or_none(values):
    """Return the median of ``values``, or None when there are none.

    Parameters
    ----------
    values : sequence of float
        The values.

    Returns
    -------
    float or None
    """
    return statistics.median(values) if values else None
