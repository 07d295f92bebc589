"""The docstrings by scikit-learn's own rules, and the links of the HTML display.

- ``test_docstring`` / ``test_function_docstring``: numpydoc's validation of
  every public object of ``sklearn_mbnet``, with the error codes that
  scikit-learn ignores for its own estimators (``sklearn/tests/
  test_docstrings.py``);
- ``test_fit_docstring_attributes``: the "Attributes" section against the
  attributes that a fit sets, as ``sklearn/tests/test_docstring_parameters.py``
  checks them;
- ``test_html_repr_*``: the notebook display links the estimator and each of
  its parameters and fitted attributes to our API page wherever scikit-learn's
  display of its own estimator links to its documentation.
"""

import inspect
import re
import warnings
from pathlib import Path
from urllib.parse import unquote

import numpy as np
import pytest
from sklearn import neural_network
from sklearn.datasets import load_iris, make_regression
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.fixes import parse_version

import sklearn_mbnet
from sklearn_mbnet import MLPClassifier, MLPRegressor
from sklearn_mbnet._doc_links import (
    DOC_LINK_MODULE,
    DOC_LINK_TEMPLATE,
    doc_link_url_params,
    doc_version_url,
)

ESTIMATORS = [MLPClassifier, MLPRegressor]
SKLEARN_ESTIMATORS = {
    MLPClassifier: neural_network.MLPClassifier,
    MLPRegressor: neural_network.MLPRegressor,
}
DOCS = Path(__file__).resolve().parent.parent / "docs"

# -- numpydoc validation -------------------------------------------------------


def _public_classes_and_functions():
    """The classes and the functions that ``sklearn_mbnet.__all__`` exports."""
    objects = [getattr(sklearn_mbnet, name) for name in sklearn_mbnet.__all__]
    return (
        [obj for obj in objects if inspect.isclass(obj)],
        [obj for obj in objects if inspect.isfunction(obj)],
    )


def get_all_methods():
    """(class, public method or property name, or None for the class itself).

    The selection of ``get_all_methods`` in scikit-learn's
    ``sklearn/tests/test_docstrings.py``.
    """
    for klass in _public_classes_and_functions()[0]:
        methods = []
        for name in dir(klass):
            if name.startswith("_"):
                continue
            method_obj = getattr(klass, name)
            if hasattr(method_obj, "__call__") or isinstance(method_obj, property):
                methods.append(name)
        methods.append(None)
        for method in sorted(methods, key=str):
            yield klass, method


def filter_errors(errors, method, Klass=None):
    """Drop the numpydoc errors that scikit-learn ignores.

    Copied from ``filter_errors`` in scikit-learn 1.9's
    ``sklearn/tests/test_docstrings.py`` (error codes:
    https://numpydoc.readthedocs.io/en/latest/validation.html):

    - RT02 (the first line of Returns names only the type: scikit-learn names
      the returned object), GL01 (the summary starts on the line of the
      opening quotes) and GL02 (a blank line after the closing section),
      always;
    - PR02 (unknown parameters) and GL08 (no docstring) for properties;
    - EX01 (no Examples), SA01 (no See Also) and ES01 (no extended summary)
      for everything but the class docstrings.
    """
    for code, message in errors:
        if code in ["RT02", "GL01", "GL02"]:
            continue
        if code in ("PR02", "GL08") and Klass is not None and method is not None:
            if isinstance(getattr(Klass, method), property):
                continue
        if method is not None and code in ["EX01", "SA01", "ES01"]:
            continue
        yield code, message


def _errors_message(res, name):
    return "\n\n".join(
        [
            f"{name} ({res['file']})",
            res["docstring"],
            "# Errors",
            "\n".join(f" - {code}: {message}" for code, message in res["errors"]),
        ]
    )


