"""The path model's input: a digit's strokes resampled at equal steps along the ink."""

import numpy as np
import pytest

from digitrec import pen_path


def curve(t):
    """A '2' on a 200 px box, one stroke: (n,) parameter in [0, 1] -> (n, 2) screen px, y down.
    A hook over the top (t < 0.5), a diagonal down to the left, a foot to the right (t > 0.75)."""
    angle = np.pi * (1 - 4 * t / 3)  # 180 degrees (left) over the top to -60 degrees
    hook = np.stack([100 + 60 * np.cos(angle), 70 - 50 * np.sin(angle)], axis=1)
    end = np.array([130, 70 + 25 * np.sqrt(3)])
    diagonal = end + (np.array([40, 180]) - end) * ((t - 0.5) / 0.25)[:, None]
    foot = np.stack([40 + 140 * (t - 0.75) / 0.25, np.full_like(t, 180)], axis=1)
    return np.where((t < 0.5)[:, None], hook, np.where((t < 0.75)[:, None], diagonal, foot))


def mouse(rng):
    """The curve as a mouse samples it: integer points 1-5 px apart at random, repeated where the hand rests."""
    t = np.sort(np.concatenate([rng.uniform(0, 1, 200), [0, 0.2, 0.2, 0.5, 1]]))
    return np.round(curve(t)).tolist()


def tablet():
    """The same curve as a tablet samples it, every 100 ms: about 25 points, far apart."""
    return curve(np.linspace(0, 1, 25) ** 1.2).tolist()


def test_a_mouse_and_a_tablet_drawing_the_same_path_give_nearly_the_same_input():
    by_mouse = pen_path.features([mouse(np.random.default_rng(0))])
    by_tablet = pen_path.features([tablet()])
    apart = np.abs(by_mouse[:, :2] - by_tablet[:, :2])  # in half-heights of the digit
    assert apart.mean() < 0.04 and apart.max() < 0.12  # most of it where the tablet cuts the corner
    assert np.median(np.abs(by_mouse[:, 2:4] - by_tablet[:, 2:4])) < 0.05


def test_the_same_strokes_at_another_scale_and_place_give_the_same_input():
    strokes = [[(100, 400), (300, 400), (150, 100)], [(120, 250), (260, 250)]]
    moved = [[(3 + x / 10, 7 + y / 10) for x, y in stroke] for stroke in strokes]
    assert np.allclose(pen_path.features(strokes), pen_path.features(moved), atol=1e-5)


def test_samples_lie_at_equal_steps_along_the_ink():
    line = pen_path.features([[(0, 0), (0, 10), (0, 100)]], points=10)  # a vertical stroke, sampled unevenly
    assert np.allclose(np.diff(line[:, 1]), 0.2, atol=1e-5)


def test_positions_are_centred_and_keep_the_aspect():
    tall = pen_path.features([[(50, 0), (50, 200), (100, 200)]])
    assert tall[:, 1].min() == pytest.approx(-1, abs=0.03) and tall[:, 1].max() == pytest.approx(1, abs=1e-6)
    assert tall[:, 0].min() == pytest.approx(-0.25) and tall[:, 0].max() == pytest.approx(0.25, abs=0.03)


def test_the_direction_channels_say_which_way_the_pen_went():
    down = pen_path.features([[(0, 0), (0, 100)]])
    up = pen_path.features([[(0, 100), (0, 0)]])
    assert np.allclose(down[:, 2:4], [0, 1]) and np.allclose(up[:, 2:4], [0, -1])


def test_the_first_point_of_each_later_stroke_is_marked_as_the_pen_put_down_again():
    seven = pen_path.features([[(0, 0), (100, 0), (30, 150)], [(20, 75), (90, 75)]])
    marked = np.flatnonzero(seven[:, 4])
    assert len(marked) == 1 and np.allclose(seven[marked[0], :2], seven[marked[0] - 1, :2], atol=0.1) is False
    assert seven[marked[0] :, 1] == pytest.approx(np.full(len(seven) - marked[0], 0.0), abs=1e-6)


def test_the_pen_lift_between_strokes_takes_no_samples():
    apart = pen_path.features([[(0, 0), (0, 100)], [(1000, 0), (1000, 100)]], points=8)
    assert sorted(np.round(apart[:, 0], 3).tolist()) == [-1.0] * 4 + [1.0] * 4


def test_a_dot_gives_an_input_at_its_place_with_no_direction():
    dot = pen_path.features([[(5, 5), (5, 5)]])
    assert dot.shape == (pen_path.POINTS, pen_path.CHANNELS) and not dot[:, :4].any()


def test_the_input_is_float32_of_the_documented_shape_and_range():
    got = pen_path.features([mouse(np.random.default_rng(1))])
    assert got.dtype == np.float32 and got.shape == (pen_path.POINTS, pen_path.CHANNELS)
    assert np.abs(got).max() <= 1 + 1e-6


def test_no_strokes_is_an_error():
    with pytest.raises(ValueError, match="nothing was drawn"):
        pen_path.features([[]])
