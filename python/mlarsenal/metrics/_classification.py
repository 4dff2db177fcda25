"""Classification metrics on class labels and predicted probabilities."""

from __future__ import annotations

import warnings

import numpy as np

from mlarsenal import _core
from mlarsenal._threads import effective_n_jobs
from mlarsenal._validation import as_float_array, check_consistent_length, check_sample_weight
from mlarsenal.metrics._dispatch import weighted_mean
from mlarsenal.metrics._labels import check_labels, check_same_label_kind, encode

_NATIVE_LABEL_DTYPES = (np.uint8, np.int32, np.int64, np.float32, np.float64)


def accuracy_score(y_true, y_pred, *, normalize=True, sample_weight=None, n_jobs=None):
    """Fraction (or weighted count) of correct predictions.

    As :func:`sklearn.metrics.accuracy_score` for binary and multiclass
    labels; 2-d indicator matrices give the subset accuracy.

    >>> accuracy_score([0, 1, 2, 3], [0, 2, 1, 3])
    0.5
    """
    t_raw, p_raw = np.asarray(y_true), np.asarray(y_pred)
    if t_raw.ndim == 2 and p_raw.ndim == 2 and min(t_raw.shape[1], p_raw.shape[1]) > 1:
        return _subset_accuracy(t_raw, p_raw, normalize, sample_weight)
    t, p = check_labels(y_true, "y_true"), check_labels(y_pred, "y_pred")
    n = check_consistent_length(y_true=t, y_pred=p)
    check_same_label_kind(t, p, "y_true", "y_pred")
    weight = check_sample_weight(sample_weight, n)
    if t.dtype.kind in "biuf":
        common = np.result_type(t, p)
        if common not in _NATIVE_LABEL_DTYPES:
            common = np.float64 if common.kind == "f" else np.int64
        t, p = t.astype(common, copy=False), p.astype(common, copy=False)
    else:  # strings / objects: compare in numpy, count natively
        t, p = (t == p).astype(np.uint8), np.ones(n, dtype=np.uint8)
    matched, weight_sum = _core.metrics.match_sums(t, p, weight, effective_n_jobs(n_jobs))
    if not normalize:
        return float(matched)
    if n == 0:
        raise ValueError("y_true is empty; accuracy needs at least one sample")
    return weighted_mean(matched, weight_sum)


def _subset_accuracy(t, p, normalize, sample_weight):
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred have different shapes: {t.shape} vs {p.shape}")
    correct = np.all(t == p, axis=1)
    weight = check_sample_weight(sample_weight, t.shape[0])
    if not normalize:
        return float(correct.sum() if weight is None else np.dot(correct, weight))
    return float(np.average(correct, weights=weight))


def confusion_matrix(
    y_true, y_pred, *, labels=None, sample_weight=None, normalize=None, n_jobs=None
):
    """Confusion matrix C where C[i, j] counts samples of class i predicted as j.

    As :func:`sklearn.metrics.confusion_matrix`: classes are the sorted union
    of the labels, or `labels` in the given order (other values are ignored);
    int64 counts without weights or with integer weights, float64 otherwise;
    ``normalize`` one of None, ``"true"``, ``"pred"``, ``"all"``.

    >>> confusion_matrix([2, 0, 2, 2, 0, 1], [0, 0, 2, 2, 0, 2])
    array([[2, 0, 0],
           [0, 0, 1],
           [1, 0, 2]])
    """
    if normalize not in (None, "true", "pred", "all"):
        raise ValueError(f"normalize must be one of None, 'true', 'pred', 'all'; got {normalize!r}")
    t, p = check_labels(y_true, "y_true"), check_labels(y_pred, "y_pred")
    n = check_consistent_length(y_true=t, y_pred=p)
    check_same_label_kind(t, p, "y_true", "y_pred")
    if labels is not None:
        labels = np.asarray(labels)
        if labels.ndim != 1 or labels.size == 0:
            raise ValueError("labels must be a non-empty 1-d list of class labels")
    weight = check_sample_weight(sample_weight, n, dtype=None)

    classes, (true_codes, pred_codes) = encode([t, p], labels)
    if labels is not None and n and not (true_codes >= 0).any():
        raise ValueError("none of the given labels occurs in y_true")
    cm = _core.metrics.confusion_counts(
        true_codes, pred_codes, weight, len(classes), effective_n_jobs(n_jobs)
    )
    if normalize is None:
        return cm
    with np.errstate(all="ignore"):
        if normalize == "true":
            cm = cm / cm.sum(axis=1, keepdims=True)
        elif normalize == "pred":
            cm = cm / cm.sum(axis=0, keepdims=True)
        else:
            cm = cm / cm.sum()
    return np.nan_to_num(cm)


