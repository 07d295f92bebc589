"""Export to ONNX: ``to_onnx``, and ``register_onnx`` for skl2onnx.

The graph (see ``_onnx_graph``) is written node by node from the fitted
weights, with the standard ONNX operators only, and needs the ``onnx``
package alone; skl2onnx is needed only by ``register_onnx``, which lets
``skl2onnx.to_onnx`` convert our estimators, alone or inside a pipeline,
with the same graph.

Nothing here imports onnx or skl2onnx until an export is asked for, so that
importing ``sklearn_mbnet`` never does.
"""

import numpy as np
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted

from ._onnx_graph import (Graph, HelperGraph, check_opset, is_multilabel,
                          label_values, network_outputs, output_types, proto,
                          tensor, weights_dtype)

#: Opset used when ``target_opset`` is None: every operator used here has had
#: its current definition since opset 13, and onnxruntime >= 1.14 runs 18.
DEFAULT_TARGET_OPSET = 18

_INPUT_DTYPES = (np.float32, np.float64, np.int32, np.int64)


# -- the public functions ------------------------------------------------------


def to_onnx(model, X_sample, *, target_opset=None):
    """Convert a fitted MLPClassifier or MLPRegressor to an ONNX model.

    The graph computes ``predict`` and ``predict_proba`` in the model's
    weight dtype (float32 or float64) with standard ONNX operators; only the
    ``onnx`` package is needed (``pip install "sklearn_mbnet[onnx]"`` also
    installs onnxruntime, to run it, and skl2onnx). Dropout, a training-only
    layer, is not in the graph. Outputs are named as skl2onnx names those of
    scikit-learn's MLPs converted with ``options={"zipmap": False}``.

    Parameters
    ----------
    model : MLPClassifier or MLPRegressor
        A fitted estimator.
    X_sample : array-like of shape (n_samples, n_features)
        Rows of the input; only its dtype (float32, float64, int32 or
        int64: the type of the graph's input ``X``) and its number of
        columns are used.
    target_opset : int, default=None
        The ONNX opset of the graph, at least 13; None for 18 (or the newest
        that the installed onnx knows, if older).

    Returns
    -------
    onnx_model : onnx.ModelProto
        A model with the input ``X`` of shape (N, n_features) and, for a
        classifier, the outputs ``label`` (of shape (N,), the classes of
        ``classes_``: int64 for integer, bool and float labels, as
        skl2onnx has them, strings for strings; for a multilabel model an
        int64 0/1 matrix of shape (N, n_classes)) and
        ``probabilities`` (N, n_classes), or for a regressor the output
        ``variable`` (N, n_outputs), always two-dimensional.

    See Also
    --------
    register_onnx : Let ``skl2onnx.to_onnx`` convert the estimators as well.

    Examples
    --------
    >>> import numpy as np
    >>> import onnxruntime as ort  # doctest: +SKIP
    >>> from sklearn_mbnet import MLPClassifier, to_onnx
    >>> X = np.random.RandomState(0).normal(size=(40, 3)).astype(np.float32)
    >>> clf = MLPClassifier(hidden_layer_sizes=(5,), max_iter=300).fit(X, X[:, 0] > 0)
    >>> onx = to_onnx(clf, X[:1])
    >>> session = ort.InferenceSession(onx.SerializeToString())  # doctest: +SKIP
    >>> label, proba = session.run(None, {"X": X})  # doctest: +SKIP
    """
    import onnx

    check_is_fitted(model)
    dtype = _sample_dtype(model, X_sample)
    if target_opset is None:
        target_opset = min(DEFAULT_TARGET_OPSET, onnx.defs.onnx_opset_version())
    check_opset(target_opset)

    g = HelperGraph(weights_dtype(model), reserved=["X"])
    labels = label_values(model)
    names = ["label", "probabilities"] if is_classifier(model) else ["variable"]
    for name, value in zip(names, network_outputs(g, model, "X", dtype, labels)):
        g.output(name, value)
    inputs = [("X", proto(dtype), ["N", model.coefs_[0].shape[0]])]
    types = output_types(model, labels, proto(g.dtype), "N")
    outputs = [(name, *spec) for name, spec in zip(names, types)]
    return _make_model(g, model, inputs, outputs, target_opset)


def _sample_dtype(model, X_sample):
    """The dtype of ``X_sample``, checked with its shape."""
    dtype = getattr(X_sample, "dtype", None)
    dtype = np.dtype(dtype if dtype is not None else np.asarray(X_sample).dtype)
    if dtype not in _INPUT_DTYPES:
        raise ValueError(
            f"X_sample has the dtype {dtype}; pass rows of float32, float64, int32 "
            "or int64, the type the ONNX model's input will have."
        )
    n_features = model.coefs_[0].shape[0]
    shape = np.shape(X_sample)
    if len(shape) != 2 or shape[1] != n_features:
        raise ValueError(
            f"X_sample has the shape {shape}; the model was fitted on "
            f"{n_features} features, so pass an array of shape (n, {n_features})."
        )
    return dtype


