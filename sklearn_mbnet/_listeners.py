"""Listeners on the trainer's events (see ``_training``).

``verbose=True`` prints scikit-learn's lines (``VerbosePrinter``), byte for
byte, unless standard output is a terminal: then one progress line on
standard error (``EpochBar``) shows the epoch, the loss and the time left,
rewritten in place after each epoch, and within long epochs.
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
    """One progress line per fit, rewritten after every epoch and, when an
    epoch is long, within it.

    Within an epoch the line says which mini-batch the fit is at, rewritten
    at most every ``interval`` seconds, so that a fit of short epochs pays
    one clock reading per step and writes nothing more. The number of steps
    per epoch is known from the first epoch on.

    Parameters
    ----------
    max_epochs : int
        The epoch budget; the time left assumes every epoch runs.
    stream : file-like, default=sys.stderr
        Where the line goes.
    width : int, default=30
        Characters of the bar itself.
    interval : float, default=0.2
        Least seconds between two rewrites within an epoch.
    clock : callable, default=time.perf_counter
        The time in seconds (a parameter for the tests).
    """

    def __init__(self, max_epochs, stream=None, width=30, interval=0.2,
                 clock=time.perf_counter):
        self.max_epochs, self.width = max_epochs, width
        self.stream = sys.stderr if stream is None else stream
        self.interval, self.clock = interval, clock
        self._start = None
        self._epochs = self._batches = self._written = 0
        self._n_batches = self._loss = self._score = None

    def train_begin(self, trainer):
        self._start = self._last_write = self.clock()

    def epoch_begin(self, trainer):
        self._batches = 0

    def batch_end(self, trainer, batch):
        self._batches += 1
        now = self.clock()
        if now - self._last_write >= self.interval:
            n = self._n_batches
            steps = f"batch {self._batches}" + ("" if n is None else f"/{n}")
            within = 0.0 if n is None else min(self._batches / n, 1.0)
            self._write(now, self._epochs + 1, self._epochs + within, steps)

    def epoch_end(self, trainer, info):
        self._epochs, self._loss = info.n_iter, info.loss
        self._score = info.validation_score
        self._n_batches = self._batches or self._n_batches
        self._batches = 0
        self._write(self.clock(), info.n_iter, info.n_iter, "")

    def _write(self, now, epoch, epochs_done, steps):
        """Rewrite the line: at ``epoch``, with ``epochs_done`` (a fraction
        within an epoch) of the budget done."""
        done = epochs_done / self.max_epochs
        elapsed = now - self._start
        filled = int(round(self.width * min(done, 1.0)))
        bar = "#" * filled + "-" * (self.width - filled)
        parts = [steps]
        if self._loss is not None:
            parts.append(f"loss {self._loss:.6f}")
        if self._score is not None:
            parts.append(f"validation {self._score:.4f}")
        if done:
            parts.append(f"{_clock(elapsed / done - elapsed)} left")
        line = (f"Epoch {epoch}/{self.max_epochs} [{bar}] "
                + "  ".join(part for part in parts if part) + " ")
        # Blanks over the rest of a longer previous line.
        self.stream.write("\r" + line.ljust(self._written))
        self.stream.flush()
        self._written, self._last_write = len(line), now

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
