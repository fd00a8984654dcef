"""The linear score function and a linear classifier trained by minibatch gradient descent.

The lecture writes ``f(x, W) = Wx + b`` for one column vector ``x``. With N examples in the
rows of ``X`` (N, D) the same thing reads ``scores = X @ W + b`` with ``W`` of shape (D, C)
and ``b`` of shape (C,): row i of ``scores`` is ``W_lecture @ x_i + b``. Column c of ``W``
(row c of the lecture's W) is the *template* of class c.

:class:`LinearClassifier` is a scikit-learn estimator (parameters stored as given and checked by
``fit``, ``get_params``/``set_params``, fitted attributes ending with ``_``, ``NotFittedError``)
built on numpy alone; :mod:`course_lib.estimator` holds the protocol.

:func:`linear_scores` is the open library's own (notebook 01 has no scores exercise any more); in a
graded release the classifier's losses and update rules are the student's own (see
:mod:`course_lib.answers`).
"""

from __future__ import annotations

import math
import numbers

import numpy as np

from course_lib import losses, optim
from course_lib._validation import (
    as_feature_matrix,
    as_float_array,
    as_labels,
    check_choice,
    check_number,
    encode_labels,
)
from course_lib.estimator import Estimator, not_fitted
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


class LinearClassifier(Estimator):
    """A linear classifier ``scores = X @ W + b`` trained with minibatch SGD, in scikit-learn's form.

    With no arguments it runs the default schedule of its loss (``DEFAULT_SCHEDULE``): a
    short run of minibatch Adam steps whose learning rate is annealed along a cosine from a
    high start to zero, so that the noisy steps settle near the minimum. Give ``num_iters``
    to run exactly that many steps at a constant learning rate (``CONSTANT_DEFAULTS`` fill
    in what is not given), as the notebooks do.

    It is a scikit-learn estimator without needing scikit-learn: the parameters are stored as
    given (``None`` stands for the schedule's default) and checked by ``fit``, which records the
    values it used in ``settings_``; ``get_params``/``set_params`` work as in scikit-learn (so do
    ``clone``, ``GridSearchCV`` and ``Pipeline``); what ``fit`` learns ends with ``_``; and
    ``predict``, ``decision_function``, ``predict_proba`` or ``score`` before ``fit`` raise
    :class:`~course_lib.estimator.NotFittedError`.

    Labels can be any sortable values (integers, strings): ``classes_`` holds them sorted and
    column k of ``W_`` (and of the scores) belongs to ``classes_[k]``. With the lecture's labels
    0 .. C-1 (every data set of the workbook), ``classes_`` is ``0 .. C-1`` and column c of
    ``W_`` is the template of class c. A class absent from ``y`` gets a column only when
    ``fit(..., classes=...)`` names it.

    Where it differs from scikit-learn's classifiers, on purpose: a column ``y`` of shape (N, 1)
    is refused instead of flattened with a warning (course_lib reshapes nothing silently), and
    ``predict_proba`` exists with ``loss="softmax"`` only. With two classes ``W_`` still has two
    columns (the lecture's form); ``decision_function`` gives their difference, as scikit-learn does.

    Parameters
    ----------
    loss : {"svm", "softmax"} or callable
        Data loss; a callable takes ``(scores, y)`` with ``y`` the class indices in [0, C)
        and returns ``(loss, dscores)``, like notebook 03's ``svm_loss_vectorized`` and
        notebook 05's ``softmax_loss_vectorized`` (it is checked once on a few examples, then
        trusted).
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
    random_state : int, None or numpy.random.Generator
        Drives every random choice (the initial weights, the minibatches) through
        ``np.random.default_rng(random_state)``: an int gives the same model at every fit,
        None fresh randomness, and a Generator is used as it is (and advanced, so two fits
        with the same one differ). Nothing touches numpy's global random state.
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
        The weights; column k is the template of class ``classes_[k]``.
    b_ : ndarray, shape (C,)
    classes_ : ndarray, shape (C,)
        The class labels seen by ``fit`` (or given to it), sorted.
    n_features_in_ : int
        D, the number of features ``fit`` saw; ``predict`` refuses any other.
    n_iter_ : int
        The steps taken: ``num_iters``, or fewer if training diverged.
    history_ : dict
        ``"loss"``: the minibatch objective at every step; ``"val_acc"`` and
        ``"val_iter"``: validation accuracy and when it was measured; ``"diverged_at"``:
        the step where the loss stopped being finite, or None.
    settings_ : dict
        What ``fit`` trained with, defaults filled in: ``loss``, ``reg``, ``regularization``,
        ``learning_rate``, ``batch_size``, ``num_iters``, ``optimizer``, ``lr_schedule``,
        ``weight_scale``, ``val_every``.
    """

    def __init__(self, loss="softmax", reg=None, regularization="l2", learning_rate=None,
                 batch_size=None, num_iters=None, optimizer=None, weight_scale=1e-3,
                 random_state=0, val_every=50, lr_schedule=None, update=None):
        self.loss = loss
        self.reg = reg
        self.regularization = regularization
        self.learning_rate = learning_rate
        self.batch_size = batch_size
        self.num_iters = num_iters
        self.optimizer = optimizer
        self.weight_scale = weight_scale
        self.random_state = random_state
        self.val_every = val_every
        self.lr_schedule = lr_schedule
        self.update = update

    def _settings(self) -> dict:
        """The parameters checked, with the schedule's defaults filled in: what ``fit`` trains with."""
        loss = self.loss
        if not callable(loss):
            check_choice(loss, "loss", LOSSES)
        if self.optimizer is not None and self.update is not None:
            raise ValueError("optimizer, update: expected one of the two (they are the same setting), got both")
        rule_argument = "update" if self.update is not None else "optimizer"
        rule = self.update if self.update is not None else ("adam" if self.optimizer is None else self.optimizer)
        if not callable(rule):
            check_choice(rule, rule_argument, optim.UPDATE_RULES)
        check_choice(self.regularization, "regularization", PENALTIES)
        explicit = self.num_iters is not None
        lr_schedule = ("constant" if explicit else "cosine") if self.lr_schedule is None else self.lr_schedule
        check_choice(lr_schedule, "lr_schedule", LR_SCHEDULES)
        schedule = DEFAULT_SCHEDULE["softmax" if callable(loss) else loss]
        defaults = CONSTANT_DEFAULTS if explicit else schedule
        learning_rate = self.learning_rate
        if learning_rate is None:  # a cosine schedule starts high; constant steps stay small
            cosine = lr_schedule == "cosine" or not explicit
            learning_rate = schedule["learning_rate"] if cosine else CONSTANT_DEFAULTS["learning_rate"]
        return {
            "loss": loss,
            "reg": check_number(defaults["reg"] if self.reg is None else self.reg, "reg", low=0),
            "regularization": self.regularization,
            "learning_rate": check_number(learning_rate, "learning_rate", low=0, low_inclusive=False),
            "batch_size": check_number(defaults["batch_size"] if self.batch_size is None else self.batch_size,
                                       "batch_size", low=1, integer=True),
            "num_iters": check_number(schedule["num_iters"] if self.num_iters is None else self.num_iters,
                                      "num_iters", low=1, integer=True),
            "optimizer": rule,
            "lr_schedule": lr_schedule,
            "weight_scale": check_number(self.weight_scale, "weight_scale", low=0),
            "val_every": check_number(self.val_every, "val_every", low=1, integer=True),
        }

    def __sklearn_tags__(self):
        # only scikit-learn calls this (clone, is_classifier, check_estimator), so it may import scikit-learn
        from sklearn.utils import ClassifierTags, InputTags, Tags, TargetTags

        return Tags(estimator_type="classifier", target_tags=TargetTags(required=True),
                    classifier_tags=ClassifierTags(), input_tags=InputTags())

    # -- the objective ------------------------------------------------------------------
    def objective(self, X, y, W, b):
        """The objective this classifier minimises, and its gradients, at ``(W, b)`` on ``(X, y)``.

        Parameters
        ----------
        X : array_like, shape (N, D)
        y : array_like of int, shape (N,)
            Class indices in [0, C) (the columns of ``W``), as in the lecture.
        W : array_like, shape (D, C)
        b : array_like, shape (C,)

        Returns
        -------
        loss : float
            ``data_loss + reg * R(W)``, with ``reg`` and ``R`` of this classifier's settings.
        dW : ndarray, shape (D, C)
        db : ndarray, shape (C,)
        """
        settings = self._settings()
        X = as_float_array(X, "X", ndim=2)
        W = as_float_array(W, "W", shape=(X.shape[1], None))
        b = as_float_array(b, "b", shape=(W.shape[1],))
        y = as_labels(y, "y", n=X.shape[0], num_classes=W.shape[1])
        loss, dscores = _data_loss(settings["loss"])(X @ W + b, y)
        penalty, dpenalty = _TRUSTED_PENALTIES[settings["regularization"]](W)
        dW = X.T @ dscores + settings["reg"] * dpenalty
        return float(loss) + settings["reg"] * penalty, dW, dscores.sum(axis=0)

    # -- training ----------------------------------------------------------------------
    def fit(self, X, y, X_val=None, y_val=None, progress=False, classes=None):
        """Train on ``(X, y)``; return ``self``.

        Parameters
        ----------
        X : array_like, shape (N, D)
        y : array_like, shape (N,)
            Class labels (integers, strings...; see ``classes_``).
        X_val : array_like, shape (M, D), optional
        y_val : array_like, shape (M,), optional
            Validation data, scored every ``val_every`` steps into ``history_``; its labels must
            be among the classes.
        progress : bool
            Show a tqdm progress bar with the current loss.
        classes : array_like, optional
            All the classes, when ``y`` may miss some; by default the labels found in ``y``.
        """
        settings = self._settings()
        random_state = _check_random_state(self.random_state)
        X = as_feature_matrix(X, "X")
        classes, y = encode_labels(y, "y", n=X.shape[0], classes=classes)
        num_classes = classes.size
        has_val = X_val is not None or y_val is not None
        if has_val:
            if X_val is None or y_val is None:
                raise ValueError("X_val, y_val: expected both or neither, got only one")
            X_val = as_feature_matrix(X_val, "X_val", n_features=X.shape[1], owner="X")
            _, y_val = encode_labels(y_val, "y_val", n=X_val.shape[0], classes=classes)

        rng = np.random.default_rng(random_state)
        n, d = X.shape
        # W and b live in one flat parameter vector (and their gradients in another), so that
        # each step is one call of the update rule; the rules are elementwise, so the numbers
        # are those of updating W and b separately
        params = np.empty(d * num_classes + num_classes)
        W, b = _split(params, d, num_classes)
        W[...] = settings["weight_scale"] * rng.standard_normal((d, num_classes))
        b[...] = 0.0
        data_loss = _data_loss(settings["loss"])
        if callable(settings["loss"]):
            _check_loss_output(data_loss, X[: min(n, 4)] @ W + b, y[: min(n, 4)])
        rule_argument = "update" if self.update is not None else "optimizer"  # the name the user gave
        update, config = optim.resolve_update(settings["optimizer"], settings["learning_rate"], params,
                                              name=rule_argument)
        val = (X_val, y_val) if has_val else None
        params, history = _train(settings, X, y, params, num_classes, data_loss, update, config, rng, val, progress)
        W, b = _split(params, d, num_classes)
        self.W_, self.b_ = W.copy(), b.copy()
        self.classes_ = classes
        self.n_features_in_ = d
        self.history_ = history
        self.n_iter_ = len(history["loss"])
        self.settings_ = settings
        return self

    # -- using the trained model ------------------------------------------------------------
    def _scores(self, X):
        """Validated class scores ``X @ W_ + b_``, shape (N, C), of a fitted model that did not diverge."""
        if not hasattr(self, "W_"):
            raise not_fitted(self)
        if self.history_["diverged_at"] is not None:
            raise ValueError(
                f"training diverged at iteration {self.history_['diverged_at']} (the loss stopped "
                f"being finite): lower learning_rate={self.settings_['learning_rate']}"
            )
        X = as_feature_matrix(X, "X", n_features=self.n_features_in_, owner=type(self).__name__)
        return X @ self.W_ + self.b_

    def decision_function(self, X):
        """Class scores: shape (N, C), or for two classes, as in scikit-learn, ``s_1 - s_0`` of shape (N,).

        With two classes a positive value means ``classes_[1]``.
        """
        scores = self._scores(X)
        return scores[:, 1] - scores[:, 0] if scores.shape[1] == 2 else scores

    def predict(self, X):
        """Predicted label of each row of X (the class with the highest score), shape (N,)."""
        scores = self._scores(X)
        return self.classes_[np.argmax(scores, axis=1)]

    @property
    def predict_proba(self):
        """Class probabilities ``softmax(X @ W_ + b_)``, shape (N, C); columns in the order of ``classes_``.

        Only with ``loss="softmax"``, the loss that fits probabilities; with the hinge loss or
        a loss of your own the scores are no probabilities, and the model has no
        ``predict_proba`` (as scikit-learn's ``SGDClassifier(loss="hinge")``).
        """
        if not (isinstance(self.loss, str) and self.loss == "softmax"):
            raise AttributeError(f"predict_proba: available with loss='softmax' only (its scores estimate "
                                 f"probabilities), this {type(self).__name__} has loss={_named(self.loss)}")
        return self._predict_proba

    def _predict_proba(self, X):
        return losses.softmax(self._scores(X))

    def score(self, X, y):
        """Accuracy on ``(X, y)``: the fraction of rows whose predicted label is ``y``'s, a float in [0, 1]."""
        predicted = self.predict(X)
        y = np.asarray(y)
        if y.shape != predicted.shape:
            raise ValueError(f"y: expected shape {predicted.shape} (one label per row of X), got shape {y.shape}")
        return np.count_nonzero(predicted == y) / y.size


