// Hyper-parameters of one parameter group, one struct per optimizer.
//
// Plain data shared by the CPU multi-tensor kernels (optimizers.hpp) and the
// per-element update rules (update_rules.hpp, also meant for CUDA). Values are
// doubles exactly as torch.optim holds them in Python; each rule rounds them to
// the parameter dtype the way ATen does. The caller validates them (the Python
// layer applies torch.optim's checks); kernels use them as given.
#pragma once

namespace mlarsenal::optim {

// torch.optim.SGD.
struct SgdOptions {
  double lr = 1e-3;
  double momentum = 0.0;   // 0: no momentum buffer
  double dampening = 0.0;  // ignored on the step that creates the buffer, as in torch
  double weight_decay = 0.0;
  bool nesterov = false;  // requires momentum > 0 and dampening == 0 (checked by the caller)
  bool maximize = false;
};

// torch.optim.Adam / AdamW. The learning rate and bias corrections enter
// through each tensor's step size (AdamTensor), which depends on its own step.
struct AdamOptions {
  double lr = 1e-3;  // used only by decoupled weight decay: param *= 1 - lr * weight_decay
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.0;
  bool decoupled_weight_decay = false;  // true: AdamW
  bool amsgrad = false;
  bool maximize = false;
};

// torch.optim.RMSprop.
struct RmspropOptions {
  double lr = 1e-2;
  double alpha = 0.99;
  double eps = 1e-8;
  double weight_decay = 0.0;
  double momentum = 0.0;  // > 0: uses a momentum buffer
  bool centered = false;  // true: uses a running mean of the gradient
  bool maximize = false;
};

// torch.optim.Adagrad. The learning rate (with lr_decay) enters through each
// tensor's clr (AdagradTensor), which depends on its own step.
struct AdagradOptions {
  double eps = 1e-10;
  double weight_decay = 0.0;
  bool maximize = false;
};

// Lion (Chen et al. 2023, "Symbolic Discovery of Optimization Algorithms"),
// with decoupled weight decay as in the authors' reference implementation.
struct LionOptions {
  double lr = 1e-4;
  double beta1 = 0.9;
  double beta2 = 0.99;
  double weight_decay = 0.0;
  bool maximize = false;
};

}  // namespace mlarsenal::optim
