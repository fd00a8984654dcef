"""course_lib.widgets, driven headless: set widget values, click buttons, check state and numbers.

Setting a widget's ``.value`` runs its observers synchronously and ``Button.click()`` runs
``on_click``, so each test moves a control and compares what the demo computed (and
shows) with course_lib's own functions on the same inputs.
"""

import numpy as np
import pytest
from loop_losses import hinge_with_loops

from course_lib import l1_loss, l2_loss, softmax, softmax_loss, svm_loss
from course_lib.optim import sgd
from course_lib.regularization import penalty
from course_lib.widgets import (
    loss_explorer,
    optimizer_race,
    playground,
    regression_outliers,
    regularization_preferences,
)
from course_lib.widgets.loss_explorer import SWEEP
from course_lib.widgets.optimizer_race import SURFACES
from course_lib.widgets.regression import fit_l1, fit_l2, make_line_data
from course_lib.widgets.regularization import ridge_polynomial

JPEG = b"\xff\xd8\xff"


def assert_rendered(demo, renders_before):
    assert demo.view.renders > renders_before
    assert bytes(demo.view.image.value).startswith(JPEG)


# --- playground -------------------------------------------------------------------------

def test_playground_numbers_are_course_lib_losses_of_the_slider_weights(capsys):
    demo = playground()
    renders = demo.view.renders
    demo.w_sliders[0][1].value = 1.25
    demo.b_sliders[2].value = -0.5
    assert demo.W[0, 1] == 1.25 and demo.b[2] == -0.5
    scores = demo.X @ demo.W + demo.b
    assert demo.numbers["hinge"] == pytest.approx(svm_loss(scores, demo.y)[0])
    assert demo.numbers["softmax"] == pytest.approx(softmax_loss(scores, demo.y)[0])
    assert demo.numbers["hinge_per_point"].mean() == pytest.approx(demo.numbers["hinge"])
    assert demo.numbers["accuracy"] == pytest.approx(np.mean(scores.argmax(axis=1) == demo.y))
    reg_term = demo.reg.value * penalty(demo.W, "l2")[0]
    assert demo.numbers["objective"] == pytest.approx(demo.numbers["hinge"] + reg_term)
    assert f"{demo.numbers['hinge']:.4g}" in demo.status.value
    assert demo.error is None
    assert_rendered(demo, renders)
    assert capsys.readouterr().out == ""          # nothing leaks into the cell's output


def test_playground_gradient_step_is_one_sgd_step_on_the_objective():
    demo = playground()
    demo.train_loss.value = "softmax"
    demo.regularization.value = "l1"
    demo.reg.value = 0.05
    demo.step_size.value = 0.5
    W, b = demo.W.copy(), demo.b.copy()
    _, dscores = softmax_loss(demo.X @ W + b, demo.y)
    expected_W = W - 0.5 * (demo.X.T @ dscores + 0.05 * np.sign(W))
    expected_b = b - 0.5 * dscores.sum(axis=0)
    before = demo.numbers["objective"]
    demo.step_button.click()
    np.testing.assert_allclose(demo.W, np.round(expected_W / 0.05) * 0.05, atol=0.026)  # sliders snap to 0.05
    np.testing.assert_allclose(demo.b, np.round(expected_b / 0.05) * 0.05, atol=0.026)
    assert demo.numbers["objective"] < before
    assert len(demo.history) == 2


def test_playground_run_takes_a_step_per_tick_and_learns_the_blobs():
    demo = playground()
    demo.step_size.value = 1.0
    for tick in range(1, 41):
        demo.run.value = tick
    assert len(demo.history) == 41
    assert demo.numbers["accuracy"] == 1.0
    assert demo.history[-1] < demo.history[0]


def test_playground_randomize_is_reproducible_from_the_seed():
    a, b = playground(seed=3), playground(seed=3)
    a.randomize_button.click()
    b.randomize_button.click()
    np.testing.assert_array_equal(a.W, b.W)
    c = playground(seed=4)
    c.randomize_button.click()
    assert not np.allclose(a.W, c.W)
    assert a.history == [a.numbers["objective"]]


