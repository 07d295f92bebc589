"""The estimators of the command-line tool: their parameters and their models.

Both libraries' estimators get the same parameters; every parameter is
checked by sklearn_mbnet's estimator itself before any training, and
scikit-learn's runs without the parameters it lacks, or not at all with a
value it rejects. The features are standardised inside the model, and so is
a regression target. Progress reports during training have one hook,
``progress_params``.
"""

from dataclasses import dataclass

import numpy as np
from sklearn import neural_network
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils._param_validation import InvalidParameterError

from ._cli_data import UsageError
from ._mlp import MLPClassifier, MLPRegressor
from .losses import LOSSES

OURS = {"classification": MLPClassifier, "regression": MLPRegressor}
THEIRS = {"classification": neural_network.MLPClassifier,
          "regression": neural_network.MLPRegressor}
# The estimator parameters that options set; the option of p is --p-with-dashes.
ESTIMATOR_PARAMS = (
    "hidden_layer_sizes", "activation", "solver", "alpha", "batch_size",
    "learning_rate_init", "max_iter", "early_stopping", "random_state",
    "dropout", "class_weight", "loss",
)
# The demo's settings, which the options override; every other parameter is
# the estimator's default.
DEMO_PARAMS = {"hidden_layer_sizes": (100,), "max_iter": 50, "random_state": 0}


def estimator_params(args, task):
    """The parameters that the options give, over ``DEMO_PARAMS``, checked.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed options; only those given hold estimator parameters.
    task : {'classification', 'regression'}
        Which of sklearn_mbnet's estimators checks them.

    Returns
    -------
    params : dict
        Constructor parameters of the estimators.

    Raises
    ------
    UsageError
        For a parameter that the estimator lacks or rejects.
    """
    estimator_class = OURS[task]
    known = estimator_class().get_params()
    given = {name: value for name, value in vars(args).items()
             if name in ESTIMATOR_PARAMS}
    for name in given:
        if name not in known:
            raise UsageError(
                f"--{name.replace('_', '-')} does not apply to {task}: "
                f"{estimator_class.__name__} has no parameter {name!r}")
    params = {**DEMO_PARAMS, **given}
    rates, sizes = params.get("dropout"), params["hidden_layer_sizes"]
    if isinstance(rates, tuple) and len(rates) != len(sizes):
        raise UsageError(f"--dropout gives {len(rates)} rates for {len(sizes)} "
                         "hidden layer(s); give one rate, or one per hidden layer")
    rejected = _rejection(estimator_class(**params))
    if rejected is not None:
        raise UsageError(f"invalid estimator parameter: {rejected}")
    return params


def _rejection(estimator):
    """What ``estimator`` says of its invalid parameters; None if they are valid."""
    try:
        estimator._validate_params()
    except InvalidParameterError as exc:
        return str(exc)
    return None


def progress_params(args):
    """The parameters that make sklearn_mbnet's estimator report its progress.

    The one place where the tool asks for progress reports while training,
    and only of sklearn_mbnet's estimator: scikit-learn's run stays quiet.
    Today ``--verbose`` turns on ``verbose=True``, a line per epoch, and
    nothing is printed without it. When the library gains a progress bar,
    return its parameter from here (for example by default, with
    ``--verbose`` keeping the lines per epoch).

    Parameters
    ----------
    args : argparse.Namespace
        The parsed options.

    Returns
    -------
    params : dict
        Constructor parameters for sklearn_mbnet's estimator only.
    """
    return {"verbose": True} if args.verbose else {}


@dataclass
class Contender:
    """An estimator to score, or why it is not run.

    Parameters
    ----------
    label : str
        Its name in the table.
    estimator : estimator, default=None
        None if it is not run.
    note : str, default=""
        A note for the table: why it is not run, or how it differs.
    """

    label: str
    estimator: object = None
    note: str = ""


def _label(estimator_class):
    """The estimator's public name, such as ``sklearn.neural_network.MLPRegressor``."""
    ours = estimator_class in OURS.values()
    package = "sklearn_mbnet" if ours else "sklearn.neural_network"
    return f"{package}.{estimator_class.__name__}"


def format_params(params):
    """``name=value, ...``."""
    return ", ".join(f"{name}={value!r}" for name, value in params.items())


def contenders(args, params, task):
    """The estimators to score: ours, then scikit-learn's unless ``--no-compare``.

    Parameters
    ----------
    args : argparse.Namespace
        The parsed options.
    params : dict
        The checked estimator parameters.
    task : {'classification', 'regression'}
        Which estimators.

    Returns
    -------
    contenders : list of Contender
        In the order of the table.
    """
    ours = OURS[task]
    runs = [Contender(_label(ours), ours(**params, **progress_params(args)))]
    if not args.no_compare:
        runs.append(_scikit_learn(params, task))
    return runs


def _scikit_learn(params, task):
    """The contender of scikit-learn: ``params`` less our extras, or why not."""
    estimator_class = THEIRS[task]
    label, known = _label(estimator_class), estimator_class().get_params()
    kept = {name: value for name, value in params.items() if name in known}
    dropped = {name: value for name, value in params.items() if name not in known}
    estimator = estimator_class(**kept)
    rejected = _rejection(estimator)
    if rejected is not None:
        return Contender(label, None, f"not run: {rejected}")
    note = (f"ran without {format_params(dropped)}: sklearn_mbnet extras that "
            f"scikit-learn's {estimator_class.__name__} lacks" if dropped else "")
    return Contender(label, estimator, note)


def centres_target(params, task):
    """Whether the model centres the target: a classifier, or a loss that allows it."""
    if task == "classification":
        return True
    loss_params = MLPRegressor(**params).get_params()
    try:
        LOSSES[loss_params["loss"]].from_params(loss_params).check_target(
            np.array([[-1.0]]))
    except ValueError:
        return False  # poisson: the target is only divided by its std
    return True


def make_model(estimator, task, centre_target=True):
    """The estimator after a StandardScaler; for regression, on a scaled target.

    Parameters
    ----------
    estimator : estimator
        A classifier or regressor.
    task : {'classification', 'regression'}
        The estimator's task.
    centre_target : bool, default=True
        For regression: subtract the target's mean as well as dividing by
        its standard deviation.

    Returns
    -------
    model : estimator
        A pipeline, in a TransformedTargetRegressor for regression.
    """
    model = make_pipeline(StandardScaler(), estimator)
    if task == "classification":
        return model
    return TransformedTargetRegressor(
        regressor=model, transformer=StandardScaler(with_mean=centre_target))
