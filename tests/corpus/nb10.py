# ruff: noqa: E501 (answer sources and their edits are kept on one line each)
"""Wrong and unusual-but-correct answers for notebook 10's exercises (hint corpus, issue 12).

``CORRECT[exercise_id]``: answer-cell sources that must pass; ``WRONG[exercise_id]``: pairs of
(answer-cell source, the ``Mistake.name`` its check must name, or ``"generic:<kind>"``).
"""

MOM = '''
def momentum_step(w, dw, velocity, learning_rate, momentum):
    next_velocity = momentum * velocity - learning_rate * dw
    return w + next_velocity, next_velocity
'''

RMS = '''
def rmsprop_step(w, dw, cache, learning_rate, decay_rate, epsilon):
    next_cache = decay_rate * cache + (1 - decay_rate) * dw**2
    return w - learning_rate * dw / (np.sqrt(next_cache) + epsilon), next_cache
'''

ADAM = '''
def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    next_m = beta1 * m + (1 - beta1) * dw
    next_v = beta2 * v + (1 - beta2) * dw**2
    m_hat = next_m / (1 - beta1**t)
    v_hat = next_v / (1 - beta2**t)
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), next_m, next_v
'''


def edit(source, old, new):
    """``source`` with ``old`` replaced once (the edit must apply)."""
    assert old in source, old
    return source.replace(old, new, 1)


CORRECT = {
    "momentum_step": [
        '''
def momentum_step(w, dw, velocity, learning_rate, momentum):
    velocity = velocity * momentum
    velocity = velocity - learning_rate * dw
    return w.copy() + velocity, velocity
''',
    ],
    "rmsprop_step": [
        '''
def rmsprop_step(w, dw, cache, learning_rate, decay_rate, epsilon):
    cache = cache + (1 - decay_rate) * (np.square(dw) - cache)  # the same running average, rearranged
    return w - learning_rate * dw / (cache ** 0.5 + epsilon), cache
''',
    ],
    "adam_step": [
        '''
def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m = m + (1 - beta1) * (dw - m)
    v = v + (1 - beta2) * (dw * dw - v)
    step = learning_rate * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return w - step * m / (np.sqrt(v) + epsilon * np.sqrt(1 - beta2**t)), m, v
''',
    ],
}

WRONG = {
    "momentum_step": [
        (edit(MOM, "- learning_rate * dw", "+ learning_rate * dw"), "velocity_uphill"),
        (edit(MOM, "return w + next_velocity", "return w - next_velocity"), "subtracts_velocity"),
        (edit(MOM, "return w + next_velocity", "return w + velocity"), "old_velocity"),
        (edit(MOM, "momentum * velocity - learning_rate * dw", "momentum * velocity - (1 - momentum) * learning_rate * dw"),
         "damped"),
        (edit(MOM, "momentum * velocity - learning_rate * dw", "-learning_rate * dw"), "no_velocity"),
        (edit(MOM, "return w + next_velocity, next_velocity", "return w + next_velocity, velocity"), "state_not_returned"),
        ('''
def momentum_step(w, dw, velocity, learning_rate, momentum):
    v = momentum * velocity + dw
    return w - learning_rate * v, -learning_rate * v
''', "other_convention"),
    ],
    "rmsprop_step": [
        (edit(RMS, "(np.sqrt(next_cache) + epsilon)", "(next_cache + epsilon)"), "no_sqrt"),
        (edit(RMS, "decay_rate * cache + (1 - decay_rate) * dw**2", "(1 - decay_rate) * cache + decay_rate * dw**2"),
         "swapped_decay"),
        (edit(RMS, "(np.sqrt(next_cache) + epsilon)", "np.sqrt(next_cache + epsilon)"), "eps_inside_sqrt"),
        (edit(RMS, "(np.sqrt(next_cache) + epsilon)", "(np.sqrt(cache) + epsilon)"), "old_cache"),
        (edit(RMS, "(1 - decay_rate) * dw**2", "(1 - decay_rate) * dw"), "not_squared"),
        (edit(RMS, "+ epsilon), next_cache", "+ epsilon), cache"), "state_not_returned"),
    ],
    "adam_step": [
        (edit(ADAM, "m_hat = next_m / (1 - beta1**t)\n    v_hat = next_v / (1 - beta2**t)",
              "m_hat = next_m\n    v_hat = next_v"), "no_bias_correction"),
        (edit(ADAM, "m_hat = next_m / (1 - beta1**t)\n    v_hat = next_v / (1 - beta2**t)",
              "m_hat = next_m / (1 - beta1**(t + 1))\n    v_hat = next_v / (1 - beta2**(t + 1))"), "step_off_by_one"),
        (edit(ADAM, "m_hat = next_m / (1 - beta1**t)\n    v_hat = next_v / (1 - beta2**t)",
              "m_hat = next_m / (1 - beta1**(t - 1))\n    v_hat = next_v / (1 - beta2**(t - 1))"), "t_minus_one"),
        (edit(ADAM, "epsilon), next_m, next_v", "epsilon), m, v"), "state_not_returned"),
        (edit(ADAM, "epsilon), next_m, next_v", "epsilon), m_hat, v_hat"), "returns_corrected"),
        (edit(ADAM, "(np.sqrt(v_hat) + epsilon)", "np.sqrt(v_hat + epsilon)"), "eps_inside_sqrt"),
        (edit(ADAM, "(np.sqrt(v_hat) + epsilon)", "(v_hat + epsilon)"), "no_sqrt"),
        (edit(ADAM, "learning_rate * m_hat", "learning_rate * dw"), "raw_gradient"),
    ],
}
