"""MLPClassifier and MLPRegressor: validation, labels, fit, predict.

No maths here: the network, the losses, the optimizers and the training loop
live in their own modules.
"""

import functools
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
from sklearn.utils.validation import (
    _check_sample_weight,
    assert_all_finite,
    check_is_fitted,
    validate_data,
)

from . import _training
from ._docs import CLASSIFIER_DOC, REGRESSOR_DOC
from ._network import Network
from .losses import LOSSES
from .optimizers import SGD, Adam

_STOCHASTIC = ("sgd", "adam")
# Attributes of the stochastic solvers' stopping rule (see _track_stochastic).
_STOCHASTIC_STATE = (
    "loss_curve_", "_no_improvement_count", "best_loss_", "validation_scores_",
    "best_validation_score_", "_best_params",
)


def _is_stochastic(est):
    return est.solver in _STOCHASTIC


def _atomic(method):
    """Make a ``fit`` or ``partial_fit`` method all-or-nothing.

    A call that raises (invalid input, divergence, an interrupt of L-BFGS)
    leaves the estimator as it was before the call: unfitted if it was, else
    with the same weights, optimizer state, counters and random stream.

    Parameters
    ----------
    method : callable
        The method to wrap.

    Returns
    -------
    wrapper : callable
        ``method`` with the state saved before and restored on error.
    """

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        saved = _save_state(self)
        try:
            return method(self, *args, **kwargs)
        except BaseException:
            _restore_state(self, saved)
            raise

    return wrapper


def _save_state(est):
    """A copy of everything that fitting rebinds or changes in place."""
    state = dict(est.__dict__)
    for key in ("loss_curve_", "validation_scores_"):
        if isinstance(state.get(key), list):
            state[key] = list(state[key])
    if state.get("_best_params") is not None:
        state["_best_params"] = state["_best_params"].copy()
    optimizer = state.get("_optimizer")
    optimizer_state = None if optimizer is None else {
        k: v.copy() if isinstance(v, np.ndarray) else v for k, v in vars(optimizer).items()
    }
    network = state.get("_network")
    params = None if network is None else network.params.copy()
    rng = state.get("_rng")
    # Rewind only a stream the estimator owns, not np.random's or the user's.
    own_rng = rng is not None and rng is not est.random_state and rng is not np.random.mtrand._rand
    return state, optimizer_state, params, rng.get_state() if own_rng else None


