"""Demo: ``python -m sklearn_mbnet``.

Trains sklearn_mbnet's and scikit-learn's MLPClassifier with the same
settings on scikit-learn's bundled digits data and prints the test accuracy
and fit time of each.
"""

import time
import warnings

from sklearn.datasets import load_digits
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import train_test_split
from sklearn.neural_network import MLPClassifier as SklearnMLP
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from sklearn_mbnet import MLPClassifier

SETTINGS = dict(hidden_layer_sizes=(100,), max_iter=50, random_state=0)


def _fit_and_score(estimator, X_train, X_test, y_train, y_test):
    model = make_pipeline(StandardScaler(), estimator)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X_train, y_train)
    seconds = time.perf_counter() - start
    return model.score(X_test, y_test), seconds


def main():
    X, y = load_digits(return_X_y=True)
    split = train_test_split(X, y, test_size=0.25, random_state=0, stratify=y)
    print(f"digits: {X.shape[0]} samples, {X.shape[1]} features; settings {SETTINGS}")
    print(f"{'estimator':<38}{'test accuracy':>14}{'fit time (s)':>14}")
    for name, cls in [("sklearn_mbnet.MLPClassifier", MLPClassifier),
                      ("sklearn.neural_network.MLPClassifier", SklearnMLP)]:
        accuracy, seconds = _fit_and_score(cls(**SETTINGS), *split)
        print(f"{name:<38}{accuracy:>14.4f}{seconds:>14.3f}")


if __name__ == "__main__":
    main()
