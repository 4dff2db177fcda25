"""What the optimizers accept and reject, and the errors they raise."""

import subprocess
import sys

import pytest

torch = pytest.importorskip("torch")

import mlarsenal  # noqa: E402
import mlarsenal.optim as mo  # noqa: E402
from mlarsenal import _core  # noqa: E402

NAMES = ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Lion"]


def _param(*shape, dtype=torch.float32):
    p = torch.nn.Parameter(torch.ones(shape, dtype=dtype))
    p.grad = torch.ones(shape, dtype=dtype)
    return p


@pytest.mark.parametrize(
    ("name", "kwargs", "message"),
    [
        ("SGD", {"lr": -0.1}, "Invalid learning rate"),
        ("SGD", {"momentum": -0.5}, "Invalid momentum value"),
        ("SGD", {"weight_decay": -1.0}, "Invalid weight_decay value"),
        ("SGD", {"nesterov": True}, "Nesterov momentum requires"),
        ("SGD", {"nesterov": True, "momentum": 0.9, "dampening": 0.1}, "Nesterov"),
        ("SGD", {"lr": torch.tensor([0.1, 0.2])}, "Tensor lr must be 1-element"),
        ("Adam", {"lr": -1e-3}, "Invalid learning rate"),
        ("Adam", {"eps": -1e-8}, "Invalid epsilon value"),
        ("Adam", {"betas": (1.0, 0.999)}, "Invalid beta parameter at index 0"),
        ("Adam", {"betas": (0.9, 1.0)}, "Invalid beta parameter at index 1"),
        ("Adam", {"betas": (-0.1, 0.999)}, "Invalid beta parameter at index 0"),
        ("Adam", {"weight_decay": -0.1}, "Invalid weight_decay value"),
        ("AdamW", {"betas": (0.9, 1.5)}, "Invalid beta parameter at index 1"),
        ("RMSprop", {"alpha": -0.1}, "Invalid alpha value"),
        ("RMSprop", {"momentum": -0.1}, "Invalid momentum value"),
        ("RMSprop", {"eps": -1.0}, "Invalid epsilon value"),
        ("Adagrad", {"lr_decay": -0.1}, "Invalid lr_decay value"),
        ("Adagrad", {"initial_accumulator_value": -1.0}, "Invalid initial_accumulator_value"),
        ("Adagrad", {"eps": -1.0}, "Invalid epsilon value"),
    ],
)
def test_bad_hyper_parameters_raise_like_torch(name, kwargs, message):
    with pytest.raises(ValueError, match=message):
        getattr(mo, name)([_param(2)], **kwargs)
    if name != "Lion":
        with pytest.raises(ValueError, match=message):
            getattr(torch.optim, name)([_param(2)], **kwargs)


@pytest.mark.parametrize("name", NAMES)
def test_foreach_and_fused_are_accepted_and_ignored(name):
    kwargs = {"foreach": True} if name == "RMSprop" else {"foreach": False, "fused": True}
    p, q = _param(4), _param(4)
    getattr(mo, name)([p], lr=0.1, **kwargs).step()
    getattr(mo, name)([q], lr=0.1).step()
    assert torch.equal(p, q)


@pytest.mark.parametrize("option", ["capturable", "differentiable"])
def test_capturable_and_differentiable_are_rejected(option):
    with pytest.raises(ValueError, match=f"{option}=True"):
        mo.Adam([_param(2)], **{option: True})
    mo.Adam([_param(2)], **{option: False})


@pytest.mark.parametrize("name", NAMES)
def test_sparse_gradients_are_rejected(name):
    p = torch.nn.Parameter(torch.ones(4, 3))
    p.grad = torch.sparse_coo_tensor([[0, 2]], torch.ones(2, 3), (4, 3), check_invariants=True)
    with pytest.raises(RuntimeError, match=f"{name} does not support sparse gradients"):
        getattr(mo, name)([p]).step()


