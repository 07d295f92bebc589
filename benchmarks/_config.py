"""The run configuration: options checked and resolved into a ``RunConfig``."""

import importlib
from dataclasses import dataclass

from _kernel_paths import compiled_available
from _libraries import ALL_LIBS, BASELINE, BY_NAME, LIBRARIES, importable
from _workloads import WORKLOADS

QUICK_PREDICT_ROWS = 20_000
DEFAULT_PREDICT_ROWS = 1_000_000


@dataclass(frozen=True)
class RunConfig:
    """The validated options of one run; ``asdict`` gives its JSON.

    Attributes
    ----------
    rounds, threads, seed : int
        ``--rounds``, ``--threads``, ``--seed``.
    epochs : dict of str to int
        Epochs per workload.
    workloads : list of str
        Workload keys to run, in order.
    libs : list of str
        Library names to run, in ``LIBRARIES`` order.
    predict : bool
        Whether the prediction benchmark runs.
    predict_rows : int
        Rows it predicts.
    floor, warmup, quick : bool
        ``--floor``, ``--warmup``, ``--quick``.
    kernels : list of str
        ``--kernels``, resolved: ``"on"``, ``"off"`` or both; empty when no
        sklearn_mbnet library runs.
    kernel_paths : dict of str to str
        The kernel path (``"compiled"``, ``"numpy"``) of each sklearn_mbnet
        library that runs.
    """

    rounds: int
    threads: int
    seed: int
    epochs: dict
    workloads: list
    libs: list
    predict: bool
    predict_rows: int
    floor: bool
    warmup: bool
    quick: bool
    kernels: list
    kernel_paths: dict


def parse_epochs(spec, quick):
    """Return the epochs per workload: the defaults, overridden by ``spec``.

    Parameters
    ----------
    spec : str
        ``--epochs``, e.g. ``"W1=20,W2=3"``; may be empty.
    quick : bool
        Start from the ``--quick`` defaults.

    Returns
    -------
    dict of str to int
    """
    epochs = {k: (w.quick_epochs if quick else w.epochs) for k, w in WORKLOADS.items()}
    for item in filter(None, (spec or "").split(",")):
        key, _, value = item.partition("=")
        key = key.strip().upper()
        if key not in WORKLOADS or not value.strip().isdigit() or int(value) < 1:
            raise SystemExit(f"bad --epochs item {item!r}; expected e.g. W1=20")
        epochs[key] = int(value)
    return epochs


def parse_list(spec, allowed, option):
    """Split a comma-separated list and check that every item is allowed.

    Parameters
    ----------
    spec : str
        The option's value.
    allowed : sequence of str
        Allowed items.
    option : str
        The option's name, for the error message.

    Returns
    -------
    list of str
        The items, in the given order; ``SystemExit`` if one is not allowed.
    """
    items = [s.strip() for s in spec.split(",") if s.strip()]
    bad = [s for s in items if s not in allowed]
    if bad or not items:
        raise SystemExit(f"bad {option} {spec!r}; choose from {', '.join(allowed)}")
    return items


def resolve_libs(only):
    """Return the libraries to benchmark, checking that the requested ones import.

    Parameters
    ----------
    only : str or None
        ``--only``. None: every library, the optional ones only if they
        import, the always-NumPy one only as ``resolve_kernels`` adds it.

    Returns
    -------
    list of str
        In ``LIBRARIES`` order; ``SystemExit`` if a requested one fails to
        import.
    """
    if only is None:
        libs = [lib.name for lib in LIBRARIES if lib.kernels != "numpy"
                and (not lib.optional or importable(lib.name))]
    else:
        requested = parse_list(only, ALL_LIBS, "--only")
        libs = [name for name in ALL_LIBS if name in requested]
    for name in libs:
        module = BY_NAME[name].module
        try:
            importlib.import_module(module)
        except ImportError as exc:
            if BY_NAME[name].optional:
                raise SystemExit(f"--only includes {name} but `import {module}` fails")
            raise SystemExit(f"cannot import {module} ({exc}); use --only {BASELINE} "
                             "to benchmark scikit-learn alone")
    return libs


def resolve_kernels(spec, libs):
    """Return ``--kernels`` resolved, the libraries to run and their paths.

    Parameters
    ----------
    spec : str or None
        ``--kernels``: ``on``, ``off`` or both, comma-separated. None: ``on``
        if sklearn_mbnet chose its compiled kernels at import, else ``off``.
    libs : list of str
        The libraries ``--only`` selected.

    Returns
    -------
    kernels : list of str
        ``"on"``/``"off"``; empty if no sklearn_mbnet library runs.
    libs : list of str
        With the always-NumPy library added when both paths are asked for
        and the chosen-path one runs; in ``LIBRARIES`` order.
    paths : dict of str to str
        ``"compiled"`` or ``"numpy"`` per sklearn_mbnet library in ``libs``.
        ``SystemExit`` if ``on`` is asked for and the kernels are not built.
    """
    if not any(BY_NAME[name].kernels for name in libs):
        return [], libs, {}
    from sklearn_mbnet import kernels_in_use

    if spec is None:
        spec = "on" if kernels_in_use().startswith("compiled") else "off"
    kernels = parse_list(spec, ("on", "off"), "--kernels")
    if "on" in kernels and not compiled_available():
        raise SystemExit("--kernels on: sklearn_mbnet's compiled kernels are not "
                         "built (kernels_in_use() is 'numpy'); build them with "
                         "`pip install -e .` and a working C compiler, or run "
                         "with --kernels off")
    if {"on", "off"} <= set(kernels) and any(BY_NAME[name].kernels == "chosen"
                                             for name in libs):
        libs = [lib.name for lib in LIBRARIES
                if lib.name in libs or lib.kernels == "numpy"]
    chosen = "compiled" if "on" in kernels else "numpy"
    paths = {name: chosen if BY_NAME[name].kernels == "chosen" else "numpy"
             for name in libs if BY_NAME[name].kernels}
    return kernels, libs, paths


def resolve_config(args):
    """Return the validated run configuration.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed ``bench_training.py`` arguments.

    Returns
    -------
    RunConfig
        ``SystemExit`` on an invalid option.
    """
    rounds = args.rounds if args.rounds is not None else (1 if args.quick else 3)
    rows = args.predict_rows
    if rows is None:
        rows = QUICK_PREDICT_ROWS if args.quick else DEFAULT_PREDICT_ROWS
    if rounds < 1 or args.threads < 1 or rows < 1:
        raise SystemExit("--rounds, --threads and --predict-rows must be >= 1")
    kernels, libs, paths = resolve_kernels(args.kernels, resolve_libs(args.only))
    return RunConfig(rounds=rounds, threads=args.threads, seed=args.seed,
                     epochs=parse_epochs(args.epochs, args.quick),
                     workloads=parse_list(args.workloads.upper(), tuple(WORKLOADS),
                                          "--workloads"),
                     libs=libs, predict=args.predict, predict_rows=rows,
                     floor=args.floor, warmup=args.warmup, quick=args.quick,
                     kernels=kernels, kernel_paths=paths)
