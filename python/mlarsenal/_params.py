"""The body of an estimator's ``__init__``, shared by every estimator that stores many."""

from __future__ import annotations


def store_params(estimator, arguments: dict) -> None:
    """The body of each estimator's ``__init__``: keep every argument unchanged.

    scikit-learn's contract: ``__init__`` stores its parameters and nothing
    else; validation happens in ``fit``. Call as ``store_params(self, locals())``.
    """
    for name, value in arguments.items():
        if name != "self":
            setattr(estimator, name, value)