@pytest.mark.parametrize("dtype", [torch.complex64, torch.complex128])
def test_complex_parameters_are_rejected(dtype):
    with pytest.raises(TypeError, match="complex parameters are not supported"):
        mo.Adam([_param(3, dtype=dtype)]).step()


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16])
def test_reduced_precision_parameters_are_rejected(dtype):
    with pytest.raises(TypeError, match="must be float32 or float64"):
        mo.AdamW([_param(3, dtype=dtype)]).step()


def test_gradient_that_does_not_match_its_parameter():
    p = torch.nn.Parameter(torch.ones(3))
    if not hasattr(p, "grad_dtype"):
        pytest.skip("this torch refuses a gradient of another dtype itself")
    p.grad_dtype = None  # torch >= 2.9 allows such a gradient only when told to
    p.grad = torch.ones(3, dtype=torch.float64)
    with pytest.raises(ValueError, match="does not match its parameter"):
        mo.SGD([p]).step()


def test_state_that_does_not_match_its_parameter():
    p = _param(3)
    optimizer = mo.Adam([p])
    optimizer.step()
    optimizer.state[p]["exp_avg"] = torch.zeros(4)
    with pytest.raises(ValueError, match=r"state\['exp_avg'\]"):
        optimizer.step()


def test_gradient_sharing_memory_with_its_parameter_is_refused():
    p = torch.nn.Parameter(torch.ones(3))
    p.grad = p.data
    with pytest.raises(ValueError, match="share memory"):
        mo.Adam([p]).step()


@pytest.mark.parametrize("n_jobs", [0, 1.5, "2"])
def test_bad_n_jobs(n_jobs):
    with pytest.raises((ValueError, TypeError), match="n_jobs"):
        mo.SGD([_param(2)], n_jobs=n_jobs)


def test_empty_groups_and_empty_tensors_are_fine():
    optimizer = mo.Adam([{"params": []}, {"params": [_param(0)]}])
    optimizer.step()
    optimizer.step()


def test_a_step_bumps_the_version_counter_so_autograd_detects_stale_graphs():
    w = torch.nn.Parameter(torch.tensor([1.0, 2.0]))
    loss = (w * w).sum()  # saves w for backward
    w.grad = torch.ones(2)
    mo.SGD([w], lr=0.1).step()
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        loss.backward()


def test_kernel_bindings_check_what_they_can():
    a = torch.zeros(4)
    with pytest.raises(ValueError, match="one per tensor"):
        _core.optim.lion_step(
            dtype="float32", numel=[4], params=[a.data_ptr()], grads=[], exp_avgs=[],
            lr=0.1, beta1=0.9, beta2=0.99, weight_decay=0.0, maximize=False, n_threads=1,
        )  # fmt: skip
    with pytest.raises(TypeError, match="float32 and float64"):
        _core.optim.lion_step(
            dtype="float16", numel=[], params=[], grads=[], exp_avgs=[],
            lr=0.1, beta1=0.9, beta2=0.99, weight_decay=0.0, maximize=False, n_threads=1,
        )  # fmt: skip
    with pytest.raises(ValueError, match="is null"):
        _core.optim.lion_step(
            dtype="float32", numel=[4], params=[a.data_ptr()], grads=[0], exp_avgs=[0],
            lr=0.1, beta1=0.9, beta2=0.99, weight_decay=0.0, maximize=False, n_threads=1,
        )  # fmt: skip


def test_optim_resolves_lazily_from_the_top_level_package():
    assert "optim" in dir(mlarsenal)
    assert mlarsenal.optim is mo


def test_missing_torch_error_names_the_extra():
    script = (
        "import sys\n"
        "sys.modules['torch'] = None  # as if torch were not installed\n"
        "import mlarsenal\n"
        "try:\n"
        "    mlarsenal.optim\n"
        "except ImportError as exc:\n"
        "    print(type(exc).__name__, exc)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.startswith("MissingOptionalDependency")
    assert "pip install 'mlarsenal[torch]'" in out.stdout
    assert "mlarsenal.optim" in out.stdout
