"""Update rules for gradient-based optimization, and random search for contrast.

Every rule has the signature ``update(w, dw, config=None) -> (next_w, config)``:

- ``w``: current parameters (any shape); ``dw``: the gradient of the loss there.
- ``config``: a dict of hyperparameters and state (velocity, moment estimates, step
  count). Missing keys get the usual defaults; the returned dict carries the state to
  pass to the next call. Neither ``w`` nor the arrays in the ``config`` passed in are
  modified.

``resolve_update`` turns what a training loop is given (a rule's name, a rule of this
signature, or a one-step function of notebook 10) into a rule of this signature, checked
once, so that the loop itself never re-validates.

Adam's step and the epoch loop :func:`sgd_epochs` are graded exercises (notebooks 10 and 09): their bodies
sit between ``### BEGIN REFERENCE <exercise id>`` / ``### END REFERENCE``, which a graded release replaces by
calls to the student's own answers (see :mod:`course_lib.answers`). Momentum, RMSProp and the random search
are open: notebook 10 shows the first two and asks for Adam, notebook 07 shows the search.

Workbook v3 trains with a *step*, ``step(w, dw) -> next_w``, that keeps its own state:
:func:`sgd_epochs` (notebook 09's exercise: the epoch loop, one batch after another in given
orders) takes one, :func:`epoch_orders` draws the orders, :func:`adam_steps` builds a step from
notebook 10's ``adam_step``, and :func:`as_step` / :func:`as_rule` convert between a step and a rule
of the form above (the optimizer race's).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

import numpy as np

from course_lib._validation import as_float_array, check_callable, check_number

# the state a rule keeps between calls; the public rules copy it, so that the trusted
# steps below may update it in place
_STATE_KEYS = ("velocity", "cache", "m", "v")


def _prepare(w, dw, config, defaults):
    w = as_float_array(w, "w")
    dw = as_float_array(dw, "dw")
    if dw.shape != w.shape:
        raise ValueError(f"dw: expected the shape of w {w.shape}, got shape {dw.shape}")
    config = {} if config is None else dict(config)
    for key, value in defaults.items():
        config.setdefault(key, value)
    check_number(config["learning_rate"], "config['learning_rate']", low=0)
    for key in _STATE_KEYS:
        if config.get(key) is not None:
            config[key] = _own_state(config[key], key, w.shape)
    return w, dw, config


def _own_state(state, key, shape):
    """A float64 copy of a state array, broadcast to the parameters' shape."""
    state = np.asarray(state, dtype=np.float64)
    try:
        return np.broadcast_to(state, shape).copy()
    except ValueError:
        raise ValueError(f"config[{key!r}]: expected the shape of w {shape}, got shape {state.shape}") from None


DEFAULTS = {
    "sgd": {"learning_rate": 1e-2},
    "sgd_momentum": {"learning_rate": 1e-2, "momentum": 0.9},
    "rmsprop": {"learning_rate": 1e-2, "decay_rate": 0.99, "epsilon": 1e-8},
    "adam": {"learning_rate": 1e-3, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8},
}


def sgd(w, dw, config=None):
    """Vanilla gradient step ``w - learning_rate * dw``.

    config: ``learning_rate`` (1e-2).
    """
    return _sgd(*_prepare(w, dw, config, DEFAULTS["sgd"]))


def sgd_momentum(w, dw, config=None):
    """SGD with momentum: ``v = momentum * v - lr * dw; w = w + v``.

    config: ``learning_rate`` (1e-2), ``momentum`` (0.9), state ``velocity``.
    """
    return _sgd_momentum(*_prepare(w, dw, config, DEFAULTS["sgd_momentum"]))


def rmsprop(w, dw, config=None):
    """RMSProp: scale each step by a running RMS of recent gradients.

    ``cache = decay * cache + (1 - decay) * dw^2; w = w - lr * dw / (sqrt(cache) + eps)``.
    config: ``learning_rate`` (1e-2), ``decay_rate`` (0.99), ``epsilon`` (1e-8), state ``cache``.
    """
    return _rmsprop(*_prepare(w, dw, config, DEFAULTS["rmsprop"]))


