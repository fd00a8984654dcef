"""Losses: the slide's numbers, loops against vectorized, gradients against numerical ones."""

import numpy as np
import pytest

import course_lib as cl

VECTORIZED_AND_NAIVE = [(cl.svm_loss, cl.svm_loss_naive), (cl.softmax_loss, "loops")]


def softmax_loss_loops(scores, y):
    """The softmax loss read literally, one example and one class at a time (a test oracle, no shortcut)."""
    scores = np.asarray(scores, dtype=float)
    n, c = scores.shape
    loss, dscores = 0.0, np.zeros((n, c))
    for i in range(n):
        top = max(scores[i])
        total = sum(np.exp(scores[i, j] - top) for j in range(c))
        loss += np.log(total) - (scores[i, y[i]] - top)
        for j in range(c):
            dscores[i, j] = np.exp(scores[i, j] - top) / total - (j == y[i])
    return loss / n, dscores / n


def random_problem(seed, n=6, c=5, scale=3.0):
    rng = np.random.default_rng(seed)
    return scale * rng.standard_normal((n, c)), rng.integers(0, c, n)


# --- the lecture's numbers ------------------------------------------------------------

def test_worked_example_hinge_losses():
    ex = cl.lecture_example()
    per_example = [cl.svm_loss(ex.scores[i:i + 1], ex.y[i:i + 1])[0] for i in range(3)]
    np.testing.assert_allclose(per_example, [2.9, 0.0, 12.9], atol=1e-12)
    assert round(cl.svm_loss(ex.scores, ex.y)[0], 2) == 5.27


def test_including_correct_class_adds_one_per_example():
    ex = cl.lecture_example()
    loss = cl.svm_loss(ex.scores, ex.y)[0]
    # the j = y_i term is max(0, s_y - s_y + 1) = 1 for every example
    assert round(loss + 1, 2) == 6.27


def test_softmax_worked_example_natural_log():
    ex = cl.lecture_example()
    probs = cl.softmax(ex.scores[0])
    assert [round(v, d) for v, d in zip(np.exp(ex.scores[0]), [1, 1, 2])] == [24.5, 164.0, 0.18]
    np.testing.assert_allclose(probs, [0.13, 0.87, 0.00], atol=0.005)
    loss = cl.softmax_loss(ex.scores[:1], ex.y[:1])[0]
    assert round(loss, 2) == 2.04
    assert round(-np.log10(probs[0]), 2) == 0.89  # the slide's figure is a base-10 log


def test_hinge_vs_softmax_example():
    ex = cl.hinge_vs_softmax_example()
    assert round(cl.svm_loss(ex.scores, ex.y)[0], 2) == 1.58
    assert round(cl.softmax_loss(ex.scores, ex.y)[0], 2) == 1.04
    probs = cl.softmax(ex.scores[0])
    # the slide prints 0.016 for the first probability: 0.058 / 3.744 = 0.0154 rounds to 0.015
    np.testing.assert_array_equal(np.round(probs, 3), [0.015, 0.631, 0.353])
    assert [round(v, d) for v, d in zip(np.exp(ex.scores[0]), [3, 2, 2])] == [0.058, 2.36, 1.32]
    assert round(-np.log10(probs[2]), 3) == 0.452  # base 10 again on the slide


def test_loss_at_initialisation():
    rng = np.random.default_rng(0)
    scores = 1e-3 * rng.standard_normal((500, 10))
    y = rng.integers(0, 10, 500)
    assert cl.softmax_loss(scores, y)[0] == pytest.approx(np.log(10), abs=1e-3)
    assert round(np.log(10), 2) == 2.30
    assert cl.svm_loss(scores, y)[0] == pytest.approx(9.0, abs=1e-2)  # C - 1


def test_min_and_max_of_hinge():
    y = np.array([0])
    assert cl.svm_loss(np.array([[10.0, 0.0, 0.0]]), y)[0] == 0.0
    assert cl.svm_loss(np.array([[-1e6, 0.0, 0.0]]), y)[0] == pytest.approx(2e6 + 2)


