"""sklearn_mbnet's kernel paths in a run: which one each library runs on.

``--kernels`` chooses the compiled kernels, NumPy's, or both (as two
libraries); ``pin_kernels`` records the path of each sklearn_mbnet library,
whose estimators then run ``fit`` and their predictions inside
``sklearn_mbnet._kernels.use(path)`` and record ``kernels_in_use()``.
Nothing here imports sklearn_mbnet before it is needed, so that
``--only sklearn`` never imports it.
"""

import functools

# The kernel path ("compiled" or "numpy") each sklearn_mbnet library runs
# on in this run, set once from --kernels by ``pin_kernels``.
_KERNEL_PATHS = {}


def pin_kernels(paths):
    """Make the estimators of each named library run on the given kernel path.

    Parameters
    ----------
    paths : dict of str to str
        Library name to ``"compiled"`` or ``"numpy"``; libraries not named
        run on whatever path sklearn_mbnet chose at import.
    """
    _KERNEL_PATHS.clear()
    _KERNEL_PATHS.update(paths)


def pinned_class(name, cls):
    """Return ``cls``, or its subclass on the kernel path pinned for ``name``.

    Parameters
    ----------
    name : str
        Library name.
    cls : type
        The library's estimator class.

    Returns
    -------
    type
        ``cls`` itself if ``pin_kernels`` named no path for ``name``.
    """
    path = _KERNEL_PATHS.get(name)
    return cls if path is None else _on_path(cls, path)


@functools.lru_cache(maxsize=None)
def _on_path(cls, path):
    """A subclass of ``cls`` whose fit and predictions run on kernel ``path``.

    Its ``fit`` records ``kernels_in_use()`` inside the run as
    ``bench_kernels_``.
    """
    from sklearn_mbnet import _kernels

    def on_path(method):
        @functools.wraps(method)
        def run(self, *args, **kwargs):
            with _kernels.use(path):
                self.bench_kernels_ = _kernels.kernels_in_use()
                return method(self, *args, **kwargs)
        return run

    methods = ("fit", "predict", "predict_proba")
    return type(cls.__name__, (cls,), {name: on_path(getattr(cls, name))
                                       for name in methods if hasattr(cls, name)})


def compiled_available():
    """Return whether sklearn_mbnet's compiled kernels were built.

    Returns
    -------
    bool
        Whether ``_kernels.use("compiled")`` works (imports sklearn_mbnet).
    """
    from sklearn_mbnet import _kernels

    try:
        with _kernels.use("compiled"):
            return True
    except RuntimeError:
        return False


def kernels_line(results):
    """Return the report's line naming each sklearn_mbnet library's kernel path.

    Parameters
    ----------
    results : BenchmarkResults
        The run; its fits recorded ``kernels_in_use()``, its configuration
        the requested paths.

    Returns
    -------
    str or None
        None if no sklearn_mbnet library ran.
    """
    config = results.config
    if not config.kernel_paths:
        return None
    ran = {name: sorted({t.libs[name].kernels for t in results.training
                         if name in t.libs and t.libs[name].kernels})
           for name in config.kernel_paths}
    paths = ", ".join(f"{name}={'/'.join(ran[name]) or path}"
                      for name, path in config.kernel_paths.items())
    return (f"kernels: {paths} (--kernels {','.join(config.kernels)}; "
            f"default at import: {results.environment.kernels_default})")
