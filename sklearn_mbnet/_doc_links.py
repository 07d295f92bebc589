"""Links from the estimators' HTML display to their API documentation.

scikit-learn's HTML representation (``estimator._repr_html_()``, what a
notebook shows) links the estimator's name to its API page and each
parameter, and each fitted attribute, to its entry on that page. It builds
the links from three class attributes of the estimator (see
``sklearn.utils._repr_html.base._HTMLDocumentationLinkMixin``):

- ``_doc_link_module``: the links are made only for classes whose module
  starts with this package name (not for user subclasses defined
  elsewhere);
- ``_doc_link_template``: the URL of the API page, a format string;
- ``_doc_link_url_param_generator``: a function of the estimator returning
  the fields of the template. When it is None, scikit-learn fills only
  ``{estimator_module}`` and ``{estimator_name}``, so a template with any
  other field (here ``{version_url}``) needs it.

The estimators' base class sets::

    _doc_link_module = DOC_LINK_MODULE
    _doc_link_template = DOC_LINK_TEMPLATE
    _doc_link_url_param_generator = doc_link_url_params

The page name is the one the documentation build gives a class:
``docs/api.rst`` lists the estimators with ``autosummary`` under
``.. currentmodule:: sklearn_mbnet`` and ``:toctree: generated/``, so the
page of ``MLPClassifier`` is ``generated/sklearn_mbnet.MLPClassifier.html``.
A parameter's link adds a text fragment (``#:~:text=name,-type``) that
scikit-learn derives from the "name : type" line of the class docstring;
numpydoc renders that line as the name followed by the type, so the same
fragment finds the entry on our page (numpydoc gives it no anchor).
"""

import re

DOC_LINK_MODULE = "sklearn_mbnet"

DOC_LINK_TEMPLATE = (
    "https://sklearn-mbnet.readthedocs.io/en/{version_url}/generated/"
    "sklearn_mbnet.{estimator_name}.html"
)


def doc_version_url(version):
    """The version part of the documentation URL, as scikit-learn picks it.

    Parameters
    ----------
    version : str
        A PEP 440 version string, such as ``sklearn_mbnet.__version__``.

    Returns
    -------
    version_url : str
        ``"dev"`` for a development version (``"0.2.dev0"``), else
        ``"major.minor"`` (``"0.1"`` for ``"0.1.0"``, ``"1.0rc1"`` or
        ``"0.1.0+local"``).

    Examples
    --------
    >>> from sklearn_mbnet._doc_links import doc_version_url
    >>> doc_version_url("0.1.0")
    '0.1'
    >>> doc_version_url("0.2.0.dev0")
    'dev'
    """
    public = version.strip().lower().split("+")[0]  # without a local label
    match = re.match(r"v?(\d+)\.(\d+)", public)
    if match is None:
        raise ValueError(f"Not a major.minor version: {version!r}.")
    if "dev" in public:
        return "dev"
    return f"{int(match.group(1))}.{int(match.group(2))}"


def doc_link_url_params(estimator):
    """The fields of ``DOC_LINK_TEMPLATE`` for an estimator.

    scikit-learn calls ``estimator._doc_link_url_param_generator()``: set on
    the class, this function is bound to the estimator.

    Parameters
    ----------
    estimator : estimator instance
        The estimator whose API page the link points at.

    Returns
    -------
    params : dict
        ``version_url`` (see ``doc_version_url``), ``estimator_name`` (the
        class name) and ``estimator_module`` (the public module the class is
        documented in, ``sklearn_mbnet``).
    """
    # Read at call time: the package sets __version__ after importing the
    # estimators, which import this module.
    import sklearn_mbnet

    return {
        "version_url": doc_version_url(sklearn_mbnet.__version__),
        "estimator_module": DOC_LINK_MODULE,
        "estimator_name": type(estimator).__name__,
    }
