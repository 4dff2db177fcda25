"""Helpers shared by the optimizer tests: seeded parameters and gradients, a training loop,
and comparisons of parameters and state between two optimizers.

Imported by the test modules next to it (pytest puts this directory on ``sys.path``).
"""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")

# Shapes covering the element loops: a scalar, sizes that leave SIMD tails, a 2-d weight
# and an empty tensor. All fit in one parallel block, so long runs stay serial and fast.
SHAPES = ((), (7,), (33, 5), (0,), (1_001,), (3,))
# Tensors larger than a parallel block (65,536 elements) and small ones between them: one
# tensor is split across blocks and one block spans several tensors.
BLOCK_SHAPES = ((70_001,), (3,), (5, 7), (2 * 65_536 + 5,))


def make_params(dtype: torch.dtype, seed: int = 0, shapes=SHAPES) -> list[torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    return [torch.randn(shape, generator=gen, dtype=dtype) for shape in shapes]


def clone_params(init: list[torch.Tensor]) -> list[torch.nn.Parameter]:
    return [torch.nn.Parameter(t.clone()) for t in init]


def set_grads(params, step: int, seed: int = 1, skip_every: int = 0) -> None:
    """Deterministic gradients: noise plus a pull of each parameter towards 0.5.

    With `skip_every` > 0, parameter i has no gradient on steps where
    (step + i) % skip_every == 0, as a frozen or unused parameter would.
    """
    gen = torch.Generator().manual_seed(seed * 100_003 + step)
    for i, p in enumerate(params):
        noise = torch.randn(p.shape, generator=gen, dtype=p.dtype)
        if skip_every and (step + i) % skip_every == 0:
            p.grad = None
        else:
            p.grad = (p.detach() - 0.5) + noise


def run_steps(optimizer, params, steps: int, *, skip_every: int = 0, scheduler=None) -> None:
    for step in range(steps):
        set_grads(params, step, skip_every=skip_every)
        optimizer.step()
        if scheduler is not None:
            scheduler.step()


def tolerances(dtype: torch.dtype, exact: bool) -> dict:
    """assert_close tolerances: exact, or a few ulps (torch's MKL square root; see the docs)."""
    if exact:
        return {"rtol": 0.0, "atol": 0.0}
    if dtype == torch.float32:
        return {"rtol": 2e-5, "atol": 2e-6}
    return {"rtol": 1e-12, "atol": 1e-12}


def assert_same_state(ours, theirs, params_ours, params_theirs, **tol) -> None:
    """Parameters and every state entry torch keeps are close; keys are identical."""
    for p, q in zip(params_ours, params_theirs, strict=True):
        torch.testing.assert_close(p.detach(), q.detach(), **tol)
        state_ours, state_theirs = ours.state.get(p, {}), theirs.state.get(q, {})
        assert set(state_ours) == set(state_theirs)
        for key, value in state_theirs.items():
            if key == "step":
                assert state_ours[key].dtype == value.dtype
                assert float(state_ours[key]) == float(value)
            else:
                torch.testing.assert_close(state_ours[key], value, **tol)