def adam(w, dw, config=None):
    """Adam: momentum on the gradient plus RMSProp scaling, both bias-corrected.

    config: ``learning_rate`` (1e-3), ``beta1`` (0.9), ``beta2`` (0.999), ``epsilon`` (1e-8),
    state ``m``, ``v`` and step count ``t``.
    """
    return _adam(*_prepare(w, dw, config, DEFAULTS["adam"]))


# The steps themselves, on validated arrays and a config holding every default. They
# update ``config`` and its state arrays in place (the public rules above hand them a
# copy) and return a new ``w``; the arithmetic is written out as in the docstrings.

def _sgd(w, dw, config):
    return w - config["learning_rate"] * dw, config


def _sgd_momentum(w, dw, config):
    v = config.get("velocity")
    v = np.zeros_like(w) if v is None else v
    next_w, config["velocity"] = _momentum_step(w, dw, v, config["learning_rate"], config["momentum"])
    return next_w, config


def _rmsprop(w, dw, config):
    cache = config.get("cache")
    cache = np.zeros_like(w) if cache is None else cache
    next_w, config["cache"] = _rmsprop_step(w, dw, cache, config["learning_rate"], config["decay_rate"],
                                            config["epsilon"])
    return next_w, config


def _adam(w, dw, config):
    m = config.get("m")
    v = config.get("v")
    m = np.zeros_like(w) if m is None else m
    v = np.zeros_like(w) if v is None else v
    t = config.get("t", 0) + 1
    next_w, m, v = _adam_step(w, dw, m, v, t, config["learning_rate"], config["beta1"], config["beta2"],
                              config["epsilon"])
    config.update(m=m, v=v, t=t)
    return next_w, config


# One step of each rule on plain arrays: ``(w, dw, state..., hyperparameters...) -> (next_w, next_state...)``
# (Adam's, with the step number t after the state, is notebook 10's exercise).

def _momentum_step(w, dw, velocity, learning_rate, momentum):
    v = momentum * velocity - learning_rate * dw
    return w + v, v


def _rmsprop_step(w, dw, cache, learning_rate, decay_rate, epsilon):
    cache = decay_rate * cache + (1 - decay_rate) * dw**2
    return w - learning_rate * dw / (np.sqrt(cache) + epsilon), cache


def _adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    ### BEGIN REFERENCE adam_step
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m, v
    ### END REFERENCE


UPDATE_RULES = {"sgd": sgd, "sgd_momentum": sgd_momentum, "rmsprop": rmsprop, "adam": adam}
_TRUSTED_RULES = {"sgd": _sgd, "sgd_momentum": _sgd_momentum, "rmsprop": _rmsprop, "adam": _adam}


# --- a rule for a training loop, from a name or the student's own function --------------

@dataclass(frozen=True)
class StepFunction:
    """How one of notebook 10's one-step functions is called: ``step(w, dw, *state, [t,] learning_rate, *hyper)``.

    It returns ``(next_w, *next_state)``.
    """

    rule: str                 # the rule of this module it implements (its hyperparameter defaults)
    state: tuple              # config keys of the state it takes and returns, in order
    hyper: tuple              # config keys of the hyperparameters after learning_rate, in order
    counts_steps: bool = False  # takes the step number t (1 for the first) after the state


# told apart by their number of parameters
STEP_FUNCTIONS = {
    5: StepFunction("sgd_momentum", ("velocity",), ("momentum",)),
    6: StepFunction("rmsprop", ("cache",), ("decay_rate", "epsilon")),
    9: StepFunction("adam", ("m", "v"), ("beta1", "beta2", "epsilon"), counts_steps=True),
}


def _step_arguments(spec, w, dw, config):
    """The arguments of one call of a step function; advances ``config['t']`` if it counts steps."""
    args = [w, dw]
    for key in spec.state:
        value = config.get(key)
        args.append(np.zeros_like(w) if value is None else value)
    if spec.counts_steps:
        config["t"] = config.get("t", 0) + 1
        args.append(config["t"])
    args.append(config["learning_rate"])
    args.extend(config[key] for key in spec.hyper)
    return args


