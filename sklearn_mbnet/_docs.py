"""Docstrings of the estimators, written once for both."""

from .layers import ACTIVATIONS
from .losses import LOSSES

_SKLEARN_ACTIVATIONS = ("identity", "logistic", "tanh", "relu")
_ACTIVATION_ORDER = [*_SKLEARN_ACTIVATIONS,
                     *sorted(set(ACTIVATIONS) - set(_SKLEARN_ACTIVATIONS))]
_ACTIVATION_NAMES = "{" + ", ".join(f"'{n}'" for n in _ACTIVATION_ORDER) + "}"
_REGRESSION_LOSS_NAMES = "{" + ", ".join(
    f"'{name}'" for name, loss in LOSSES.items() if loss.task == "regression") + "}"
_ACTIVATION_FORMULAS = "\n".join(
    f"        - '{n}': ``{ACTIVATIONS[n].formula}``" for n in _ACTIVATION_ORDER)

_PARAMETERS = """\
    hidden_layer_sizes : array-like of shape (n_layers - 2,), default=(100,)
        The ith element is the number of neurons in the ith hidden layer.
        ``()`` gives a model with no hidden layer (a generalised linear
        model).

    activation : ACTIVATION_NAMES, default='relu'
        Activation function of the hidden layers:

ACTIVATION_FORMULAS

        The first four are scikit-learn's; the others are ours (leaky_relu
        with slope 0.01, elu with alpha = 1, gelu with the exact normal
        CDF Phi).

    solver : {'lbfgs', 'sgd', 'adam'}, default='adam'
        'lbfgs' minimises the full-batch objective with scipy's L-BFGS-B;
        'sgd' is mini-batch gradient descent with momentum; 'adam' is the
        Adam optimizer of Kingma and Ba.

    alpha : float, default=0.0001
        Strength of the L2 penalty on the weights (not the intercepts). The
        objective of a batch is ``(sum_i w_i loss_i + alpha/2 ||W||^2) /
        sum_i w_i``.

    batch_size : int or 'auto', default='auto'
        Size of the mini-batches of the stochastic solvers; 'auto' is
        ``min(200, n_samples)``. Ignored by 'lbfgs'.

    learning_rate : {'constant', 'invscaling', 'adaptive'}, default='constant'
        Learning-rate schedule of 'sgd': constant; ``learning_rate_init / (t
        + 1) ** power_t`` after each epoch, ``t`` counting samples seen; or
        divided by 5 each time ``n_iter_no_change`` epochs fail to improve
        by ``tol``.

    learning_rate_init : float, default=0.001
        Initial step size of 'sgd' and 'adam'.

    power_t : float, default=0.5
        Exponent of the 'invscaling' schedule.

    max_iter : int, default=200
        Maximum number of epochs ('sgd', 'adam') or iterations ('lbfgs').

    shuffle : bool, default=True
        Whether to shuffle the rows before each epoch (stochastic solvers).

    random_state : int, RandomState instance or None, default=None
        Seeds the weight initialisation, the shuffling and the validation
        split. With an int, ``fit`` is reproducible; successive
        ``partial_fit`` calls draw new shuffles from one stream.

    tol : float, default=1e-4
        Improvement of the training loss (or validation score) below which
        an epoch counts as no improvement; for 'lbfgs', the gradient
        tolerance.

    verbose : bool, default=False
        Print one line per epoch with the loss.

    warm_start : bool, default=False
        When True, ``fit`` continues from the fitted weights.

    momentum : float, default=0.9
        Momentum of 'sgd', in [0, 1].

    nesterovs_momentum : bool, default=True
        Whether 'sgd' uses Nesterov's momentum.

    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows (stratified for
        single-output classification), score them after each epoch, stop
        after ``n_iter_no_change`` epochs without a ``tol`` improvement and
        keep the best weights. Stochastic solvers only.

    validation_fraction : float, default=0.1
        Share of the rows held out by early stopping.

    beta_1 : float, default=0.9
        Decay rate of Adam's first-moment estimate, in [0, 1).

    beta_2 : float, default=0.999
        Decay rate of Adam's second-moment estimate, in [0, 1).

    epsilon : float, default=1e-8
        Adam's numerical-stability constant.

    n_iter_no_change : int, default=10
        Epochs without a ``tol`` improvement before stopping (or, with
        'adaptive', before dividing the learning rate).

    max_fun : int, default=15000
        Maximum number of loss evaluations of 'lbfgs'.
"""