def _data_loss(loss):
    """The loss function: a built-in one of course_lib.losses (looked up now), or the callable given."""
    return getattr(losses, LOSSES[loss]) if isinstance(loss, str) else loss


def _named(value) -> str:
    return getattr(value, "__name__", None) or repr(value)


def _check_random_state(random_state):
    """``random_state`` as given, if ``np.random.default_rng`` takes it as a seed: None, an int >= 0, a Generator."""
    if random_state is None or isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, numbers.Integral) and not isinstance(random_state, bool) and random_state >= 0:
        return random_state
    hint = " (the legacy generator: use np.random.default_rng(seed))" \
        if isinstance(random_state, np.random.RandomState) else ""
    raise ValueError(f"random_state: expected None, an int >= 0 or a numpy.random.Generator, "
                     f"got {type(random_state).__name__} {random_state!r}{hint}")


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


def _train(settings, X, y, params, num_classes, data_loss, update, config, rng, val, progress):
    """The minibatch loop, on validated inputs and settings. Returns the trained parameters and the history."""
    n, d = X.shape
    num_iters, reg = settings["num_iters"], settings["reg"]
    penalty = _TRUSTED_PENALTIES[settings["regularization"]]
    batch = min(settings["batch_size"], n)
    val_every = settings["val_every"]
    rates = cosine_learning_rates(settings["learning_rate"], num_iters) if settings["lr_schedule"] == "cosine" else None
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
            if val is not None and ((it + 1) % val_every == 0 or it + 1 == num_iters):
                history["val_iter"].append(it + 1)
                history["val_acc"].append(float(np.mean(np.argmax(val[0] @ W + b, 1) == val[1])))
            if progress and it % 50 == 0:
                bar.set_postfix(loss=f"{loss:.3f}")
    bar.close()
    history["loss"] = loss_history[:steps_done].tolist()
    return params, history
