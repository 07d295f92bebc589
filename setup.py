"""The optional compiled kernels: built when a C compiler works, skipped when not.

Everything else about the package is in pyproject.toml. Without a compiler
(or with ``CC=/bin/false``) the install still succeeds and the package runs
on its NumPy path; the reason the build failed is printed, not hidden.
"""

import os
import shutil
import sys

from setuptools import Extension, setup
from setuptools.command.build_ext import build_ext


class OptionalBuildExt(build_ext):
    """``build_ext`` that reports a failed compile instead of failing the install."""

    def run(self):
        try:
            super().run()
        except Exception as exc:  # no compiler at all: distutils' errors vary
            self._skip(exc)
        else:
            self._copy_into_checkout()

    def _copy_into_checkout(self):
        """Put the built extension beside its sources as well.

        From the checkout's root, ``python -m sklearn_mbnet`` and ``python -m
        pytest`` import the package from the checkout, not the installed
        copy; without this copy they would run the NumPy path after
        ``pip install .`` (pip builds in the checkout since pip 21.3).
        """
        if self.inplace:
            return
        for ext in self.extensions:
            built = self.get_ext_fullpath(ext.name)
            self.inplace = True
            beside_sources = self.get_ext_fullpath(ext.name)
            self.inplace = False
            if os.path.exists(built) and os.path.isdir(os.path.dirname(beside_sources)):
                shutil.copyfile(built, beside_sources)

    def build_extension(self, ext):
        try:
            super().build_extension(ext)
        except Exception as exc:
            self._skip(exc)

    def _skip(self, exc):
        print(f"sklearn_mbnet: the compiled kernels were not built ({exc}); "
              "the package will run on its NumPy path.", file=sys.stderr)


KERNELS = Extension(
    "sklearn_mbnet._ckernels",
    sources=[f"sklearn_mbnet/_ckernels{part}.c"
             for part in ("", "_args", "_gather", "_variants")],
    depends=[f"sklearn_mbnet/_ckernels{part}.h" for part in ("", "_impl", "_types")],
    # No -ffast-math: the kernels keep IEEE semantics (NaN and inf propagate
    # as in NumPy). -fno-math-errno only lets sqrt vectorise: nothing reads
    # errno. Per-CPU variants come from target pragmas in the source; only
    # PyInit__ckernels is exported.
    extra_compile_args=(["-O3", "-std=c99", "-fno-math-errno", "-fvisibility=hidden"]
                        if sys.platform != "win32" else ["/O2"]),
)

setup(ext_modules=[KERNELS], cmdclass={"build_ext": OptionalBuildExt})
