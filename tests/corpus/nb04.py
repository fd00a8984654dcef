# ruff: noqa: E501 (answer sources and their edits are kept on one line each)
"""Wrong and unusual-but-correct answers for ``04_regularization`` (hint corpus, issue 12)."""

_SIG = "def regularized_objective(W, X, y, data_loss, reg, kind='l2', beta=0.5, penalize_bias=True):\n"


def _answer(l2="np.sum(P * P), 2 * P", l1="np.sum(np.abs(P)), np.sign(P)",
            en="np.sum(beta * P * P + np.abs(P)), 2 * beta * P + np.sign(P)",
            rows="W.shape[0] if penalize_bias else W.shape[0] - 1", P="W[:rows]",
            ret="    dW = dW + 0.0\n    dW[:rows] += reg * dR\n    return loss + reg * R, dW\n", pre=""):
    """A student's answer; each keyword replaces one expression of the usual way of writing it."""
    return (_SIG + pre + "    loss, dW = data_loss(W, X, y)\n"
            f"    rows = {rows}\n    P = {P}\n"
            f"    if kind == 'l2':\n        R, dR = {l2}\n"
            f"    elif kind == 'l1':\n        R, dR = {l1}\n"
            f"    else:\n        R, dR = {en}\n" + ret)


CORRECT = {
    "regularized_objective": [
        _answer(),
        _SIG + "    if reg < 0:\n        raise ValueError(f'reg: expected >= 0, got {reg}')\n"
        "    mask = np.ones_like(W)\n    if not penalize_bias:\n        mask[-1] = 0\n"
        "    penalties = {'l2': (W ** 2, 2 * W), 'l1': (np.abs(W), np.sign(W)),\n"
        "                 'elastic_net': (beta * W ** 2 + np.abs(W), 2 * beta * W + np.sign(W))}\n"
        "    if kind not in penalties:\n        raise ValueError(f'kind: expected l2, l1 or elastic_net, got {kind!r}')\n"
        "    R, dR = penalties[kind]\n    data, grad = data_loss(W, X, y)\n"
        "    return float(data + reg * np.sum(R * mask)), grad + reg * dR * mask\n",
        _answer(l1="np.abs(P).sum(), np.where(P > 0, 1.0, np.where(P < 0, -1.0, 0.0))",
                ret="    pad = np.zeros((W.shape[0] - P.shape[0], W.shape[1]))\n"
                    "    return loss + reg * R, dW + reg * np.vstack([dR, pad])\n"),
    ],
    "ridge_closed_form": [
        '''
def ridge_weights(X, t, reg):
    n = len(t)
    A = X.T @ X / n + reg * np.identity(X.shape[1])
    return np.linalg.solve(A, X.T @ t / n)
''',
        '''
def ridge_weights(X, t, reg):
    # gradient = 0, written with the pseudo-inverse of the regularized system
    n, d = X.shape
    return np.linalg.pinv(X.T @ X + n * reg * np.eye(d)) @ (X.T @ t)
''',
    ],
    "lambda_margin_edge": [
        "lambda_margin_edge = 4.205\n",
        "edge = 1 / 2.9\nlambda_margin_edge = 2.9 / (2 * edge)\n",
    ],
}

WRONG = {
    "regularized_objective": [
        (_answer(ret="    return loss + reg * R, dW\n"), "reg_missing_in_gradient"),
        (_answer(ret="    dW = dW + 0.0\n    dW[:rows] += reg * dR\n    return loss, dW\n"), "reg_missing_in_loss"),
        (_answer(ret="    g = np.zeros_like(W)\n    g[:rows] = reg * dR\n    return loss + reg * R, g\n"), "data_gradient_missing"),
        (_answer(ret="    dW = dW + 0.0\n    dW[:rows] -= reg * dR\n    return loss + reg * R, dW\n"), "penalty_gradient_sign"),
        (_answer(ret="    dW = dW / X.shape[0]\n    dW[:rows] += reg * dR\n    return loss + reg * R, dW\n"), "data_gradient_divided_again"),
        (_answer(l2="np.sum(P * P), P"), "l2_gradient_missing_factor_two"),
        (_answer(l2="0.5 * np.sum(P * P), P"), "l2_half_squared_norm"),
        (_answer(l1="np.sum(np.abs(P)), np.where(P >= 0, 1.0, -1.0)"), "l1_sign_of_zero"),
        (_answer(l1="np.sum(P), np.ones_like(P)"), "l1_without_abs"),
        (_answer(en="np.sum(P * P + beta * np.abs(P)), 2 * P + beta * np.sign(P)"), "elastic_net_beta_on_abs"),
        (_answer(en="np.sum(P * P + np.abs(P)), 2 * P + np.sign(P)"), "elastic_net_beta_ignored"),
        (_answer(en="np.sum(beta * P * P + np.abs(P)), beta * P + np.sign(P)"), "elastic_net_gradient_missing_factor_two"),
        (_SIG + "    loss, dW = data_loss(W, X, y)\n    return loss + reg * np.sum(W * W), dW + 2 * reg * W\n", "kind_ignored"),
        (_answer(rows="W.shape[0]"), "bias_always_penalized"),
        (_answer(rows="W.shape[0] - 1"), "bias_never_penalized"),
        (_answer(P="W[1:] if not penalize_bias else W",
                 ret="    dW = dW + 0.0\n    dW[W.shape[0] - P.shape[0]:] += reg * dR\n    return loss + reg * R, dW\n"),
         "first_row_left_out"),
        (_answer(l2="np.mean(P * P), 2 * P / P.size", l1="np.mean(np.abs(P)), np.sign(P) / P.size",
                 en="np.mean(beta * P * P + np.abs(P)), (2 * beta * P + np.sign(P)) / P.size"), "mean_instead_of_sum"),
    ],
    "ridge_closed_form": [
        ('''
def ridge_weights(X, t, reg):
    return np.linalg.solve(X.T @ X + reg * np.eye(X.shape[1]), X.T @ t)
''', "reg_not_scaled_by_N"),
        ('''
def ridge_weights(X, t, reg):
    return np.linalg.lstsq(X, t, rcond=None)[0]
''', "reg_ignored"),
        ('''
def ridge_weights(X, t, reg):
    n, d = X.shape
    return np.linalg.solve(X.T @ X + 0.5 * n * reg * np.eye(d), X.T @ t)
''', "reg_halved"),
        ('''
def ridge_weights(X, t, reg):
    return np.linalg.solve(X.T @ X, X.T @ t)
''', "reg_ignored"),
        ('''
def ridge_weights(X, t, reg):
    n, d = X.shape
    return np.linalg.inv(X.T @ X + reg * np.eye(d)) @ X.T @ t
''', "reg_not_scaled_by_N"),
        ('''
def ridge_weights(X, t, reg):
    n, d = X.shape
    w = np.linalg.solve(X.T @ X + n * reg * np.eye(d), X.T @ t)
''', "generic:missing_return"),
        ('''
def ridge_weights(X, t, reg):
    n, d = X.shape
    return np.linalg.solve(X.T @ X + 2 * n * reg * np.eye(d), X.T @ t)
''', "reg_doubled"),
    ],
    "lambda_margin_edge": [
        ("lambda_margin_edge = 2.9 ** 2\n", "penalty_slope_without_two"),
        ("lambda_margin_edge = 3.6 ** 2 / 2\n", "cat_gap_instead_of_frog"),
        ("lambda_margin_edge = 2.9 / 2\n", "penalty_slope_at_c_one"),
        ("lambda_margin_edge = 1 / 2.9\n", "edge_instead_of_lambda"),
    ],
}
