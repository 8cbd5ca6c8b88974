"""Shared helpers for the exact-risk tests: an independent brute-force reference.

The reference enumerates every sentence of every class with
``itertools.product`` and evaluates the cross-entropy with
``scipy.special.logsumexp`` -- no factorisation, no shared code with the
engine (only ``Setting`` and the full latent set).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from scipy.special import logsumexp

from fctheory.latent import full_latent_set


def brute_force_risk(setting, W, U, latent=None, network="h"):
    """R (eq. 5) or R* (eq. 10) by explicit enumeration of all sentences."""
    n_c, s_c, L, K = setting.n_c, setting.s_c, setting.L, setting.K
    latent = full_latent_set(n_c, L) if latent is None else np.asarray(latent)
    mu = setting.mu.as_array()
    d = W.shape[0]
    Y = W
    if network == "h*":
        Y = (W - W.mean(axis=0)) / W.std(axis=0)  # population std, no epsilon (eq. 18)
    Ub = U.reshape(K, L, d)
    data = 0.0
    for k in range(K):
        for b in itertools.product(range(s_c), repeat=L):
            words = [latent[k, l] * s_c + b[l] for l in range(L)]
            logits = sum(Ub[:, l, :] @ Y[:, words[l]] for l in range(L))
            data += np.prod(mu[list(b)]) * (logsumexp(logits) - logits[k])
    lam = float(setting.lam)
    reg = 0.5 * lam * float(np.sum(U * U))
    if network == "h":
        reg += 0.5 * lam * float(np.sum(W * W))
    return data / K + reg


@pytest.fixture
def rng():
    return np.random.default_rng(20261127)
