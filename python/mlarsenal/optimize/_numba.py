"""numba objectives for minimize: compiled to native and called without the GIL.

Two forms are accepted as ``fun`` (with ``jac=True``):

- an ``@numba.njit`` function ``f(x) -> (value, gradient)`` on a 1-d float64
  array, the same contract as a Python objective, wrapped into a cfunc;
- a ``numba.cfunc`` with the signature ``float64(int64 n, float64* x,
  float64* grad)`` that returns f(x) and writes the n gradient entries.

The solver then never touches the interpreter: each evaluation is a plain C
call.
"""

from __future__ import annotations

import weakref

from mlarsenal._optional import import_optional

# njit function -> its cfunc wrapper: compiling the wrapper takes longer than
# most minimisations, so it is done once per function.
_WRAPPERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _signature(types):
    f64p = types.CPointer(types.float64)
    return types.float64(types.int64, f64p, f64p)


def as_native_objective(fun):
    """A cfunc (with ``.address``) for a numba objective, None for anything else."""
    if not type(fun).__module__.startswith("numba"):
        return None
    numba = import_optional("numba", extra="numba", purpose="numba-compiled objectives")
    from numba import types
    from numba.core.ccallback import CFunc
    from numba.core.dispatcher import Dispatcher

    signature = _signature(types)
    if isinstance(fun, CFunc):
        if fun._sig != signature:
            raise TypeError(
                f"a numba cfunc objective must have the signature {signature}, got {fun._sig}"
            )
        return fun
    if isinstance(fun, Dispatcher):
        wrapper = _WRAPPERS.get(fun)
        if wrapper is None:
            wrapper = _WRAPPERS[fun] = _wrap_njit(numba, signature, fun)
        return wrapper
    raise TypeError(
        f"fun: unsupported numba object {type(fun).__name__}; pass a cfunc or an njit function"
    )


def _wrap_njit(numba, signature, function):
    carray = numba.carray

    def objective(n, x, grad):  # pragma: no cover - compiled by numba
        value, gradient = function(carray(x, n))
        out = carray(grad, n)
        for i in range(n):
            out[i] = gradient[i]
        return value

    return numba.cfunc(signature, nopython=True)(objective)
