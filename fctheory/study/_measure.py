"""What the study jobs compute beside training: the checked network, the relative errors, the collapse measures."""

from __future__ import annotations

import numpy as np

from ..errors import InvalidInput

__all__ = ["job_variant", "rel_error", "collapse_measures"]


def job_variant(params, keys, variants) -> tuple:
    """The ``(network, mu)`` of a study job's ``params``, one of ``variants``; a key outside ``keys`` is refused."""
    unknown = sorted(set(params) - set(keys))
    if unknown:
        raise InvalidInput(unknown[0], "one of the parameters " + ", ".join(sorted(keys)), params[unknown[0]])
    variant = (params.get("network"), params.get("mu"))
    if variant not in variants:
        raise InvalidInput("network/mu", "one of " + ", ".join(f"{n}/{m}" for n, m in variants),
                           "/".join(map(str, variant)))
    return variant


def rel_error(measured, predicted, *, signed: bool = False) -> float | None:
    """``(measured - predicted) / |predicted|`` (its absolute value unless ``signed``); None without a prediction."""
    if measured is None or predicted is None or predicted == 0:
        return None
    error = (measured - predicted) / abs(predicted)
    return error if signed else abs(error)


def _cosines(vectors: np.ndarray, directions: np.ndarray) -> np.ndarray:
    """Row-wise cosines; 0 where either vector is (numerically) zero."""
    den = np.linalg.norm(vectors, axis=1) * np.linalg.norm(directions, axis=1)
    return np.divide(np.einsum("ij,ij->i", vectors, directions), den, out=np.zeros(len(den)), where=den > 1e-300)


def collapse_measures(W_features: np.ndarray, U: np.ndarray, latent: np.ndarray, n_c: int, s_c: int) -> dict:
    r"""The collapse of the blocks and of the word features (definitions 1-2): ``u_alignment``,
    ``u_alignment_min``, ``u_norm_spread``, ``u_sv3_ratio``, ``word_alignment``, ``word_sv3_ratio`` (columns of
    the samples study, defined in the docstring of fctheory/study/_samples.py).

    Parameters
    ----------
    W_features : ndarray (d, n_w)
        The word features (W for h, :math:`\varphi(W)` for h*); word ``(a, b)`` is column ``a*s_c + b``.
    U : ndarray (K, L d)
    latent : int ndarray (K, L)
    n_c, s_c : int
    """
    from ..reproduce import pca

    d = W_features.shape[0]
    blocks = np.asarray(U, dtype=np.float64).reshape(-1, d)  # u_(k,l), row k * L + l
    concepts = np.asarray(latent, dtype=np.int64).ravel()
    means, spreads, norms = np.zeros((n_c, d)), [], np.linalg.norm(blocks, axis=1)
    for a in np.unique(concepts):
        mask = concepts == a
        means[a] = blocks[mask].mean(axis=0)
        m = norms[mask].mean()
        spreads.append(float(norms[mask].std() / m) if m > 0 else 0.0)
    cos_u = _cosines(blocks, means[concepts])
    words = np.asarray(W_features, dtype=np.float64).T  # (n_w, d)
    cos_w = _cosines(words, words.reshape(n_c, s_c, d).mean(axis=1)[np.repeat(np.arange(n_c), s_c)])
    usv, wsv = pca(blocks)[1], pca(words)[1]  # the top PCA singular values
    return {"u_alignment": float(cos_u.mean()), "u_alignment_min": float(cos_u.min()),
            "u_norm_spread": float(np.mean(spreads)), "u_sv3_ratio": float(usv[2] / usv[1]) if usv[1] > 0 else None,
            "word_alignment": float(cos_w.mean()), "word_sv3_ratio": float(wsv[2] / wsv[1]) if wsv[1] > 0 else None}
