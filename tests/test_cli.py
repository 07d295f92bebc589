"""The command-line tool, ``python -m sklearn_mbnet``.

Run in-process through ``main(argv)`` with tiny settings (5 epochs of 8 hidden
units), its output captured by ``capsys``; one subprocess test checks the
``python -m`` entry point itself. The default run (the README's demo) is not
trained here: ``test_no_options_are_the_demo`` pins its parameters.
"""

import csv
import math
import re
import subprocess
import sys

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from sklearn_mbnet._cli import build_parser, main
from sklearn_mbnet._cli_data import DATASETS, read_csv
from sklearn_mbnet._cli_models import estimator_params, progress_params
from sklearn_mbnet.layers import ACTIVATIONS
from sklearn_mbnet.losses import LOSSES

TINY = ["--max-iter", "5", "--hidden-layer-sizes", "8", "--threads", "1"]
VALUE = r"(n/a|-?\d+\.\d+(?: ± \d+\.\d+)?)"
ROW = re.compile(rf"^(sklearn\S+)\s+{VALUE}\s+{VALUE}$", re.MULTILINE)
ESTIMATOR = {"classification": "MLPClassifier", "regression": "MLPRegressor"}


def _value(text):
    """'0.9733' as (0.9733,), '0.97 ± 0.01' as (0.97, 0.01), 'n/a' as None."""
    return None if text == "n/a" else tuple(float(v) for v in text.split(" ± "))


def _rows(out):
    """The table: {library: (score, fit time)}, each as ``_value`` reads it."""
    return {m[1]: (_value(m[2]), _value(m[3])) for m in ROW.finditer(out)}


def _run(capsys, *args, status=0):
    assert main(list(args)) == status
    return capsys.readouterr()


def _usage_error(capsys, *args):
    """stderr of a run that must stop with argparse's exit status 2."""
    with pytest.raises(SystemExit) as exc:
        main(list(args))
    assert exc.value.code == 2
    return capsys.readouterr().err


def _libraries(task):
    name = ESTIMATOR[task]
    return f"sklearn_mbnet.{name}", f"sklearn.neural_network.{name}"


def _check_score(score, task):
    """A test accuracy in [0, 1], or a finite R^2 of at most 1."""
    assert math.isfinite(score) and score <= 1
    assert task == "regression" or score >= 0


def _write_csv(path, header, rows):
    with open(path, "w", newline="") as file:
        csv.writer(file).writerows([header, *rows])
    return str(path)


