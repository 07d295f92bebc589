"""The command-line tool, ``python -m sklearn_mbnet [options]``.

It trains sklearn_mbnet's estimator and scikit-learn's
(``sklearn.neural_network``) with the same parameters on one data set and
prints a table of the score and fit time of each. Without arguments it is
the README's demo: ``MLPClassifier`` on scikit-learn's bundled digits data,
``hidden_layer_sizes=(100,)``, ``max_iter=50``, ``random_state=0``.

This module holds the options and ``main``; the data are ``_cli_data``'s,
the estimators and their parameters ``_cli_models``', the runs (``run``)
and the table ``_cli_report``'s. The choices of ``--activation``,
``--solver``, ``--loss`` and ``--class-weight`` are read from the
estimators' ``_parameter_constraints``: an activation or a loss registered
in ``sklearn_mbnet.layers`` or ``sklearn_mbnet.losses`` is an option here
without a change to this module.
"""

import argparse

import sklearn
from sklearn.utils._param_validation import StrOptions

from . import __version__
from ._cli_data import DATASETS, MAX_CLASSES, N_FOLDS, SPLIT_SEED, UsageError
from ._cli_models import OURS, THEIRS
from ._cli_report import run
from ._mlp import MLPClassifier, MLPRegressor

PROG = "python -m sklearn_mbnet"
USAGE = ("%(prog)s [-h] [--dataset NAME | --csv FILE --target COLUMN]\n"
         "       [--task TASK] [estimator options] [output options]")
DESCRIPTION = """\
Train sklearn_mbnet's MLP and scikit-learn's (sklearn.neural_network) with the
same parameters on one data set, and print a table of the score and the fit
time of each. Without options: MLPClassifier on the digits data,
hidden_layer_sizes=(100,), max_iter=50, random_state=0.
"""
EPILOG = f"""\
examples:
  {PROG}                      the digits demo
  {PROG} --dataset diabetes --hidden-layer-sizes 64,32 --max-iter 200
  {PROG} --dataset moons --activation gelu --dropout 0.1 --verbose
  {PROG} --csv data.csv --target label --no-compare

evaluation:
  A bundled data set is split once into 75% training and 25% test rows
  (stratified for classification, random_state={SPLIT_SEED}). A CSV file is
  scored by {N_FOLDS}-fold cross-validation (mean ± std over the folds, the
  folds shuffled with random_state={SPLIT_SEED}, stratified for
  classification, the same for both libraries). Scores are accuracy for
  classification and R^2 for regression; features (and a regression target)
  are standardised inside the model. Fit times are wall-clock seconds.

warnings:
  ConvergenceWarnings (max_iter reached before convergence) are counted and
  silenced to keep the table readable, and one line gives their number;
  --show-warnings shows each one. Every other warning is shown as usual.

exit status:
  0 when every fit succeeded, 1 when a fit failed (the table says why),
  2 for invalid options or an unreadable CSV file.
"""


# -- options -------------------------------------------------------------------


def _choices(estimator_class, param):
    """The sorted string options of ``param``, less deprecated ones; maybe none."""
    options = set()
    for constraint in estimator_class._parameter_constraints.get(param, []):
        if isinstance(constraint, StrOptions):
            options |= constraint.options - getattr(constraint, "deprecated", set())
    return sorted(options)


def _ours_only(param, task="classification"):
    """Help text: the choices of ``param`` that scikit-learn's estimator lacks."""
    ours, theirs = _choices(OURS[task], param), _choices(THEIRS[task], param)
    if not theirs:
        return "scikit-learn's estimator has no such choice: its run goes without it"
    extra = [c for c in ours if c not in theirs]
    return (f"scikit-learn lacks {', '.join(extra)}: with those, its run is skipped"
            if extra else "scikit-learn has them all")


def _default(param, task="classification"):
    """The estimator's default value of ``param``, for the help text."""
    return OURS[task]().get_params()[param]


def _checked(text, convert, expected, valid=None):
    """``convert(text)`` if it converts and is ``valid``, else an ArgumentTypeError."""
    try:
        value = convert(text)
        if valid is None or valid(value):
            return value
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"expected {expected}; got {text!r}")


def _numbers(convert):
    """``'1,2'`` as ``(convert('1'), convert('2'))``."""
    return lambda text: tuple(convert(part) for part in text.split(","))


def _sizes(text):
    """``--hidden-layer-sizes``: ``'100,50'`` as ``(100, 50)``."""
    return _checked(text, _numbers(int),
                    "positive integers separated by commas, such as 100,50",
                    lambda sizes: min(sizes) >= 1)


def _batch_size(text):
    """``--batch-size``: ``'auto'`` or an int (its range is the estimator's)."""
    return text if text == "auto" else _checked(text, int, "'auto' or an integer")


def _random_state(text):
    """``--random-state``: an int, or ``'none'`` for None."""
    if text.lower() == "none":
        return None
    return _checked(text, int, "an integer or 'none'")


def _threads(text):
    """``--threads``: a positive int."""
    return _checked(text, int, "a positive integer", lambda threads: threads >= 1)


def _dropout(text):
    """``--dropout``: one rate, or one per hidden layer separated by commas."""
    rates = _checked(
        text, _numbers(float),
        "rates in [0, 1), one or one per hidden layer separated by commas",
        lambda rates: all(0 <= rate < 1 for rate in rates))
    return rates[0] if len(rates) == 1 else rates


