"""The judgements over time as a small line (issue 29: "the scale over time").

Pure: (day, judgement) pairs in, the points of an SVG polyline out. The x axis is time from the
first judgement to the last (one judgement: a dot in the middle), the y axis 0 (not safe, at the
bottom) to 10 (safe enough to close, at the top).
"""

from dataclasses import dataclass

from basisjeugdhulp.safety.models import SCALE


@dataclass(frozen=True)
class Point:
    x: float
    y: float
    day: object
    judgement: int


@dataclass(frozen=True)
class Line:
    width: int
    height: int
    points: list

    @property
    def polyline(self):
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    def y_of(self, judgement):
        return _y(judgement, self.height)


PAD = 8


def _y(judgement, height):
    low, high = SCALE
    return PAD + (high - judgement) / (high - low) * (height - 2 * PAD)


def line(judgements, width=320, height=96):
    """`judgements`: (day, judgement) in any order; the line runs from the oldest to the newest."""
    ordered = sorted(judgements, key=lambda pair: pair[0])
    if not ordered:
        return Line(width, height, [])
    first, last = ordered[0][0], ordered[-1][0]
    span = (last - first).days
    points = []
    for day, judgement in ordered:
        x = width / 2 if span == 0 else PAD + (day - first).days / span * (width - 2 * PAD)
        points.append(Point(x, _y(judgement, height), day, judgement))
    return Line(width, height, points)
