"""Data sets, the CIFAR-10 loader on a tiny file we write, and the linear classifier."""

import functools
import inspect
import pickle
import sys

import numpy as np
import pytest

import course_lib as cl
from course_lib import linear, losses, optim, regularization


def test_lecture_examples_have_examples_in_rows():
    ex = cl.lecture_example()
    assert ex.scores.shape == (3, 3) and ex.class_names == ("cat", "car", "frog")
    np.testing.assert_array_equal(ex.scores[:, 0], [3.2, 1.3, 2.2])  # every image's cat score
    cifar = cl.cifar10_scores_example()
    assert cifar.scores.shape == (3, 10)
    assert [cifar.class_names[k] for k in cifar.y] == ["cat", "automobile", "frog"]
    assert cifar.scores[0, 3] == 2.9 and cifar.scores[2, 9] == 6.14


@pytest.mark.parametrize("maker", [cl.make_blobs, cl.make_ring, cl.make_three_modes, cl.make_opposite_quadrants])
def test_toy_sets_are_deterministic_and_well_formed(maker):
    X, y = maker(seed=1)
    X2, y2 = maker(seed=1)
    np.testing.assert_array_equal(X, X2)
    assert X.ndim == 2 and X.shape[1] == 2 and y.shape == (X.shape[0],) and y.dtype == np.int64
    assert len(np.unique(y)) >= 2


def test_ring_labels_follow_the_norm():
    X, y = cl.make_ring(n=500, seed=0)
    r = np.linalg.norm(X, axis=1)
    np.testing.assert_array_equal(y == 1, (r >= 1) & (r <= 2))


def test_blobs_are_linearly_separable_by_training():
    X, y = cl.make_blobs(n_per_class=40, spread=0.3, seed=0)
    clf = cl.LinearClassifier(loss="svm", num_iters=300, learning_rate=0.05, reg=0.0).fit(X, y)
    assert clf.score(X, y) == 1.0


def test_ring_is_not_linearly_separable():
    X, y = cl.make_ring(n=600, seed=0)
    clf = cl.LinearClassifier(num_iters=400, learning_rate=0.05).fit(X, y)
    assert clf.score(X, y) < 0.8


def test_digits_splits_are_fixed_and_disjoint():
    d = cl.load_digits()
    assert (d.X_train.shape, d.X_val.shape, d.X_test.shape) == ((1077, 64), (360, 64), (360, 64))
    assert d.X_train.min() >= 0 and d.X_train.max() <= 1 and d.image_shape == (8, 8)
    again = cl.load_digits()
    np.testing.assert_array_equal(d.y_test, again.y_test)
    rows = {r.tobytes() for r in d.X_test}
    assert not any(r.tobytes() in rows for r in d.X_val[:50])


