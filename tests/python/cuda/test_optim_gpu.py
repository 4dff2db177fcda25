"""mlarsenal.optim on CUDA tensors: the CPU step's trajectory, bit for bit, and torch's."""

import pytest

from mlarsenal import optim

pytestmark = pytest.mark.gpu

CASES = [
    ("SGD", dict(lr=0.05, momentum=0.9, nesterov=True, weight_decay=1e-3)),
    ("SGD", dict(lr=0.05, momentum=0.9, dampening=0.1)),
    ("Adam", dict(lr=1e-2, weight_decay=1e-3)),
    ("Adam", dict(lr=1e-2, amsgrad=True)),
    ("AdamW", dict(lr=1e-2, weight_decay=0.1)),
    ("RMSprop", dict(lr=1e-3, momentum=0.5, centered=True, weight_decay=1e-2)),
    ("Adagrad", dict(lr=1e-2, lr_decay=1e-3, weight_decay=1e-2)),
    ("Lion", dict(lr=1e-3, weight_decay=0.1)),
]


def trajectory(torch, cls, kwargs, device, dtype, steps=100):
    torch.manual_seed(0)
    shapes = [(257,), (64, 33), (3, 5, 7), (1,), (0,)]
    params = [torch.nn.Parameter(torch.randn(s, dtype=dtype, device=device)) for s in shapes]
    opt = cls(params, **kwargs)
    gen = torch.Generator().manual_seed(1)
    for _ in range(steps):
        for p in params:
            p.grad = torch.randn(p.shape, generator=gen, dtype=dtype).to(device)
        opt.step()
    return [p.detach().cpu() for p in params]


@pytest.mark.parametrize(("name", "kwargs"), CASES)
@pytest.mark.parametrize("dtype_name", ["float32", "float64"])
def test_cuda_steps_equal_the_cpu_steps(torch_cuda, name, kwargs, dtype_name):
    torch = torch_cuda
    dtype = getattr(torch, dtype_name)
    cls = getattr(optim, name)
    cpu = trajectory(torch, cls, kwargs, "cpu", dtype)
    gpu = trajectory(torch, cls, kwargs, "cuda", dtype)
    for a, b in zip(cpu, gpu, strict=True):
        torch.testing.assert_close(b, a, rtol=0, atol=0)  # same rules, no contraction


@pytest.mark.parametrize(("name", "kwargs"), [c for c in CASES if c[0] != "Lion"])
def test_cuda_steps_follow_torch_optim(torch_cuda, name, kwargs):
    torch = torch_cuda
    ours = trajectory(torch, getattr(optim, name), kwargs, "cuda", torch.float32)
    theirs = trajectory(torch, getattr(torch.optim, name), kwargs, "cuda", torch.float32)
    for a, b in zip(theirs, ours, strict=True):
        torch.testing.assert_close(b, a, rtol=1e-4, atol=1e-5)


def test_parameters_are_updated_in_place(torch_cuda):
    torch = torch_cuda
    p = torch.nn.Parameter(torch.ones(1000, device="cuda"))
    address = p.data_ptr()
    opt = optim.AdamW([p], lr=0.1)
    p.grad = torch.ones_like(p)
    opt.step()
    assert p.data_ptr() == address
    assert opt.state[p]["exp_avg"].is_cuda
    assert float(p.detach()[0]) < 1.0


def test_mixed_devices_in_one_group(torch_cuda):
    torch = torch_cuda
    a = torch.nn.Parameter(torch.ones(4))
    b = torch.nn.Parameter(torch.ones(4, device="cuda"))
    opt = optim.SGD([a, b], lr=0.5)
    a.grad, b.grad = torch.ones(4), torch.ones(4, device="cuda")
    opt.step()
    torch.testing.assert_close(a.detach(), b.detach().cpu())
