"""MLPClassifier and MLPRegressor: parameters, labels, partial_fit, predict.

What they share (fit, the trainer's set-up, prediction in chunks) is in
``_base``; no maths here.
"""

from numbers import Real

import numpy as np
from sklearn.base import ClassifierMixin, RegressorMixin, _fit_context
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils import gen_batches
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import assert_all_finite

from . import _state
from . import _validation as checks
from ._base import BaseMLP, _check_stochastic
from ._docs import CLASSIFIER_DOC, REGRESSOR_DOC
from .losses import LOSSES


# Labels encoded per chunk of this many rows: the codes' int64 temporaries
# stay at 1 MiB however many labels there are.
_LABEL_CHUNK = 2**17


def one_hot(y, classes):
    """``LabelBinarizer().fit(classes).transform(y)`` as uint8, written in place.

    Every label of y is in the sorted ``classes``. One column for two
    classes (y == classes[1]), a zero column for one, else one per class:
    LabelBinarizer's values, without its sparse matrix (three n-long arrays)
    nor its int64 n_classes-wide result.
    """
    n_classes = len(classes)
    Y = np.zeros((len(y), 1 if n_classes <= 2 else n_classes), dtype=np.uint8)
    if n_classes == 1:
        return Y
    for rows in gen_batches(len(y), _LABEL_CHUNK):
        codes = np.searchsorted(classes, y[rows])
        if n_classes == 2:
            Y[rows, 0] = codes  # 0 or 1: the row's class is classes[1]
        else:
            Y[rows][np.arange(len(codes)), codes] = 1  # a view: written in place
    return Y


