"""The record of stochastic training: curves, bests and the stopping count.

One object holds everything the stopping rule and the fitted attributes
(``loss_curve_``, ``best_loss_``, ``validation_scores_``,
``best_validation_score_``) read, so a rollback that copies it whole cannot
forget a piece. The rule is scikit-learn's:

- without early stopping, an epoch improves when its training loss is below
  ``best_loss - tol``;
- with early stopping, when its validation score is at least
  ``best_score + tol``; the weights of the best score are kept (a NaN score
  is never the best).

Training stops once ``no_improvement_count > n_iter_no_change``, unless the
optimizer lowers its learning rate instead (``optimizers.SGD``'s adaptive
schedule).
"""

import numpy as np


class History:
    """Curves and bests across the calls of one fit.

    Parameters
    ----------
    early_stopping : bool
        Whether epochs are judged by a validation score (else by the loss).
    """

    def __init__(self, early_stopping):
        self.loss_curve = []
        self.no_improvement_count = 0
        self.validation_scores = self.best_validation_score = None
        self.validation_losses = self.best_loss = self.best_params = None
        self.set_mode(early_stopping)

    def set_mode(self, early_stopping):
        """Judge by the validation score or by the loss from now on.

        A warm start may toggle ``early_stopping``: the other mode's bests
        are dropped, the loss curve is kept.
        """
        if early_stopping and self.validation_scores is None:
            self.validation_scores, self.best_validation_score = [], -np.inf
            self.validation_losses, self.best_loss = [], None
        elif not early_stopping and self.best_loss is None:
            self.best_loss = np.inf
            self.validation_scores = self.best_validation_score = None
            self.validation_losses = self.best_params = None

    @property
    def early_stopping(self):
        return self.validation_scores is not None

    def record_loss(self, loss, tol):
        """Append an epoch's training loss; judge it unless early stopping."""
        self.loss_curve.append(loss)
        if self.early_stopping:
            return
        self._count(loss <= self.best_loss - tol)
        self.best_loss = min(self.best_loss, loss)

    def record_validation(self, score, loss, params, tol):
        """Append an epoch's validation score and loss; keep ``params`` if the
        score is the best."""
        self.validation_scores.append(score)
        self.validation_losses.append(loss)
        self._count(score >= self.best_validation_score + tol)
        if score > self.best_validation_score:
            self.best_validation_score = score
            self.best_params = params.copy()

    def _count(self, improved):
        self.no_improvement_count = 0 if improved else self.no_improvement_count + 1

    def plateau_message(self, tol, n_iter_no_change):
        """scikit-learn's words for the stopping rule firing."""
        what = "Validation score" if self.early_stopping else "Training loss"
        return (f"{what} did not improve more than tol={tol:f} for "
                f"{n_iter_no_change} consecutive epochs.")
