"""The one exception every model-file problem raises."""


class ModelFormatError(ValueError):
    """Bytes that are not a valid mlarsenal model file; the message says what is wrong.

    A subclass of ValueError, so ``except ValueError`` catches it too.
    """


# Users meet it as mlarsenal.ModelFormatError (tracebacks, pickled exceptions).
ModelFormatError.__module__ = "mlarsenal"
