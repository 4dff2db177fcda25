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

from mlarsenal._numba_callbacks import native_callback


def _signature(types):
    f64p = types.CPointer(types.float64)
    return types.float64(types.int64, f64p, f64p)


def as_native_objective(fun):
    """A cfunc (with ``.address``) for a numba objective, None for anything else."""
    return native_callback(fun, argument="fun", signature_of=_signature, wrap=_wrap_njit)


def _wrap_njit(numba, signature, function):
    carray = numba.carray

    def objective(n, x, grad):  # pragma: no cover - compiled by numba
        value, gradient = function(carray(x, n))
        out = carray(grad, n)
        for i in range(n):
            out[i] = gradient[i]
        return value

    return numba.cfunc(signature, nopython=True)(objective)
