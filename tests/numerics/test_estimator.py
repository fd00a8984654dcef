"""LinearClassifier as a scikit-learn estimator: the protocol of course_lib.estimator, and scikit-learn's own checks.

scikit-learn is imported inside the tests (it is no runtime dependency of course_lib, and importing it
at collection would slow every worker).
"""

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest

import course_lib as cl
from course_lib import linear
from course_lib.estimator import Estimator, NotFittedError

# Checks of scikit-learn's check_estimator that LinearClassifier fails on purpose, with the reason.
EXPECTED_FAILED_CHECKS = {
    "check_supervised_y_2d": "a column-vector y of shape (N, 1) is refused with a ValueError naming its shape "
                             "(course_lib reshapes nothing silently); scikit-learn ravels it with a "
                             "DataConversionWarning",
}
# Checks that skip themselves in this environment, with the reason and where the part that can run is run.
ENVIRONMENT_SKIPS = {
    "check_array_api_input": "needs SCIPY_ARRAY_API=1 before scipy is imported: run in a subprocess by "
                             "test_the_array_api_check_passes_in_a_process_with_scipy_array_api",
    "check_classifier_data_not_an_array": "its pandas half needs pandas, which is no dependency; its half with "
                                          "array-like objects runs in test_array_like_objects_train_the_same_model",
}
CONFIGURATIONS = {
    "softmax (default schedule)": dict(),
    "svm, notebook-style explicit schedule": dict(loss="svm", num_iters=200, learning_rate=0.05),
    "a loss and an update rule of your own": dict(loss=cl.softmax_loss, optimizer=cl.sgd_momentum, num_iters=100,
                                                  learning_rate=0.1),
}


@pytest.mark.parametrize("params", CONFIGURATIONS.values(), ids=CONFIGURATIONS.keys())
def test_scikit_learns_check_estimator_passes_every_check_that_applies(params):
    from sklearn.utils.estimator_checks import check_estimator

    with warnings.catch_warnings():
        # "does not inherit from sklearn.base.BaseEstimator": by design, course_lib needs no scikit-learn
        warnings.filterwarnings("ignore", message="Estimator LinearClassifier does not inherit", category=UserWarning)
        results = check_estimator(cl.LinearClassifier(**params), expected_failed_checks=EXPECTED_FAILED_CHECKS,
                                  on_fail=None, on_skip=None)
    by_status = {}
    for result in results:
        by_status.setdefault(result["status"], {})[result["check_name"]] = result["exception"]
    failed = {name: f"{type(exc).__name__}: {exc}" for name, exc in by_status.get("failed", {}).items()}
    assert not failed, failed
    # an expected failure that passes means the list above is out of date
    assert set(by_status.get("xfail", {})) == set(EXPECTED_FAILED_CHECKS)
    assert set(by_status.get("skipped", {})) <= set(ENVIRONMENT_SKIPS), by_status.get("skipped")
    passed = set(by_status["passed"])
    assert sum(result["status"] == "passed" for result in results) >= 50  # the classifier checks ran too
    assert {"check_classifiers_train", "check_classifiers_classes", "check_estimators_unfitted",
            "check_n_features_in_after_fitting", "check_fit_check_is_fitted", "check_parameters_default_constructible",
            "check_set_params", "check_no_attributes_set_in_init", "check_fit_idempotent"} <= passed


def test_the_array_api_check_passes_in_a_process_with_scipy_array_api():
    code = ("from sklearn.utils.estimator_checks import check_array_api_input\n"
            "import course_lib as cl\n"
            "check_array_api_input('LinearClassifier', cl.LinearClassifier(), array_namespace='numpy',\n"
            "                      expect_only_array_outputs=False)\n"
            "print('passed')\n")
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300,
                         env={**__import__("os").environ, "SCIPY_ARRAY_API": "1"})
    assert run.returncode == 0 and run.stdout.strip() == "passed", run.stderr[-2000:]


def test_array_like_objects_train_the_same_model():
    from sklearn.utils.estimator_checks import check_estimators_data_not_an_array

    X = np.array([[3, 0], [0, 1], [0, 2], [1, 1], [1, 2], [2, 1], [0, 3], [1, 0], [2, 0], [4, 4], [2, 3], [3, 2]])
    y = np.array([1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2])
    check_estimators_data_not_an_array("LinearClassifier", cl.LinearClassifier(), X, y, "NotAnArray")


# --- the parameter protocol ------------------------------------------------------------------

def test_parameters_are_the_init_arguments_stored_as_given():
    rule = cl.sgd_momentum
    clf = cl.LinearClassifier(loss="hinge", reg=-1, optimizer=rule, random_state=None)  # nothing checked yet
    params = clf.get_params()
    assert list(params) == sorted(["loss", "reg", "regularization", "learning_rate", "batch_size", "num_iters",
                                   "optimizer", "weight_scale", "random_state", "val_every", "lr_schedule", "update"])
    assert params["loss"] == "hinge" and params["reg"] == -1 and params["optimizer"] is rule
    assert params["num_iters"] is None and params["learning_rate"] is None  # defaults stay None until fit
    assert clf.set_params(loss="svm", reg=0.5) is clf
    assert (clf.loss, clf.reg) == ("svm", 0.5)
    assert clf.set_params() is clf
    with pytest.raises(ValueError, match=r"set_params: expected parameters of LinearClassifier \(batch_size, .*\), "
                                         r"got 'seed'"):
        clf.set_params(reg=2.0, seed=0)
    assert clf.reg == 0.5  # an unknown name sets nothing


def test_fit_leaves_the_parameters_as_they_were_and_records_what_it_used():
    X, y = cl.make_blobs(n_per_class=10, seed=0)
    clf = cl.LinearClassifier(loss="svm", num_iters=7)
    before = clf.get_params()
    clf.fit(X, y)
    assert clf.get_params() == before
    assert clf.settings_ == {"loss": "svm", "reg": 1e-4, "regularization": "l2", "learning_rate": 1e-2,
                             "batch_size": 200, "num_iters": 7, "optimizer": "adam", "lr_schedule": "constant",
                             "weight_scale": 1e-3, "val_every": 50}
    assert clf.n_iter_ == 7 and clf.n_features_in_ == 2 and clf.W_.shape == (2, 3)


class _Wrapper(Estimator):
    """A meta-estimator, to test nested parameters."""

    def __init__(self, model=None, alpha=1.0):
        self.model = model
        self.alpha = alpha


def test_nested_parameters_are_read_and_set_with_double_underscores():
    inner = cl.LinearClassifier()
    outer = _Wrapper(model=inner)
    deep = outer.get_params(deep=True)
    assert deep["model"] is inner and deep["model__loss"] == "softmax" and deep["alpha"] == 1.0
    assert "model__loss" not in outer.get_params(deep=False)
    outer.set_params(model__loss="svm", alpha=2.0)
    assert inner.loss == "svm" and outer.alpha == 2.0
    with pytest.raises(ValueError, match=r"set_params: 'alpha__beta' sets a parameter of alpha, but alpha \(float\) "
                                         r"has no parameters"):
        outer.set_params(alpha__beta=1)


def test_an_estimator_with_star_args_is_refused():
    class Loose(Estimator):
        def __init__(self, **options):
            self.options = options

    with pytest.raises(TypeError, match=r"Loose.__init__: expected named parameters only .* got \*options"):
        Loose().get_params()


def test_repr_shows_the_changed_parameters_and_functions_by_name():
    assert repr(cl.LinearClassifier()) == "LinearClassifier()"
    assert repr(cl.LinearClassifier(loss="svm", num_iters=200, random_state=0)) == \
        "LinearClassifier(loss='svm', num_iters=200)"
    assert repr(cl.LinearClassifier(loss=cl.softmax_loss, update=cl.adam)) == \
        "LinearClassifier(loss=softmax_loss, update=adam)"  # no memory address
    assert repr(cl.LinearClassifier(reg=np.array([1.0]))) == "LinearClassifier(reg=array([1.]))"


def test_scikit_learns_clone_pipeline_and_grid_search_use_it():
    from sklearn.base import clone, is_classifier
    from sklearn.model_selection import GridSearchCV
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    X, y = cl.make_blobs(n_per_class=30, seed=0)
    clf = cl.LinearClassifier(num_iters=50, learning_rate=0.1)
    assert is_classifier(clf)
    copy = clone(clf)
    assert copy is not clf and copy.get_params() == clf.get_params()
    search = GridSearchCV(make_pipeline(StandardScaler(), clf), {"linearclassifier__reg": [1e-4, 1e-1]}, cv=3)
    search.fit(X, y)
    assert search.best_params_["linearclassifier__reg"] in (1e-4, 1e-1)
    assert search.score(X, y) > 0.9
    assert not hasattr(clf, "W_")  # the search trained clones


# --- fitted or not ------------------------------------------------------------------------------

def test_using_a_model_before_fit_raises_not_fitted_error_which_is_a_value_and_attribute_error():
    clf = cl.LinearClassifier()
    for method in (clf.predict, clf.decision_function, clf.predict_proba, lambda X: clf.score(X, [0])):
        with pytest.raises(NotFittedError, match=r"This LinearClassifier is not fitted yet: call fit\(X, y\) first"):
            method(np.zeros((1, 2)))
    assert issubclass(NotFittedError, ValueError) and issubclass(NotFittedError, AttributeError)
    assert cl.NotFittedError is NotFittedError


def test_not_fitted_error_is_also_scikit_learns_once_scikit_learn_is_loaded(monkeypatch):
    import sklearn.exceptions

    with pytest.raises(sklearn.exceptions.NotFittedError) as caught:
        cl.LinearClassifier().predict(np.zeros((1, 2)))
    assert isinstance(caught.value, NotFittedError)
    again = pickle.loads(pickle.dumps(caught.value))
    assert type(again) is NotFittedError and again.args == caught.value.args
    monkeypatch.delitem(sys.modules, "sklearn.exceptions")  # as in a student's install, without scikit-learn
    with pytest.raises(NotFittedError) as caught:
        cl.LinearClassifier().predict(np.zeros((1, 2)))
    assert type(caught.value) is NotFittedError


# --- randomness ---------------------------------------------------------------------------------

def test_random_state_drives_every_random_choice_and_leaves_the_global_state_alone():
    d = cl.load_digits()
    kw = dict(num_iters=20, batch_size=50)
    global_state = np.random.get_state()[1].copy()  # noqa: NPY002 (the legacy global state must stay untouched)

    def fit(random_state):
        return cl.LinearClassifier(random_state=random_state, **kw).fit(d.X_train, d.y_train).W_

    np.testing.assert_array_equal(fit(3), fit(3))
    assert not np.array_equal(fit(3), fit(4))
    assert not np.array_equal(fit(None), fit(None))
    generator = np.random.default_rng(3)
    first, second = fit(generator), fit(generator)  # one generator, advanced by each fit
    np.testing.assert_array_equal(first, fit(3))
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(np.random.get_state()[1], global_state)  # noqa: NPY002


# --- labels, scores and probabilities ------------------------------------------------------------

def test_labels_of_any_kind_are_classes_and_column_k_belongs_to_classes_k():
    d = cl.load_digits()
    kw = dict(num_iters=30)
    by_index = cl.LinearClassifier(**kw).fit(d.X_train, d.y_train)
    np.testing.assert_array_equal(by_index.classes_, np.arange(10))
    names = np.array(cl.load_digits().class_names)
    for labels in (d.y_train * 10 - 5, names[d.y_train], d.y_train.astype(float)):
        other = cl.LinearClassifier(**kw).fit(d.X_train, labels)
        np.testing.assert_array_equal(other.W_, by_index.W_)  # sorted labels: the same columns
        np.testing.assert_array_equal(other.classes_, np.unique(labels))
        np.testing.assert_array_equal(other.predict(d.X_test), other.classes_[by_index.predict(d.X_test)])
        assert other.score(d.X_test, np.unique(labels)[d.y_test]) == by_index.score(d.X_test, d.y_test)


def test_classes_declares_a_class_missing_from_y():
    X, y = cl.make_blobs(n_per_class=10, num_classes=3, seed=0)
    keep = y != 1
    clf = cl.LinearClassifier(num_iters=20).fit(X[keep], y[keep], classes=[0, 1, 2])
    np.testing.assert_array_equal(clf.classes_, [0, 1, 2])
    assert clf.W_.shape == (2, 3) and clf.decision_function(X).shape == (30, 3)
    with pytest.raises(ValueError, match=r"y: expected labels among the classes \[0, 1\], got 2"):
        cl.LinearClassifier(num_iters=2).fit(X, y, classes=[0, 1])


def test_two_classes_give_one_score_per_row_positive_for_the_second_class():
    X, y = cl.make_blobs(n_per_class=20, num_classes=2, seed=0)
    labels = np.array(["no", "yes"])[y]
    clf = cl.LinearClassifier(num_iters=50, learning_rate=0.1).fit(X, labels)
    scores = X @ clf.W_ + clf.b_
    decision = clf.decision_function(X)
    assert clf.W_.shape == (2, 2) and decision.shape == (40,)
    np.testing.assert_allclose(decision, scores[:, 1] - scores[:, 0])
    np.testing.assert_array_equal(clf.predict(X), np.where(decision > 0, "yes", "no"))


def test_predict_proba_is_the_softmax_of_the_scores_for_the_softmax_loss_only():
    d = cl.load_digits()
    clf = cl.LinearClassifier(num_iters=30).fit(d.X_train, d.y_train)
    probs = clf.predict_proba(d.X_test)
    np.testing.assert_allclose(probs, cl.softmax(clf.decision_function(d.X_test)))
    np.testing.assert_allclose(probs.sum(axis=1), 1.0)
    np.testing.assert_array_equal(np.argmax(probs, axis=1), clf.predict(d.X_test))
    for loss, shown in (("svm", "'svm'"), (cl.softmax_loss, "softmax_loss")):
        other = cl.LinearClassifier(loss=loss, num_iters=5).fit(d.X_train, d.y_train)
        assert not hasattr(other, "predict_proba")
        with pytest.raises(AttributeError, match=rf"predict_proba: available with loss='softmax' only .* has "
                                                 rf"loss={shown}"):
            other.predict_proba(d.X_test)


def test_objective_is_what_fit_minimises_with_the_settings_it_resolves():
    d = cl.load_digits()
    clf = cl.LinearClassifier(loss="svm", reg=0.1, num_iters=20).fit(d.X_train, d.y_train)
    loss, dW, db = clf.objective(d.X_train, d.y_train, clf.W_, clf.b_)
    data_loss, dscores = cl.svm_loss(d.X_train @ clf.W_ + clf.b_, d.y_train)
    penalty, dpenalty = cl.l2_penalty(clf.W_)
    assert loss == pytest.approx(data_loss + 0.1 * penalty)
    np.testing.assert_allclose(dW, d.X_train.T @ dscores + 0.1 * dpenalty)
    np.testing.assert_allclose(db, dscores.sum(axis=0))
    unfitted = cl.LinearClassifier()  # no fit needed: the default schedule's reg
    W, b = np.full((64, 10), 0.1), np.zeros(10)
    reg = linear.DEFAULT_SCHEDULE["softmax"]["reg"]
    expected = cl.softmax_loss(d.X_train @ W, d.y_train)[0] + reg * cl.l2_penalty(W)[0]
    assert unfitted.objective(d.X_train, d.y_train, W, b)[0] == pytest.approx(expected)
