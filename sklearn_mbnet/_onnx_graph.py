"""The ONNX graph of a fitted MLP, written node by node from its weights.

Standard ONNX operators only (no ``ai.onnx.ml`` domain). The functions here
emit their nodes through a ``Graph`` (``op``, ``const``, ``scalar``,
``output``), which ``HelperGraph`` implements with ``onnx.helper`` for
``to_onnx`` and ``_onnx._ContainerGraph`` over a skl2onnx container, so both
exports have the same nodes.

Graph, in the model's weight dtype (the input is cast to it)::

    h = X;  h = act(h @ W_i + b_i) for each hidden layer;  raw = h @ W_L + b_L

then, by the estimator's ``out_activation_`` and label type:

================  ==========================================================
regressor         ``variable`` = raw (identity) or exp(min(raw, cap))
                  (exp, as ``losses.Poisson``), shape (N, n_outputs)
binary            ``probabilities`` = [sigmoid(-raw), sigmoid(raw)],
                  ``label`` = classes_[sigmoid(raw) > 0.5]
multiclass        ``probabilities`` = softmax(raw),
                  ``label`` = classes_[argmax(probabilities)]
multilabel        ``probabilities`` = sigmoid(raw),
                  ``label`` = int64(probabilities > 0.5), shape (N, n_classes)
single class      ``probabilities`` = ones (N, 1), ``label`` = classes_[0]
================  ==========================================================

Probabilities are clipped into (tiny, 1 - eps) as ``predict_proba`` clips
them. A float64 model's graph agrees with ``predict`` to rounding, except
for gelu, whose erf onnxruntime computes in float32 only (see ``_gelu``).
Each hidden activation of ``layers.ACTIVATIONS`` has its nodes in
``_ACTIVATION_NODES``; an activation missing there makes the export fail
with a message naming it (and the tests, which take the list from the
registry, fail with it).

onnx is imported inside the functions only, when an export is asked for.
"""

import math

import numpy as np
from sklearn.base import is_classifier

#: The oldest opset the graph is valid in (Softmax over one axis, Clip with
#: input bounds).
MIN_TARGET_OPSET = 13


def check_opset(opset):
    """Raise a ValueError if the graph is not valid in the opset ``opset``."""
    if opset < MIN_TARGET_OPSET:
        raise ValueError(
            f"The ONNX export needs target_opset >= {MIN_TARGET_OPSET}, got {opset}."
        )


# -- the nodes of each activation ----------------------------------------------
#
# onnxruntime's float64 kernels are not all usable: LeakyRelu's alpha is a
# float32 attribute (0.01 becomes 0.0099999998), Softplus overflows to inf
# above z = 709, and Erf has no float64 kernel. The float64 graphs use other
# nodes there; float32 ones use the operators themselves.


def _leaky_relu(g, z):
    from .layers import LeakyReLU

    if g.dtype == np.float32:
        return g.op("LeakyRelu", [z], alpha=float(LeakyReLU.slope))
    return g.op("Max", [z, g.op("Mul", [z, g.scalar("slope", LeakyReLU.slope)])])


def _softplus(g, z):
    if g.dtype == np.float32:
        return g.op("Softplus", [z])
    # max(z, 0) + log(1 + exp(-|z|)), as numpy's logaddexp(0, z)
    tail = g.op("Exp", [g.op("Neg", [g.op("Abs", [z])])])
    log_term = g.op("Log", [g.op("Add", [tail, g.scalar("one", 1.0)])])
    return g.op("Add", [g.op("Relu", [z]), log_term])


def _silu(g, z):  # z * sigmoid(z)
    return g.op("Mul", [z, g.op("Sigmoid", [z])])


def _gelu(g, z):
    """z Phi(z) = 0.5 z (1 + erf(z / sqrt(2))); the Gelu operator is opset 20.

    For float64 the erf is computed in float32 (onnxruntime has no float64
    Erf), which bounds the error of 0.5 z (1 + erf) by about 4e-8 |z|.
    """
    u = g.op("Mul", [z, g.scalar("inv_sqrt2", 1 / math.sqrt(2))])
    if g.dtype == np.float32:
        erf = g.op("Erf", [u])
    else:
        u32 = g.op("Cast", [u], to=proto(np.float32))
        erf = g.op("Cast", [g.op("Erf", [u32])], to=proto(g.dtype))
    half_z = g.op("Mul", [z, g.scalar("half", 0.5)])
    return g.op("Mul", [half_z, g.op("Add", [erf, g.scalar("one", 1.0)])])


def _unary(op_type, **attrs):
    def nodes(g, z):
        return g.op(op_type, [z], **attrs)

    return nodes


