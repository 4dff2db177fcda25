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

from mlarsenal._numba_callbacks import native_callback


def _signature(types):
    f64p = types.CPointer(types.float64)
    return types.void(types.int64, f64p, f64p, f64p, f64p)


def as_native_objective(loss):
    """A cfunc (with ``.address``) for a numba objective, None for anything else."""
    return native_callback(loss, argument="loss", signature_of=_signature, wrap=_wrap_njit)


def _wrap_njit(numba, signature, function):
    carray = numba.carray

    def objective(n, y_true, raw_pred, grad, hess):  # pragma: no cover - compiled by numba
        function(carray(y_true, n), carray(raw_pred, n), carray(grad, n), carray(hess, n))

    return numba.cfunc(signature, nopython=True)(objective)
