"""Wrong and unusual-but-correct answers for ``04_regularization``."""

_SIG = "def regularized_objective(W, X, y, data_loss, reg, kind='l2'):\n"


def _answer(penalty_l2="np.sum(W * W), 2 * W", penalty_l1="np.sum(np.abs(W)), np.sign(W)",
            ret="loss + reg * R, X.T @ dscores + reg * dR", pre=""):
    return (_SIG + pre + "    loss, dscores = data_loss(X @ W, y)\n"
            f"    if kind == 'l2':\n        R, dR = {penalty_l2}\n"
            f"    else:\n        R, dR = {penalty_l1}\n"
            f"    return {ret}\n")


CORRECT = {
    "regularized_objective": [
        _answer(),
        _SIG + "    scores = X.dot(W)\n    data, dscores = data_loss(scores, y)\n"
        "    penalties = {'l2': (np.square(W).sum(), 2 * W), 'l1': (np.abs(W).sum(), np.sign(W))}\n"
        "    R, dR = penalties[kind]\n    dW = np.dot(X.T, dscores)\n    dW += reg * dR\n"
        "    return float(data + reg * R), dW\n",
        _answer(penalty_l1="np.abs(W).sum(), np.where(W > 0, 1.0, np.where(W < 0, -1.0, 0.0))"),
    ],
}

WRONG = {
    "regularized_objective": [
        (_answer(ret="loss + reg * R, X.T @ dscores"), "reg_missing_in_gradient"),
        (_answer(ret="loss, X.T @ dscores + reg * dR"), "reg_missing_in_loss"),
        (_answer(ret="loss + reg * R, reg * dR"), "data_gradient_missing"),
        (_answer(ret="loss + reg * R, dscores.T @ X + reg * dR.T"), "transposed_chain"),
        (_answer(ret="loss + reg * R, X.T @ dscores - reg * dR"), "penalty_gradient_sign"),
        (_answer(penalty_l2="np.sum(W * W), W"), "l2_gradient_missing_factor_two"),
        (_answer(penalty_l2="0.5 * np.sum(W * W), W"), "l2_half_squared_norm"),
        (_answer(penalty_l1="np.sum(np.abs(W)), np.where(W >= 0, 1.0, -1.0)"), "l1_sign_of_zero"),
        (_answer(penalty_l1="np.sum(W), np.ones_like(W)"), "l1_without_abs"),
        (_answer(penalty_l1="np.sum(W * W), 2 * W"), "kind_ignored"),
        (_answer(penalty_l2="np.sum(W[:-1] ** 2), np.vstack([2 * W[:-1], np.zeros((1, W.shape[1]))])",
                 penalty_l1="np.sum(np.abs(W[:-1])), np.vstack([np.sign(W[:-1]), np.zeros((1, W.shape[1]))])"),
         "bias_not_penalized"),
        (_answer(penalty_l2="np.mean(W * W), 2 * W / W.size", penalty_l1="np.mean(np.abs(W)), np.sign(W) / W.size"),
         "mean_instead_of_sum"),
        (_answer(ret="loss + reg * R, X.T @ dscores / X.shape[0] + reg * dR"), "gradient_averaged_again"),
    ],
}
