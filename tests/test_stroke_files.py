"""Specification of reading drawings kept as strokes: InkML and JSON strokes, and hostile files refused in one line."""

import json
import math
import tracemalloc

import pytest
from strokes import write

from digitrec import stroke_files
from digitrec.errors import DigitrecError
from digitrec.stroke_files import (
    MAX_BYTES,
    MAX_ELEMENTS,
    MAX_POINTS,
    MAX_STROKES,
    StrokeFileError,
    on_canvas,
    read_strokes,
)

SEVEN = write("7").strokes
INKML = "http://www.w3.org/2003/InkML"


def inkml(*traces, head="", namespace=INKML):
    """An InkML document: `head` (a traceFormat, definitions...) and the traces' texts."""
    body = "".join(trace if trace.startswith("<") else f"<trace>{trace}</trace>" for trace in traces)
    xmlns = f' xmlns="{namespace}"' if namespace else ""
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<ink{xmlns}>{head}{body}</ink>\n'


def points_text(stroke, extra=()):
    """A trace's text: "x y [extra...], x y ..."."""
    return ", ".join(" ".join(str(v) for v in (x, y, *extra)) for x, y in stroke)


def save_drawing(path, strokes):
    """Write strokes as InkML (X, Y, T with a traceFormat) or JSON strokes, by the path's suffix; returns path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".json":
        path.write_text(json.dumps([[list(point) for point in stroke] for stroke in strokes]))
    else:
        head = '<traceFormat><channel name="X"/><channel name="Y"/><channel name="T"/></traceFormat>'
        path.write_text(inkml(*(points_text(stroke, extra=(0,)) for stroke in strokes), head=head))
    return path


def saved(tmp_path, name, text):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def floats(strokes):
    return [[(float(x), float(y)) for x, y in stroke] for stroke in strokes]


def refusal(path):
    """The one-line message a file is refused with."""
    with pytest.raises(StrokeFileError) as caught:
        read_strokes(path)
    message = str(caught.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    return message[len(f"{path}: ") :]


# ---------------------------------------------------------------- good files


def test_inkml_traces_in_document_order_are_the_strokes_inside_trace_groups_too(tmp_path):
    a, b, c = [(1, 2), (3, 4)], [(5, 6), (7, 9)], [(0, 0), (2, 1)]
    text = inkml(points_text(a), f"<traceGroup><trace>{points_text(b)}</trace></traceGroup>", points_text(c))
    assert read_strokes(saved(tmp_path, "d.inkml", text)) == floats([a, b, c])


def test_inkml_without_a_trace_format_takes_the_first_two_values_of_each_point(tmp_path):
    text = inkml(points_text(SEVEN[0], extra=(1000, 0.5)))  # time and pressure, undeclared
    assert read_strokes(saved(tmp_path, "d.inkml", text)) == floats(SEVEN)


def test_inkml_trace_format_says_which_channels_are_x_and_y(tmp_path):
    head = '<traceFormat><channel name="T"/><channel name="Y"/><channel name="X"/><channel name="F"/></traceFormat>'
    trace = ", ".join(f"{t} {y} {x} 0.7" for t, (x, y) in enumerate(SEVEN[0]))
    assert read_strokes(saved(tmp_path, "d.inkml", inkml(trace, head=head))) == floats(SEVEN)


def test_inkml_context_ref_picks_the_trace_format_of_its_context(tmp_path):
    head = (
        '<definitions><context xml:id="yx"><traceFormat><channel name="Y"/><channel name="X"/></traceFormat>'
        '</context><context xml:id="xy"><traceFormat><channel name="X"/><channel name="Y"/></traceFormat>'
        "</context></definitions>"
    )
    text = inkml(
        '<traceGroup contextRef="#yx"><trace>2 1, 4 3</trace></traceGroup>',
        '<trace contextRef="#xy">5 6, 7 8</trace>',
        head=head,
    )
    assert read_strokes(saved(tmp_path, "d.inkml", text)) == [[(1.0, 2.0), (3.0, 4.0)], [(5.0, 6.0), (7.0, 8.0)]]


def test_inkml_difference_coded_values_are_decoded(tmp_path):
    # InkML's own example: ' is a first difference, " a second one, each holding until the next prefix.
    text = inkml("1125 18432,'23'43,\"7\"-8,3-5,+2+2")
    xs, ys = zip(*read_strokes(saved(tmp_path, "d.inkml", text))[0])
    assert xs == (1125, 1148, 1178, 1211, 1246) and ys == (18432, 18475, 18510, 18540, 18572)


def test_inkml_hover_traces_are_not_ink(tmp_path):
    text = inkml("0 0, 10 10", '<trace type="penUp">10 10, 50 0</trace>', "20 0, 20 10")
    assert read_strokes(saved(tmp_path, "d.inkml", text)) == [[(0, 0), (10, 10)], [(20, 0), (20, 10)]]


def test_inkml_y_channel_pointing_up_is_turned_to_point_down(tmp_path):
    head = '<traceFormat><channel name="X"/><channel name="Y" orientation="-ve"/></traceFormat>'
    assert read_strokes(saved(tmp_path, "d.inkml", inkml("0 0, 5 10", head=head))) == [[(0, 0), (5, -10)]]


def test_inkml_without_namespace_and_with_points_written_x_comma_y_is_read(tmp_path):
    text = inkml("36,69 36,73 37,79", "223,42", namespace=None)  # as some converters write it
    assert read_strokes(saved(tmp_path, "d.inkml", text)) == [[(36, 69), (36, 73), (37, 79)], [(223, 42)]]


def test_inkml_points_one_a_line_without_commas_or_with_a_trailing_comma_are_read(tmp_path):
    text = inkml("\n 0 0\n 1 1\n 2 5\n", "0 0, 1 1, ")
    assert read_strokes(saved(tmp_path, "d.inkml", text)) == [[(0, 0), (1, 1), (2, 5)], [(0, 0), (1, 1)]]


def test_json_strokes_are_read_as_given(tmp_path):
    path = saved(tmp_path, "d.json", json.dumps([[[0, 0], [10.5, 20]], [[5, 5]]]))
    assert read_strokes(path) == [[(0, 0), (10.5, 20)], [(5, 5)]]


def test_a_one_point_stroke_is_a_dot_of_the_drawing(tmp_path):
    path = saved(tmp_path, "d.json", json.dumps([[[0, 0], [0, 100]], [[50, -20]]]))
    assert read_strokes(path)[1] == [(50, -20)]


def test_a_digit_is_fitted_to_the_canvas_by_its_longer_side_and_centred():
    fitted = on_canvas([[(1000, 1000), (1000, 1400)], [(900, 1200), (1100, 1200)]])
    assert fitted == [[(140, 40), (140, 240)], [(90, 140), (190, 140)]]


def test_a_number_is_fitted_by_its_height_as_wide_as_it_comes():
    fitted = on_canvas([[(0, 0), (0, 10)], [(60, 0), (60, 10)]], number=True)  # '1 1', six times as wide as tall
    assert fitted == [[(40, 40), (40, 240)], [(1240, 40), (1240, 240)]]


def test_fitting_keeps_the_aspect_of_tiny_coordinates():
    fitted = on_canvas([[(0.0, 0.0), (0.0, 0.01)], [(-0.005, 0.005), (0.005, 0.005)]])
    assert [tuple(round(v, 6) for v in p) for p in fitted[0] + fitted[1]] == [
        (140, 40),
        (140, 240),
        (40, 140),
        (240, 140),
    ]


# ---------------------------------------------------------------- hostile and broken files


def test_billion_laughs_is_refused_without_expanding_an_entity(tmp_path):
    laughs = "".join(f'<!ENTITY l{i} "{f"&l{i - 1};" * 10}">' for i in range(1, 10))
    text = f'<?xml version="1.0"?><!DOCTYPE ink [<!ENTITY l0 "0 0, 1 1, ">{laughs}]><ink><trace>&l9;</trace></ink>'
    path = saved(tmp_path, "d.inkml", text)
    tracemalloc.start()
    try:
        assert "DTD" in refusal(path)
        assert tracemalloc.get_traced_memory()[1] < 5_000_000
    finally:
        tracemalloc.stop()


def test_an_external_entity_is_never_read(tmp_path):
    secret = saved(tmp_path, "secret.txt", "12345 67890")
    text = f'<?xml version="1.0"?><!DOCTYPE ink [<!ENTITY x SYSTEM "file://{secret}">]><ink><trace>&x;</trace></ink>'
    message = refusal(saved(tmp_path, "d.inkml", text))
    assert "DTD" in message and "12345" not in message


def test_any_dtd_is_refused(tmp_path):
    assert "DTD" in refusal(saved(tmp_path, "d.inkml", "<!DOCTYPE ink><ink><trace>0 0, 1 1</trace></ink>"))


def test_a_file_over_the_size_cap_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.inkml"
    with open(path, "wb") as file:
        file.truncate(MAX_BYTES + 1)  # sparse: no disk, and no memory if it were read
    tracemalloc.start()
    try:
        assert refusal(path).startswith("too large for a drawing")
        assert tracemalloc.get_traced_memory()[1] < 1_000_000
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("name", ["d.inkml", "d.json"])
def test_a_file_growing_past_the_cap_as_it_is_read_is_refused(tmp_path, monkeypatch, name):
    monkeypatch.setattr(stroke_files, "_size", lambda file: 0)  # a pipe, or a file still being written
    path = tmp_path / name
    with open(path, "wb") as file:
        file.truncate(MAX_BYTES + 1)
    assert refusal(path).startswith("too large for a drawing")


@pytest.mark.parametrize(
    "name, text",
    [
        ("d.inkml", inkml("10 20, 30 40, " * 500_000)),
        ("d.inkml", inkml("0 1 2 3 " * 500_000)),
        ("d.json", "[[" + "[10,20]," * 999_999 + "[10,20]]]"),
    ],
    ids=["inkml", "inkml-without-commas", "json"],
)
def test_a_million_points_are_refused_as_they_are_counted(tmp_path, name, text):
    path = saved(tmp_path, name, text)
    assert path.stat().st_size < MAX_BYTES
    tracemalloc.start()
    try:
        assert refusal(path).startswith("too many points")
        assert tracemalloc.get_traced_memory()[1] < 5 * MAX_BYTES  # the file's text, not a list of a million
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize(
    "trace",
    ["10 20, 30 40, " * 1_000, "10 20 30 40 " * 1_000, "10 20, '1 '1, " * 1_000, "36,69 37,70 " * 1_000],
    ids=["plain", "without-commas", "difference-coded", "x-comma-y"],
)
def test_points_past_the_cap_are_refused_as_they_are_read(tmp_path, monkeypatch, trace):
    monkeypatch.setattr(stroke_files, "MAX_POINTS", 1_000)  # 2,000 points: under the comma count's guess
    path = saved(tmp_path, "d.inkml", inkml(trace[: len(trace) // 2], trace[len(trace) // 2 :]))
    assert refusal(path).startswith("too many points (more than 1,000)")


@pytest.mark.parametrize(
    "name, text",
    [
        ("d.inkml", inkml(*["0 0, 1 1"] * (MAX_STROKES + 1))),
        ("d.json", json.dumps([[[0, 0], [1, 1]]] * (MAX_STROKES + 1))),
    ],
)
def test_too_many_strokes_are_refused(tmp_path, name, text):
    assert refusal(saved(tmp_path, name, text)).startswith("too many strokes")


def test_too_many_xml_elements_are_refused(tmp_path):
    assert "too many XML elements" in refusal(saved(tmp_path, "d.inkml", inkml("<annotation/>" * MAX_ELEMENTS)))


@pytest.mark.parametrize(
    "name, text, says",
    [
        ("d.json", "[[[0, 0], [NaN, 1]]]", "not a number"),
        ("d.json", "[[[0, 0], [Infinity, 1]]]", "not a number"),
        ("d.json", "[[[0, 0], [1e400, 1]]]", "not a number"),  # JSON's floats overflow to inf
        ("d.json", "[[[0, 0], [1" + "0" * 400 + ", 1]]]", "too large"),
        ("d.json", "[[[0, 0], [1e12, 1]]]", "too large"),
        ("d.inkml", inkml("0 0, 1e12 1"), "too large"),
        ("d.inkml", inkml("0 0, 1e400 1"), "not a number"),
        ("d.inkml", inkml("0 0, nan 1"), "cannot read 'nan 1'"),
    ],
)
def test_coordinates_not_finite_or_huge_are_refused(tmp_path, name, text, says):
    assert says in refusal(saved(tmp_path, name, text))


@pytest.mark.parametrize(
    "name, text, says",
    [
        ("d.inkml", "", "empty file"),
        ("d.json", " \n", "empty file"),
        ("d.inkml", inkml(), "no strokes"),
        ("d.inkml", inkml('<trace type="penUp">0 0, 5 5</trace>'), "no strokes"),
        ("d.json", "[]", "no strokes"),
        ("d.json", "[[], []]", "no strokes"),
        ("d.inkml", inkml("10 10"), "every point is at one place"),
        ("d.json", "[[[3, 4]], [[3, 4]]]", "every point is at one place"),
    ],
)
def test_nothing_drawn_is_refused(tmp_path, name, text, says):
    assert refusal(saved(tmp_path, name, text)).startswith(says)


@pytest.mark.parametrize(
    "text, says",
    [
        ("not xml at all", "not XML"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "not XML"),
        ("<ink><trace>0 0, 1 1</trace>", "not XML"),  # cut short
        ('<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0"/></svg>', "not InkML (its root element is <svg>"),
        (
            '<ink xmlns="urn:other"><trace>0 0, 1 1</trace></ink>',
            "not InkML (its <ink> is in the namespace 'urn:other')",
        ),
        (
            inkml('<trace type="penUp">0 0</trace>', "0 0, 1 1", "0 0, 1"),
            "trace 3, point 2",
        ),  # traces counted as written
        (inkml("0 0, 1"), "trace 1, point 2 has 1 values"),
        (inkml("0 0, x y"), "cannot read 'x y'"),
        (inkml("'3 4, 5 6"), "starts with a difference"),
        (inkml("0 0, ? 5"), "'?' for a coordinate is not read"),
        (inkml("0 0, 5 T"), "'T' for a coordinate is not read"),
    ],
)
def test_broken_inkml_is_refused_saying_why(tmp_path, text, says):
    assert says in refusal(saved(tmp_path, "d.inkml", text))


@pytest.mark.parametrize(
    "text, says",
    [
        ("not json", "not JSON"),
        ("[[[0, 0], [1, 1]]", "not JSON"),
        ('{"strokes": [[[0, 0]]]}', "not JSON strokes: expected a list of strokes"),
        ("[[0, 0], [1, 1]]", "stroke 1, point 1 is not [x, y] numbers"),  # one stroke, not a list of them
        ("[[[0, 0]], 5]", "stroke 2 is not a list"),
        ("[[[0, 0], [1, 1, 2]]]", "stroke 1, point 2 is not [x, y] numbers"),
        ('[[[0, 0], ["1", "1"]]]', "stroke 1, point 2 is not [x, y] numbers"),
        ("[[[0, 0], [true, false]]]", "stroke 1, point 2 is not [x, y] numbers"),
        ("[" * 50_000 + "]" * 50_000, "nested too deep"),
        ("[" * (MAX_POINTS + MAX_STROKES + 2), "too many points"),
    ],
)
def test_json_of_another_shape_is_refused_saying_why(tmp_path, text, says):
    assert says in refusal(saved(tmp_path, "d.json", text))


def test_a_missing_file_or_a_folder_is_refused(tmp_path):
    (tmp_path / "folder.json").mkdir()
    assert refusal(tmp_path / "gone.inkml") == "no such file"
    assert refusal(tmp_path / "folder.json") == "is a folder, not a file"


def test_every_refusal_is_a_digitrec_error_for_the_command_line():
    assert issubclass(StrokeFileError, DigitrecError)


def test_fitted_strokes_stay_finite_for_the_largest_coordinates_allowed(tmp_path):
    big = stroke_files.MAX_COORDINATE
    fitted = on_canvas(read_strokes(saved(tmp_path, "d.json", json.dumps([[[-big, -big], [big, big]]]))))
    assert all(math.isfinite(v) for p in fitted[0] for v in p)
