"""Hypothesis property tests: invariances the losses must satisfy for any input."""

import math

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import course_lib as cl

finite = st.floats(-50, 50, allow_nan=False, allow_infinity=False)


@st.composite
def problems(draw):
    n = draw(st.integers(1, 6))
    c = draw(st.integers(2, 6))
    scores = draw(arrays(np.float64, (n, c), elements=finite))
    y = draw(arrays(np.int64, (n,), elements=st.integers(0, c - 1)))
    return scores, y


@settings(max_examples=60, deadline=None)
@given(problems(), st.floats(-1e3, 1e3, allow_nan=False))
def test_adding_a_constant_to_every_score_changes_nothing_for_softmax(problem, shift):
    scores, y = problem
    loss, grad = cl.softmax_loss(scores, y)
    loss2, grad2 = cl.softmax_loss(scores + shift, y)
    np.testing.assert_allclose(loss2, loss, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(grad2, grad, atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(problems(), st.floats(-1e3, 1e3, allow_nan=False))
def test_adding_a_constant_to_every_score_changes_nothing_for_the_hinge(problem, shift):
    scores, y = problem
    np.testing.assert_allclose(cl.svm_loss(scores + shift, y)[0], cl.svm_loss(scores, y)[0], atol=1e-9)


@settings(max_examples=60, deadline=None)
@given(problems())
def test_loss_bounds_and_gradient_rows(problem):
    scores, y = problem
    n, c = scores.shape
    hinge, dhinge = cl.svm_loss(scores, y)
    soft, dsoft = cl.softmax_loss(scores, y)
    assert hinge >= 0 and soft >= 0
    # each example's gradient row sums to zero: raising every score together changes nothing
    np.testing.assert_allclose(dhinge.sum(axis=1), 0, atol=1e-12)
    np.testing.assert_allclose(dsoft.sum(axis=1), 0, atol=1e-12)
    probs = cl.softmax(scores)
    assert np.all(probs >= 0) and np.allclose(probs.sum(axis=1), 1)


@settings(max_examples=40, deadline=None)
@given(st.integers(2, 5), st.integers(1, 8), st.floats(1.0, 10.0), st.integers(0, 10_000))
def test_scaling_a_separating_W_keeps_the_hinge_at_zero(c, n, factor, seed):
    # scores with the correct class ahead of every other one by at least the margin
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, c))
    y = rng.integers(0, c, n)
    W = np.eye(c)
    X[np.arange(n), y] = X.max(axis=1) + 1.0 + rng.uniform(0, 1, n)
    assert cl.svm_loss(X @ W, y)[0] == 0.0
    assert cl.svm_loss(X @ (factor * W), y)[0] == 0.0


def softmax_loss_loops(scores, y):
    """The softmax loss and its score gradient, one example at a time with Python's math (a test oracle)."""
    n, c = scores.shape
    loss, dscores = 0.0, np.zeros((n, c))
    for i in range(n):
        top = max(scores[i])
        total = math.fsum(math.exp(s - top) for s in scores[i])
        loss += math.log(total) - (scores[i, y[i]] - top)
        dscores[i] = [math.exp(s - top) / total - (j == y[i]) for j, s in enumerate(scores[i])]
    return loss / n, dscores / n


@settings(max_examples=40, deadline=None)
@given(problems())
def test_vectorized_equals_naive_everywhere(problem):
    scores, y = problem
    for fast, naive in [(cl.svm_loss, cl.svm_loss_naive), (cl.softmax_loss, softmax_loss_loops)]:
        a, b = fast(scores, y), naive(scores, y)
        np.testing.assert_allclose(a[0], b[0], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(a[1], b[1], rtol=1e-9, atol=1e-12)
