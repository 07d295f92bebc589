"""The environment of a run: versions, thread pools and platform."""

import os
import platform
import time
from dataclasses import dataclass

import numpy as np
import sklearn
from threadpoolctl import threadpool_info


@dataclass(frozen=True)
class Environment:
    """Versions, thread settings and platform of the run.

    Attributes
    ----------
    python, numpy, sklearn : str
        Versions.
    sklearn_mbnet, sklearn_mbnet_path : str or None
        sklearn_mbnet's version and package directory, if it ran.
    kernels_default : str or None
        sklearn_mbnet's ``kernels_in_use()`` as imported, if it ran.
    torch : str or None
        PyTorch's version, if it ran.
    threads : int
        The ``--threads`` limit.
    cpu_count : int
        ``os.cpu_count()``.
    platform, machine, date : str
        ``platform.platform()``, ``platform.machine()``, local start time.
    threadpools : list of dict
        ``internal_api``, ``num_threads`` and ``version`` of each thread pool.
    """

    python: str
    numpy: str
    sklearn: str
    sklearn_mbnet: str | None
    sklearn_mbnet_path: str | None
    kernels_default: str | None
    torch: str | None
    threads: int
    cpu_count: int
    platform: str
    machine: str
    date: str
    threadpools: list


def environment(libs, threads):
    """Collect versions, thread settings and platform information.

    Parameters
    ----------
    libs : list of str
        The libraries that run; only their versions are looked up.
    threads : int
        The thread limit in force.

    Returns
    -------
    Environment
    """
    mbnet_version = mbnet_path = kernels = torch_version = None
    if any(lib.startswith("mbnet") for lib in libs):
        import sklearn_mbnet

        mbnet_version = getattr(sklearn_mbnet, "__version__", "unknown")
        mbnet_path = os.path.dirname(os.path.abspath(sklearn_mbnet.__file__))
        kernels = sklearn_mbnet.kernels_in_use()
    if "torch" in libs:
        import torch

        torch_version = torch.__version__
    pools = [{k: p.get(k) for k in ("internal_api", "num_threads", "version")}
             for p in threadpool_info()]
    return Environment(platform.python_version(), np.__version__, sklearn.__version__,
                       mbnet_version, mbnet_path, kernels, torch_version, threads,
                       os.cpu_count(), platform.platform(), platform.machine(),
                       time.strftime("%Y-%m-%d %H:%M:%S"), pools)