def _restore_state(est, saved):
    """Put back what ``_save_state`` returned."""
    state, optimizer_state, params, rng_state = saved
    est.__dict__.clear()
    est.__dict__.update(state)
    if optimizer_state is not None:
        vars(est._optimizer).update(optimizer_state)
    if params is not None:
        np.copyto(est._network.params, params)
    if rng_state is not None:
        est._rng.set_state(rng_state)


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
    @_atomic
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

        Raises
        ------
        ValueError
            If the input is invalid or training diverges; the estimator is
            then left as it was before the call.
        """
        return self._fit(X, y, sample_weight, incremental=False)

    def _fit(self, X, y, sample_weight, incremental):
        first = not hasattr(self, "_network") or not (self.warm_start or incremental)
        X, y = self._validate_Xy(X, y, first)
        Y = self._encode_targets(y, first, incremental)
        if first:
            self._initialize(X.shape[1], Y.shape[1], X.dtype)
        dtype = self._network.dtype
        X = X.tocsr() if sparse.issparse(X) else X
        data = (X.astype(dtype, copy=False), Y.astype(dtype), self._weights(sample_weight, X))
        self._check_compatible(data)
        if self.solver == "lbfgs":
            _training.fit_lbfgs(self, self._network, self._loss(), data)
        else:
            self._fit_stochastic(data, y, incremental)
        self._check_trained(data[0])
        return self

    def _check_trained(self, X):
        """The divergence error unless the weights, and the raw output on the
        first (up to 64) training rows, are finite.

        An epoch's loss is that of the weights before each step, and the
        Poisson loss caps its exponent, so neither sees every overflow. A
        blow-up of the weights overflows every row, so a few rows suffice.
        """
        when = "at the end of training"
        if not np.isfinite(self._network.params).all():
            raise _training._diverged(self, "a weight", when)
        raw = self._network.predict(X[:64], lambda raw: raw)
        if not np.isfinite(raw).all():
            raise _training._diverged(self, "the network's output", when)

    def _validate_Xy(self, X, y, reset):
        """``validate_data`` with a clearer message for non-numeric input."""
        _check_not_empty(self, X)
        X, y = _numeric(
            "X" if self._is_classifier() else "X and y", validate_data,
            self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
            dtype=(np.float64, np.float32), y_numeric=not self._is_classifier(),
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return X, y

    def _fit_stochastic(self, data, y, incremental):
        """sgd/adam: the optimizer and bookkeeping, then the epoch loop."""
        kind = SGD if self.solver == "sgd" else Adam
        if not incremental or not isinstance(self._optimizer, kind):
            self._optimizer = self._make_optimizer()
        self._track_stochastic()
        _training.fit_stochastic(self, self._network, self._loss(), data, y, incremental)

    def _track_stochastic(self):
        """Create the attributes of the stochastic solvers' stopping rule.

        Also when a warm start switches from 'lbfgs' or toggles
        ``early_stopping``: the state of the other mode is replaced.
        """
        if not hasattr(self, "loss_curve_"):
            self.loss_curve_, self._no_improvement_count = [], 0
            self.best_loss_ = self.validation_scores_ = None
        if self.early_stopping and self.validation_scores_ is None:
            self.validation_scores_, self.best_validation_score_ = [], -np.inf
            self.best_loss_ = None
            self._best_params = self._network.params.copy()
        elif not self.early_stopping and self.best_loss_ is None:
            self.best_loss_ = np.inf
            self.validation_scores_ = self.best_validation_score_ = None
            self.__dict__.pop("_best_params", None)

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
        for key in _STOCHASTIC_STATE:
            self.__dict__.pop(key, None)

    def _check_compatible(self, data):
        """A later call must match the network that the first call built."""
        hidden = _hidden_layer_sizes(self.hidden_layer_sizes)
        if self._network.layer_units[1:-1] != hidden:
            raise ValueError(
                f"hidden_layer_sizes={hidden} differs from the fitted network's "
                f"{self._network.layer_units[1:-1]}; set warm_start=False to refit."
            )
        if self._network.activation != self.activation:
            raise ValueError(
                f"activation={self.activation!r} differs from the fitted network's "
                f"{self._network.activation!r}; set warm_start=False to refit."
            )
        if data[1].shape[1] != self.n_outputs_:
            raise ValueError(
                f"y has {data[1].shape[1]} outputs but the fitted model has "
                f"{self.n_outputs_}; set warm_start=False to refit."
            )

    def _weights(self, sample_weight, X):
        """Checked sample weights in the network's dtype, or None."""
        if sample_weight is None:
            return None
        sample_weight = _numeric(
            "sample_weight", _check_sample_weight, sample_weight, X,
            dtype=self._network.dtype, ensure_non_negative=True,
        )
        total = sample_weight.sum()
        if not total > 0:
            raise ValueError(
                "sample_weight must have a positive sum; give at least one row "
                "a positive weight."
            )
        if not np.isfinite(total):
            raise ValueError(
                f"sample_weight sums to more than the largest {total.dtype} "
                "number; divide the weights by a common factor."
            )
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
        _check_not_empty(self, X)
        return _numeric(
            "X", validate_data, self, X, accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32), reset=False,
        )

    def _is_classifier(self):
        return isinstance(self, ClassifierMixin)

    def _predict(self, X, link):
        """``link`` of the network's raw output for X, checked to be finite,
        computed chunk by chunk."""

        def checked(raw):
            if not np.isfinite(raw).all():
                raise ValueError(
                    f"The network's output overflowed for some rows of X (largest "
                    f"|X| = {abs(X).max():.3g}). Scale X as the training data "
                    "was scaled; inputs far larger than those overflow."
                )
            return link(raw)

        return self._network.predict(X, checked)

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


def _numeric(what, validate, *args, **kwargs):
    """``validate(*args, **kwargs)``, naming the input if it is not numeric.

    NumPy's own message ("could not convert string to float: 'a'") does not
    say which input holds the value, nor what to do about it.
    """
    try:
        return validate(*args, **kwargs)
    except (TypeError, ValueError) as exc:
        if "could not convert" not in str(exc) and "argument must be" not in str(exc):
            raise
        hint = " Encode categorical features, for example with OneHotEncoder."
        raise type(exc)(
            f"{what} must hold numbers ({exc}).{hint if 'X' in what else ''}"
        ) from exc


