"""An independent, deliberately naive exact risk for tests: every sentence's
logits are materialised (eq. 5 and 10 by enumeration).  Only for tiny settings."""

import itertools

import numpy as np
from scipy.special import logsumexp, softmax

from fctheory.latent import full_latent_set


def _phi(W):
    c = W - W.mean(axis=0, keepdims=True)
    s = np.sqrt(np.mean(c**2, axis=0, keepdims=True))
    return c / s, s


def direct_risk_and_grad(setting, W, U, *, network="h", latent=None):
    n_c, s_c, L = setting.n_c, setting.s_c, setting.L
    lam = float(setting.lam)
    mu = setting.mu.as_array()
    Z = full_latent_set(n_c, L) if latent is None else np.asarray(latent)
    K = Z.shape[0]
    d = W.shape[0]
    feats, sigma = _phi(W) if network == "h*" else (W, None)
    blocks = U.reshape(K, L, d)
    G = np.einsum("jld,dw->jlw", blocks, feats)
    btuples = np.array(list(itertools.product(range(s_c), repeat=L)))
    probs = np.prod(mu[btuples], axis=1)
    value = 0.0
    dG = np.zeros_like(G)
    for k in range(K):
        idx = Z[k][None, :] * s_c + btuples  # (S, L)
        logits = sum(G[:, l, idx[:, l]].T for l in range(L))  # (S, K)
        value += float(probs @ (logsumexp(logits, axis=1) - logits[:, k])) / K
        dlog = softmax(logits, axis=1)
        dlog[:, k] -= 1.0
        dlog *= probs[:, None] / K
        for l in range(L):
            np.add.at(dG[:, l, :].T, idx[:, l], dlog)
    dfeats = np.einsum("jlw,jld->dw", dG, blocks)
    dU = np.einsum("jlw,dw->jld", dG, feats).reshape(K, L * d)
    reg = 0.5 * lam * float(np.sum(U * U))
    dU += lam * U
    if network == "h*":
        g = dfeats
        dW = (g - g.mean(axis=0, keepdims=True) - feats * np.sum(feats * g, axis=0, keepdims=True) / d) / sigma
    else:
        dW = dfeats + lam * W
        reg += 0.5 * lam * float(np.sum(W * W))
    return value + reg, dW, dU
