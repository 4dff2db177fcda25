"""Adagrad (torch.optim.Adagrad, dense gradients) on one native kernel per step."""

from __future__ import annotations

from typing import ClassVar

from mlarsenal.optim._base import FusedOptimizer, advance_steps, new_step
from mlarsenal.optim._hyperparameters import check_eps, check_lr, check_non_negative


class Adagrad(FusedOptimizer):
    """Adagrad, as ``torch.optim.Adagrad``, updating all of a group's tensors in one pass.

    Parameters, defaults, state (``step`` and ``sum``, created for every parameter at
    construction as torch does) and results are torch.optim's. Sparse gradients are
    rejected. ``n_jobs`` is the number of native threads (None: all usable cores);
    ``foreach`` and ``fused`` are accepted and ignored; ``differentiable`` must stay False.
    See docs/user_guide/optim.md.
    """

    _group_defaults: ClassVar[dict] = {"maximize": False}

    def __init__(
        self,
        params,
        lr=1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        foreach: bool | None = None,
        *,
        maximize: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        n_jobs: int | None = None,
    ) -> None:
        check_lr(lr)
        check_non_negative("lr_decay", lr_decay)
        check_non_negative("weight_decay", weight_decay)
        check_non_negative("initial_accumulator_value", initial_accumulator_value)
        check_eps(eps)
        defaults = {
            "lr": lr,
            "lr_decay": lr_decay,
            "eps": eps,
            "weight_decay": weight_decay,
            "initial_accumulator_value": initial_accumulator_value,
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
        # As torch: the accumulators exist from construction (share_memory() needs them).
        for group in self.param_groups:
            for p in group["params"]:
                self._init_state(p)

    def _init_state(self, param) -> dict:
        state = self.state[param]
        if len(state) == 0:
            state["step"] = new_step()
            # torch reads the constructor's value here, not the group's.
            initial_value = self.defaults["initial_accumulator_value"]
            self._state_tensor(param, "sum", fill=initial_value, state=state)
        return state

    def share_memory(self) -> None:
        """Calls tensor.share_memory_() on the state sum tensors."""
        for group in self.param_groups:
            for p in group["params"]:
                self.state[p]["sum"].share_memory_()

    def _update(self, group, params, dtype, workspace, n_threads) -> None:
        states = [self._init_state(p) for p in params]
        sums = [
            self._state_tensor(p, "sum", state=state)
            for p, state in zip(params, states, strict=True)
        ]
        lr = float(group["lr"])
        lr_decay = float(group["lr_decay"])
        # torch's clr, in Python doubles, for each parameter's own step count.
        clrs = [lr / (1 + (step - 1) * lr_decay) for step in advance_steps(states)]

        workspace.kernels.adagrad_step(
            dtype=dtype,
            numel=[p.numel() for p in params],
            params=[workspace.write(p) for p in params],
            grads=[workspace.read(p.grad) for p in params],
            sums=[workspace.write(t) for t in sums],
            clrs=clrs,
            eps=float(group["eps"]),
            weight_decay=float(group["weight_decay"]),
            maximize=bool(group["maximize"]),
            n_threads=n_threads,
        )
