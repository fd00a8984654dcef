"""Independent answers for 10_update_rules, written from the exercise text only (authors: careful, beginner, terse, slides)."""
# ruff: noqa: E501
ENTRIES = [
    # ---------------- adam_step ----------------
    {"id": "nb10-adam-c01", "exercise": "adam_step", "name": "adam_step",
     "author": "careful", "correct": True, "mistake": "",
     "note": "textbook Adam: update both averages, correct by 1 - beta^t, return the uncorrected averages",
     "source": r'''def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    next_m = beta1 * m + (1 - beta1) * dw
    next_v = beta2 * v + (1 - beta2) * dw**2
    m_hat = next_m / (1 - beta1**t)
    v_hat = next_v / (1 - beta2**t)
    next_w = w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)
    return next_w, next_m, next_v
'''},
    {"id": "nb10-adam-c02", "exercise": "adam_step", "name": "adam_step",
     "author": "beginner", "correct": True, "mistake": "",
     "note": "step by step with intermediate names, np.power and np.square",
     "source": r'''def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    # first moment (like momentum)
    m_new = beta1 * m + (1 - beta1) * dw
    # second moment (like RMSProp)
    v_new = beta2 * v + (1 - beta2) * np.square(dw)
    # after t steps of a constant g, m = (1 - beta1^t) g, so divide by that
    correction1 = 1 - np.power(beta1, t)
    correction2 = 1 - np.power(beta2, t)
    m_corrected = m_new / correction1
    v_corrected = v_new / correction2
    step = learning_rate * m_corrected / (np.sqrt(v_corrected) + epsilon)
    w_new = w - step
    return w_new, m_new, v_new
'''},
    {"id": "nb10-adam-c03", "exercise": "adam_step", "name": "adam_step",
     "author": "terse", "correct": True, "mistake": "",
     "note": "the paper's folded form with the epsilon rescaled so it is exactly the same update",
     "source": r'''def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw * dw
    c1, c2 = 1 - beta1**t, np.sqrt(1 - beta2**t)
    return w - (learning_rate * c2 / c1) * m / (np.sqrt(v) + epsilon * c2), m, v
'''},
    {"id": "nb10-adam-w01", "exercise": "adam_step", "name": "adam_step",
     "author": "slides", "correct": False,
     "mistake": "no bias correction: steps with m / (sqrt(v) + eps)",
     "note": "copies the 'uncorrected step' formula shown above the exercise",
     "source": r'''def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw**2
    w = w - learning_rate * m / (np.sqrt(v) + epsilon)
    return w, m, v
'''},
    {"id": "nb10-adam-w02", "exercise": "adam_step", "name": "adam_step",
     "author": "beginner", "correct": False,
     "mistake": "returns the corrected averages m_hat, v_hat instead of the uncorrected ones",
     "note": "overwrites m and v with their corrected versions before returning",
     "source": r'''def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * (dw ** 2)
    m = m / (1 - beta1 ** t)
    v = v / (1 - beta2 ** t)
    w = w - learning_rate * m / (np.sqrt(v) + epsilon)
    return w, m, v
'''},
    {"id": "nb10-adam-w03", "exercise": "adam_step", "name": "adam_step",
     "author": "careful", "correct": False,
     "mistake": "correction with beta^(t + 1): treats t as counting from 0",
     "note": "loop counters start at 0, so the student adds 1",
     "source": r'''def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    next_m = beta1 * m + (1 - beta1) * dw
    next_v = beta2 * v + (1 - beta2) * dw**2
    m_hat = next_m / (1 - beta1 ** (t + 1))
    v_hat = next_v / (1 - beta2 ** (t + 1))
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), next_m, next_v
'''},
    {"id": "nb10-adam-w04", "exercise": "adam_step", "name": "adam_step",
     "author": "terse", "correct": False,
     "mistake": "epsilon inside the square root: sqrt(v_hat + eps)",
     "note": "a common variant seen in some code bases",
     "source": r'''def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw**2
    return w - learning_rate * (m / (1 - beta1**t)) / np.sqrt(v / (1 - beta2**t) + epsilon), m, v
'''},
    {"id": "nb10-adam-w05", "exercise": "adam_step", "name": "adam_step",
     "author": "careful", "correct": False,
     "mistake": "updates w, m and v in place (w -= ..., m *= beta1, ...): the caller's arrays change",
     "note": "in-place ops to save memory",
     "source": r'''def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m *= beta1
    m += (1 - beta1) * dw
    v *= beta2
    v += (1 - beta2) * dw**2
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    w -= learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)
    return w, m, v
'''},
    {"id": "nb10-adam-w06", "exercise": "adam_step", "name": "adam_step",
     "author": "beginner", "correct": False,
     "mistake": "beta and 1 - beta swapped in the averages: m = (1 - beta1) m + beta1 dw",
     "note": "mixes up which factor weights the memory",
     "source": r'''def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m_new = (1 - beta1) * m + beta1 * dw
    v_new = (1 - beta2) * v + beta2 * dw**2
    m_hat = m_new / (1 - beta1**t)
    v_hat = v_new / (1 - beta2**t)
    w_new = w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)
    return w_new, m_new, v_new
'''},
    {"id": "nb10-adam-w07", "exercise": "adam_step", "name": "adam_step",
     "author": "slides", "correct": False,
     "mistake": "steps with the previous averages (w updated before m and v)",
     "note": "writes the update lines in the wrong order",
     "source": r'''def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m_hat = m / (1 - beta1**t)
    v_hat = v / (1 - beta2**t)
    w = w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon)
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw**2
    return w, m, v
'''},
    {"id": "nb10-adam-w08", "exercise": "adam_step", "name": "adam_step",
     "author": "terse", "correct": False,
     "mistake": "paper's folded step size but with the plain epsilon (not scaled by sqrt(1 - beta2^t)): slightly different from the corrected averages when gradients are tiny",
     "note": "copies Algorithm 1's 'efficient' form from the Adam paper",
     "source": r'''def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw**2
    alpha_t = learning_rate * np.sqrt(1 - beta2**t) / (1 - beta1**t)
    return w - alpha_t * m / (np.sqrt(v) + epsilon), m, v
'''},
    {"id": "nb10-adam-w09", "exercise": "adam_step", "name": "adam_step",
     "author": "beginner", "correct": False,
     "mistake": "second average of the gradient, not of its square (v uses dw), then sqrt of a possibly negative number",
     "note": "copy-paste of the m line",
     "source": r'''def adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m_new = beta1 * m + (1 - beta1) * dw
    v_new = beta2 * v + (1 - beta2) * dw
    m_hat = m_new / (1 - beta1 ** t)
    v_hat = v_new / (1 - beta2 ** t)
    w_new = w - learning_rate * m_hat / (np.sqrt(np.abs(v_hat)) + epsilon)
    return w_new, m_new, v_new
'''},
    # ---------------- tuned_learning_rates ----------------
    {"id": "nb10-tuned-c01", "exercise": "tuned_learning_rates", "name": "tuned_learning_rates",
     "author": "careful", "correct": True, "mistake": "",
     "note": "best point of each rule on a half-decade sweep (my re-simulation on scikit-learn's digits with my own split: 0.38, 0.38, 0.39, 0.38)",
     "source": r'''tuned_learning_rates = {"sgd": 1.0, "momentum": 0.1, "rmsprop": 0.01, "adam": 0.03}
'''},
    {"id": "nb10-tuned-c02", "exercise": "tuned_learning_rates", "name": "tuned_learning_rates",
     "author": "beginner", "correct": True, "mistake": "",
     "note": "adam left at the 0.01 that the same-rate cell already showed working; momentum one half-decade up (re-simulated 0.38, 0.38, 0.39, 0.40)",
     "source": r'''tuned_learning_rates = {}
tuned_learning_rates["sgd"] = 1
tuned_learning_rates["momentum"] = 0.3
tuned_learning_rates["rmsprop"] = 0.01
tuned_learning_rates["adam"] = 0.01
'''},
    {"id": "nb10-tuned-c03", "exercise": "tuned_learning_rates", "name": "tuned_learning_rates",
     "author": "terse", "correct": True, "mistake": "",
     "note": "off-grid values between the best grid points (re-simulated on scikit-learn's digits with my own split: 0.37 to 0.385)",
     "source": r'''tuned_learning_rates = dict(sgd=0.8, momentum=0.15, rmsprop=0.012, adam=0.02)
'''},
    {"id": "nb10-tuned-w01", "exercise": "tuned_learning_rates", "name": "tuned_learning_rates",
     "author": "slides", "correct": False,
     "mistake": "the same rate 0.01 for every rule: plain SGD (about 1.8) and momentum (about 0.64) stay far above 0.42",
     "note": "assumes a learning rate transfers between rules",
     "source": r'''tuned_learning_rates = {"sgd": 0.01, "momentum": 0.01, "rmsprop": 0.01, "adam": 0.01}
'''},
    {"id": "nb10-tuned-w02", "exercise": "tuned_learning_rates", "name": "tuned_learning_rates",
     "author": "beginner", "correct": False,
     "mistake": "takes the ravine's rates (0.075, 0.03, 0.1, 0.3) for the digits: sgd and momentum too small, rmsprop and adam too large",
     "note": "copies the settings dict of the race cell",
     "source": r'''tuned_learning_rates = {"sgd": 0.075, "momentum": 0.03, "rmsprop": 0.1, "adam": 0.3}
'''},
    {"id": "nb10-tuned-w03", "exercise": "tuned_learning_rates", "name": "tuned_learning_rates",
     "author": "careful", "correct": False,
     "mistake": "uses notebook 09's full-batch good rate 3 for minibatch SGD: at batches of 64 it ends above 0.42 (about 0.44 to 0.46 in my re-simulation, so close to the line), and momentum gets the same 3 (about 1.0)",
     "note": "carries the full-batch rate over to minibatches and to momentum",
     "source": r'''tuned_learning_rates = {"sgd": 3.0, "momentum": 3.0, "rmsprop": 0.01, "adam": 0.01}
'''},
    {"id": "nb10-tuned-w04", "exercise": "tuned_learning_rates", "name": "tuned_learning_rates",
     "author": "terse", "correct": False,
     "mistake": "Adam's default 1e-3 for adam and rmsprop: too small for 18 epochs (about 1.18 and 0.94)",
     "note": "library defaults",
     "source": r'''tuned_learning_rates = {"sgd": 1.0, "momentum": 0.1, "rmsprop": 1e-3, "adam": 1e-3}
'''},
    {"id": "nb10-tuned-w05", "exercise": "tuned_learning_rates", "name": "tuned_learning_rates",
     "author": "beginner", "correct": False,
     "mistake": "keys spelled as in the plots' legends ('SGD', 'Momentum', 'RMSProp', 'Adam'), not the rule names asked for",
     "note": "capitalises the names",
     "source": r'''tuned_learning_rates = {"SGD": 1.0, "Momentum": 0.1, "RMSProp": 0.01, "Adam": 0.03}
'''},
    {"id": "nb10-tuned-w06", "exercise": "tuned_learning_rates", "name": "tuned_learning_rates",
     "author": "slides", "correct": False,
     "mistake": "rmsprop at 0.1: past its narrow window (about 0.85)",
     "note": "assumes RMSProp and momentum like similar rates",
     "source": r'''tuned_learning_rates = {"sgd": 1.0, "momentum": 0.1, "rmsprop": 0.1, "adam": 0.03}
'''},
    {"id": "nb10-tuned-w07", "exercise": "tuned_learning_rates", "name": "tuned_learning_rates",
     "author": "careful", "correct": False,
     "mistake": "answer as a tuple in the order of RULES instead of the requested dict",
     "note": "same format as notebook 09's learning_rates",
     "source": r'''tuned_learning_rates = (1.0, 0.1, 0.01, 0.03)
'''},
]
