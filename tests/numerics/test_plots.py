"""course_lib.plots: what is drawn matches the numbers, updates move artists, bad input is refused."""

import numpy as np
import pytest
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure

from course_lib import make_blobs, plots, softmax
from course_lib.plots import (
    CLASS_COLORS,
    border_points,
    moving_average,
    plot_decision_regions,
    plot_loss_curve,
    plot_probabilities,
    plot_templates,
    zero_line_points,
)

W3 = np.array([[0.0, 1.7, -1.7], [2.0, -1.0, -1.0]])
B3 = np.zeros(3)


def axes():
    return Figure().subplots()


def pixel_class(regions, x, y):
    """The class whose tinted color sits at the image pixel nearest to (x, y)."""
    ext, n = regions.extent, regions.resolution
    col = int(round((x - ext[0]) / (ext[1] - ext[0]) * (n - 1)))
    row = int(round((y - ext[2]) / (ext[3] - ext[2]) * (n - 1)))
    rgb = np.asarray(regions.image.get_array())[row, col]
    return int(np.argmin(np.abs(regions.region_rgb - rgb).sum(axis=1)))


def test_regions_show_the_argmax_class_at_every_probe():
    regions = plot_decision_regions(axes(), W3, B3, resolution=61)
    rng = np.random.default_rng(0)
    for x, y in rng.uniform(-2.9, 2.9, size=(30, 2)):
        scores = np.array([x, y]) @ W3 + B3
        if np.sort(scores)[-1] - np.sort(scores)[-2] > 0.3:     # away from a boundary
            assert pixel_class(regions, x, y) == int(np.argmax(scores))


def test_region_colours_are_tinted_class_colours():
    regions = plot_decision_regions(axes(), W3, B3, region_alpha=1.0)
    np.testing.assert_allclose(regions.region_rgb, [to_rgb(c) for c in CLASS_COLORS[:3]])


def test_update_moves_regions_and_zero_lines_without_new_artists():
    ax = axes()
    regions = plot_decision_regions(ax, W3, B3, *make_blobs(n_per_class=5), zero_lines=True)
    n_artists = len(ax.get_children())
    regions.update(-W3, B3 + 0.5)
    assert len(ax.get_children()) == n_artists
    assert pixel_class(regions, 0.0, 2.5) != 0          # class 0 (up) now points down
    xs, ys = regions.zero_lines[1].get_data()
    np.testing.assert_allclose(-W3[0, 1] * xs + -W3[1, 1] * ys + 0.5, 0, atol=1e-9)


def test_zero_line_is_on_the_line_and_spans_the_view():
    w, b = np.array([1.0, 2.0]), -1.5
    xs, ys = zero_line_points(w, b, (-3, 3, -3, 3))
    np.testing.assert_allclose(w[0] * xs + w[1] * ys + b, 0, atol=1e-12)
    assert np.hypot(xs[1] - xs[0], ys[1] - ys[0]) > 6 * np.sqrt(2)
    assert np.isnan(zero_line_points(np.zeros(2), 1.0, (-3, 3, -3, 3))[0]).all()


def test_points_are_drawn_one_scatter_per_class():
    X, y = make_blobs(n_per_class=4)
    regions = plot_decision_regions(axes(), W3, B3, X, y, class_names=["a", "b", "c"])
    assert [len(p.get_offsets()) for p in regions.points] == [4, 4, 4]
    assert [p.get_label() for p in regions.points] == ["a", "b", "c"]


