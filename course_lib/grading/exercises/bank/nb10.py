"""Exercises of ``10_update_rules.ipynb``: Adam's step with the bias correction derived, and one learning rate per rule.

- ``adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon)`` (design 4.3, item 23). The notebook states
  the two running averages ``m = b1 m + (1 - b1) dw``, ``v = b2 v + (1 - b2) dw**2`` and the uncorrected step
  ``w - lr m / (sqrt(v) + eps)``; the student derives the factor that makes the averages unbiased when they start
  at zero (``1 - b**t``, ``t`` the number of this step, 1 for the first) and steps with the corrected ones. The
  answer returns the next weights and the *uncorrected* averages (the next step's state). Momentum and RMSProp
  are course_lib's open rules (``cl.sgd_momentum``, ``cl.rmsprop``), not exercises.
- ``tuned_learning_rates`` (item 24): one learning rate per rule, graded on what training the digits with the
  student's own parts achieves (:func:`course_lib.grading.exercises.judges.tuned_learning_rates`).
"""

from __future__ import annotations

import numpy as np

from course_lib.grading.exercises.model import Case, Exercise, Mistake
from course_lib.grading.exercises.plain import NamedJudge
from course_lib.optim import adam

FORBIDDEN = ("sgd", "sgd_momentum", "rmsprop", "adam", "UPDATE_RULES", "LinearClassifier")


# --- exercise 1: Adam ---------------------------------------------------------------------------------

def adam_reference(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    """One Adam step; ``t`` is this step's number (1 for the first).

    Returns
    -------
    next_w, next_m, next_v : ndarray, shape of ``w``
        ``next_m`` and ``next_v`` uncorrected.
    """
    config = {"learning_rate": learning_rate, "beta1": beta1, "beta2": beta2, "epsilon": epsilon,
              "m": np.asarray(m, float), "v": np.asarray(v, float), "t": t - 1}
    next_w, config = adam(w, dw, config)
    return next_w, config["m"], config["v"]


def _averages(dw, m, v, beta1, beta2):
    return beta1 * m + (1 - beta1) * dw, beta2 * v + (1 - beta2) * dw**2


def _step(w, m_hat, v_hat, learning_rate, epsilon):
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)


def _adam_no_bias_correction(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m, v = _averages(dw, m, v, beta1, beta2)
    return _step(w, m, v, learning_rate, epsilon), m, v


def _adam_step_off_by_one(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m, v = _averages(dw, m, v, beta1, beta2)
    return _step(w, m / (1 - beta1 ** (t + 1)), v / (1 - beta2 ** (t + 1)), learning_rate, epsilon), m, v


def _adam_t_minus_one(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m, v = _averages(dw, m, v, beta1, beta2)
    return _step(w, m / (1 - beta1 ** (t - 1)), v / (1 - beta2 ** (t - 1)), learning_rate, epsilon), m, v


def _adam_power_of_one_minus_beta(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m, v = _averages(dw, m, v, beta1, beta2)
    return _step(w, m / (1 - (1 - beta1) ** t), v / (1 - (1 - beta2) ** t), learning_rate, epsilon), m, v


def _adam_one_factor(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m, v = _averages(dw, m, v, beta1, beta2)
    return _step(w, m / (1 - beta1**t), v / (1 - beta1**t), learning_rate, epsilon), m, v


def _adam_multiplied(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m, v = _averages(dw, m, v, beta1, beta2)
    return _step(w, m * (1 - beta1**t), v * (1 - beta2**t), learning_rate, epsilon), m, v


def _adam_state_not_returned(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    next_w = adam_reference(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon)[0]
    return next_w, m, v


def _adam_returns_corrected(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m, v = _averages(dw, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return _step(w, m_hat, v_hat, learning_rate, epsilon), m_hat, v_hat


def _adam_eps_inside(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m, v = _averages(dw, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - learning_rate * m_hat / np.sqrt(v_hat + epsilon), m, v


def _adam_no_sqrt(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m, v = _averages(dw, m, v, beta1, beta2)
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - learning_rate * m_hat / (v_hat + epsilon), m, v


def _adam_raw_gradient(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m, v = _averages(dw, m, v, beta1, beta2)
    return _step(w, dw, v / (1 - beta2**t), learning_rate, epsilon), m, v


def _adam_old_averages(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    # steps with the averages it was given, then updates them
    step = _step(w, m / (1 - beta1**t), v / (1 - beta2**t), learning_rate, epsilon)
    return (step, *_averages(dw, m, v, beta1, beta2))


def _adam_weights_swapped(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    # m = (1 - beta1) m + beta1 dw: the old average gets the small weight
    m, v = (1 - beta1) * m + beta1 * dw, (1 - beta2) * v + beta2 * dw**2
    return _step(w, m / (1 - beta1**t), v / (1 - beta2**t), learning_rate, epsilon), m, v


def _adam_second_not_squared(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    # v averages dw itself: its square root is NaN wherever it turns negative
    m, v = beta1 * m + (1 - beta1) * dw, beta2 * v + (1 - beta2) * dw
    return _step(w, m / (1 - beta1**t), v / (1 - beta2**t), learning_rate, epsilon), m, v


def _arrays(seed, shape):
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape), rng.normal(scale=2.0, size=shape), rng.normal(scale=0.5, size=shape)


def _adam_case(seed, shape, t, learning_rate, beta1, beta2, epsilon):
    w, dw, m = _arrays(seed, shape)
    v = np.random.default_rng(seed + 100).uniform(0.05, 3.0, size=shape)
    return (w, dw, m, v, t, learning_rate, beta1, beta2, epsilon)


def _zero_second_average_case():
    """Weights whose gradient and second average are both 0 (a pixel no image uses): they move by m alone."""
    w, dw, m, v, *rest = _adam_case(27, (3, 2), 10, 0.05, 0.8, 0.99, 1e-3)
    dw[:, 0], v[:, 0] = 0.0, 0.0
    return (w, dw, m, v, *rest)


ADAM = Exercise(
    id="adam_step",
    notebook="10_update_rules",
    answer="adam_step",
    points=3,
    title="One step of Adam, with the correction for averages that start at zero",
    reference=adam_reference,
    public=(
        Case((np.array([1.0, -2.0, 0.5]), np.array([0.5, 4.0, -0.001]), np.zeros(3), np.zeros(3), 1, 0.1, 0.9, 0.999,
              1e-8), "first step (t = 1): both averages start at zero"),
        Case(_adam_case(21, (4,), 3, 0.01, 0.9, 0.999, 0.1), "4 weights at step 3, epsilon = 0.1"),
        Case(_zero_second_average_case(), "a 3 x 2 weight matrix at step 10; one column has dw = 0 and v = 0"),
    ),
    hidden=(
        ### BEGIN HIDDEN TESTS
        Case(_adam_case(23, (5, 3), 2, 0.001, 0.9, 0.999, 1e-8), "5 x 3 weights at step 2"),
        Case(_adam_case(24, (1,), 1, 0.5, 0.5, 0.7, 0.2), "a single weight, first step, warm averages"),
        Case(_adam_case(25, (2, 3), 10, 0.02, 0.95, 0.9, 0.05), "2 x 3 weights at step 10"),
        Case((np.array([0.3, -0.7, 1.1]), np.array([1e-3, -50.0, 2.0]), np.zeros(3), np.zeros(3), 1,
              0.01, 0.9, 0.999, 1e-8), "first step: every weight moves by about the learning rate"),
        Case(_adam_case(26, (6,), 7, 0.03, 0.6, 0.95, 1e-3), "6 weights at step 7, beta1 = 0.6"),
        Case(_adam_case(28, (2, 2), 1000, 0.01, 0.9, 0.999, 1e-8), "step 1000: the correction has nearly faded"),
        ### END HIDDEN TESTS
    ),
    mistakes=(
        Mistake("no_bias_correction", "On the first step from zero averages, each weight should move by about "
                "learning_rate; yours does not: the averages start at zero and are too small at first. Find the "
                "factor that makes them equal a constant gradient (and its square) at every step t, and step with "
                "the corrected averages.", _adam_no_bias_correction),
        Mistake("step_off_by_one", "The correction uses the number of this step: t is already 1 on the first "
                "step (not t + 1).", _adam_step_off_by_one),
        Mistake("t_minus_one", "t is already 1 on the first step: with a correction built on t - 1, the first "
                "step divides by zero.", _adam_t_minus_one),
        Mistake("power_of_one_minus_beta", "Work out m after t steps of a constant gradient g from m = 0: the "
                "weights of g form a geometric sum in beta, not a power of (1 - beta).",
                _adam_power_of_one_minus_beta),
        Mistake("one_factor", "Each average has its own correction: m's comes from beta1, v's from beta2.",
                _adam_one_factor),
        Mistake("multiplied_correction", "The averages start too small, so the correction must make them larger: "
                "check your factor on the first step, where m is (1 - beta1) times the gradient.", _adam_multiplied),
        Mistake("state_not_returned", "Return the *updated* averages m and v: the next step starts from them "
                "(returning the ones you were given loses the state).", _adam_state_not_returned),
        Mistake("returns_corrected", "Return the averages themselves (uncorrected) as next_m and next_v: the "
                "correction only scales this step's move, and the next step updates the raw averages.",
                _adam_returns_corrected),
        Mistake("eps_inside_sqrt", "epsilon is added after the square root of the second average, not inside it.",
                _adam_eps_inside),
        Mistake("no_sqrt", "Divide by the square root of the (corrected) second average: v averages squared "
                "gradients.", _adam_no_sqrt),
        Mistake("raw_gradient", "Adam steps along the (corrected) first average m, not along dw.",
                _adam_raw_gradient),
        Mistake("weights_swapped", "Each average keeps beta of its old value and takes (1 - beta) of the new "
                "gradient: with beta close to 1 it changes slowly. Yours gives the new gradient the weight beta.",
                _adam_weights_swapped),
        Mistake("second_average_not_squared", "v is the average of the SQUARED gradient, dw**2: an average of dw "
                "itself can be negative, and its square root is then NaN.", _adam_second_not_squared),
        Mistake("old_averages", "Update the two averages with this step's gradient first, then step with them.",
                _adam_old_averages),
    ),
    output_names=("next_w", "next_m", "next_v"),
    forbidden=FORBIDDEN,
)


# --- exercise 2: one learning rate per rule (outcome judge) -------------------------------------------

# the judge's parameters (design 4.3, item 24): 18 epochs of batches of 64 (orders from seed 0), lambda = 1e-3;
# the mean of the last 20 minibatch losses must be <= 0.42 for every rule
TUNING = (18, 64, 1e-3, 20, 0.42, 0)


def _tuned_example():
    return {"sgd": 1.0, "momentum": 0.1, "rmsprop": 0.01, "adam": 0.03}  # each rule's best of the notebook's sweep


TUNED = Exercise(
    id="tuned_learning_rates",
    notebook="10_update_rules",
    answer="tuned_learning_rates",
    points=2,
    kind="value",
    title="One learning rate per update rule, each good enough on the digits",
    reference=_tuned_example,
    public=(Case(TUNING, "18 epochs of batches of 64 on the digits, with your sgd_epochs and adam_step"),),
    judge=NamedJudge("course_lib.grading.exercises.judges:tuned_learning_rates"),
)

EXERCISES = (ADAM, TUNED)
