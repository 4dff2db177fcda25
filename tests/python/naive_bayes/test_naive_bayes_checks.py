"""scikit-learn's estimator checks over the naive Bayes classifiers."""

from estimator_checks import parametrize_estimator_checks

from mlarsenal.naive_bayes import BernoulliNB, ComplementNB, GaussianNB, MultinomialNB


@parametrize_estimator_checks([GaussianNB(), MultinomialNB(), BernoulliNB(), ComplementNB()])
def test_sklearn_compatible(estimator, check):
    check(estimator)
