"""The linear score function and a linear classifier trained by minibatch gradient descent.

The lecture writes ``f(x, W) = Wx + b`` for one column vector ``x``. With N examples in the
rows of ``X`` (N, D) the same thing reads ``scores = X @ W + b`` with ``W`` of shape (D, C)
and ``b`` of shape (C,): row i of ``scores`` is ``W_lecture @ x_i + b``. Column c of ``W``
(row c of the lecture's W) is the *template* of class c.

:func:`linear_scores` is the open library's own (notebook 01 has no scores exercise any more); in a
graded release the classifier's losses and update rules are the student's own (see
:mod:`course_lib.answers`).
"""

from __future__ import annotations

import math

import numpy as np

from course_lib import losses, optim
from course_lib._validation import as_float_array, as_labels, check_choice, check_number
from course_lib.regularization import _TRUSTED_PENALTIES, PENALTIES

# A built-in loss is the function of ``course_lib.losses`` that the public one runs after
# validating: fit validates X and y once, so the scores it builds need no re-check. Looked
# up at fit time, so that whatever course_lib.losses holds then is what trains.
LOSSES = {"svm": "_svm_loss", "softmax": "_softmax_loss"}

# The default schedule, used when num_iters is not given: a short run of minibatch steps
# whose learning rate is annealed from a high start to zero along a cosine. Each built-in
# loss has its own (the hinge loss needs more, smaller steps and a stronger penalty to
# settle); a callable loss gets the softmax one. An explicit num_iters runs that many steps
# at a constant learning rate with the CONSTANT defaults, as every notebook does.
DEFAULT_SCHEDULE = {
    "softmax": {"reg": 1e-4, "num_iters": 150, "batch_size": 100, "learning_rate": 0.2},
    "svm": {"reg": 3e-3, "num_iters": 200, "batch_size": 64, "learning_rate": 0.1},
}
CONSTANT_DEFAULTS = {"reg": 1e-4, "batch_size": 200, "learning_rate": 1e-2}
LR_SCHEDULES = ("cosine", "constant")

# minibatch indices are drawn this many steps at a time (the same numbers as one draw per step)
_DRAW_STEPS = 256


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


def cosine_learning_rates(learning_rate, num_iters):
    """The learning rate of each step, annealed from ``learning_rate`` towards 0 along a cosine.

    Step ``t`` (from 0) uses ``learning_rate * (1 + cos(pi * t / num_iters)) / 2``.

    Returns
    -------
    rates : ndarray, shape (num_iters,)
    """
    return learning_rate * 0.5 * (1.0 + np.cos(np.pi * np.arange(num_iters) / num_iters))


