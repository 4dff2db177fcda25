"""Checks of optimizer hyper-parameters, with torch.optim's rules and messages.

Each optimizer's ``__init__`` calls these before storing its defaults, so a bad value fails
at construction exactly where ``torch.optim`` would fail, with the same ``ValueError`` text.
"""

from __future__ import annotations

import torch


def check_lr(lr) -> None:
    if isinstance(lr, torch.Tensor) and lr.numel() != 1:
        raise ValueError("Tensor lr must be 1-element")
    if not lr >= 0.0:
        raise ValueError(f"Invalid learning rate: {lr}")


def check_eps(eps) -> None:
    if not eps >= 0.0:
        raise ValueError(f"Invalid epsilon value: {eps}")


def check_non_negative(name: str, value) -> None:
    """``weight_decay``, ``momentum``, ``alpha``, ``lr_decay``...: finite or not, never < 0."""
    if not value >= 0.0:
        raise ValueError(f"Invalid {name} value: {value}")


def check_betas(betas) -> tuple[float, float]:
    """Both in [0, 1); returns them as floats (torch also accepts 1-element tensors)."""
    if len(betas) != 2:
        raise ValueError(f"betas must be a pair (beta1, beta2), got {betas!r}")
    for index, beta in enumerate(betas):
        if isinstance(beta, torch.Tensor) and beta.numel() != 1:
            raise ValueError(f"Tensor betas[{index}] must be 1-element")
        if not 0.0 <= beta < 1.0:
            raise ValueError(f"Invalid beta parameter at index {index}: {beta}")
    return float(betas[0]), float(betas[1])


def check_unsupported(name: str, *, capturable: bool, differentiable: bool) -> None:
    """Reject torch.optim options that have no meaning for a native CPU kernel."""
    if capturable:
        raise ValueError(
            f"{name}: capturable=True (CUDA graph capture) is not supported; "
            "mlarsenal.optim runs on CPU tensors"
        )
    if differentiable:
        raise ValueError(
            f"{name}: differentiable=True is not supported: the native kernel updates "
            "parameters outside autograd; use torch.optim for differentiable optimizers"
        )
