"""numba functions as native callbacks that C++ calls without the GIL.

A user hands over either a ``numba.cfunc`` (checked against the signature the
kernel calls) or an ``@numba.njit`` function, which is wrapped into such a
cfunc once per function and signature: compiling the wrapper can take longer
than the work it serves. Gradient-boosting objectives and ``minimize``'s
objectives both come through here.
"""

from __future__ import annotations

import weakref

from mlarsenal._optional import import_optional

# njit function -> {(signature, wrapper builder): compiled cfunc}
_WRAPPERS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def native_callback(function, *, argument: str, signature_of, wrap):
    """The cfunc (with ``.address``) for a numba `function`; None for anything else.

    signature_of(numba.types) gives the required signature; wrap(numba,
    signature, njit_function) compiles the cfunc around an njit function.
    Raises TypeError, naming `argument`, for a cfunc of another signature or
    another numba object.
    """
    if not type(function).__module__.startswith("numba"):
        return None
    numba = import_optional("numba", extra="numba", purpose="numba-compiled objectives")
    from numba import types
    from numba.core.ccallback import CFunc
    from numba.core.dispatcher import Dispatcher

    signature = signature_of(types)
    if isinstance(function, CFunc):
        if function._sig != signature:
            raise TypeError(
                f"{argument}: a numba cfunc objective must have the signature {signature}, "
                f"got {function._sig}"
            )
        return function
    if isinstance(function, Dispatcher):
        compiled = _WRAPPERS.setdefault(function, {})
        key = (str(signature), wrap)
        if key not in compiled:
            compiled[key] = wrap(numba, signature, function)
        return compiled[key]
    raise TypeError(
        f"{argument}: unsupported numba object {type(function).__name__}; pass a cfunc or an "
        "njit function"
    )