class LinearClassifier:
    """A linear classifier ``scores = X @ W + b`` trained with minibatch SGD.

    With no arguments it runs the default schedule of its loss (``DEFAULT_SCHEDULE``): a
    short run of minibatch Adam steps whose learning rate is annealed along a cosine from a
    high start to zero, so that the noisy steps settle near the minimum. Give ``num_iters``
    to run exactly that many steps at a constant learning rate (``CONSTANT_DEFAULTS`` fill
    in what is not given), as the notebooks do.

    Parameters
    ----------
    loss : {"svm", "softmax"} or callable
        Data loss; a callable takes ``(scores, y)`` and returns ``(loss, dscores)``, like
        notebook 03's ``svm_loss_vectorized`` and notebook 05's ``softmax_loss_vectorized``
        (it is checked once on a few examples, then trusted).
    reg : float >= 0, optional
        Regularization strength (lambda); the objective is ``data_loss + reg * R(W)``.
        Default: the schedule's (softmax 1e-4, svm 3e-3), or 1e-4 with an explicit num_iters.
    regularization : {"l2", "l1", "elastic_net"}
    learning_rate : float > 0, optional
        Step size; with the cosine schedule, the first step's. Default: the schedule's
        (softmax 0.2, svm 0.1) with the cosine schedule, 1e-2 with the constant one.
    batch_size : int >= 1, optional
        Examples per step (sampled with replacement); capped at N. Default: the schedule's
        (softmax 100, svm 64), or 200 with an explicit num_iters.
    num_iters : int >= 1, optional
        Number of steps. Default: the schedule's (softmax 150, svm 200).
    optimizer : {"sgd", "sgd_momentum", "rmsprop", "adam"} or callable, optional
        The update rule (default "adam"): a name, a rule ``update(w, dw, config) ->
        (next_w, config)`` (see ``course_lib.optim``), or one of notebook 10's step
        functions ``momentum_step``, ``rmsprop_step``, ``adam_step``, told apart by their
        number of parameters (see :func:`course_lib.optim.resolve_update`). It is called once
        per step on all parameters, W and b flattened into one vector; a callable is
        checked once, on a zero gradient, before training.
    weight_scale : float >= 0
        Standard deviation of the initial weights.
    seed : int
        Seeds initialisation and minibatch sampling.
    val_every : int >= 1
        With validation data, measure validation accuracy every ``val_every`` iterations.
    lr_schedule : {"cosine", "constant"}, optional
        How the learning rate changes over the steps (see :func:`cosine_learning_rates`).
        Default: "cosine" when ``num_iters`` is not given, "constant" when it is.
    update : str or callable, optional
        The same as ``optimizer`` (the name notebook 10 uses); give one of the two.

    Attributes
    ----------
    W_ : ndarray, shape (D, C)
    b_ : ndarray, shape (C,)
    history : dict
        ``"loss"``: the minibatch objective at every iteration; ``"val_acc"`` and
        ``"val_iter"``: validation accuracy and when it was measured; ``"diverged_at"``:
        the iteration where the loss stopped being finite, or None.
    """

    def __init__(self, loss="softmax", reg=None, regularization="l2", learning_rate=None,
                 batch_size=None, num_iters=None, optimizer=None, weight_scale=1e-3,
                 seed=0, val_every=50, lr_schedule=None, update=None):
        if not callable(loss):
            check_choice(loss, "loss", LOSSES)
        if optimizer is not None and update is not None:
            raise ValueError("optimizer, update: expected one of the two (they are the same setting), got both")
        self._rule_argument = "update" if update is not None else "optimizer"  # for error messages
        optimizer = update if update is not None else ("adam" if optimizer is None else optimizer)
        if not callable(optimizer):
            check_choice(optimizer, self._rule_argument, optim.UPDATE_RULES)
        check_choice(regularization, "regularization", PENALTIES)
        if lr_schedule is None:
            lr_schedule = "cosine" if num_iters is None else "constant"
        check_choice(lr_schedule, "lr_schedule", LR_SCHEDULES)
        schedule = DEFAULT_SCHEDULE["softmax" if callable(loss) else loss]
        defaults = schedule if num_iters is None else CONSTANT_DEFAULTS
        self.loss = loss
        self.reg = check_number(defaults["reg"] if reg is None else reg, "reg", low=0)
        self.regularization = regularization
        if learning_rate is None:  # a cosine schedule starts high; constant steps stay small
            cosine = lr_schedule == "cosine" or num_iters is None
            learning_rate = schedule["learning_rate"] if cosine else CONSTANT_DEFAULTS["learning_rate"]
        self.learning_rate = check_number(learning_rate, "learning_rate", low=0, low_inclusive=False)
        self.batch_size = check_number(defaults["batch_size"] if batch_size is None else batch_size, "batch_size",
                                       low=1, integer=True)
        self.num_iters = check_number(schedule["num_iters"] if num_iters is None else num_iters, "num_iters",
                                      low=1, integer=True)
        self.optimizer = optimizer
        self.weight_scale = check_number(weight_scale, "weight_scale", low=0)
        self.seed = seed
        self.val_every = check_number(val_every, "val_every", low=1, integer=True)
        self.lr_schedule = lr_schedule

    @property
    def update(self):
        """The update rule (the same as ``optimizer``)."""
        return self.optimizer

    def _data_loss(self):
        """The loss function: a built-in one of course_lib.losses, or the callable given."""
        return getattr(losses, LOSSES[self.loss]) if isinstance(self.loss, str) else self.loss

    # -- the objective ------------------------------------------------------------------
    def objective(self, X, y, W, b):
        """Full objective and its gradients on ``(X, y)`` (validated arrays).

        Returns
        -------
        loss : float
        dW : ndarray, shape (D, C)
        db : ndarray, shape (C,)
        """
        loss, dscores = self._data_loss()(X @ W + b, y)
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
        # W and b live in one flat parameter vector (and their gradients in another), so that
        # each step is one call of the update rule; the rules are elementwise, so the numbers
        # are those of updating W and b separately
        params = np.empty(d * num_classes + num_classes)
        W, b = _split(params, d, num_classes)
        W[...] = self.weight_scale * rng.standard_normal((d, num_classes))
        b[...] = 0.0
        data_loss = self._data_loss()
        if callable(self.loss):
            _check_loss_output(data_loss, X[: min(n, 4)] @ W + b, y[: min(n, 4)])
        update, config = optim.resolve_update(self.optimizer, self.learning_rate, params, name=self._rule_argument)
        val = (X_val, y_val) if has_val else None
        params, self.history = _train(self, X, y, params, num_classes, data_loss, update, config, rng, val, progress)
        W, b = _split(params, d, num_classes)
        self.W_, self.b_ = W.copy(), b.copy()
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


