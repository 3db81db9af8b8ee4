"""The municipality's charts: every bar's label can be read under it, also when labels differ
only at their end (the four products), and the SVG keeps room for the lines."""

import xml.etree.ElementTree as ET

from django.template.loader import render_to_string

from basisjeugdhulp.reporting import charts
from basisjeugdhulp.reporting.tables import Cell

PRODUCTS = [
    "Individuele begeleiding middel", "Individuele begeleiding zwaar",
    "Gezinsbegeleiding middel", "Gezinsbegeleiding zwaar",
]


def drawn(labels, values):
    """The chart as the dashboard draws it (inline SVG in the page, so no XML namespace): the
    SVG element, and each bar's label as read."""
    chart = charts.bars(labels, [Cell(value) for value in values])
    svg = ET.fromstring(render_to_string("reporting/bars.svg.html", {"chart": chart, "labelledby": "x"}))
    read = [" ".join(span.text for span in text) for text in svg.iter("text") if "chart-label" in text.get("class")]
    return svg, read


def test_each_product_bar_says_which_product_it_is():
    svg, read = drawn(PRODUCTS, [4.5, 7.2, 5.0, 8.1])
    assert read == PRODUCTS
    # Two lines under each bar: the view box grows by one line, the bars keep their height.
    assert svg.get("viewBox") == f"0 0 {charts.WIDTH} {charts.HEIGHT + charts.LINE_HEIGHT}"


def test_short_labels_stay_on_one_line():
    svg, read = drawn(["jan", "feb", "mrt"], [10, 12, 9])
    assert read == ["jan", "feb", "mrt"]
    assert svg.get("viewBox") == f"0 0 {charts.WIDTH} {charts.HEIGHT}"


def test_a_label_longer_than_three_lines_is_shortened_with_an_ellipsis():
    lines = charts.label_lines("Individuele begeleiding middel voor gezinnen met jonge kinderen", 80)
    assert len(lines) == charts.MAX_LINES
    assert lines[-1].endswith("…")
    assert all(len(line) * charts.CHAR_WIDTH <= 80 for line in lines)
