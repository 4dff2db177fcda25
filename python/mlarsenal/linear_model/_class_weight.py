"""class_weight -> one weight per class, as scikit-learn computes it."""

from __future__ import annotations

import numpy as np


def class_weights(class_weight, classes: np.ndarray, y_codes: np.ndarray, sample_weight):
    """Weights per class (indexed like `classes`), or None for class_weight=None.

    "balanced": total weight / (n_classes * weight of the class), counting
    sample weights as scikit-learn does. A dict maps class labels to weights;
    classes it leaves out weigh 1, and a key that is not a class is an error.
    """
    if class_weight is None or (isinstance(class_weight, dict) and not class_weight):
        return None
    n_classes = len(classes)
    if isinstance(class_weight, str):
        counts = np.bincount(y_codes, weights=sample_weight, minlength=n_classes)
        empty = np.flatnonzero(counts <= 0)
        if empty.size:
            raise ValueError(
                f'class_weight="balanced": class {classes[empty[0]]!r} has zero total '
                "sample weight, so its balancing weight is undefined"
            )
        return counts.sum() / (n_classes * counts)
    weights = np.ones(n_classes)
    position = {label: i for i, label in enumerate(classes.tolist())}
    for label, value in class_weight.items():
        key = label.item() if isinstance(label, np.generic) else label
        if key not in position:
            raise ValueError(
                f"class_weight: key {label!r} is not a class label; classes are {classes.tolist()}"
            )
        weights[position[key]] = float(value)
    if not np.isfinite(weights).all() or (weights < 0).any():
        raise ValueError("class_weight values must be finite and non-negative")
    return weights
