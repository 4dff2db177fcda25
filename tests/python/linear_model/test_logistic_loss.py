"""The fused native logistic loss: finite differences, scikit-learn's loss, threads."""

import numpy as np
import pytest
from scipy.special import log_softmax
from simd_levels import outputs_per_level

from mlarsenal.linear_model._logistic_solver import loss_gradient


def reference(X, y, w, coef, n_classes, fit_intercept, scale, l2):
    """Slow, obviously-correct NumPy version of the objective and gradient."""
    n, d = X.shape
    per = d + int(fit_intercept)
    W = coef.reshape(-1, per)
    b = W[:, d] if fit_intercept else np.zeros(W.shape[0])
    Z = X.astype(np.float64) @ W[:, :d].T + b
    s = np.ones(n) if w is None else w
    if n_classes == 2:
        z = Z[:, 0]
        loss = np.logaddexp(0.0, z) - y * z
        R = (1 / (1 + np.exp(-z)) - y)[:, None]
    else:
        logp = log_softmax(Z, axis=1)
        loss = -logp[np.arange(n), y]
        R = np.exp(logp)
        R[np.arange(n), y] -= 1.0
    R = R * s[:, None]
    G = R.T @ X.astype(np.float64)
    if fit_intercept:
        G = np.hstack([G, R.sum(axis=0)[:, None]])
    G = scale * G
    G[:, :d] += l2 * W[:, :d]
    value = scale * (s @ loss) + 0.5 * l2 * np.sum(W[:, :d] ** 2)
    return value, G.ravel()


def problem(rng, n, d, n_classes, fit_intercept, weighted, dtype=np.float64):
    X = rng.normal(size=(n, d)).astype(dtype)
    y = rng.integers(0, n_classes, size=n).astype(np.int32)
    w = rng.uniform(0.2, 3.0, size=n) if weighted else None
    per = d + int(fit_intercept)
    coef = rng.normal(size=per if n_classes == 2 else n_classes * per) * 0.3
    scale = 1.0 / (n if w is None else w.sum())
    kw = dict(n_classes=n_classes, fit_intercept=fit_intercept, scale=scale, l2=0.7 * scale)
    return X, y, w, coef, kw


