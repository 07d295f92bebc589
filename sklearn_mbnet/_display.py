"""Plot of the training history of a fitted multi-layer perceptron."""

import numpy as np
from sklearn.utils._optional_dependencies import check_matplotlib_support
from sklearn.utils.validation import check_is_fitted


def _curve(ax, values, **kwargs):
    """Plot `values` against the epochs 1, 2, ...; return the Line2D."""
    values = np.asarray(values, dtype=float)
    return ax.plot(np.arange(1, len(values) + 1), values, **kwargs)[0]


class LossCurveDisplay:
    """Loss curve visualization: training and validation loss per epoch.

    Create it with :meth:`LossCurveDisplay.from_estimator` from a fitted
    MLP, ours or scikit-learn's. The validation loss and score (recorded
    with ``early_stopping=True``) are drawn when given, the score on a
    secondary y-axis with a star at its best epoch. All parameters are
    stored as attributes.

    Parameters
    ----------
    loss_curve : array-like of shape (n_epochs,)
        Training loss after each epoch (``loss_curve_``).
    validation_loss_curve : array-like of shape (n_epochs,), default=None
        Validation loss after each epoch (``validation_loss_curve_``).
    validation_scores : array-like of shape (n_epochs,), default=None
        Validation score after each epoch (``validation_scores_``).
    name : str, default=None
        Name for labeling the legend entries. If `None`, no name is shown.

    Attributes
    ----------
    line_ : matplotlib Line2D
        Training loss curve.
    validation_loss_line_ : matplotlib Line2D or None
        Validation loss curve, or `None` without `validation_loss_curve`.
    validation_score_line_ : matplotlib Line2D or None
        Validation score curve, or `None` without `validation_scores`.
    best_score_marker_ : matplotlib Line2D or None
        Star at the epoch of the best validation score, or `None`.
    ax_ : matplotlib Axes
        Axes with the loss curves.
    score_ax_ : matplotlib Axes or None
        Secondary axes (``ax_.twinx()``) with the validation score, or `None`.
    figure_ : matplotlib Figure
        Figure containing the curves.

    See Also
    --------
    MLPClassifier : Its ``loss_curve_`` and ``validation_scores_`` are drawn.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> from sklearn.datasets import load_iris
    >>> from sklearn_mbnet import LossCurveDisplay, MLPClassifier
    >>> X, y = load_iris(return_X_y=True)
    >>> clf = MLPClassifier(early_stopping=True, max_iter=300, random_state=0)
    >>> clf = clf.fit(X, y)
    >>> disp = LossCurveDisplay.from_estimator(clf)
    >>> len(disp.line_.get_xdata()) == clf.n_iter_
    True
    >>> plt.show()  # doctest: +SKIP
    """

    def __init__(self, *, loss_curve, validation_loss_curve=None,
                 validation_scores=None, name=None):
        self.loss_curve = loss_curve
        self.validation_loss_curve = validation_loss_curve
        self.validation_scores = validation_scores
        self.name = name

    def plot(self, ax=None, *, name=None, **kwargs):
        """Plot the curves.

        Parameters
        ----------
        ax : matplotlib Axes, default=None
            Axes to plot on. If `None`, a new figure and axes are created.
        name : str, default=None
            Name for labeling the legend entries. If `None`, the `name` given
            at construction is used; if that is `None` too, none is shown.
        **kwargs : dict
            Keyword arguments passed to matplotlib's `plot` for the training
            loss curve.

        Returns
        -------
        display : :class:`~sklearn_mbnet.LossCurveDisplay`
            Object that stores the plotted artists.
        """
        check_matplotlib_support(f"{type(self).__name__}.plot")
        import matplotlib.pyplot as plt

        self.ax_ = plt.subplots()[1] if ax is None else ax
        self.figure_ = self.ax_.figure
        name = self.name if name is None else name
        suffix = "" if name is None else f" ({name})"
        kwargs = {"label": "Training loss" + suffix, **kwargs}
        self.line_ = _curve(self.ax_, self.loss_curve, **kwargs)
        self.ax_.set(xlabel="Epoch", ylabel="Loss")
        style = {"color": self.line_.get_color()}
        self.validation_loss_line_ = None
        if self.validation_loss_curve is not None:
            self.validation_loss_line_ = _curve(
                self.ax_, self.validation_loss_curve, linestyle="--",
                label="Validation loss" + suffix, **style)
        self._plot_scores(suffix, style)
        lines = [self.line_, self.validation_loss_line_,
                 self.validation_score_line_, self.best_score_marker_]
        lines = [line for line in lines if line is not None]
        if self.score_ax_ is None:
            self.ax_.legend(handles=lines)
        else:  # above both axes; the loss falls and the score rises
            self.score_ax_.legend(handles=lines, loc="center right")
        return self

    def _plot_scores(self, suffix, style):
        """The validation scores on a twin y-axis, with a star at the best."""
        self.score_ax_ = self.validation_score_line_ = self.best_score_marker_ = None
        if self.validation_scores is None:
            return
        self.score_ax_ = self.ax_.twinx()
        self.score_ax_.set_ylabel("Validation score")
        self.validation_score_line_ = _curve(
            self.score_ax_, self.validation_scores, linestyle=":",
            label="Validation score" + suffix, **style)
        scores = self.validation_score_line_.get_ydata()
        best = int(np.argmax(scores))
        (self.best_score_marker_,) = self.score_ax_.plot(
            best + 1, scores[best], marker="*", markersize=12, linestyle="",
            label=f"Best validation score (epoch {best + 1})", **style)

    @classmethod
    def from_estimator(cls, estimator, *, ax=None, name=None, **kwargs):
        """Plot the loss curves of a fitted multi-layer perceptron.

        Parameters
        ----------
        estimator : estimator instance
            Fitted MLP with a ``loss_curve_`` (solver 'sgd' or 'adam'), and with
            ``validation_scores_`` and ``validation_loss_curve_`` if any.
        ax : matplotlib Axes, default=None
            Axes to plot on. If `None`, a new figure and axes are created.
        name : str, default=None
            Name for labeling the legend entries. If `None`, the name of the
            estimator's class is used.
        **kwargs : dict
            Keyword arguments passed to matplotlib's `plot` for the training
            loss curve.

        Returns
        -------
        display : :class:`~sklearn_mbnet.LossCurveDisplay`
            Object that stores the plotted artists.
        """
        check_matplotlib_support(f"{cls.__name__}.from_estimator")
        check_is_fitted(estimator)
        if getattr(estimator, "loss_curve_", None) is None:
            raise ValueError(
                f"{type(estimator).__name__} fitted with solver="
                f"{getattr(estimator, 'solver', None)!r} records no loss curve; "
                "fit it with solver='sgd' or solver='adam' to plot one.")
        display = cls(
            loss_curve=estimator.loss_curve_,
            validation_loss_curve=getattr(estimator, "validation_loss_curve_", None),
            validation_scores=getattr(estimator, "validation_scores_", None),
            name=type(estimator).__name__ if name is None else name)
        return display.plot(ax=ax, **kwargs)
