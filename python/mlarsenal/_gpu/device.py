"""The ``device=`` parameter: "cpu", "cuda" or "auto", and how "auto" decides.

Rule for "auto": the GPU runs the call when this build has the CUDA module,
a GPU is usable, the call is one the GPU kernels support, and an input
already lives on the GPU. Host (numpy) inputs stay on the CPU engine under
"auto" until the GPU kernels' results have been checked on GPU hardware
(``AUTO_MOVES_HOST_INPUTS``); then host inputs whose work reaches the area's
threshold (large enough that copying them to the GPU pays off) go to the GPU
too. Otherwise the CPU engine runs the call (GPU inputs are then copied to
the host).

"cuda" never falls back: without the module, without a GPU, or for an
unsupported call it raises, naming ``device``.
"""

from __future__ import annotations

from mlarsenal._cuda_support import cuda_available, cuda_module

DEVICES = ("cpu", "cuda", "auto")
# Off until `benchmarks/gpu.sh` has passed on a GPU: "auto" must not route a
# numpy caller to kernels whose results have not been compared with the CPU
# engine on hardware. device="cuda" asks for them explicitly.
AUTO_MOVES_HOST_INPUTS = False


def check_device(device) -> str:
    if device not in DEVICES:
        raise ValueError(f"device must be 'cpu', 'cuda' or 'auto', got {device!r}")
    return device


def cuda_unusable_reason() -> str | None:
    """Why device='cuda' cannot run here, or None when it can."""
    module = cuda_module()
    if module is None:
        return (
            "this build of mlarsenal has no CUDA module (_cuda); reinstall from source on a "
            "machine with nvcc (MLARSENAL_CUDA=ON), see docs/user_guide/gpu.md"
        )
    if not cuda_available():
        status = module.runtime_status()
        detail = f": {status['error']}" if status.get("error") else ""
        return f"no usable NVIDIA GPU was found{detail}"
    return None


def resolve_device(
    device,
    *,
    on_gpu: bool,
    work=0.0,
    threshold: float = float("inf"),
    unsupported: str | None = None,
) -> str:
    """'cpu' or 'cuda' for one call (see the module docstring).

    work: the call's work (or a function returning it, evaluated only when
    "auto" needs it). unsupported: why the GPU kernels cannot run this call (a
    metric, a dtype...), or None when they can.
    """
    device = check_device(device)
    if device == "cpu":
        return "cpu"
    if device == "cuda":
        reason = cuda_unusable_reason()
        if reason is not None:
            raise RuntimeError(f"device='cuda' was requested, but {reason}")
        if unsupported is not None:
            raise ValueError(f"device='cuda' does not support {unsupported}; use device='cpu'")
        return "cuda"
    if unsupported is not None or not cuda_available():
        return "cpu"
    if on_gpu:
        return "cuda"
    if not AUTO_MOVES_HOST_INPUTS:
        return "cpu"
    return "cuda" if (work() if callable(work) else work) >= threshold else "cpu"
