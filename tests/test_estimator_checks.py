"""scikit-learn's estimator checks.

Every solver on both estimators, and each option scikit-learn's MLP lacks
switched on: the new activations (on the regressor; the layer code is
shared), class_weight, dropout and the new regression losses. Only two
checks are expected to fail, and only where their premise cannot hold (see
``_expected_failures``). Early stopping is left out, as for scikit-learn's
MLP: the checks' datasets of a few rows leave nothing to hold out, and they
call ``partial_fit``, which refuses early stopping in both libraries.
"""

from sklearn.utils.estimator_checks import parametrize_with_checks

from sklearn_mbnet import MLPClassifier, MLPRegressor
from sklearn_mbnet.layers import ACTIVATIONS
from sklearn_mbnet.losses import LOSSES

SOLVERS = [
    {},  # default: adam
    {"solver": "sgd", "momentum": 0.9},
    {"solver": "lbfgs"},
]
SHARED_OPTIONS = [{"dropout": 0.2}]
NEW_ACTIVATIONS = [{"activation": name} for name in sorted(ACTIVATIONS)
                   if name not in ("identity", "logistic", "tanh", "relu")]
NEW_LOSSES = [{"loss": name} for name, loss in sorted(LOSSES.items())
              if loss.task == "regression" and name not in ("squared_error", "poisson")]


def _expected_failures(estimator):
    """Checks whose premise an option rules out, by design:

    - a weight of k equals k copies of a row only if nothing random depends
      on the number of rows, and dropout draws a mask per row;
    - class_weight='balanced' is refused by partial_fit (as SGDClassifier
      refuses it) and class weights are refused for multilabel targets.
    """
    params = estimator.get_params()
    failures = {}
    if params["dropout"]:
        reason = "dropout draws a mask per row, so a repeated row is not a weighted one"
        failures.update({f"check_sample_weight_equivalence_on_{kind}_data": reason
                         for kind in ("dense", "sparse")})
    if params.get("class_weight") == "balanced":
        failures.update(dict.fromkeys(
            ["check_fit_score_takes_y", "check_n_features_in_after_fitting",
             "check_estimators_partial_fit_n_features"],
            "partial_fit refuses class_weight='balanced', as SGDClassifier does"))
        failures.update(dict.fromkeys(
            ["check_classifiers_multilabel_representation_invariance"]
            + [f"check_classifiers_multilabel_output_format_{method}"
               for method in ("predict", "predict_proba", "decision_function")],
            "class weights are refused for multilabel targets"))
    return failures


@parametrize_with_checks(
    [MLPClassifier(**config) for config in
     SOLVERS + SHARED_OPTIONS + [{"class_weight": "balanced"}]]
    + [MLPRegressor(**config) for config in
       SOLVERS + SHARED_OPTIONS + NEW_ACTIVATIONS + NEW_LOSSES],
    expected_failed_checks=_expected_failures,
)
def test_sklearn_compatible_estimator(estimator, check):
    check(estimator)
