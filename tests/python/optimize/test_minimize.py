"""minimize(method="lbfgs") against scipy's L-BFGS-B: optima and iteration counts."""

import numpy as np
import pytest
from scipy import optimize as sp_optimize
from scipy.special import expit, log1p

from mlarsenal.optimize import minimize


def rosenbrock(x):
    return sp_optimize.rosen(x), sp_optimize.rosen_der(x)


def logistic_loss(w, X, y, alpha):
    """Mean log loss + alpha/2 |w|^2 on labels in {0, 1}, and its gradient."""
    z = X @ w
    loss = np.mean(np.logaddexp(0.0, z) - y * z) + 0.5 * alpha * w @ w
    grad = X.T @ (expit(z) - y) / len(y) + alpha * w
    return loss, grad


def scipy_lbfgsb(fun, x0, **kwargs):
    return sp_optimize.minimize(fun, x0, method="L-BFGS-B", jac=True, **kwargs)


def assert_iterations_comparable(ours, theirs):
    # Same algorithm family, different line searches and bound handling:
    # iteration counts agree to within about a third.
    assert ours.nit <= 1.35 * theirs.nit + 5, (ours.nit, theirs.nit)
    assert ours.nfev <= 1.5 * theirs.nfev + 5, (ours.nfev, theirs.nfev)


@pytest.mark.parametrize(
    "x0",
    [np.array([-1.2, 1.0]), np.array([-1.2, 1.0, -1.2, 1.0]), np.zeros(10), np.full(30, 2.0)],
    ids=["2d", "4d", "10d-zero", "30d-two"],
)
def test_rosenbrock_matches_scipy(x0):
    ours = minimize(rosenbrock, x0)
    theirs = scipy_lbfgsb(rosenbrock, x0)
    assert ours.success and ours.status == 0
    np.testing.assert_allclose(ours.x, np.ones_like(x0), atol=1e-4)
    assert ours.fun < 1e-8
    assert_iterations_comparable(ours, theirs)
    assert ours.nfev == ours.njev


def test_bounded_quadratic_matches_scipy(rng):
    n = 20
    A = rng.normal(size=(n, n))
    H = A @ A.T + n * np.eye(n)
    b = rng.normal(size=n) * 10
    bounds = [(-0.5, 0.5)] * n

    def quadratic(x):
        return 0.5 * x @ H @ x - b @ x, H @ x - b

    ours = minimize(quadratic, np.zeros(n), bounds=bounds, tol=1e-10)
    theirs = scipy_lbfgsb(quadratic, np.zeros(n), bounds=bounds, tol=1e-10)
    assert ours.success
    np.testing.assert_allclose(ours.x, theirs.x, atol=1e-6)
    np.testing.assert_allclose(ours.fun, theirs.fun, rtol=1e-10)
    assert np.all(ours.x >= -0.5) and np.all(ours.x <= 0.5)
    assert np.any(np.isclose(np.abs(ours.x), 0.5)), "the test needs active bounds"
    assert_iterations_comparable(ours, theirs)


def test_rosenbrock_in_a_box_with_scipy_bounds_object():
    bounds = sp_optimize.Bounds([-2.0, 1.5], [0.5, 3.0])
    ours = minimize(rosenbrock, np.array([0.0, 2.0]), bounds=bounds)
    theirs = scipy_lbfgsb(rosenbrock, np.array([0.0, 2.0]), bounds=bounds)
    np.testing.assert_allclose(ours.x, theirs.x, atol=1e-5)
    np.testing.assert_allclose(ours.fun, theirs.fun, rtol=1e-8)


def test_logistic_loss_matches_scipy(rng):
    X = rng.normal(size=(400, 8))
    y = (X @ rng.normal(size=8) + rng.normal(size=400) > 0).astype(float)
    args = (X, y, 1e-3)
    ours = minimize(logistic_loss, np.zeros(8), args=args, tol=1e-10)
    theirs = scipy_lbfgsb(logistic_loss, np.zeros(8), args=args, tol=1e-10)
    assert ours.success
    np.testing.assert_allclose(ours.fun, theirs.fun, rtol=1e-9)
    np.testing.assert_allclose(ours.x, theirs.x, atol=1e-5)
    assert_iterations_comparable(ours, theirs)


def test_separate_jac_callable():
    ours = minimize(sp_optimize.rosen, np.array([-1.2, 1.0]), jac=sp_optimize.rosen_der)
    np.testing.assert_allclose(ours.x, [1.0, 1.0], atol=1e-4)


def test_start_outside_the_box_is_projected():
    res = minimize(
        lambda x: (float(x @ x), 2 * x), np.array([5.0, -5.0]), bounds=[(1, 2), (None, -1)]
    )
    np.testing.assert_allclose(res.x, [1.0, -1.0])
    assert res.success


def test_iteration_and_evaluation_limits():
    res = minimize(rosenbrock, np.zeros(4), options={"maxiter": 3})
    assert (res.status, res.nit, res.success) == (1, 3, False)
    assert "ITERATIONS" in res.message
    res = minimize(rosenbrock, np.zeros(4), options={"maxfun": 5})
    assert res.status == 1 and res.nfev >= 5 and "EVALUATIONS" in res.message
    res = minimize(rosenbrock, np.zeros(4), options={"maxiter": 0})
    assert res.nit == 0 and res.nfev == 1 and res.status == 1


def test_already_optimal_start_returns_at_once():
    res = minimize(lambda x: (float(x @ x), 2 * x), np.zeros(3))
    assert res.success and res.nit == 0 and res.nfev == 1
    assert "PROJECTED GRADIENT" in res.message


def test_result_shapes_and_keys():
    res = minimize(rosenbrock, [-1.2, 1.0])
    for key in ("x", "fun", "jac", "nit", "nfev", "njev", "success", "status", "message"):
        assert key in res
    assert res.x.shape == (2,) and res.jac.shape == (2,)
    np.testing.assert_allclose(res.jac, sp_optimize.rosen_der(res.x))


def test_infinite_value_inside_a_line_search_shortens_the_step():
    # log barrier: infinite for x <= 0, minimum at x = 1.
    def barrier(x):
        if x[0] <= 0:
            return np.inf, np.zeros(1)
        return float(x[0] - np.log(x[0])), np.array([1.0 - 1.0 / x[0]])

    res = minimize(barrier, np.array([0.01]))
    assert res.success
    np.testing.assert_allclose(res.x, [1.0], atol=1e-4)


def test_log1p_objective_runs_from_other_threads():
    # The solver releases the GIL between callbacks: two threads minimising
    # at once both finish with the serial answer.
    from concurrent.futures import ThreadPoolExecutor

    def fun(x):
        return float(np.sum(log1p(x**2))), 2 * x / (1 + x**2)

    serial = minimize(fun, np.full(5, 0.7)).x
    with ThreadPoolExecutor(4) as pool:
        results = list(pool.map(lambda _: minimize(fun, np.full(5, 0.7)).x, range(8)))
    for x in results:
        np.testing.assert_array_equal(x, serial)