@pytest.mark.parametrize("seed", [1, 7])
def test_another_digits_split_is_stratified_and_needs_no_scikit_learn(seed, monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # as in a student's install: importing it fails
    monkeypatch.setitem(sys.modules, "sklearn.model_selection", None)
    d, default = cl.load_digits(seed=seed), cl.load_digits()
    assert (d.X_train.shape, d.X_val.shape, d.X_test.shape) == ((1077, 64), (360, 64), (360, 64))
    # every image once: the three parts together are the default split's images, rearranged
    rows = sorted(r.tobytes() + bytes([label]) for X, y in ((d.X_train, d.y_train), (d.X_val, d.y_val),
                                                            (d.X_test, d.y_test)) for r, label in zip(X, y))
    want = sorted(r.tobytes() + bytes([label]) for X, y in ((default.X_train, default.y_train),
                                                            (default.X_val, default.y_val),
                                                            (default.X_test, default.y_test)) for r, label in zip(X, y))
    assert rows == want
    # stratified: each class's share of a part is within one image of its share of all images
    counts = np.bincount(np.concatenate([d.y_train, d.y_val, d.y_test]), minlength=10)
    for y in (d.y_val, d.y_test):
        assert np.all(np.abs(np.bincount(y, minlength=10) - counts * len(y) / counts.sum()) < 1)
    assert not np.array_equal(d.y_test, default.y_test)
    np.testing.assert_array_equal(cl.load_digits(seed=seed).X_val, d.X_val)  # fixed by the seed
    assert not np.all(np.diff(d.y_train) >= 0)  # not sorted by class


def test_other_fractions_give_parts_of_those_sizes():
    d = cl.load_digits(val_fraction=0.1, test_fraction=0.3)
    assert (len(d.y_train), len(d.y_val), len(d.y_test)) == (1077, 180, 540)


def _write_tiny_cifar(root, n=4):
    rng = np.random.default_rng(0)
    for name in [f"data_batch_{i}" for i in range(1, 6)] + ["test_batch"]:
        data = rng.integers(0, 256, size=(n, 3072), dtype=np.uint8)
        with open(root / name, "wb") as f:
            pickle.dump({b"data": data, b"labels": list(rng.integers(0, 10, n))}, f)


def test_load_cifar10_reads_standard_batches(tmp_path):
    _write_tiny_cifar(tmp_path)
    splits = cl.load_cifar10(tmp_path, num_val=3)
    assert splits.X_train.shape == (17, 3072) and splits.X_val.shape == (3, 3072)
    assert splits.X_test.shape == (4, 3072) and splits.image_shape == (32, 32, 3)
    assert 0 <= splits.X_train.min() and splits.X_train.max() <= 1
    # the channel-first rows become height x width x channel images
    with open(tmp_path / "test_batch", "rb") as f:
        raw = pickle.load(f, encoding="bytes")[b"data"][0]
    image = splits.X_test[0].reshape(32, 32, 3)
    assert image[0, 1, 2] == pytest.approx(raw[2 * 1024 + 1] / 255)


def test_load_cifar10_missing_folder_says_what_to_do(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"root: CIFAR-10 batches not found .* \(missing: data_batch_1"):
        cl.load_cifar10(tmp_path)


def test_load_cifar10_rejects_a_foreign_pickle(tmp_path):
    _write_tiny_cifar(tmp_path)
    with open(tmp_path / "data_batch_3", "wb") as f:
        pickle.dump({"something": 1}, f)
    with pytest.raises(ValueError, match="not a CIFAR-10 python batch"):
        cl.load_cifar10(tmp_path)


def test_bias_trick_gives_the_same_scores():
    rng = np.random.default_rng(0)
    X, W, b = rng.standard_normal((5, 3)), rng.standard_normal((3, 4)), rng.standard_normal(4)
    np.testing.assert_allclose(cl.add_bias_column(X) @ cl.fold_bias(W, b), cl.linear_scores(X, W, b))


def test_classifier_reaches_95_percent_on_digits():
    d = cl.load_digits()
    clf = cl.LinearClassifier().fit(d.X_train, d.y_train, d.X_val, d.y_val)
    assert clf.score(d.X_test, d.y_test) >= 0.95
    num_iters = linear.DEFAULT_SCHEDULE["softmax"]["num_iters"]
    assert clf.n_iter_ == len(clf.history_["loss"]) == clf.settings_["num_iters"] == num_iters
    assert clf.history_["val_iter"][-1] == num_iters and clf.history_["val_acc"][-1] >= 0.95
    assert np.mean(clf.history_["loss"][-50:]) < np.mean(clf.history_["loss"][:50])


def test_classifier_is_deterministic_and_accepts_callables():
    d = cl.load_digits()
    kw = dict(num_iters=50, random_state=4)
    a = cl.LinearClassifier(**kw).fit(d.X_train, d.y_train)
    b = cl.LinearClassifier(**kw).fit(d.X_train, d.y_train)
    np.testing.assert_array_equal(a.W_, b.W_)
    def my_softmax_loss(scores, y):
        return cl.softmax_loss(scores, y)

    c = cl.LinearClassifier(loss=my_softmax_loss, optimizer=cl.adam, **kw).fit(d.X_train, d.y_train)
    np.testing.assert_allclose(c.W_, a.W_, rtol=1e-9, atol=1e-12)


def test_diverging_training_stops_and_says_so():
    d = cl.load_digits()
    clf = cl.LinearClassifier(loss="svm", optimizer="sgd", learning_rate=1e200, num_iters=50).fit(
        d.X_train, d.y_train)
    assert clf.history_["diverged_at"] is not None
    assert clf.n_iter_ == clf.history_["diverged_at"] == len(clf.history_["loss"])
    assert all(np.isfinite(clf.history_["loss"]))
    with pytest.raises(ValueError, match="training diverged at iteration .* lower learning_rate"):
        clf.predict(d.X_test)


def test_progress_bar_goes_to_stderr(capsys):
    X, y = cl.make_blobs(seed=0)
    cl.LinearClassifier(num_iters=20).fit(X, y, progress=True)
    assert "training" in capsys.readouterr().err


# --- the training loop: explicit schedules keep their numbers, the default one is quick -----

def _textbook_fit(X, y, loss_fn, update, learning_rate, num_iters, batch_size=200, reg=1e-4, seed=0,
                  weight_scale=1e-3):
    """Minibatch gradient descent as the lecture writes it, on course_lib's public functions."""
    rng = np.random.default_rng(seed)
    n, d = X.shape
    c = int(y.max()) + 1
    W, b = weight_scale * rng.standard_normal((d, c)), np.zeros(c)
    config_W, config_b = {"learning_rate": learning_rate}, {"learning_rate": learning_rate}
    losses = []
    for _ in range(num_iters):
        idx = rng.integers(0, n, size=batch_size) if batch_size < n else slice(None)
        data_loss, dscores = loss_fn(X[idx] @ W + b, y[idx])
        penalty, dpenalty = cl.l2_penalty(W)
        losses.append(data_loss + reg * penalty)
        W, config_W = update(W, X[idx].T @ dscores + reg * dpenalty, config_W)
        b, config_b = update(b, dscores.sum(axis=0), config_b)
    return W, b, losses


@pytest.mark.parametrize("loss, loss_fn, rule, update, lr, batch, steps", [
    ("softmax", cl.softmax_loss, "adam", cl.adam, 1e-2, 200, 300),   # more steps than one block of draws
    ("svm", cl.svm_loss, "adam", cl.adam, 1e-2, 64, 120),
    ("softmax", cl.softmax_loss, "sgd", cl.sgd, 3.0, 10_000, 40),    # full batch, as in notebook 09
    ("svm", cl.svm_loss, "sgd_momentum", cl.sgd_momentum, 1e-2, 50, 100),
    ("softmax", cl.softmax_loss, "rmsprop", cl.rmsprop, 1e-2, 64, 100),
])
def test_an_explicit_schedule_is_the_textbook_loop(loss, loss_fn, rule, update, lr, batch, steps):
    d = cl.load_digits()
    clf = cl.LinearClassifier(loss=loss, optimizer=rule, learning_rate=lr, batch_size=batch, num_iters=steps,
                              random_state=3).fit(d.X_train, d.y_train)
    assert clf.lr_schedule is None and clf.settings_["lr_schedule"] == "constant"
    W, b, losses = _textbook_fit(d.X_train, d.y_train, loss_fn, update, lr, steps, batch, seed=3)
    np.testing.assert_allclose(clf.W_, W, rtol=0, atol=1e-10)
    np.testing.assert_allclose(clf.b_, b, rtol=0, atol=1e-10)
    np.testing.assert_allclose(clf.history_["loss"], losses, rtol=0, atol=1e-10)


def test_cosine_learning_rates_anneal_from_the_start_value_towards_zero():
    rates = linear.cosine_learning_rates(0.2, 100)
    assert rates.shape == (100,) and rates[0] == 0.2
    assert np.all(np.diff(rates) < 0) and 0 < rates[-1] < 1e-3
    np.testing.assert_allclose(rates[50], 0.1)


def _settings(**params):
    """The settings a classifier with these parameters trains with (fitted on a small set)."""
    X, y = cl.make_blobs(n_per_class=5, seed=0)
    return cl.LinearClassifier(**params).fit(X, y).settings_


def test_the_default_schedule_and_the_explicit_one_are_told_apart():
    default = _settings()
    assert default["lr_schedule"] == "cosine"
    schedule = linear.DEFAULT_SCHEDULE["softmax"]
    assert (default["num_iters"], default["batch_size"], default["learning_rate"], default["reg"]) == (
        schedule["num_iters"], schedule["batch_size"], schedule["learning_rate"], schedule["reg"])
    explicit = _settings(num_iters=500)  # the settings every notebook's call relies on
    assert (explicit["lr_schedule"], explicit["learning_rate"], explicit["batch_size"], explicit["reg"]) == (
        "constant", 1e-2, 200, 1e-4)
    assert _settings(loss="svm", num_iters=500)["reg"] == 1e-4
    assert _settings(num_iters=500, lr_schedule="cosine")["learning_rate"] == 0.2
    assert _settings(loss="svm")["reg"] == linear.DEFAULT_SCHEDULE["svm"]["reg"]
    assert _settings(learning_rate=0.05)["lr_schedule"] == "cosine"
    assert _settings()["optimizer"] == "adam" and _settings(update="sgd")["optimizer"] == "sgd"


@pytest.mark.parametrize("loss", ["softmax", "svm"])
def test_the_default_schedule_matches_logistic_regression_on_digits(loss):
    import warnings

    from sklearn.linear_model import LogisticRegression

    d = cl.load_digits()
    clf = cl.LinearClassifier(loss=loss).fit(d.X_train, d.y_train, d.X_val, d.y_val)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = LogisticRegression(max_iter=1000).fit(d.X_train, d.y_train)
    assert clf.score(d.X_test, d.y_test) >= reference.score(d.X_test, d.y_test)
    num_iters = linear.DEFAULT_SCHEDULE[loss]["num_iters"]
    assert len(clf.history_["loss"]) == num_iters and clf.history_["diverged_at"] is None
    assert clf.history_["val_iter"][-1] == num_iters and clf.history_["val_acc"][-1] >= 0.95


# --- the student's own functions train the same model -----------------------------------

def _student_svm(scores, y):
    """A notebook-03 style answer: hinge loss and its gradient, vectorized."""
    n = scores.shape[0]
    correct = scores[np.arange(n), y][:, None]
    margins = np.maximum(0, scores - correct + 1)
    margins[np.arange(n), y] = 0
    grad = (margins > 0).astype(float)
    grad[np.arange(n), y] = -grad.sum(axis=1)
    return margins.sum() / n, grad / n


def _student_softmax(scores, y):
    """A notebook-05 style answer."""
    n = scores.shape[0]
    shifted = scores - scores.max(axis=1, keepdims=True)
    probs = np.exp(shifted) / np.exp(shifted).sum(axis=1, keepdims=True)
    loss = -np.log(probs[np.arange(n), y]).mean()
    probs[np.arange(n), y] -= 1
    return loss, probs / n


def _student_momentum(w, dw, velocity, learning_rate, momentum):
    velocity = momentum * velocity - learning_rate * dw
    return w + velocity, velocity


def _student_rmsprop(w, dw, cache, learning_rate, decay_rate, epsilon):
    cache = decay_rate * cache + (1 - decay_rate) * dw**2
    return w - learning_rate * dw / (np.sqrt(cache) + epsilon), cache


def _student_adam(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    m = beta1 * m + (1 - beta1) * dw
    v = beta2 * v + (1 - beta2) * dw**2
    m_hat, v_hat = m / (1 - beta1**t), v / (1 - beta2**t)
    return w - learning_rate * m_hat / (np.sqrt(v_hat) + epsilon), m, v


@pytest.mark.parametrize("name, student", [("svm", _student_svm), ("softmax", _student_softmax)])
def test_a_student_loss_trains_the_same_model_as_the_built_in_one(name, student):
    d = cl.load_digits()
    built_in = cl.LinearClassifier(loss=name).fit(d.X_train, d.y_train)
    # a callable gets the softmax defaults: spell out the loss's own schedule
    schedule = dict(linear.DEFAULT_SCHEDULE[name], lr_schedule="cosine")
    theirs = cl.LinearClassifier(loss=student, **schedule).fit(d.X_train, d.y_train)
    np.testing.assert_allclose(theirs.W_, built_in.W_, rtol=0, atol=1e-10)
    np.testing.assert_allclose(theirs.history_["loss"], built_in.history_["loss"], rtol=0, atol=1e-10)
    # the bank's reference, which is what cl.mine gives in the instructor checkout; a W-level answer
    # (W, X, y) runs on the scores with X = the identity, as course_lib's own losses run it
    answer = cl.mine(f"{name}_vectorized")
    if sum(p.default is p.empty for p in inspect.signature(answer).parameters.values()) == 3:
        answer = functools.partial(losses.loss_on_scores, answer)
    mine = cl.LinearClassifier(loss=answer, **schedule).fit(d.X_train, d.y_train)
    np.testing.assert_allclose(mine.W_, built_in.W_, rtol=0, atol=1e-10)


@pytest.mark.parametrize("name, student, exercise", [
    ("sgd_momentum", _student_momentum, None),  # momentum and RMSProp are no exercise since workbook v3
    ("rmsprop", _student_rmsprop, None),
    ("adam", _student_adam, "adam_step"),
])
def test_a_student_update_rule_trains_the_same_model_as_the_built_in_one(name, student, exercise):
    d = cl.load_digits()
    kw = dict(loss="softmax", learning_rate=1e-2, num_iters=120, batch_size=64)
    built_in = cl.LinearClassifier(optimizer=name, **kw).fit(d.X_train, d.y_train)
    for update in (student, cl.mine(exercise)) if exercise else (student,):
        theirs = cl.LinearClassifier(update=update, **kw).fit(d.X_train, d.y_train)
        assert theirs.update is update
        np.testing.assert_allclose(theirs.W_, built_in.W_, rtol=0, atol=1e-10)
        np.testing.assert_allclose(theirs.b_, built_in.b_, rtol=0, atol=1e-10)
    with_defaults = cl.LinearClassifier(update=student).fit(d.X_train, d.y_train)  # the default schedule too
    np.testing.assert_allclose(with_defaults.W_, cl.LinearClassifier(update=name).fit(d.X_train, d.y_train).W_,
                               rtol=0, atol=1e-10)


def test_a_config_style_rule_is_called_with_its_own_config():
    d = cl.load_digits()
    seen = []

    def my_sgd(w, dw, config):
        seen.append(config["learning_rate"])
        return w - config["learning_rate"] * dw, config

    kw = dict(num_iters=30, learning_rate=0.05, lr_schedule="cosine")
    theirs = cl.LinearClassifier(update=my_sgd, **kw).fit(d.X_train, d.y_train)
    built_in = cl.LinearClassifier(update="sgd", **kw).fit(d.X_train, d.y_train)
    np.testing.assert_allclose(theirs.W_, built_in.W_, rtol=0, atol=1e-12)
    # one probe call at the boundary, then one call per step at the scheduled rate
    np.testing.assert_allclose(seen[1:], linear.cosine_learning_rates(0.05, 30))


def test_a_wrong_student_function_is_refused_before_training_with_a_clear_message():
    X, y = cl.make_blobs(seed=0)

    def fit(**kw):
        return cl.LinearClassifier(num_iters=5, **kw).fit(X, y)

    with pytest.raises(ValueError, match=r"loss \(only_loss\): expected it to return \(loss, dscores\), got float"):
        fit(loss=_named("only_loss", lambda s, t: 1.0))
    with pytest.raises(ValueError, match=r"loss \(flat\): expected dscores of shape \(4, 3\) \(the shape of "
                                         r"scores\), got shape \(12,\)"):
        fit(loss=_named("flat", lambda s, t: (1.0, s.ravel())))
    with pytest.raises(ValueError, match=r"update \(two\): expected a rule update\(w, dw, config\) \(3 parameters\) "
                                         r"or one of notebook 10's step functions .* got 2 parameters"):
        fit(update=_named("two", lambda w, dw: w))
    with pytest.raises(ValueError, match=r"update \(_student_adam_short\): expected it to return "
                                         r"\(next_w, next_m, next_v\), got a tuple of 2 values"):
        fit(update=_student_adam_short)
    with pytest.raises(ValueError, match=r"update \(half\): expected next_velocity of shape \(9,\)"):
        fit(update=_named("half", lambda w, dw, velocity, learning_rate, momentum: (w, velocity[:3])))
    with pytest.raises(ValueError, match=r"update: expected one of \['adam', 'rmsprop', 'sgd', 'sgd_momentum'\]"):
        fit(update="nesterov")
    with pytest.raises(ValueError, match="optimizer, update: expected one of the two"):
        fit(optimizer="sgd", update="adam")
    with pytest.raises(ValueError, match=r"lr_schedule: expected one of \['constant', 'cosine'\], got 'step'"):
        fit(lr_schedule="step")


def _student_adam_short(w, dw, m, v, t, learning_rate, beta1, beta2, epsilon):
    return w - learning_rate * dw, m


def _named(name, fn):
    fn.__name__ = name
    return fn


def test_fit_validates_once_not_at_every_step(monkeypatch):
    import course_lib._validation as validation

    calls = []
    for module in (linear, losses, optim, regularization):
        for name in ("as_float_array", "as_labels", "as_scores_and_labels", "check_number", "as_feature_matrix",
                     "encode_labels"):
            if hasattr(module, name):
                original = getattr(validation, name)
                monkeypatch.setattr(module, name, lambda *a, _f=original, **k: calls.append(1) or _f(*a, **k))
    X, y = cl.make_blobs(seed=0)
    counts = []
    for steps in (5, 50):
        calls.clear()
        cl.LinearClassifier(num_iters=steps).fit(X, y)
        counts.append(len(calls))
    assert counts[0] == counts[1] > 0
