"""Naive Bayes classifiers.

:class:`GaussianNB` (dense input), :class:`MultinomialNB`, :class:`BernoulliNB`
and :class:`ComplementNB` (dense or scipy sparse input), each with
``partial_fit`` for data that arrives in batches. Fitting is per-class sums
and one matrix product of the class indicators with X; prediction is one
matrix product with the per-class log-probabilities, normalised with
logsumexp so that far-apart classes never underflow.
"""

from mlarsenal.naive_bayes._bernoulli import BernoulliNB
from mlarsenal.naive_bayes._complement import ComplementNB
from mlarsenal.naive_bayes._gaussian import GaussianNB
from mlarsenal.naive_bayes._multinomial import MultinomialNB

__all__ = ["BernoulliNB", "ComplementNB", "GaussianNB", "MultinomialNB"]