@pytest.mark.parametrize("n_classes", [2, 3, 5])
@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [True, False])
def test_matches_numpy_reference(rng, n_classes, fit_intercept, weighted):
    X, y, w, coef, kw = problem(rng, 1000, 7, n_classes, fit_intercept, weighted)
    value, grad = loss_gradient(X, y, w, coef, n_threads=2, **kw)
    ref_value, ref_grad = reference(X, y, w, coef, **kw)
    np.testing.assert_allclose(value, ref_value, rtol=1e-12)
    np.testing.assert_allclose(grad, ref_grad, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("n_classes", [2, 4])
def test_gradient_matches_finite_differences(rng, n_classes):
    X, y, w, coef, kw = problem(rng, 200, 5, n_classes, True, True)
    _, grad = loss_gradient(X, y, w, coef, n_threads=1, **kw)
    h = 1e-6
    numeric = np.empty_like(coef)
    for p in range(coef.size):
        step = np.zeros_like(coef)
        step[p] = h
        up = loss_gradient(X, y, w, coef + step, n_threads=1, **kw)[0]
        down = loss_gradient(X, y, w, coef - step, n_threads=1, **kw)[0]
        numeric[p] = (up - down) / (2 * h)
    np.testing.assert_allclose(grad, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_matches_scikit_learn_linear_model_loss(rng, n_classes):
    from sklearn._loss.loss import HalfBinomialLoss, HalfMultinomialLoss
    from sklearn.linear_model._linear_loss import LinearModelLoss

    X, y, w, coef, kw = problem(rng, 500, 6, n_classes, True, True)
    base = HalfBinomialLoss() if n_classes == 2 else HalfMultinomialLoss(n_classes=n_classes)
    sk = LinearModelLoss(base_loss=base, fit_intercept=True)
    # scikit-learn lays multinomial coefficients out class-fastest (order="F").
    sk_coef = coef if n_classes == 2 else coef.reshape(n_classes, -1).ravel(order="F")
    sk_value, sk_grad = sk.loss_gradient(
        sk_coef, X, y.astype(float), w / w.sum(), l2_reg_strength=kw["l2"]
    )
    value, grad = loss_gradient(X, y, w, coef, n_threads=2, **kw)
    if n_classes != 2:
        sk_grad = sk_grad.reshape(n_classes, -1) if sk_grad.ndim == 2 else sk_grad
        sk_grad = np.asarray(sk_grad).reshape(-1, n_classes).T.ravel()
    np.testing.assert_allclose(value, sk_value, rtol=1e-12)
    np.testing.assert_allclose(grad, sk_grad, rtol=1e-9, atol=1e-13)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_identical_for_any_thread_count(rng, n_classes):
    # Many blocks (about 330 rows each for 100 float64 columns), and enough
    # work (2^20 multiply-adds per thread) for every requested thread to run.
    X, y, w, coef, kw = problem(rng, 75_000, 100, n_classes, True, True)
    value1, grad1 = loss_gradient(X, y, w, coef, n_threads=1, **kw)
    for threads in (2, 3, 7):
        value, grad = loss_gradient(X, y, w, coef, n_threads=threads, **kw)
        assert value == value1
        np.testing.assert_array_equal(grad, grad1)


def test_float32_and_strided_rows(rng):
    X, y, w, coef, kw = problem(rng, 800, 9, 3, True, False)
    ref = loss_gradient(X, y, w, coef, n_threads=2, **kw)
    X32 = X.astype(np.float32)
    value32, grad32 = loss_gradient(X32, y, w, coef, n_threads=2, **kw)
    np.testing.assert_allclose(value32, ref[0], rtol=1e-6)
    np.testing.assert_allclose(grad32, ref[1], rtol=1e-5, atol=1e-7)
    wide = np.zeros((800, 20))
    wide[:, :9] = X
    strided = wide[:, :9]  # rows contiguous, row stride 20
    value, grad = loss_gradient(strided, y, w, coef, n_threads=2, **kw)
    assert value == ref[0]
    np.testing.assert_array_equal(grad, ref[1])


def test_extreme_margins_stay_finite(rng):
    X = np.array([[1e3], [-1e3], [1e3]])
    y = np.array([0, 1, 1], dtype=np.int32)
    for n_classes in (2, 3):
        per = 2
        coef = np.ones(per if n_classes == 2 else n_classes * per)
        if n_classes == 3:
            coef[::2] = [5.0, -5.0, 0.0]
        value, grad = loss_gradient(
            X, y, None, coef, n_classes=n_classes, fit_intercept=True, scale=1.0, l2=0.0,
            n_threads=1,
        )  # fmt: skip
        assert np.isfinite(value) and np.isfinite(grad).all()


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"y": np.array([0, 2, 1], dtype=np.int32)}, r"class code 2 at row 1"),
        ({"n_classes": 1}, "n_classes must be >= 2"),
        ({"w": np.array([1.0, -1.0, 1.0])}, "sample_weight must be non-negative"),
        ({"coef": np.zeros(5)}, "coef must have 3 entries"),
        ({"X": np.ones((3, 4))[:, ::2]}, "contiguous"),
    ],
)
def test_kernel_rejects_bad_input(change, match):
    args = {
        "X": np.ones((3, 2)),
        "y": np.array([0, 1, 1], dtype=np.int32),
        "w": None,
        "coef": np.zeros(3),
        "n_classes": 2,
    }
    args.update(change)
    with pytest.raises(ValueError, match=match):
        loss_gradient(
            args["X"], args["y"], args["w"], args["coef"], n_classes=args["n_classes"],
            fit_intercept=True, scale=1.0, l2=0.0, n_threads=1,
        )  # fmt: skip


_SIMD_SCRIPT = """
import numpy as np
from mlarsenal.linear_model._logistic_solver import loss_gradient
rng = np.random.default_rng(5)
X = rng.normal(size=(700, 37))
y = rng.integers(0, 3, size=700).astype(np.int32)
coef = rng.normal(size=3 * 38)
value, grad = loss_gradient(X, y, None, coef, n_classes=3, fit_intercept=True, scale=1e-3,
                            l2=1e-3, n_threads=2)
print(repr(float(value)), grad.tobytes().hex())
"""


def test_identical_on_every_instruction_set():
    assert len(set(outputs_per_level(_SIMD_SCRIPT).values())) == 1


def test_kernel_rejects_wrong_dtypes():
    X = np.ones((3, 2))
    with_int64_codes = np.array([0, 1, 1], dtype=np.int64)
    with pytest.raises(TypeError, match="expected dtype"):
        loss_gradient(
            X, with_int64_codes, None, np.zeros(3), n_classes=2, fit_intercept=True, scale=1.0,
            l2=0.0, n_threads=1,
        )  # fmt: skip
    with pytest.raises(TypeError, match="expected dtype"):
        loss_gradient(
            X.astype(np.int64), with_int64_codes.astype(np.int32), None, np.zeros(3), n_classes=2,
            fit_intercept=True, scale=1.0, l2=0.0, n_threads=1,
        )  # fmt: skip
