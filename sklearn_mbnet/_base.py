"""What MLPClassifier and MLPRegressor share: parameters, fit, predict.

The estimator translates its hyperparameters into objects once (a ``Batch``,
an ``Objective``, an optimizer, a ``History``, listeners), hands them to the
trainer and copies ``n_iter_``, ``t_`` and ``loss_`` back. No maths here.
"""

from numbers import Integral, Real

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, _fit_context, is_classifier
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state, column_or_1d
from sklearn.utils._param_validation import Interval, Options, StrOptions
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from . import _state, _training
from . import _validation as checks
from ._doc_links import DOC_LINK_MODULE, DOC_LINK_TEMPLATE, doc_link_url_params
from ._history import History
from ._callbacks import CallbackSupportMixin, SklearnCallbacks, wants_callbacks
from ._listeners import listeners_for
from .callbacks import user_listeners
from ._network import Network
from ._warn import warn
from ._objective import Batch, Objective
from ._split import split_validation
from .layers import ACTIVATIONS
from .optimizers import SGD, Adam

_STOCHASTIC = ("sgd", "adam")
_AT_LEAST_ONE = Interval(Integral, 1, None, closed="left")


def _check_stochastic(est):
    """available_if's test for partial_fit, with scikit-learn's message."""
    if est.solver not in _STOCHASTIC:
        raise AttributeError(
            "partial_fit is only available for stochastic optimizers. "
            f"{est.solver} is not stochastic."
        )
    return True