@pytest.mark.parametrize(
    "Klass, method",
    list(get_all_methods()),
    ids=lambda x: x.__name__ if inspect.isclass(x) else str(x),
)
def test_docstring(Klass, method):
    """numpydoc's checks of a class docstring or of a public method's."""
    numpydoc_validation = pytest.importorskip("numpydoc.validate")
    import_path = ".".join(
        [Klass.__module__, Klass.__name__] + ([] if method is None else [method])
    )
    res = numpydoc_validation.validate(import_path)
    res["errors"] = list(filter_errors(res["errors"], method, Klass=Klass))
    if res["errors"]:
        raise ValueError(_errors_message(res, import_path))


@pytest.mark.parametrize(
    "function",
    _public_classes_and_functions()[1]
    or [pytest.param(None, marks=pytest.mark.skip(reason="__all__ has no function"))],
    ids=lambda f: getattr(f, "__name__", "none"),
)
def test_function_docstring(function):
    """numpydoc's checks of an exported function's docstring."""
    numpydoc_validation = pytest.importorskip("numpydoc.validate")
    import_path = f"{function.__module__}.{function.__name__}"
    res = numpydoc_validation.validate(import_path)
    res["errors"] = list(filter_errors(res["errors"], method="function"))
    if res["errors"]:
        raise ValueError(_errors_message(res, import_path))


def test_all_exports_are_checked():
    """Every name in ``__all__`` is a class or a function tested above, or
    the version string."""
    classes, functions = _public_classes_and_functions()
    checked = {obj.__name__ for obj in classes + functions} | {"__version__"}
    assert set(sklearn_mbnet.__all__) == checked


# -- fitted attributes -----------------------------------------------------------


def _data(Estimator, frame=False):
    """Small data: iris for the classifier, a linear problem for the regressor."""
    if Estimator is MLPClassifier:
        if frame:
            pytest.importorskip("pandas")
        X, y = load_iris(return_X_y=True, as_frame=frame)
        return X, y
    X, y = make_regression(n_samples=60, n_features=4, noise=1.0, random_state=0)
    y = y / y.std()  # a scale that 5 epochs of 'sgd' handle
    if frame:
        pd = pytest.importorskip("pandas")
        X = pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
    return X, y


def _fit(Estimator, frame=False, **params):
    X, y = _data(Estimator, frame)
    est = Estimator(max_iter=5, random_state=0, **params)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return est.fit(X, y)


def _documented_attributes(Estimator):
    docscrape = pytest.importorskip("numpydoc.docscrape")
    return docscrape.ClassDoc(Estimator)["Attributes"]


def _get_all_fitted_attributes(estimator):
    """Public names ending in ``_`` that the fitted estimator has, properties
    included (``_get_all_fitted_attributes`` of scikit-learn's
    ``sklearn/tests/test_docstring_parameters.py``)."""
    fit_attr = list(estimator.__dict__.keys())
    with warnings.catch_warnings():
        warnings.filterwarnings("error", category=FutureWarning)
        for name in dir(estimator.__class__):
            if not isinstance(getattr(estimator.__class__, name), property):
                continue
            try:
                getattr(estimator, name)
            except (AttributeError, FutureWarning):
                continue
            fit_attr.append(name)
    return [k for k in fit_attr if k.endswith("_") and not k.startswith("_")]


