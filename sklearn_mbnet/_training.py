"""Training: fit -> epochs -> mini-batch steps, and the L-BFGS path.

``fit_stochastic`` runs epochs until ``max_iter`` or the stopping rule;
``run_epoch`` walks the mini-batches; ``train_step`` is one forward, loss,
backward and optimizer step. ``loss_and_grad`` is shared with L-BFGS, which
sees the whole training set as one batch.

The objective of a batch B with sample weights w (all ones by default) is

    J_B(theta) = (sum_{i in B} w_i l_i(theta) + alpha/2 ||W||^2) / sum_{i in B} w_i

as in scikit-learn, so an integer weight equals repeating the row *within a
batch*. Across batches the weights are not re-balanced: each batch is one
step, however much weight it carries, and a batch whose weights are all zero
is skipped. The reported ``loss_`` of an epoch is the weighted mean of the
per-sample losses over the epoch plus the penalty counted once.
"""

import warnings

import numpy as np
import scipy.optimize
from scipy import sparse
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.utils import gen_batches


def loss_and_grad(net, loss, alpha, X, Y, sample_weight):
    """Mean data loss of a batch; fills ``net.grad`` with dJ_B/dtheta."""
    total = X.shape[0] if sample_weight is None else sample_weight.sum()
    value, delta = loss.value_and_grad(Y, net.forward(X), sample_weight)
    net.backward(delta)
    if alpha:
        # d/dW of alpha/2 ||W||^2 / sum(w)
        net.add_penalty_grad(alpha / total)
    return value


def penalty(net, alpha, total_weight):
    """alpha/2 ||W||^2 / sum(w): the L2 term of the objective."""
    w = net.coef_params
    return 0.5 * alpha * float(w @ w) / total_weight


def train_step(net, loss, optimizer, alpha, X, Y, sample_weight):
    """One optimizer step on a batch; returns the batch's summed weighted loss."""
    total = X.shape[0] if sample_weight is None else float(sample_weight.sum())
    if total == 0:
        return 0.0  # nothing to learn from: no step
    value = loss_and_grad(net, loss, alpha, X, Y, sample_weight)
    optimizer.step(net.params, net.grad)
    return value * total


def iter_batches(X, Y, sample_weight, batch_size, order=None):
    """Yield (X_b, Y_b, w_b); contiguous views, or rows ``order`` gathered.

    Gathered dense rows land in buffers allocated once per call.
    """
    n = X.shape[0]
    if order is None:
        for rows in gen_batches(n, batch_size):
            yield X[rows], Y[rows], None if sample_weight is None else sample_weight[rows]
        return
    gathers = [_row_gatherer(a, min(batch_size, n)) for a in (X, Y, sample_weight)]
    for rows in gen_batches(n, batch_size):
        idx = order[rows]
        yield tuple(gather(idx) for gather in gathers)


def _row_gatherer(a, n_rows):
    """A function mapping row indices to ``a[idx]``, reusing one buffer.

    ``take`` with ``mode='clip'`` writes straight into ``out``; the default
    ``mode='raise'`` buffers the output first (44 vs 67 us for 200 rows of
    784 float32). The indices come from a permutation, so nothing is clipped.
    """
    if a is None:
        return lambda idx: None
    if sparse.issparse(a):
        return lambda idx: a[idx]
    buf = np.empty((n_rows, *a.shape[1:]), dtype=a.dtype)
    return lambda idx: np.take(a, idx, axis=0, out=buf[: len(idx)], mode="clip")


def run_epoch(est, net, loss, data, batch_size):
    """One pass over ``data = (X, Y, w)``; returns the epoch's mean loss."""
    X, Y, sample_weight = data
    order = None
    if est.shuffle:
        # Compose with the previous order, as scikit-learn does, so that a
        # given random_state gives scikit-learn's sequence of batches.
        est._order = est._order[est._rng.permutation(X.shape[0])]
        order = est._order
    batches = iter_batches(X, Y, sample_weight, batch_size, order)
    summed = sum(
        train_step(net, loss, est._optimizer, est.alpha, *batch) for batch in batches
    )
    total = X.shape[0] if sample_weight is None else float(sample_weight.sum())
    return summed / total + penalty(net, est.alpha, total)


