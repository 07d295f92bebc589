"""Mini-batch multi-layer perceptrons, drop-in for sklearn.neural_network."""

from ._display import LossCurveDisplay
from ._gradcheck import check_gradients
from ._kernels import kernels_in_use
from ._mlp import MLPClassifier, MLPRegressor
from ._onnx import register_onnx, to_onnx  # onnx is imported only when they are called

__version__ = "0.1.0"
__all__ = [
    "LossCurveDisplay",
    "MLPClassifier",
    "MLPRegressor",
    "check_gradients",
    "kernels_in_use",
    "register_onnx",
    "to_onnx",
    "__version__",
]
