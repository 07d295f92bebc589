"""scikit-learn's callback API on the trainer's events.

scikit-learn 1.9 ships an experimental ``sklearn.callback`` module:
``set_callbacks(ProgressBar(), ScoringMonitor(...))`` on an estimator, and
auto-propagation from meta-estimators (``Pipeline``, ``GridSearchCV``). Its
callbacks see a tree of tasks; ours is one ``fit`` task with one subtask per
epoch (per iteration for L-BFGS). ``SklearnCallbacks`` is the trainer
listener that opens and closes those tasks; a callback's request to stop ends
training after the epoch.

On a scikit-learn without ``sklearn.callback`` the mixin is empty, the
estimators have no ``set_callbacks``, and everything else works as before.
"""

try:
    from sklearn.callback import CallbackSupportMixin, with_callbacks
except ImportError:  # scikit-learn < 1.9
    HAVE_CALLBACKS = False

    class CallbackSupportMixin:
        """Stands in for scikit-learn's mixin where it does not exist."""

    def with_callbacks(method):
        return method
else:
    HAVE_CALLBACKS = True


def wants_callbacks(estimator):
    """Whether the estimator has callbacks of its own or from a meta-estimator."""
    return HAVE_CALLBACKS and (hasattr(estimator, "_skl_callbacks")
                               or hasattr(estimator, "_parent_callback_ctx"))


class SklearnCallbacks:
    """The trainer listener that runs an estimator's scikit-learn callbacks.

    Parameters
    ----------
    estimator : MLPClassifier or MLPRegressor
        The estimator being fitted (what the callbacks are given).
    X, y, metadata
        The training data as the callbacks receive it.
    max_epochs : int
        The most epochs (or L-BFGS iterations) this fit can run.
    """

    def __init__(self, estimator, X, y, metadata, max_epochs):
        self.estimator, self.data = estimator, dict(X=X, y=y, metadata=metadata)
        self.max_epochs = max_epochs
        self._fit_ctx = self._epoch_ctx = None

    def _call(self, ctx, hook, **extra):
        return getattr(ctx, hook)(estimator=self.estimator, **self.data, **extra)

    def train_begin(self, trainer):
        # One more subtask than epochs: L-BFGS may end without a last callback.
        self._fit_ctx = self.estimator._init_callback_context(
            max_subtasks=self.max_epochs + 1)
        self._call(self._fit_ctx, "call_on_fit_task_begin")

    def epoch_begin(self, trainer):
        self._epoch_ctx = self._fit_ctx.subcontext(task_name="epoch")
        self._call(self._epoch_ctx, "call_on_fit_task_begin")

    def epoch_end(self, trainer, info):
        if self._epoch_ctx is None:  # L-BFGS reports iterations only at their end
            self.epoch_begin(trainer)
        stop = self._call(self._epoch_ctx, "call_on_fit_task_end",
                          reconstruction_attributes=lambda: _fitted_state(trainer))
        self._epoch_ctx = None
        if stop:
            trainer.request_stop()

    def train_end(self, trainer):
        self._call(self._fit_ctx, "call_on_fit_task_end")


def _fitted_state(source):
    """What makes a copy of the estimator predict as if fitting stopped now.

    Copies of the weights and no ``_network``: the copy builds its own from
    them instead of writing into the one being trained.
    """
    network = source.network
    return {"coefs_": [c.copy() for c in network.coefs],
            "intercepts_": [b.copy() for b in network.intercepts],
            "n_iter_": source.n_iter, "_network": None}
