"""Progress of a fit: a tqdm bar when verbose and tqdm is installed, log lines otherwise.

verbose=0 is silent; verbose>=1 shows the bar (or logs every 10th iteration
at INFO on the "mlarsenal.ensemble" logger); verbose>=2 logs every iteration.
"""

from __future__ import annotations

import logging
import math

logger = logging.getLogger("mlarsenal.ensemble")


class Progress:
    def __init__(self, total: int, done: int, verbose: int):
        self.verbose = verbose
        self.bar = None
        if verbose:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                tqdm = None
            if tqdm is not None:
                self.bar = tqdm(total=total, initial=done, unit="iter", desc="boosting")

    def update(self, iteration: int, train_score, validation_score):
        if not self.verbose:
            return
        scores = {}
        if train_score is not None:
            scores["train"] = train_score
        if validation_score is not None:
            scores["validation"] = validation_score
        if self.bar is not None:
            self.bar.update(1)
            self.bar.set_postfix({k: f"{v:.5g}" for k, v in scores.items() if not math.isnan(v)})
        if scores and (self.verbose >= 2 or (self.bar is None and iteration % 10 == 0)):
            text = ", ".join(f"{k} score {v:.6g}" for k, v in scores.items())
            logger.info("iteration %d: %s", iteration, text)

    def close(self):
        if self.bar is not None:
            self.bar.close()
