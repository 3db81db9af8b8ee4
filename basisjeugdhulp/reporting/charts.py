"""Server-drawn SVG charts: geometry computed here, drawn by the template with classes only
(no script, no style attribute), so they work under the strict CSP and on a tablet."""

import textwrap

from django.utils.formats import number_format

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 220, 64, 30, 16
# Labels are 12 px text (register.css .chart-label): a character is about 7 px wide, a line 14 px.
CHAR_WIDTH, LINE_HEIGHT, MAX_LINES = 7, 14, 3


def label_lines(label, room):
    """The label in lines that fit `room` pixels, so bars whose labels differ only at the end
    ("Gezinsbegeleiding middel" / "zwaar") still read apart; past MAX_LINES it is shortened."""
    width = max(int(room // CHAR_WIDTH), 4)
    lines = textwrap.wrap(str(label), width) or [""]
    if len(lines) > MAX_LINES:
        rest = " ".join(lines[MAX_LINES - 1:])
        lines = lines[: MAX_LINES - 1] + [textwrap.shorten(rest, width, placeholder="…")]
    return lines


def _scale(values, floor=1.0):
    top = max([v for v in values if v is not None] + [floor])
    return top, (HEIGHT - BOTTOM - TOP) / top


def bars(labels, cells):
    """A bar per cell; a withheld or empty cell gets no bar, only its mark."""
    values = [c.number for c in cells]
    top, unit = _scale(values)
    step = (WIDTH - LEFT) / max(len(cells), 1)
    lines = [label_lines(label, step) for label in labels]
    # The chart grows by the label lines below the axis; the bars keep their height.
    extra = LINE_HEIGHT * (max(map(len, lines), default=1) - 1)
    items = []
    for index, (label, cell, value) in enumerate(zip(labels, cells, values)):
        x = LEFT + index * step + step * 0.15
        height = (value or 0) * unit
        items.append({
            "x": round(x, 1), "width": round(step * 0.7, 1),
            "y": round(HEIGHT - BOTTOM - height, 1), "height": round(height, 1),
            "label": label, "label_lines": lines[index], "label_x": round(x + step * 0.35, 1),
            "text": str(cell), "text_y": round(HEIGHT - BOTTOM - height - 4, 1),
            "withheld": cell.withheld,
        })
    return {"items": items, "width": WIDTH, "height": HEIGHT + extra, "axis_y": HEIGHT - BOTTOM,
            "label_y": HEIGHT - 10, "line_height": LINE_HEIGHT,
            "top": number_format(top, 0, force_grouping=True), "top_y": TOP, "left": LEFT}


def line(labels, cells, *, fixed_top=None, reference=None):
    """A line through the shown values; withheld or empty months leave a gap (no point)."""
    values = [c.number for c in cells]
    top, unit = _scale(values + ([fixed_top] if fixed_top else []) + (reference or []))
    step = (WIDTH - LEFT) / max(len(cells), 1)
    points = []
    for index, (label, cell, value) in enumerate(zip(labels, cells, values)):
        x = LEFT + index * step + step / 2
        y = None if value is None else HEIGHT - BOTTOM - value * unit
        points.append({"x": round(x, 1), "y": None if y is None else round(y, 1), "label": label, "text": str(cell)})
    segments, current = [], []
    for point in points:
        if point["y"] is None:
            if current:
                segments.append(current)
            current = []
        else:
            current.append(f"{point['x']},{point['y']}")
    if current:
        segments.append(current)
    chart = {"points": points, "segments": [" ".join(s) for s in segments], "width": WIDTH, "height": HEIGHT,
             "axis_y": HEIGHT - BOTTOM, "top": number_format(top, 0, force_grouping=True), "top_y": TOP, "left": LEFT}
    if reference:
        chart["reference"] = " ".join(
            f"{round(LEFT + i * step + step / 2, 1)},{round(HEIGHT - BOTTOM - v * unit, 1)}" for i, v in enumerate(reference)
        )
    return chart
