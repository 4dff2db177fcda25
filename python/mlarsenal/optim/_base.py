"""What every mlarsenal optimizer shares: checking a group's tensors and calling one kernel.

A subclass of :class:`FusedOptimizer` validates its hyper-parameters, sets up per-parameter
state with torch.optim's keys, and implements ``_update(group, params, dtype, workspace,
n_threads)``, which makes one native call for the given parameters (all of one dtype). The base
class runs the closure, picks the parameters that have a gradient, checks them, splits a group
by device and dtype (one call per CPU/GPU and float32/float64 pair) and tells autograd that the
parameters changed.

CUDA parameters go to the ``_cuda`` module's kernels (same update rules, bitwise the CPU
step), on torch's current stream, without synchronising; see docs/user_guide/gpu.md.
"""

from __future__ import annotations

from typing import Any, ClassVar

import torch

from mlarsenal._threads import effective_n_jobs
from mlarsenal.optim._hyperparameters import check_unsupported
from mlarsenal.optim._workspace import Workspace

SUPPORTED_DTYPES = (torch.float32, torch.float64)


def dtype_name(dtype: torch.dtype) -> str:
    """'float32' or 'float64', the names the kernels take."""
    return str(dtype).removeprefix("torch.")


def step_dtype() -> torch.dtype:
    """dtype of state["step"], as torch.optim chooses it (float64 under a float64 default)."""
    return torch.float64 if torch.get_default_dtype() == torch.float64 else torch.float32


def new_step() -> torch.Tensor:
    return torch.tensor(0.0, dtype=step_dtype())


def advance_steps(states: list[dict]) -> list[float]:
    """Add one to each state["step"] (a 0-d CPU tensor, as in torch) and return the new values."""
    steps = [state["step"] for state in states]
    if steps:
        torch._foreach_add_(steps, 1.0)  # one call instead of one Python op per tensor
    return [step.item() for step in steps]


class FusedOptimizer(torch.optim.Optimizer):
    """Base class of mlarsenal's optimizers (see the module docstring)."""

    # Group keys that older or foreign state dicts may lack, with their defaults
    # (torch.optim's own __setstate__ fills in the same ones).
    _group_defaults: ClassVar[dict[str, Any]] = {}

    def __init__(
        self,
        params,
        defaults: dict,
        *,
        n_jobs: int | None,
        foreach: bool | None,
        fused: bool | None,
        capturable: bool = False,
        differentiable: bool = False,
    ) -> None:
        # foreach and fused select torch.optim implementations; every step here is one
        # fused native kernel, so both are accepted for drop-in use and ignored.
        del foreach, fused
        check_unsupported(type(self).__name__, capturable=capturable, differentiable=differentiable)
        effective_n_jobs(n_jobs)  # reject a bad value now rather than at the first step
        self.n_jobs = n_jobs
        super().__init__(params, defaults)

    # n_jobs is a setting of this object, not optimizer state: it travels with pickle and
    # deepcopy, but not in state_dict(), and load_state_dict() leaves it unchanged.
    def __getstate__(self) -> dict[str, Any]:
        state = super().__getstate__()
        state["n_jobs"] = getattr(self, "n_jobs", None)
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        super().__setstate__(state)
        for group in self.param_groups:
            for key, value in self._group_defaults.items():
                group.setdefault(key, value)
        # Very old torch state dicts hold "step" as a number; torch converts it too.
        for param_state in self.state.values():
            step = param_state.get("step")
            if step is not None and not torch.is_tensor(step):
                param_state["step"] = torch.tensor(float(step), dtype=step_dtype())

    @torch.no_grad()
    def step(self, closure=None):
        """Perform a single optimization step.

        Args:
            closure (Callable, optional): A closure that reevaluates the model
                and returns the loss.
        """
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        n_threads = effective_n_jobs(getattr(self, "n_jobs", None))
        for group in self.param_groups:
            params = self._params_with_grad(group)
            devices = list(dict.fromkeys(p.device for p in params))
            for device in devices:
                kernels = None if device == _CPU else _cuda_kernels(device)
                for dtype in SUPPORTED_DTYPES:
                    same = [p for p in params if p.dtype == dtype and p.device == device]
                    if not same:
                        continue
                    workspace = Workspace(kernels)
                    self._update(group, same, dtype_name(dtype), workspace, n_threads)
                    workspace.write_back()
            if params:
                # The kernel wrote through raw pointers; bump the version counters as an
                # in-place torch op would, so autograd still detects a stale saved tensor.
                torch.autograd.graph.increment_version(params)
        return loss

    def _update(
        self,
        group: dict,
        params: list[torch.Tensor],
        dtype: str,
        workspace: Workspace,
        n_threads: int,
    ) -> None:
        raise NotImplementedError

    def _params_with_grad(self, group: dict) -> list[torch.Tensor]:
        """The group's parameters that have a gradient, each checked for the kernels."""
        params = []
        for p in group["params"]:
            grad = p.grad
            if grad is None:
                continue
            # One cheap test for the usual case; the slow path finds what is wrong.
            if not (
                p.dtype in SUPPORTED_DTYPES
                and p.device.type in _DEVICE_TYPES
                and p.layout == torch.strided
                and grad.layout == torch.strided
                and grad.dtype == p.dtype
                and grad.shape == p.shape
                and grad.device == p.device
            ):
                _raise_for_param(type(self).__name__, p, grad)
            params.append(p)
        return params

    def _state_tensor(
        self, param: torch.Tensor, key: str, fill: float = 0.0, state: dict | None = None
    ) -> torch.Tensor:
        """state[key] of `param` (its `state` if given), created filled with `fill` when
        missing, and checked to match the parameter."""
        if state is None:
            state = self.state[param]
        value = state.get(key)
        if value is None:
            value = torch.full_like(param, fill, memory_format=torch.preserve_format)
            state[key] = value
        elif not _matches(value, param):
            _raise_for_state(type(self).__name__, key, value, param)
        return value


