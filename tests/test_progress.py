"""verbose=True: scikit-learn's lines, or a progress line in a terminal."""

import io
import os
import pty
import subprocess
import sys

import numpy as np

from sklearn_mbnet._listeners import EpochBar, VerbosePrinter, listeners_for
from sklearn_mbnet._training import EpochInfo


class _Terminal(io.StringIO):
    def isatty(self):
        return True


def test_listeners_follow_verbose_and_the_terminal():
    assert listeners_for(False, "adam", 10) == []
    assert listeners_for(True, "lbfgs", 10, stdout=_Terminal()) == []
    assert isinstance(listeners_for(True, "adam", 10, stdout=io.StringIO())[0],
                      VerbosePrinter)
    assert isinstance(listeners_for(True, "sgd", 10, stdout=_Terminal())[0], EpochBar)
    # partial_fit's single epoch prints scikit-learn's line even in a terminal.
    assert isinstance(listeners_for(True, "sgd", 1, stdout=_Terminal())[0],
                      VerbosePrinter)


def test_epoch_bar_rewrites_one_line():
    out = io.StringIO()
    bar = EpochBar(4, stream=out, width=8)
    bar.train_begin(None)
    bar.epoch_end(None, EpochInfo(1, 0.5))
    bar.epoch_end(None, EpochInfo(2, 0.25, validation_score=0.75))
    bar.train_end(None)
    text = out.getvalue()
    first, second = text.split("\r")[1:]
    assert first.startswith("Epoch 1/4 [##------] loss 0.500000  0:00:00 left")
    assert second.startswith("Epoch 2/4 [####----] loss 0.250000  validation 0.7500")
    assert text.endswith("\n") and text.count("\n") == 1


def test_a_fit_in_a_pseudo_terminal_shows_the_bar_on_stderr():
    code = (
        "import numpy as np, warnings; from sklearn_mbnet import MLPRegressor\n"
        "warnings.simplefilter('ignore')\n"
        "X = np.random.RandomState(0).normal(size=(50, 3))\n"
        "MLPRegressor(hidden_layer_sizes=(4,), max_iter=5, verbose=True,\n"
        "             random_state=0).fit(X, X[:, 0])\n"
    )
    leader, follower = pty.openpty()
    try:
        done = subprocess.run([sys.executable, "-c", code], stdout=follower,
                              stderr=subprocess.PIPE, timeout=120, check=True)
    finally:
        os.close(follower)
        os.close(leader)
    err = done.stderr.decode()
    assert err.count("\rEpoch ") == 5 and "Epoch 5/5 [" in err
    assert "Iteration" not in err


def test_verbose_lines_without_a_terminal(capsys):
    from sklearn_mbnet import MLPRegressor

    X = np.random.RandomState(0).normal(size=(50, 3))
    MLPRegressor(hidden_layer_sizes=(4,), max_iter=3, verbose=True, tol=10.0,
                 n_iter_no_change=1, random_state=0).fit(X, X[:, 0])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Iteration 1, loss = ")
