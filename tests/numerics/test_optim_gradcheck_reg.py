"""Update rules, random search, the gradient check and the penalties."""

import numpy as np
import pytest

import course_lib as cl
from course_lib import optim

# An ill-conditioned convex quadratic f(w) = 1/2 w^T A w - b^T w with minimiser A^-1 b.
A = np.array([[3.0, 0.5], [0.5, 1.0]])
B = np.array([1.0, -2.0])
W_STAR = np.linalg.solve(A, B)


def quadratic(w):
    return 0.5 * w @ A @ w - B @ w, A @ w - B


@pytest.mark.parametrize(
    "rule, lr, steps",
    [(cl.sgd, 0.2, 200), (cl.sgd_momentum, 0.05, 300), (cl.rmsprop, 0.01, 2000), (cl.adam, 0.05, 800)],
)
def test_each_rule_decreases_a_convex_quadratic(rule, lr, steps):
    w = np.array([4.0, 4.0])
    start = quadratic(w)[0]
    config = {"learning_rate": lr}
    losses = []
    for _ in range(steps):
        loss, grad = quadratic(w)
        losses.append(loss)
        w, config = rule(w, grad, config)
    assert quadratic(w)[0] < start - 5
    np.testing.assert_allclose(w, W_STAR, atol=0.05)


def test_rules_do_not_modify_their_input_and_keep_state():
    w = np.ones(3)
    dw = np.array([1.0, -2.0, 0.5])
    next_w, config = cl.adam(w, dw)
    np.testing.assert_array_equal(w, np.ones(3))
    assert config["t"] == 1 and config["learning_rate"] == 1e-3
    # the first Adam step moves every coordinate by about the learning rate, against the gradient
    np.testing.assert_allclose(next_w, w - 1e-3 * np.sign(dw), rtol=1e-6)
    _, config = cl.adam(next_w, dw, config)
    assert config["t"] == 2
    _, config = cl.sgd_momentum(w, dw, {"learning_rate": 0.1})
    np.testing.assert_allclose(config["velocity"], -0.1 * dw)



@pytest.mark.parametrize("rule, key", [(cl.sgd_momentum, "velocity"), (cl.rmsprop, "cache"), (cl.adam, "m"),
                                       (cl.adam, "v")])
def test_rules_leave_the_state_they_are_given_untouched(rule, key):
    # the steps update their state in place, on a copy the public rule makes
    state = np.array([0.3, 0.2, 0.1])
    config = {"learning_rate": 0.1, key: state}
    _, new_config = rule(np.ones(3), np.array([1.0, -2.0, 0.5]), config)
    np.testing.assert_array_equal(state, [0.3, 0.2, 0.1])
    assert config[key] is state and new_config[key] is not state
    assert not np.array_equal(new_config[key], state)


def test_a_scalar_state_is_broadcast_and_a_wrong_shape_is_refused():
    w, dw = np.ones(3), np.array([1.0, -2.0, 0.5])
    _, config = cl.sgd_momentum(w, dw, {"learning_rate": 0.1, "velocity": 0.0})
    np.testing.assert_allclose(config["velocity"], -0.1 * dw)
    with pytest.raises(ValueError, match=r"config\['velocity'\]: expected the shape of w \(3,\), got shape \(2,\)"):
        cl.sgd_momentum(w, dw, {"velocity": np.zeros(2)})