#: The nodes of each hidden activation of ``layers.ACTIVATIONS``:
#: ``nodes(g, z)`` adds them to the graph ``g`` and returns f(z)'s name.
_ACTIVATION_NODES = {
    "identity": lambda g, z: z,
    "logistic": _unary("Sigmoid"),
    "tanh": _unary("Tanh"),
    "relu": _unary("Relu"),
    "leaky_relu": _leaky_relu,
    "elu": _unary("Elu", alpha=1.0),
    "softplus": _softplus,
    "silu": _silu,
    "gelu": _gelu,
}


def _activation_nodes(name):
    try:
        return _ACTIVATION_NODES[name]
    except KeyError:
        raise NotImplementedError(
            f"The ONNX export does not know the activation {name!r}; add its nodes "
            f"to {__name__}._ACTIVATION_NODES (known: {sorted(_ACTIVATION_NODES)})."
        ) from None


# -- types, tensors, and the interface the nodes are emitted through -----------


def proto(dtype):
    """The ONNX element type of a numpy dtype: STRING for str, bytes, object."""
    dtype = np.dtype(dtype)
    if dtype.kind in "OUS":
        from onnx import TensorProto

        return TensorProto.STRING
    from onnx import helper

    return helper.np_dtype_to_tensor_dtype(dtype)


def tensor(name, array):
    """A TensorProto of a numeric or a string array."""
    from onnx import helper, numpy_helper

    array = np.asarray(array)
    if array.dtype.kind in "OUS":
        values = [v if isinstance(v, bytes) else str(v).encode("utf-8")
                  for v in array.ravel()]
        return helper.make_tensor(name, proto(array.dtype), array.shape, values)
    return numpy_helper.from_array(array, name)


class Graph:
    """Emits nodes computing in ``dtype``; subclasses define how, with
    ``const(hint, array)`` (an initializer) and ``op(op_type, inputs,
    out=None, **attrs)`` (a node), each returning its output's name."""

    def __init__(self, dtype):
        self.dtype = np.dtype(dtype)
        self._scalars = {}

    def scalar(self, hint, value):
        """One initializer per distinct scalar of the graph's dtype."""
        value = np.array(value, self.dtype)
        key = value.tobytes()
        if key not in self._scalars:
            self._scalars[key] = self.const(hint, value)
        return self._scalars[key]

    def output(self, name, value, to=None):
        """Link ``value`` to the output ``name``, cast to the element type
        ``to`` unless that is None or the graph's dtype's."""
        if to is None or to == proto(self.dtype):
            return self.op("Identity", [value], out=name)
        return self.op("Cast", [value], out=name, to=to)


class HelperGraph(Graph):
    """Nodes and initializers for ``onnx.helper.make_graph``."""

    def __init__(self, dtype, reserved=()):
        super().__init__(dtype)
        self.nodes, self.initializers, self._used = [], [], set(reserved)

    def _name(self, hint):
        name, i = hint, 0
        while name in self._used:
            i += 1
            name = f"{hint}{i}"
        self._used.add(name)
        return name

    def const(self, hint, array):
        name = self._name(hint)
        self.initializers.append(tensor(name, array))
        return name

    def op(self, op_type, inputs, out=None, **attrs):
        from onnx import helper

        out = out or self._name(op_type.lower())
        self._used.add(out)
        self.nodes.append(helper.make_node(op_type, list(inputs), [out],
                                           name=self._name(f"{op_type}_node"), **attrs))
        return out


# -- what the estimator holds --------------------------------------------------


def weights_dtype(model):
    """The dtype predict computes in (as ``BaseMLP._synced_network``)."""
    dtype = np.result_type(*model.coefs_, *model.intercepts_)
    return np.dtype(dtype if dtype in (np.float32, np.float64) else np.float64)


def _hidden_activation(model):
    # predict uses the fitted network's activation, which a later
    # set_params(activation=...) does not change until the next fit.
    network = vars(model).get("_network")
    return getattr(network, "activation", model.activation)


def is_multilabel(model):
    return model._label_binarizer.y_type_ == "multilabel-indicator"


def label_values(model, nocl=False):
    """``classes_`` as ONNX label values: int64 for integer, bool and float
    labels (scikit-learn takes floats as labels only where they are
    integers; skl2onnx makes them int64 too), strings for the rest; with
    skl2onnx's option ``nocl``, the indices 0, 1, ... of the classes.
    None for a regressor."""
    if not is_classifier(model):
        return None
    classes = np.asarray(model.classes_)
    if nocl:
        return np.arange(len(classes), dtype=np.int64)
    if classes.dtype.kind in "biuf":
        return classes.astype(np.int64)
    return np.array([str(c) for c in classes], dtype=object)


