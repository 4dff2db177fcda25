// The curvature memory of the L-BFGS family (private to cpp/src/linear):
// the two-loop recursion shared by minimize_lbfgs and minimize_owlqn.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "mlarsenal/common/errors.hpp"
#include "mlarsenal/linear/lbfgs.hpp"

namespace mlarsenal::linear::detail {

constexpr double kEps = std::numeric_limits<double>::epsilon();

inline double dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (std::size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

// Curvature pairs (s, y) in a ring buffer, oldest first.
class Memory {
 public:
  Memory(std::int64_t capacity, std::int64_t n)
      : capacity_(capacity),
        s_(capacity, std::vector<double>(n)),
        y_(capacity, std::vector<double>(n)),
        rho_(capacity),
        alpha_(capacity) {}

  void clear() { size_ = 0; }
  bool empty() const { return size_ == 0; }

  void push(const std::vector<double>& s, const std::vector<double>& y, double sy) {
    const std::int64_t slot = (start_ + size_) % capacity_;
    s_[slot] = s;
    y_[slot] = y;
    rho_[slot] = 1.0 / sy;
    if (size_ < capacity_) {
      ++size_;
    } else {
      start_ = (start_ + 1) % capacity_;
    }
  }

  // d = -H g over the free variables (free[i] != 0); fixed entries of d are 0.
  void direction(const std::vector<double>& g, const std::vector<char>& free,
                 std::vector<double>& d) {
    const std::size_t n = g.size();
    for (std::size_t i = 0; i < n; ++i) d[i] = free[i] ? g[i] : 0.0;
    for (std::int64_t k = size_ - 1; k >= 0; --k) {
      const std::int64_t slot = (start_ + k) % capacity_;
      const double a = rho_[slot] * masked_dot(s_[slot], d, free);
      alpha_[slot] = a;
      for (std::size_t i = 0; i < n; ++i)
        if (free[i]) d[i] -= a * y_[slot][i];
    }
    if (size_ > 0) {
      // Initial inverse Hessian gamma * I with gamma = s.y / y.y of the newest pair.
      const std::int64_t last = (start_ + size_ - 1) % capacity_;
      const double gamma = 1.0 / (rho_[last] * dot(y_[last], y_[last]));
      for (std::size_t i = 0; i < n; ++i) d[i] *= gamma;
    }
    for (std::int64_t k = 0; k < size_; ++k) {
      const std::int64_t slot = (start_ + k) % capacity_;
      const double b = rho_[slot] * masked_dot(y_[slot], d, free);
      for (std::size_t i = 0; i < n; ++i)
        if (free[i]) d[i] += (alpha_[slot] - b) * s_[slot][i];
    }
    for (std::size_t i = 0; i < n; ++i) d[i] = free[i] ? -d[i] : 0.0;
  }

 private:
  static double masked_dot(const std::vector<double>& a, const std::vector<double>& b,
                           const std::vector<char>& free) {
    double s = 0.0;
    for (std::size_t i = 0; i < a.size(); ++i)
      if (free[i]) s += a[i] * b[i];
    return s;
  }

  std::int64_t capacity_;
  std::int64_t start_ = 0;
  std::int64_t size_ = 0;
  std::vector<std::vector<double>> s_, y_;
  std::vector<double> rho_, alpha_;
};

inline void check_options(const LbfgsOptions& o) {
  require(o.maxcor >= 1, "maxcor must be >= 1, got " + std::to_string(o.maxcor));
  require(o.maxiter >= 0, "maxiter must be >= 0, got " + std::to_string(o.maxiter));
  require(o.maxfun >= 1, "maxfun must be >= 1, got " + std::to_string(o.maxfun));
  require(o.maxls >= 1, "maxls must be >= 1, got " + std::to_string(o.maxls));
  require(o.ftol >= 0.0, "ftol must be >= 0");
  require(o.gtol >= 0.0, "gtol must be >= 0");
}

}  // namespace mlarsenal::linear::detail