# --- loops against vectorized, gradients -------------------------------------------------

@pytest.mark.parametrize("fast, naive", VECTORIZED_AND_NAIVE)
@pytest.mark.parametrize("seed", range(5))
def test_vectorized_matches_naive(fast, naive, seed):
    naive = softmax_loss_loops if naive == "loops" else naive
    scores, y = random_problem(seed, n=7 + seed, c=3 + seed)
    loss_a, grad_a = fast(scores, y)
    loss_b, grad_b = naive(scores, y)
    assert loss_a == pytest.approx(loss_b, rel=1e-12)
    np.testing.assert_allclose(grad_a, grad_b, rtol=1e-10, atol=1e-14)


@pytest.mark.parametrize("loss_fn", [cl.svm_loss, cl.svm_loss_naive, cl.softmax_loss])
def test_gradient_matches_numerical(loss_fn):
    scores, y = random_problem(1)
    _, analytic = loss_fn(scores, y)
    numeric = cl.numerical_gradient(lambda s: loss_fn(s, y)[0], scores)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-9)


def test_svm_margin_parameter():
    scores = np.array([[1.0, 0.5]])
    assert cl.svm_loss(scores, np.array([0]), margin=1.0)[0] == pytest.approx(0.5)
    with pytest.raises(ValueError, match="margin: expected a value > 0"):
        cl.svm_loss(scores, np.array([0]), margin=0.0)  # a margin-1 loss cannot be rescaled to margin 0
    assert cl.svm_loss(scores, np.array([0]), margin=0.25)[0] == 0.0
    assert cl.svm_loss_naive(scores, np.array([0]), margin=2.0)[0] == pytest.approx(1.5)


def test_weight_gradient_through_linear_scores():
    rng = np.random.default_rng(2)
    X, W = rng.standard_normal((8, 5)), rng.standard_normal((5, 4))
    y = rng.integers(0, 4, 8)
    for loss_fn in (cl.svm_loss, cl.softmax_loss):
        _, dscores = loss_fn(X @ W, y)
        numeric = cl.numerical_gradient(lambda w, f=loss_fn: f(X @ w, y)[0], W)
        np.testing.assert_allclose(X.T @ dscores, numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("big", [1e3, 1e4, -1e4])
def test_softmax_is_stable_for_huge_scores(big):
    scores = np.array([[big, 0.0, -big], [big, big, big]])
    y = np.array([2, 0])
    for fn in (cl.softmax_loss, softmax_loss_loops):
        loss, grad = fn(scores, y)
        assert np.isfinite(loss) and np.isfinite(grad).all()
    probs = cl.softmax(scores)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)


# --- regression losses -----------------------------------------------------------------

def test_l2_and_l1_losses_and_gradients():
    pred = np.array([1.0, 2.0, 5.0])
    target = np.array([1.5, 2.0, 3.0])
    l2, dl2 = cl.l2_loss(pred, target)
    l1, dl1 = cl.l1_loss(pred, target)
    assert l2 == pytest.approx((0.25 + 0 + 4) / 3)
    assert l1 == pytest.approx((0.5 + 0 + 2) / 3)
    np.testing.assert_allclose(dl2, cl.numerical_gradient(lambda p: cl.l2_loss(p, target)[0], pred), rtol=1e-6)
    np.testing.assert_allclose(dl1, [-1 / 3, 0.0, 1 / 3])


def test_l2_grows_quadratically_with_an_outlier_l1_linearly():
    target = np.zeros(10)
    pred = np.zeros(10)
    pred[0] = 10.0
    assert cl.l2_loss(pred, target)[0] == pytest.approx(10.0)
    assert cl.l1_loss(pred, target)[0] == pytest.approx(1.0)


def test_regression_shapes_must_match_exactly():
    with pytest.raises(ValueError, match=r"target: expected the shape of pred \(3,\), got shape \(3, 1\)"):
        cl.l2_loss(np.zeros(3), np.zeros((3, 1)))
