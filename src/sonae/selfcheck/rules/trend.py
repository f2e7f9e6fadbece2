"""Geometry of the self-check trend chart, rendered as server-side SVG (no JS charting library: CSP).

Pure: takes (date, score) points, returns coordinates and labels the template draws. The y axis spans 0–100, or
−25–100 when a score is negative (わからない answers can push a total below zero); the band thresholds (50, 70,
100) are drawn as guide lines. The x axis is proportional to time between the first and last check.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from .scoring import MAX_SCORE, MIN_SCORE

# Band boundaries of §5.1 as guide lines.
GUIDES = (100, 70, 50, 0)


@dataclass(frozen=True)
class ChartPoint:
    x: float
    y: float
    score: int
    label: str  # e.g. 2025/9/1


@dataclass(frozen=True)
class GuideLine:
    y: float
    value: int


@dataclass(frozen=True)
class TrendChart:
    width: int
    height: int
    left: int
    right: int
    top: int
    bottom: int
    points: tuple[ChartPoint, ...]
    guides: tuple[GuideLine, ...]

    @property
    def polyline(self) -> str:
        """The ``points`` attribute of an SVG polyline."""
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def description(self) -> str:
        """A text alternative for screen readers."""
        if not self.points:
            return "セルフチェックの記録はまだありません。"
        parts = [f"{p.label}：{p.score}点" for p in self.points]
        return "セルフチェックの点数の推移。" + "、".join(parts) + "。"


def _label(day: date) -> str:
    return f"{day.year}/{day.month}/{day.day}"


def trend_chart(
    history: Sequence[tuple[date, int]], *, width: int = 640, height: int = 240, margin: int = 40
) -> TrendChart:
    """Coordinates for the history chart, oldest check on the left."""
    ordered = sorted(history, key=lambda item: item[0])
    left, right, top, bottom = margin, width - margin, margin // 2, height - margin
    low = MIN_SCORE if any(score < 0 for _, score in ordered) else 0
    span_y = MAX_SCORE - low

    def y_of(value: int) -> float:
        return bottom - (value - low) * (bottom - top) / span_y

    if ordered:
        first, last = ordered[0][0], ordered[-1][0]
        days = (last - first).days
    else:
        first, days = None, 0
    points = []
    for day, score in ordered:
        # One check (or all on one day) sits in the middle; otherwise x is proportional to elapsed days.
        x = (left + right) / 2 if days == 0 else left + (day - first).days * (right - left) / days
        points.append(ChartPoint(round(x, 1), round(y_of(score), 1), score, _label(day)))
    guides = tuple(GuideLine(round(y_of(v), 1), v) for v in (*GUIDES, *((low,) if low < 0 else ())))
    return TrendChart(width, height, left, right, top, bottom, tuple(points), guides)
