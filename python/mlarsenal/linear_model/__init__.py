"""Linear models on native solvers.

:class:`LogisticRegression` fits binary and multinomial logistic regression
with L-BFGS; its loss and gradient are evaluated natively in one pass over X
per evaluation, on native threads, bit-identical for any thread count.
"""

from mlarsenal.linear_model._coordinate_descent import ElasticNet, Lasso
from mlarsenal.linear_model._least_squares import LinearRegression
from mlarsenal.linear_model._logistic import LogisticRegression
from mlarsenal.linear_model._ridge import Ridge
from mlarsenal.linear_model._sgd import SGDClassifier, SGDRegressor
from mlarsenal.linear_model._svm import LinearSVC

__all__ = [
    "ElasticNet",
    "Lasso",
    "LinearRegression",
    "LinearSVC",
    "LogisticRegression",
    "Ridge",
    "SGDClassifier",
    "SGDRegressor",
]
