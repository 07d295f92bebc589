"""Shared test configuration: the hypothesis profile and the fuzz summary.

The property-based suite (``test_fuzz.py``) runs under the ``ci`` profile:
derandomized, so that every run generates the same cases, with no deadline
(the shared CI machine's timing varies) and no example database (nothing
carried over between runs). ``HYPOTHESIS_PROFILE=explore`` draws new random
cases instead, for local bug hunting; it is never the default.

At the end of a run that included the fuzz tests, the terminal summary
gives one line of counts; ``--fuzz-report`` lists the cases per test and
the distinct error messages the estimators raised, with the kinds of case
that raised each.

Plain helpers that several test modules share (the estimators by kind, the
``each_kind`` parametrization, data sets, weight comparisons) live in
``_helpers.py``, imported as ``from _helpers import ...``.
"""

import collections
import os

import pytest
from hypothesis import HealthCheck, settings

_COMMON = dict(
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
settings.register_profile("ci", derandomize=True, **_COMMON)
settings.register_profile("explore", derandomize=False, **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


class _Stats(dict):
    """A dict with a short repr, for hypothesis's reports of failing cases."""

    def __repr__(self):
        return "<fuzz statistics>"


# Filled by the fuzz tests: cases and successful fits per test, and
# {error pattern: {kind of case: count}}.
FUZZ_STATS = _Stats(
    cases=collections.Counter(),
    fitted=collections.Counter(),
    errors=collections.defaultdict(collections.Counter),
)


@pytest.fixture(scope="session")
def fuzz_stats():
    """The session's fuzz statistics (cases generated, errors raised)."""
    return FUZZ_STATS


def pytest_addoption(parser):
    parser.addoption("--fuzz-report", action="store_true",
                     help="print the property-based suite's cases and the catalogue "
                          "of the errors the estimators raised")


def pytest_terminal_summary(terminalreporter, config):
    """One line of property-based counts; with --fuzz-report, the cases per
    test and the catalogue of errors."""
    cases = FUZZ_STATS["cases"]
    if not cases:
        return
    write, fitted = terminalreporter.write_line, FUZZ_STATS["fitted"]
    if not config.getoption("--fuzz-report"):
        write(f"property-based cases: {sum(cases.values())}, successful fits "
              f"{sum(fitted.values())}, distinct errors {len(FUZZ_STATS['errors'])} "
              "(--fuzz-report lists them)")
        return
    terminalreporter.section("property-based cases")
    write("  cases  successful fits  test")
    for test, n in sorted(cases.items()):
        write(f"{n:7d}  {fitted[test]:15d}  {test}")
    write(f"{sum(cases.values()):7d}  {sum(fitted.values()):15d}  in total")
    terminalreporter.section("errors raised by the estimators")
    for pattern, kinds in sorted(FUZZ_STATS["errors"].items()):
        write(f"{sum(kinds.values()):6d}  {pattern}")
        write("        cases: " + ", ".join(f"{k} ({n})" for k, n in sorted(kinds.items())))
