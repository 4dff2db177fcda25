"""The quality figures train, evaluate and the demo print: one dict per model and data set."""

from __future__ import annotations

import numpy as np

# Metric name -> True when greater is better (for reading tables).
GREATER_IS_BETTER = {
    "accuracy": True,
    "balanced_accuracy": True,
    "log_loss": False,
    "roc_auc": True,
    "rmse": False,
    "mae": False,
    "r2": True,
}


def classification_scores(y_true, proba: np.ndarray, classes) -> dict[str, float | None]:
    """accuracy, balanced_accuracy, log_loss and roc_auc of class probabilities.

    A figure that is undefined on this data (log loss with labels the model
    never saw, ROC AUC with one class present) is None.
    """
    from sklearn.metrics import balanced_accuracy_score

    from mlarsenal.metrics import accuracy_score, log_loss, roc_auc_score

    y_true = np.asarray(y_true)
    classes = np.asarray(classes)
    predicted = classes[np.argmax(proba, axis=1)]
    scores = {
        "accuracy": float(accuracy_score(y_true, predicted)),
        "balanced_accuracy": float(balanced_accuracy_score(y_true, predicted)),
        "log_loss": None,
        "roc_auc": None,
    }
    known = np.isin(y_true, classes).all()
    if known:
        scores["log_loss"] = float(log_loss(y_true, proba, labels=classes))
    present = np.unique(y_true)
    if known and len(present) == len(classes) == 2:
        scores["roc_auc"] = float(roc_auc_score(y_true == classes[1], proba[:, 1]))
    elif known and len(present) == len(classes) > 2:
        scores["roc_auc"] = float(roc_auc_score(y_true, proba, multi_class="ovr", labels=classes))
    return scores


def regression_scores(y_true, predicted: np.ndarray) -> dict[str, float]:
    """rmse, mae and r2 of predicted values."""
    from sklearn.metrics import mean_absolute_error, r2_score

    from mlarsenal.metrics import mean_squared_error

    y_true = np.asarray(y_true, dtype=np.float64)
    return {
        "rmse": float(np.sqrt(mean_squared_error(y_true, predicted))),
        "mae": float(mean_absolute_error(y_true, predicted)),
        "r2": float(r2_score(y_true, predicted)) if len(y_true) > 1 else None,
    }


def is_classifier(model) -> bool:
    return getattr(model, "classes_", None) is not None and callable(
        getattr(model, "predict_proba", None)
    )


def model_scores(model, X, y) -> dict[str, float | None]:
    """The figures above for `model` on (X, y), by the kind of model."""
    if is_classifier(model):
        return classification_scores(y, model.predict_proba(X), model.classes_)
    return regression_scores(y, np.asarray(model.predict(X), dtype=np.float64))
