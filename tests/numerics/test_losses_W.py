"""The W-level losses of workbook v3 and the full objective: the lecture's numbers, gradients, invariances.

``svm_loss_W(W, X, y)`` and ``softmax_loss_W(W, X, y)`` take the weights; ``loss_on_scores`` runs such a
loss on given scores (X = identity blocks), which is how the scores-level ``cl.svm_loss`` will run a
student's W-level answer in a graded release; ``regularized_objective`` adds the lecture's penalties.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import course_lib as cl
from course_lib import losses

W_LOSSES = [cl.svm_loss_W, cl.softmax_loss_W]
SCORE_LOSSES = {cl.svm_loss_W: cl.svm_loss, cl.softmax_loss_W: cl.softmax_loss}


def linear_problem(seed, n=7, d=4, c=3, scale=1.0):
    rng = np.random.default_rng(seed)
    return scale * rng.standard_normal((d, c)), rng.standard_normal((n, d)), rng.integers(0, c, n)


def numerical_W_gradient(loss_fn, W, X, y, h=1e-6):
    return cl.numerical_gradient(lambda V: loss_fn(V, X, y)[0], W, h=h)


# --- the lecture's numbers, with X = I ---------------------------------------------------------

def test_worked_example_with_the_identity():
    ex = cl.lecture_example()
    loss, dW = cl.svm_loss_W(ex.scores, np.eye(3), ex.y)
    assert round(loss, 2) == 5.27
    np.testing.assert_allclose(dW, cl.svm_loss(ex.scores, ex.y)[1], atol=1e-15)
    assert round(cl.softmax_loss_W(ex.scores[:1], np.eye(1), ex.y[:1])[0], 2) == 2.04


def test_hinge_vs_softmax_slide():
    ex = cl.hinge_vs_softmax_example()
    assert round(cl.svm_loss_W(ex.scores, np.eye(1), ex.y)[0], 2) == 1.58
    assert round(cl.softmax_loss_W(ex.scores, np.eye(1), ex.y)[0], 2) == 1.04


def test_equal_scores_cost_log_c_and_c_minus_one():
    X, y = np.ones((4, 2)), np.array([0, 1, 2, 3])
    W = np.zeros((2, 4))
    assert cl.softmax_loss_W(W, X, y)[0] == pytest.approx(np.log(4), abs=1e-15)
    assert cl.svm_loss_W(W, X, y)[0] == pytest.approx(3.0, abs=1e-15)


# --- gradients ----------------------------------------------------------------------------------

@pytest.mark.parametrize("loss_fn", W_LOSSES)
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradient_matches_a_numerical_gradient(loss_fn, seed):
    W, X, y = linear_problem(seed)
    _, dW = loss_fn(W, X, y)
    assert cl.relative_error(dW, numerical_W_gradient(loss_fn, W, X, y)) < 1e-6


@pytest.mark.parametrize("loss_fn", W_LOSSES)
def test_the_W_gradient_is_X_transpose_times_the_score_gradient(loss_fn):
    W, X, y = linear_problem(3, n=9, d=5, c=4, scale=2.0)
    loss, dW = loss_fn(W, X, y)
    score_loss, dscores = SCORE_LOSSES[loss_fn](X @ W, y)
    assert loss == pytest.approx(score_loss, rel=1e-13)
    np.testing.assert_allclose(dW, X.T @ dscores, rtol=1e-12, atol=1e-15)


def test_a_margin_of_exactly_zero_is_inactive():
    # class 1 scores exactly 1 below the correct class 0: its hinge term is max(0, 0) = 0, slope 0
    W, X, y = np.array([[2.0, 1.0, -5.0]]), np.ones((1, 1)), np.array([0])
    loss, dW = cl.svm_loss_W(W, X, y)
    assert loss == 0.0
    np.testing.assert_array_equal(dW, np.zeros((1, 3)))


def test_every_margin_met_gives_zero_loss_and_gradient():
    W, X, y = np.array([[5.0, 0.0], [0.0, 5.0]]), np.eye(2), np.array([0, 1])
    assert cl.svm_loss_W(W, X, y)[0] == 0.0
    np.testing.assert_array_equal(cl.svm_loss_W(W, X, y)[1], np.zeros((2, 2)))


def test_softmax_is_exact_for_huge_scores():
    # the correct class 500 below the others costs 500 + ln 2, not inf
    X, y = np.eye(1), np.array([0])
    loss, dW = cl.softmax_loss_W(np.array([[0.0, 500.0, 500.0]]), X, y)
    assert loss == pytest.approx(500 + np.log(2), rel=1e-15)
    np.testing.assert_allclose(dW, [[-1.0, 0.5, 0.5]])
    loss, _ = cl.softmax_loss_W(np.array([[1000.0, 999.0, 1001.0]]), X, y)
    assert loss == pytest.approx(np.log(1 + np.exp(-1) + np.exp(1)), rel=1e-12)


# --- invariances (hypothesis) ----------------------------------------------------------------------

finite = st.floats(-30, 30, allow_nan=False, allow_infinity=False)


@st.composite
def problems(draw):
    n, d, c = draw(st.integers(1, 5)), draw(st.integers(1, 4)), draw(st.integers(2, 5))
    W = draw(arrays(np.float64, (d, c), elements=finite))
    X = draw(arrays(np.float64, (n, d), elements=st.floats(-3, 3, allow_nan=False)))
    y = draw(arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    return W, X, y


@settings(max_examples=60, deadline=None)
@given(problems(), st.floats(-1e3, 1e3, allow_nan=False))
def test_adding_a_constant_to_every_score_leaves_the_losses_unchanged(problem, shift):
    # with a bias column, adding `shift` to every class's bias adds it to every score
    W, X, y = problem
    Xb, Wb = cl.add_bias_column(X), np.vstack([W, np.zeros(W.shape[1])])
    shifted = Wb.copy()
    shifted[-1] += shift
    for loss_fn in W_LOSSES:
        assert loss_fn(shifted, Xb, y)[0] == pytest.approx(loss_fn(Wb, Xb, y)[0], rel=1e-9, abs=1e-9)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_softmax_loss_is_positive_and_its_score_gradient_rows_sum_to_zero(problem):
    W, X, y = problem
    loss, _ = cl.softmax_loss_W(W, X, y)
    assert np.isfinite(loss) and loss >= 0
    _, dscores = losses.loss_on_scores(losses._softmax_loss_W, X @ W, y)
    np.testing.assert_allclose(dscores.sum(axis=1), 0.0, atol=1e-12)


# --- the scores-level losses through a W-level loss (the graded release's path after the switch) --

def loop_hinge_W(W, X, y):
    """A student's W-level hinge loss written with loops: what a graded release would call."""
    scores = X @ W
    n, c = scores.shape
    loss, dscores = 0.0, np.zeros_like(scores)
    for i in range(n):
        for j in range(c):
            if j != y[i] and scores[i, j] - scores[i, y[i]] + 1 > 0:
                loss += scores[i, j] - scores[i, y[i]] + 1
                dscores[i, j] += 1
                dscores[i, y[i]] -= 1
    return loss / n, X.T @ dscores / n


