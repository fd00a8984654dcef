"""Exercises of ``10_update_rules.ipynb``: one step of momentum, RMSProp and Adam.

Each answer takes the current weights ``w``, the gradient ``dw`` there, the rule's state
from the previous step and its hyperparameters, and returns the next weights followed by
the new state (plain arrays, so no dict crosses to the grader). The formulas are the ones
of ``course_lib.optim``, which serves as the reference:

- momentum: ``v = mu * v - lr * dw``; ``w = w + v``;
- RMSProp: ``cache = rho * cache + (1 - rho) * dw**2``; ``w = w - lr * dw / (sqrt(cache) + eps)``;
- Adam (``t`` is the number of this step, 1 for the first): ``m = b1 * m + (1 - b1) * dw``,
  ``v = b2 * v + (1 - b2) * dw**2``, ``w = w - lr * m_hat / (sqrt(v_hat) + eps)`` with
  ``m_hat = m / (1 - b1**t)`` and ``v_hat = v / (1 - b2**t)``.

Cases use random non-degenerate arrays with non-zero state, several shapes, and an
``eps`` large enough in some cases that where it sits changes the result.
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.optim import adam, rmsprop, sgd_momentum

FORBIDDEN = ("sgd", "sgd_momentum", "rmsprop", "adam", "UPDATE_RULES", "LinearClassifier")


def _arrays(seed, shape, *, positive_state=False, count=3):
    """``count`` random arrays of ``shape``; with ``positive_state`` the last ones are >= 0 (caches)."""
    rng = np.random.default_rng(seed)
    out = [rng.normal(size=shape), rng.normal(scale=2.0, size=shape)]
    for _ in range(count - 2):
        out.append(rng.uniform(0.05, 3.0, size=shape) if positive_state else rng.normal(scale=0.5, size=shape))
    return out


# --- exercise 1: momentum ---------------------------------------------------------------

def momentum_reference(w, dw, velocity, learning_rate, momentum):
    """One SGD + momentum step.

    Returns
    -------
    next_w : ndarray, shape of ``w``
    next_velocity : ndarray, shape of ``w``
    """
    config = {"learning_rate": learning_rate, "momentum": momentum, "velocity": np.asarray(velocity, float)}
    next_w, config = sgd_momentum(w, dw, config)
    return next_w, config["velocity"]


def _momentum_plus_gradient(w, dw, velocity, learning_rate, momentum):
    v = momentum * velocity + learning_rate * dw
    return w + v, v


def _momentum_subtracts_velocity(w, dw, velocity, learning_rate, momentum):
    v = momentum * velocity - learning_rate * dw
    return w - v, v


def _momentum_old_velocity(w, dw, velocity, learning_rate, momentum):
    v = momentum * velocity - learning_rate * dw
    return w + velocity, v


def _momentum_gradient_accumulated(w, dw, velocity, learning_rate, momentum):
    v = momentum * velocity + dw
    return w - learning_rate * v, -learning_rate * v


def _momentum_damped(w, dw, velocity, learning_rate, momentum):
    v = momentum * velocity - (1 - momentum) * learning_rate * dw
    return w + v, v


def _momentum_ignores_velocity(w, dw, velocity, learning_rate, momentum):
    v = -learning_rate * dw
    return w + v, v


def _momentum_state_not_returned(w, dw, velocity, learning_rate, momentum):
    v = momentum * velocity - learning_rate * dw
    return w + v, velocity


MOMENTUM = Exercise(
    id="momentum_step",
    notebook="10_update_rules",
    answer="momentum_step",
    points=2,
    title="One step of SGD with momentum",
    reference=momentum_reference,
    public=(
        Case((np.array([1.0, -2.0]), np.array([0.5, 4.0]), np.array([0.0, 0.0]), 0.1, 0.9),
             "first step: the velocity starts at zero"),
        Case((*_arrays(1, (4,)), 0.05, 0.9), "4 weights, velocity already moving"),
        Case((*_arrays(2, (3, 2)), 0.2, 0.5), "a 3 x 2 weight matrix, momentum 0.5"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((*_arrays(3, (5, 3)), 0.01, 0.99), "5 x 3 weights, momentum 0.99"),
        Case((*_arrays(4, (1,)), 1.0, 0.3), "a single weight, learning rate 1"),
        Case((*_arrays(5, (2, 2)), 0.3, 0.0), "momentum 0 is plain SGD"),
        Case((np.array([0.5, 0.5, -1.0]), np.array([0.0, 0.0, 0.0]), np.array([0.2, -0.4, 1.0]), 0.1, 0.8),
             "zero gradient: the weights coast on the velocity"),
        Case((*_arrays(6, (6,)), 0.07, 0.95), "6 weights, momentum 0.95"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("velocity_uphill", "The velocity collects the *negative* gradient: "
                "v = momentum * v - learning_rate * dw, then w = w + v.", _momentum_plus_gradient),
        Mistake("subtracts_velocity", "The velocity already points downhill (it collects -learning_rate * dw): "
                "add it, w = w + v.", _momentum_subtracts_velocity),
        Mistake("old_velocity", "Update the velocity first, then move the weights with the *new* velocity.",
                _momentum_old_velocity),
        Mistake("other_convention", "That is another (equivalent in spirit) form of momentum; this workbook "
                "uses v = momentum * v - learning_rate * dw and w = w + v, and returns that v.",
                _momentum_gradient_accumulated),
        Mistake("damped", "No (1 - momentum) factor here: v = momentum * v - learning_rate * dw.",
                _momentum_damped),
        Mistake("no_velocity", "The old velocity counts: multiply it by momentum and add the new step.",
                _momentum_ignores_velocity),
        Mistake("state_not_returned", "Return the *new* velocity as the second value: the next step starts "
                "from it (returning the one you were given loses the state).", _momentum_state_not_returned),
    ),
    output_names=("next_w", "next_velocity"),
    forbidden=FORBIDDEN,
)


# --- exercise 2: RMSProp ----------------------------------------------------------------

def rmsprop_reference(w, dw, cache, learning_rate, decay_rate, epsilon):
    """One RMSProp step.

    Returns
    -------
    next_w : ndarray, shape of ``w``
    next_cache : ndarray, shape of ``w``
    """
    config = {"learning_rate": learning_rate, "decay_rate": decay_rate, "epsilon": epsilon,
              "cache": np.asarray(cache, float)}
    next_w, config = rmsprop(w, dw, config)
    return next_w, config["cache"]


def _rmsprop_state_not_returned(w, dw, cache, learning_rate, decay_rate, epsilon):
    next_cache = decay_rate * cache + (1 - decay_rate) * dw**2
    return w - learning_rate * dw / (np.sqrt(next_cache) + epsilon), cache


def _rmsprop_no_sqrt(w, dw, cache, learning_rate, decay_rate, epsilon):
    cache = decay_rate * cache + (1 - decay_rate) * dw**2
    return w - learning_rate * dw / (cache + epsilon), cache


def _rmsprop_swapped_decay(w, dw, cache, learning_rate, decay_rate, epsilon):
    cache = (1 - decay_rate) * cache + decay_rate * dw**2
    return w - learning_rate * dw / (np.sqrt(cache) + epsilon), cache


def _rmsprop_eps_inside(w, dw, cache, learning_rate, decay_rate, epsilon):
    cache = decay_rate * cache + (1 - decay_rate) * dw**2
    return w - learning_rate * dw / np.sqrt(cache + epsilon), cache


def _rmsprop_old_cache(w, dw, cache, learning_rate, decay_rate, epsilon):
    new_cache = decay_rate * cache + (1 - decay_rate) * dw**2
    return w - learning_rate * dw / (np.sqrt(cache) + epsilon), new_cache


def _rmsprop_unsquared(w, dw, cache, learning_rate, decay_rate, epsilon):
    cache = decay_rate * cache + (1 - decay_rate) * np.abs(dw)
    return w - learning_rate * dw / (np.sqrt(cache) + epsilon), cache


RMSPROP = Exercise(
    id="rmsprop_step",
    notebook="10_update_rules",
    answer="rmsprop_step",
    points=2,
    title="One step of RMSProp",
    reference=rmsprop_reference,
    public=(
        Case((np.array([1.0, -2.0]), np.array([0.5, 4.0]), np.array([0.0, 0.0]), 0.01, 0.99, 1e-8),
             "first step: the cache starts at zero"),
        Case((*_arrays(11, (4,), positive_state=True), 0.05, 0.9, 0.1), "4 weights, a warm cache, eps = 0.1"),
        Case((*_arrays(12, (3, 2), positive_state=True), 0.1, 0.99, 1e-8), "a 3 x 2 weight matrix"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case((*_arrays(13, (5, 3), positive_state=True), 0.001, 0.999, 1e-8), "5 x 3 weights, decay 0.999"),
        Case((*_arrays(14, (1,), positive_state=True), 0.5, 0.5, 0.2), "a single weight, decay 0.5"),
        Case((*_arrays(15, (2, 3), positive_state=True), 0.02, 0.8, 0.05), "2 x 3 weights, eps = 0.05"),
        Case((np.array([0.3, -0.7, 1.1]), np.array([1e-3, -50.0, 2.0]), np.array([0.0, 0.0, 0.0]), 0.01, 0.9, 1e-8),
             "gradients of very different sizes take steps of similar size"),
        Case((*_arrays(16, (6,), positive_state=True), 0.03, 0.95, 1e-3), "6 weights, decay 0.95"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("no_sqrt", "Divide by the root of the cache, np.sqrt(cache) + epsilon: the cache holds squared "
                "gradients.", _rmsprop_no_sqrt),
        Mistake("swapped_decay", "The old cache keeps the weight decay_rate and the new squared gradient gets "
                "(1 - decay_rate).", _rmsprop_swapped_decay),
        Mistake("eps_inside_sqrt", "epsilon is added after the square root: np.sqrt(cache) + epsilon.",
                _rmsprop_eps_inside),
        Mistake("old_cache", "Update the cache with this step's gradient first, then divide by its root.",
                _rmsprop_old_cache),
        Mistake("not_squared", "The cache averages the *squared* gradient, dw ** 2.", _rmsprop_unsquared),
        Mistake("state_not_returned", "Return the *updated* cache as the second value: the next step starts "
                "from it (returning the one you were given loses the state).", _rmsprop_state_not_returned),
    ),
    output_names=("next_w", "next_cache"),
    forbidden=FORBIDDEN,
)


# --- exercise 3: Adam -------------------------------------------------------------------

def adam_reference(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    """One Adam step; ``t`` is this step's number (1 for the first).

    Returns
    -------
    next_w, next_m, next_v : ndarray, shape of ``w``
    """
    config = {"learning_rate": learning_rate, "beta1": beta1, "beta2": beta2, "epsilon": epsilon,
              "m": np.asarray(m, float), "v": np.asarray(v, float), "t": t - 1}
    next_w, config = adam(w, dw, config)
    return next_w, config["m"], config["v"]


def _adam_parts(dw, m, v, beta1, beta2):
    return beta1 * m + (1 - beta1) * dw, beta2 * v + (1 - beta2) * dw**2


def _adam_no_bias_correction(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m, v = _adam_parts(dw, m, v, beta1, beta2)
    return w - learning_rate * m / (np.sqrt(v) + epsilon), m, v


def _adam_step_off_by_one(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m, v = _adam_parts(dw, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1 ** (t + 1)), v / (1 - beta2 ** (t + 1))
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m, v


def _adam_t_minus_one(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m, v = _adam_parts(dw, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1 ** (t - 1)), v / (1 - beta2 ** (t - 1))
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m, v


def _adam_state_not_returned(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    next_w = adam_reference(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon)[0]
    return next_w, m, v


def _adam_returns_corrected(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m, v = _adam_parts(dw, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m_hat, v_hat


def _adam_eps_inside(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m, v = _adam_parts(dw, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - learning_rate * m_hat / np.sqrt(v_hat + epsilon), m, v


def _adam_no_sqrt(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m, v = _adam_parts(dw, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - learning_rate * m_hat / (v_hat + epsilon), m, v


def _adam_raw_gradient(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m, v = _adam_parts(dw, m, v, beta1, beta2)
    v_hat = v / (1 - beta2**t)
    return w - learning_rate * dw / (np.sqrt(v_hat) + epsilon), m, v


def _adam_case(seed, shape, t, learning_rate, beta1, beta2, epsilon):
    w, dw, m = _arrays(seed, shape)
    v = np.random.default_rng(seed + 100).uniform(0.05, 3.0, size=shape)
    return (w, dw, m, v, t, learning_rate, beta1, beta2, epsilon)


ADAM = Exercise(
    id="adam_step",
    notebook="10_update_rules",
    answer="adam_step",
    points=3,
    title="One step of Adam",
    reference=adam_reference,
    public=(
        Case((np.array([1.0, -2.0]), np.array([0.5, 4.0]), np.zeros(2), np.zeros(2), 1, 0.1, 0.9, 0.999, 1e-8),
             "first step (t = 1): both moments start at zero"),
        Case(_adam_case(21, (4,), 3, 0.01, 0.9, 0.999, 0.1), "4 weights at step 3, eps = 0.1"),
        Case(_adam_case(22, (3, 2), 10, 0.05, 0.8, 0.99, 1e-8), "a 3 x 2 weight matrix at step 10"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case(_adam_case(23, (5, 3), 2, 0.001, 0.9, 0.999, 1e-8), "5 x 3 weights at step 2"),
        Case(_adam_case(24, (1,), 1, 0.5, 0.5, 0.7, 0.2), "a single weight, first step, warm moments"),
        Case(_adam_case(25, (2, 3), 50, 0.02, 0.95, 0.9, 0.05), "2 x 3 weights at step 50"),
        Case((np.array([0.3, -0.7, 1.1]), np.array([1e-3, -50.0, 2.0]), np.zeros(3), np.zeros(3), 1,
              0.01, 0.9, 0.999, 1e-8), "first step: every weight moves by about the learning rate"),
        Case(_adam_case(26, (6,), 7, 0.03, 0.6, 0.95, 1e-3), "6 weights at step 7"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("no_bias_correction", "Divide the moments by (1 - beta1 ** t) and (1 - beta2 ** t) before the "
                "step (bias correction); return the uncorrected m and v as the new state.",
                _adam_no_bias_correction),
        Mistake("step_off_by_one", "t is already the number of this step (1 for the first): use beta ** t, "
                "not beta ** (t + 1).", _adam_step_off_by_one),
        Mistake("t_minus_one", "t is already the number of this step (1 for the first): with beta ** (t - 1) "
                "the first step divides by 1 - beta ** 0 = 0.", _adam_t_minus_one),
        Mistake("state_not_returned", "Return the *updated* moments m and v: the next step starts from them "
                "(returning the ones you were given loses the state).", _adam_state_not_returned),
        Mistake("returns_corrected", "Return the raw moments m and v as the state; the bias-corrected ones "
                "are only used for this step.", _adam_returns_corrected),
        Mistake("eps_inside_sqrt", "epsilon is added after the square root: np.sqrt(v_hat) + epsilon.",
                _adam_eps_inside),
        Mistake("no_sqrt", "Divide by the root of the second moment, np.sqrt(v_hat) + epsilon.", _adam_no_sqrt),
        Mistake("raw_gradient", "Adam steps along the (corrected) first moment m_hat, not along dw.",
                _adam_raw_gradient),
    ),
    output_names=("next_w", "next_m", "next_v"),
    forbidden=FORBIDDEN,
)

EXERCISES = (MOMENTUM, RMSPROP, ADAM)
