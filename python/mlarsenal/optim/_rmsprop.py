"""RMSprop (torch.optim.RMSprop), centered or not, with momentum, on one kernel per step."""

from __future__ import annotations

from typing import ClassVar

from mlarsenal.optim._base import FusedOptimizer, advance_steps, new_step
from mlarsenal.optim._hyperparameters import check_eps, check_lr, check_non_negative


class RMSprop(FusedOptimizer):
    """RMSprop, as ``torch.optim.RMSprop``, updating all of a group's tensors in one pass.

    Parameters, defaults, state keys (``step``, ``square_avg``, ``momentum_buffer`` when
    ``momentum > 0``, ``grad_avg`` when ``centered``) and results are torch.optim's.
    ``n_jobs`` is the number of native threads (None: all usable cores); ``foreach`` is
    accepted and ignored; ``capturable`` and ``differentiable`` must stay False. Unlike
    torch, every argument after ``centered`` is keyword-only. See docs/user_guide/optim.md.
    """

    _group_defaults: ClassVar[dict] = {"momentum": 0, "centered": False, "maximize": False}

    def __init__(
        self,
        params,
        lr=1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        *,
        capturable: bool = False,
        foreach: bool | None = None,
        maximize: bool = False,
        differentiable: bool = False,
        n_jobs: int | None = None,
    ) -> None:
        check_lr(lr)
        check_eps(eps)
        check_non_negative("momentum", momentum)
        check_non_negative("weight_decay", weight_decay)
        check_non_negative("alpha", alpha)
        defaults = {
            "lr": lr,
            "momentum": momentum,
            "alpha": alpha,
            "eps": eps,
            "centered": centered,
            "weight_decay": weight_decay,
            "maximize": maximize,
        }
        super().__init__(
            params,
            defaults,
            n_jobs=n_jobs,
            foreach=foreach,
            fused=None,
            capturable=capturable,
            differentiable=differentiable,
        )

    def _update(self, group, params, dtype, workspace, n_threads) -> None:
        momentum = float(group["momentum"])
        centered = bool(group["centered"])
        states, square_avgs, buffers, grad_avgs = [], [], [], []
        for p in params:
            state = self.state[p]
            if "step" not in state:  # torch's lazy initialisation, in its key order
                state["step"] = new_step()
            states.append(state)
            square_avgs.append(self._state_tensor(p, "square_avg", state=state))
            if momentum > 0:
                buffers.append(self._state_tensor(p, "momentum_buffer", state=state))
            if centered:
                grad_avgs.append(self._state_tensor(p, "grad_avg", state=state))
        advance_steps(states)  # RMSprop's update does not depend on the step count

        workspace.kernels.rmsprop_step(
            dtype=dtype,
            numel=[p.numel() for p in params],
            params=[workspace.write(p) for p in params],
            grads=[workspace.read(p.grad) for p in params],
            square_avgs=[workspace.write(t) for t in square_avgs],
            grad_avgs=[workspace.write(t) for t in grad_avgs],
            momentum_buffers=[workspace.write(t) for t in buffers],
            lr=float(group["lr"]),
            alpha=float(group["alpha"]),
            eps=float(group["eps"]),
            weight_decay=float(group["weight_decay"]),
            momentum=momentum,
            centered=centered,
            maximize=bool(group["maximize"]),
            n_threads=n_threads,
        )