def test_playground_hard_sets_have_two_classes_and_hide_the_third_column():
    demo = playground()
    demo.dataset.value = "ring (2 classes)"
    assert demo.W.shape == (2, 2) and set(np.unique(demo.y)) == {0, 1}
    assert demo.columns[2].layout.display == "none"
    for _ in range(20):
        demo.step_button.click()
    assert demo.numbers["accuracy"] < 0.8             # no line separates a ring
    demo.dataset.value = "blobs (3 classes)"
    assert demo.W.shape == (2, 3) and demo.columns[2].layout.display is None


def test_playground_student_functions_drive_it():
    calls = []

    def my_update(w, dw, config):
        calls.append(config["learning_rate"])
        return sgd(w, dw, config)

    demo = playground(svm_loss_fn=hinge_with_loops, update_fn=my_update)
    reference = playground()
    assert demo.numbers["hinge"] == pytest.approx(reference.numbers["hinge"])
    demo.step_button.click()
    assert calls == [demo.step_size.value]


def test_playground_bad_student_loss_shows_a_message_and_recovers():
    state = {"broken": False}

    def flaky_loss(scores, y):
        if state["broken"]:
            return float("nan"), np.zeros_like(scores)
        return svm_loss(scores, y)

    demo = playground(svm_loss_fn=flaky_loss)
    state["broken"] = True
    demo.w_sliders[0][0].value = 1.0                  # no exception escapes the observer
    assert "NaN" in demo.error and "Problem" in demo.status.value
    state["broken"] = False
    demo.w_sliders[0][0].value = 1.5
    assert demo.error is None
    assert demo.numbers["hinge"] == pytest.approx(svm_loss(demo.X @ demo.W + demo.b, demo.y)[0])


def test_playground_update_with_a_wrong_shape_is_reported():
    demo = playground(update_fn=lambda w, dw, config: (w[:2], config))
    W = demo.W.copy()
    demo.step_button.click()
    assert "update_fn's next_w: expected shape (3, 3)" in demo.error
    np.testing.assert_array_equal(demo.W, W)


def test_playground_clips_runaway_weights_to_the_slider_range():
    demo = playground()
    demo.regularization.value = "l2"
    demo.reg.value = 0.5
    demo.step_size.value = 10.0                       # 1 - 10 * 2 * 0.5 = -9: the penalty alone overshoots
    for _ in range(3):
        demo.step_button.click()
    assert np.abs(demo.W).max() == 5.0
    assert "clipped" in demo.status.value


def test_playground_rejects_unknown_dataset_and_non_callables():
    with pytest.raises(ValueError, match="dataset: expected one of"):
        playground("moons")
    with pytest.raises(ValueError, match="update_fn: expected a callable or None, got str"):
        playground(update_fn="sgd")


# --- loss explorer ----------------------------------------------------------------------

def test_loss_explorer_starts_on_the_lecture_cat_image():
    demo = loss_explorer()
    assert demo.numbers["hinge"] == pytest.approx(2.9)
    assert demo.numbers["softmax"] == pytest.approx(softmax_loss([[3.2, 5.1, -1.7]], [0])[0])
    np.testing.assert_allclose(demo.numbers["probs"], softmax(np.array([3.2, 5.1, -1.7])))


def test_loss_explorer_car_score_nudge_leaves_hinge_at_zero_but_moves_softmax():
    demo = loss_explorer()
    demo.example.value = 1                            # the car image: scores 1.3, 4.9, 2.0
    assert demo.numbers["hinge"] == 0.0
    softmax_before = demo.numbers["softmax"]
    demo.score_sliders[1].value = 4.5                 # the car score drops a bit
    assert demo.numbers["hinge"] == 0.0
    assert demo.numbers["softmax"] > softmax_before
    assert demo.sweep.value == 1                      # the sweep follows the moved score


