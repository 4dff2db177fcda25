"""ROC AUC for binary, multiclass (one-vs-rest, one-vs-one) and multilabel targets."""

from __future__ import annotations

import warnings
from itertools import combinations

import numpy as np
from sklearn.exceptions import UndefinedMetricWarning

from mlarsenal import _core
from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import as_float_array, check_consistent_length, check_sample_weight
from mlarsenal.metrics._labels import check_labels, encode

_AVERAGES = (None, "micro", "macro", "samples", "weighted")


def roc_auc_score(
    y_true,
    y_score,
    *,
    average="macro",
    sample_weight=None,
    max_fpr=None,
    multi_class="raise",
    labels=None,
    n_jobs=None,
):
    """Area under the ROC curve, as :func:`sklearn.metrics.roc_auc_score`.

    - binary: `y_score` is 1-d, the score of the greater label; tied scores
      share credit exactly; ``max_fpr`` gives the McClish-standardised partial AUC;
    - multiclass: `y_score` is (n, n_classes) probabilities, ``multi_class``
      ``"ovr"`` or ``"ovo"``, ``average`` ``"macro"`` or ``"weighted"``;
    - multilabel: `y_true` is an (n, n_labels) 0/1 indicator matrix,
      ``average`` one of None, ``"micro"``, ``"macro"``, ``"samples"``, ``"weighted"``.

    With a single class present in `y_true` the score is undefined: an
    UndefinedMetricWarning is issued and NaN returned (as scikit-learn does).

    >>> roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8])
    0.75
    """
    if average not in _AVERAGES:
        raise ValueError(f"average must be one of {_AVERAGES}, got {average!r}")
    n_threads = effective_n_jobs(n_jobs)
    score = as_float_array(y_score, "y_score", ndim=None)
    raw_true = np.asarray(y_true)
    if raw_true.ndim == 2 and raw_true.shape[1] > 1:
        return _multilabel(raw_true, score, average, sample_weight, max_fpr, n_threads)

    t = check_labels(y_true, "y_true")
    n = check_consistent_length(y_true=t, y_score=score)
    if n == 0:
        raise ValueError("y_true is empty; roc_auc_score needs at least one sample")
    classes, (codes,) = encode([t])
    if len(classes) > 2 or (score.ndim == 2 and score.shape[1] > 2):
        return _multiclass(codes, classes, t, score, average, sample_weight, max_fpr, multi_class,
                           labels, n_threads)  # fmt: skip
    if score.ndim == 2:
        if score.shape[1] != 1:
            raise ValueError(
                f"y_score must be 1-d for binary y_true (the score of class {classes[-1]!r}), "
                f"got shape {score.shape}"
            )
        score = score.ravel()
    weight = check_sample_weight(sample_weight, n, dtype=score.dtype)
    if len(classes) < 2:
        return _undefined()
    positive = (codes == 1).view(np.uint8)
    return _binary(positive, score, weight, max_fpr, n_threads)


def _undefined() -> float:
    warnings.warn(
        "Only one class is present in y_true. ROC AUC score is not defined in that case.",
        UndefinedMetricWarning,
        stacklevel=3,
    )
    return float("nan")


def _binary(positive, score, weight, max_fpr, n_threads) -> float:
    """AUC of one binary problem; positive is uint8 0/1."""
    has_both = positive.any() and not positive.all()
    if has_both and weight is not None:
        mask = positive.astype(bool)
        has_both = weight[mask].sum() != 0 and weight[~mask].sum() != 0
    if not has_both:
        return _undefined()
    if max_fpr is None or max_fpr == 1:
        return float(_core.metrics.binary_roc_auc(positive, score, weight, n_threads))
    if not 0 < max_fpr <= 1:
        raise ValueError(f"max_fpr must be in (0, 1], got {max_fpr!r}")
    fps, tps, _ = _core.metrics.binary_clf_curve(positive, score, weight, n_threads)
    fpr = np.r_[0.0, fps] / fps[-1]
    tpr = np.r_[0.0, tps] / tps[-1]
    # Partial area up to max_fpr, the curve closed by linear interpolation,
    # then McClish's standardisation (0.5 for chance, 1 for a perfect ranking).
    stop = np.searchsorted(fpr, max_fpr, "right")
    tpr_at = np.interp(max_fpr, [fpr[stop - 1], fpr[stop]], [tpr[stop - 1], tpr[stop]])
    partial = np.trapezoid(np.append(tpr[:stop], tpr_at), np.append(fpr[:stop], max_fpr))
    min_area, max_area = 0.5 * max_fpr**2, max_fpr
    return float(0.5 * (1 + (partial - min_area) / (max_area - min_area)))


