"""Blocks, threads, SIMD levels and memory layouts: none of them may change a result."""

import threading

import pytest

torch = pytest.importorskip("torch")

from optim_parity import (  # noqa: E402
    BLOCK_SHAPES,
    assert_same_state,
    clone_params,
    make_params,
    run_steps,
    tolerances,
)
from simd_levels import outputs_per_level  # noqa: E402

import mlarsenal.optim as mo  # noqa: E402

ALL = [
    ("SGD", {"lr": 0.05, "momentum": 0.9, "weight_decay": 0.01}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("AdamW", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.5}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01}),
    ("Lion", {"lr": 0.001, "weight_decay": 0.1}),
]
IDS = [name for name, _ in ALL]


@pytest.mark.parametrize(("name", "kwargs"), ALL, ids=IDS)
def test_tensors_spanning_blocks_give_the_same_bits_for_any_n_jobs(name, kwargs):
    init = make_params(torch.float32, shapes=BLOCK_SHAPES)
    results = []
    for n_jobs in (1, 2):
        params = clone_params(init)
        optimizer = getattr(mo, name)(params, **kwargs, n_jobs=n_jobs)
        run_steps(optimizer, params, 3)
        results.append(params)
    for other in results[1:]:
        for p, q in zip(results[0], other, strict=True):
            assert torch.equal(p, q)
    if name != "Lion":  # torch has no Lion; test_optim_lion.py checks it on big tensors
        p_torch = clone_params(init)
        reference = getattr(torch.optim, name)(p_torch, **kwargs)
        run_steps(reference, p_torch, 3)
        for p, q in zip(results[0], p_torch, strict=True):
            torch.testing.assert_close(p, q, **tolerances(torch.float32, name == "SGD"))


def test_every_simd_level_gives_the_same_bits():
    """Explicit FMAs and no contraction: the scalar, AVX2 and AVX-512 loops agree bit for bit.

    Each level runs in a subprocess (the level is fixed at first use) that calls the kernels
    on numpy buffers, so it does not pay for importing torch.
    """
    script = (
        "import numpy as np\n"
        "from mlarsenal import _core\n"
        "rng = np.random.default_rng(0)\n"
        "n = 1001\n"
        "out = []\n"
        "for dtype in ('float32', 'float64'):\n"
        "    p, g = rng.standard_normal((2, n)).astype(dtype)\n"
        "    s1, s2, s3 = (np.abs(rng.standard_normal(n)).astype(dtype) for _ in range(3))\n"
        "    a = lambda *xs: [x.ctypes.data for x in xs]\n"
        "    common = dict(dtype=dtype, numel=[n], params=a(p), grads=a(g), n_threads=1)\n"
        "    _core.optim.sgd_step(**common, momentum_buffers=a(s1), new_buffers=[False], lr=0.1,\n"
        "        momentum=0.9, dampening=0.1, weight_decay=0.1, nesterov=False, maximize=False)\n"
        "    _core.optim.adam_step(**common, exp_avgs=a(s1), exp_avg_sqs=a(s2),\n"
        "        max_exp_avg_sqs=a(s3), step_sizes=[0.1], bias_corrections2_sqrt=[0.3], lr=0.1,\n"
        "        beta1=0.9, beta2=0.99, eps=1e-8, weight_decay=0.1,\n"
        "        decoupled_weight_decay=False, amsgrad=True, maximize=False)\n"
        "    _core.optim.rmsprop_step(**common, square_avgs=a(s2), grad_avgs=a(s1),\n"
        "        momentum_buffers=a(s3), lr=0.1, alpha=0.9, eps=1e-8, weight_decay=0.1,\n"
        "        momentum=0.5, centered=True, maximize=False)\n"
        "    _core.optim.adagrad_step(**common, sums=a(s2), clrs=[0.1], eps=1e-10,\n"
        "        weight_decay=0.1, maximize=True)\n"
        "    _core.optim.lion_step(**common, exp_avgs=a(s1), lr=0.1, beta1=0.9, beta2=0.99,\n"
        "        weight_decay=0.1, maximize=False)\n"
        "    out += [p, s1, s2, s3]\n"
        "print(_core.optim.kernels_isa(), np.concatenate([x.astype('float64') for x in out])\n"
        "      .tobytes().hex())\n"
    )
    outputs = {}
    for stdout in outputs_per_level(script).values():
        isa, values = stdout.split()
        outputs[isa] = values
    assert "scalar" in outputs
    assert len(set(outputs.values())) == 1, sorted(outputs)


def test_python_threads_stepping_separate_optimizers_match_serial_runs():
    init = make_params(torch.float32, shapes=((200_000,), (17,)))

    def train(params, out, index):
        optimizer = mo.AdamW(params, lr=0.01, n_jobs=2)
        run_steps(optimizer, params, 5)
        out[index] = [p.detach().clone() for p in params]

    serial = [None]
    train(clone_params(init), serial, 0)
    parallel = [None] * 4
    threads = [
        threading.Thread(target=train, args=(clone_params(init), parallel, i)) for i in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in parallel:
        for p, q in zip(serial[0], result, strict=True):
            assert torch.equal(p, q)


def _strided_params(dtype):
    gen = torch.Generator().manual_seed(3)
    base = torch.randn(2, 12, 10, generator=gen, dtype=dtype)
    channels_last = torch.randn(2, 3, 4, 5, generator=gen, dtype=dtype)
    return [
        base[0].t(),  # transposed
        base[1, ::2, 1:7],  # sliced
        channels_last.contiguous(memory_format=torch.channels_last),
        torch.randn(6, generator=gen, dtype=dtype),  # contiguous, for company
    ]


@pytest.mark.parametrize(("name", "kwargs"), ALL[:-1], ids=IDS[:-1])
def test_non_contiguous_parameters_match_torch(name, kwargs):
    dtype = torch.float64
    init = _strided_params(dtype)
    p_ours = [torch.nn.Parameter(t.clone(memory_format=torch.preserve_format)) for t in init]
    p_torch = [torch.nn.Parameter(t.clone(memory_format=torch.preserve_format)) for t in init]
    assert not p_ours[0].is_contiguous() and not p_ours[2].is_contiguous()
    ours = getattr(mo, name)(p_ours, **kwargs)
    theirs = getattr(torch.optim, name)(p_torch, **kwargs)
    for step in range(4):
        for p, q in zip(p_ours, p_torch, strict=True):
            gen = torch.Generator().manual_seed(step)
            if p.dim() == 2:  # a gradient with another layout than its parameter
                p.grad = torch.randn(p.shape[::-1], generator=gen, dtype=dtype).t()
            else:
                p.grad = torch.randn(p.shape, generator=gen, dtype=dtype)
            q.grad = p.grad.clone()
        ours.step()
        theirs.step()
    assert p_ours[2].is_contiguous(memory_format=torch.channels_last)
    assert_same_state(ours, theirs, p_ours, p_torch, **tolerances(dtype, name == "SGD"))


def test_a_group_with_float32_and_float64_parameters():
    init = make_params(torch.float32, shapes=((50,),)) + make_params(torch.float64, shapes=((9,),))
    p_ours, p_torch = clone_params(init), clone_params(init)
    ours = mo.Adam(p_ours, lr=0.01)
    theirs = torch.optim.Adam(p_torch, lr=0.01)
    run_steps(ours, p_ours, 10)
    run_steps(theirs, p_torch, 10)
    assert_same_state(ours, theirs, p_ours, p_torch, **tolerances(torch.float32, False))
    assert p_ours[1].dtype == torch.float64


def test_the_native_kernel_lets_a_python_thread_run():
    from mlarsenal import _core

    n = 8_000_000
    param, grad, exp_avg, exp_avg_sq = (torch.ones(n) for _ in range(4))
    started = threading.Event()

    def work():
        started.set()
        _core.optim.adam_step(
            dtype="float32",
            numel=[n],
            params=[param.data_ptr()],
            grads=[grad.data_ptr()],
            exp_avgs=[exp_avg.data_ptr()],
            exp_avg_sqs=[exp_avg_sq.data_ptr()],
            max_exp_avg_sqs=[],
            step_sizes=[1e-3],
            bias_corrections2_sqrt=[1.0],
            lr=1e-3,
            beta1=0.9,
            beta2=0.999,
            eps=1e-8,
            weight_decay=0.0,
            decoupled_weight_decay=False,
            amsgrad=False,
            maximize=False,
            n_threads=1,
        )

    worker = threading.Thread(target=work)
    worker.start()
    started.wait()
    ticks = 0
    while worker.is_alive():  # could not advance while the GIL were held
        ticks += 1
    worker.join()
    assert ticks > 1000