def test_loss_explorer_sweep_curves_are_the_losses_along_the_swept_score():
    demo = loss_explorer()
    demo.score_sliders[2].value = 0.5
    k = 50
    scores = np.array([s.value for s in demo.score_sliders])
    scores[2] = SWEEP[k]
    assert demo.numbers["sweep_hinge"][k] == pytest.approx(svm_loss(scores[None], [0])[0])
    assert demo.numbers["sweep_softmax"][k] == pytest.approx(softmax_loss(scores[None], [0])[0])
    np.testing.assert_allclose(demo.sweep_hinge.get_ydata(), demo.numbers["sweep_hinge"])


def test_loss_explorer_custom_scores_and_a_raising_function():
    def broken(scores, y):
        raise RuntimeError("not implemented yet")

    demo = loss_explorer([[1.0, 2.0]], [1], ["no", "yes"], softmax_loss_fn=broken)
    assert demo.error == "RuntimeError: not implemented yet"
    with pytest.raises(ValueError, match="y: expected the correct class"):
        loss_explorer([[1.0, 2.0]])
    with pytest.raises(ValueError, match=r"y: expected labels in \[0, 2\)"):
        loss_explorer([[1.0, 2.0]], [2])


# --- regression outliers ----------------------------------------------------------------

def test_regression_fits_are_the_exact_l2_and_l1_lines():
    x, t = make_line_data()
    np.testing.assert_allclose(fit_l2(x, t), np.polyfit(x, t, 1))
    best = fit_l1(x, t)
    cost = np.abs(t - best[0] * x - best[1]).sum()
    rng = np.random.default_rng(0)
    for slope, intercept in best + 0.05 * rng.standard_normal((200, 2)):
        assert cost <= np.abs(t - slope * x - intercept).sum() + 1e-12


def test_dragging_an_outlier_moves_the_l2_line_far_more_than_the_l1_line():
    demo = regression_outliers()
    clean = {k: v.copy() for k, v in demo.fits.items()}
    demo.point_t.value = -7.0
    assert demo.t[-1] == -7.0
    l2_shift = abs(demo.fits["L2"][0] - clean["L2"][0])
    l1_shift = abs(demo.fits["L1"][0] - clean["L1"][0])
    assert l2_shift > 0.3 and l1_shift < 0.1
    assert demo.numbers["l2_loss"] == pytest.approx(l2_loss(demo.fits["L2"][0] * demo.x + demo.fits["L2"][1],
                                                            demo.t)[0])
    demo.reset_button.click()
    np.testing.assert_allclose(demo.fits["L2"], clean["L2"])


def test_regression_with_student_losses_approaches_the_exact_fit():
    demo = regression_outliers(l2_loss_fn=l2_loss, l1_loss_fn=l1_loss)
    for value in np.linspace(1.0, -6.0, 15):          # a drag: many small moves, each refitting
        demo.point_t.value = float(value)
    exact = fit_l2(demo.x, demo.t)
    exact_loss = l2_loss(exact[0] * demo.x + exact[1], demo.t)[0]
    assert demo.numbers["l2_loss"] == pytest.approx(exact_loss, rel=0.02)
    assert demo.error is None


def test_regression_selecting_a_point_moves_the_sliders_to_it():
    demo = regression_outliers()
    demo.point.value = 3
    assert (demo.point_x.value, demo.point_t.value) == pytest.approx((demo.x[3], demo.t[3]), abs=0.05)
    with pytest.raises(ValueError, match=r"x, t: expected \|x\| <= 3"):
        regression_outliers(np.array([0.0, 1.0, 5.0]), np.zeros(3))


# --- regularization preferences ---------------------------------------------------------

