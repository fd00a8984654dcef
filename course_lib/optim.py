"""Update rules for gradient-based optimization, and random search for contrast.

Every rule has the signature ``update(w, dw, config=None) -> (next_w, config)``:

- ``w``: current parameters (any shape); ``dw``: the gradient of the loss there.
- ``config``: a dict of hyperparameters and state (velocity, moment estimates, step
  count). Missing keys get the usual defaults; the returned dict carries the state to
  pass to the next call. ``w`` itself is never modified.

The steps and the random search are graded exercises (notebooks 07 and 10): their bodies sit
between ``### BEGIN REFERENCE <exercise id>`` / ``### END REFERENCE``, which a graded release
replaces by calls to the student's own answers (see :mod:`course_lib.mine`).
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_number


def _prepare(w, dw, config, defaults):
    w = as_float_array(w, "w")
    dw = as_float_array(dw, "dw")
    if dw.shape != w.shape:
        raise ValueError(f"dw: expected the shape of w {w.shape}, got shape {dw.shape}")
    config = {} if config is None else dict(config)
    for key, value in defaults.items():
        config.setdefault(key, value)
    check_number(config["learning_rate"], "config['learning_rate']", low=0)
    return w, dw, config


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
# update ``config`` in place: the public rules above hand them a copy.

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


# One step of each rule on plain arrays, with the signature of notebook 10's exercises:
# ``(w, dw, state..., hyperparameters...) -> (next_w, next_state...)``.

def _momentum_step(w, dw, velocity, learning_rate, momentum):
    ### BEGIN REFERENCE momentum_step
    v = momentum * velocity - learning_rate * dw
    return w + v, v
    ### END REFERENCE


def _rmsprop_step(w, dw, cache, learning_rate, decay_rate, epsilon):
    ### BEGIN REFERENCE rmsprop_step
    cache = decay_rate * cache + (1 - decay_rate) * dw**2
    return w - learning_rate * dw / (np.sqrt(cache) + epsilon), cache
    ### END REFERENCE


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
    ### BEGIN REFERENCE random_search_best
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
    ### END REFERENCE