def _make_model(g, model, inputs, outputs, target_opset):
    """The checked ModelProto of the HelperGraph ``g``, whose inputs and
    outputs are given as (name, element type, shape)."""
    import onnx
    from onnx import helper

    from . import __version__

    graph = helper.make_graph(
        g.nodes, type(model).__name__,
        [helper.make_tensor_value_info(*spec) for spec in inputs],
        [helper.make_tensor_value_info(*spec) for spec in outputs],
        initializer=g.initializers,
    )
    opsets = [helper.make_opsetid("", target_opset)]
    onnx_model = helper.make_model(
        graph, opset_imports=opsets, producer_name="sklearn_mbnet",
        producer_version=__version__,
        ir_version=helper.find_min_ir_version_for(opsets),
    )
    onnx.checker.check_model(onnx_model)
    return onnx_model


_REGISTERED = []


def register_onnx():
    """Register MLPClassifier and MLPRegressor with skl2onnx.

    Afterwards ``skl2onnx.to_onnx`` (and ``convert_sklearn``) convert the two
    estimators, alone or inside pipelines, to the graph of ``to_onnx``, with
    skl2onnx's conventions: a classifier's probabilities go through ZipMap
    unless ``options={"zipmap": False}``, and the outputs take the float
    type of the input (the network still computes in its weight dtype).
    As for scikit-learn's MLPs, ZipMap takes float32 only: convert with
    ``options={"zipmap": False}`` for a float64 input. Calling it again
    does nothing.

    Returns
    -------
    aliases : list of str
        The skl2onnx aliases of the two estimators.

    See Also
    --------
    to_onnx : Convert one estimator without skl2onnx.
    """
    if _REGISTERED:
        return list(_REGISTERED)
    from skl2onnx import update_registered_converter

    from ._mlp import MLPClassifier, MLPRegressor

    aliases = ["SklearnMbnetMLPClassifier", "SklearnMbnetMLPRegressor"]
    # The options of skl2onnx's MLPClassifier.
    options = {"zipmap": [True, False, "columns"], "output_class_labels": [False, True],
               "nocl": [True, False]}
    update_registered_converter(MLPClassifier, aliases[0], _shapes, _convert,
                                options=options)
    update_registered_converter(MLPRegressor, aliases[1], _shapes, _convert)
    _REGISTERED.extend(aliases)
    return aliases


# -- skl2onnx's shape calculator and converter ---------------------------------


class _ContainerGraph(Graph):
    """The ``Graph`` interface over skl2onnx's scope and container."""

    def __init__(self, dtype, scope, container):
        super().__init__(dtype)
        self.scope, self.container = scope, container

    def const(self, hint, array):
        value = tensor("value", array)
        # A numeric TensorProto is copied from its raw data; strings are not
        # raw data, so they go as values.
        content = value if value.data_type != proto(object) else list(
            value.string_data)
        name = self.scope.get_unique_variable_name(hint)
        self.container.add_initializer(name, value.data_type, list(value.dims),
                                       content)
        return name

    def op(self, op_type, inputs, out=None, **attrs):
        out = out or self.scope.get_unique_variable_name(op_type.lower())
        self.container.add_node(op_type, list(inputs), [out],
                                name=self.scope.get_unique_operator_name(op_type),
                                **attrs)
        return out


def _skl2onnx_labels(scope, model):
    """``label_values`` under skl2onnx's option ``nocl``."""
    if not is_classifier(model):
        return None
    nocl = scope.get_options(model, dict(nocl=False))["nocl"]
    if nocl and is_multilabel(model):
        raise RuntimeError(
            "Option 'nocl=True' is not implemented for multilabel classification "
            f"(class: {type(model).__name__})."
        )
    return label_values(model, nocl)


def _shapes(operator):
    """The types of the outputs; the float ones take the input's: double for
    double, else float."""
    from onnx import TensorProto
    from skl2onnx.common import data_types

    types = {TensorProto.FLOAT: data_types.FloatTensorType,
             TensorProto.DOUBLE: data_types.DoubleTensorType,
             TensorProto.INT64: data_types.Int64TensorType,
             TensorProto.STRING: data_types.StringTensorType}
    model, x = operator.raw_operator, operator.inputs[0]
    double = isinstance(x.type, data_types.DoubleTensorType)
    float_type = TensorProto.DOUBLE if double else TensorProto.FLOAT
    labels = _skl2onnx_labels(operator.scope_inst, model)
    specs = output_types(model, labels, float_type, x.get_first_dimension())
    for variable, (elem_type, shape) in zip(operator.outputs, specs):
        variable.type = types[elem_type](shape)


def _convert(scope, operator, container):
    """Write the graph into the operator's outputs; the float one (the last)
    is cast to its declared type."""
    from onnx import helper
    from skl2onnx.common.data_types import guess_proto_type

    model = operator.raw_operator
    labels = _skl2onnx_labels(scope, model)
    check_opset(container.target_opset)
    g = _ContainerGraph(weights_dtype(model), operator.scope_inst, container)
    x = operator.inputs[0]
    x_dtype = helper.tensor_dtype_to_np_dtype(guess_proto_type(x.type))
    *others, values = network_outputs(g, model, x.full_name, x_dtype, labels)
    for variable, value in zip(operator.outputs, others):
        g.output(variable.full_name, value)
    variable = operator.outputs[len(others)]
    g.output(variable.full_name, values, to=guess_proto_type(variable.type))
