"""How close our result is to the peer's, as JSON-ready figures.

Every check returns the same keys so the report renders any suite without knowing it:
``ours_value`` and ``peer_value`` (a float, or a short description of an array),
``max_abs_diff``, ``max_rel_diff`` (None when shapes differ), and ``equal`` (None where exact equality is not
the question, as for floating-point scores).
"""

from __future__ import annotations

import numpy as np

# Relative differences divide by the peer's magnitude; this keeps a peer value of 0 finite.
_TINY = np.finfo(np.float64).tiny


def scalar_agreement(ours, peer) -> dict:
    """For a metric that returns one number (AUC, log loss, MSE, accuracy)."""
    ours, peer = float(ours), float(peer)
    abs_diff = abs(ours - peer)
    return {
        "ours_value": ours,
        "peer_value": peer,
        "max_abs_diff": abs_diff,
        "max_rel_diff": abs_diff / max(abs(peer), _TINY),
        "equal": None,
    }


def array_agreement(ours, peer) -> dict:
    """For a result that is an array (a confusion matrix, neighbour indices, ...)."""
    ours, peer = np.asarray(ours), np.asarray(peer)
    same_shape = ours.shape == peer.shape
    if same_shape and ours.size:
        diff = np.abs(ours.astype(np.float64) - peer.astype(np.float64))
        max_abs = float(diff.max())
        max_rel = float((diff / np.maximum(np.abs(peer.astype(np.float64)), _TINY)).max())
    else:  # nothing to compare: empty arrays agree, different shapes have no distance
        max_abs = max_rel = 0.0 if same_shape else None
    return {
        "ours_value": _describe(ours),
        "peer_value": _describe(peer),
        "max_abs_diff": max_abs,
        "max_rel_diff": max_rel,
        "equal": bool(same_shape and np.array_equal(ours, peer)),
    }


def _describe(array: np.ndarray) -> str:
    return f"{array.dtype}[{'x'.join(str(n) for n in array.shape)}]"


def recall_agreement(ours, peer, truth) -> dict:
    """For neighbour searches: recall@k of each side against exact neighbours.

    ``ours``/``peer``/``truth`` are (n_queries, k) index arrays; recall is the
    fraction of true neighbours found, the usual measure for k-NN search.
    """
    ours_recall, peer_recall = _recall(ours, truth), _recall(peer, truth)
    diff = abs(ours_recall - peer_recall)
    return {
        "ours_value": ours_recall,
        "peer_value": peer_recall,
        "max_abs_diff": diff,
        "max_rel_diff": diff / max(peer_recall, _TINY),
        "equal": None,
    }


def _recall(found, truth) -> float:
    found, truth = np.asarray(found), np.asarray(truth)
    hits = sum(len(np.intersect1d(f, t)) for f, t in zip(found, truth, strict=True))
    return hits / truth.size


def array_list_agreement(ours, peer) -> dict:
    """For a result that is a list of arrays (an optimizer's parameters after its steps).

    Differences are the largest over all arrays; ``equal`` says whether every array is
    bit-for-bit equal. Anything with ``__array__`` works (numpy arrays, CPU torch tensors).
    """
    ours = [np.asarray(a) for a in ours]
    peer = [np.asarray(a) for a in peer]
    same_shapes = [a.shape for a in ours] == [b.shape for b in peer]
    max_abs = max_rel = 0.0 if same_shapes else None
    if same_shapes:
        for a, b in zip(ours, peer, strict=True):
            if a.size:
                a64, b64 = a.astype(np.float64), b.astype(np.float64)
                diff = np.abs(a64 - b64)
                max_abs = max(max_abs, float(diff.max()))
                max_rel = max(max_rel, float((diff / np.maximum(np.abs(b64), _TINY)).max()))
    return {
        "ours_value": _describe_list(ours),
        "peer_value": _describe_list(peer),
        "max_abs_diff": max_abs,
        "max_rel_diff": max_rel,
        "equal": bool(same_shapes and all(map(np.array_equal, ours, peer))),
    }


def _describe_list(arrays: list) -> str:
    dtypes = "/".join(sorted({str(a.dtype) for a in arrays}))
    return f"{len(arrays)} x {dtypes} ({sum(a.size for a in arrays):,} values)"