def test_regularization_penalties_of_the_lecture_w1_and_w2():
    demo = regularization_preferences()
    p = demo.numbers["penalties"]
    assert p["l2"] == pytest.approx((1.0, 0.25))
    assert p["l1"] == pytest.approx((1.0, 1.0))
    assert p["elastic_net"] == pytest.approx((1.5, 1.125))
    demo.beta.value = 1.0
    assert demo.numbers["penalties"]["elastic_net"] == pytest.approx((2.0, 1.25))
    demo.mix.value = 0.5
    w = 0.5 * np.array([1.0, 0, 0, 0]) + 0.5 * np.full(4, 0.25)
    assert demo.numbers["path_now"]["l2"] == pytest.approx(float(w @ w))
    assert demo.bars_w2[0].get_height() == pytest.approx(0.25)


def test_stronger_l2_penalty_trades_training_fit_for_smaller_coefficients():
    demo = regularization_preferences()
    train, norms = [], []
    for reg in (1e-6, 1e-3, 1e-1, 1.0):
        demo.reg.value = reg
        train.append(demo.numbers["train_mse"])
        norms.append(float(demo.coefficients[1:] @ demo.coefficients[1:]))
    assert train == sorted(train) and norms == sorted(norms, reverse=True)


def test_ridge_polynomial_without_penalty_is_least_squares():
    x = np.linspace(-1, 1, 9)
    t = x**3 - x
    coeffs = ridge_polynomial(x, t, 3, 0.0)
    np.testing.assert_allclose(np.polynomial.legendre.legval(x, coeffs), t, atol=1e-10)


def test_regularization_penalty_fn_returning_garbage_is_reported():
    demo = regularization_preferences(penalty_fn=lambda w, kind, **kw: "big")
    assert "expected a single number, got str" in demo.error


# --- optimizer race ---------------------------------------------------------------------

def test_race_gd_follows_plain_gradient_steps():
    demo = optimizer_race()
    demo.step.value = 10
    surface = SURFACES["ill-conditioned quadratic"]
    lr = demo.learning_rates["GD"].value
    w = np.array(surface.start)
    for _ in range(10):
        w = w - lr * surface.loss(w)[1]
    np.testing.assert_allclose(demo.runs["GD"].points[10], w)
    assert demo.runs["GD"].losses[10] == pytest.approx(surface.loss(w)[0])
    np.testing.assert_allclose(demo.paths["GD"].get_xdata()[-1], w[0])


def test_race_sgd_without_noise_is_gd_and_noise_is_seeded():
    demo = optimizer_race()
    demo.noise.value = 0.0
    demo.learning_rates["SGD"].value = demo.learning_rates["GD"].value
    demo.step.value = 20
    np.testing.assert_allclose(demo.runs["SGD"].points, demo.runs["GD"].points)
    a, b = optimizer_race(seed=1), optimizer_race(seed=1)
    a.step.value = b.step.value = 15
    np.testing.assert_array_equal(a.runs["SGD"].points, b.runs["SGD"].points)


def test_race_every_optimizer_makes_progress_and_random_search_never_gets_worse():
    demo = optimizer_race()
    for name in SURFACES:
        demo.surface.value = name
        demo.step.value = 200
        for opt, run in demo.runs.items():
            assert run.losses[-1] < run.losses[0], (name, opt)
        assert np.all(np.diff(demo.runs["random search"].losses) <= 0)
        demo.step.value = 0


def test_race_divergence_is_a_message_and_a_smaller_rate_recovers():
    demo = optimizer_race()
    demo.step.value = 40
    demo.learning_rates["GD"].value = 0.5             # 1 - 0.5 * 50 = -24 along the steep axis
    assert "GD diverged at step" in demo.error
    assert demo.runs["GD"].diverged_at is not None
    assert demo.runs["Adam"].diverged_at is None      # the others keep racing
    demo.learning_rates["GD"].value = 0.03
    assert demo.error is None and len(demo.runs["GD"].points) == 41


