"""Fused first-order optimizers for PyTorch: one native multi-tensor kernel per step.

Drop-in replacements for ``torch.optim.SGD``, ``Adam``, ``AdamW``, ``RMSprop`` and
``Adagrad`` (same parameters, state keys and results), plus ``Lion``. Each ``step()`` updates
all float32/float64 CPU or CUDA tensors of a parameter group in one multithreaded pass over params,
grads and state, with the GIL released. Needs PyTorch (``pip install 'mlarsenal[torch]'``);
``import mlarsenal`` alone never imports it.

>>> import torch
>>> from mlarsenal.optim import AdamW
>>> w = torch.nn.Parameter(torch.ones(3))
>>> opt = AdamW([w], lr=0.1)
>>> w.grad = torch.tensor([1.0, -1.0, 0.0])
>>> opt.step()
>>> w.detach()
tensor([0.8990, 1.0990, 0.9990])
"""

from mlarsenal._optional import import_optional

import_optional("torch", extra="torch", purpose="mlarsenal.optim")

from mlarsenal.optim._adagrad import Adagrad  # noqa: E402
from mlarsenal.optim._adam import Adam, AdamW  # noqa: E402
from mlarsenal.optim._base import FusedOptimizer  # noqa: E402
from mlarsenal.optim._lion import Lion  # noqa: E402
from mlarsenal.optim._rmsprop import RMSprop  # noqa: E402
from mlarsenal.optim._sgd import SGD  # noqa: E402

__all__ = ["SGD", "Adagrad", "Adam", "AdamW", "FusedOptimizer", "Lion", "RMSprop"]