def _n_columns(model):
    """Width of ``probabilities`` (classifier) or ``variable`` (regressor)."""
    if not is_classifier(model):
        return model.n_outputs_
    return 1 if len(model.classes_) == 1 else len(model.classes_)


# -- the graph -----------------------------------------------------------------


def network_outputs(g, model, x, x_dtype, labels):
    """The names of the outputs computed from the input ``x`` (of dtype
    ``x_dtype``): [label, probabilities] for a classifier, whose classes
    are ``labels`` (of ``label_values``), or [variable] for a regressor."""
    if is_classifier(model):
        return list(_classifier_outputs(g, model, x, x_dtype, labels))
    return [_regressor_outputs(g, model, x, x_dtype)]


def output_types(model, labels, float_type, n):
    """The (ONNX element type, shape) of each of ``network_outputs``: the
    probabilities or values have the type ``float_type``; the first
    dimension is ``n``."""
    if labels is None:
        return [(float_type, [n, _n_columns(model)])]
    label_shape = [n, _n_columns(model)] if is_multilabel(model) else [n]
    return [(proto(labels.dtype), label_shape), (float_type, [n, _n_columns(model)])]


def _raw_output(g, model, x, x_dtype):
    """The network's raw output, from the input name ``x``."""
    h = x if np.dtype(x_dtype) == g.dtype else g.op("Cast", [x], to=proto(g.dtype))
    hidden = _activation_nodes(_hidden_activation(model))
    n_layers = len(model.coefs_)
    for i, (coef, intercept) in enumerate(zip(model.coefs_, model.intercepts_)):
        h = g.op("MatMul", [h, g.const(f"coef{i}", np.asarray(coef, g.dtype))])
        b = g.const(f"intercept{i}", np.asarray(intercept, g.dtype))
        h = g.op("Add", [h, b])
        if i < n_layers - 1:
            h = hidden(g, h)
    return h


def _open_unit(g, p):
    """Clip into (tiny, 1 - eps) as ``losses._open_unit``."""
    kind = g.dtype.type
    return g.op("Clip", [p, g.scalar("p_min", np.finfo(g.dtype).tiny),
                         g.scalar("p_max", np.nextafter(kind(1), kind(0)))])


def _regressor_outputs(g, model, x, x_dtype):
    raw = _raw_output(g, model, x, x_dtype)
    out = model.out_activation_
    if out == "identity":
        return raw
    if out == "exp":  # exponent capped as losses.Poisson caps it
        cap = g.scalar("exp_cap", np.log(np.finfo(g.dtype).max) / 2)
        return g.op("Exp", [g.op("Min", [raw, cap])])
    raise NotImplementedError(
        f"The ONNX export does not know the regressor output activation {out!r}."
    )


def _single_class_outputs(g, x, classes):
    """(classes[0] for each row, a column of ones), as predict_proba."""
    first = g.const("first_dim", np.array([0], np.int64))
    rows = g.op("Gather", [g.op("Shape", [x]), first], axis=0)  # [N]
    one_column = g.const("one_column", np.array([1], np.int64))
    shape = g.op("Concat", [rows, one_column], axis=0)
    ones = tensor("value", np.ones(1, g.dtype))
    proba = g.op("ConstantOfShape", [shape], value=ones)
    zeros = tensor("value", np.zeros(1, np.int64))
    first_class = g.op("ConstantOfShape", [rows], value=zeros)
    return g.op("Gather", [classes, first_class], axis=0), proba


def _classifier_outputs(g, model, x, x_dtype, labels):
    """Names of (label, probabilities), the classes being ``labels``."""
    kind = model._label_binarizer.y_type_
    if kind != "multilabel-indicator":
        classes = g.const("classes", labels)
    if len(model.classes_) == 1:
        return _single_class_outputs(g, x, classes)
    raw = _raw_output(g, model, x, x_dtype)
    if kind == "multiclass":
        proba = _open_unit(g, g.op("Softmax", [raw], axis=1))
        best = g.op("ArgMax", [proba], axis=1, keepdims=0)
        return g.op("Gather", [classes, best], axis=0), proba
    p = _open_unit(g, g.op("Sigmoid", [raw]))
    above = g.op("Greater", [p, g.scalar("half", 0.5)])
    is_positive = g.op("Cast", [above], to=proto(np.int64))
    if kind == "multilabel-indicator":
        return is_positive, p
    if kind != "binary":
        raise NotImplementedError(
            f"The ONNX export does not know targets of type {kind!r}.")
    negative = _open_unit(g, g.op("Sigmoid", [g.op("Neg", [raw])]))
    proba = g.op("Concat", [negative, p], axis=1)
    index = g.op("Reshape", [is_positive, g.const("flat", np.array([-1], np.int64))])
    return g.op("Gather", [classes, index], axis=0), proba