@pytest.mark.parametrize("n", [1, 255, 256, 257, 700])
def test_loss_on_scores_runs_a_W_level_loss_in_identity_blocks(n):
    rng = np.random.default_rng(n)
    scores, y = 2.0 * rng.standard_normal((n, 4)), rng.integers(0, 4, n)
    calls = []

    def counting(W, X, labels):
        calls.append(X.shape)
        np.testing.assert_array_equal(X, np.eye(len(labels)))
        return loop_hinge_W(W, X, labels)

    loss, dscores = losses.loss_on_scores(counting, scores, y)
    want_loss, want = cl.svm_loss(scores, y)
    assert loss == pytest.approx(want_loss, rel=1e-12)
    np.testing.assert_allclose(dscores, want, rtol=1e-12, atol=1e-18)
    assert [shape[0] for shape in calls] == [min(256, n - k) for k in range(0, n, 256)]


@pytest.mark.parametrize(("through", "direct"), [(losses._svm_on_scores, cl.svm_loss),
                                                   (losses._softmax_on_scores, cl.softmax_loss)])
def test_the_switch_ready_scores_losses_equal_todays(through, direct):
    rng = np.random.default_rng(5)
    scores, y = 4.0 * rng.standard_normal((600, 10)), rng.integers(0, 10, 600)
    loss, dscores = through(scores, y)
    want_loss, want = direct(scores, y)
    assert loss == pytest.approx(want_loss, rel=1e-12)
    np.testing.assert_allclose(dscores, want, rtol=1e-10, atol=1e-18)
    # and the margin of cl.svm_loss still works through it
    if direct is cl.svm_loss:
        assert losses.with_margin(through, scores, y, 2.5)[0] == pytest.approx(cl.svm_loss(scores, y, 2.5)[0])


def test_loss_on_scores_refuses_a_gradient_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"loss_W: expected dW of shape \(2, 3\)"):
        losses.loss_on_scores(lambda W, X, y: (0.0, np.zeros(3)), np.zeros((2, 3)), np.array([0, 1]))


# --- validation ----------------------------------------------------------------------------------

@pytest.mark.parametrize("loss_fn", W_LOSSES)
def test_bad_shapes_and_labels_name_the_argument(loss_fn):
    W, X, y = linear_problem(0)
    with pytest.raises(ValueError, match=r"W: expected 4 rows .* got shape \(3, 3\)"):
        loss_fn(W[:3], X, y)
    with pytest.raises(ValueError, match=r"y: expected shape \(7,\)"):
        loss_fn(W, X, y[:5])
    with pytest.raises(ValueError, match=r"y: expected labels in \[0, 3\)"):
        loss_fn(W, X, y + 3)
    with pytest.raises(ValueError, match="X: expected finite values"):
        loss_fn(W, np.full_like(X, np.nan), y)


