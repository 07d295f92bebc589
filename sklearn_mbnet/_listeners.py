"""Listeners on the trainer's events (see ``_training``).

``verbose=True`` prints scikit-learn's lines (``VerbosePrinter``), byte for
byte, unless standard output is a terminal: then one progress line on
standard error (``EpochBar``) shows the epoch, the loss and the time left,
rewritten in place.
"""

import sys
import time


class VerbosePrinter:
    """scikit-learn's ``verbose`` lines on standard output."""

    def epoch_end(self, trainer, info):
        print(f"Iteration {info.n_iter}, loss = {info.loss:.8f}")
        if info.validation_score is not None:
            print(f"Validation score: {info.validation_score:f}")

    def plateau(self, trainer, message):
        print(message)


class EpochBar:
    """One progress line per fit, rewritten after every epoch.

    Parameters
    ----------
    max_epochs : int
        The epoch budget; the time left assumes every epoch runs.
    stream : file-like, default=sys.stderr
        Where the line goes.
    width : int, default=30
        Characters of the bar itself.
    """

    def __init__(self, max_epochs, stream=None, width=30):
        self.max_epochs, self.width = max_epochs, width
        self.stream = sys.stderr if stream is None else stream
        self._start = None

    def train_begin(self, trainer):
        self._start = time.perf_counter()

    def epoch_end(self, trainer, info):
        done = info.n_iter / self.max_epochs
        elapsed = time.perf_counter() - self._start
        left = elapsed / done - elapsed if done else 0.0
        filled = int(round(self.width * done))
        bar = "#" * filled + "-" * (self.width - filled)
        score = ("" if info.validation_score is None
                 else f"  validation {info.validation_score:.4f}")
        self.stream.write(f"\rEpoch {info.n_iter}/{self.max_epochs} [{bar}] "
                          f"loss {info.loss:.6f}{score}  {_clock(left)} left ")
        self.stream.flush()

    def train_end(self, trainer):
        self.stream.write("\n")
        self.stream.flush()


def _clock(seconds):
    minutes, seconds = divmod(int(round(seconds)), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{seconds:02d}"


def listeners_for(verbose, solver, max_epochs, stdout=None):
    """The listeners that ``verbose`` asks for with this solver.

    L-BFGS prints nothing with ``verbose``, as in scikit-learn (whose output
    there is scipy's).
    """
    if not verbose or solver == "lbfgs":
        return []
    stdout = sys.stdout if stdout is None else stdout
    is_terminal = getattr(stdout, "isatty", lambda: False)()
    if is_terminal and max_epochs > 1:
        return [EpochBar(max_epochs)]
    return [VerbosePrinter()]
