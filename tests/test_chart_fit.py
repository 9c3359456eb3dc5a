"""Chart titles, subtitles and legends fit any width: wrapped lines and width expressions in the spec."""

from __future__ import annotations

import json

from planner import charts


def test_wrap_breaks_at_spaces_only_and_keeps_every_word():
    text = "Tỷ lệ hộ nông nghiệp tham gia tổ chức kinh tế tập thể đạt 60,4\u00a0%"
    lines = charts.wrap(text, 20)
    assert " ".join(lines) == text
    assert all(len(line) <= 20 for line in lines)
    assert any("60,4\u00a0%" in line for line in lines)  # the no-break space holds the per cent to its number
    assert charts.wrap("Supercalifragilistic word", 5) == ["Supercalifragilistic", "word"]


def test_a_title_wraps_below_its_width_and_stays_one_line_above():
    text = "Liên hiệp hợp tác xã thành lập mới trong năm"
    expr = charts.fitted_text(text)["expr"]
    # the widest branch is the whole title on one line; every narrower branch has lines that fit its width
    assert expr.endswith(json.dumps(text, ensure_ascii=False))
    for below in charts.TITLE_WIDTHS:
        if f"width < {below} ?" in expr:
            branch = expr.split(f"width < {below} ? ", 1)[1].split(" : ", 1)[0]
            lines = json.loads(branch)
            lines = [lines] if isinstance(lines, str) else lines
            assert " ".join(lines) == text
            assert max(len(line) for line in lines) * charts.TITLE_PX <= below + charts.AXIS_PX  # axis room
    assert charts.fitted_text("THT")["expr"] == '"THT"'


def test_long_subtitles_are_lines_and_legends_take_columns_by_width(hd_pack):
    from planner.results import compute
    from planner.scenario import new_scenario

    computed = compute(new_scenario())
    spec = charts.fan_chart(computed.traj, "new_tht", None, hd_pack.targets, hd_pack, "vi").to_dict(validate=False)
    subtitle = spec["title"]["subtitle"]
    assert isinstance(subtitle, list) and all(len(line) <= charts.SUBTITLE_CHARS for line in subtitle)
    assert spec["usermeta"]["subtitle"] == " ".join(subtitle)
    assert "width" in spec["config"]["legend"]["columns"]["expr"]
    assert "width" in spec["config"]["legend"]["labelLimit"]["expr"]


def test_wrapped_lines_are_even_and_never_leave_a_word_alone():
    assert charts.balanced("Thành lập mới 180 hợp tác xã", 27) == ["Thành lập mới", "180 hợp tác xã"]
    assert charts.balanced("Short title", 40) == ["Short title"]


def test_share_axes_write_per_cents_in_the_apps_style(hd_pack):
    """"60 %" with a no-break space, as every other per cent of the app (Vega writes "60%")."""
    import re

    import vl_convert

    from planner.results import compute
    from planner.scenario import new_scenario

    spec = charts.fan_chart(compute(new_scenario()).traj, "good_fair_share", None, hd_pack.targets, hd_pack,
                            "vi").to_dict(validate=False)
    svg = vl_convert.vegalite_to_svg({**spec, "width": 600})
    labels = re.findall(r">([\d,]+[\u00a0 ]?%)<", svg)
    assert labels and all("\u00a0%" in label for label in labels), labels
