"""Latent sets and their symmetry (appendix B)."""

from ._arrays import as_latent_array, full_latent_set

__all__ = ["as_latent_array", "full_latent_set"]
