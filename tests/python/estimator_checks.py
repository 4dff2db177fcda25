"""scikit-learn's estimator checks, run over every mlarsenal estimator.

Later test modules use it as::

    from estimator_checks import parametrize_estimator_checks

    @parametrize_estimator_checks([GradientBoostingRegressor(max_iter=5)])
    def test_sklearn_compatible(estimator, check):
        check(estimator)

A check an estimator is known to fail is listed in EXPECTED_FAILURES with the
reason, so that every exception is written down and reviewed; the check is
then run and expected to fail (xfail), and a fix shows up as an XPASS.
"""

from __future__ import annotations

from sklearn.utils.estimator_checks import parametrize_with_checks

# Estimator class name -> {check function name: why it is expected to fail}.
_BOOTSTRAP_DRAWS = (
    "each tree draws its bootstrap sample from the rows, so repeating a row is not the same "
    "draw as doubling its weight; scikit-learn's own random forests fail it likewise"
)
_RANDOM_ORDER = (
    "each epoch visits the rows in a random order, so a repeated row is not the same step as "
    "a doubled weight; scikit-learn's own SGD estimators fail it likewise"
)
_SVC_TOLERANCE = (
    "LinearSVC's solvers (truncated Newton by default, dual coordinate descent with dual=True) "
    "stop at tol (1e-4 by default), so a doubled weight and a repeated row reach the same "
    "optimum only to within tol; tests/python/linear_model/test_linear_svc*.py check the "
    "equivalence at a tight tol"
)
_SAMPLE_WEIGHT_CHECKS = (
    "check_sample_weight_equivalence_on_dense_data",
    "check_sample_weight_equivalence_on_sparse_data",
)
EXPECTED_FAILURES: dict[str, dict[str, str]] = {
    "SGDClassifier": dict.fromkeys(_SAMPLE_WEIGHT_CHECKS, _RANDOM_ORDER),
    "SGDRegressor": dict.fromkeys(_SAMPLE_WEIGHT_CHECKS, _RANDOM_ORDER),
    "LinearSVC": dict.fromkeys(_SAMPLE_WEIGHT_CHECKS, _SVC_TOLERANCE),
    "RandomForestClassifier": {"check_sample_weight_equivalence_on_dense_data": _BOOTSTRAP_DRAWS},
    "RandomForestRegressor": {"check_sample_weight_equivalence_on_dense_data": _BOOTSTRAP_DRAWS},
    "KMeans": {
        "check_sample_weight_equivalence_on_dense_data": (
            "k-means++ and random seeding draw from the rows, so repeating a row is not the "
            "same draw as doubling its weight; scikit-learn's own KMeans fails it likewise"
        ),
    },
    "MiniBatchKMeans": {
        "check_sample_weight_equivalence_on_dense_data": (
            "seeding and batches are random draws over the rows, so repeating a row is not the "
            "same draw as doubling its weight; scikit-learn's own MiniBatchKMeans fails it likewise"
        ),
    },
}


def expected_failed_checks(estimator) -> dict[str, str]:
    return EXPECTED_FAILURES.get(type(estimator).__name__, {})


def parametrize_estimator_checks(estimators):
    """pytest parametrisation over (estimator, check) pairs, with the documented failures."""
    return parametrize_with_checks(list(estimators), expected_failed_checks=expected_failed_checks)