def rule_from_step(step, spec):
    """A rule ``(w, dw, config) -> (next_w, config)`` that keeps the state a step function passes around."""
    def rule(w, dw, config):
        next_w, *state = step(*_step_arguments(spec, w, dw, config))
        config.update(zip(spec.state, state))
        return next_w, config
    rule.__name__ = getattr(step, "__name__", "step")
    return rule


def _positional_count(fn, name):
    try:
        params = inspect.signature(fn).parameters.values()
    except (TypeError, ValueError):
        raise ValueError(f"{name}: expected a Python function whose parameters can be read, got {fn!r}") from None
    kinds = [p.kind for p in params]
    if inspect.Parameter.VAR_POSITIONAL in kinds:
        raise ValueError(f"{name}: expected a function with named parameters, got one taking *args ({fn!r})")
    return sum(k in (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD) for k in kinds)


def resolve_update(update, learning_rate, w, name="update"):
    """The rule and starting config a training loop uses, validated once here.

    Parameters
    ----------
    update : str or callable
        A name in ``UPDATE_RULES``; a rule ``update(w, dw, config) -> (next_w, config)``
        (three parameters, like the rules of this module); or one of notebook 10's
        one-step functions, told apart by their number of parameters:
        ``momentum_step(w, dw, velocity, learning_rate, momentum)`` (5),
        ``rmsprop_step(w, dw, cache, learning_rate, decay_rate, epsilon)`` (6) or
        ``adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon)`` (9); these get
        the other hyperparameters of their rule from ``DEFAULTS``.
    learning_rate : float
    w : ndarray
        The parameters to be trained: a callable is run once on a copy of them and a zero
        gradient, and what it returns is checked (names and shapes).
    name : str
        The argument's name, for error messages.

    Returns
    -------
    rule : callable
        ``rule(w, dw, config) -> (next_w, config)``; it may update ``config`` and its
        arrays in place, so give it a config of its own.
    config : dict
        Hyperparameters with ``learning_rate`` set, and no state yet.
    """
    choices = sorted(UPDATE_RULES)
    if isinstance(update, str):
        if update not in UPDATE_RULES:
            raise ValueError(f"{name}: expected one of {choices} or a function, got {update!r}")
        return _TRUSTED_RULES[update], {**DEFAULTS[update], "learning_rate": learning_rate}
    if not callable(update):
        raise ValueError(f"{name}: expected one of {choices} or a function, got {type(update).__name__}")
    count = _positional_count(update, name)
    label = f"{name} ({getattr(update, '__name__', 'your function')})"
    if count == 3:
        config = {"learning_rate": learning_rate}
        result = update(w.copy(), np.zeros_like(w), dict(config))
        _check_returned(result, ("next_w", "config"), w.shape, label)
        if not isinstance(result[1], dict):
            raise ValueError(f"{label}: expected config (the second value returned) to be a dict, "
                             f"got {type(result[1]).__name__}")
        return update, config
    if count not in STEP_FUNCTIONS:
        raise ValueError(
            f"{label}: expected a rule update(w, dw, config) (3 parameters) or one of notebook 10's step "
            f"functions (momentum_step: 5, rmsprop_step: 6, adam_step: 9 parameters), got {count} parameters")
    spec = STEP_FUNCTIONS[count]
    config = {**DEFAULTS[spec.rule], "learning_rate": learning_rate}
    result = update(*_step_arguments(spec, w.copy(), np.zeros_like(w), dict(config)))
    _check_returned(result, ("next_w",) + tuple(f"next_{key}" for key in spec.state), w.shape, label)
    return rule_from_step(update, spec), config


def _check_returned(result, names, shape, label):
    want = f"({', '.join(names)})"
    if not isinstance(result, tuple) or len(result) != len(names):
        got = f"a tuple of {len(result)} values" if isinstance(result, tuple) else type(result).__name__
        raise ValueError(f"{label}: expected it to return {want}, got {got}")
    arrays = [value for key, value in zip(names, result) if key != "config"]
    for key, value in zip(names, arrays):
        if np.shape(value) != shape:
            raise ValueError(f"{label}: expected {key} of shape {shape} (the shape of w), got shape {np.shape(value)}")


