"""mlarsenal.optim against torch.optim: 100 steps, same hyper-parameters, float32 and float64.

SGD must match bit for bit. Adam, AdamW, RMSprop and Adagrad take a square root, which torch's
CPU build computes with MKL (one ulp off in ~0.6% of elements) and mlarsenal rounds correctly,
so they must agree to a few ulps.
"""

import pytest

torch = pytest.importorskip("torch")

from optim_parity import (  # noqa: E402
    assert_same_state,
    clone_params,
    make_params,
    run_steps,
    tolerances,
)

import mlarsenal.optim as mo  # noqa: E402

DTYPES = [torch.float32, torch.float64]

# (name, hyper-parameters) for each optimizer; every option is exercised at least once.
CONFIGS = [
    ("SGD", {"lr": 0.05}),
    ("SGD", {"lr": 0.05, "weight_decay": 0.1}),
    ("SGD", {"lr": 0.05, "momentum": 0.9}),
    ("SGD", {"lr": 0.05, "momentum": 0.9, "dampening": 0.3, "weight_decay": 0.01}),
    ("SGD", {"lr": 0.05, "momentum": 0.8, "nesterov": True, "maximize": True}),
    ("Adam", {"lr": 0.01}),
    ("Adam", {"lr": 0.01, "betas": (0.6, 0.95), "eps": 1e-6, "weight_decay": 0.1}),
    ("Adam", {"lr": 0.01, "amsgrad": True, "maximize": True}),
    ("Adam", {"lr": 0.01, "weight_decay": 0.1, "decoupled_weight_decay": True}),
    ("AdamW", {"lr": 0.01}),
    ("AdamW", {"lr": 0.01, "weight_decay": 0.3, "amsgrad": True}),
    ("AdamW", {"lr": 0.01, "betas": (0.0, 0.5), "maximize": True}),
    ("RMSprop", {"lr": 0.01}),
    ("RMSprop", {"lr": 0.01, "alpha": 0.5, "eps": 1e-4, "weight_decay": 0.1}),
    ("RMSprop", {"lr": 0.01, "momentum": 0.9}),
    ("RMSprop", {"lr": 0.01, "centered": True}),
    ("RMSprop", {"lr": 0.001, "centered": True, "momentum": 0.5, "maximize": True}),
    ("Adagrad", {"lr": 0.1}),
    ("Adagrad", {"lr": 0.1, "lr_decay": 0.01, "initial_accumulator_value": 0.5}),
    ("Adagrad", {"lr": 0.1, "weight_decay": 0.1, "eps": 1e-3, "maximize": True}),
]


def _config_id(config):
    name, kwargs = config
    return name + "-" + "-".join(f"{k}={v}" for k, v in kwargs.items())


def _pair(name, kwargs, init, **ours_kwargs):
    ours_params, torch_params = clone_params(init), clone_params(init)
    ours = getattr(mo, name)(ours_params, **kwargs, **ours_kwargs)
    theirs = getattr(torch.optim, name)(torch_params, **kwargs)
    return ours, theirs, ours_params, torch_params


@pytest.mark.parametrize("dtype", DTYPES, ids=str)
@pytest.mark.parametrize("config", CONFIGS, ids=_config_id)
def test_100_steps_match_torch(config, dtype):
    name, kwargs = config
    ours, theirs, p_ours, p_theirs = _pair(name, kwargs, make_params(dtype))
    # Every third step some parameters have no gradient: both must skip them alike.
    run_steps(ours, p_ours, 100, skip_every=3)
    run_steps(theirs, p_theirs, 100, skip_every=3)
    assert_same_state(ours, theirs, p_ours, p_theirs, **tolerances(dtype, name == "SGD"))


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_defaults_match_torch(name):
    init = make_params(torch.float32, shapes=((5, 4), (9,)))
    ours, theirs, p_ours, p_theirs = _pair(name, {}, init)
    assert ours.defaults.items() <= theirs.defaults.items()
    run_steps(ours, p_ours, 5)
    run_steps(theirs, p_theirs, 5)
    assert_same_state(ours, theirs, p_ours, p_theirs, **tolerances(torch.float32, name == "SGD"))


def test_param_groups_with_their_own_hyper_parameters_and_a_scheduler():
    init = make_params(torch.float64, shapes=((40,), (3, 3), (1_000,)))

    def build(module, params):
        groups = [
            {"params": params[:2]},
            {"params": params[2:], "lr": 0.03, "weight_decay": 0.2, "amsgrad": True},
        ]
        optimizer = module.AdamW(groups, lr=0.01, betas=(0.8, 0.9))
        scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=7, gamma=0.5)
        return optimizer, scheduler

    p_ours, p_theirs = clone_params(init), clone_params(init)
    ours, ours_scheduler = build(mo, p_ours)
    theirs, theirs_scheduler = build(torch.optim, p_theirs)
    run_steps(ours, p_ours, 30, scheduler=ours_scheduler)
    run_steps(theirs, p_theirs, 30, scheduler=theirs_scheduler)
    assert ours.param_groups[1]["lr"] == theirs.param_groups[1]["lr"] == 0.03 * 0.5**4
    assert_same_state(ours, theirs, p_ours, p_theirs, **tolerances(torch.float64, False))


@pytest.mark.parametrize(
    "scheduler",
    [
        lambda opt: torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=10),
        lambda opt: torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=0.1, total_steps=20),
        lambda opt: torch.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 1 / (1 + epoch)),
    ],
    ids=["cosine", "one-cycle", "lambda"],
)
def test_learning_rate_schedulers_drive_the_kernel(scheduler):
    init = make_params(torch.float32, shapes=((20,), (4, 4)))
    p_ours, p_theirs = clone_params(init), clone_params(init)
    ours = mo.SGD(p_ours, lr=0.05, momentum=0.9)
    theirs = torch.optim.SGD(p_theirs, lr=0.05, momentum=0.9)
    run_steps(ours, p_ours, 20, scheduler=scheduler(ours))
    run_steps(theirs, p_theirs, 20, scheduler=scheduler(theirs))
    assert_same_state(ours, theirs, p_ours, p_theirs, **tolerances(torch.float32, True))


def test_tensor_learning_rate_and_betas_are_accepted():
    init = make_params(torch.float32, shapes=((10,),))
    p_ours, p_theirs = clone_params(init), clone_params(init)
    ours = mo.Adam(p_ours, lr=torch.tensor(0.01), betas=(torch.tensor(0.9), torch.tensor(0.99)))
    theirs = torch.optim.Adam(p_theirs, lr=0.01, betas=(0.9, 0.99))
    run_steps(ours, p_ours, 10)
    run_steps(theirs, p_theirs, 10)
    assert_same_state(ours, theirs, p_ours, p_theirs, **tolerances(torch.float32, False))


def test_closure_is_evaluated_with_grad_enabled_and_its_loss_returned():
    w = torch.nn.Parameter(torch.tensor([2.0, -1.0]))
    optimizer = mo.SGD([w], lr=0.1)

    def closure():
        optimizer.zero_grad()
        loss = (w**2).sum()
        loss.backward()
        return loss

    assert optimizer.step(closure).item() == 5.0
    torch.testing.assert_close(w.detach(), torch.tensor([1.6, -0.8]))
