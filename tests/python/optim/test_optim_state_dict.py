"""state_dict / load_state_dict, interchangeable with torch.optim's, and pickling."""

import copy
import io
import pickle

import pytest

torch = pytest.importorskip("torch")

from optim_parity import (  # noqa: E402
    assert_same_state,
    clone_params,
    make_params,
    run_steps,
    set_grads,
    tolerances,
)

import mlarsenal.optim as mo  # noqa: E402

CONFIGS = [
    ("SGD", {"lr": 0.05, "momentum": 0.9, "nesterov": True}),
    ("Adam", {"lr": 0.01, "amsgrad": True}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "centered": True, "momentum": 0.3}),
    ("Adagrad", {"lr": 0.1, "initial_accumulator_value": 0.1}),
]
IDS = [name for name, _ in CONFIGS]
SHAPES = ((6,), (2, 3), (0,))


def _roundtrip(state_dict):
    """Through torch.save/torch.load, as a checkpoint would travel."""
    buffer = io.BytesIO()
    torch.save(state_dict, buffer)
    buffer.seek(0)
    return torch.load(buffer)


@pytest.mark.parametrize("direction", ["ours-to-torch", "torch-to-ours"])
@pytest.mark.parametrize(("name", "kwargs"), CONFIGS, ids=IDS)
def test_state_moves_between_mlarsenal_and_torch(name, kwargs, direction):
    init = make_params(torch.float32, shapes=SHAPES)
    source_cls, target_cls = getattr(mo, name), getattr(torch.optim, name)
    if direction == "torch-to-ours":
        source_cls, target_cls = target_cls, source_cls

    # 10 steps on the source, save; load into a fresh target and continue 10 steps; compare
    # with 20 uninterrupted steps of torch.
    p_source = clone_params(init)
    source = source_cls(p_source, **kwargs)
    run_steps(source, p_source, 10)
    saved = _roundtrip(source.state_dict())

    p_target = [torch.nn.Parameter(p.detach().clone()) for p in p_source]
    target = target_cls(p_target, **kwargs)
    target.load_state_dict(saved)
    for step in range(10, 20):
        set_grads(p_target, step)
        target.step()

    p_torch = clone_params(init)
    uninterrupted = getattr(torch.optim, name)(p_torch, **kwargs)
    run_steps(uninterrupted, p_torch, 20)
    assert_same_state(target, uninterrupted, p_target, p_torch, **tolerances(torch.float32, False))


@pytest.mark.parametrize(("name", "kwargs"), CONFIGS, ids=IDS)
def test_state_dict_has_torchs_layout(name, kwargs):
    init = make_params(torch.float64, shapes=SHAPES)
    p_ours, p_torch = clone_params(init), clone_params(init)
    ours, theirs = (
        getattr(mo, name)(p_ours, **kwargs),
        getattr(torch.optim, name)(p_torch, **kwargs),
    )
    run_steps(ours, p_ours, 2)
    run_steps(theirs, p_torch, 2)
    mine, reference = ours.state_dict(), theirs.state_dict()
    assert mine["state"].keys() == reference["state"].keys()
    for index, state in reference["state"].items():
        assert mine["state"][index].keys() == state.keys()
        if "step" in state:
            assert mine["state"][index]["step"].dtype == state["step"].dtype
            assert mine["state"][index]["step"].shape == ()
    for group, torch_group in zip(mine["param_groups"], reference["param_groups"], strict=True):
        for key, value in group.items():
            assert torch_group[key] == value, key


def test_sgd_without_momentum_keeps_no_state_like_torch():
    params = [torch.nn.Parameter(torch.ones(3))]
    optimizer = mo.SGD(params, lr=0.1)
    run_steps(optimizer, params, 2)
    assert optimizer.state_dict()["state"] == {}


def test_parameters_without_gradients_get_no_state():
    used, unused = torch.nn.Parameter(torch.ones(3)), torch.nn.Parameter(torch.ones(3))
    optimizer = mo.Adam([used, unused])
    used.grad = torch.ones(3)
    optimizer.step()
    assert unused not in optimizer.state
    assert torch.equal(unused.detach(), torch.ones(3))
    assert float(optimizer.state[used]["step"]) == 1.0


def test_n_jobs_survives_pickle_and_deepcopy_but_is_not_optimizer_state():
    params = [torch.nn.Parameter(torch.ones(3))]
    optimizer = mo.AdamW(params, n_jobs=1)
    run_steps(optimizer, params, 1)
    assert "n_jobs" not in str(optimizer.state_dict()["param_groups"])
    optimizer.load_state_dict(mo.AdamW(params, n_jobs=3).state_dict())
    assert optimizer.n_jobs == 1
    for clone in (copy.deepcopy(optimizer), pickle.loads(pickle.dumps(optimizer))):
        assert clone.n_jobs == 1
        assert type(clone) is mo.AdamW
        run_steps(clone, clone.param_groups[0]["params"], 1)


def test_adamw_keeps_decoupled_weight_decay_when_loading_adam_state():
    params = [torch.nn.Parameter(torch.ones(3))]
    adam = torch.optim.Adam(params)
    adamw = mo.AdamW(params)
    adamw.load_state_dict(adam.state_dict())
    assert adamw.param_groups[0]["decoupled_weight_decay"] is True


def test_step_hooks_run():
    params = [torch.nn.Parameter(torch.ones(3))]
    optimizer = mo.SGD(params, lr=0.1)
    calls = []
    optimizer.register_step_pre_hook(lambda opt, args, kwargs: calls.append("pre"))
    optimizer.register_step_post_hook(lambda opt, args, kwargs: calls.append("post"))
    run_steps(optimizer, params, 1)
    assert calls == ["pre", "post"]