def random_search(loss_fn, shape, num_tries=1000, scale=1e-3, seed=0):
    """Try random parameters and keep the best: the lecture's "Idea #2".

    Parameters
    ----------
    loss_fn : callable
        ``loss_fn(w) -> float`` for ``w`` of shape ``shape``.
    shape : tuple of int
        Shape of the parameters.
    num_tries : int >= 1
    scale : float > 0
        Standard deviation of the Gaussian each try is drawn from.
    seed : int

    Returns
    -------
    best_w : ndarray, shape ``shape``
    best_loss : float
    losses : ndarray, shape (num_tries,)
        The loss of every try, in order.
    """
    num_tries = check_number(num_tries, "num_tries", low=1, integer=True)
    scale = check_number(scale, "scale", low=0, low_inclusive=False)
    rng = np.random.default_rng(seed)
    best_w, best_loss = None, np.inf
    losses = np.empty(num_tries)
    for k in range(num_tries):
        w = rng.normal(0.0, scale, size=shape)
        loss = float(loss_fn(w))
        losses[k] = loss
        if loss < best_loss:
            best_w, best_loss = w, loss
    if best_w is None:
        raise ValueError("loss_fn: every try returned NaN; expected finite losses")
    return best_w, best_loss, losses


# --- workbook v3: training with a step, epoch by epoch ---------------------------------------

def epoch_orders(N, num_epochs, seed):
    """The order in which each epoch visits the examples: one permutation of ``range(N)`` per epoch.

    One generator, ``np.random.default_rng(seed)``, draws ``rng.permutation(N)`` for epoch 0, 1, ...
    in turn, so that the first k rows are the same for any ``num_epochs >= k``.

    Parameters
    ----------
    N : int >= 1
        The number of examples.
    num_epochs : int >= 0
    seed : int, None or numpy.random.Generator
        Anything ``np.random.default_rng`` takes.

    Returns
    -------
    orders : ndarray of int64, shape (num_epochs, N)
    """
    N = check_number(N, "N", low=1, integer=True)
    num_epochs = check_number(num_epochs, "num_epochs", low=0, integer=True)
    rng = np.random.default_rng(seed)
    orders = np.empty((num_epochs, N), dtype=np.int64)
    for row in orders:
        row[:] = rng.permutation(N)
    return orders


def _check_orders(orders, n):
    orders = np.asarray(orders)
    if orders.dtype == bool or not np.issubdtype(orders.dtype, np.integer):
        raise ValueError(f"orders: expected integer indices (one permutation of range(N) per row), "
                         f"got dtype {orders.dtype}")
    if orders.ndim != 2 or orders.shape[1] != n:
        raise ValueError(f"orders: expected shape (num_epochs, {n}) (N = {n}, the rows of X), got shape {orders.shape}")
    wrong = np.flatnonzero((np.sort(orders, axis=1) != np.arange(n)).any(axis=1))
    if wrong.size:
        raise ValueError(f"orders: expected each row to be a permutation of range({n}), row {wrong[0]} is not")
    return orders.astype(np.int64, copy=False)


def sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    """Minibatch gradient descent by epochs: each epoch visits its order in consecutive batches.

    For each row ``order`` of ``orders`` (one epoch), the examples ``order[0:B]``, ``order[B:2B]``, ...
    form the batches (the last one may be smaller; a batch never mixes two epochs). For each batch:
    ``loss, dw = loss_grad(w, X[batch], y[batch])`` at the current ``w``, then ``w = step(w, dw)``.
    With ``batch_size >= N`` every epoch is one full-batch gradient step.

    Parameters
    ----------
    loss_grad : callable
        ``loss_grad(w, X_batch, y_batch) -> (loss, dw)``, ``dw`` of w's shape.
    step : callable
        ``step(w, dw) -> next_w``; it may keep state between calls (:func:`adam_steps`, :func:`as_step`)
        and may change its argument in place.
    w0 : array_like, any shape
        The starting point; left unchanged.
    X : array_like, shape (N, D)
    y : array_like, shape (N,)
        Labels (or targets), passed to ``loss_grad`` batch by batch.
    batch_size : int >= 1
    orders : array_like of int, shape (E, N)
        Row e: the order in which epoch e visits the examples, a permutation of ``range(N)``
        (:func:`epoch_orders`).

    Returns
    -------
    w : ndarray, shape of w0
        Where the last step ends.
    losses : ndarray, shape (E * ceil(N / batch_size),)
        Every batch's loss, in order (each taken before its step).
    """
    check_callable(loss_grad, "loss_grad")
    check_callable(step, "step")
    w0 = as_float_array(w0, "w0")
    X = as_float_array(X, "X", ndim=2)
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y: expected shape ({X.shape[0]},) (one per row of X), got shape {y.shape}")
    batch_size = check_number(batch_size, "batch_size", low=1, integer=True)
    orders = _check_orders(orders, X.shape[0])
    return _sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders)


def _sgd_epochs(loss_grad, step, w0, X, y, batch_size, orders):
    """:func:`sgd_epochs` on validated inputs."""
    ### BEGIN REFERENCE sgd_epochs
    w = w0.copy()
    losses = []
    for order in orders:
        for start in range(0, len(order), batch_size):
            batch = order[start:start + batch_size]
            loss, dw = loss_grad(w, X[batch], y[batch])
            losses.append(float(loss))
            w = step(w, dw)
    return np.asarray(w, dtype=np.float64), np.array(losses, dtype=np.float64)
    ### END REFERENCE


class AdamSteps:
    """A stateful ``step(w, dw) -> next_w`` that runs an ``adam_step`` function; build it with :func:`adam_steps`.

    Attributes
    ----------
    m, v : ndarray or None
        The running averages (None before the first step).
    t : int
        Steps taken.
    """

    def __init__(self, adam_step, learning_rate, beta1, beta2, epsilon):
        self.adam_step = adam_step
        self.learning_rate, self.beta1, self.beta2, self.epsilon = learning_rate, beta1, beta2, epsilon
        self.m = self.v = None
        self.t = 0

    def __call__(self, w, dw):
        w = np.asarray(w, dtype=np.float64)
        dw = np.asarray(dw, dtype=np.float64)
        if dw.shape != w.shape:
            raise ValueError(f"dw: expected the shape of w {w.shape}, got shape {dw.shape}")
        if self.m is None:
            self.m, self.v = np.zeros_like(w), np.zeros_like(w)
        elif self.m.shape != w.shape:
            raise ValueError(f"w: expected shape {self.m.shape} (the shape of the first step's w), got shape {w.shape}")
        self.t += 1
        label = f"adam_step ({getattr(self.adam_step, '__name__', 'your function')})"
        result = self.adam_step(w, dw, self.m, self.v, self.t, self.learning_rate, self.beta1, self.beta2,
                                self.epsilon)
        _check_returned(result, ("next_w", "next_m", "next_v"), w.shape, label)
        next_w, m, v = (np.array(value, dtype=np.float64) for value in result)
        self.m, self.v = m, v
        return next_w

    def __repr__(self) -> str:
        return (f"adam_steps({getattr(self.adam_step, '__name__', 'adam_step')}, learning_rate={self.learning_rate}, "
                f"beta1={self.beta1}, beta2={self.beta2}, epsilon={self.epsilon}) after {self.t} steps")


def adam_steps(adam_step, learning_rate, beta1=0.9, beta2=0.999, epsilon=1e-8):
    """A stateful step ``step(w, dw) -> next_w`` for :func:`sgd_epochs`, built from an ``adam_step`` function.

    Parameters
    ----------
    adam_step : callable
        ``adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon) -> (next_w, next_m, next_v)``,
        notebook 10's exercise (``t`` counts from 1; the moments start at zero).
    learning_rate : float > 0
    beta1, beta2 : float in [0, 1)
    epsilon : float > 0

    Returns
    -------
    AdamSteps
        Call it as ``step(w, dw)``; it keeps ``m``, ``v`` and ``t`` between calls. Make a new one
        for each training run.
    """
    check_callable(adam_step, "adam_step")
    learning_rate = check_number(learning_rate, "learning_rate", low=0, low_inclusive=False)
    beta1 = check_number(beta1, "beta1", low=0)
    beta2 = check_number(beta2, "beta2", low=0)
    for name, value in (("beta1", beta1), ("beta2", beta2)):
        if value >= 1:
            raise ValueError(f"{name}: expected a value < 1, got {value!r}")
    epsilon = check_number(epsilon, "epsilon", low=0, low_inclusive=False)
    return AdamSteps(adam_step, learning_rate, beta1, beta2, epsilon)


