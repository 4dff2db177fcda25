"""Linear models on native solvers.

:class:`LogisticRegression` fits binary and multinomial logistic regression
with L-BFGS; its loss and gradient are evaluated natively in one pass over X
per evaluation, on native threads, bit-identical for any thread count.
"""

from mlarsenal.linear_model._logistic import LogisticRegression

__all__ = ["LogisticRegression"]
