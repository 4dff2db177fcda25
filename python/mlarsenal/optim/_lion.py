"""Lion (Chen et al., 2023), which torch.optim does not have, on one native kernel per step."""

from __future__ import annotations

from typing import ClassVar

from mlarsenal.optim._base import FusedOptimizer
from mlarsenal.optim._hyperparameters import check_betas, check_lr, check_non_negative


class Lion(FusedOptimizer):
    """Lion: the sign of an interpolated momentum, with decoupled weight decay.

    For each element, with gradient ``g`` (negated when ``maximize``) and momentum ``m``
    (state key ``exp_avg``, zero at first)::

        p = p * (1 - lr * weight_decay)
        p = p - lr * sign(beta1 * m + (1 - beta1) * g)
        m = beta2 * m + (1 - beta2) * g

    as in the paper ("Symbolic Discovery of Optimization Algorithms", arXiv:2302.06675) and
    its authors' reference implementation, operation for operation. Lion's updates have the
    size of ``lr`` in every coordinate, so it usually wants a learning rate 3-10x smaller
    and a weight decay 3-10x larger than AdamW. ``n_jobs`` is the number of native threads
    (None: all usable cores). See docs/user_guide/optim.md.
    """

    _group_defaults: ClassVar[dict] = {"maximize": False}

    def __init__(
        self,
        params,
        lr=1e-4,
        betas=(0.9, 0.99),
        weight_decay: float = 0.0,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        fused: bool | None = None,
        n_jobs: int | None = None,
    ) -> None:
        check_lr(lr)
        betas = check_betas(betas)
        check_non_negative("weight_decay", weight_decay)
        defaults = {
            "lr": lr,
            "betas": betas,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(params, defaults, n_jobs=n_jobs, foreach=foreach, fused=fused)

    def _update(self, group, params, dtype, workspace, n_threads) -> None:
        beta1, beta2 = (float(beta) for beta in group["betas"])
        exp_avgs = [self._state_tensor(p, "exp_avg") for p in params]
        workspace.kernels.lion_step(
            dtype=dtype,
            numel=[p.numel() for p in params],
            params=[workspace.write(p) for p in params],
            grads=[workspace.read(p.grad) for p in params],
            exp_avgs=[workspace.write(t) for t in exp_avgs],
            lr=float(group["lr"]),
            beta1=beta1,
            beta2=beta2,
            weight_decay=float(group["weight_decay"]),
            maximize=bool(group["maximize"]),
            n_threads=n_threads,
        )