def test_race_student_rule_and_surface_drive_it():
    def frozen(w, dw, config):
        return w, config

    demo = optimizer_race(update_rules={"Adam": frozen},
                          loss_fn=lambda w: (float(w @ w), 2 * w), extent=(-2, 2, -2, 2), start=(1.5, -1.0))
    assert demo.surface.value == "your loss"
    demo.step.value = 5
    np.testing.assert_allclose(demo.runs["Adam"].points[-1], [1.5, -1.0])
    assert demo.runs["GD"].losses[-1] < demo.runs["GD"].losses[0]
    with pytest.raises(ValueError, match="update_rules: expected keys among"):
        optimizer_race(update_rules={"LBFGS": frozen})


def test_per_row_shortcuts_match_one_call_per_row():
    from course_lib.widgets._common import per_row_losses

    rng = np.random.default_rng(0)
    scores, y = 3 * rng.standard_normal((7, 4)), rng.integers(0, 4, 7)
    for fn in (svm_loss, softmax_loss):
        looped = per_row_losses(lambda s, t, fn=fn: fn(s, t), scores, y)   # a wrapper takes the loop
        np.testing.assert_allclose(per_row_losses(fn, scores, y), looped, rtol=1e-12, atol=1e-12)
        assert looped.mean() == pytest.approx(fn(scores, y)[0])


def test_overflow_in_a_student_loss_is_a_message_not_a_warning():
    def overflowing(scores, y):
        return float(np.exp(1000.0 + scores[0, 0])), np.zeros_like(scores)

    demo = playground(softmax_loss_fn=overflowing)
    assert "numbers blew up" in demo.error
    assert "smaller step size" in demo.status.value


def test_redrawing_one_rescaled_axes_matches_a_full_redraw():
    demo = playground()
    demo.view.frame()
    before = demo.ax_points.get_ylim()
    for value in (-4.5, 4.5, -3.0):  # large weights: the per-point loss axis has to rescale
        demo.w_sliders[0][0].value = value
    assert demo.ax_points.get_ylim() != before
    assert demo.view.full_renders == 1  # only the first render drew the whole figure
    partial = np.asarray(demo.view.snapshot(), dtype=int)
    demo.view.invalidate()
    full = np.asarray(demo.view.snapshot(), dtype=int)
    assert demo.view.full_renders == 2
    np.testing.assert_array_equal(partial, full)


@pytest.mark.parametrize("make", [loss_explorer, playground, regression_outliers, regularization_preferences],
                         ids=lambda f: f.__name__)
def test_widget_text_is_legible_at_100_percent(make):
    from course_lib.plots import small_texts

    demo = make()
    assert small_texts(demo.view.figure) == []


def test_loss_explorer_hatches_each_wrong_class_hinge_term_and_never_the_correct_class():
    demo = loss_explorer()                        # the cat image: cat 3.2 (correct), car 5.1, frog -1.7
    heights = [bar.get_height() for bar in demo.term_bars]
    np.testing.assert_allclose(heights, [0.0, 2.9, 0.0], atol=1e-12)
    assert demo.term_bars[1].get_y() == pytest.approx(3.2 - 1.0)
    assert sum(heights) == pytest.approx(demo.numbers["hinge"])
    demo.score_sliders[0].value = 9.0             # the correct class far ahead: no term anywhere
    assert all(bar.get_height() == 0.0 for bar in demo.term_bars)


def test_playground_draws_region_borders_where_two_scores_tie():
    demo = playground()
    W, b = demo.W, demo.b
    for line in demo.regions.border_lines:
        xs, ys = line.get_data()
        keep = ~np.isnan(xs)
        scores = np.column_stack([xs[keep], ys[keep]]) @ W + b
        top_two = np.sort(scores, axis=1)[:, -2:]
        np.testing.assert_allclose(top_two[:, 0], top_two[:, 1], atol=1e-9)


# --- workbook v3: the playground without losses, a race of some rules, sliders on the lecture's scores ---

