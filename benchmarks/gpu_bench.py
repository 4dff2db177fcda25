"""GPU benchmarks: mlarsenal's CUDA kernels vs the same work written in PyTorch.

A standalone module (not a suite of benchmarks/suites/): the harness times
host calls with ``n_jobs``, while GPU work is asynchronous and must be timed
with CUDA events around synchronised calls. Every figure is the median of
``--repeats`` timed runs after a warm-up run, on data already on the GPU.

    python -m benchmarks.gpu_bench --out DIR [--quick]

writes ``DIR/gpu_bench.json`` (device name, memory, measured copy bandwidth,
one record per case with times, rates, goals and quality) and prints a table.
Run by benchmarks/gpu.sh; needs torch with CUDA and a CUDA build of mlarsenal.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

import numpy as np


def timed(torch, fn, repeats: int) -> float:
    """Median milliseconds of fn() between CUDA events, after one warm-up run."""
    fn()
    torch.cuda.synchronize()
    times = []
    for _ in range(repeats):
        start, end = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
        start.record()
        fn()
        end.record()
        torch.cuda.synchronize()
        times.append(start.elapsed_time(end))
    return statistics.median(times)


def copy_bandwidth(torch) -> float:
    """Measured device-to-device copy bandwidth in GB/s (read + write), the reference
    for the bandwidth fractions below."""
    a = torch.empty(1 << 28, dtype=torch.float32, device="cuda")  # 1 GiB
    b = torch.empty_like(a)
    ms = timed(torch, lambda: b.copy_(a), 10)
    return 2 * a.numel() * 4 / (ms * 1e-3) / 1e9


# ---------------------------------------------------------------- kNN
def bench_knn(torch, rows: int, queries: int, repeats: int) -> dict:
    from mlarsenal.neighbors import NearestNeighbors

    torch.backends.cuda.matmul.allow_tf32 = False  # exact float32 for the peer too
    gen = torch.Generator(device="cuda").manual_seed(0)
    xb = torch.randn(rows, 128, device="cuda", generator=gen)
    q = torch.randn(queries, 128, device="cuda", generator=gen)
    k = 10
    index = NearestNeighbors(n_neighbors=k, device="cuda").fit(xb)
    ours_ms = timed(torch, lambda: index.kneighbors(q, return_distance=False), repeats)
    ours = index.kneighbors(q, return_distance=False)

    xb_norms = (xb * xb).sum(1)

    def peer():
        out = []
        for chunk in q.split(1024):
            scores = xb_norms[None, :] - 2.0 * (chunk @ xb.T)
            out.append(scores.topk(k, dim=1, largest=False).indices)
        return torch.cat(out)

    peer_ms = timed(torch, peer, repeats)
    theirs = peer()
    # Ground truth in float64 for a sample of queries.
    sample = min(256, queries)
    xb64 = xb.double()
    truth = []
    for chunk in q[:sample].double().split(64):
        d = (chunk * chunk).sum(1, keepdim=True) - 2 * chunk @ xb64.T + (xb64 * xb64).sum(1)[None]
        truth.append(d.topk(k, dim=1, largest=False).indices)
    truth = torch.cat(truth).cpu().numpy()

    def recall(found):
        found = found[:sample].cpu().numpy()
        return float(np.mean([len(set(a) & set(b)) / k for a, b in zip(found, truth, strict=True)]))

    return {
        "case": "knn_exact_1M_x128_k10",
        "shape": {"database": rows, "queries": queries, "d": 128, "k": k},
        "ours_ms": ours_ms,
        "peer": "torch q @ xb.T + topk (fp32, TF32 off, 1024-query chunks)",
        "peer_ms": peer_ms,
        "ours_queries_per_s": queries / (ours_ms * 1e-3),
        "peer_queries_per_s": queries / (peer_ms * 1e-3),
        "goal": ">= 150000 queries/s, recall@10 = 1.0",
        "ours_recall_at_10": recall(ours),
        "peer_recall_at_10": recall(theirs),
    }


# ---------------------------------------------------------------- k-means
def bench_kmeans(torch, rows: int, repeats: int, deterministic: bool) -> dict:
    from mlarsenal._cuda_support import cuda_module
    from mlarsenal._gpu.streams import current_stream

    gen = torch.Generator(device="cuda").manual_seed(1)
    x = torch.randn(rows, 32, device="cuda", generator=gen)
    init = x[:256].clone()
    centers = init.clone()
    labels = torch.empty(rows, dtype=torch.int32, device="cuda")
    module = cuda_module().cluster

    def ours():
        centers.copy_(init)
        module.lloyd_step(
            x=x.data_ptr(), n=rows, d=32, x_stride=32, weight=0, centers=centers.data_ptr(),
            k=256, deterministic=deterministic, labels=labels.data_ptr(), device=0,
            stream=current_stream("torch", 0),
        )  # fmt: skip

    ours_ms = timed(torch, ours, repeats)

    def peer():
        c = init
        scores = (c * c).sum(1)[None, :] - 2.0 * (x @ c.T)
        assign = scores.argmin(1)
        sums = torch.zeros_like(c).index_add_(0, assign, x)
        counts = torch.zeros(256, device="cuda").index_add_(
            0, assign, torch.ones(rows, device="cuda")
        )
        return sums / counts.clamp_min(1)[:, None]

    peer_ms = timed(torch, peer, repeats)
    new_peer = peer()
    ours()
    torch.cuda.synchronize()
    return {
        "case": f"kmeans_lloyd_iteration_1M_x32_k256{'_deterministic' if deterministic else ''}",
        "ours_ms": ours_ms,
        "peer": "torch GEMM + argmin + index_add_ (TF32 off)",
        "peer_ms": peer_ms,
        "goal": "<= 1.0 ms per iteration",
        "max_abs_centre_difference_vs_peer": float((centers - new_peer).abs().max()),
    }


# ---------------------------------------------------------------- forest
def random_tree(rng, depth: int, n_features: int, leaf_probability: float) -> dict:
    """One tree in pre-order: complete to `depth`, or cut early with `leaf_probability`."""
    tree = {"left": [], "right": [], "feature": [], "threshold": [], "value": []}

    def grow(level: int) -> int:
        at = len(tree["left"])
        for name, blank in (("left", -1), ("right", -1), ("feature", -1), ("threshold", 0.0),
                            ("value", 0.0)):  # fmt: skip
            tree[name].append(blank)
        if level == depth or (level > 2 and rng.random() < leaf_probability):
            tree["value"][at] = float(rng.normal())
            return at
        tree["feature"][at] = int(rng.integers(0, n_features))
        tree["threshold"][at] = float(rng.normal())
        tree["left"][at] = grow(level + 1)
        tree["right"][at] = grow(level + 1)
        return at

    grow(0)
    return tree


def complete_forest(rng, n_trees: int, depth: int, n_features: int, leaf_probability=0.0):
    from mlarsenal.forest import Forest

    trees = [random_tree(rng, depth, n_features, leaf_probability) for _ in range(n_trees)]
    return Forest.from_trees(trees, n_features=n_features)


def bench_forest(torch, rows: int, repeats: int, bandwidth: float) -> list[dict]:
    from mlarsenal._gpu.forest import device_forest

    rng = np.random.default_rng(2)
    results = []
    for name, n_trees, depth, leaf_p, n_rows in (
        ("forest_100_trees_31_leaves_10M_rows", 100, 5, 0.0, rows),
        ("forest_1000_deep_trees_1M_rows", 1000, 10, 0.1, max(1, rows // 10)),
    ):
        forest = complete_forest(rng, n_trees, depth, 28, leaf_p)
        X = torch.randn(n_rows, 28, device="cuda")
        ms = timed(
            torch, lambda X=X, forest=forest: forest.predict(X, "raw", device="cuda"), repeats
        )
        plan = device_forest(forest, 0).plan(4, n_rows, 0, forest.n_trees)
        moved = n_rows * (28 * 4 + 8)
        sample = X[:20000].cpu().numpy()
        same = np.array_equal(
            forest.predict(X[:20000], "raw", device="cuda").cpu().numpy(),
            forest.predict(sample, "raw", device="cpu"),
        )
        results.append({
            "case": name,
            "trees": n_trees,
            "nodes": forest.n_nodes,
            "rows": n_rows,
            "ours_ms": ms,
            "rows_per_s": n_rows / (ms * 1e-3),
            "goal": ">= 1e9 rows/s" if n_trees == 100 else "report",
            "bandwidth_fraction_of_copy": moved / (ms * 1e-3) / 1e9 / bandwidth,
            "plan": plan,
            "raw_scores_equal_cpu_on_20000_rows": bool(same),
        })  # fmt: skip
    return results


# ---------------------------------------------------------------- AdamW
def bench_adamw(torch, params_total: int, repeats: int, bandwidth: float) -> dict:
    from mlarsenal.optim import AdamW

    n_tensors = 200
    per = params_total // n_tensors

    def make():
        torch.manual_seed(3)
        ps = [torch.nn.Parameter(torch.randn(per, device="cuda")) for _ in range(n_tensors)]
        for p in ps:
            p.grad = torch.randn_like(p)
        return ps

    ours_params, peer_params = make(), make()
    ours_opt = AdamW(ours_params, lr=1e-3)
    peer_opt = torch.optim.AdamW(peer_params, lr=1e-3, fused=True)
    ours_ms = timed(torch, ours_opt.step, repeats)
    peer_ms = timed(torch, peer_opt.step, repeats)
    traffic = per * n_tensors * 4 * 7  # read p, g, m, v; write p, m, v
    diff = max(float((a - b).abs().max()) for a, b in zip(ours_params, peer_params, strict=True))
    return {
        "case": "adamw_step_50M_params_200_tensors",
        "ours_ms": ours_ms,
        "peer": "torch.optim.AdamW(fused=True)",
        "peer_ms": peer_ms,
        "speedup_vs_peer": peer_ms / ours_ms,
        "goal": ">= 1.0x torch fused",
        "ours_GBps": traffic / (ours_ms * 1e-3) / 1e9,
        "ours_fraction_of_copy_bandwidth": traffic / (ours_ms * 1e-3) / 1e9 / bandwidth,
        "max_abs_param_difference_vs_peer": diff,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--quick", action="store_true", help="small shapes (smoke run)")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--only", nargs="*", default=None, help="knn kmeans forest adamw")
    args = parser.parse_args(argv)
    import torch

    import mlarsenal

    if not torch.cuda.is_available():
        raise SystemExit("gpu_bench: torch sees no CUDA device")
    scale = 0.05 if args.quick else 1.0
    only = set(args.only or ["knn", "kmeans", "forest", "adamw"])
    bandwidth = copy_bandwidth(torch)
    props = torch.cuda.get_device_properties(0)
    report = {
        "device": torch.cuda.get_device_name(0),
        "device_memory_bytes": props.total_memory,
        "multiprocessors": props.multi_processor_count,
        "measured_copy_bandwidth_GBps": bandwidth,
        "torch": torch.__version__,
        "python": platform.python_version(),
        "build_info": mlarsenal.build_info(),
        "quick": args.quick,
        "timestamp": time.strftime("%Y%m%dT%H%M%SZ", time.gmtime()),
        "cases": [],
    }
    runs = [
        ("knn", lambda: [bench_knn(torch, int(1_000_000 * scale), int(10_000 * scale), args.repeats)]),
        ("kmeans", lambda: [bench_kmeans(torch, int(1_000_000 * scale), args.repeats, False),
                            bench_kmeans(torch, int(1_000_000 * scale), args.repeats, True)]),
        ("forest", lambda: bench_forest(torch, int(10_000_000 * scale), args.repeats, bandwidth)),
        ("adamw", lambda: [bench_adamw(torch, int(50_000_000 * scale), args.repeats, bandwidth)]),
    ]  # fmt: skip
    args.out.mkdir(parents=True, exist_ok=True)
    for name, run in runs:
        if name not in only:
            continue
        try:
            report["cases"].extend(run())
        except Exception as exc:  # one failing case must not lose the others' figures
            report["cases"].append({"case": name, "error": f"{type(exc).__name__}: {exc}"})
        torch.cuda.empty_cache()
        (args.out / "gpu_bench.json").write_text(json.dumps(report, indent=2, default=str))
    for case in report["cases"]:
        shown = {k: v for k, v in case.items() if k not in ("plan", "shape")}
        print(json.dumps(shown, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
