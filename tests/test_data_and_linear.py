"""Data sets, the CIFAR-10 loader on a tiny file we write, and the linear classifier."""

import pickle

import numpy as np
import pytest

import course_lib as cl


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
    assert len(clf.history["loss"]) == clf.num_iters
    assert clf.history["val_iter"][-1] == clf.num_iters and clf.history["val_acc"][-1] >= 0.95
    assert np.mean(clf.history["loss"][-50:]) < np.mean(clf.history["loss"][:50])


def test_classifier_is_deterministic_and_accepts_callables():
    d = cl.load_digits()
    kw = dict(num_iters=50, seed=4)
    a = cl.LinearClassifier(**kw).fit(d.X_train, d.y_train)
    b = cl.LinearClassifier(**kw).fit(d.X_train, d.y_train)
    np.testing.assert_array_equal(a.W_, b.W_)
    c = cl.LinearClassifier(loss=cl.softmax_loss_naive, optimizer=cl.adam, **kw).fit(d.X_train, d.y_train)
    np.testing.assert_allclose(c.W_, a.W_, rtol=1e-9, atol=1e-12)


def test_diverging_training_stops_and_says_so():
    d = cl.load_digits()
    clf = cl.LinearClassifier(loss="svm", optimizer="sgd", learning_rate=1e200, num_iters=50).fit(
        d.X_train, d.y_train)
    assert clf.history["diverged_at"] is not None
    assert all(np.isfinite(clf.history["loss"]))
    with pytest.raises(ValueError, match="training diverged at iteration .* lower learning_rate"):
        clf.predict(d.X_test)


def test_progress_bar_goes_to_stderr(capsys):
    X, y = cl.make_blobs(seed=0)
    cl.LinearClassifier(num_iters=20).fit(X, y, progress=True)
    assert "training" in capsys.readouterr().err