@pytest.mark.parametrize("early_stopping", [False, True])
@pytest.mark.parametrize("solver", ["adam", "sgd", "lbfgs"])
@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda c: c.__name__)
def test_fit_docstring_attributes(Estimator, solver, early_stopping):
    """Documented attributes exist after fit unless said to exist "only" in
    some cases; every public fitted attribute is documented.

    The rule of scikit-learn's ``test_fit_docstring_attributes``, checked for
    each solver with and without early stopping, so that the "only" of an
    attribute's description is needed where it is written.
    """
    attributes = _documented_attributes(Estimator)
    est = _fit(Estimator, solver=solver, early_stopping=early_stopping)

    for attr in attributes:
        desc = " ".join(attr.desc).lower()
        # As in scikit-learn: "only" marks an attribute set in some cases.
        if "only " in desc:
            continue
        assert hasattr(est, attr.name), (
            f"{Estimator.__name__}.{attr.name} is documented without 'only' but "
            f"is not set by a fit with solver={solver!r}, "
            f"early_stopping={early_stopping}."
        )

    undocumented = set(_get_all_fitted_attributes(est)).difference(
        attr.name for attr in attributes
    )
    assert not undocumented, (
        f"Undocumented attributes for {Estimator.__name__}: {undocumented}"
    )


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda c: c.__name__)
def test_fit_docstring_attributes_all_can_exist(Estimator):
    """A stochastic fit with early stopping on a DataFrame sets every
    documented attribute, the "only" ones included."""
    est = _fit(Estimator, frame=True, solver="adam", early_stopping=True)
    attributes = _documented_attributes(Estimator)
    missing = [a.name for a in attributes if not hasattr(est, a.name)]
    assert not missing


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda c: c.__name__)
def test_early_stopping_attributes_say_when_they_are_defined(Estimator):
    """``best_loss_``, ``validation_scores_`` and ``best_validation_score_``
    are None in the cases the docstring names, as in scikit-learn's."""
    descriptions = {
        a.name: " ".join(a.desc) for a in _documented_attributes(Estimator)
    }
    assert "If `early_stopping=True`, this attribute is set to `None`." in (
        descriptions["best_loss_"]
    )
    for name in ("validation_scores_", "best_validation_score_"):
        assert (
            "Only available if `early_stopping=True`, otherwise the attribute "
            "is set to `None`." in descriptions[name]
        )
    for name in ("best_loss_", "loss_curve_", "validation_scores_",
                 "best_validation_score_"):
        assert "Only accessible when solver='sgd' or 'adam'." in descriptions[name]
    assert (
        "Defined only when `X` has feature names that are all strings."
        in descriptions["feature_names_in_"]
    )

    plain = _fit(Estimator, solver="adam")
    assert plain.best_loss_ is not None
    assert plain.validation_scores_ is None and plain.best_validation_score_ is None
    stopped = _fit(Estimator, solver="adam", early_stopping=True)
    assert stopped.best_loss_ is None
    assert len(stopped.validation_scores_) == stopped.n_iter_
    assert stopped.best_validation_score_ == max(stopped.validation_scores_)
    lbfgs = _fit(Estimator, solver="lbfgs")
    for name in ("best_loss_", "loss_curve_", "validation_scores_",
                 "best_validation_score_"):
        assert not hasattr(lbfgs, name)
    assert not hasattr(plain, "feature_names_in_")


# -- links of the HTML display -------------------------------------------------

# A parameter's or fitted attribute's name in the display, linked to its entry:
# <a class="param-doc-link" ... href="URL">NAME<span ...>description</span></a>.
_ITEM_LINK = re.compile(
    r'<a class="param-doc-link"[^>]*?href="(?P<href>[^"]+)">\s*(?P<name>[^\s<]+)'
)
# The "?" link of the estimator's box to its API page.
_ESTIMATOR_LINK = re.compile(
    r'<a class="sk-estimator-doc-link[^"]*"[^>]*href="(?P<href>[^"]+)"'
)


def _item_links(html):
    """{parameter or attribute name: link} of an HTML display."""
    return {m["name"]: m["href"] for m in _ITEM_LINK.finditer(html)}


def _api_page(Estimator):
    """Our API page of a class: the file that docs/api.rst's autosummary
    writes, at the documentation's version."""
    return (
        f"https://sklearn-mbnet.readthedocs.io/en/"
        f"{doc_version_url(sklearn_mbnet.__version__)}/generated/"
        f"sklearn_mbnet.{Estimator.__name__}.html"
    )


@pytest.mark.parametrize(
    "version, expected",
    [("0.1.0", "0.1"), ("1.12.3", "1.12"), ("0.2.0.dev0", "dev"),
     ("0.2.dev20250101", "dev"), ("1.0rc1", "1.0"), ("0.1.0+g1234", "0.1"),
     ("2.0.0.post1", "2.0")],
)
def test_doc_version_url_as_scikit_learn(version, expected):
    """"dev" for a development version, else "major.minor", as scikit-learn's
    ``_doc_link_template`` picks it from its own version."""
    assert doc_version_url(version) == expected
    parsed = parse_version(version)
    sklearn_way = "dev" if parsed.dev is not None else f"{parsed.major}.{parsed.minor}"
    assert expected == sklearn_way


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda c: c.__name__)
def test_doc_link_names_work_together(Estimator):
    """The template's fields are all filled by the URL-parameter generator
    (scikit-learn fills only estimator_module and estimator_name without
    one), and the page is the class's API page."""
    est = Estimator()
    assert type(est).__module__.split(".")[0] == DOC_LINK_MODULE
    assert DOC_LINK_TEMPLATE.format(**doc_link_url_params(est)) == _api_page(Estimator)


def test_api_page_names_of_the_docs():
    """docs/api.rst gives each class the page the links point at:
    generated/sklearn_mbnet.<Class>.html."""
    api = DOCS / "api.rst"
    if not api.exists():
        pytest.skip("no docs/ in this checkout")
    text = api.read_text()
    assert ".. currentmodule:: sklearn_mbnet" in text
    assert ":toctree: generated/" in text
    for Estimator in ESTIMATORS:
        assert re.search(rf"^\s+{Estimator.__name__}\s*$", text, re.M)


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda c: c.__name__)
def test_html_repr_links_to_api_page(Estimator):
    """The display's "?" link points at our API page of the class."""
    html = Estimator()._repr_html_()
    assert _ESTIMATOR_LINK.findall(html) == [_api_page(Estimator)]


def _check_item_links(ours, theirs, Estimator):
    """Where scikit-learn's display links a name to its docs, ours links it to
    our page's entry, with the text fragment of our docstring's line."""
    ours, theirs = _item_links(ours), _item_links(theirs)
    if not theirs:  # an older scikit-learn (1.6 links only the page)
        assert not ours
        pytest.skip("this scikit-learn's display links no parameter")
    # Everything scikit-learn links; and ours links our own options too.
    assert set(theirs) <= set(ours)
    page = _api_page(Estimator)
    doc = Estimator.__doc__
    for name, link in ours.items():
        base, _, fragment = link.partition("#:~:text=")
        assert base == page
        assert name not in theirs or theirs[name].startswith(
            SKLEARN_ESTIMATORS[Estimator]()._get_doc_link() + "#:~:text="
        )
        # "name,-type": the name, then its type as the docstring gives it.
        linked_name, _, linked_type = map(unquote, fragment.partition(",-"))
        assert linked_name == name
        line = rf"^\s*{re.escape(name)} : {re.escape(linked_type)}$"
        assert re.search(line, doc, re.M)


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda c: c.__name__)
def test_html_repr_links_parameters(Estimator):
    """Each parameter links to its entry as in scikit-learn's display."""
    _check_item_links(
        Estimator()._repr_html_(),
        SKLEARN_ESTIMATORS[Estimator]()._repr_html_(),
        Estimator,
    )


@pytest.mark.parametrize("Estimator", ESTIMATORS, ids=lambda c: c.__name__)
def test_html_repr_links_fitted_attributes(Estimator):
    """Fitted, the display also links each fitted attribute, as scikit-learn's."""
    X, y = _data(Estimator)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        theirs = SKLEARN_ESTIMATORS[Estimator](max_iter=5, random_state=0).fit(X, y)
    ours = _fit(Estimator)
    assert np.isfinite(ours.loss_)
    _check_item_links(ours._repr_html_(), theirs._repr_html_(), Estimator)
