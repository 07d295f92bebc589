"""MLPClassifier and MLPRegressor: validation, labels, fit, predict.

No maths here: the network, the losses, the optimizers and the training loop
live in their own modules.
"""

from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin, _fit_context
from sklearn.metrics import accuracy_score, r2_score
from sklearn.preprocessing import LabelBinarizer
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import (
    _check_partial_fit_first_call,
    check_classification_targets,
    type_of_target,
    unique_labels,
)
from sklearn.utils.validation import _check_sample_weight, check_is_fitted, validate_data

from . import _training
from ._docs import CLASSIFIER_DOC, REGRESSOR_DOC
from ._network import Network
from .losses import LOSSES
from .optimizers import SGD, Adam

_STOCHASTIC = ("sgd", "adam")


def _is_stochastic(est):
    return est.solver in _STOCHASTIC


class _BaseMLP(BaseEstimator):
    """What the classifier and the regressor share; not for direct use."""

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "activation": [StrOptions({"identity", "logistic", "tanh", "relu"})],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), Interval(Integral, 1, None, closed="left")],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "shuffle": ["boolean"],
        "random_state": ["random_state"],
        "tol": [Interval(Real, 0, None, closed="left")],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
        "momentum": [Interval(Real, 0, 1, closed="both")],
        "nesterovs_momentum": ["boolean"],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="left")],
        "beta_1": [Interval(Real, 0, 1, closed="left")],
        "beta_2": [Interval(Real, 0, 1, closed="left")],
        "epsilon": [Interval(Real, 0, None, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left"), Options(Real, {np.inf})],
        "max_fun": [Interval(Integral, 1, None, closed="left")],
    }

    # -- fitted parameters: views into the network's flat vector ------------

    @property
    def coefs_(self):
        return self._network.coefs

    @coefs_.setter
    def coefs_(self, values):
        _assign(self._network.coefs, values, "coefs_")

    @property
    def intercepts_(self):
        return self._network.intercepts

    @intercepts_.setter
    def intercepts_(self, values):
        _assign(self._network.intercepts, values, "intercepts_")

    # -- fitting -------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y, sample_weight=None):
        """Fit the model to data matrix X and target(s) y.

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            The target values (class labels in classification, real numbers
            in regression).
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights; see the class docstring for what
            they mean when batches are smaller than the data.

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _fit(self, X, y, sample_weight, incremental):
        first = not hasattr(self, "_network") or not (self.warm_start or incremental)
        X, y = validate_data(
            self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
            dtype=(np.float64, np.float32), y_numeric=not self._is_classifier(),
            reset=first,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        Y = self._encode_targets(y, first, incremental)
        if first:
            self._initialize(X.shape[1], Y.shape[1], X.dtype)
        dtype = self._network.dtype
        X = X.tocsr() if sparse.issparse(X) else X
        data = (X.astype(dtype, copy=False), Y.astype(dtype), self._weights(sample_weight, X))
        self._check_compatible(data)
        if self.solver == "lbfgs":
            _training.fit_lbfgs(self, self._network, self._loss(), data)
            return self
        if self._optimizer is None or not incremental:
            self._optimizer = self._make_optimizer()
        if self.early_stopping and not hasattr(self, "_best_params"):
            self._best_params = self._network.params.copy()
        _training.fit_stochastic(self, self._network, self._loss(), data, y, incremental)
        return self

    def _initialize(self, n_features, n_outputs, dtype):
        """Fresh network and bookkeeping for a first call to fit."""
        hidden = _hidden_layer_sizes(self.hidden_layer_sizes)
        self._rng = check_random_state(self.random_state)
        self._network = Network([n_features, *hidden, n_outputs], self.activation, dtype)
        self._network.init_glorot(self._rng)
        self.n_layers_ = len(hidden) + 2
        self.n_outputs_ = n_outputs
        self.out_activation_ = self._loss().out_activation
        self.n_iter_, self.t_ = 0, 0
        self._optimizer = None
        self.__dict__.pop("_best_params", None)
        if _is_stochastic(self):
            self.loss_curve_ = []
            self._no_improvement_count = 0
            self.best_loss_ = None if self.early_stopping else np.inf
            self.validation_scores_ = [] if self.early_stopping else None
            self.best_validation_score_ = -np.inf if self.early_stopping else None

    def _check_compatible(self, data):
        """A later call must match the network that the first call built."""
        hidden = _hidden_layer_sizes(self.hidden_layer_sizes)
        if self._network.layer_units[1:-1] != hidden:
            raise ValueError(
                f"hidden_layer_sizes={hidden} differs from the fitted network's "
                f"{self._network.layer_units[1:-1]}; set warm_start=False to refit."
            )
        if data[1].shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {data[1].shape[1]} outputs but the fitted model has "
                f"{self.n_outputs_}; set warm_start=False to refit."
            )

    def _weights(self, sample_weight, X):
        if sample_weight is None:
            return None
        sample_weight = _check_sample_weight(
            sample_weight, X, dtype=self._network.dtype, ensure_non_negative=True
        )
        if not sample_weight.sum() > 0:
            raise ValueError("sample_weight must have a positive sum.")
        return sample_weight

    def _make_optimizer(self):
        n, dtype = self._network.params.size, self._network.dtype
        if self.solver == "sgd":
            return SGD(n, dtype, self.learning_rate_init, self.learning_rate,
                       self.momentum, self.nesterovs_momentum, self.power_t)
        return Adam(n, dtype, self.learning_rate_init, self.beta_1, self.beta_2,
                    self.epsilon)

    # -- prediction ------------------------------------------------------------

    def _check_X(self, X):
        check_is_fitted(self)
        return validate_data(
            self, X, accept_sparse=["csr", "csc"], dtype=(np.float64, np.float32),
            reset=False,
        )

    def _is_classifier(self):
        return isinstance(self, ClassifierMixin)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def _hidden_layer_sizes(value):
    """hidden_layer_sizes as a list of positive ints, or a ValueError."""
    sizes = [value] if isinstance(value, Integral) else list(value)
    if not all(isinstance(s, Integral) and s > 0 for s in sizes):
        raise ValueError(
            f"hidden_layer_sizes must be positive integers, got {value!r}."
        )
    return [int(s) for s in sizes]


def _assign(views, values, name):
    """Copy user-given arrays into the parameter views, shapes checked."""
    values = list(values)
    shapes = [v.shape for v in views]
    if [np.shape(v) for v in values] != shapes:
        raise ValueError(f"{name} must be arrays of shapes {shapes}.")
    for view, value in zip(views, values):
        view[...] = value


class MLPClassifier(ClassifierMixin, _BaseMLP):
    __doc__ = CLASSIFIER_DOC

    def __init__(
        self, hidden_layer_sizes=(100,), activation="relu", *, solver="adam",
        alpha=0.0001, batch_size="auto", learning_rate="constant",
        learning_rate_init=0.001, power_t=0.5, max_iter=200, shuffle=True,
        random_state=None, tol=1e-4, verbose=False, warm_start=False,
        momentum=0.9, nesterovs_momentum=True, early_stopping=False,
        validation_fraction=0.1, beta_1=0.9, beta_2=0.999, epsilon=1e-8,
        n_iter_no_change=10, max_fun=15000,
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

    @available_if(_is_stochastic)
    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """Run one epoch of the stochastic solver over (X, y).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.
        y : array-like of shape (n_samples,) or (n_samples, n_labels)
            The target classes, or a multilabel indicator matrix.
        classes : array-like of shape (n_classes,), default=None
            Every class that can ever appear in y. Required on the first call
            unless y is a multilabel indicator; on later calls it may be
            given again and must then be the same.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative sample weights.

        Returns
        -------
        self : object
            The trained estimator.
        """
        if _check_partial_fit_first_call(self, classes):
            self._label_binarizer = LabelBinarizer()
            multilabel = type_of_target(y).startswith("multilabel")
            self._label_binarizer.fit(y if multilabel else classes)
            self.classes_ = self._label_binarizer.classes_
            self.__dict__.pop("_network", None)
        return self._fit(X, y, sample_weight, incremental=True)

    def _encode_targets(self, y, first, incremental):
        """Labels to a 0/1 indicator matrix, checked against ``classes_``."""
        check_classification_targets(y)
        if first and not incremental:
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = self._label_binarizer.classes_
        else:
            seen = unique_labels(y)
            unseen = np.setdiff1d(seen, self.classes_)
            if len(unseen) or (self.warm_start and not incremental
                               and len(seen) != len(self.classes_)):
                raise ValueError(
                    f"y has classes {seen} but the model was fitted with classes "
                    f"{self.classes_}; pass every class to the first partial_fit "
                    "(classes=...) or refit with warm_start=False."
                )
        return self._label_binarizer.transform(y)

    def _loss(self):
        binary_or_multilabel = self._label_binarizer.y_type_ != "multiclass"
        return LOSSES["binary_log_loss" if binary_or_multilabel else "log_loss"]()

    def _stratify_validation(self):
        return self._label_binarizer.y_type_ != "multilabel-indicator"

    def _validation_score(self, X, y, sample_weight):
        return accuracy_score(y, self._predict_labels(X), sample_weight=sample_weight)

    def _predict_labels(self, X):
        proba = self._network.predict(X, self._loss().predict, self.n_outputs_)
        return self._label_binarizer.inverse_transform(proba)

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
        return self._predict_labels(self._check_X(X))

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
            independent probabilities.
        """
        return self._proba(self._check_X(X), log=False)

    def predict_log_proba(self, X):
        """Logarithm of ``predict_proba``, computed directly (always finite).

        Parameters
        ----------
        X : {array-like, sparse matrix} of shape (n_samples, n_features)
            The input data.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
            The log-probabilities of each class.
        """
        return self._proba(self._check_X(X), log=True)

    def _proba(self, X, log):
        loss = self._loss()
        link = loss.log_predict if log else loss.predict
        if self._label_binarizer.y_type_ != "binary":
            return self._network.predict(X, link, self.n_outputs_)

        def both_classes(raw):  # P(first class) = expit(-raw), exactly
            return np.hstack([link(-raw), link(raw)])

        return self._network.predict(X, both_classes, 2)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_label = True
        return tags


class MLPRegressor(RegressorMixin, _BaseMLP):
    __doc__ = REGRESSOR_DOC

    _parameter_constraints: dict = {
        **_BaseMLP._parameter_constraints,
        "loss": [StrOptions({"squared_error", "poisson"})],
    }

    def __init__(
        self, loss="squared_error", hidden_layer_sizes=(100,), activation="relu",
        *, solver="adam", alpha=0.0001, batch_size="auto",
        learning_rate="constant", learning_rate_init=0.001, power_t=0.5,
        max_iter=200, shuffle=True, random_state=None, tol=1e-4, verbose=False,
        warm_start=False, momentum=0.9, nesterovs_momentum=True,
        early_stopping=False, validation_fraction=0.1, beta_1=0.9, beta_2=0.999,
        epsilon=1e-8, n_iter_no_change=10, max_fun=15000,
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

    @available_if(_is_stochastic)
    @_fit_context(prefer_skip_nested_validation=True)
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
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError("loss='poisson' requires non-negative targets y.")
        return y.reshape(len(y), -1)

    def _loss(self):
        return LOSSES[self.loss]()

    def _stratify_validation(self):
        return False

    def _validation_score(self, X, y, sample_weight):
        return r2_score(y, self._predict_values(X), sample_weight=sample_weight)

    def _predict_values(self, X):
        y = self._network.predict(X, self._loss().predict, self.n_outputs_)
        return y.ravel() if self.n_outputs_ == 1 else y

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
        return self._predict_values(self._check_X(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags
