"""Bad input gets a ValueError that names the argument, the expectation and what came."""

import numpy as np
import pytest

import course_lib as cl

GOOD_SCORES = np.array([[1.0, 2.0, 3.0], [0.5, -1.0, 2.0]])
GOOD_Y = np.array([0, 2])
LOSSES = [cl.svm_loss, cl.svm_loss_naive, cl.softmax_loss]


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


def test_margin_must_be_a_positive_number():
    with pytest.raises(ValueError, match=r"margin: expected a value > 0, got -1"):
        cl.svm_loss(GOOD_SCORES, GOOD_Y, margin=-1)
    with pytest.raises(ValueError, match=r"margin: expected a value > 0, got 0"):
        cl.svm_loss(GOOD_SCORES, GOOD_Y, margin=0)
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


def test_classifier_arguments_are_checked_by_fit():
    X, y = np.zeros((4, 3)), np.array([0, 1, 0, 1])
    for params, message in [
        (dict(loss="hinge"), r"loss: expected one of \['softmax', 'svm'\], got 'hinge'"),
        (dict(learning_rate=0), r"learning_rate: expected a value > 0, got 0"),
        (dict(batch_size=32.5), r"batch_size: expected an integer, got float 32.5"),
        (dict(random_state=-1), r"random_state: expected None, an int >= 0 or a numpy.random.Generator, got int -1"),
        (dict(random_state=np.random.RandomState(0)), r"got RandomState .* use np.random.default_rng\(seed\)"),
    ]:
        clf = cl.LinearClassifier(**params)  # stored as given, scikit-learn style
        assert clf.get_params()[next(iter(params))] is next(iter(params.values()))
        with pytest.raises(ValueError, match=message):
            clf.fit(X, y)
    clf = cl.LinearClassifier(num_iters=5)
    with pytest.raises(ValueError, match="not fitted yet"):
        clf.predict(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"y: expected shape \(4,\)"):
        clf.fit(X, np.zeros((4, 1), dtype=int))
    with pytest.raises(ValueError, match="X_val, y_val: expected both or neither"):
        clf.fit(X, y, X_val=np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"X_val has 4 features, but X is expecting 3 features"):
        clf.fit(X, y, X_val=np.zeros((2, 4)), y_val=np.array([0, 1]))
    with pytest.raises(ValueError, match=r"y_val: expected labels among the classes \[0, 1\], got 2"):
        clf.fit(X, y, X_val=np.zeros((2, 3)), y_val=np.array([0, 2]))


@pytest.mark.parametrize("X, y, error, message", [
    (np.zeros(4), [0, 1, 0, 1], ValueError, r"X: expected a 2-D array .* got shape \(4,\)\. Reshape your data: "
                                            r"X\.reshape\(1, -1\) if it is one example"),
    (np.zeros((4, 0)), [0, 1, 0, 1], ValueError, r"X: found array with 0 feature\(s\) \(shape=\(4, 0\)\)"),
    (np.zeros((4, 2)) + 1j, [0, 1, 0, 1], ValueError, r"X: Complex data not supported; expected real numbers"),
    (np.array([[1.0, np.nan]] * 4), [0, 1, 0, 1], ValueError, r"X: expected finite values, got 4 NaN or inf"),
    (np.array([[1, {}]] * 4, dtype=object), [0, 1, 0, 1], TypeError,
     r"X: expected numbers, got an object array with an entry that is not one: float\(\) argument must be"),
    (np.zeros((4, 2)), [0.5, 1, 0, 1], ValueError, r"y: expected class labels, got continuous values \(such as "
                                                   r"0\.5\); a classifier needs discrete labels"),
    (np.zeros((4, 2)), [0.0, np.nan, 0, 1], ValueError, r"y: expected finite class labels, got 1 NaN or inf"),
    (np.zeros((4, 2)), [3, 3, 3, 3], ValueError, r"y: expected labels of at least 2 classes, got 1 class \(3\)"),
    (np.zeros((4, 2)), np.array([1, "a", 1, "a"], dtype=object), ValueError,
     r"y: Unknown label type: expected labels of one kind that can be sorted, got int, str"),
    (np.zeros((4, 2)), None, ValueError, r"y: expected one class label per example; .* the target y is None"),
])
def test_classifier_refuses_bad_data_naming_it(X, y, error, message):
    with pytest.raises(error, match=message):
        cl.LinearClassifier(num_iters=2).fit(X, y)


def test_a_fitted_classifier_refuses_another_number_of_features_and_sparse_input():
    clf = cl.LinearClassifier(num_iters=2).fit(np.eye(4), [0, 1, 0, 1])
    for method in (clf.predict, clf.decision_function, clf.predict_proba, lambda X: clf.score(X, [0, 1])):
        with pytest.raises(ValueError, match=r"X has 3 features, but LinearClassifier is expecting 4 features as "
                                             r"input \(got shape \(2, 3\)\)"):
            method(np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"y: expected shape \(2,\) \(one label per row of X\), got shape \(3,\)"):
        clf.score(np.zeros((2, 4)), [0, 1, 1])

    class FakeSparse:  # what scipy.sparse matrices have in common, without scipy
        nnz = 0

        def toarray(self):
            return np.zeros((2, 4))

    with pytest.raises(TypeError, match=r"X: sparse input is not supported, got a FakeSparse; pass a dense array "
                                        r"\(X\.toarray\(\)\)"):
        clf.predict(FakeSparse())


def test_gradcheck_checks_its_inputs():
    with pytest.raises(ValueError, match=r"h: expected a value > 0, got 0"):
        cl.numerical_gradient(lambda x: float(x.sum()), np.ones(3), h=0)
    with pytest.raises(ValueError, match=r"f: expected f\(x\) to return a scalar, got shape \(3,\)"):
        cl.numerical_gradient(lambda x: x, np.ones(3))
    with pytest.raises(ValueError, match=r"analytic_grad: expected the shape of x \(3,\), got shape \(2,\)"):
        cl.grad_check_sparse(lambda x: float(x.sum()), np.ones(3), np.ones(2))
