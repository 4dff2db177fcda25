"""Lion against a small pure-torch implementation of the paper's reference code.

torch.optim has no Lion. The reference below is the authors' update (arXiv:2302.06675,
Algorithm 2, and their PyTorch port), op for op; mlarsenal's kernel must match it bit for bit.
"""

import pytest

torch = pytest.importorskip("torch")

from optim_parity import BLOCK_SHAPES, clone_params, make_params, run_steps  # noqa: E402

import mlarsenal.optim as mo  # noqa: E402


class ReferenceLion(torch.optim.Optimizer):
    def __init__(self, params, lr=1e-4, betas=(0.9, 0.99), weight_decay=0.0, maximize=False):
        defaults = {"lr": lr, "betas": betas, "weight_decay": weight_decay, "maximize": maximize}
        super().__init__(params, defaults)

    @torch.no_grad()
    def step(self):
        for group in self.param_groups:
            lr, wd = group["lr"], group["weight_decay"]
            beta1, beta2 = group["betas"]
            for p in group["params"]:
                if p.grad is None:
                    continue
                grad = -p.grad if group["maximize"] else p.grad
                state = self.state[p]
                if len(state) == 0:
                    state["exp_avg"] = torch.zeros_like(p)
                exp_avg = state["exp_avg"]
                p.mul_(1 - lr * wd)
                update = exp_avg.clone().mul_(beta1).add(grad, alpha=1 - beta1).sign_()
                p.add_(update, alpha=-lr)
                exp_avg.mul_(beta2).add_(grad, alpha=1 - beta2)


CONFIGS = [
    {},
    {"lr": 0.01, "weight_decay": 0.1},
    {"lr": 0.003, "betas": (0.5, 0.9), "maximize": True},
    {"lr": 0.001, "betas": (0.0, 0.0), "weight_decay": 1.0},
]


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64], ids=str)
@pytest.mark.parametrize(
    "kwargs", CONFIGS, ids=lambda kw: "-".join(map(str, kw.items())) or "defaults"
)
def test_100_steps_match_the_reference_bit_for_bit(kwargs, dtype):
    init = make_params(dtype)
    p_ours, p_ref = clone_params(init), clone_params(init)
    ours, ref = mo.Lion(p_ours, **kwargs), ReferenceLion(p_ref, **kwargs)
    run_steps(ours, p_ours, 100, skip_every=4)
    run_steps(ref, p_ref, 100, skip_every=4)
    for p, q in zip(p_ours, p_ref, strict=True):
        assert torch.equal(p, q)
        assert set(ours.state.get(p, {})) == set(ref.state.get(q, {}))
        if q in ref.state:
            assert torch.equal(ours.state[p]["exp_avg"], ref.state[q]["exp_avg"])


def test_tensors_spanning_blocks_match_the_reference():
    init = make_params(torch.float32, shapes=BLOCK_SHAPES)
    p_ours, p_ref = clone_params(init), clone_params(init)
    ours, ref = (
        mo.Lion(p_ours, lr=0.01, weight_decay=0.1),
        ReferenceLion(p_ref, lr=0.01, weight_decay=0.1),
    )
    run_steps(ours, p_ours, 3)
    run_steps(ref, p_ref, 3)
    for p, q in zip(p_ours, p_ref, strict=True):
        assert torch.equal(p, q)


def test_sign_of_zero_and_nan_momentum_matches_torch_sign():
    # torch.sign maps 0 and NaN to 0: such coordinates only decay.
    p = torch.nn.Parameter(torch.tensor([1.0, 2.0, 3.0]))
    ref = torch.nn.Parameter(p.detach().clone())
    ours, reference = (
        mo.Lion([p], lr=0.1, weight_decay=0.5),
        ReferenceLion([ref], lr=0.1, weight_decay=0.5),
    )
    grad = torch.tensor([0.0, -0.0, float("nan")])
    p.grad, ref.grad = grad.clone(), grad.clone()
    ours.step()
    reference.step()
    assert torch.equal(p.detach(), ref.detach())
    assert torch.equal(p.detach(), torch.tensor([1.0, 2.0, 3.0]) * (1 - 0.1 * 0.5))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"lr": -1.0}, "Invalid learning rate"),
        ({"betas": (1.0, 0.9)}, "Invalid beta parameter at index 0"),
        ({"betas": (0.9, -0.1)}, "Invalid beta parameter at index 1"),
        ({"weight_decay": -0.1}, "Invalid weight_decay value"),
    ],
)
def test_bad_hyper_parameters(kwargs, message):
    with pytest.raises(ValueError, match=message):
        mo.Lion([torch.nn.Parameter(torch.zeros(2))], **kwargs)