# Parameters scikit-learn's MLP lacks; they follow its parameters, and each
# default reproduces its behaviour.
_DROPOUT_AND_SCORING = """\
    dropout : float or array-like of shape (n_layers - 2,), default=0.0
        Inverted dropout after each hidden activation, in training only: a
        unit is zeroed with this probability and the others are scaled by
        ``1 / (1 - dropout)``; one rate for all hidden layers or one per
        layer. The masks are drawn from ``random_state``'s stream.
        Prediction never drops. Not available with ``solver='lbfgs'``.

    scoring : {None, 'loss'}, default=None
        What early stopping judges epochs by: None, the estimator's
        ``score`` (scikit-learn's rule); 'loss', the mean loss of the
        validation rows (``validation_scores_`` then holds minus that loss,
        as HistGradientBoosting's does).

    callbacks : list of callbacks, default=None
        Objects watching each ``fit`` and ``partial_fit`` call, from
        :mod:`sklearn_mbnet.callbacks`
        (:class:`~sklearn_mbnet.callbacks.EarlyStopping`,
        :class:`~sklearn_mbnet.callbacks.Checkpoint`,
        :class:`~sklearn_mbnet.callbacks.LambdaCallback`) or subclasses of
        :class:`~sklearn_mbnet.callbacks.Callback`: their hooks
        (``on_train_begin``, ``on_epoch_end``, ...) get a read-only view of
        the fit and may ask it to stop. ``clone`` gives each copy of the
        estimator deep copies of them. They work with every solver and every
        scikit-learn version; scikit-learn's own callbacks (``set_callbacks``,
        scikit-learn 1.9+) work beside them.
"""

_CLASS_WEIGHT = """\
    class_weight : dict, 'balanced' or None, default=None
        Weights of the classes, multiplied into ``sample_weight`` as in
        scikit-learn's linear models: a dict ``{class: weight}`` (classes
        not listed weigh 1), or 'balanced', which weighs class c by
        ``sum(w) / (n_classes * sum of w over the rows of c)``. With
        ``partial_fit``, 'balanced' is refused (one call sees one chunk):
        compute the weights once with
        ``sklearn.utils.class_weight.compute_class_weight('balanced',
        classes=classes, y=y_sample)`` and pass them as a dict. Not for
        multilabel targets.

"""

_HUBER_DELTA = """\
    huber_delta : float, default=1.0
        Residual size beyond which ``loss='huber'`` grows linearly instead of
        quadratically. Only used by that loss.

"""


_PARAMETERS = _PARAMETERS.replace("ACTIVATION_NAMES", _ACTIVATION_NAMES).replace(
    "ACTIVATION_FORMULAS", _ACTIVATION_FORMULAS)


# The fitted attributes shared by both estimators; SCORE names the validation
# score of early stopping.
_ATTRIBUTES = """\
    loss_ : float
        Loss at the end of training: for the stochastic solvers, the
        weighted mean loss over the last epoch plus the L2 penalty, counted
        once.

    best_loss_ : float or None
        Lowest ``loss_`` seen. If `early_stopping=True`, this attribute is
        set to `None`. Refer to the `best_validation_score_` fitted attribute
        instead. Only accessible when solver='sgd' or 'adam'.

    loss_curve_ : list of float
        ``loss_`` after each epoch. Only accessible when solver='sgd' or
        'adam'.

    validation_scores_ : list of float or None
        Score on the held-out validation set after each epoch: the SCORE.
        Only available if `early_stopping=True`, otherwise the attribute is
        set to `None`. Only accessible when solver='sgd' or 'adam'.

    validation_loss_curve_ : list of float or None
        Mean loss of the held-out validation rows after each epoch (without
        the L2 term), beside ``validation_scores_``. Only available if
        `early_stopping=True`, otherwise the attribute is set to `None`. Only
        accessible when solver='sgd' or 'adam'.

    best_validation_score_ : float or None
        Best validation score (the SCORE); the weights that reached it
        are the ones kept.
        Only available if `early_stopping=True`, otherwise the attribute is
        set to `None`. Only accessible when solver='sgd' or 'adam'.

    t_ : int
        Number of training samples seen by the stochastic solver.

    coefs_ : list of ndarray
        ``coefs_[i]`` has shape (n_units_i, n_units_(i+1)). A view into one
        flat parameter vector: writing into it changes the model.

    intercepts_ : list of ndarray
        ``intercepts_[i]`` has shape (n_units_(i+1),); a view, as above.

    n_features_in_ : int
        Number of features seen during fit.

    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Feature names seen during fit. Defined only when `X` has feature
        names that are all strings.

    n_iter_ : int
        Number of epochs run by the last call to ``fit`` or ``partial_fit``
        (1 after each ``partial_fit``), or iterations of 'lbfgs'. ``t_``
        counts on across calls.

    n_layers_ : int
        Number of layers, input and output included.

    n_outputs_ : int
        Number of outputs.

    out_activation_ : str
        Inverse link of the output layer.
"""