def as_step(rule, config=None):
    """A stateful step ``step(w, dw) -> next_w`` from an update rule ``rule(w, dw, config) -> (next_w, config)``.

    The rule's state (velocity, moments, step count) is kept from one call to the next, as a training
    loop of this module keeps it.

    Parameters
    ----------
    rule : str or callable
        A name in ``UPDATE_RULES`` (``"sgd"``, ``"sgd_momentum"``, ``"rmsprop"``, ``"adam"``) or a rule
        of that form (the optimizer race's ``update_rules``).
    config : dict, optional
        The first call's config: hyperparameters such as ``learning_rate`` (copied; not modified).

    Returns
    -------
    callable
        ``step(w, dw) -> next_w``.
    """
    if isinstance(rule, str):
        if rule not in UPDATE_RULES:
            raise ValueError(f"rule: expected one of {sorted(UPDATE_RULES)} or a function, got {rule!r}")
        rule = UPDATE_RULES[rule]
    check_callable(rule, "rule")
    if config is not None and not isinstance(config, dict):
        raise ValueError(f"config: expected a dict of hyperparameters, got {type(config).__name__}")
    state = {"config": dict(config or {})}

    def step(w, dw):
        result = rule(w, dw, state["config"])
        if not isinstance(result, tuple) or len(result) != 2 or not isinstance(result[1], dict):
            raise ValueError(f"rule ({getattr(rule, '__name__', 'your function')}): expected it to return "
                             f"(next_w, config), config a dict")
        next_w, state["config"] = result
        return next_w

    step.__name__ = f"step_of_{getattr(rule, '__name__', 'rule')}"
    return step


def as_rule(step_function):
    """An update rule ``rule(w, dw, config) -> (next_w, config)`` from a step function, for the optimizer race.

    Parameters
    ----------
    step_function : callable
        Either one of notebook 10's step functions, told apart by their number of parameters
        (see :func:`resolve_update`): ``adam_step(w, dw, m, v, t, learning_rate, beta1, beta2,
        epsilon)`` (9), ``momentum_step(w, dw, velocity, learning_rate, momentum)`` (5),
        ``rmsprop_step(w, dw, cache, learning_rate, decay_rate, epsilon)`` (6): the rule keeps their
        state in ``config`` and takes ``learning_rate`` from it (the race's slider), the other
        hyperparameters from ``config`` or else ``DEFAULTS``; or a step ``step(w, dw) -> next_w``
        (2 parameters), which keeps its own state and learning rate (``config`` is passed through).

    Returns
    -------
    callable
        ``rule(w, dw, config) -> (next_w, config)``; the config passed in is not modified.
    """
    check_callable(step_function, "step_function")
    count = _positional_count(step_function, "step_function")
    name = getattr(step_function, "__name__", "step")
    if count == 2:
        def rule(w, dw, config=None):
            return step_function(w, dw), dict(config or {})
    elif count in STEP_FUNCTIONS:
        spec = STEP_FUNCTIONS[count]
        keep = rule_from_step(step_function, spec)

        def rule(w, dw, config=None):
            config = {**DEFAULTS[spec.rule], **(config or {})}
            return keep(w, dw, config)
    else:
        raise ValueError(f"step_function ({name}): expected a step(w, dw) (2 parameters) or one of notebook 10's "
                         f"step functions (momentum_step: 5, rmsprop_step: 6, adam_step: 9 parameters), "
                         f"got {count} parameters")
    rule.__name__ = name
    return rule