def fit_stochastic(est, net, loss, data, y_score, incremental):
    """Epoch loop of sgd and adam, with the stopping rules of scikit-learn.

    Raises ValueError when an epoch ends on a non-finite loss or weight; the
    estimator's ``fit`` then restores the state from before the call. A
    KeyboardInterrupt stops training with a warning and keeps the weights
    reached so far, as scikit-learn does (``fit`` then checks that they are
    finite).
    """
    if incremental and est.early_stopping:
        raise ValueError(
            "partial_fit does not support early_stopping=True: one call is one "
            "epoch, with nothing to hold out. Set early_stopping=False."
        )
    train, val = _split_for_early_stopping(est, data, y_score)
    if est.shuffle and not sparse.issparse(train[0]) and not train[0].flags.c_contiguous:
        # Shuffled batches gather rows; in an F-ordered X (a DataFrame's
        # values, a column slice) each row is n_features scattered reads. One
        # C-ordered copy per call makes each row one contiguous read.
        train = (np.ascontiguousarray(train[0]), *train[1:])
    n_samples = train[0].shape[0]
    batch_size = _batch_size(est.batch_size, n_samples)
    net.allocate(batch_size)
    est._order = np.arange(n_samples)
    n_epochs = 1 if incremental else est.max_iter
    est.n_iter_ = est.n_iter_ if incremental else 0
    try:
        for _ in range(n_epochs):
            est.loss_ = run_epoch(est, net, loss, train, batch_size)
            _check_finite(est, net)
            est.n_iter_ += 1
            est.t_ += n_samples
            est.loss_curve_.append(est.loss_)
            if est.verbose:
                print(f"Iteration {est.n_iter_}, loss = {est.loss_:.8f}")
            if _should_stop(est, net, val):
                break
        else:
            if not incremental:
                warnings.warn(
                    f"Stochastic Optimizer: Maximum iterations ({est.max_iter}) "
                    "reached and the optimization hasn't converged yet.",
                    ConvergenceWarning,
                )
    except KeyboardInterrupt:
        warnings.warn("Training interrupted by user.")
    if est.early_stopping:
        np.copyto(net.params, est._best_params)


def _check_finite(est, net):
    """Raise the divergence error unless the epoch's loss and weights are finite."""
    if not np.isfinite(est.loss_):
        raise _diverged(est, "the loss")
    if not np.isfinite(net.params).all():
        raise _diverged(est, "a weight")


def _split_for_early_stopping(est, data, y_score):
    """``(train, validation)`` for early stopping, else ``(data, None)``.

    Errors of the split name the parameters to change; a part whose sample
    weights are all zero (nothing to train on or to score) is an error too.
    """
    if not est.early_stopping:
        return data, None
    try:
        train, val = split_validation(est, data, y_score)
    except ValueError as exc:
        raise ValueError(
            f"early_stopping=True cannot hold out validation_fraction="
            f"{est.validation_fraction} of {data[0].shape[0]} rows: {exc} "
            "Change validation_fraction, pass more rows, or set early_stopping=False."
        ) from exc
    for (_, _, weights), name in ((train, "training"), (val, "validation")):
        if weights is not None and not weights.sum() > 0:
            raise ValueError(
                f"early_stopping=True left {name} rows whose sample weights are "
                "all zero. Give more rows a positive weight, change "
                "validation_fraction or random_state, or set early_stopping=False."
            )
    return train, val


def _should_stop(est, net, val):
    """Update the no-improvement count; True when training should stop."""
    if val is not None:
        score = est._validation_score(*val)
        est.validation_scores_.append(score)
        if est.verbose:
            print(f"Validation score: {score:f}")
        improved = score >= est.best_validation_score_ + est.tol
        if score > est.best_validation_score_:
            est.best_validation_score_ = score
            np.copyto(est._best_params, net.params)
    else:
        improved = est.loss_ <= est.best_loss_ - est.tol
        est.best_loss_ = min(est.best_loss_, est.loss_)
    est._no_improvement_count = 0 if improved else est._no_improvement_count + 1
    est._optimizer.epoch_end(est.t_)
    if est._no_improvement_count <= est.n_iter_no_change:
        return False
    what = "Validation score" if val is not None else "Training loss"
    msg = (
        f"{what} did not improve more than tol={est.tol:f} for "
        f"{est.n_iter_no_change} consecutive epochs."
    )
    if est.verbose:
        print(msg)
    if est._optimizer.on_plateau(est.verbose):
        return True
    est._no_improvement_count = 0
    return False


def split_validation(est, data, y_score):
    """Hold out ``validation_fraction`` of the rows, stratified if possible."""
    X, Y, sample_weight = data
    idx = np.arange(X.shape[0])
    stratify = y_score if est._stratify_validation() else None
    idx_train, idx_val = train_test_split(
        idx,
        test_size=est.validation_fraction,
        random_state=est._rng,
        stratify=stratify,
    )
    if len(idx_val) < 2:
        raise ValueError(
            "The validation set is too small. Increase 'validation_fraction' "
            "or the size of your dataset."
        )
    w = (lambda i: None) if sample_weight is None else (lambda i: sample_weight[i])
    train = (X[idx_train], Y[idx_train], w(idx_train))
    val = (X[idx_val], y_score[idx_val], w(idx_val))
    return train, val


def _batch_size(batch_size, n_samples):
    if batch_size == "auto":
        return min(200, n_samples)
    if batch_size > n_samples:
        warnings.warn(
            "Got `batch_size` less than 1 or larger than sample size. "
            "It is going to be clipped"
        )
    return int(np.clip(batch_size, 1, n_samples))


def _diverged(est, what="the loss", when=None):
    """The ValueError of a fit whose loss, weights or outputs became non-finite.

    ``when`` defaults to the epoch in progress ('in L-BFGS' for lbfgs).
    """
    if est.solver == "lbfgs":
        when, advice = when or "in L-BFGS", "Scale the input features"
    else:
        when = when or f"at epoch {est.n_iter_ + 1}"
        advice = (
            f"Lower learning_rate_init (now {est.learning_rate_init}) or scale "
            "the input features"
        )
    return ValueError(
        f"Training diverged: {what} became non-finite {when}; the estimator "
        f"is left as it was before this call. {advice}, for example with "
        "sklearn.preprocessing.StandardScaler, and rescale very large "
        "regression targets or sample weights."
    )


def fit_lbfgs(est, net, loss, data):
    """Minimise the full-batch objective J with scipy's L-BFGS-B."""
    X, Y, sample_weight = data
    total = X.shape[0] if sample_weight is None else float(sample_weight.sum())
    net.allocate(X.shape[0])

    def objective(theta):
        np.copyto(net.params, theta, casting="same_kind")
        value = loss_and_grad(net, loss, est.alpha, X, Y, sample_weight)
        return value + penalty(net, est.alpha, total), net.grad.astype(np.float64)

    result = scipy.optimize.minimize(
        objective,
        net.params.astype(np.float64),
        method="L-BFGS-B",
        jac=True,
        options={"maxfun": est.max_fun, "maxiter": est.max_iter, "gtol": est.tol},
    )
    if result.status != 0:
        warnings.warn(
            "lbfgs failed to converge after "
            f"{result.nit} iteration(s) (status={result.status}): {result.message}"
            "\nIncrease the number of iterations (max_iter), max_fun, "
            "or scale the data.",
            ConvergenceWarning,
        )
    np.copyto(net.params, result.x, casting="same_kind")
    est.n_iter_ = min(result.nit, est.max_iter)
    est.loss_ = float(result.fun)
    if not np.isfinite(est.loss_):
        raise _diverged(est)
