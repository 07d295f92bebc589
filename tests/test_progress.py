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


def _run_with_stdout_on_a_terminal(code):
    """Run ``code`` in a new Python whose stdout is a pseudo-terminal; the
    finished process, its stderr captured."""
    leader, follower = pty.openpty()
    try:
        return subprocess.run([sys.executable, "-c", code], stdout=follower,
                              stderr=subprocess.PIPE, timeout=120, check=True)
    finally:
        os.close(follower)
        os.close(leader)


def test_a_fit_in_a_pseudo_terminal_shows_the_bar_on_stderr():
    code = (
        "import numpy as np, warnings; from sklearn_mbnet import MLPRegressor\n"
        "warnings.simplefilter('ignore')\n"
        "X = np.random.RandomState(0).normal(size=(50, 3))\n"
        "MLPRegressor(hidden_layer_sizes=(4,), max_iter=5, verbose=True,\n"
        "             random_state=0).fit(X, X[:, 0])\n"
    )
    done = _run_with_stdout_on_a_terminal(code)
    err = done.stderr.decode()
    assert err.count("\rEpoch ") == 5 and "Epoch 5/5 [" in err
    assert "Iteration" not in err and "batch" not in err  # short epochs: no more


class _Clock:
    """A clock that the test moves."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_the_bar_moves_within_long_epochs_at_most_every_interval():
    out, clock = io.StringIO(), _Clock()
    bar = EpochBar(2, stream=out, width=8, interval=0.2, clock=clock)
    bar.train_begin(None)
    for epoch in (1, 2):
        bar.epoch_begin(None)
        for _ in range(4):
            clock.now += 0.15  # a rewrite every second step
            bar.batch_end(None, None)
        bar.epoch_end(None, EpochInfo(epoch, 1.0 / epoch))
    bar.train_end(None)
    lines = [line.rstrip() for line in out.getvalue().split("\r")[1:]]
    assert len(lines) == 6  # two within each epoch, one at each end
    # Epoch 1 does not know its steps yet; epoch 2 does, and its bar moves.
    assert lines[0].startswith("Epoch 1/2 [--------] batch 2") and "/4" not in lines[0]
    assert "loss" not in lines[0] and "left" not in lines[0]
    assert lines[2].startswith("Epoch 1/2 [####----] loss 1.000000")
    assert lines[3].startswith("Epoch 2/2 [######--] batch 2/4  loss 1.000000")
    assert lines[4].startswith("Epoch 2/2 [########] batch 4/4")
    assert "0:00:00 left" in lines[3]
    # Each rewrite blanks the rest of the longer line before it.
    raw = out.getvalue().split("\r")[1:]
    assert all(len(b) >= len(a.rstrip()) for a, b in zip(raw, raw[1:]))


def test_a_long_epoch_in_a_pseudo_terminal_shows_its_steps():
    code = (
        "import time, numpy as np, warnings; from sklearn_mbnet import MLPRegressor\n"
        "from sklearn_mbnet.callbacks import LambdaCallback\n"
        "warnings.simplefilter('ignore')\n"
        "X = np.random.RandomState(0).normal(size=(100, 3))\n"
        "slow = LambdaCallback(on_batch_end=lambda state: time.sleep(0.05))\n"
        "MLPRegressor(hidden_layer_sizes=(4,), max_iter=2, verbose=True, batch_size=10,\n"
        "             random_state=0, callbacks=[slow]).fit(X, X[:, 0])\n"
    )
    done = _run_with_stdout_on_a_terminal(code)
    lines = done.stderr.decode().split("\r")[1:]
    # 0.5 s epochs, a rewrite at most every 0.2 s: one or two within each.
    within = [line for line in lines if " batch " in line]
    assert 2 <= len(within) <= 4 and len(lines) == len(within) + 2
    assert any(line.startswith("Epoch 2/2 [") and "/10" in line for line in within)


def test_verbose_lines_without_a_terminal(capsys):
    from sklearn_mbnet import MLPRegressor

    X = np.random.RandomState(0).normal(size=(50, 3))
    MLPRegressor(hidden_layer_sizes=(4,), max_iter=3, verbose=True, tol=10.0,
                 n_iter_no_change=1, random_state=0).fit(X, X[:, 0])
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Iteration 1, loss = ")