def _check_loss_output(data_loss, scores, y):
    """Run a callable loss once on a few examples and check ``(loss, dscores)``: the one check at the boundary."""
    label = f"loss ({getattr(data_loss, '__name__', 'your function')})"
    result = data_loss(scores, y)
    if not isinstance(result, tuple) or len(result) != 2:
        got = f"a tuple of {len(result)} values" if isinstance(result, tuple) else type(result).__name__
        raise ValueError(f"{label}: expected it to return (loss, dscores), got {got}")
    if np.ndim(result[0]) != 0:
        raise ValueError(f"{label}: expected loss to be a number, got shape {np.shape(result[0])}")
    if np.shape(result[1]) != scores.shape:
        raise ValueError(f"{label}: expected dscores of shape {scores.shape} (the shape of scores), "
                         f"got shape {np.shape(result[1])}")


def _split(params, d, c):
    """Views of the weights (D, C) and the biases (C,) in a flat parameter vector."""
    return params[: d * c].reshape(d, c), params[d * c:]


def _train(model, X, y, params, num_classes, data_loss, update, config, rng, val, progress):
    """The minibatch loop, on validated inputs. Returns the trained parameters and the history."""
    n, d = X.shape
    num_iters, reg = model.num_iters, model.reg
    penalty = _TRUSTED_PENALTIES[model.regularization]
    batch = min(model.batch_size, n)
    rates = cosine_learning_rates(model.learning_rate, num_iters) if model.lr_schedule == "cosine" else None
    loss_history = np.empty(num_iters)
    history = {"loss": None, "val_acc": [], "val_iter": [], "diverged_at": None}
    W, b = _split(params, d, num_classes)
    steps_done = 0
    Xs, ys = X, y  # the whole set when a batch covers it
    from tqdm.auto import tqdm  # imported here: course_lib stays importable with numpy alone

    bar = tqdm(range(num_iters), disable=not progress, desc="training", leave=False)
    with np.errstate(over="ignore", invalid="ignore"):
        for it in bar:
            if batch < n:
                if it % _DRAW_STEPS == 0:
                    drawn = rng.integers(0, n, size=(min(_DRAW_STEPS, num_iters - it), batch))
                rows = drawn[it % _DRAW_STEPS]
                Xs, ys = X.take(rows, axis=0), y.take(rows)
            scores = Xs @ W
            scores += b
            try:
                data, dscores = data_loss(scores, ys)
            except ValueError:  # a validating loss (a callable) refused scores that overflowed
                data = np.inf
            pen, dpen = penalty(W)
            loss = float(data) + reg * pen
            if not math.isfinite(loss):
                history["diverged_at"] = it
                break
            loss_history[it] = loss
            steps_done = it + 1
            grad = np.empty_like(params)
            dW, db = _split(grad, d, num_classes)
            np.matmul(Xs.T, dscores, out=dW)
            dW += reg * dpen
            np.add.reduce(dscores, axis=0, out=db)
            if rates is not None:
                config["learning_rate"] = rates[it]
            params, config = update(params, grad, config)
            W, b = _split(params, d, num_classes)
            if val is not None and ((it + 1) % model.val_every == 0 or it + 1 == num_iters):
                history["val_iter"].append(it + 1)
                history["val_acc"].append(float(np.mean(np.argmax(val[0] @ W + b, 1) == val[1])))
            if progress and it % 50 == 0:
                bar.set_postfix(loss=f"{loss:.3f}")
    bar.close()
    history["loss"] = loss_history[:steps_done].tolist()
    return params, history
