"""Sphinx configuration of the sklearn_mbnet documentation.

Build from the repository root, after ``pip install ".[docs]"``; no network
is needed, neither to build nor to read the pages (formulas are MathML,
written at build time by ``sphinxext/mathml.py``)::

    python -m sphinx -W -b html docs docs/_build/html

or ``make -C docs html``. Two options:

- ``-D plot_gallery=0`` on the sphinx command line (``make -C docs
  html-noplot``) builds without running the examples;
- the environment variable ``SKLEARN_MBNET_DOCS_INTERSPHINX=1`` links to the
  Python, NumPy, SciPy and scikit-learn documentation. It downloads their
  inventories, so it is off by default.
"""

import os
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The package from this checkout, not an installed copy; and the local
# Sphinx extensions.
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE / "sphinxext"))

import sklearn_mbnet  # noqa: E402

# -- Project ------------------------------------------------------------------

project = "sklearn_mbnet"
author = "The sklearn_mbnet developers"
copyright = "The sklearn_mbnet developers"  # noqa: A001 - Sphinx's name
release = sklearn_mbnet.__version__
version = ".".join(release.split(".")[:2])

# -- General ------------------------------------------------------------------

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "benchmark_report",
    "benchmark_table",
    "mathml",
]
INTERSPHINX = os.environ.get("SKLEARN_MBNET_DOCS_INTERSPHINX") == "1"
if INTERSPHINX:
    extensions.append("sphinx.ext.intersphinx")
    intersphinx_mapping = {
        "python": ("https://docs.python.org/3", None),
        "numpy": ("https://numpy.org/doc/stable/", None),
        "scipy": ("https://docs.scipy.org/doc/scipy/", None),
        "sklearn": ("https://scikit-learn.org/stable/", None),
    }

templates_path = ["_templates"]
exclude_patterns = ["_build", "_templates", "Thumbs.db", ".DS_Store"]
root_doc = "index"
default_role = "literal"
pygments_style = "sphinx"

# autodoc / autosummary: one page per estimator, under generated/.
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"

# numpydoc renders the docstrings; autodoc lists the methods, so numpydoc's
# own member tables would repeat them.
numpydoc_show_class_members = False
numpydoc_attributes_as_param_list = True

# -- sphinx-gallery -----------------------------------------------------------

sphinx_gallery_conf = {
    "examples_dirs": ["../examples"],
    "gallery_dirs": ["auto_examples"],
    "filename_pattern": r"/plot_",
    "within_subsection_order": "FileNameSortKey",
    "doc_module": ("sklearn_mbnet",),
    "reference_url": {"sklearn_mbnet": None},
    "backreferences_dir": "gen_modules/backreferences",
    "inspect_global_variables": False,
    "remove_config_comments": True,
    "min_reported_time": 1,
    "abort_on_example_error": True,
}
# No "Computation times" pages: sphinx-gallery (>= 0.18) writes them with
# scripts and styles from CDNs, and the build log lists the times anyway.
sphinx_gallery_conf["write_computation_times"] = False

# -- HTML ---------------------------------------------------------------------

html_theme = "alabaster"
html_theme_options = {
    "description": "Mini-batch MLPs, drop-in for scikit-learn",
    "fixed_sidebar": False,
    "page_width": "1100px",
    "sidebar_width": "220px",
}
html_static_path = ["_static"]
html_css_files = ["custom.css", "mathml.css"]
# Formulas are converted to MathML at build time (sphinxext/mathml.py), so
# the pages show them without loading MathJax from a CDN: offline too.
html_math_renderer = "mathml"
html_title = f"sklearn_mbnet {release}"
html_show_sourcelink = False


# -- Inherited scikit-learn docstrings ----------------------------------------

# The methods inherited from scikit-learn (score, get_params, the metadata
# routing requests) refer to labels and glossary terms of scikit-learn's own
# documentation. With intersphinx they link there; without it, they are
# shown as plain text rather than as broken references.
_SKLEARN_XREF = re.compile(r":(?:ref|term):`\s*([^`<]*?)\s*(?:<([^`>]*)>)?\s*`")


def _unlink_sklearn_xrefs(app, what, name, obj, options, lines):
    module = getattr(obj, "__module__", None) or ""
    if INTERSPHINX or not module.startswith("sklearn."):
        return
    text = "\n".join(lines)
    text = _SKLEARN_XREF.sub(lambda m: m.group(1) or m.group(2), text)
    lines[:] = text.split("\n")


def setup(app):
    app.connect("autodoc-process-docstring", _unlink_sklearn_xrefs)
