"""scikit-learn's estimator checks, none marked as expected to fail."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_mbnet import MLPClassifier, MLPRegressor
from sklearn_mbnet.layers import ACTIVATIONS

# The three solvers, and every activation scikit-learn's MLP lacks.
CONFIGURATIONS = [
    {},  # default: adam
    {"solver": "sgd", "momentum": 0.9},
    {"solver": "lbfgs"},
] + [{"activation": name} for name in sorted(ACTIVATIONS)
     if name not in ("identity", "logistic", "tanh", "relu")]


@parametrize_with_checks(
    [MLPClassifier(**config) for config in CONFIGURATIONS]
    + [MLPRegressor(**config) for config in CONFIGURATIONS]
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