def _check_not_empty(est, X):
    """scikit-learn's error for an input without rows or columns.

    ``validate_data`` fails from inside NumPy on a DataFrame without columns.
    """
    shape = getattr(X, "shape", ())
    if len(shape) == 2 and 0 in shape:
        what = "sample(s)" if shape[0] == 0 else "feature(s)"
        raise ValueError(
            f"Found array with 0 {what} (shape={tuple(shape)}) while a minimum of 1 "
            f"is required by {type(est).__name__}."
        )


def _check_label_types(labels, name):
    """A ValueError unless ``labels`` are class labels of one sortable kind."""
    try:
        unknown = type_of_target(labels) == "unknown"
        if np.asarray(labels).dtype == object:
            np.unique(np.asarray(labels))  # raises TypeError if not sortable
    except TypeError:
        unknown = True
    if unknown:
        kinds = sorted({type(v).__name__ for v in np.ravel(np.asarray(labels, dtype=object))})
        raise ValueError(
            f"Unknown label type: {name} must hold class labels of one kind, all "
            f"numbers or all strings, without missing values; got {kinds}."
        )


def _two_or_more(classes, source):
    """``classes``, or a ValueError if there is only one."""
    if len(classes) < 2:
        only = np.asarray(classes)[:1].tolist()[0]
        raise ValueError(
            f"{source} has only one class, {only!r}; a classifier needs at least "
            "two. Pass data (or classes=) with two or more classes."
        )
    return classes


def _assign(views, values, name):
    """Copy user-given arrays into the parameter views, shapes checked."""
    values = list(values)
    shapes = [v.shape for v in views]
    if [np.shape(v) for v in values] != shapes:
        raise ValueError(f"{name} must be arrays of shapes {shapes}.")
    if not all(np.isfinite(v).all() for v in values):
        raise ValueError(f"{name} must be finite numbers.")
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
    @_atomic
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
        if classes is not None:
            _check_label_types(classes, "classes")
        if _check_partial_fit_first_call(self, classes):
            self._label_binarizer = LabelBinarizer()
            multilabel = type_of_target(y).startswith("multilabel")
            self._label_binarizer.fit(y if multilabel else classes)
            self.classes_ = _two_or_more(self._label_binarizer.classes_, "classes")
            self.__dict__.pop("_network", None)
        return self._fit(X, y, sample_weight, incremental=True)

    def _encode_targets(self, y, first, incremental):
        """Labels to a 0/1 indicator matrix, checked against ``classes_``."""
        if y.dtype == object:  # only object arrays can mix kinds of labels
            _check_label_types(y, "y")
        check_classification_targets(y)
        if first and not incremental:
            self._label_binarizer = LabelBinarizer().fit(y)
            self.classes_ = _two_or_more(self._label_binarizer.classes_, "y")
        else:
            seen = unique_labels(y)
            known = set(self.classes_.tolist())
            unseen = [label for label in seen.tolist() if label not in known]
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
        # Labels chunk by chunk: the probabilities of all rows are never held.
        predict, labels = self._loss().predict, self._label_binarizer.inverse_transform
        return self._predict(X, lambda raw: labels(predict(raw)))

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
            return self._predict(X, link)

        def both_classes(raw):  # P(first class) = expit(-raw), exactly
            return np.hstack([link(-raw), link(raw)])

        return self._predict(X, both_classes)

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
    @_atomic
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
        if self.loss == "poisson" and np.any(y < 0):
            raise ValueError(
                f"loss='poisson' requires non-negative targets y, got a minimum of "
                f"{y.min()}; use loss='squared_error' or shift y."
            )
        return y.reshape(len(y), -1)

    def _loss(self):
        return LOSSES[self.loss]()

    def _stratify_validation(self):
        return False

    def _validation_score(self, X, y, sample_weight):
        return r2_score(y, self._predict_values(X), sample_weight=sample_weight)

    def _predict_values(self, X):
        y = self._predict(X, self._loss().predict)
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
