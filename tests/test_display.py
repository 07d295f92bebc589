"""LossCurveDisplay: the plotted data are the estimator's curves, exactly."""

import doctest
import warnings

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.neural_network import MLPClassifier as SkMLPClassifier

import sklearn_mbnet
from sklearn_mbnet import MLPClassifier
from sklearn_mbnet._display import LossCurveDisplay

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

BOTH = pytest.mark.parametrize(
    "Estimator", [MLPClassifier, SkMLPClassifier], ids=["mbnet", "sklearn"])
PARAMS = dict(hidden_layer_sizes=(5,), max_iter=15, random_state=0)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _fit(Estimator=MLPClassifier, **params):
    X, y = load_iris(return_X_y=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return Estimator(**{**PARAMS, **params}).fit(X, y)


@pytest.fixture(scope="module")
def clf():
    return _fit(early_stopping=True)


def _labels(ax):
    return [text.get_text() for text in ax.get_legend().get_texts()]


def _assert_line(line, ys):
    np.testing.assert_array_equal(line.get_xdata(), np.arange(1, len(ys) + 1))
    np.testing.assert_array_equal(line.get_ydata(), np.asarray(ys, dtype=float))


def test_lines_hold_the_curves(clf):
    disp = LossCurveDisplay.from_estimator(clf)
    assert len(clf.loss_curve_) == clf.n_iter_
    np.testing.assert_array_equal(disp.line_.get_xdata(), np.arange(1, clf.n_iter_ + 1))
    _assert_line(disp.line_, clf.loss_curve_)
    _assert_line(disp.validation_loss_line_, clf.validation_loss_curve_)
    _assert_line(disp.validation_score_line_, clf.validation_scores_)
    assert disp.validation_loss_line_.axes is disp.ax_
    assert disp.validation_score_line_.axes is disp.score_ax_
    assert disp.score_ax_ is not disp.ax_
    assert disp.score_ax_.get_shared_x_axes().joined(disp.ax_, disp.score_ax_)
    best = int(np.argmax(clf.validation_scores_))
    assert list(disp.best_score_marker_.get_xdata()) == [best + 1]
    assert list(disp.best_score_marker_.get_ydata()) == [clf.validation_scores_[best]]
    assert max(clf.validation_scores_) == clf.best_validation_score_
    assert disp.figure_ is disp.ax_.figure
    assert (disp.ax_.get_xlabel(), disp.ax_.get_ylabel()) == ("Epoch", "Loss")
    assert disp.score_ax_.get_ylabel() == "Validation score"


def test_legend_lists_every_line_with_the_name(clf):
    disp = LossCurveDisplay.from_estimator(clf)
    best = int(np.argmax(clf.validation_scores_)) + 1
    assert _labels(disp.score_ax_) == [
        "Training loss (MLPClassifier)",
        "Validation loss (MLPClassifier)",
        "Validation score (MLPClassifier)",
        f"Best validation score (epoch {best})",
    ]
    disp = LossCurveDisplay.from_estimator(clf, name="mine")
    assert [label for label in _labels(disp.score_ax_) if "mine" in label] == [
        "Training loss (mine)", "Validation loss (mine)", "Validation score (mine)"]


def test_ax_is_honoured(clf):
    fig, (left, right) = plt.subplots(ncols=2)
    disp = LossCurveDisplay.from_estimator(clf, ax=right)
    assert disp.ax_ is right and disp.figure_ is fig
    assert disp.line_ in right.lines and not left.lines
    assert disp.score_ax_.figure is fig


def test_kwargs_reach_the_training_line(clf):
    disp = LossCurveDisplay.from_estimator(clf, color="red", linewidth=3, label="train")
    assert disp.line_.get_color() == "red" and disp.line_.get_linewidth() == 3
    assert disp.line_.get_label() == "train"
    assert disp.validation_loss_line_.get_linewidth() != 3
    # The validation curves take the training line's colour.
    assert disp.validation_loss_line_.get_color() == "red"


def test_plot_returns_self_and_name_falls_back():
    disp = LossCurveDisplay(loss_curve=[3.0, 2.0, 1.5], name="net")
    assert disp.plot() is disp
    assert _labels(disp.ax_) == ["Training loss (net)"]
    assert disp.plot(name="other") is disp
    assert _labels(disp.ax_) == ["Training loss (other)"]
    assert _labels(LossCurveDisplay(loss_curve=[1.0]).plot().ax_) == ["Training loss"]


def test_without_early_stopping_no_validation_lines():
    est = _fit()
    disp = LossCurveDisplay.from_estimator(est)
    _assert_line(disp.line_, est.loss_curve_)
    assert disp.validation_loss_line_ is None
    assert disp.validation_score_line_ is None
    assert disp.best_score_marker_ is None
    assert disp.score_ax_ is None
    assert len(disp.figure_.axes) == 1
    assert _labels(disp.ax_) == ["Training loss (MLPClassifier)"]


def test_missing_validation_loss_attribute():
    """An old pickle without ``validation_loss_curve_``: scores only."""
    est = _fit(early_stopping=True)
    del est.validation_loss_curve_
    disp = LossCurveDisplay.from_estimator(est)
    assert disp.validation_loss_line_ is None
    _assert_line(disp.validation_score_line_, est.validation_scores_)


@BOTH
def test_unfitted_raises_not_fitted_error(Estimator):
    with pytest.raises(NotFittedError):
        LossCurveDisplay.from_estimator(Estimator())


@BOTH
def test_lbfgs_raises_value_error(Estimator):
    est = _fit(Estimator, solver="lbfgs")
    with pytest.raises(ValueError, match="solver='lbfgs'.*'sgd'.*'adam'"):
        LossCurveDisplay.from_estimator(est)


@pytest.mark.parametrize("early_stopping", [False, True])
def test_scikit_learn_mlp(early_stopping):
    """scikit-learn's MLP has no ``validation_loss_curve_``; the rest is drawn."""
    est = _fit(SkMLPClassifier, early_stopping=early_stopping)
    disp = LossCurveDisplay.from_estimator(est)
    _assert_line(disp.line_, est.loss_curve_)
    assert disp.validation_loss_line_ is None
    assert disp.line_.get_label() == "Training loss (MLPClassifier)"
    if early_stopping:
        _assert_line(disp.validation_score_line_, est.validation_scores_)
    else:
        assert disp.validation_score_line_ is None and disp.score_ax_ is None


def test_docstring_example(monkeypatch):
    """The Examples section runs (under Agg) with the export in place."""
    monkeypatch.setattr(
        sklearn_mbnet, "LossCurveDisplay", LossCurveDisplay, raising=False)
    finder = doctest.DocTestFinder(recurse=False)
    (test,) = finder.find(LossCurveDisplay, "LossCurveDisplay", globs={})
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        result = runner.run(test)
    assert result.failed == 0
