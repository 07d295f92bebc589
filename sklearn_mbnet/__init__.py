"""Mini-batch multi-layer perceptrons, drop-in for sklearn.neural_network."""

from ._mlp import MLPClassifier, MLPRegressor

__version__ = "0.1.0"
__all__ = ["MLPClassifier", "MLPRegressor", "__version__"]