def _momentum_step(w, dw, velocity, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * dw
    return w + velocity, velocity


def _rmsprop_step(w, dw, cache, learning_rate, decay_rate, epsilon):
    cache = decay_rate * cache + (1 - decay_rate) * dw**2
    return w - learning_rate * dw / (np.sqrt(cache) + epsilon), cache


def _adam_step(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw**2
    return w - learning_rate * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + epsilon), m, v


@pytest.mark.parametrize("step, name", [(_momentum_step, "sgd_momentum"), (_rmsprop_step, "rmsprop"),
                                        (_adam_step, "adam")])
def test_a_notebook_10_step_function_becomes_the_rule_it_implements(step, name):
    rng = np.random.default_rng(0)
    w0 = rng.standard_normal(5)
    theirs, config = optim.resolve_update(step, 0.05, w0)
    ours, ours_config = optim.resolve_update(name, 0.05, w0)
    assert config == ours_config == {**optim.DEFAULTS[name], "learning_rate": 0.05}
    w_theirs, w_ours = w0.copy(), w0.copy()
    public, public_config = w0.copy(), {"learning_rate": 0.05}
    for _ in range(20):
        dw = rng.standard_normal(5)
        w_theirs, config = theirs(w_theirs, dw, config)
        w_ours, ours_config = ours(w_ours, dw, ours_config)
        public, public_config = optim.UPDATE_RULES[name](public, dw, public_config)
    np.testing.assert_allclose(w_theirs, w_ours, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(w_ours, public)  # the trusted step is the public rule, bit for bit


def test_resolve_update_refuses_what_it_cannot_call():
    w = np.zeros(4)
    with pytest.raises(ValueError, match=r"update: expected one of \['adam', 'rmsprop', 'sgd', 'sgd_momentum'\] "
                                         r"or a function, got 'nesterov'"):
        optim.resolve_update("nesterov", 0.1, w)
    with pytest.raises(ValueError, match="update: expected one of .* or a function, got int"):
        optim.resolve_update(3, 0.1, w)
    with pytest.raises(ValueError, match=r"update: expected a function with named parameters, got one taking \*args"):
        optim.resolve_update(lambda *args: args, 0.1, w)
    with pytest.raises(ValueError, match=r"update \(<lambda>\): expected config \(the second value returned\) "
                                         r"to be a dict, got float"):
        optim.resolve_update(lambda w, dw, config: (w, 0.5), 0.1, w)
    with pytest.raises(ValueError, match=r"update \(<lambda>\): expected next_w of shape \(4,\)"):
        optim.resolve_update(lambda w, dw, config: (w[:2], config), 0.1, w)

def test_sgd_is_exactly_one_step():
    w, config = cl.sgd(np.array([1.0, 2.0]), np.array([10.0, -10.0]), {"learning_rate": 0.1})
    np.testing.assert_allclose(w, [0.0, 3.0])


def test_random_search_keeps_the_best_try():
    best_w, best_loss, losses = cl.random_search(lambda w: quadratic(w)[0], (2,), num_tries=300, scale=1.0, seed=3)
    assert losses.shape == (300,)
    assert best_loss == losses.min() == pytest.approx(quadratic(best_w)[0])
    again = cl.random_search(lambda w: quadratic(w)[0], (2,), num_tries=300, scale=1.0, seed=3)
    np.testing.assert_array_equal(again[0], best_w)


def test_numerical_gradient_of_known_function():
    x = np.array([[1.0, -2.0], [0.5, 3.0]])
    grad = cl.numerical_gradient(lambda v: float((v**3).sum()), x)
    np.testing.assert_allclose(grad, 3 * x**2, rtol=1e-8)


def test_sparse_check_flags_a_wrong_gradient():
    rng = np.random.default_rng(0)
    W = rng.standard_normal((4, 3))
    f = lambda w: float((w**2).sum())  # noqa: E731
    assert cl.grad_check_sparse(f, W, 2 * W, num_checks=8).max() < 1e-8
    assert cl.grad_check_sparse(f, W, -2 * W, num_checks=8).min() > 0.5  # wrong sign: relative error 1


def test_relative_error():
    assert cl.relative_error(np.array([1.0]), np.array([1.0])) == 0.0
    assert cl.relative_error(np.array([1.0, 2.0]), np.array([1.0, 2.2])) == pytest.approx(0.2 / 4.2)


def test_penalties_and_their_gradients():
    W = np.array([[1.0, -2.0], [0.0, 0.5]])
    assert cl.l2_penalty(W)[0] == pytest.approx(5.25)
    assert cl.l1_penalty(W)[0] == pytest.approx(3.5)
    assert cl.elastic_net_penalty(W, beta=0.5)[0] == pytest.approx(0.5 * 5.25 + 3.5)
    for kind, kwargs in [("l2", {}), ("elastic_net", {"beta": 0.3})]:
        R, dR = cl.penalty(W, kind, **kwargs)
        numeric = cl.numerical_gradient(lambda w, k=kind, kw=kwargs: cl.penalty(w, k, **kw)[0], W)
        np.testing.assert_allclose(dR, numeric, rtol=1e-6, atol=1e-9)
    np.testing.assert_array_equal(cl.l1_penalty(W)[1], np.sign(W))


def test_lecture_preference_example():
    x = np.ones(4)
    w1, w2 = np.array([1.0, 0, 0, 0]), np.full(4, 0.25)
    assert w1 @ x == w2 @ x == 1.0
    assert cl.l2_penalty(w1)[0] == 1.0 and cl.l2_penalty(w2)[0] == 0.25  # L2 prefers the spread-out w2
    assert cl.l1_penalty(w1)[0] == cl.l1_penalty(w2)[0] == 1.0  # L1 is indifferent here