class MLPClassifier(ClassifierMixin, BaseMLP):
    __doc__ = CLASSIFIER_DOC

    _parameter_constraints: dict = {
        **BaseMLP._parameter_constraints,
        "class_weight": [dict, StrOptions({"balanced"}), None],
    }

    def __init__(
        self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
        alpha=0.0001, batch_size="auto", learning_rate="constant",
        learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
        random_state=None, tol=1e-4, verbose=False, warm_start=False,
        momentum=0.9, nesterovs_momentum=True, early_stopping=False,
        validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
        n_iter_no_change=10, max_fun=15000, class_weight=None, dropout=0.0,
        scoring=None, callbacks=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.class_weight = class_weight
        self.dropout = dropout
        self.scoring = scoring
        self.callbacks = callbacks
        super().__init__(loss="log_loss")  # not a parameter; scikit-learn's attribute

    @available_if(_check_stochastic)
    @_fit_context(prefer_skip_nested_validation=True)
    @_state.atomic
    def partial_fit(self, X, y, sample_weight=None, classes=None):
        """Run one epoch of the stochastic solver over (X, y).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            The target classes, or a multilabel indicator matrix.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.
        classes : array-like of shape (n_classes,), default=None
            Every class that can ever appear in y. Required on the first call
            unless y is a multilabel indicator; on later calls it may be
            given again and must then be the same. y need not contain every
            class of ``classes``.

        Returns
        -------
        self : object
            The trained estimator.
        """
        if classes is not None:
            checks.check_label_types(classes, "classes")
        if _check_partial_fit_first_call(self, classes):
            self._label_binarizer = LabelBinarizer()
            multilabel = type_of_target(y).startswith("multilabel")
            self._label_binarizer.fit(y if multilabel else classes)
            self.classes_ = self._label_binarizer.classes_
            self.__dict__.pop("coefs_", None)
        return self._fit(X, y, sample_weight, incremental=True)

    def _encode_targets(self, y, first, incremental):
        """Labels to a 0/1 indicator matrix, checked against ``classes_``."""
        if y.dtype == object:  # only object arrays can mix kinds of labels
            checks.check_label_types(y, "y")
        check_classification_targets(y)
        if first and not incremental:
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            self._check_same_classes(unique_labels(y), incremental)
        if y.ndim != 1 or self._label_binarizer.y_type_.startswith("multilabel"):
            return self._label_binarizer.transform(y)  # an indicator already
        return one_hot(y, self.classes_)

    def _check_same_classes(self, seen, incremental):
        """scikit-learn's errors for labels that the fitted model lacks."""
        advice = ("Pass every class to the first partial_fit (classes=...) or refit "
                  "with warm_start=False.")
        if self.warm_start and not incremental and set(seen) != set(self.classes_):
            raise ValueError(
                "warm_start can only be used where `y` has the same classes as in "
                f"the previous call to fit. Previously got {self.classes_}, `y` has "
                f"{seen}. {advice}"
            )
        if len(np.setdiff1d(seen, self.classes_, assume_unique=True)):
            raise ValueError(
                "`y` has classes not in `self.classes_`. `self.classes_` has "
                f"{self.classes_}. 'y' has {seen}. {advice}"
            )

    def _class_weights(self, y, incremental, sample_weight):
        """``class_weight`` as a weight per row, as in scikit-learn's linear
        models: it multiplies into ``sample_weight``.

        'balanced' gives class c the weight sum(w) / (n_classes sum_{y_i = c} w_i)
        (with w = sample_weight, ones by default), so that a weight equals
        repeating a row here too.
        """
        if self.class_weight is None:
            return None
        if self._label_binarizer.y_type_ == "multilabel-indicator":
            raise ValueError(
                "class_weight is not supported for multilabel targets, whose rows "
                "belong to several classes; pass per-row sample_weight instead."
            )
        if incremental and self.class_weight == "balanced":
            raise ValueError(
                "class_weight 'balanced' is not supported for partial_fit: one call "
                "sees one chunk of the data. Compute the weights from a large enough "
                "sample of the targets with sklearn.utils.class_weight."
                "compute_class_weight('balanced', classes=classes, y=y) and pass "
                "them as a dict, class_weight=dict(zip(classes, weights))."
            )
        codes = np.searchsorted(self.classes_, y)
        if self.class_weight != "balanced":
            return compute_class_weight(self.class_weight, classes=self.classes_,
                                        y=y)[codes]
        mass = np.bincount(codes, weights=sample_weight, minlength=len(self.classes_))
        if not (mass > 0).all():
            raise ValueError(
                "class_weight='balanced' needs every class of y to have a positive "
                f"total sample weight; got {dict(zip(self.classes_.tolist(), mass))}."
            )
        return (mass.sum() / (len(mass) * mass))[codes]

    def _loss(self):
        binary_or_multilabel = self._label_binarizer.y_type_ != "multiclass"
        return LOSSES["binary_log_loss" if binary_or_multilabel else "log_loss"]()

    def _stratify(self, y, Y):
        """What the early-stopping split stratifies on: scikit-learn's binary
        indicator column for a binary target (so that its errors read the
        same), the labels for a multiclass one, nothing for multilabel."""
        kind = self._label_binarizer.y_type_
        return {"binary": Y > 0.5, "multiclass": y}.get(kind)

    _metric = staticmethod(accuracy_score)

    def _decode(self, raw):
        """Labels from raw outputs: the most probable class (or labels)."""
        return self._label_binarizer.inverse_transform(self._loss().inverse_link(raw))

    def predict(self, X):
        """Predict the class (or labels, if multilabel) of each row of X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_classes)
            The predicted classes.
        """
        # Labels chunk by chunk: the probabilities of all rows are never held.
        return self._predict(self._check_X(X), self._decode)

    def predict_proba(self, X):
        """Probability estimates, one column per class in ``classes_`` order.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Rows sum to one, except for multilabel models, whose columns are
            independent probabilities. Never exactly 0 or 1.
        """
        return self._predict(self._check_X(X), self._proba)

    def predict_log_proba(self, X):
        """Logarithm of ``predict_proba``: ``np.log(predict_proba(X))``.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_classes)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            The log-probabilities of each class, finite: probabilities are
            kept at or above the smallest normal float.
        """
        return np.log(self.predict_proba(X))

    def _proba(self, raw):
        """Probabilities of ``classes_`` from raw outputs."""
        if len(self.classes_) == 1:
            return np.ones((raw.shape[0], 1), raw.dtype)
        link = self._loss().inverse_link
        if self._label_binarizer.y_type_ != "binary":
            return link(raw)
        return np.hstack([link(-raw), link(raw)])  # P(first class) = expit(-raw)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, BaseMLP):
    __doc__ = REGRESSOR_DOC

    _parameter_constraints: dict = {
        **BaseMLP._parameter_constraints,
        "loss": [StrOptions({name for name, loss in LOSSES.items()
                             if loss.task == "regression"})],
        "huber_delta": [Interval(Real, 0, None, closed="neither")],
    }

    def __init__(
        self, loss="squared_error", hidden_layer_sizes=(100,), activation="relu",
        *, solver="adam", alpha=0.0001, batch_size="auto",
        learning_rate="constant", learning_rate_init=0.001, power_t=0.5,
        max_iter=200, shuffle=True, random_state=None, tol=1e-4, verbose=False,
        warm_start=False, momentum=0.9, nesterovs_momentum=True,
        early_stopping=False, validation_fraction=0.1, beta_1=0.9, beta_2=0.999,
        epsilon=1e-8, n_iter_no_change=10, max_fun=15000, huber_delta=1.0,
        dropout=0.0, scoring=None, callbacks=None,
    ):
        self.loss = loss
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.solver = solver
        self.alpha = alpha
        self.batch_size = batch_size
        self.learning_rate = learning_rate
        self.learning_rate_init = learning_rate_init
        self.power_t = power_t
        self.max_iter = max_iter
        self.shuffle = shuffle
        self.random_state = random_state
        self.tol = tol
        self.verbose = verbose
        self.warm_start = warm_start
        self.momentum = momentum
        self.nesterovs_momentum = nesterovs_momentum
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.beta_1 = beta_1
        self.beta_2 = beta_2
        self.epsilon = epsilon
        self.n_iter_no_change = n_iter_no_change
        self.max_fun = max_fun
        self.huber_delta = huber_delta
        self.dropout = dropout
        self.scoring = scoring
        self.callbacks = callbacks

    @available_if(_check_stochastic)
    @_fit_context(prefer_skip_nested_validation=True)
    @_state.atomic
    def partial_fit(self, X, y, sample_weight=None):
        """Run one epoch of the stochastic solver over (X, y).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : object
            The trained estimator.
        """
        return self._fit(X, y, sample_weight, incremental=True)

    def _encode_targets(self, y, first, incremental):
        """y as a finite float (n_samples, n_outputs) matrix, checked for the loss."""
        if y.dtype.kind not in "biuf":
            try:
                y = y.astype(np.float64)
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"MLPRegressor needs numeric targets y, got dtype {y.dtype} "
                    f"({exc}). Convert y to numbers; for class labels use "
                    "MLPClassifier."
                ) from exc
            assert_all_finite(y, input_name="y")
        self._loss().check_target(y)
        return y.reshape(len(y), -1)

    def _loss(self):
        return LOSSES[self.loss].from_params(vars(self))

    def _stratify(self, y, Y):
        return None

    _metric = staticmethod(r2_score)

    def _decode(self, raw):
        y = self._loss().inverse_link(raw)
        return y.ravel() if y.shape[1] == 1 else y

    def predict(self, X):
        """Predict the target(s) of each row of X.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        y : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            The predicted values.
        """
        return self._predict(self._check_X(X), self._decode)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
