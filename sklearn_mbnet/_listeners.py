"""Listeners on the trainer's events (see ``_training``).

``VerbosePrinter`` is what ``verbose=True`` prints: scikit-learn's lines,
byte for byte.
"""


class VerbosePrinter:
    """scikit-learn's ``verbose`` lines on standard output."""

    def epoch_end(self, trainer, info):
        print(f"Iteration {info.n_iter}, loss = {info.loss:.8f}")
        if info.validation_score is not None:
            print(f"Validation score: {info.validation_score:f}")

    def plateau(self, trainer, message):
        print(message)


def listeners_for(verbose, solver):
    """The listeners that ``verbose`` asks for with this solver.

    L-BFGS prints nothing with ``verbose``, as in scikit-learn (whose output
    there is scipy's).
    """
    return [VerbosePrinter()] if verbose and solver != "lbfgs" else []
