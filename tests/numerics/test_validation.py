"""Bad input gets a ValueError that names the argument, the expectation and what came."""

import numpy as np
import pytest

import course_lib as cl

GOOD_SCORES = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
GOOD_Y = np.array([0, 2])
LOSSES = [cl.svm_loss, cl.svm_loss_naive, cl.softmax_loss, cl.softmax_loss_naive]


@pytest.mark.parametrize("loss_fn", LOSSES)
@pytest.mark.parametrize(
    "scores, y, message",
    [
        (GOOD_SCORES[0], GOOD_Y, r"scores: expected a 2-D array, got shape \(3,\)"),
        (GOOD_SCORES, GOOD_Y[:, None], r"y: expected shape \(2,\) \(one label per example\), got shape \(2, 1\)"),
        (GOOD_SCORES, np.array([0, 3]), r"y: expected labels in \[0, 3\), got values in \[0, 3\]"),
        (GOOD_SCORES, np.array([0, -1]), r"y: expected labels in \[0, 3\), got values in \[-1, 0\]"),
        (GOOD_SCORES, np.array([0.0, 2.0]), r"y: expected integer class labels, got dtype float64"),
        (GOOD_SCORES, np.array([0, 1, 2]), r"y: expected shape \(2,\)"),
        (np.array([[1.0, np.nan, 0.0], [0, 0, 0]]), GOOD_Y, r"scores: expected finite values, got 1 NaN or inf"),
        (np.array([[1.0, np.inf, 0.0], [0, 0, 0]]), GOOD_Y, r"scores: expected finite values"),
        (np.array([["a", "b", "c"], ["d", "e", "f"]]), GOOD_Y, r"scores: expected a numeric array, got dtype <U1"),
        (np.empty((0, 3)), np.empty(0, dtype=int), r"scores: expected at least one element"),
    ],
)
def test_losses_refuse_bad_input(loss_fn, scores, y, message):
    with pytest.raises(ValueError, match=message):
        loss_fn(scores, y)


def test_margin_must_be_a_non_negative_number():
    with pytest.raises(ValueError, match=r"margin: expected a value >= 0, got -1"):
        cl.svm_loss(GOOD_SCORES, GOOD_Y, margin=-1)
    with pytest.raises(ValueError, match=r"margin: expected a real number, got str"):
        cl.svm_loss(GOOD_SCORES, GOOD_Y, margin="1")


def test_penalties_refuse_nan_and_bad_beta():
    with pytest.raises(ValueError, match="W: expected finite values"):
        cl.l2_penalty(np.array([1.0, np.nan]))
    with pytest.raises(ValueError, match=r"beta: expected a value >= 0"):
        cl.elastic_net_penalty(np.ones(3), beta=-0.5)
    with pytest.raises(ValueError, match=r"kind: expected one of \['elastic_net', 'l1', 'l2'\], got 'l3'"):
        cl.penalty(np.ones(3), kind="l3")


def test_optimizers_refuse_mismatched_gradient():
    for rule in (cl.sgd, cl.sgd_momentum, cl.rmsprop, cl.adam):
        with pytest.raises(ValueError, match=r"dw: expected the shape of w \(3,\), got shape \(3, 1\)"):
            rule(np.zeros(3), np.zeros((3, 1)))
        with pytest.raises(ValueError, match="dw: expected finite values"):
            rule(np.zeros(3), np.array([0.0, np.inf, 0.0]))


def test_linear_scores_checks_the_inner_dimension():
    with pytest.raises(ValueError, match=r"W: expected shape \(4, any\), got shape \(3, 2\)"):
        cl.linear_scores(np.zeros((5, 4)), np.zeros((3, 2)))
    with pytest.raises(ValueError, match=r"b: expected shape \(2,\), got shape \(1, 2\)"):
        cl.linear_scores(np.zeros((5, 4)), np.zeros((4, 2)), np.zeros((1, 2)))


def test_classifier_arguments_are_checked():
    with pytest.raises(ValueError, match=r"loss: expected one of \['softmax', 'svm'\], got 'hinge'"):
        cl.LinearClassifier(loss="hinge")
    with pytest.raises(ValueError, match=r"learning_rate: expected a value > 0, got 0"):
        cl.LinearClassifier(learning_rate=0)
    with pytest.raises(ValueError, match=r"batch_size: expected an integer, got float 32.5"):
        cl.LinearClassifier(batch_size=32.5)
    clf = cl.LinearClassifier(num_iters=5)
    with pytest.raises(ValueError, match="not fitted yet"):
        clf.predict(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"y: expected shape \(4,\)"):
        clf.fit(np.zeros((4, 3)), np.zeros((4, 1), dtype=int))
    with pytest.raises(ValueError, match="X_val, y_val: expected both or neither"):
        clf.fit(np.zeros((4, 3)), np.array([0, 1, 0, 1]), X_val=np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"X_val: expected shape \(any, 3\), got shape \(2, 4\)"):
        clf.fit(np.zeros((4, 3)), np.array([0, 1, 0, 1]), X_val=np.zeros((2, 4)), y_val=np.array([0, 1]))


def test_gradcheck_checks_its_inputs():
    with pytest.raises(ValueError, match=r"h: expected a value > 0, got 0"):
        cl.numerical_gradient(lambda x: float(x.sum()), np.ones(3), h=0)
    with pytest.raises(ValueError, match=r"f: expected f\(x\) to return a scalar, got shape \(3,\)"):
        cl.numerical_gradient(lambda x: x, np.ones(3))
    with pytest.raises(ValueError, match=r"analytic_grad: expected the shape of x \(3,\), got shape \(2,\)"):
        cl.grad_check_sparse(lambda x: float(x.sum()), np.ones(3), np.ones(2))
