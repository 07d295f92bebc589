"""The optional compiled kernels: built when a C compiler works, skipped when not.

Everything else about the package is in pyproject.toml. Without a compiler
(or with ``CC=/bin/false``) the install still succeeds and the package runs
on its NumPy path; the reason the build failed is printed, not hidden.
"""

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
    sources=["sklearn_mbnet/_ckernels.c"],
    # No -ffast-math: the kernels keep IEEE semantics (NaN and inf propagate
    # as in NumPy). -fno-math-errno only lets sqrt vectorise: nothing reads
    # errno. Per-CPU variants come from target pragmas in the source.
    extra_compile_args=["-O3", "-std=c99", "-fno-math-errno"] if sys.platform != "win32" else ["/O2"],
)

setup(ext_modules=[KERNELS], cmdclass={"build_ext": OptionalBuildExt})