def _attributes(score):
    """The shared fitted attributes, with the name of the validation score."""
    return _ATTRIBUTES.replace("SCORE", score)


def _see_also(name, other, extra=""):
    """The "See Also" section of estimator ``name``; ``extra``: more entries.

    ``name`` and ``other`` are "Classifier" and "Regressor", either way round.
    """
    return f"""\
See Also
--------
MLP{other} : Multi-layer perceptron {other.lower()}, trained in mini-batches.
sklearn.neural_network.MLP{name} : The scikit-learn estimator this one
    replaces.
sklearn.neural_network.BernoulliRBM : Bernoulli Restricted Boltzmann
    Machine (RBM).
{extra}"""


_SGD_REGRESSOR = """\
sklearn.linear_model.SGDRegressor : Linear model fitted by minimizing a
    regularized empirical loss with SGD.
"""

_WEIGHTS = """\
    Notes
    -----
    Sample weights enter each mini-batch as a weighted mean, so within one
    batch an integer weight is the same as repeating the row. When batches
    are smaller than the data, each batch is still one step whatever weight
    it carries: weights rescale the rows of a batch against each other, not
    batches against batches. A batch whose weights are all zero is skipped.

    Differences from scikit-learn 1.9, all bug fixes: the multi-output
    squared error reported as ``loss_`` is the loss whose gradient is used
    (summed over outputs); ``loss_`` counts the L2 penalty once per epoch;
    an int ``random_state`` does not replay the same shuffle on every
    ``partial_fit`` call; early stopping stratifies multiclass targets too;
    ``partial_fit`` exists only for the stochastic solvers.
"""

CLASSIFIER_DOC = f"""Multi-layer perceptron classifier, trained in mini-batches.

A drop-in replacement for :class:`sklearn.neural_network.MLPClassifier`:
the same parameters, methods and fitted attributes. It minimises the log
loss of a softmax (multiclass) or of independent logistic outputs (binary,
multilabel).

Parameters
----------
{_PARAMETERS}
{_CLASS_WEIGHT}{_DROPOUT_AND_SCORING}
Attributes
----------
    classes_ : ndarray or list of ndarray
        Class labels of each output.

{_attributes("accuracy")}
{_see_also("Classifier", "Regressor")}
{_WEIGHTS}
Examples
--------
>>> from sklearn.datasets import load_iris
>>> from sklearn_mbnet import MLPClassifier
>>> X, y = load_iris(return_X_y=True)
>>> clf = MLPClassifier(hidden_layer_sizes=(20,), solver="lbfgs",
...                     random_state=0).fit(X, y)
>>> clf.predict_proba(X[:1]).shape
(1, 3)

Options scikit-learn's MLP lacks, here dropout and balanced class weights:

>>> clf = MLPClassifier(hidden_layer_sizes=(32, 16), dropout=[0.3, 0.1],
...                     class_weight="balanced", max_iter=300,
...                     random_state=0).fit(X, y)
>>> clf.score(X, y) > 0.9
True
"""

REGRESSOR_DOC = f"""Multi-layer perceptron regressor, trained in mini-batches.

A drop-in replacement for :class:`sklearn.neural_network.MLPRegressor`:
the same parameters, methods and fitted attributes. It minimises half the
squared error (identity output) or half the Poisson deviance (exp output).

Parameters
----------
    loss : {_REGRESSION_LOSS_NAMES}, default='squared_error'
        Half squared error, summed over outputs; half Poisson deviance with
        a log link (requires ``y >= 0``); the absolute error ``|y - f|``
        (its gradient is the sign, 0 at the kink), robust to outliers in
        ``y``; or Huber's loss, squared within ``huber_delta`` and linear
        beyond. The first two are scikit-learn's.

{_PARAMETERS}
{_HUBER_DELTA}{_DROPOUT_AND_SCORING}
Attributes
----------
{_attributes("R2 score")}
{_see_also("Regressor", "Classifier", _SGD_REGRESSOR)}
{_WEIGHTS}
Examples
--------
>>> from sklearn.datasets import make_regression
>>> from sklearn_mbnet import MLPRegressor
>>> X, y = make_regression(n_samples=200, random_state=0)
>>> reg = MLPRegressor(hidden_layer_sizes=(), solver="lbfgs").fit(X, y)
>>> round(reg.score(X, y), 3)
1.0

Options scikit-learn's MLP lacks, here a loss robust to outliers and early
stopping on the validation loss:

>>> reg = MLPRegressor(loss="huber", huber_delta=2.0, early_stopping=True,
...                    scoring="loss", random_state=0).fit(X, y)
>>> len(reg.validation_loss_curve_) == reg.n_iter_
True
"""
