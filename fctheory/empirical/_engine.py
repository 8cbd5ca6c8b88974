r"""The empirical risk (eq. 3) of the networks h (eq. 17) and h* (eq. 18), with its exact gradient.

.. math::

    \hat R(W, U) = \frac1N \sum_{n=1}^N CE\big(h(x^{(n)}), y^{(n)}\big) + \mathrm{reg}(W, U),
    \qquad CE(s, k) = \log \sum_j e^{s_j} - s_k ,

regularized as the paper's code does (PyTorch ``SGD(weight_decay=λ)``):

* network h: :math:`\mathrm{reg} = \tfrac\lambda2(\|W\|_F^2 + \|U\|_F^2)`;
* network h*: :math:`\mathrm{reg} = \tfrac\lambda2\|U\|_F^2` only ("We do not penalize
  ‖W‖ since the LayerNorm module implicitly regularizes W"), with
  :math:`\varphi_\varepsilon` applied to every word embedding before the
  linear layer (:func:`fctheory.configurations.layer_norm_eps`, ε = 1e-5 as in ``torch.nn.LayerNorm``).

PyTorch's SGD with ``weight_decay=λ`` replaces the gradient ``g`` of a
parameter ``p`` by ``g + λ p``, which is exactly the gradient of
:math:`\tfrac\lambda2\|p\|^2` added to the loss: the objective here is the
one the paper's SGD descends, and the same regularization as the true risks
of eq. (5) and (10) (:func:`fctheory.exact_risk`).

Two exact evaluation methods
----------------------------
With :math:`Y = W` (h) or :math:`Y = \varphi_\varepsilon(W)` (h*), the logits of a
sentence are :math:`s(x) = \sum_l D_l[x_l, :]` with the **score tables**
:math:`D_l = Y^T U_l^T` (``(n_w, K)`` each, :math:`U_l` the l-th block of
columns of ``U``).

``tables``
    one GEMM :math:`Y^T [U_1^T \dots U_L^T]` for the tables, a sparse gather
    for the logits, the softmax, the sparse scatter :math:`\partial D_l =
    P_l^T G` (``P_l`` the one-hot matrix of position l, ``G`` the logit
    gradient) and two GEMMs :math:`\partial Y = \sum_l U_l^T \partial D_l^T`,
    :math:`\partial U_l = \partial D_l^T Y^T`.  Cost
    :math:`O(L n_w d K)` + :math:`O(N L K)`.
``direct``
    gather the embeddings, concatenate, matmul (what a deep-learning
    framework does): :math:`O(N L d K)`.

:func:`choose_method` picks the cheaper by the cost model of
:func:`method_costs` (constants measured on the 2-core development machine,
see ``docs/empirical.md``).  Sentences are processed in chunks of at most
:data:`CHUNK_BYTES` of logits, so no ``(N, L, d)`` or full ``(N, K)`` array
is formed for large N.

Precision (``dtype``)
---------------------
The engine computes in the floating type of the weights it is given,
float64 or float32 (:func:`check_dtype`): the GEMMs, the sparse gather and
scatter, the softmax and the gradients all run in that type (the gather
matrices are built once per type).  In float32 the scalars that sum many
terms are accumulated in float64: the cross-entropies of the rows (each
row's log-sum-exp is formed in float64 from the float32 logits) and the
regularization :math:`\|W\|_F^2, \|U\|_F^2`; the objective is then the
float64 mean of float32-rounded logits, accurate to about the logits'
rounding (relative ~1e-7), not to the summation's N-fold growth of it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.linalg.blas import get_blas_funcs

from .._validate import NETWORKS, require_network, require_one_of, require_real_array
from ..errors import InvalidInput
from ..problem import Problem
from ..configurations import layer_norm_eps, layer_norm_eps_vjp, require_eps

__all__ = [
    "NETWORKS",
    "METHODS",
    "DTYPES",
    "check_dtype",
    "CHUNK_BYTES",
    "method_costs",
    "choose_method",
    "empirical_risk",
    "empirical_risk_and_grad",
    "accuracy",
]

# NETWORKS (fctheory._validate, re-exported): the two networks of appendix A.
#: Evaluation methods; ``"auto"`` applies the cost model.
METHODS = ("auto", "tables", "direct")
#: Floating types the engine computes in.
DTYPES = ("float32", "float64")
#: Largest block of logits (float64 bytes) formed at once; larger N is chunked.
CHUNK_BYTES = 2**28

#: Cost model, in units of one multiply-add of a large float64 GEMM of the
#: direct method's shapes (measured on this machine, OpenBLAS, 2 cores: the
#: direct GEMMs run at ~44e9 multiply-adds/s, the score-table GEMMs of shape
#: (n_w, d) x (d, L K) at ~26e9/s, scipy's sparse gather/scatter at ~0.9e9
#: entries/s).
TABLE_GEMM_COST = 1.7
SPARSE_ENTRY_COST = 50.0


def method_costs(N: int, L: int, n_w: int, d: int, K: int, *, grad: bool = True) -> dict:
    r"""Predicted cost of each method (cost-model units, see the constants above).

    .. math::

        c_{tables} = p\, 1.7\, L n_w d K + q\, 50\, N L K, \qquad
        c_{direct} = p\, N L d K,

    with ``p = 3`` GEMMs and ``q = 2`` sparse passes (gather, scatter) for a
    value and gradient, ``p = q = 1`` for a value.
    """
    p, q = (3, 2) if grad else (1, 1)
    return {"tables": p * TABLE_GEMM_COST * L * n_w * d * K + q * SPARSE_ENTRY_COST * N * L * K,
            "direct": float(p) * N * L * d * K}


def choose_method(N: int, L: int, n_w: int, d: int, K: int, *, grad: bool = True) -> str:
    """``"tables"`` or ``"direct"``, whichever :func:`method_costs` predicts cheaper."""
    costs = method_costs(N, L, n_w, d, K, grad=grad)
    return "tables" if costs["tables"] < costs["direct"] else "direct"


# ----------------------------------------------------------------------------
# validation
# ----------------------------------------------------------------------------
def _require_problem(problem) -> Problem:
    if not isinstance(problem, Problem):
        raise InvalidInput("problem", "a fctheory.Problem", type(problem).__name__)
    return problem


def check_dtype(dtype) -> str:
    """``"float32"`` or ``"float64"`` (also given as ``numpy.float32``/``numpy.float64`` or their dtypes)."""
    if isinstance(dtype, np.dtype):
        name = dtype.name
    elif isinstance(dtype, type) and dtype in (np.float32, np.float64):
        name = np.dtype(dtype).name
    else:
        name = dtype if isinstance(dtype, str) else None
    if name not in DTYPES:
        raise InvalidInput("dtype", "'float32' or 'float64'", dtype)
    return name


def _real_matrix(name: str, value, shape: tuple, text: str) -> np.ndarray:
    arr = require_real_array(name, value, shape_text=f"{text} = {shape}")  # complex refused, finite
    if arr.shape != shape:
        raise InvalidInput(name, f"a real array of shape {text} = {shape}", f"shape {arr.shape}")
    return arr


def require_weights(problem: Problem, W, U) -> tuple[np.ndarray, np.ndarray]:
    """Float64 ``W`` ``(d, n_w)`` and ``U`` ``(K, L d)``, ``d`` equal to ``problem.d`` when that is set."""
    W_arr = require_real_array("W", W, shape_text="(d, n_w)")
    if W_arr.ndim != 2 or W_arr.shape[0] < 1:
        raise InvalidInput("W", f"a 2-D real array of shape (d, n_w = {problem.n_w})", f"shape {W_arr.shape}")
    d = W_arr.shape[0]
    if problem.d is not None and d != problem.d:
        raise InvalidInput("W", f"an array with d = problem.d = {problem.d} rows", f"{d} rows")
    W_arr = _real_matrix("W", W_arr, (d, problem.n_w), "(d, n_w)")
    U_arr = _real_matrix("U", U, (problem.K, problem.L * d), "(K, L*d)")
    return W_arr, U_arr


def require_sentences(problem: Problem, x, y, *, field: str = "x") -> tuple[np.ndarray, np.ndarray]:
    """Int64 sentences ``x`` ``(N, L)`` with entries in ``[0, n_w)`` and labels ``y`` ``(N,)`` in ``[0, K)``."""
    label = "y" if field == "x" else field.replace("x", "y", 1)
    x_arr = np.asarray(x)
    y_arr = np.asarray(y)
    if x_arr.ndim != 2 or x_arr.shape[1] != problem.L or x_arr.shape[0] < 1 or not np.issubdtype(x_arr.dtype, np.integer):
        raise InvalidInput(field, f"an integer array of shape (N >= 1, L = {problem.L})",
                           f"{x_arr.dtype} array of shape {x_arr.shape}")
    if y_arr.shape != (x_arr.shape[0],) or not np.issubdtype(y_arr.dtype, np.integer):
        raise InvalidInput(label, f"an integer array of shape (N = {x_arr.shape[0]},)",
                           f"{y_arr.dtype} array of shape {y_arr.shape}")
    if x_arr.min() < 0 or x_arr.max() >= problem.n_w:
        raise InvalidInput(field, f"word indices in 0..{problem.n_w - 1} (a * s_c + b)",
                           f"values in {int(x_arr.min())}..{int(x_arr.max())}")
    if y_arr.min() < 0 or y_arr.max() >= problem.K:
        raise InvalidInput(label, f"labels in 0..{problem.K - 1}", f"values in {int(y_arr.min())}..{int(y_arr.max())}")
    return x_arr.astype(np.int64, copy=False), y_arr.astype(np.int64, copy=False)


# ----------------------------------------------------------------------------
# the engine
# ----------------------------------------------------------------------------
class Sentences:
    """Validated sentences with their chunking and (lazily built) sparse gather matrices.

    Chunk ``i`` holds sentences ``bounds[i][0]:bounds[i][1]``; its gather
    matrix is the ``(n, n_w L)`` 0/1 matrix with a one at column
    ``x[n, l] * L + l`` in row ``n`` (stored CSC: the gather reads the
    stacked tables row by row, the scatter is its transpose, a CSR).
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, n_w: int, K: int, *, chunk_rows: int | None = None):
        self.x, self.y = x, y
        self.N, self.L = x.shape
        self.n_w, self.K = n_w, K
        rows = chunk_rows if chunk_rows is not None else max(1, CHUNK_BYTES // (8 * max(K, 1)))
        self.bounds = [(s, min(s + rows, self.N)) for s in range(0, self.N, rows)]
        self._gather: dict = {}

    def gather_matrix(self, i: int, dtype=np.float64) -> sp.csc_matrix:
        """Chunk ``i``'s gather matrix with entries of type ``dtype`` (that of the tables it multiplies:
        scipy would promote a float32 product with a float64 matrix to float64)."""
        key = (i, np.dtype(dtype).name)
        if key not in self._gather:
            s, e = self.bounds[i]
            n, L = e - s, self.L
            cols = (self.x[s:e] * L + np.arange(L, dtype=np.int64)).ravel()
            A = sp.csr_matrix((np.ones(n * L, dtype=dtype), cols, np.arange(0, n * L + 1, L)),
                              shape=(n, self.n_w * L))
            self._gather[key] = A.tocsc()
        return self._gather[key]


@dataclass
class Evaluation:
    """One evaluation (private): objective, data term, gradients, correct count, the stacked tables."""

    value: float
    data_term: float
    gW: np.ndarray | None
    gU: np.ndarray | None
    correct: int
    method: str
    tables: np.ndarray | None  # (n_w L, K) stacked score tables (tables method only)


def softmax_gradient(Z: np.ndarray, y: np.ndarray, scale: float, grad: bool) -> tuple[float, int]:
    """In place: logits ``Z`` -> ``scale * (softmax(Z) - onehot(y))`` when ``grad``.

    Returns the sum of the cross-entropies (a stable log-sum-exp) and the
    number of rows whose argmax (lowest index on ties) equals the label.
    The softmax runs in ``Z``'s type; each row's cross-entropy
    :math:`\\log \\sum_j e^{Z_j - m} + m - Z_y` and their sum are formed in
    float64 (for float32 logits: no N-fold float32 summation error).
    """
    rows = np.arange(Z.shape[0])
    zy = Z[rows, y].astype(np.float64)
    correct = int(np.count_nonzero(np.argmax(Z, axis=1) == y))
    m = Z.max(axis=1)
    Z -= m[:, None]
    np.exp(Z, out=Z)
    s = Z.sum(axis=1, dtype=np.float64)
    loss = float(np.sum(np.log(s) + m - zy))
    s = s.astype(Z.dtype, copy=False)
    if grad:
        Z *= (scale / s)[:, None]
        Z[rows, y] -= scale
    return loss, correct


def scatter_rows(index: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    """``out`` of shape ``(n, rows.shape[1])`` with ``out[i] = sum of rows[j] over index[j] == i``.

    ``numpy.add.at`` done as the product of a 0/1 CSC matrix with ``rows``
    (scipy's compiled loop, in ``rows``' type): ~15x faster at an SGD step's
    1500 rows of 100 (0.16 ms against 2.2-3 ms), the same sums in the same order.
    """
    m = index.size
    A = sp.csc_matrix((np.ones(m, dtype=rows.dtype), index, np.arange(m + 1)), shape=(n, m))
    return np.asarray(A @ rows)


def stack_U(U: np.ndarray, K: int, L: int, d: int) -> np.ndarray:
    """``Ut`` of shape ``(d, L K)`` with ``Ut[:, l K + k] = u_{k,l}``."""
    return np.ascontiguousarray(U.reshape(K, L, d).transpose(2, 1, 0).reshape(d, L * K))


def score_tables(Y: np.ndarray, Ut: np.ndarray, n_w: int, L: int, K: int) -> np.ndarray:
    """Stacked tables ``(n_w L, K)``: row ``w L + l`` is :math:`D_l[w, :]`, :math:`D_l = Y^T U_l^T`."""
    return (Y.T @ Ut).reshape(n_w * L, K)


def tables_logits(tables: np.ndarray, sents: Sentences, i: int) -> np.ndarray:
    """Logits ``(n, K)`` of chunk ``i``: :math:`\\sum_l D_l[x_l, :]` (sparse gather, in the tables' type)."""
    return np.asarray(sents.gather_matrix(i, tables.dtype) @ tables)


def _squared_norm(A: np.ndarray) -> float:
    """:math:`\\|A\\|_F^2` accumulated in float64 (float32 arrays are summed in float64 blocks)."""
    if A.dtype == np.float64:
        return float(np.vdot(A, A))
    flat = A.ravel()
    step = 1 << 16
    return float(sum(np.dot(c, c) for c in (flat[i:i + step].astype(np.float64) for i in range(0, flat.size, step))))


def evaluate(W: np.ndarray, U: np.ndarray, sents: Sentences, *, network: str, lam: float, eps: float,
             grad: bool, method: str = "auto", keep_tables: bool = False) -> Evaluation:
    """Objective (and gradient) on validated inputs; see the module docstring.

    Computes in the type of ``W`` and ``U`` (both float32 or both float64),
    the objective's sums in float64 (module docstring, *Precision*).
    """
    d, n_w = W.shape
    K, L, N = U.shape[0], sents.L, sents.N
    dtype = W.dtype
    if U.dtype != dtype:
        raise InvalidInput("U", f"an array of W's type {dtype}", str(U.dtype))
    if method == "auto":
        method = choose_method(N, L, n_w, d, K, grad=grad)
    if network == "h*":
        Y, s = layer_norm_eps(W, eps)
        reg = 0.5 * lam * _squared_norm(U)
    else:
        Y, s = W, None
        reg = 0.5 * lam * (_squared_norm(W) + _squared_norm(U))
    total, correct = 0.0, 0
    scale = 1.0 / N
    tables = None
    if method == "tables":
        Ut = stack_U(U, K, L, d)
        tables = score_tables(Y, Ut, n_w, L, K)
        dtables = None
        for i in range(len(sents.bounds)):
            s0, s1 = sents.bounds[i]
            Z = tables_logits(tables, sents, i)
            loss, ok = softmax_gradient(Z, sents.y[s0:s1], scale, grad)
            total += loss
            correct += ok
            if grad:
                part = np.asarray(sents.gather_matrix(i, dtype).T @ Z)  # the scatter P^T G, (n_w L, K)
                if dtables is None:
                    dtables = part
                else:
                    dtables += part
        if grad:
            dwide = dtables.reshape(n_w, L * K)
            dY = Ut @ dwide.T  # sum_l U_l^T dD_l^T, (d, n_w)
            dUt = Y @ dwide  # dU_l^T = Y dD_l, (d, L K)
            gU = dUt.reshape(d, L, K).transpose(2, 1, 0).reshape(K, L * d)
    elif method == "direct":
        YT = np.ascontiguousarray(Y.T)
        dYT = np.zeros((n_w, d), dtype=dtype) if grad else None
        gU = np.zeros((K, L * d), dtype=dtype) if grad else None
        rows = max(1, CHUNK_BYTES // (8 * (K + L * d)))
        for s0 in range(0, N, rows):
            s1 = min(s0 + rows, N)
            xc = sents.x[s0:s1]
            X = YT[xc].reshape(s1 - s0, L * d)  # gather + concatenate
            Z = X @ U.T
            loss, ok = softmax_gradient(Z, sents.y[s0:s1], scale, grad)
            total += loss
            correct += ok
            if grad:
                gU += Z.T @ X
                dX = Z @ U
                dYT += scatter_rows(xc.ravel(), dX.reshape(-1, d), n_w)
        if grad:
            dY = dYT.T
    else:
        raise InvalidInput("method", "one of 'auto', 'tables', 'direct'", method)
    data = total / N
    if not grad:
        return Evaluation(data + reg, data, None, None, correct, method, tables if keep_tables else None)
    if network == "h*":
        gW = layer_norm_eps_vjp(Y, s, dY)
    else:
        gW = dY + lam * W
    gU = gU + lam * U
    return Evaluation(data + reg, data, np.ascontiguousarray(gW), np.ascontiguousarray(gU), correct, method,
                      tables if keep_tables else None)


def sgd_step(W: np.ndarray, U: np.ndarray, x: np.ndarray, y: np.ndarray, *, network: str, lr: float,
             lam_W: float, lam_U: float, eps: float) -> tuple[float, int]:
    r"""One in-place step of plain SGD on a minibatch (the direct method; PyTorch's update).

    .. math:: p \leftarrow p - \mathrm{lr}\,(\nabla_p \mathrm{CE}_{batch} + \lambda_p p)

    with the minibatch mean cross-entropy, for ``W`` (``λ_W = λ`` for h,
    0 for h*) and ``U`` (``λ_U = λ``), all gradients taken at the old
    weights.  The ``U`` update is one BLAS ``gemm`` in place (``sgemm`` or
    ``dgemm``), :math:`U^T \leftarrow (1 - \mathrm{lr}\,\lambda_U) U^T - \mathrm{lr}\, X^T G`.
    ``W`` and ``U`` must be C-contiguous, both float32 or both float64: the
    step computes in their type.  Returns the minibatch's summed
    cross-entropy (accumulated in float64) and its number of correct argmaxes.
    """
    d, n_w = W.shape
    B, L = x.shape
    if network == "h*":
        Y, s = layer_norm_eps(W, eps)
    else:
        Y, s = W, None
    X = np.ascontiguousarray(Y.T)[x].reshape(B, L * d)
    Z = X @ U.T
    loss, correct = softmax_gradient(Z, y, 1.0 / B, True)
    dX = Z @ U  # at the old U
    gemm = get_blas_funcs("gemm", (U,))
    out = gemm(-lr, X.T, Z.T, beta=1.0 - lr * lam_U, c=U.T, trans_b=True, overwrite_c=True)
    if not np.shares_memory(out, U):  # pragma: no cover - BLAS wrapper copied; keep the result
        U[...] = out.T
    dYT = scatter_rows(x.ravel(), dX.reshape(B * L, d), n_w)
    dW = layer_norm_eps_vjp(Y, s, dYT.T) if network == "h*" else dYT.T
    if lam_W != 0.0:
        W *= 1.0 - lr * lam_W
    W -= lr * dW
    return loss, correct


# ----------------------------------------------------------------------------
# public functions
# ----------------------------------------------------------------------------
def _prepare(problem, W, U, x, y, network, eps, method, dtype):
    problem = _require_problem(problem)
    network = require_network(network)
    eps = require_eps(eps)
    method = require_one_of("method", method, METHODS)
    dtype = check_dtype(dtype)
    W_arr, U_arr = require_weights(problem, W, U)
    W_arr, U_arr = W_arr.astype(dtype, copy=False), U_arr.astype(dtype, copy=False)
    x_arr, y_arr = require_sentences(problem, x, y)
    return problem, W_arr, U_arr, Sentences(x_arr, y_arr, problem.n_w, problem.K), network, eps, method


def empirical_risk(problem: Problem, W, U, x, y, *, network: str = "h", eps: float = 1e-5,
                   method: str = "auto", dtype: str = "float64") -> float:
    r"""The empirical risk (eq. 3) with the paper's regularization, a float.

    .. math::

        \hat R(W, U) = \frac1N \sum_n CE(h(x^{(n)}), y^{(n)})
        + \tfrac\lambda2(\|W\|_F^2 + \|U\|_F^2) \ \text{(h)}, \quad
        + \tfrac\lambda2\|U\|_F^2 \ \text{(h*)}.

    PyTorch's ``SGD(weight_decay=λ)`` adds ``λ p`` to every gradient, the
    gradient of :math:`\tfrac\lambda2\|p\|^2`: this is the objective the
    paper's code descends (with ``weight_decay_W = 0`` for h*).

    Parameters
    ----------
    problem : Problem
        ``λ = problem.lam``; ``problem.d``, when set, must equal ``W.shape[0]``.
    W : array ``(d, n_w)``
        Word embeddings (column ``a*s_c + b``).
    U : array ``(K, L*d)``
        Linear layer (row ``k`` is ``[u_{k,1} ... u_{k,L}]``).
    x : int array ``(N, L)``, y : int array ``(N,)``
        Sentences (word indices) and labels, e.g. ``Dataset.x_train, Dataset.y_train``.
    network : {"h", "h*"}
    eps : float
        LayerNorm's ε for h* (``1e-5`` as in ``torch.nn.LayerNorm``; 0 gives the paper's φ, eq. 18).
    method : {"auto", "tables", "direct"}
        ``"auto"`` takes the cheaper by :func:`method_costs`; the two agree to rounding.
    dtype : {"float64", "float32"}
        The type of the computation (``W``, ``U`` are rounded to it); the sums
        over sentences and weights are accumulated in float64 either way.
    """
    problem, W, U, sents, network, eps, method = _prepare(problem, W, U, x, y, network, eps, method, dtype)
    return evaluate(W, U, sents, network=network, lam=float(problem.lam), eps=eps, grad=False, method=method).value


def empirical_risk_and_grad(problem: Problem, W, U, x, y, *, network: str = "h", eps: float = 1e-5,
                            method: str = "auto", dtype: str = "float64") -> tuple[float, np.ndarray, np.ndarray]:
    r"""The empirical risk (eq. 3) and its exact gradient ``(value, gW (d, n_w), gU (K, L d))``.

    See :func:`empirical_risk` for the objective.  The gradient of the data
    term is :math:`\partial Y = \sum_l U_l^T \partial D_l^T`,
    :math:`\partial U_l = \partial D_l^T Y^T` with :math:`\partial D_l = P_l^T G`
    (``tables``) or the chain rule through the gathered embeddings
    (``direct``); for h* it is pulled back through :math:`\varphi_\varepsilon`.
    The regularization adds ``λ W`` (h only) and ``λ U``.  The gradients
    have the type ``dtype`` (float32: accurate to about float32 rounding of
    their terms, e.g. within 2e-10 of float64's at figure 3's minimizer).
    """
    problem, W, U, sents, network, eps, method = _prepare(problem, W, U, x, y, network, eps, method, dtype)
    ev = evaluate(W, U, sents, network=network, lam=float(problem.lam), eps=eps, grad=True, method=method)
    return ev.value, ev.gW, ev.gU


def accuracy(problem: Problem, W, U, x, y, *, network: str = "h", eps: float = 1e-5,
             dtype: str = "float64") -> float:
    """Fraction of sentences whose largest logit (lowest index on ties) is their label (computed in ``dtype``)."""
    problem, W, U, sents, network, eps, method = _prepare(problem, W, U, x, y, network, eps, "auto", dtype)
    ev = evaluate(W, U, sents, network=network, lam=float(problem.lam), eps=eps, grad=False, method=method)
    return ev.correct / sents.N
