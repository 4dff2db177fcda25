"""SGD: momentum, dampening, Nesterov, weight decay (torch.optim.SGD); one kernel per step."""

from __future__ import annotations

from typing import ClassVar

import torch

from mlarsenal.optim._base import FusedOptimizer
from mlarsenal.optim._hyperparameters import check_lr, check_non_negative


class SGD(FusedOptimizer):
    """Stochastic gradient descent, as ``torch.optim.SGD``, in one native pass per group.

    Parameters, defaults, state (``momentum_buffer``, only when ``momentum != 0``, created
    from the first gradient as torch does) and results are torch.optim's. ``n_jobs`` is the
    number of native threads (None: all usable cores); ``foreach`` and ``fused`` are
    accepted and ignored; ``differentiable`` must stay False. Parameters must be float32 or
    float64 CPU or CUDA tensors. See docs/user_guide/optim.md.
    """

    _group_defaults: ClassVar[dict] = {"nesterov": False, "maximize": False}

    def __init__(
        self,
        params,
        lr=1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        differentiable: bool = False,
        fused: bool | None = None,
        n_jobs: int | None = None,
    ) -> None:
        check_lr(lr)
        check_non_negative("momentum", momentum)
        check_non_negative("weight_decay", weight_decay)
        if nesterov and (momentum <= 0 or dampening != 0):
            raise ValueError("Nesterov momentum requires a momentum and zero dampening")
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "dampening": dampening,
            "weight_decay": weight_decay,
            "nesterov": nesterov,
            "maximize": maximize,
        }
        super().__init__(
            params,
            defaults,
            n_jobs=n_jobs,
            foreach=foreach,
            fused=fused,
            differentiable=differentiable,
        )

    def _update(self, group, params, dtype, workspace, n_threads) -> None:
        momentum = float(group["momentum"])
        buffers: list[torch.Tensor] = []
        new_buffers: list[bool] = []
        created: list[tuple[dict, torch.Tensor]] = []
        if momentum != 0:
            for p in params:
                state = self.state[p]
                if state.get("momentum_buffer") is None:
                    # The kernel fills it with this step's gradient (torch: grad.clone()); it
                    # enters the state only once filled.
                    buffer = torch.empty_like(p, memory_format=torch.preserve_format)
                    created.append((state, buffer))
                    new_buffers.append(True)
                else:
                    buffer = self._state_tensor(p, "momentum_buffer", state=state)
                    new_buffers.append(False)
                buffers.append(buffer)

        workspace.kernels.sgd_step(
            dtype=dtype,
            numel=[p.numel() for p in params],
            params=[workspace.write(p) for p in params],
            grads=[workspace.read(p.grad) for p in params],
            momentum_buffers=[workspace.write(b) for b in buffers],
            new_buffers=new_buffers,
            lr=float(group["lr"]),
            momentum=momentum,
            dampening=float(group["dampening"]),
            weight_decay=float(group["weight_decay"]),
            nesterov=bool(group["nesterov"]),
            maximize=bool(group["maximize"]),
            n_threads=n_threads,
        )
        for state, buffer in created:
            state["momentum_buffer"] = buffer
