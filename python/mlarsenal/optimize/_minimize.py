"""minimize: scipy.optimize.minimize's interface on the native L-BFGS solver."""

from __future__ import annotations

import numpy as np

from mlarsenal import _core
from mlarsenal.optimize._bounds import resolve_bounds
from mlarsenal.optimize._numba import as_native_objective
from mlarsenal.optimize._options import resolve_options

_METHODS = ("lbfgs", "l-bfgs-b")


def minimize(fun, x0, args=(), method="lbfgs", jac=True, bounds=None, tol=None, options=None):
    """Minimise ``fun`` from ``x0`` with limited-memory BFGS, optionally within bounds.

    fun: ``fun(x, *args) -> (value, gradient)`` when ``jac=True``; with ``jac`` a
    callable, ``fun`` returns the value and ``jac(x, *args)`` the gradient. The
    solver loop is native: it releases the GIL and takes it back only to call
    ``fun``. A numba objective (an ``@njit`` function with the same contract,
    or a cfunc ``float64(int64 n, float64* x, float64* grad)``) is called
    natively, without the GIL at all. Bounds are handled by projection (see
    ``docs/developer/linear_models.md``). ``tol`` sets both ``ftol`` and
    ``gtol``; ``options`` takes scipy's L-BFGS-B names: ``maxcor``, ``ftol``,
    ``gtol``, ``maxiter``, ``maxfun``, ``maxls``.

    Returns a ``scipy.optimize.OptimizeResult`` with ``x``, ``fun``, ``jac``,
    ``nit``, ``nfev``, ``njev``, ``success``, ``status`` (0 converged, 1
    iteration or evaluation limit, 2 line search failure) and ``message``.

    >>> import numpy as np
    >>> from mlarsenal.optimize import minimize
    >>> res = minimize(lambda x: (np.sum((x - 3.0) ** 2), 2 * (x - 3.0)), np.zeros(2),
    ...                bounds=[(None, 2.0), (0.0, None)])
    >>> res.success, np.round(res.x, 6)
    (True, array([2., 3.]))
    """
    if not callable(fun):
        raise TypeError(f"fun must be callable, got {type(fun).__name__}")
    if not isinstance(method, str) or method.lower() not in _METHODS:
        raise ValueError(f'method must be "lbfgs" (or "L-BFGS-B"), got {method!r}')
    if not isinstance(args, tuple):
        args = (args,)
    x0 = _check_x0(x0)
    native = as_native_objective(fun)
    lower, upper = resolve_bounds(bounds, x0.size)
    opts = resolve_options(options, tol)
    settings = (opts["maxcor"], opts["ftol"], opts["gtol"], opts["maxiter"], opts["maxfun"],
                opts["maxls"])  # fmt: skip
    if native is not None:
        if jac is not True or args:
            raise ValueError(
                "a numba objective must return (value, gradient): use jac=True, args=()"
            )
        result = _core.linear.minimize_lbfgs_native(native.address, x0, lower, upper, *settings)
    else:
        objective = _objective(fun, jac, args)
        result = _core.linear.minimize_lbfgs(objective, x0, lower, upper, *settings)
    x, value, grad, nit, nfev, status, message = result
    from scipy.optimize import OptimizeResult

    return OptimizeResult(
        x=x.reshape(np.shape(x0)),
        fun=value,
        jac=grad,
        nit=nit,
        nfev=nfev,
        njev=nfev,
        status=status,
        success=status == 0,
        message=message,
    )


def _check_x0(x0) -> np.ndarray:
    try:
        array = np.asarray(x0, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"x0 must be an array of numbers: {exc}") from exc
    if array.ndim > 1:
        raise ValueError(f"x0 must be 1-d, got shape {array.shape}")
    array = np.ascontiguousarray(array.ravel())
    if array.size == 0:
        raise ValueError("x0 must have at least one variable")
    if not np.isfinite(array).all():
        raise ValueError("x0 contains NaN or infinity")
    return array


def _objective(fun, jac, args):
    """The (value, gradient) callable the native solver calls."""
    if jac is True:
        if not args:
            return fun
        return lambda x: fun(x, *args)
    if callable(jac):
        return lambda x: (fun(x, *args), jac(x, *args))
    raise ValueError(
        "jac must be True (fun returns (value, gradient)) or a callable returning the gradient; "
        "finite-difference gradients are not supported"
    )
