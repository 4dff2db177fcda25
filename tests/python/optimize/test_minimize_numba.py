"""minimize on numba objectives: called natively, same answers as the Python path."""

import numpy as np
import pytest
from scipy import optimize as sp_optimize

from mlarsenal.optimize import minimize

numba = pytest.importorskip("numba")


@numba.njit(cache=False)
def rosenbrock_njit(x):
    n = x.size
    grad = np.zeros(n)
    value = 0.0
    for i in range(n - 1):
        a = x[i + 1] - x[i] * x[i]
        b = 1.0 - x[i]
        value += 100.0 * a * a + b * b
        grad[i] += -400.0 * x[i] * a - 2.0 * b
        grad[i + 1] += 200.0 * a
    return value, grad


def rosenbrock_python(x):
    return sp_optimize.rosen(x), sp_optimize.rosen_der(x)


def test_njit_objective_matches_the_python_path():
    x0 = np.array([-1.2, 1.0, -1.2, 1.0])
    native = minimize(rosenbrock_njit, x0)
    python = minimize(rosenbrock_python, x0)
    assert native.success
    np.testing.assert_allclose(native.x, np.ones(4), atol=1e-4)
    # Same algorithm; only the objective's rounding differs.
    assert abs(native.nit - python.nit) <= 3
    np.testing.assert_allclose(native.jac, rosenbrock_python(native.x)[1], rtol=1e-9, atol=1e-12)


def test_cfunc_objective_with_bounds():
    signature = numba.types.float64(
        numba.types.int64, numba.types.CPointer(numba.types.float64),
        numba.types.CPointer(numba.types.float64),
    )  # fmt: skip

    @numba.cfunc(signature)
    def shifted_square(n, x, grad):
        value = 0.0
        for i in range(n):
            d = x[i] - 3.0
            value += d * d
            grad[i] = 2.0 * d
        return value

    res = minimize(shifted_square, np.zeros(3), bounds=[(None, 2.0), (0.0, None), (-1.0, 1.0)])
    assert res.success
    np.testing.assert_allclose(res.x, [2.0, 3.0, 1.0], atol=1e-8)


def test_cfunc_with_the_wrong_signature_is_rejected():
    @numba.cfunc("float64(float64)")
    def wrong(x):
        return x

    with pytest.raises(TypeError, match="signature"):
        minimize(wrong, np.zeros(2))


def test_numba_objective_takes_no_args():
    with pytest.raises(ValueError, match=r"jac=True, args=\(\)"):
        minimize(rosenbrock_njit, np.zeros(2), args=(1.0,))
