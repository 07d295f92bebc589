"""The libraries the benchmark times: the one place that lists them.

``LIBRARIES`` drives ``--only``, the fitting code, the training table's
columns and the chart's bars, so adding a library means adding one
``Library`` record here (plus, for a new ``runner``, its fitting code).
"""

import importlib
from dataclasses import dataclass

from _kernel_paths import pinned_class
from _workloads import BETAS, EPSILON, LEARNING_RATE


@dataclass(frozen=True)
class Library:
    """One library the benchmark can time.

    Attributes
    ----------
    name : str
        Its name in ``--only``, in the results, the log and the table headers.
    plot_label : str
        Legend label of its speed-up bars in the chart.
    module : str
        The module that must import for the library to run; for the
        ``"estimator"`` runner it provides ``MLPClassifier`` and
        ``MLPRegressor``.
    runner : {"estimator", "torch"}
        ``"estimator"``: scikit-learn style estimators, fitted with ``fit``;
        their ``loss_`` and objective are shown. ``"torch"``: a raw PyTorch
        training loop, timed only.
    compared : bool
        Whether the table compares it with the baseline: a speed-up column
        after its time, a ``/floor`` column and loss difference columns.
    optional : bool
        Run by default only if its module imports (else it is required).
    header_suffix : str
        Appended to the headers of its comparison columns, so that they
        stay distinct when several libraries are compared.
    kernels : {None, "chosen", "numpy"}
        For sklearn_mbnet, the kernel path its fits and predictions run on:
        ``"chosen"``, the compiled kernels when ``--kernels`` includes
        ``on``, else NumPy's; ``"numpy"``, always NumPy's (run when
        ``--kernels`` asks for both). None: not sklearn_mbnet.
    """

    name: str
    plot_label: str
    module: str
    runner: str = "estimator"
    compared: bool = False
    optional: bool = False
    header_suffix: str = ""
    kernels: str | None = None


LIBRARIES = (
    Library("sklearn", "scikit-learn", "sklearn.neural_network"),
    Library("mbnet", "sklearn_mbnet", "sklearn_mbnet", compared=True,
            kernels="chosen"),
    Library("mbnet-numpy", "sklearn_mbnet", "sklearn_mbnet", compared=True,
            header_suffix=" numpy", kernels="numpy"),
    Library("torch", "raw PyTorch", "torch", runner="torch", optional=True),
)
ALL_LIBS = tuple(lib.name for lib in LIBRARIES)
BY_NAME = {lib.name: lib for lib in LIBRARIES}
# The reference every other library is compared with.
BASELINE = "sklearn"
# The library of the headline comparisons: the prediction benchmark's
# speed-up and label agreement, and the single-valued JSON keys.
CANDIDATE = "mbnet"


def importable(name):
    """Return True if the module library ``name`` needs imports.

    Parameters
    ----------
    name : str
        Library name, one of ``ALL_LIBS``.

    Returns
    -------
    bool
    """
    try:
        importlib.import_module(BY_NAME[name].module)
    except ImportError:
        return False
    return True


def estimator_class(name, task):
    """Return the MLP estimator class of an ``"estimator"`` library.

    Parameters
    ----------
    name : str
        Library name, e.g. ``"sklearn"`` or ``"mbnet"``.
    task : {"classification", "regression"}
        Which estimator.

    Returns
    -------
    type
        ``MLPClassifier`` or ``MLPRegressor`` of that library.
    """
    module = importlib.import_module(BY_NAME[name].module)
    return module.MLPClassifier if task == "classification" else module.MLPRegressor


def make_estimator(name, wl, epochs, seed):
    """Build an estimator that trains for exactly ``epochs`` epochs.

    ``tol=0`` and ``n_iter_no_change=epochs`` make early stopping impossible.

    Parameters
    ----------
    name : str
        Library name of an ``"estimator"`` library.
    wl : Workload
        Network shape, batch size and task.
    epochs : int
        ``max_iter``.
    seed : int
        ``random_state``.

    Returns
    -------
    estimator
        Unfitted; on the kernel path ``pin_kernels`` set for ``name``, if any.
    """
    cls = estimator_class(name, wl.task)
    cls = pinned_class(name, cls)
    return cls(hidden_layer_sizes=wl.hidden, solver="adam", batch_size=wl.batch_size,
               learning_rate_init=LEARNING_RATE, beta_1=BETAS[0], beta_2=BETAS[1],
               epsilon=EPSILON, max_iter=epochs, tol=0.0, n_iter_no_change=epochs,
               shuffle=True, early_stopping=False, random_state=seed)