def _multiclass(codes, classes, t, score, average, sample_weight, max_fpr, multi_class, labels,
                n_threads):  # fmt: skip
    if max_fpr is not None:
        raise ValueError(
            f"partial AUC (max_fpr={max_fpr!r}) is not available for multiclass targets; "
            "set max_fpr=None"
        )
    if multi_class not in ("ovr", "ovo"):
        raise ValueError(
            f"multi_class must be 'ovr' or 'ovo' for multiclass targets, got {multi_class!r}"
        )
    if average not in ("macro", "weighted"):
        raise ValueError(
            f"average must be 'macro' or 'weighted' for multiclass targets, got {average!r}"
        )
    if score.ndim != 2:
        raise ValueError(
            f"y_score must be (n_samples, n_classes) for multiclass targets, got shape {score.shape}"
        )
    if not np.allclose(1, score.sum(axis=1)):
        raise ValueError("y_score rows must be probabilities summing to 1.0 for multiclass ROC AUC")
    if labels is not None:
        given = np.asarray(labels)
        if len(np.unique(given)) != len(given) or not np.array_equal(np.sort(given), given):
            raise ValueError("labels must be unique and sorted")
        if len(given) != score.shape[1]:
            raise ValueError(
                f"labels has {len(given)} classes but y_score has {score.shape[1]} columns"
            )
        _, (codes,) = encode([t], given)
        if (codes < 0).any():
            raise ValueError("y_true contains labels not listed in labels")
        classes = given
    elif len(classes) != score.shape[1]:
        raise ValueError(
            f"y_true has {len(classes)} classes but y_score has {score.shape[1]} columns; "
            "pass the full list of classes through labels"
        )
    k = len(classes)
    if multi_class == "ovo":
        if sample_weight is not None:
            raise ValueError("sample_weight is not supported for multiclass one-vs-one ROC AUC")
        return _ovo(codes, score, k, average, n_threads)
    weight = check_sample_weight(sample_weight, codes.shape[0], dtype=score.dtype)
    indicator = codes[:, None] == np.arange(k)[None, :]
    return _average_binary(indicator, score, average, weight, n_threads)


def _ovo(codes, score, k, average, n_threads) -> float:
    """Hand & Till's one-vs-one average over pairs of classes."""
    pair_scores, prevalence = [], []
    for a, b in combinations(range(k), 2):
        mask = (codes == a) | (codes == b)
        in_a = (codes[mask] == a).view(np.uint8)
        in_b = (codes[mask] == b).view(np.uint8)
        auc_a = _binary(in_a, np.ascontiguousarray(score[mask, a]), None, None, n_threads)
        auc_b = _binary(in_b, np.ascontiguousarray(score[mask, b]), None, None, n_threads)
        pair_scores.append((auc_a + auc_b) / 2)
        prevalence.append(np.mean(mask))
    weights = prevalence if average == "weighted" else None
    return float(np.average(pair_scores, weights=weights))


def _multilabel(t, score, average, sample_weight, max_fpr, n_threads):
    if score.shape != t.shape:
        raise ValueError(f"y_true and y_score have different shapes: {t.shape} vs {score.shape}")
    if not np.isin(t, (0, 1)).all():
        raise ValueError("a 2-d y_true must be a 0/1 indicator matrix (multilabel)")
    weight = check_sample_weight(sample_weight, t.shape[0], dtype=score.dtype)
    return _average_binary(t.astype(bool), score, average, weight, n_threads, max_fpr)


def _average_binary(indicator, score, average, weight, n_threads, max_fpr=None):
    """Average per-column binary AUCs as scikit-learn's _average_binary_score."""
    check_consistent_length(y_true=indicator, y_score=score)

    def binary(column_true, column_score, column_weight):
        return _binary(
            np.ascontiguousarray(column_true).view(np.uint8),
            np.ascontiguousarray(column_score),
            column_weight,
            max_fpr,
            n_threads,
        )

    if average == "micro":
        w = None if weight is None else np.repeat(weight, indicator.shape[1])
        return binary(indicator.ravel(), score.ravel(), w)
    if average == "samples":
        scores = np.array([binary(indicator[i], score[i], None) for i in range(indicator.shape[0])])
        return float(np.average(scores, weights=weight))

    average_weight = None
    if average == "weighted":
        average_weight = (
            indicator.sum(axis=0) if weight is None else (indicator * weight[:, None]).sum(axis=0)
        )
        if np.isclose(average_weight.sum(), 0.0):
            return 0.0
    scores = np.array(
        [binary(indicator[:, c], score[:, c], weight) for c in range(indicator.shape[1])]
    )
    if average is None:
        return scores
    if average_weight is not None:
        scores[average_weight == 0] = 0  # a 0-weight column must not turn the mean into NaN
    return float(np.average(scores, weights=average_weight))