@pytest.mark.parametrize("kwargs, message", [
    ({"W": np.zeros((3, 3))}, "W: expected shape (2, any)"),
    ({"b": np.zeros(2)}, "b: expected shape (3,)"),
    ({"X": np.zeros((4, 2))}, "X, y: expected both"),
    ({"X": np.zeros((4, 2)), "y": np.array([0, 1, 2, 3])}, "y: expected labels in [0, 3)"),
    ({"extent": (1, -1, 0, 1)}, "extent: expected"),
    ({"class_names": ["a"]}, "class_names: expected 3 names"),
    ({"W": W3 * np.nan}, "W: expected finite values"),
])
def test_decision_regions_reject_bad_input(kwargs, message):
    args = {"W": W3, "b": B3, **kwargs}
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[")):
        plot_decision_regions(axes(), args.pop("W"), args.pop("b"), **args)


def test_templates_one_image_per_class_with_titles():
    W = np.random.default_rng(0).standard_normal((64, 10))
    fig = plot_templates(W, (8, 8), [str(d) for d in range(10)])
    images = [ax for ax in fig.axes if ax.images]
    assert len(images) == 10
    assert [ax.get_title() for ax in images] == [str(d) for d in range(10)]
    np.testing.assert_allclose(images[3].images[0].get_array(), W[:, 3].reshape(8, 8))


def test_colour_templates_are_scaled_to_unit_range():
    W = np.random.default_rng(0).standard_normal((12, 2)) * 5
    fig = plot_templates(W, (2, 2, 3), ["a", "b"], ncols=2)
    for ax in fig.axes:
        img = np.asarray(ax.images[0].get_array())
        assert img.shape == (2, 2, 3) and img.min() == 0.0 and img.max() == 1.0


def test_templates_reject_a_bias_row_with_a_hint():
    with pytest.raises(ValueError, match=r"W: expected 64 rows .*drop the bias row"):
        plot_templates(np.zeros((65, 10)), (8, 8), list("abcdefghij"))


def test_loss_curve_smoothing_is_a_trailing_mean():
    losses = np.array([4.0, 2.0, 6.0, 0.0])
    np.testing.assert_allclose(moving_average(losses, 2), [4.0, 3.0, 4.0, 3.0])
    raw, smooth = plot_loss_curve(axes(), losses, label="train", smooth=2)
    np.testing.assert_allclose(raw.get_ydata(), losses)
    np.testing.assert_allclose(smooth.get_ydata(), [4.0, 3.0, 4.0, 3.0])
    assert raw.axes.get_xlabel() == "iteration" and raw.axes.get_ylabel() == "loss"


def test_loss_curve_refuses_nan_and_non_positive_log():
    with pytest.raises(ValueError, match="losses: expected finite values"):
        plot_loss_curve(axes(), [1.0, np.nan])
    with pytest.raises(ValueError, match="losses: expected positive values with logy"):
        plot_loss_curve(axes(), [1.0, 0.0], logy=True)


def test_probability_bars_follow_the_probabilities_and_update():
    probs = softmax(np.array([3.2, 5.1, -1.7]))
    bars = plot_probabilities(axes(), probs, ["cat", "car", "frog"], correct=0)
    np.testing.assert_allclose([b.get_height() for b in bars.bars], probs)
    assert bars.bars[0].get_linewidth() > bars.bars[1].get_linewidth()
    new = np.array([0.5, 0.25, 0.25])
    bars.update(new)
    np.testing.assert_allclose([b.get_height() for b in bars.bars], new)
    assert [t.get_text() for t in bars.labels] == ["0.50", "0.25", "0.25"]


def test_probability_bars_refuse_non_distributions():
    with pytest.raises(ValueError, match="probs: expected non-negative values summing to 1"):
        plot_probabilities(axes(), [0.5, 0.6], ["a", "b"])
    with pytest.raises(ValueError, match=r"correct: expected a value <= 1"):
        plot_probabilities(axes(), [0.5, 0.5], ["a", "b"], correct=2)


def test_borders_are_where_two_scores_tie_and_are_highest():
    regions = plot_decision_regions(axes(), W3, B3, resolution=31)
    assert len(regions.border_lines) == 3                       # one per pair of 3 classes
    for (j, k), line in zip([(0, 1), (0, 2), (1, 2)], regions.border_lines):
        xs, ys = line.get_data()
        keep = ~np.isnan(xs)
        assert keep.sum() > 10, f"border {j}-{k} should be visible"
        scores = np.column_stack([xs[keep], ys[keep]]) @ W3 + B3
        np.testing.assert_allclose(scores[:, j], scores[:, k], atol=1e-9)
        top_two = np.sort(np.argsort(scores, axis=1)[:, -2:], axis=1)
        assert (top_two == [j, k]).all()


def test_border_of_regions_that_do_not_touch_is_empty():
    # three parallel bands: classes 0 and 2 never meet
    W = np.array([[-2.0, 0.0, 2.0], [0.0, 0.0, 0.0]])
    xs, _ = border_points(W, np.array([0.0, 1.0, 0.0]), 0, 2, (-3, 3, -3, 3))
    assert np.isnan(xs).all()
    xs, _ = border_points(W, np.array([0.0, 1.0, 0.0]), 0, 1, (-3, 3, -3, 3))
    assert (~np.isnan(xs)).any()


def test_style_uses_the_palette_and_legible_fonts_at_any_dpi():
    for dpi in (100, 80, 60):
        with plots.style(dpi=dpi):
            fig = Figure()
            ax = fig.subplots()
            (line,) = ax.plot([0, 1], [0, 1], label="a line")
            ax.set(title="title", xlabel="x", ylabel="y")
            ax.legend()
        assert fig.dpi == dpi
        assert line.get_color() == plots.PALETTE[0]
        assert plots.small_texts(fig) == [], dpi
        assert plots.unlabelled_lines(fig) == []


def test_small_texts_and_unlabelled_lines_find_what_is_wrong_and_restyle_fixes_the_fonts():
    fig = Figure(dpi=80)
    ax = fig.subplots()
    ax.plot([0, 1], [1, 0])
    ax.set_title("tiny", fontsize=6)
    ax.legend(handles=ax.plot([0, 1], [0, 1], label="labeled"), fontsize=6)
    assert ("tiny", 6.7) in plots.small_texts(fig)
    assert len(plots.unlabelled_lines(fig)) == 1
    plots.restyle(fig)
    assert plots.small_texts(fig) == []


def test_palette_is_okabe_ito_and_rc_rejects_a_bad_dpi():
    assert plots.PALETTE[:3] == ("#0072B2", "#D55E00", "#009E73")
    assert len(set(CLASS_COLORS)) == len(CLASS_COLORS) == 10
    with pytest.raises(ValueError, match="dpi"):
        plots.rc_params(0)