class BaseMLP(CallbackSupportMixin, BaseEstimator):
    """What the classifier and the regressor share; not for direct use."""

    _doc_link_module = DOC_LINK_MODULE
    _doc_link_template = DOC_LINK_TEMPLATE
    _doc_link_url_param_generator = doc_link_url_params

    _parameter_constraints: dict = {
        "hidden_layer_sizes": ["array-like", _AT_LEAST_ONE],
        "activation": [StrOptions(set(ACTIVATIONS))],
        "solver": [StrOptions({"lbfgs", "sgd", "adam"})],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "batch_size": [StrOptions({"auto"}), _AT_LEAST_ONE],
        "learning_rate": [StrOptions({"constant", "invscaling", "adaptive"})],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "power_t": [Interval(Real, 0, None, closed="left")],
        "max_iter": [_AT_LEAST_ONE],
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
        "n_iter_no_change": [_AT_LEAST_ONE, Options(Real, {np.inf})],
        "max_fun": [_AT_LEAST_ONE],
        "dropout": [Interval(Real, 0, 1, closed="left"), "array-like"],
        "scoring": [StrOptions({"loss"}), None],
        "callbacks": [list, tuple, None],
    }

    def __init__(self, loss):
        self.loss = loss

    # -- fitting -------------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    @_state.atomic
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
        if incremental and self.early_stopping:
            raise ValueError(
                "partial_fit does not support early_stopping=True: one call is one "
                "epoch, with nothing to hold out. Set early_stopping=False."
            )
        objective, data, y = self._prepare(X, y, sample_weight, incremental)
        if self.solver == "lbfgs":
            self._fit_lbfgs(objective, data, y)
        else:
            self._fit_stochastic(objective, data, y, incremental)
        self._check_trained(objective.network, data.X)
        return self

    def _prepare(self, X, y, sample_weight, incremental):
        """Checked data and the objective to train: ``(objective, data, y)``,
        with the network initialised on a first call."""
        first = not hasattr(self, "coefs_") or not (self.warm_start or incremental)
        X, y = self._validate_Xy(X, y, first)
        Y = self._encode_targets(y, first, incremental)
        if first:
            self._initialize(X.shape[1], Y.shape[1], X.dtype)
        elif not hasattr(self, "_rng"):  # weights assigned to an unfitted estimator
            self._start_counters()
        net = self._synced_network()
        self._check_compatible(net, Y.shape[1])
        net.set_dropout(self._dropout_rates(len(net.layer_units) - 2))
        X = X.tocsr() if sparse.issparse(X) else X
        weights = self._weights(sample_weight, X, y, net.dtype, incremental)
        data = Batch(X.astype(net.dtype, copy=False), Y.astype(net.dtype), weights)
        return Objective(net, self._loss(), self.alpha), data, y

    def _fit_lbfgs(self, objective, data, y):
        try:
            self.n_iter_, self.loss_ = _training.fit_lbfgs(
                objective, data, max_iter=self.max_iter, max_fun=self.max_fun,
                tol=self.tol, listeners=self._listeners(data, y, self.max_iter))
        except _training.Diverged as exc:
            raise self._diverged(exc.what, "in L-BFGS") from None

    def _fit_stochastic(self, objective, data, y, incremental):
        """sgd/adam: the optimizer, history and trainer; then the epochs."""
        n_epochs = 1 if incremental else self.max_iter
        kind = SGD if self.solver == "sgd" else Adam
        if not incremental or not isinstance(self._optimizer, kind):
            self._optimizer = self._make_optimizer(objective.network)
        if getattr(self, "_history", None) is None:
            self._history = History(self.early_stopping)
        self._history.set_mode(self.early_stopping)
        train, validation = self._split_validation(data, y)
        trainer = _training.Trainer(
            objective, self._optimizer, self._history,
            batch_size=self._batch_size(train.n_rows), shuffle=self.shuffle,
            rng=self._rng, tol=self.tol, n_iter_no_change=self.n_iter_no_change,
            listeners=self._listeners(data, y, n_epochs))
        try:
            exhausted = trainer.fit(train, n_epochs, validation, t=self.t_)
        except _training.Diverged as exc:
            raise self._diverged(exc.what, f"at epoch {trainer.n_iter + 1}") from None
        self.n_iter_, self.t_, self.loss_ = trainer.n_iter, trainer.t, trainer.loss
        self._publish_history()
        self._warn_if_unfinished(trainer, exhausted and not incremental)

    def _listeners(self, data, y, max_epochs):
        """What watches this fit: ``verbose``'s lines, scikit-learn's callbacks
        (given the rows and labels as the user passed them), and the
        ``callbacks`` parameter's."""
        listeners = listeners_for(self.verbose, self.solver, max_epochs)
        listeners += user_listeners(self.callbacks)
        if wants_callbacks(self):
            metadata = (None if data.sample_weight is None
                        else {"sample_weight": data.sample_weight})
            listeners.append(SklearnCallbacks(self, data.X, y, metadata, max_epochs))
        return listeners

    def _warn_if_unfinished(self, trainer, exhausted):
        if trainer.diverged:
            warn(f"Training diverged: {trainer.diverged} became non-finite at epoch "
                 f"{trainer.n_iter}; the weights of the best validation score "
                 "were restored. Lower learning_rate_init or scale the input "
                 "features.", ConvergenceWarning)
        elif exhausted:
            warn(f"Stochastic Optimizer: Maximum iterations ({self.max_iter}) "
                 "reached and the optimization hasn't converged yet.",
                 ConvergenceWarning)

    def _publish_history(self):
        """The fitted attributes that read the history."""
        h = self._history
        self.loss_curve_, self.best_loss_ = h.loss_curve, h.best_loss
        self.validation_scores_ = h.validation_scores
        self.validation_loss_curve_ = h.validation_losses
        self.best_validation_score_ = h.best_validation_score

    def _split_validation(self, data, y):
        """``(train, validation)`` for early stopping, else ``(data, None)``;
        see ``_split``: the parts are indices into ``data``, not copies."""
        if not self.early_stopping:
            return data, None
        return split_validation(
            data, y, validation_fraction=self.validation_fraction, rng=self._rng,
            stratify=self._stratify(y, data.Y),
            judge=(self._metric, self._decode, self.scoring == "loss"))

    def _batch_size(self, n_samples):
        if self.batch_size == "auto":
            return min(200, n_samples)
        if self.batch_size > n_samples:
            warn("Got `batch_size` less than 1 or larger than sample size. "
                 "It is going to be clipped")
        return int(np.clip(self.batch_size, 1, n_samples))

    def _check_trained(self, net, X):
        """The divergence error unless the weights, and the raw output on the
        first (up to 64) training rows, are finite.

        An epoch's loss is that of the weights before each step, and the
        Poisson loss caps its exponent, so neither sees every overflow. A
        blow-up of the weights overflows every row, so a few rows suffice.
        """
        when = "at the end of training"
        if not np.isfinite(net.params).all():
            raise self._diverged("a weight", when)
        if not np.isfinite(net.raw_output(X[:64])).all():
            raise self._diverged("the network's output", when)

    def _diverged(self, what, when):
        return checks.diverged_error(what, when, self.solver, self.learning_rate_init)

    def _validate_Xy(self, X, y, reset):
        """``validate_data`` with a clearer message for non-numeric input."""
        checks.check_not_empty(self, X)
        X, y = checks.numeric(
            "X" if self._is_classifier() else "X and y", validate_data,
            self, X, y, accept_sparse=["csr", "csc"], multi_output=True,
            dtype=(np.float64, np.float32), y_numeric=not self._is_classifier(),
            reset=reset,
        )
        if y.ndim == 2 and y.shape[1] == 1:
            y = column_or_1d(y, warn=True)
        return X, y

    def _initialize(self, n_features, n_outputs, dtype):
        """Fresh network and bookkeeping for a first call to fit."""
        hidden = checks.hidden_layer_sizes(self.hidden_layer_sizes)
        rng = check_random_state(self.random_state)
        net = Network([n_features, *hidden, n_outputs], self.activation, dtype)
        net.init_glorot(rng)
        self._network = net
        self.coefs_, self.intercepts_ = list(net.coefs), list(net.intercepts)
        self.n_layers_ = len(hidden) + 2
        self.n_outputs_ = n_outputs
        self.out_activation_ = self._loss().out_activation
        self._start_counters(rng)  # the stream goes on from the initial weights

    def _start_counters(self, rng=None):
        """The random stream, counters and solver state of a new fit."""
        self._rng = check_random_state(self.random_state) if rng is None else rng
        self.n_iter_, self.t_ = 0, 0
        self._optimizer = self._history = None

    def _synced_network(self):
        """The network holding ``coefs_`` and ``intercepts_`` (see
        ``_state.synced_network``)."""
        return _state.synced_network(self)

    def _check_compatible(self, net, n_outputs):
        """A later call must match the network that the first call built."""
        hidden = checks.hidden_layer_sizes(self.hidden_layer_sizes)
        for name, fitted, now in (("hidden_layer_sizes", net.layer_units[1:-1], hidden),
                                  ("activation", net.activation, self.activation)):
            if fitted != now:
                raise ValueError(
                    f"{name}={now!r} differs from the fitted network's {fitted!r}; "
                    "set warm_start=False to refit."
                )
        if n_outputs != net.layer_units[-1]:
            raise ValueError(
                f"y has {n_outputs} outputs but the fitted model has "
                f"{net.layer_units[-1]}; set warm_start=False to refit."
            )

    def _dropout_rates(self, n_hidden):
        """``dropout`` as one rate per hidden layer, checked."""
        rates = np.ravel(self.dropout).astype(float)
        rates = np.repeat(rates, n_hidden) if rates.size == 1 else rates
        if rates.size != n_hidden or not ((rates >= 0) & (rates < 1)).all():
            raise ValueError(
                f"dropout must be a rate in [0, 1) or one per hidden layer "
                f"({n_hidden}), got {self.dropout!r}."
            )
        if self.solver == "lbfgs" and rates.any():
            raise ValueError(
                "dropout is not supported with solver='lbfgs': L-BFGS needs the "
                "same objective at every evaluation, and dropout draws new masks. "
                "Use solver='adam' or 'sgd', or set dropout=0."
            )
        return rates.tolist()

    def _weights(self, sample_weight, X, y, dtype, incremental):
        """Checked sample weights times the class weights, in the network's
        dtype; None when there are neither."""
        if sample_weight is not None:
            sample_weight = checks.numeric(
                "sample_weight", _check_sample_weight, sample_weight, X,
                dtype=dtype, ensure_non_negative=True,
            )
        row_weights = self._class_weights(y, incremental, sample_weight)
        if row_weights is not None:
            row_weights = row_weights.astype(dtype)
            sample_weight = (row_weights if sample_weight is None
                             else sample_weight * row_weights)  # not the caller's
        if sample_weight is not None:
            checks.check_sample_weight_sum(sample_weight)
        return sample_weight

    def _class_weights(self, y, incremental, sample_weight):
        """Per-row weights of ``class_weight`` (classifier), or None."""
        return None

    def _make_optimizer(self, net):
        n, dtype = net.params.size, net.dtype
        if self.solver == "sgd":
            return SGD(n, dtype, self.learning_rate_init, self.learning_rate,
                       self.momentum, self.nesterovs_momentum, self.power_t)
        return Adam(n, dtype, self.learning_rate_init, self.beta_1, self.beta_2,
                    self.epsilon)

    # -- prediction ------------------------------------------------------------

    def _check_X(self, X):
        check_is_fitted(self)
        checks.check_not_empty(self, X)
        return checks.numeric(
            "X", validate_data, self, X, accept_sparse=["csr", "csc"],
            dtype=(np.float64, np.float32), reset=False,
        )

    def _is_classifier(self):
        return is_classifier(self)

    def _predict(self, X, decode):
        """``decode`` of the network's raw output for X, checked to be finite,
        computed chunk by chunk."""

        def checked(raw):
            if not np.isfinite(raw).all():
                raise ValueError(
                    f"The network's output overflowed for some rows of X (largest "
                    f"|X| = {abs(X).max():.3g}). Scale X as the training data "
                    "was scaled; inputs far larger than those overflow."
                )
            return decode(raw)

        return self._synced_network().predict(X, checked)

    # -- state -----------------------------------------------------------------

    def __getstate__(self):
        return _state.to_plain(super().__getstate__())

    def __setstate__(self, state):
        super().__setstate__(_state.from_plain(state))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags
