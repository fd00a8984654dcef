# ruff: noqa: E501 (answer sources and their edits are kept on one line each)
"""Wrong and unusual-but-correct answers for notebook 10's exercise (hint corpus, issue 12).

``CORRECT[exercise_id]``: answer-cell sources that must pass; ``WRONG[exercise_id]``: pairs of
(answer-cell source, the ``Mistake.name`` its check must name, or ``"generic:<kind>"``). The wrong corrections are
the ones a student deriving the factor gets wrong; the notebook states only the uncorrected step.
"""

ADAM = '''
def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    next_m = beta1 * m + (1 - beta1) * dw
    next_v = beta2 * v + (1 - beta2) * dw**2
    m_hat = next_m / (1 - beta1**t)
    v_hat = next_v / (1 - beta2**t)
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), next_m, next_v
'''

CORRECTION = "m_hat = next_m / (1 - beta1**t)\n    v_hat = next_v / (1 - beta2**t)"


def edit(source, old, new):
    """``source`` with ``old`` replaced once (the edit must apply)."""
    assert old in source, old
    return source.replace(old, new, 1)


CORRECT = {
    "adam_step": [
        ADAM,
        '''
def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m = m + (1 - beta1) * (dw - m)
    v = v + (1 - beta2) * (dw * dw - v)
    step = learning_rate * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return w - step * m / (np.sqrt(v) + epsilon * np.sqrt(1 - beta2**t)), m, v
''',
        '''
def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    # the weights of a constant gradient after t steps: (1 - b) * (1 + b + ... + b**(t-1)) = 1 - b**t
    weight1 = (1 - beta1) * sum(beta1**k for k in range(t))
    weight2 = (1 - beta2) * sum(beta2**k for k in range(t))
    new_m = beta1 * m + (1 - beta1) * dw
    new_v = beta2 * v + (1 - beta2) * np.square(dw)
    return w - learning_rate * (new_m / weight1) / (np.sqrt(new_v / weight2) + epsilon), new_m, new_v
''',
    ],
}

WRONG = {
    "adam_step": [
        (edit(ADAM, CORRECTION, "m_hat = next_m\n    v_hat = next_v"), "no_bias_correction"),
        (edit(ADAM, CORRECTION, "m_hat = next_m / (1 - beta1**(t + 1))\n    v_hat = next_v / (1 - beta2**(t + 1))"), "step_off_by_one"),
        (edit(ADAM, CORRECTION, "m_hat = next_m / (1 - beta1**(t - 1))\n    v_hat = next_v / (1 - beta2**(t - 1))"), "t_minus_one"),
        (edit(ADAM, CORRECTION, "m_hat = next_m / (1 - (1 - beta1)**t)\n    v_hat = next_v / (1 - (1 - beta2)**t)"), "power_of_one_minus_beta"),
        (edit(ADAM, CORRECTION, "correction = 1 - beta1**t\n    m_hat = next_m / correction\n    v_hat = next_v / correction"), "one_factor"),
        (edit(ADAM, CORRECTION, "m_hat = next_m * (1 - beta1**t)\n    v_hat = next_v * (1 - beta2**t)"), "multiplied_correction"),
        (edit(ADAM, "epsilon), next_m, next_v", "epsilon), m, v"), "state_not_returned"),
        (edit(ADAM, "epsilon), next_m, next_v", "epsilon), m_hat, v_hat"), "returns_corrected"),
        (edit(ADAM, "(np.sqrt(v_hat) + epsilon)", "np.sqrt(v_hat + epsilon)"), "eps_inside_sqrt"),
        (edit(ADAM, "(np.sqrt(v_hat) + epsilon)", "(v_hat + epsilon)"), "no_sqrt"),
        (edit(ADAM, "learning_rate * m_hat", "learning_rate * dw"), "raw_gradient"),
        ('''
def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    next_w = w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)
    return next_w, beta1 * m + (1 - beta1) * dw, beta2 * v + (1 - beta2) * dw**2
''', "old_averages"),
    ],
}
