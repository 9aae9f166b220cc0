"""The chart macros (portal/templates/_charts.html): bars to scale, a table with the same figures, mirrored in RTL."""

import re

from flask import render_template_string

TEMPLATE = (
    '{% from "_charts.html" import bar_chart, column_chart %}'
    "{{ macro('c', 'Cases', rows, 'Kind', 'Cases', rtl=rtl) }}"
)
ROWS = [
    {"label": "Child labour", "value": 40, "shown": "40"},
    {"label": "Wages", "value": 10, "shown": "10"},
    {"label": "Land", "value": None, "shown": "fewer than 5"},
]


def render(app, macro, rtl=False, rows=ROWS):
    with app.test_request_context("/en/"):
        app.preprocess_request()
        source = TEMPLATE.replace("macro(", f"{macro}(")
        return render_template_string(source, rows=rows, rtl=rtl)


def bar_widths(html):
    return [float(width) for width in re.findall(r'class="chart-bar"|width="([\d.]+)" height="14"', html) if width]


def test_bars_are_drawn_to_scale_and_a_suppressed_row_has_none(app):
    html = render(app, "bar_chart")
    assert bar_widths(html) == [230.0, 57.5]
    assert html.count('class="chart-bar"') == 2  # no bar for the suppressed row
    assert 'aria-hidden="true"' in html


def test_the_table_beside_the_chart_says_the_same(app):
    html = render(app, "bar_chart")
    rows = re.findall(r'<tr><th scope="row">([^<]+)</th><td>([^<]+)</td></tr>', html)
    assert rows == [("Child labour", "40"), ("Wages", "10"), ("Land", "fewer than 5")]


def test_right_to_left_bars_grow_from_the_right(app):
    html = render(app, "bar_chart", rtl=True)
    first_bar = re.search(r'<rect x="([\d.]+)" y="20" width="230.0"', html)
    assert first_bar and float(first_bar.group(1)) == 320 - 2 - 230
    assert 'direction="rtl"' in html


def test_columns_run_right_to_left_in_rtl(app):
    rows = [{"label": "2025", "value": 1, "shown": "1"}, {"label": "2026", "value": 2, "shown": "2"}]
    ltr = render(app, "column_chart", rows=rows)
    rtl = render(app, "column_chart", rtl=True, rows=rows)
    year_x = lambda html, year: float(re.search(rf'<text x="([\d.]+)"[^>]*class="chart-label">{year}<', html).group(1))  # noqa: E731
    assert year_x(ltr, "2025") < year_x(ltr, "2026")
    assert year_x(rtl, "2025") > year_x(rtl, "2026")


def test_an_empty_chart_says_so(app):
    html = render(app, "bar_chart", rows=[])
    assert "<svg" not in html
    assert "Nothing to show yet." in html