def _csv_data(tmp_path, task):
    """A CSV file of 60 rows: string labels of 3 classes, or a real target."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = (np.array(["red", "green", "blue"])[np.arange(60) % 3]
         if task == "classification" else X @ [1.0, -2.0, 0.5])
    rows = [[*x, target] for x, target in zip(X, y)]
    return _write_csv(tmp_path / "data.csv", ["a", "b", "c", "target"], rows)


@pytest.mark.parametrize("dataset", list(DATASETS))
def test_every_bundled_dataset(capsys, dataset):
    task = DATASETS[dataset][1]
    out = _run(capsys, "--dataset", dataset, *TINY).out
    rows = _rows(out)
    assert list(rows) == list(_libraries(task))
    for (score,), (seconds,) in rows.values():
        _check_score(score, task)
        assert seconds >= 0
    assert out.startswith(f"{dataset}: ") and f"({task})" in out
    assert ("test accuracy" if task == "classification" else "test R²") in out
    assert "2 ConvergenceWarnings silenced" in out and "--show-warnings" in out


@pytest.mark.parametrize("task", ["classification", "regression"])
def test_csv_is_cross_validated(capsys, tmp_path, task):
    out = _run(capsys, "--csv", _csv_data(tmp_path, task), "--target", "target",
               *TINY).out
    rows = _rows(out)
    assert list(rows) == list(_libraries(task))
    for (mean, std), (seconds, _) in rows.values():
        _check_score(mean, task)
        assert std >= 0 and seconds >= 0
    assert f"({task})" in out and "5-fold" in out and "60 samples, 3 features" in out


def test_read_csv_chooses_the_task(tmp_path):
    header = ["x", "y"]
    few = _write_csv(tmp_path / "few.csv", header, [[i, i % 20] for i in range(40)])
    many = _write_csv(tmp_path / "many.csv", header, [[i, i % 21] for i in range(42)])
    X, y, task = read_csv(few, "y")
    assert task == "classification" and y.dtype.kind == "i" and X.shape == (40, 1)
    assert read_csv(many, "y")[2] == "regression"
    assert read_csv(few, "y", "regression")[2] == "regression"
    labels = _write_csv(tmp_path / "labels.csv", header, [[1, "a"], [2, "b"]])
    assert read_csv(labels, "y")[1].tolist() == ["a", "b"]


def test_no_compare_trains_sklearn_mbnet_only(capsys):
    out = _run(capsys, "--dataset", "iris", "--no-compare", *TINY).out
    assert list(_rows(out)) == ["sklearn_mbnet.MLPClassifier"]
    assert "sklearn.neural_network.MLPClassifier" not in out


def test_help_mentions_every_option(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--help"])
    assert exc.value.code == 0
    out = capsys.readouterr().out
    options = {flag for action in build_parser()._actions
               for flag in action.option_strings}
    assert options >= {
        "--dataset", "--csv", "--target", "--task", "--hidden-layer-sizes",
        "--activation", "--solver", "--alpha", "--batch-size",
        "--learning-rate-init", "--max-iter", "--early-stopping", "--random-state",
        "--dropout", "--class-weight", "--loss", "--verbose", "--no-compare",
        "--show-warnings"}
    assert all(option in out for option in options)
    assert all(name in out for name in DATASETS)


def test_choices_come_from_the_estimators():
    choices = {action.dest: action.choices for action in build_parser()._actions}
    assert sorted(choices["activation"]) == sorted(ACTIVATIONS)
    assert sorted(choices["loss"]) == sorted(
        name for name, loss in LOSSES.items() if loss.task == "regression")
    assert choices["class_weight"] == ["balanced"]


def test_no_options_are_the_demo():
    args = build_parser().parse_args([])
    assert args.dataset is None and args.csv is None  # digits
    assert estimator_params(args, "classification") == {
        "hidden_layer_sizes": (100,), "max_iter": 50, "random_state": 0}
    assert progress_params(args) == {}  # nothing printed while training


@pytest.mark.parametrize("args, message", [
    (["--dataset", "mnist"], "invalid choice: 'mnist'"),
    (["--hidden-layer-sizes", "0"], "--hidden-layer-sizes: expected positive"),
    (["--hidden-layer-sizes", "10,x"], "got '10,x'"),
    (["--max-iter", "0"], "'max_iter' parameter of MLPClassifier"),
    (["--alpha", "-1"], "'alpha' parameter of MLPClassifier"),
    (["--dropout", "0.1,0.2"], "2 rates for 1 hidden layer"),
    (["--dataset", "diabetes", "--class-weight", "balanced"], "does not apply"),
    (["--loss", "huber"], "--loss does not apply to classification"),
    (["--target", "y"], "--target needs --csv"),
    (["--task", "regression"], "--task regression applies to --csv only"),
])
def test_bad_options_exit_with_status_2(capsys, args, message):
    assert message in _usage_error(capsys, *args)


def test_csv_errors_name_the_culprit(capsys, tmp_path):
    path = _write_csv(tmp_path / "bad.csv", ["a", "b", "y"],
                      [[1, 2, 0], [3, 4, 1], [5, "abc", 0]])
    err = _usage_error(capsys, "--csv", path, "--target", "y")
    assert "column 'b', row 3 (line 4): 'abc' is not a finite number" in err
    err = _usage_error(capsys, "--csv", path, "--target", "label")
    assert "no column named 'label'; the columns are 'a', 'b', 'y'" in err
    (tmp_path / "empty.csv").write_text("")
    err = _usage_error(capsys, "--csv", str(tmp_path / "empty.csv"), "--target", "y")
    assert "empty.csv is empty" in err
    assert "needs --target" in _usage_error(capsys, "--csv", path)


def test_extras_are_dropped_for_scikit_learn(capsys):
    out = _run(capsys, "--dataset", "wine", "--dropout", "0.2",
               "--class-weight", "balanced", *TINY).out
    assert all(value is not None for row in _rows(out).values() for value in row)
    assert ("sklearn.neural_network.MLPClassifier ran without dropout=0.2, "
            "class_weight='balanced'") in out


def test_a_value_scikit_learn_lacks_skips_its_run(capsys):
    out = _run(capsys, "--dataset", "moons", "--activation", "gelu", *TINY).out
    rows = _rows(out)
    assert rows["sklearn_mbnet.MLPClassifier"][0] is not None
    assert rows["sklearn.neural_network.MLPClassifier"] == (None, None)
    assert "sklearn.neural_network.MLPClassifier not run: The 'activation'" in out


def test_a_failed_fit_is_reported_with_status_1(capsys):
    out = _run(capsys, "--dataset", "iris", "--solver", "lbfgs", "--dropout", "0.2",
               *TINY, status=1).out
    assert _rows(out)["sklearn_mbnet.MLPClassifier"] == (None, None)
    assert "sklearn_mbnet.MLPClassifier failed: dropout is not supported" in out


def test_verbose_prints_a_line_per_epoch_of_sklearn_mbnet_only(capsys):
    quiet = _run(capsys, "--dataset", "iris", *TINY).out
    assert "Iteration" not in quiet
    out = _run(capsys, "--dataset", "iris", "--verbose", *TINY).out
    lines = re.findall(r"^Iteration (\d+), loss = \d+\.\d+$", out, re.MULTILINE)
    assert lines == ["1", "2", "3", "4", "5"]  # scikit-learn's run is quiet
    assert "training sklearn_mbnet.MLPClassifier" in out


def test_show_warnings_shows_every_convergence_warning(capsys):
    with pytest.warns(ConvergenceWarning) as record:
        out = _run(capsys, "--dataset", "iris", "--show-warnings", *TINY).out
    assert len(record) == 2 and "silenced" not in out


def test_other_warnings_are_never_silenced(capsys):
    with pytest.warns(UserWarning, match="clipped") as record:
        out = _run(capsys, "--dataset", "iris", "--batch-size", "1000", *TINY).out
    assert not any(issubclass(w.category, ConvergenceWarning) for w in record)
    assert "2 ConvergenceWarnings silenced" in out


def test_python_m_sklearn_mbnet_help():
    done = subprocess.run([sys.executable, "-m", "sklearn_mbnet", "--help"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("usage: python -m sklearn_mbnet")
    assert "--hidden-layer-sizes" in done.stdout
