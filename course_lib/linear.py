"""The linear score function and a linear classifier trained by minibatch gradient descent.

The lecture writes ``f(x, W) = Wx + b`` for one column vector ``x``. With N examples in the
rows of ``X`` (N, D) the same thing reads ``scores = X @ W + b`` with ``W`` of shape (D, C)
and ``b`` of shape (C,): row i of ``scores`` is ``W_lecture @ x_i + b``. Column c of ``W``
(row c of the lecture's W) is the *template* of class c.

:func:`linear_scores` is the open library's own (notebook 01 has no scores exercise any more); in a
graded release the classifier's losses and update rules are the student's own (see
:mod:`course_lib.mine`).
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, as_labels, check_choice, check_number
from .losses import _softmax_loss, _svm_loss
from .optim import _TRUSTED_RULES, DEFAULTS, UPDATE_RULES
from .regularization import _TRUSTED_PENALTIES, PENALTIES

# built-in losses on validated input (fit validates X and y once); a callable loss, being
# the student's own code, has its output checked instead
LOSSES = {"svm": _svm_loss, "softmax": _softmax_loss}


def linear_scores(X, W, b=None):
    """Class scores ``X @ W + b``.

    Parameters
    ----------
    X : array_like, shape (N, D)
    W : array_like, shape (D, C)
    b : array_like, shape (C,), optional

    Returns
    -------
    scores : ndarray, shape (N, C)
    """
    X = as_float_array(X, "X", ndim=2)
    W = as_float_array(W, "W", shape=(X.shape[1], None))
    b = np.zeros(W.shape[1]) if b is None else as_float_array(b, "b", shape=(W.shape[1],))
    return X @ W + b


def add_bias_column(X):
    """The bias trick: append a constant 1 to every example, ``(N, D) -> (N, D + 1)``.

    Then ``add_bias_column(X) @ fold_bias(W, b) == X @ W + b``.
    """
    X = as_float_array(X, "X", ndim=2)
    return np.hstack([X, np.ones((X.shape[0], 1))])


def fold_bias(W, b):
    """Stack the bias under the weights, ``(D, C), (C,) -> (D + 1, C)``."""
    W = as_float_array(W, "W", ndim=2)
    b = as_float_array(b, "b", shape=(W.shape[1],))
    return np.vstack([W, b[None, :]])


class LinearClassifier:
    """A linear classifier ``scores = X @ W + b`` trained with minibatch SGD.

    Parameters
    ----------
    loss : {"svm", "softmax"} or callable
        Data loss; a callable takes ``(scores, y)`` and returns ``(loss, dscores)``.
    reg : float >= 0
        Regularization strength (lambda); the objective is ``data_loss + reg * R(W)``.
    regularization : {"l2", "l1", "elastic_net"}
    learning_rate : float > 0
    batch_size : int >= 1
        Examples per step (sampled with replacement); capped at N.
    num_iters : int >= 1
    optimizer : {"sgd", "sgd_momentum", "rmsprop", "adam"} or callable
        An update rule ``update(w, dw, config) -> (next_w, config)`` (see ``course_lib.optim``).
    weight_scale : float >= 0
        Standard deviation of the initial weights.
    seed : int
        Seeds initialisation and minibatch sampling.
    val_every : int >= 1
        With validation data, measure validation accuracy every ``val_every`` iterations.

    Attributes
    ----------
    W_ : ndarray, shape (D, C)
    b_ : ndarray, shape (C,)
    history : dict
        ``"loss"``: the minibatch objective at every iteration; ``"val_acc"`` and
        ``"val_iter"``: validation accuracy and when it was measured; ``"diverged_at"``:
        the iteration where the loss stopped being finite, or None.
    """

    def __init__(self, loss="softmax", reg=1e-4, regularization="l2", learning_rate=1e-2,
                 batch_size=200, num_iters=1000, optimizer="adam", weight_scale=1e-3,
                 seed=0, val_every=50):
        if not callable(loss):
            check_choice(loss, "loss", LOSSES)
        if not callable(optimizer):
            check_choice(optimizer, "optimizer", UPDATE_RULES)
        check_choice(regularization, "regularization", PENALTIES)
        self.loss = loss
        self.reg = check_number(reg, "reg", low=0)
        self.regularization = regularization
        self.learning_rate = check_number(learning_rate, "learning_rate", low=0, low_inclusive=False)
        self.batch_size = check_number(batch_size, "batch_size", low=1, integer=True)
        self.num_iters = check_number(num_iters, "num_iters", low=1, integer=True)
        self.optimizer = optimizer
        self.weight_scale = check_number(weight_scale, "weight_scale", low=0)
        self.seed = seed
        self.val_every = check_number(val_every, "val_every", low=1, integer=True)

    # -- the objective ------------------------------------------------------------------
    def objective(self, X, y, W, b):
        """Full objective and its gradients on ``(X, y)`` (validated arrays).

        Returns
        -------
        loss : float
        dW : ndarray, shape (D, C)
        db : ndarray, shape (C,)
        """
        data_loss = LOSSES[self.loss] if isinstance(self.loss, str) else self.loss
        loss, dscores = data_loss(X @ W + b, y)
        penalty, dpenalty = _TRUSTED_PENALTIES[self.regularization](W)
        dW = X.T @ dscores + self.reg * dpenalty
        return float(loss) + self.reg * penalty, dW, dscores.sum(axis=0)

    # -- training ----------------------------------------------------------------------
    def fit(self, X, y, X_val=None, y_val=None, progress=False, num_classes=None):
        """Train on ``(X, y)``; return ``self``.

        Parameters
        ----------
        X : array_like, shape (N, D)
        y : array_like of int, shape (N,)
        X_val : array_like, shape (M, D), optional
        y_val : array_like of int, shape (M,), optional
        progress : bool
            Show a tqdm progress bar with the current loss.
        num_classes : int, optional
            C; by default ``max(y) + 1``.
        """
        X = as_float_array(X, "X", ndim=2)
        y_arr = np.asarray(y)
        if num_classes is None:
            if not np.issubdtype(y_arr.dtype, np.integer) or y_arr.size == 0:
                as_labels(y_arr, "y", n=X.shape[0], num_classes=1)  # raises the right message
            num_classes = int(y_arr.max()) + 1
        y = as_labels(y_arr, "y", n=X.shape[0], num_classes=num_classes)
        has_val = X_val is not None or y_val is not None
        if has_val:
            if X_val is None or y_val is None:
                raise ValueError("X_val, y_val: expected both or neither, got only one")
            X_val = as_float_array(X_val, "X_val", shape=(None, X.shape[1]))
            y_val = as_labels(y_val, "y_val", n=X_val.shape[0], num_classes=num_classes)

        rng = np.random.default_rng(self.seed)
        n, d = X.shape
        W = self.weight_scale * rng.standard_normal((d, num_classes))
        b = np.zeros(num_classes)
        if isinstance(self.optimizer, str):  # a built-in rule: validated once here, trusted per step
            update = _TRUSTED_RULES[self.optimizer]
            config_W = {**DEFAULTS[self.optimizer], "learning_rate": self.learning_rate}
        else:
            update, config_W = self.optimizer, {"learning_rate": self.learning_rate}
        config_b = dict(config_W)
        batch = min(self.batch_size, n)
        self.history = {"loss": [], "val_acc": [], "val_iter": [], "diverged_at": None}

        from tqdm.auto import tqdm  # imported here: course_lib stays importable with numpy alone

        bar = tqdm(range(self.num_iters), disable=not progress, desc="training", leave=False)
        with np.errstate(over="ignore", invalid="ignore"):
            for it in bar:
                idx = rng.integers(0, n, size=batch) if batch < n else slice(None)
                try:
                    loss, dW, db = self.objective(X[idx], y[idx], W, b)
                except ValueError:  # a validating loss (a callable) refused scores that overflowed
                    loss = np.inf
                if not np.isfinite(loss):
                    self.history["diverged_at"] = it
                    break
                self.history["loss"].append(loss)
                W, config_W = update(W, dW, config_W)
                b, config_b = update(b, db, config_b)
                if has_val and ((it + 1) % self.val_every == 0 or it + 1 == self.num_iters):
                    self.history["val_iter"].append(it + 1)
                    self.history["val_acc"].append(float(np.mean(np.argmax(X_val @ W + b, 1) == y_val)))
                if progress and it % 50 == 0:
                    bar.set_postfix(loss=f"{loss:.3f}")
        bar.close()
        self.W_, self.b_ = W, b
        return self

    # -- using the trained model ------------------------------------------------------------
    def _check_fitted(self):
        if not hasattr(self, "W_"):
            raise ValueError("this LinearClassifier is not fitted yet: call fit(X, y) first")
        if self.history["diverged_at"] is not None:
            raise ValueError(
                f"training diverged at iteration {self.history['diverged_at']} (the loss stopped "
                f"being finite): lower learning_rate={self.learning_rate}"
            )

    def decision_function(self, X):
        """Class scores, shape (N, C)."""
        self._check_fitted()
        return as_float_array(X, "X", shape=(None, self.W_.shape[0])) @ self.W_ + self.b_

    def predict(self, X):
        """Predicted class of each row of X, shape (N,)."""
        return np.argmax(self.decision_function(X), axis=1)

    def score(self, X, y):
        """Accuracy on ``(X, y)``, a float in [0, 1]."""
        scores = self.decision_function(X)
        y = as_labels(y, "y", n=scores.shape[0], num_classes=scores.shape[1])
        return float(np.mean(np.argmax(scores, axis=1) == y))
