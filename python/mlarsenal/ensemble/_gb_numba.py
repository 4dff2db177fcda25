"""numba objectives: user code compiled to native and called from C++ without the GIL.

Two forms are accepted as ``loss=``:

- a ``numba.cfunc`` with the signature
  ``void(int64 n, float64* y_true, float64* raw_pred, float64* grad, float64* hess)``,
  which fills ``grad[i]`` and ``hess[i]`` for ``i < n``;
- an ``@numba.njit`` function ``f(y_true, raw_pred, grad, hess)`` on 1-d
  float64 arrays (filled in place), which is wrapped into such a cfunc.

The native loop calls the function on blocks of rows from several threads at
once, so it must not keep state between calls. Sample weights are applied
after it returns, as for the built-in losses.
"""

from __future__ import annotations

from mlarsenal._optional import import_optional


def _signature(types):
    f64p = types.CPointer(types.float64)
    return types.void(types.int64, f64p, f64p, f64p, f64p)


def as_native_objective(loss):
    """A cfunc (with ``.address``) for a numba objective, None for anything else."""
    if not type(loss).__module__.startswith("numba"):
        return None
    numba = import_optional("numba", extra="numba", purpose="numba-compiled objectives")
    from numba import types
    from numba.core.ccallback import CFunc
    from numba.core.dispatcher import Dispatcher

    signature = _signature(types)
    if isinstance(loss, CFunc):
        if loss._sig != signature:
            raise TypeError(
                f"a numba cfunc objective must have the signature {signature}, got {loss._sig}"
            )
        return loss
    if isinstance(loss, Dispatcher):
        return _wrap_njit(numba, signature, loss)
    raise TypeError(
        f"loss: unsupported numba object {type(loss).__name__}; pass a cfunc or an njit function"
    )


def _wrap_njit(numba, signature, function):
    carray = numba.carray

    def objective(n, y_true, raw_pred, grad, hess):  # pragma: no cover - compiled by numba
        function(carray(y_true, n), carray(raw_pred, n), carray(grad, n), carray(hess, n))

    return numba.cfunc(signature, nopython=True)(objective)
