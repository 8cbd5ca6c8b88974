"""Collapsed weights built by hand for the measurement tests (definitions 1-3)."""

import numpy as np

from fctheory.latent import full_latent_set


def equiangular(n_c, d, rng=None):
    """Columns f_a = normalise(e_a - 1/n_c) in R^d (mean zero, <f_a,f_b> = -1/(n_c-1)),
    optionally rotated by a random orthogonal Q fixing the all-ones vector."""
    F = np.zeros((d, n_c))
    F[:n_c, :] = np.eye(n_c) - 1.0 / n_c
    F /= np.linalg.norm(F, axis=0)
    if rng is not None:
        # rotation of the complement of 1_d keeps the frame mean-zero
        ones = np.ones((d, 1)) / np.sqrt(d)
        A = rng.normal(size=(d, d))
        A -= ones @ (ones.T @ A)
        Q, _ = np.linalg.qr(A)
        P = Q[:, : d - 1]
        basis = np.linalg.qr(np.hstack([ones, rng.normal(size=(d, d - 1))]))[0][:, 1:]
        F = P @ (basis.T @ F)
    return F


def collapsed(n_c, s_c, L, d, r, c, rng=None, latent=None):
    """W with w_(a,b) = r_b f_a and U with u_{k,l} = c f_{z_{k,l}}."""
    F = equiangular(n_c, d, rng)
    r = np.broadcast_to(np.asarray(r, float), (s_c,))
    W = np.concatenate([F[:, [a]] * r[None, :] for a in range(n_c)], axis=1)
    Z = full_latent_set(n_c, L) if latent is None else latent
    U = (c * F.T[Z]).reshape(Z.shape[0], L * d)
    return W, U, F
