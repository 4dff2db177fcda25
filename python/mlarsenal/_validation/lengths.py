"""Agreement of sample counts between arguments."""

from __future__ import annotations


def _length(value) -> int:
    shape = getattr(value, "shape", None)
    if shape is not None:
        if len(shape) == 0:
            raise TypeError("expected an array-like, got a 0-d array")
        return int(shape[0])
    return len(value)


def check_consistent_length(**arrays) -> int:
    """Raise ValueError unless every non-None argument has the same length.

    Arguments are passed by name so the message can name them:

    >>> check_consistent_length(y_true=[1, 2], y_pred=[1, 2, 3])
    Traceback (most recent call last):
    ...
    ValueError: inconsistent numbers of samples: y_true has 2, y_pred has 3
    """
    lengths = {name: _length(a) for name, a in arrays.items() if a is not None}
    if len(set(lengths.values())) > 1:
        detail = ", ".join(f"{name} has {n}" for name, n in lengths.items())
        raise ValueError(f"inconsistent numbers of samples: {detail}")
    return next(iter(lengths.values()), 0)
