"""Adam and AdamW (torch.optim.Adam / torch.optim.AdamW) on one native kernel per step."""

from __future__ import annotations

from typing import ClassVar

from mlarsenal.optim._base import FusedOptimizer, advance_steps, new_step
from mlarsenal.optim._hyperparameters import (
    check_betas,
    check_eps,
    check_lr,
    check_non_negative,
)


class Adam(FusedOptimizer):
    """Adam, as ``torch.optim.Adam``, updating all of a group's tensors in one native pass.

    Parameters, defaults, state keys (``step``, ``exp_avg``, ``exp_avg_sq``,
    ``max_exp_avg_sq``) and results are torch.optim's: the per-element arithmetic repeats
    torch's operations in the same order and precision. ``n_jobs`` is the number of native
    threads (None: all usable cores). ``foreach`` and ``fused`` are accepted and ignored;
    ``capturable`` and ``differentiable`` must stay False. Parameters must be float32 or
    float64 CPU or CUDA tensors. See docs/user_guide/optim.md.
    """

    _group_defaults: ClassVar[dict] = {
        "amsgrad": False,
        "maximize": False,
        "decoupled_weight_decay": False,
    }

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        foreach: bool | None = None,
        maximize: bool = False,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        decoupled_weight_decay: bool = False,
        n_jobs: int | None = None,
    ) -> None:
        check_lr(lr)
        check_eps(eps)
        betas = check_betas(betas)
        check_non_negative("weight_decay", weight_decay)
        defaults = {
            "lr": lr,
            "betas": betas,
            "eps": eps,
            "weight_decay": weight_decay,
            "amsgrad": amsgrad,
            "maximize": maximize,
            "decoupled_weight_decay": decoupled_weight_decay,
        }
        super().__init__(
            params,
            defaults,
            n_jobs=n_jobs,
            foreach=foreach,
            fused=fused,
            capturable=capturable,
            differentiable=differentiable,
        )

    def _update(self, group, params, dtype, workspace, n_threads) -> None:
        amsgrad = bool(group["amsgrad"])
        beta1, beta2 = (float(beta) for beta in group["betas"])
        lr = float(group["lr"])
        states, exp_avgs, exp_avg_sqs, max_exp_avg_sqs = [], [], [], []
        for p in params:
            state = self.state[p]
            if "step" not in state:  # torch's lazy initialisation, in its key order
                state["step"] = new_step()
            states.append(state)
            exp_avgs.append(self._state_tensor(p, "exp_avg", state=state))
            exp_avg_sqs.append(self._state_tensor(p, "exp_avg_sq", state=state))
            if amsgrad:
                max_exp_avg_sqs.append(self._state_tensor(p, "max_exp_avg_sq", state=state))

        # Bias corrections exactly as torch's single-tensor Adam computes them, in Python
        # doubles, once per distinct step count (parameters of a group usually share one).
        per_step: dict[float, tuple[float, float]] = {}
        step_sizes, bias_corrections2_sqrt = [], []
        for step in advance_steps(states):
            if step not in per_step:
                bias_correction1 = 1 - beta1**step
                bias_correction2 = 1 - beta2**step
                per_step[step] = (lr / bias_correction1, bias_correction2**0.5)
            step_size, correction2_sqrt = per_step[step]
            step_sizes.append(step_size)
            bias_corrections2_sqrt.append(correction2_sqrt)

        workspace.kernels.adam_step(
            dtype=dtype,
            numel=[p.numel() for p in params],
            params=[workspace.write(p) for p in params],
            grads=[workspace.read(p.grad) for p in params],
            exp_avgs=[workspace.write(t) for t in exp_avgs],
            exp_avg_sqs=[workspace.write(t) for t in exp_avg_sqs],
            max_exp_avg_sqs=[workspace.write(t) for t in max_exp_avg_sqs],
            step_sizes=step_sizes,
            bias_corrections2_sqrt=bias_corrections2_sqrt,
            lr=lr,
            beta1=beta1,
            beta2=beta2,
            eps=float(group["eps"]),
            weight_decay=float(group["weight_decay"]),
            decoupled_weight_decay=bool(group["decoupled_weight_decay"]),
            amsgrad=amsgrad,
            maximize=bool(group["maximize"]),
            n_threads=n_threads,
        )


class AdamW(Adam):
    """AdamW, as ``torch.optim.AdamW``: Adam with decoupled weight decay (default 1e-2).

    Everything else is as in :class:`Adam`.
    """

    def __init__(
        self,
        params,
        lr=1e-3,
        betas=(0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        foreach: bool | None = None,
        capturable: bool = False,
        differentiable: bool = False,
        fused: bool | None = None,
        n_jobs: int | None = None,
    ) -> None:
        super().__init__(
            params,
            lr,
            betas,
            eps,
            weight_decay,
            amsgrad,
            foreach=foreach,
            maximize=maximize,
            capturable=capturable,
            differentiable=differentiable,
            fused=fused,
            decoupled_weight_decay=True,
            n_jobs=n_jobs,
        )

    def __setstate__(self, state) -> None:
        super().__setstate__(state)
        # As torch.optim.AdamW: loading any state keeps the weight decay decoupled.
        for group in self.param_groups:
            group["decoupled_weight_decay"] = True
