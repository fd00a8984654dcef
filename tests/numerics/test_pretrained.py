"""The pretrained weights: the shipped file is what its script makes, and load_pretrained reads it safely."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import course_lib as cl
from course_lib import data
from course_lib._datasets import make_pretrained

ROOT = Path(__file__).resolve().parents[2]
SHAPES = {"digits_softmax_W": (65, 10), "digits_svm_W": (65, 10), "blobs_softmax_W": (3, 3),
          "hard_cases_W": (3, 3, 2), "digits600_l2_W": (65, 10), "digits600_l1_W": (65, 10),
          "digits600_l2_free_bias_W": (65, 10)}


@pytest.fixture(scope="module")
def remade(tmp_path_factory):
    """The script run afresh (its own interpreter: one BLAS thread is set before numpy loads)."""
    out = tmp_path_factory.mktemp("pretrained")
    done = subprocess.run([sys.executable, "-m", "course_lib._datasets.make_pretrained", "--out", str(out)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")})
    assert done.returncode == 0, done.stderr[-3000:]
    return out / "pretrained.npz", done.stdout


def test_the_shipped_file_is_what_the_script_makes(remade):
    path, _ = remade
    with np.load(path) as fresh, np.load(data.PRETRAINED_FILE) as shipped:
        assert sorted(fresh.files) == sorted(shipped.files) == sorted([*SHAPES, "recipes"])
        for name in SHAPES:
            np.testing.assert_allclose(shipped[name], fresh[name], rtol=1e-10, atol=1e-13, err_msg=name)
        assert json.loads(str(shipped["recipes"])) == json.loads(str(fresh["recipes"])) == make_pretrained.RECIPES


def test_the_script_prints_its_checks(remade):
    _, printed = remade
    assert "digits_svm_W: training accuracy" in printed and "validation accuracy 0.9" in printed
    assert printed.count("hard_cases_W[") == 3 and printed.strip().endswith("pretrained.npz")


@pytest.mark.parametrize(("name", "shape"), SHAPES.items())
def test_load_pretrained_gives_a_float64_copy_of_the_right_shape(name, shape):
    first = cl.load_pretrained(name)
    assert first.shape == shape and first.dtype == np.float64 and np.isfinite(first).all()
    first[...] = 0.0
    assert np.abs(cl.load_pretrained(name)).max() > 0  # a copy: changing it changes nothing stored


def test_unknown_names_are_refused_with_the_known_ones():
    known = r"name: expected one of \['blobs_softmax_W', .*'hard_cases_W'\], got 'recipes'"
    with pytest.raises(ValueError, match=known):
        cl.load_pretrained("recipes")
    with pytest.raises(ValueError, match="got 3"):
        cl.load_pretrained(3)
    with pytest.raises(ValueError, match="name: expected one of"):
        cl.pretrained_recipe("digits")


def test_the_shipped_weights_do_what_the_notebooks_say():
    splits = cl.load_digits(seed=0)
    X_val = cl.add_bias_column(splits.X_val)
    for name in ("digits_softmax_W", "digits_svm_W"):
        assert np.mean(np.argmax(X_val @ cl.load_pretrained(name), axis=1) == splits.y_val) >= 0.93
    X, y = cl.make_blobs(n_per_class=40, num_classes=3, seed=0)
    assert np.mean(np.argmax(cl.add_bias_column(X) @ cl.load_pretrained("blobs_softmax_W"), axis=1) == y) == 1.0
    ring = cl.load_pretrained("hard_cases_W")[0]
    Xr, yr = cl.make_ring(seed=0)
    assert np.mean(np.argmax(cl.add_bias_column(Xr) @ ring, axis=1) == yr) == pytest.approx(1 - yr.mean())
    l1, l2 = cl.load_pretrained("digits600_l1_W"), cl.load_pretrained("digits600_l2_W")
    assert np.mean(np.abs(l1[:-1]) < 0.01) > np.mean(np.abs(l2[:-1]) < 0.01)
    assert cl.pretrained_recipe("digits600_l2_free_bias_W")["penalize_bias"] is False


def test_the_script_refuses_to_run_in_a_release(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(make_pretrained, "in_a_release", lambda: True)
    assert make_pretrained.main(["--out", str(tmp_path)]) == 2
    assert "student release" in capsys.readouterr().err and not list(tmp_path.iterdir())
    (tmp_path / "course_lib").mkdir()
    monkeypatch.setattr(make_pretrained, "HERE", tmp_path / "course_lib" / "_datasets")
    (tmp_path / "course_lib" / "_release.json").write_text('{"mode": "graded"}')
    monkeypatch.undo()
    monkeypatch.setattr(make_pretrained, "HERE", tmp_path / "course_lib" / "_datasets")
    assert make_pretrained.in_a_release()