def _add_data_options(parser):
    """The options that choose the data and the task."""
    group = parser.add_argument_group("data")
    source = group.add_mutually_exclusive_group()
    source.add_argument(
        "--dataset", choices=list(DATASETS),
        help="a data set bundled with scikit-learn (default: digits); diabetes is "
             "regression (MLPRegressor, R^2), the others classification "
             "(MLPClassifier, accuracy); moons is make_moons(n_samples=2000, "
             "noise=0.25, random_state=0)")
    source.add_argument(
        "--csv", metavar="FILE",
        help="a CSV file of numbers with a header row of column names, instead "
             f"of --dataset; scored by {N_FOLDS}-fold cross-validation")
    group.add_argument(
        "--target", metavar="COLUMN",
        help="with --csv (required): the name of the target column; every other "
             "column is a feature")
    group.add_argument(
        "--task", choices=("auto", "classification", "regression"), default="auto",
        help="with --csv: the kind of problem (default: auto, which is "
             "classification when the target column is non-numeric or holds at "
             f"most {MAX_CLASSES} distinct integers, else regression)")


def _add_estimator_options(parser):
    """The estimator parameters that both libraries share."""
    add = _estimator_option_adder(
        parser, "estimator parameters",
        "  Passed to both libraries' estimators. A parameter without an option\n"
        "  keeps the estimator's default.")
    add("--hidden-layer-sizes", type=_sizes, metavar="SIZES",
        help="units per hidden layer, separated by commas, e.g. 100,50 "
             "(default: 100)")
    add("--activation", choices=_choices(MLPClassifier, "activation"),
        help=f"hidden-layer activation (default: {_default('activation')}; "
             f"{_ours_only('activation')})")
    add("--solver", choices=_choices(MLPClassifier, "solver"),
        help=f"optimizer (default: {_default('solver')})")
    add("--alpha", type=float, help=f"L2 penalty (default: {_default('alpha')})")
    add("--batch-size", type=_batch_size, metavar="{auto,N}",
        help=f"mini-batch size (default: {_default('batch_size')})")
    add("--learning-rate-init", type=float, metavar="RATE",
        help=f"initial learning rate (default: {_default('learning_rate_init')})")
    add("--max-iter", type=int, metavar="N",
        help="maximum number of epochs (default: 50, for a quick run; the "
             f"estimators' own default is {_default('max_iter')})")
    add("--early-stopping", action="store_true",
        help="stop when the score on a held-out validation fraction of the "
             "training data stops improving")
    add("--random-state", type=_random_state, metavar="{N,none}",
        help="seed of the initial weights and the shuffles (default: 0)")
    add("--loss", choices=_choices(MLPRegressor, "loss"),
        help=f"regression only: the loss (default: {_default('loss', 'regression')}; "
             f"{_ours_only('loss', 'regression')})")


def _add_extra_options(parser):
    """The parameters that only sklearn_mbnet's estimators have."""
    add = _estimator_option_adder(
        parser, "sklearn_mbnet extras",
        "  scikit-learn's estimators lack these: its run goes without them, and\n"
        "  the output says so.")
    add("--dropout", type=_dropout, metavar="RATE",
        help="dropout rate of the hidden layers (sgd and adam), one or one per "
             "hidden layer separated by commas (default: 0)")
    add("--class-weight", choices=_choices(MLPClassifier, "class_weight"),
        help="classification only: weight the classes inversely to their "
             "frequencies (default: none)")


def _estimator_option_adder(parser, title, description):
    """A new group's ``add_argument`` for estimator parameters: absent unless given."""
    group = parser.add_argument_group(title, description)

    def add(*flags, **kwargs):
        group.add_argument(*flags, default=argparse.SUPPRESS, **kwargs)
    return add


def _add_output_options(parser):
    """The options of what is run and printed."""
    group = parser.add_argument_group("output")
    group.add_argument(
        "--no-compare", action="store_true",
        help="train sklearn_mbnet's estimator only, not scikit-learn's")
    group.add_argument(
        "-v", "--verbose", action="store_true",
        help="report progress while sklearn_mbnet's estimator trains: a line per "
             "epoch (its verbose=True; nothing for solver lbfgs); scikit-learn's "
             "run stays quiet. Without it nothing is printed during training")
    group.add_argument(
        "--show-warnings", action="store_true",
        help="show every ConvergenceWarning instead of counting them")
    group.add_argument(
        "--threads", type=_threads, metavar="N",
        help="limit the BLAS/OpenMP threads of both libraries' fits to N "
             "(threadpoolctl); default: their own, one per core. On a busy "
             "machine, 1 can be much faster for small networks")
    group.add_argument(
        "--version", action="version",
        version=f"sklearn_mbnet {__version__} (scikit-learn {sklearn.__version__})")


def build_parser():
    """The argument parser of ``python -m sklearn_mbnet``.

    Returns
    -------
    parser : argparse.ArgumentParser
        Estimator options that are not given are absent from its namespace.
    """
    parser = argparse.ArgumentParser(
        prog=PROG, usage=USAGE, description=DESCRIPTION, epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter)
    _add_data_options(parser)
    _add_estimator_options(parser)
    _add_extra_options(parser)
    _add_output_options(parser)
    return parser


def main(argv=None):
    """The command-line tool: parse the options, train, print the table.

    Parameters
    ----------
    argv : list of str, default=None
        The arguments; None for ``sys.argv[1:]``.

    Returns
    -------
    status : int
        The exit status: 0, or 1 if a fit failed. Invalid options or input
        data exit with status 2 (``SystemExit``) and a message on stderr.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return run(args)
    except UsageError as exc:
        parser.error(str(exc))