def test_playground_without_losses_runs_no_loss_penalty_or_update(monkeypatch):
    import sys

    module = sys.modules["course_lib.widgets.playground"]  # the package's `playground` is the function

    def never(*args, **kwargs):
        raise AssertionError("the playground ran a loss, a penalty or an update")

    for name in ("svm_loss", "softmax_loss", "penalty", "sgd"):
        monkeypatch.setattr(module, name, never)
    demo = playground(show_losses=False)
    demo.w_sliders[0][1].value = 1.25
    demo.b_sliders[2].value = -0.5
    demo.dataset.value = "three modes (2 classes)"
    demo.randomize_button.click()
    demo.w_sliders[1][0].value = -2.0
    assert demo.error is None
    assert set(demo.numbers) == {"accuracy", "objective"}
    scores = demo.X @ demo.W + demo.b
    assert demo.numbers["accuracy"] == pytest.approx(np.mean(scores.argmax(axis=1) == demo.y))
    shown = [child for box in demo.children if hasattr(box, "children") for child in box.children]
    assert demo.step_button not in shown and demo.run not in shown and demo.train_loss not in shown
    assert len(demo.figure.axes) == 1


def test_playground_readout_shows_accuracy_and_each_class_weights_and_bias():
    demo = playground(show_losses=False)
    demo.w_sliders[0][0].value = 1.25
    demo.w_sliders[1][0].value = -0.75
    demo.b_sliders[0].value = 0.5
    right = int(np.sum((demo.X @ demo.W + demo.b).argmax(axis=1) == demo.y))
    assert f"({right} of {len(demo.y)} points)" in demo.status.value
    assert "class 0: W[:, 0], b[0]" in demo.status.value and "[1.25, -0.75], 0.50" in demo.status.value
    full = playground()
    assert "class 2: W[:, 2], b[2]" in full.status.value  # the full playground shows the readout too


def test_playground_without_losses_takes_no_loss_functions():
    with pytest.raises(ValueError, match="svm_loss_fn: expected None with show_losses=False"):
        playground(show_losses=False, svm_loss_fn=svm_loss)
    with pytest.raises(ValueError, match="show_losses: expected True or False"):
        playground(show_losses="no")


def test_race_of_some_rules_shows_only_those_and_runs_them_as_the_full_race():
    some, full = optimizer_race(rules=("SGD", "GD")), optimizer_race()
    assert some.names == ("GD", "SGD") and set(some.runs) == {"GD", "SGD"}
    assert set(some.learning_rates) == {"GD", "SGD"} and set(some.paths) == {"GD", "SGD"}
    some.step.value = full.step.value = 25
    for name in ("GD", "SGD"):
        np.testing.assert_array_equal(some.runs[name].points, full.runs[name].points)
    assert "momentum" not in some.status.value and "GD loss at step 25" in some.status.value
    only_gd = optimizer_race(rules=("GD",))
    shown = [child for box in only_gd.children if hasattr(box, "children") for child in box.children]
    assert only_gd.noise not in shown and only_gd.batch not in shown


def test_race_rules_are_checked():
    with pytest.raises(ValueError, match="rules: expected names among .* got 'Nesterov'"):
        optimizer_race(rules=("GD", "Nesterov"))
    with pytest.raises(ValueError, match="rules: expected a sequence of names"):
        optimizer_race(rules="GD")
    with pytest.raises(ValueError, match="update_rules: 'Adam' is not raced"):
        optimizer_race(rules=("GD", "SGD"), update_rules={"Adam": sgd})


def test_loss_explorer_starts_exactly_at_the_slides_scores_in_steps_of_0_01():
    from course_lib import hinge_vs_softmax_example

    example = hinge_vs_softmax_example()
    demo = loss_explorer(example.scores, example.y, ["0", "1", "2"])
    assert [s.value for s in demo.score_sliders] == [-2.85, 0.86, 0.28]
    assert round(demo.numbers["hinge"], 2) == 1.58 and round(demo.numbers["softmax"], 2) == 1.04
    for s, given in zip(demo.score_sliders, example.scores[0]):
        assert s.step == 0.01
        on_grid = s.min + round((given - s.min) / s.step) * s.step  # where a slider that snaps to its step puts it
        assert on_grid == pytest.approx(given, abs=1e-9)
