"""Numerical minimisation on native solvers.

:func:`minimize` runs a native L-BFGS loop (bound constraints by projection)
on a Python objective returning ``(value, gradient)``, with scipy's
``minimize`` signature and result.
"""

from mlarsenal.optimize._minimize import minimize

__all__ = ["minimize"]
