"""PNG plots for ``mlarsenal evaluate --plots``, drawn with scikit-learn's Display objects."""

from __future__ import annotations

import os

import numpy as np

from mlarsenal._optional import import_optional


def write_plots(model, y_true, outputs, folder) -> list[str]:
    """Write the plots that suit `model` into `folder` (created); return their paths."""
    matplotlib = import_optional("matplotlib", purpose="evaluate --plots")
    matplotlib.use("Agg")  # files only: no display needed
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay, PredictionErrorDisplay, RocCurveDisplay

    os.makedirs(folder, exist_ok=True)
    written = []

    def save(display, filename):
        path = os.path.join(folder, filename)
        display.figure_.savefig(path, dpi=120, bbox_inches="tight")
        plt.close(display.figure_)
        written.append(path)

    classes = getattr(model, "classes_", None)
    if classes is not None:
        predicted = np.asarray(classes)[np.argmax(outputs, axis=1)]
        save(ConfusionMatrixDisplay.from_predictions(y_true, predicted), "confusion_matrix.png")
        if len(classes) == 2:
            roc = RocCurveDisplay.from_predictions(y_true == classes[1], outputs[:, 1])
            save(roc, "roc_curve.png")
    else:
        display = PredictionErrorDisplay.from_predictions(
            y_true, outputs, kind="actual_vs_predicted"
        )
        save(display, "actual_vs_predicted.png")
    return written
