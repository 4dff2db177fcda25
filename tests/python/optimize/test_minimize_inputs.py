"""minimize: bad arguments and misbehaving objectives give clear errors."""

import numpy as np
import pytest

from mlarsenal.optimize import minimize


def square(x):
    return float(x @ x), 2 * x


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"fun": 3}, TypeError, "fun must be callable"),
        ({"method": "bfgs"}, ValueError, "method"),
        ({"x0": [np.nan, 1.0]}, ValueError, "x0 contains NaN"),
        ({"x0": []}, ValueError, "x0 must have at least one"),
        ({"x0": np.zeros((2, 2))}, ValueError, "x0 must be 1-d"),
        ({"x0": ["a", "b"]}, TypeError, "x0"),
        ({"bounds": [(0, 1)]}, ValueError, "bounds has 1 pairs, expected 2"),
        ({"bounds": [(2, 1), (0, 1)]}, ValueError, r"bounds\[0\]: lower bound"),
        ({"bounds": [(0, 1), 5]}, ValueError, r"bounds\[1\] must be a \(low, high\) pair"),
        ({"bounds": [(np.nan, 1), (0, 1)]}, ValueError, "NaN"),
        ({"tol": -1.0}, ValueError, "tol must be"),
        ({"options": {"maxiter": -1}}, ValueError, r"options\['maxiter'\] must be >= 0"),
        ({"options": {"maxcor": 2.5}}, TypeError, "maxcor"),
        ({"options": {"gtol": np.inf}}, ValueError, "gtol"),
        ({"options": {"speed": 1}}, ValueError, "unknown option 'speed'"),
        ({"options": [1]}, TypeError, "options must be a dict"),
        ({"jac": False}, ValueError, "finite-difference"),
    ],
)
def test_bad_arguments(kwargs, error, match):
    call = {"fun": square, "x0": [1.0, 2.0], **kwargs}
    with pytest.raises(error, match=match):
        minimize(call.pop("fun"), call.pop("x0"), **call)


def test_non_finite_gradient_from_the_user_function():
    with pytest.raises(ValueError, match="non-finite gradient"):
        minimize(lambda x: (float(x @ x), np.full(2, np.nan)), [1.0, 2.0])


def test_non_finite_value_at_the_start():
    with pytest.raises(ValueError, match="not finite at the starting point"):
        minimize(lambda x: (np.nan, 2 * x), [1.0, 2.0])


def test_wrong_gradient_length():
    with pytest.raises(ValueError, match="gradient must have 2 entries"):
        minimize(lambda x: (float(x @ x), np.zeros(3)), [1.0, 2.0])


def test_wrong_return_type():
    with pytest.raises(TypeError, match=r"a pair \(value, gradient\)"):
        minimize(lambda x: float(x @ x), [1.0, 2.0])


def test_a_list_pair_is_accepted():
    res = minimize(lambda x: [float(x @ x), 2 * x], [1.0, 2.0])
    assert res.success


def test_exception_in_the_objective_propagates_unchanged():
    class Boom(Exception):
        pass

    calls = []

    def fun(x):
        calls.append(1)
        if len(calls) == 3:
            raise Boom("third call")
        return square(x)

    with pytest.raises(Boom, match="third call"):
        minimize(fun, [1.0, 2.0, 3.0])


def test_ignored_printing_options_are_accepted():
    res = minimize(square, [1.0, 2.0], options={"disp": False, "iprint": -1})
    assert res.success