# --- regularized_objective -------------------------------------------------------------------------

KINDS = ["l2", "l1", "elastic_net"]


def penalty_by_hand(W, kind, beta):
    if kind == "l2":
        return np.sum(W * W)
    if kind == "l1":
        return np.sum(np.abs(W))
    return np.sum(beta * W * W + np.abs(W))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("penalize_bias", [True, False])
@pytest.mark.parametrize("data_loss", W_LOSSES)
def test_objective_is_data_loss_plus_penalty_and_its_gradient_is_numerical(kind, penalize_bias, data_loss):
    W, X, y = linear_problem(11, n=8, d=5, c=3)
    X = cl.add_bias_column(X)
    W = np.vstack([W, [0.4, -0.7, 0.2]])
    loss, dW = cl.regularized_objective(W, X, y, data_loss, 0.3, kind, beta=0.7, penalize_bias=penalize_bias)
    penalized = W if penalize_bias else W[:-1]
    assert loss == pytest.approx(data_loss(W, X, y)[0] + 0.3 * penalty_by_hand(penalized, kind, 0.7), rel=1e-13)
    numerical = cl.numerical_gradient(
        lambda V: cl.regularized_objective(V, X, y, data_loss, 0.3, kind, 0.7, penalize_bias)[0], W, h=1e-6)
    assert cl.relative_error(dW, numerical) < 1e-6


@settings(max_examples=40, deadline=None)
@given(problems(), st.floats(0, 10, allow_nan=False))
def test_l2_objective_gradient_matches_a_numerical_gradient(problem, reg):
    W, X, y = problem
    W = W / 10  # stay away from the exp's extremes; the softmax objective is smooth everywhere
    loss_grad = lambda V: cl.regularized_objective(V, X, y, cl.softmax_loss_W, reg)  # noqa: E731
    _, dW = loss_grad(W)
    numerical = cl.numerical_gradient(lambda V: loss_grad(V)[0], W, h=1e-6)
    np.testing.assert_allclose(dW, numerical, rtol=1e-5, atol=1e-6)


def test_the_l1_slope_at_an_exact_zero_is_zero():
    W = np.array([[0.0, 1.5], [-2.0, 0.0]])
    zero_loss = lambda W, X, y: (0.0, np.zeros_like(W))  # noqa: E731
    _, dW = cl.regularized_objective(W, np.ones((1, 2)), np.array([0]), zero_loss, 2.0, "l1")
    np.testing.assert_array_equal(dW, [[0.0, 2.0], [-2.0, 0.0]])
    _, dW = cl.regularized_objective(W, np.ones((1, 2)), np.array([0]), zero_loss, 2.0, "elastic_net", beta=1.0)
    np.testing.assert_array_equal(dW, [[0.0, 2.0 * (2 * 1.5 + 1)], [2.0 * (2 * -2.0 - 1), 0.0]])


def test_reg_zero_and_a_one_row_W_without_the_bias_give_the_data_loss():
    W, X, y = np.array([[0.3, -0.2, 1.0]]), np.ones((2, 1)), np.array([0, 2])
    data = cl.svm_loss_W(W, X, y)
    for loss, dW in (cl.regularized_objective(W, X, y, cl.svm_loss_W, 0.0, "l1"),
                     cl.regularized_objective(W, X, y, cl.svm_loss_W, 5.0, "l2", penalize_bias=False)):
        assert loss == data[0]
        np.testing.assert_array_equal(dW, data[1])


def test_the_data_loss_gradient_is_not_modified_in_place():
    W, X, y = linear_problem(2)
    kept = np.ones_like(W)
    cl.regularized_objective(W, X, y, lambda *_: (1.0, kept), 1.0, "l2")
    np.testing.assert_array_equal(kept, np.ones_like(W))


def test_objective_errors_name_reg_kind_and_data_loss():
    W, X, y = linear_problem(0)
    with pytest.raises(ValueError, match=r"reg: expected a value >= 0, got -0.1"):
        cl.regularized_objective(W, X, y, cl.svm_loss_W, -0.1)
    with pytest.raises(ValueError, match=r"kind: expected one of \['elastic_net', 'l1', 'l2'\], got 'l3'"):
        cl.regularized_objective(W, X, y, cl.svm_loss_W, 0.1, "l3")
    with pytest.raises(ValueError, match="data_loss: expected a function"):
        cl.regularized_objective(W, X, y, "svm", 0.1)
    with pytest.raises(ValueError, match=r"data_loss: expected dW of shape \(4, 3\)"):
        cl.regularized_objective(W, X, y, lambda W, X, y: (0.0, X.T @ X), 0.1)
    with pytest.raises(ValueError, match=r"data_loss: expected it to return \(loss, dW\)"):
        cl.regularized_objective(W, X, y, lambda W, X, y: 0.0, 0.1)
    with pytest.raises(ValueError, match="penalize_bias: expected True or False"):
        cl.regularized_objective(W, X, y, cl.svm_loss_W, 0.1, penalize_bias="no")
