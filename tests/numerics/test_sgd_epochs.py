"""Training with a step, epoch by epoch (workbook v3): sgd_epochs, epoch_orders, adam_steps, as_step, as_rule."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import course_lib as cl
from course_lib import optim


def least_squares(w, X, t):
    residual = X @ w - t
    return float(residual @ residual) / len(t), 2.0 * X.T @ residual / len(t)


def regression(seed, n=10, d=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    return X, X @ rng.standard_normal(d)


def plain_step(learning_rate):
    return lambda w, dw: w - learning_rate * dw


# --- epoch_orders -------------------------------------------------------------------------------

def test_epoch_orders_is_one_permutation_per_epoch_from_one_generator():
    orders = cl.epoch_orders(7, 3, seed=4)
    rng = np.random.default_rng(4)
    np.testing.assert_array_equal(orders, [rng.permutation(7) for _ in range(3)])
    assert orders.dtype == np.int64 and orders.shape == (3, 7)
    np.testing.assert_array_equal(cl.epoch_orders(7, 5, seed=4)[:3], orders)  # more epochs extend, not change
    assert cl.epoch_orders(7, 0, seed=4).shape == (0, 7)


def test_epoch_orders_validates_its_arguments():
    with pytest.raises(ValueError, match="N: expected a value >= 1"):
        cl.epoch_orders(0, 3, 0)
    with pytest.raises(ValueError, match="num_epochs: expected an integer"):
        cl.epoch_orders(5, 2.5, 0)


# --- sgd_epochs ---------------------------------------------------------------------------------

def test_the_batches_walk_each_order_and_the_last_batch_is_smaller():
    X, t = regression(0, n=7)
    orders = cl.epoch_orders(7, 2, seed=1)
    seen = []

    def recording(w, Xb, tb):
        seen.append([int(np.flatnonzero((X == row).all(axis=1))[0]) for row in Xb])
        return least_squares(w, Xb, tb)

    w, losses = cl.sgd_epochs(recording, plain_step(0.1), np.zeros(3), X, t, 3, orders)
    expected = [list(order[k:k + 3]) for order in orders for k in (0, 3, 6)]
    assert seen == expected
    assert losses.shape == (6,) and w.shape == (3,)


def test_each_loss_is_taken_before_its_step_at_the_current_w():
    X, t = regression(1, n=6)
    orders = cl.epoch_orders(6, 2, seed=0)
    w, losses = cl.sgd_epochs(least_squares, plain_step(0.05), np.zeros(3), X, t, 4, orders)
    by_hand, expected = np.zeros(3), []
    for order in orders:
        for k in range(0, 6, 4):
            batch = order[k:k + 4]
            loss, dw = least_squares(by_hand, X[batch], t[batch])
            expected.append(loss)
            by_hand = by_hand - 0.05 * dw
    np.testing.assert_allclose(losses, expected, rtol=1e-15)
    np.testing.assert_allclose(w, by_hand, rtol=1e-15)


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 12), st.integers(0, 10_000), st.integers(0, 4))
def test_a_batch_of_n_or_more_is_full_batch_gradient_descent(n, seed, extra):
    X, t = regression(seed, n=n)
    orders = cl.epoch_orders(n, 4, seed)
    w, losses = cl.sgd_epochs(least_squares, plain_step(0.1), np.ones(3), X, t, n + extra, orders)
    by_hand, expected = np.ones(3), []
    for _ in range(4):
        loss, dw = least_squares(by_hand, X, t)  # the same examples, in another order: the same mean
        expected.append(loss)
        by_hand = by_hand - 0.1 * dw
    np.testing.assert_allclose(losses, expected, rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(w, by_hand, rtol=1e-10, atol=1e-14)


@settings(max_examples=30, deadline=None)
@given(st.integers(2, 9), st.integers(1, 9), st.integers(0, 5), st.integers(0, 10_000))
def test_orders_split_in_two_runs_give_the_same_w_as_one_run(n, batch_size, k, seed):
    X, t = regression(seed, n=n)
    orders = cl.epoch_orders(n, 5, seed)
    step = cl.adam_steps(cl.mine("adam_step"), 0.05)
    whole, losses = cl.sgd_epochs(least_squares, step, np.zeros(3), X, t, batch_size, orders)
    step = cl.adam_steps(cl.mine("adam_step"), 0.05)
    middle, first = cl.sgd_epochs(least_squares, step, np.zeros(3), X, t, batch_size, orders[:k])
    end, second = cl.sgd_epochs(least_squares, step, middle, X, t, batch_size, orders[k:])
    np.testing.assert_array_equal(end, whole)
    np.testing.assert_array_equal(np.concatenate([first, second]), losses)


def test_w0_is_left_unchanged_even_by_a_step_that_works_in_place():
    X, t = regression(2)
    w0 = np.array([1.0, -1.0, 0.5])

    def in_place(w, dw):
        w -= 0.1 * dw
        return w

    w, _ = cl.sgd_epochs(least_squares, in_place, w0, X, t, 4, cl.epoch_orders(10, 2, 0))
    np.testing.assert_array_equal(w0, [1.0, -1.0, 0.5])
    w_copying, _ = cl.sgd_epochs(least_squares, plain_step(0.1), w0, X, t, 4, cl.epoch_orders(10, 2, 0))
    np.testing.assert_allclose(w, w_copying, rtol=1e-15)


def test_no_epochs_return_a_copy_of_w0_and_no_losses():
    X, t = regression(3)
    w0 = np.arange(3.0)
    w, losses = cl.sgd_epochs(least_squares, plain_step(1.0), w0, X, t, 4, np.empty((0, 10), dtype=int))
    np.testing.assert_array_equal(w, w0)
    assert w is not w0 and losses.shape == (0,)


def test_trains_a_softmax_classifier_on_the_blobs():
    X, y = cl.make_blobs(n_per_class=30, seed=0)
    X = cl.add_bias_column(X)
    loss_grad = lambda W, Xb, yb: cl.regularized_objective(W, Xb, yb, cl.softmax_loss_W, 1e-3)  # noqa: E731
    W, losses = cl.sgd_epochs(loss_grad, plain_step(0.5), np.zeros((3, 3)), X, y, 16, cl.epoch_orders(90, 20, 0))
    assert losses[0] == pytest.approx(np.log(3)) and losses[-6:].mean() < 0.2
    assert np.mean(np.argmax(X @ W, axis=1) == y) > 0.95


def test_sgd_epochs_validates_its_arguments():
    X, t = regression(0, n=4)
    good = (least_squares, plain_step(0.1), np.zeros(3), X, t, 2, cl.epoch_orders(4, 1, 0))

    def call(**changes):
        names = ("loss_grad", "step", "w0", "X", "y", "batch_size", "orders")
        args = dict(zip(names, good)) | changes
        return cl.sgd_epochs(*(args[n] for n in names))

    with pytest.raises(ValueError, match="step: expected a function"):
        call(step=0.1)
    with pytest.raises(ValueError, match=r"y: expected shape \(4,\)"):
        call(y=t[:3])
    with pytest.raises(ValueError, match="batch_size: expected a value >= 1"):
        call(batch_size=0)
    with pytest.raises(ValueError, match=r"orders: expected shape \(num_epochs, 4\)"):
        call(orders=cl.epoch_orders(5, 1, 0))
    with pytest.raises(ValueError, match=r"orders: expected each row to be a permutation of range\(4\), row 1"):
        call(orders=np.array([[0, 1, 2, 3], [0, 0, 1, 2]]))
    with pytest.raises(ValueError, match="orders: expected integer indices"):
        call(orders=np.array([[0.0, 1.0, 2.0, 3.0]]))


# --- adam_steps ---------------------------------------------------------------------------------

def test_adam_steps_carries_the_moments_and_counts_steps():
    step = cl.adam_steps(cl.mine("adam_step"), 0.01)
    config = {"learning_rate": 0.01}
    w = w_rule = np.array([1.0, -2.0])
    for k in range(5):
        dw = np.array([0.3, -0.1]) * (k + 1)
        w = step(w, dw)
        w_rule, config = cl.adam(w_rule, dw, config)
    np.testing.assert_allclose(w, w_rule, rtol=1e-15)
    assert step.t == 5
    np.testing.assert_allclose(step.m, config["m"])
    np.testing.assert_allclose(step.v, config["v"])


def test_adam_steps_first_step_moves_every_weight_by_the_learning_rate():
    step = cl.adam_steps(cl.mine("adam_step"), 0.01)
    np.testing.assert_allclose(step(np.zeros(3), np.array([5.0, -0.5, 2.0])), [-0.01, 0.01, -0.01], rtol=1e-6)


def test_adam_steps_refuses_bad_settings_and_bad_answers():
    with pytest.raises(ValueError, match="adam_step: expected a function"):
        cl.adam_steps(None, 0.01)
    with pytest.raises(ValueError, match="beta1: expected a value < 1"):
        cl.adam_steps(cl.mine("adam_step"), 0.01, beta1=1.0)
    with pytest.raises(ValueError, match="learning_rate: expected a value > 0"):
        cl.adam_steps(cl.mine("adam_step"), 0.0)
    step = cl.adam_steps(lambda w, dw, m, v, t, lr, b1, b2, eps: (w, m), 0.01)
    with pytest.raises(ValueError, match=r"expected it to return \(next_w, next_m, next_v\)"):
        step(np.zeros(2), np.ones(2))
    step = cl.adam_steps(cl.mine("adam_step"), 0.01)
    step(np.zeros(2), np.ones(2))
    with pytest.raises(ValueError, match=r"w: expected shape \(2,\)"):
        step(np.zeros(3), np.ones(3))


# --- as_step and as_rule ------------------------------------------------------------------------

@pytest.mark.parametrize("rule", ["sgd_momentum", cl.rmsprop, "adam"])
def test_as_step_keeps_the_rules_state_between_calls(rule):
    function = cl.optim.UPDATE_RULES[rule] if isinstance(rule, str) else rule
    config = {"learning_rate": 0.05}
    step = cl.as_step(rule, config)
    w = w_rule = np.array([0.5, 2.0])
    state = dict(config)
    for k in range(4):
        dw = np.array([1.0, -0.5]) + k
        w = step(w, dw)
        w_rule, state = function(w_rule, dw, state)
    np.testing.assert_allclose(w, w_rule, rtol=1e-15)
    assert config == {"learning_rate": 0.05}


def test_as_rule_of_adam_step_is_the_adam_rule_with_the_race_learning_rate():
    rule = cl.as_rule(cl.mine("adam_step"))
    config, reference = {"learning_rate": 0.1}, {"learning_rate": 0.1}
    w = w_ref = np.array([-2.5, 1.2])
    for k in range(6):
        dw = np.array([np.sin(k), np.cos(k)])
        passed, keys = config, set(config)
        w, config = rule(w, dw, passed)
        assert set(passed) == keys and config is not passed  # the config passed in is not modified
        w_ref, reference = cl.adam(w_ref, dw, reference)
    np.testing.assert_allclose(w, w_ref, rtol=1e-15)
    assert config["t"] == 6


def test_as_rule_drives_the_optimizer_race():
    from course_lib.widgets import optimizer_race

    race = optimizer_race(update_rules={"Adam": cl.as_rule(cl.mine("adam_step"))})
    reference = optimizer_race()
    race.step.value = reference.step.value = 30
    np.testing.assert_allclose(race.runs["Adam"].points[-1], reference.runs["Adam"].points[-1], rtol=1e-12)


def test_as_rule_of_a_two_parameter_step_and_round_trip():
    rule = cl.as_rule(plain_step(0.5))
    w, config = rule(np.array([1.0]), np.array([2.0]), {"learning_rate": 9.0})
    np.testing.assert_array_equal(w, [0.0])
    assert config == {"learning_rate": 9.0}
    momentum = cl.as_rule(optim._momentum_step)  # notebook 10's 5-parameter form
    step = cl.as_step(momentum, {"learning_rate": 0.1})
    w = step(step(np.zeros(2), np.ones(2)), np.ones(2))
    np.testing.assert_allclose(w, [-0.1 - 0.19, -0.1 - 0.19])


def test_as_rule_and_as_step_refuse_what_they_cannot_convert():
    with pytest.raises(ValueError, match="step_function .* got 3 parameters"):
        cl.as_rule(lambda a, b, c: a)
    with pytest.raises(ValueError, match="rule: expected one of"):
        cl.as_step("nesterov")
    with pytest.raises(ValueError, match=r"expected it to return \(next_w, config\)"):
        cl.as_step(lambda w, dw, config: w)(np.zeros(1), np.zeros(1))
