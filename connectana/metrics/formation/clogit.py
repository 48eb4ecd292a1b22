"""Conditional logistic regression for the formation model: Newton–Raphson with the
exact Hessian, and statsmodels' ``ConditionalLogit`` as a cross-check."""

from __future__ import annotations

import numpy as np

__all__ = ["conditional_logit", "statsmodels_fit"]


def conditional_logit(
    X: np.ndarray,
    chosen: np.ndarray,
    starts: np.ndarray,
    *,
    maxiter: int = 100,
    tol: float = 1e-10,
) -> dict:
    """Fit a conditional logit by Newton–Raphson with the exact Hessian.

    Parameters
    ----------
    X : array (rows, k)
        Statistics, rows grouped by case (contiguous).
    chosen : bool array (rows,)
        Exactly one True per case.
    starts : int array (cases,)
        First row of each case.
    maxiter, tol
        Stop when the largest Newton step is below ``tol`` or after ``maxiter`` steps.

    Returns
    -------
    dict
        ``params``, ``cov`` (inverse observed information), ``loglik``, ``iterations``,
        ``converged``.

    Notes
    -----
    Log-likelihood ``ℓ(β) = Σ_cases [β·x_chosen − log Σ_j exp(β·x_j)]``; gradient
    ``Σ (x_chosen − x̄)``, with ``x̄`` the choice-probability-weighted mean of the
    case; Hessian ``−Σ_cases Σ_j p_j (x_j − x̄)(x_j − x̄)ᵀ``. Each step is halved until
    the log-likelihood does not decrease.

    Examples
    --------
    >>> import numpy as np
    >>> X = np.array([[1.0], [0.0], [1.0], [0.0], [0.0], [1.0]])
    >>> fit = conditional_logit(X, np.array([1, 0, 1, 0, 1, 0], bool), np.array([0, 2, 4]))
    >>> round(float(fit["params"][0]), 4), fit["converged"]   # log(2/1)
    (0.6931, True)
    """
    X = np.asarray(X, dtype=float)
    chosen = np.asarray(chosen, dtype=bool)
    starts = np.asarray(starts, dtype=np.int64)
    rows, k = X.shape
    sizes = np.diff(np.r_[starts, rows])
    grp = np.repeat(np.arange(len(starts)), sizes)
    x_chosen = X[chosen].sum(axis=0)

    equal = len(starts) > 0 and bool((sizes == sizes[0]).all())
    X3 = X.reshape(len(starts), int(sizes[0]), k) if equal else None

    def evaluate(beta, second: bool):
        eta = X @ beta
        if equal:  # cases of one size (sampled alternatives): plain reshapes, no reduceat
            eta2 = eta.reshape(X3.shape[:2])
            m = eta2.max(axis=1)
            e = np.exp(eta2 - m[:, None])
            tot = e.sum(axis=1)
        else:
            m = np.maximum.reduceat(eta, starts)
            e = np.exp(eta - m[grp])
            tot = np.add.reduceat(e, starts)
        ll = float(eta[chosen].sum() - (m + np.log(tot)).sum())
        if not second:
            return ll, None, None
        if equal:
            p = (e / tot[:, None]).ravel()
            xp = X * p[:, None]
            xbar = xp.reshape(X3.shape).sum(axis=1)
        else:
            xp = X * (e / tot[grp])[:, None]
            xbar = np.add.reduceat(xp, starts)
        grad = x_chosen - xbar.sum(axis=0)
        info = xp.T @ X - xbar.T @ xbar
        return ll, grad, info

    beta = np.zeros(k)
    ll, grad, info = evaluate(beta, True)
    converged = False
    iterations = 0
    while iterations < maxiter:
        iterations += 1
        try:
            step = np.linalg.solve(info, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(info, grad, rcond=None)[0]
        t = 1.0
        ll_new, grad_new, info_new = evaluate(beta + step, True)  # the full step, usually kept
        while ll_new < ll - 1e-12 * abs(ll) and t >= 1e-10:  # else halve it
            t /= 2
            ll_new, _, _ = evaluate(beta + t * step, False)
        beta = beta + t * step
        if t == 1.0:
            ll, grad, info = ll_new, grad_new, info_new
        else:
            ll, grad, info = evaluate(beta, True)
        if np.max(np.abs(t * step)) < tol or np.max(np.abs(grad)) < tol:
            converged = True
            break
    try:
        cov = np.linalg.inv(info)
    except np.linalg.LinAlgError:
        cov = np.full((k, k), np.nan)
    return {
        "params": beta,
        "cov": cov,
        "loglik": ll,
        "iterations": iterations,
        "converged": converged,
    }


def statsmodels_fit(X, chosen, group) -> dict:
    from statsmodels.discrete.conditional_models import ConditionalLogit

    model = ConditionalLogit(chosen.astype(float), X, groups=group)
    res = model.fit(disp=0, method="newton", maxiter=100)
    params = np.asarray(res.params)
    return {
        "params": params,
        "cov": np.asarray(res.cov_params()),
        "loglik": float(res.llf),
        "iterations": None,  # statsmodels' conditional results do not report them
        "converged": bool(np.max(np.abs(model.score(params))) < 1e-4),
    }