_CPU = torch.device("cpu")
# Devices with kernels: the CPU engine, and CUDA through the optional _cuda module.
_DEVICE_TYPES = ("cpu", "cuda")


def _cuda_kernels(device: torch.device):
    from mlarsenal._gpu.optim import CudaOptimKernels

    return CudaOptimKernels(device)


def _matches(value, param: torch.Tensor) -> bool:
    return (
        isinstance(value, torch.Tensor)
        and value.dtype == param.dtype
        and value.shape == param.shape
        and value.device == param.device
        and value.layout == torch.strided
    )


def _raise_for_param(name: str, param: torch.Tensor, grad: torch.Tensor) -> None:
    if grad.is_sparse or grad.layout != torch.strided:
        raise RuntimeError(
            f"{name} does not support sparse gradients; use torch.optim.SparseAdam or a "
            "dense gradient"
        )
    if param.is_complex():
        raise TypeError(
            f"{name}: complex parameters are not supported (got {param.dtype}); use "
            f"torch.optim.{name} for them, or optimise torch.view_as_real(param)"
        )
    if param.dtype not in SUPPORTED_DTYPES:
        raise TypeError(f"{name}: parameters must be float32 or float64, got {param.dtype}")
    if param.layout != torch.strided:
        raise TypeError(f"{name}: parameters must be dense (strided) tensors, got {param.layout}")
    if param.device.type not in _DEVICE_TYPES:
        raise ValueError(
            f"{name}: mlarsenal.optim updates CPU and CUDA tensors only, got a parameter on "
            f"{param.device}; use torch.optim for other devices"
        )
    raise ValueError(
        f"{name}: a gradient ({grad.dtype}, shape {tuple(grad.shape)}, {grad.device}) does "
        f"not match its parameter ({param.dtype}, shape {tuple(param.shape)}, {param.device})"
    )


def _raise_for_state(name: str, key: str, value, param: torch.Tensor) -> None:
    found = (
        f"{value.dtype}, shape {tuple(value.shape)}, {value.device}"
        if isinstance(value, torch.Tensor)
        else type(value).__name__
    )
    raise ValueError(
        f"{name}: state[{key!r}] of a parameter ({found}) does not match the parameter "
        f"({param.dtype}, shape {tuple(param.shape)}, {param.device})"
    )