def log_loss(y_true, y_proba, *, normalize=True, sample_weight=None, labels=None, n_jobs=None):
    """Log loss (cross-entropy) of predicted probabilities.

    As :func:`sklearn.metrics.log_loss` (1.9 names the second argument
    `y_proba`): a 1-d `y_proba` is the probability of the greater of two
    classes; an (n, k) `y_proba` has one column per class in sorted label
    order. Probabilities are clipped to [eps, 1 - eps] with eps the machine
    epsilon of their dtype. y_true must be a 1-d label vector.

    >>> log_loss(["spam", "ham", "ham", "spam"], [[.1, .9], [.9, .1], [.8, .2], [.35, .65]])
    0.21616...
    """
    proba = as_float_array(y_proba, "y_proba", ndim=None)
    if proba.ndim not in (1, 2):
        raise ValueError(f"y_proba must be 1-d or 2-d, got shape {proba.shape}")
    t = check_labels(y_true, "y_true")
    n = check_consistent_length(y_true=t, y_proba=proba)
    if n == 0:
        raise ValueError("y_true is empty; log_loss needs at least one sample")
    weight = check_sample_weight(sample_weight, n, dtype=proba.dtype)

    classes, codes = _log_loss_codes(t, labels)
    columns = 1 if proba.ndim == 1 else proba.shape[1]
    if (columns == 1 and len(classes) != 2) or (columns > 1 and columns != len(classes)):
        found = "labels" if labels is not None else "y_true"
        raise ValueError(
            f"y_proba has {max(columns, 2)} class column(s) but {found} has "
            f"{len(classes)} classes {classes.tolist()[:10]}; pass the full, sorted list "
            "of classes through `labels`"
        )
    eps = float(np.finfo(proba.dtype).eps)
    sums = _core.metrics.log_loss_sums(
        codes, proba, weight, eps, float(np.sqrt(eps)), effective_n_jobs(n_jobs)
    )
    if sums["nan_count"]:
        raise ValueError(f"y_proba contains NaN in {sums['nan_count']} row(s)")
    if sums["max_proba"] > 1:
        raise ValueError(f"y_proba contains values greater than 1: {sums['max_proba']}")
    if sums["min_proba"] < 0:
        raise ValueError(f"y_proba contains values lower than 0: {sums['min_proba']}")
    if sums["rows_not_normalised"]:
        warnings.warn(
            "The y_proba values do not sum to one. Make sure to pass probabilities.",
            UserWarning,
            stacklevel=2,
        )
    if not normalize:
        return float(sums["loss"])
    return weighted_mean(sums["loss"], sums["weight_sum"])


def _log_loss_codes(t: np.ndarray, labels) -> tuple[np.ndarray, np.ndarray]:
    if labels is None:
        classes, (codes,) = encode([t])
        if len(classes) < 2:
            raise ValueError(
                f"y_true contains only one label ({classes[0]!r}); pass every expected class "
                "through `labels`"
            )
        return classes, codes
    given = np.asarray(labels)
    classes = np.unique(given)
    if len(classes) < 2:
        raise ValueError("labels must contain at least two classes")
    if len(classes) != len(given) or not np.array_equal(classes, given):
        warnings.warn(
            f"labels {given.tolist()} are not sorted; y_proba columns are taken in sorted "
            f"order {classes.tolist()}",
            UserWarning,
            stacklevel=3,
        )
    _, (codes,) = encode([t], classes)
    if (codes < 0).any():
        unknown = np.unique(t[codes < 0])[:10].tolist()
        raise ValueError(f"y_true contains values {unknown} not in labels")
    return classes, codes
