"""mlarsenal.optim against torch.optim: one optimizer step over a model-sized set of tensors.

``rows`` is the total number of float32 parameters, spread over 200 tensors of mixed sizes
(a few large matrices, many small vectors, as in a real network). Both sides start from the
same parameters and see the same gradients; each timed call is one ``optimizer.step()``.
"""

from __future__ import annotations

import numpy as np

from benchmarks.case import Case
from benchmarks.quality import array_list_agreement
from benchmarks.suite import Peer, Suite

N_TENSORS = 200
BYTES_PER_VALUE = 4  # float32

# name -> (hyper-parameters, arrays one step reads, arrays it writes). The traffic is what a
# single fused pass must move: every parameter, gradient and state value read once, every
# parameter and state value written once. The GB/s columns divide it by the step's time.
OPTIMIZERS = {
    "AdamW": ({"lr": 1e-3, "weight_decay": 1e-2}, 4, 3),
    "Adam": ({"lr": 1e-3}, 4, 3),
    "SGD": ({"lr": 1e-2, "momentum": 0.9}, 3, 2),
    "RMSprop": ({"lr": 1e-3}, 3, 2),
    "Adagrad": ({"lr": 1e-2}, 3, 2),
    "Lion": ({"lr": 1e-4, "weight_decay": 1e-2}, 3, 2),
}
# torch.optim's own fused CPU kernels.
TORCH_FUSED = ("AdamW", "Adam", "SGD", "Adagrad")


def tensor_sizes(rows: int, seed: int, n_tensors: int = N_TENSORS) -> list[int]:
    """Heavy-tailed sizes (each >= 1) of min(n_tensors, rows) tensors, summing to `rows`."""
    n_tensors = min(n_tensors, rows)
    rng = np.random.default_rng(seed)
    weights = rng.lognormal(mean=0.0, sigma=2.0, size=n_tensors)
    sizes = np.floor(weights / weights.sum() * (rows - n_tensors)).astype(np.int64) + 1
    sizes[np.argmax(sizes)] += rows - sizes.sum()
    return [int(n) for n in sizes]


class TrainingStep:
    """Two copies of the same parameters, each with its own optimizer, sharing gradients.

    Gradients are only read by every optimizer here (neither side modifies them in place), so
    both copies point at the same gradient tensors. Optimizers are built on the first (warm-up)
    call, which therefore also pays for allocating their state.
    """

    def __init__(self, rows: int, seed: int) -> None:
        import torch

        gen = torch.Generator().manual_seed(seed)
        sizes = tensor_sizes(rows, seed)
        init = [torch.randn(n, generator=gen) for n in sizes]
        grads = [torch.randn(n, generator=gen) for n in sizes]
        self.params = {
            side: [torch.nn.Parameter(t.clone()) for t in init] for side in ("ours", "peer")
        }
        for side_params in self.params.values():
            for p, g in zip(side_params, grads, strict=True):
                p.grad = g
        self.optimizers: dict = {}

    def step(self, side: str, build, n_jobs: int | None):
        if side not in self.optimizers:
            self.optimizers[side] = build(self.params[side], n_jobs)
        self.optimizers[side].step()
        return [p.detach() for p in self.params[side]]


def training_step(rows: int, seed: int) -> tuple:
    return (TrainingStep(rows, seed),)


class _TorchThreads:
    """torch's intra-op threads set to our thread count for the peer's call, then restored.

    torch.set_num_threads is process-wide, so it is set around each call only.
    """

    def __init__(self, n_jobs: int | None) -> None:
        from mlarsenal import effective_n_jobs

        self.threads = effective_n_jobs(n_jobs)

    def __enter__(self):
        import torch

        self.previous = torch.get_num_threads()
        torch.set_num_threads(self.threads)

    def __exit__(self, *exc):
        import torch

        torch.set_num_threads(self.previous)


class ForeachLion:
    """Lion written with torch's foreach ops, the fastest pure-torch form (torch has no Lion).

    Same arithmetic as the reference implementation (and as mlarsenal.optim.Lion).
    """

    def __init__(self, params, lr: float, weight_decay: float, betas=(0.9, 0.99)) -> None:
        import torch

        self.params = list(params)
        self.exp_avgs = [torch.zeros_like(p) for p in self.params]
        self.lr, self.weight_decay, self.betas = lr, weight_decay, betas

    def step(self) -> None:
        import torch

        beta1, beta2 = self.betas
        with torch.no_grad():
            grads = [p.grad for p in self.params]
            torch._foreach_mul_(self.params, 1 - self.lr * self.weight_decay)
            update = torch._foreach_mul(self.exp_avgs, beta1)
            torch._foreach_add_(update, grads, alpha=1 - beta1)
            torch._foreach_sign_(update)
            torch._foreach_add_(self.params, update, alpha=-self.lr)
            torch._foreach_mul_(self.exp_avgs, beta2)
            torch._foreach_add_(self.exp_avgs, grads, alpha=1 - beta2)


def build_cases() -> list[Case]:
    import torch

    import mlarsenal.optim as our_optim

    def ours(name, kwargs):
        def build(params, n_jobs):
            return getattr(our_optim, name)(params, **kwargs, n_jobs=n_jobs)

        def call(data, n_jobs):
            return data[0].step("ours", build, n_jobs)

        return call

    def peer(name, kwargs, mode):
        def build(params, n_jobs):
            if name == "Lion":
                return ForeachLion(params, **kwargs)
            return getattr(torch.optim, name)(params, **kwargs, **{mode: True})

        def call(data, n_jobs):
            with _TorchThreads(n_jobs):
                return data[0].step("peer", build, n_jobs)

        return call

    def traffic(reads, writes):
        return lambda rows: rows * BYTES_PER_VALUE * (reads + writes)

    cases = []
    for name, (kwargs, reads, writes) in OPTIMIZERS.items():
        modes = ("fused", "foreach") if name in TORCH_FUSED else ("foreach",)
        for mode in modes:
            peer_name = "torch foreach Lion" if name == "Lion" else f"torch {mode}=True"
            cases.append(
                Case(
                    name=f"{name} ({mode} peer)",
                    make_data=training_step,
                    ours=ours(name, kwargs),
                    peer=peer(name, kwargs, mode),
                    peer_name=peer_name,
                    quality=array_list_agreement,
                    traffic_bytes=traffic(reads, writes),
                )
            )
    return cases


SUITE = Suite(
    name="optim",
    description="mlarsenal.optim vs torch.optim: one step of AdamW, Adam, SGD (momentum), "
    "RMSprop, Adagrad and Lion over 200 float32 tensors",
    peers=(Peer(module="torch", distribution="torch"),),
    default_rows=50_000_000,
    quick_rows=20_000,
    build_cases=build_cases,
    notes="rows = float32 parameters in 200 tensors; each call is one optimizer.step(); the "
    "peer runs with torch.set_num_threads(threads). Peers: torch's fused CPU kernels "
    "(fused=True) and its multi-tensor path (foreach=True, on CPU a loop of one ATen op per "
    "tensor, each a full pass over memory); torch has no Lion, so its peer is the reference "
    "update written with torch._foreach ops. GB/s = the bytes a single fused pass must move "
    "(parameters, gradients and state read once, parameters and state written once) / "
    "median time. The differences are of the parameters after all steps (warm-up and "
    "repeats) on both sides; torch's square root (MKL) is not always correctly rounded, "
    "ours is, so Adam-type optimizers differ by a few ulps.",
)
