"""A horizontal bar chart as numbers for an inline SVG (the approach of the association page:
the template draws rects; nothing is loaded from elsewhere)."""
from __future__ import annotations

from dataclasses import dataclass

BAR_HEIGHT, GAP, WIDTH = 22, 8, 330


@dataclass(frozen=True)
class Bar:
    label: str
    value: float
    width: int
    y: int


@dataclass(frozen=True)
class Chart:
    bars: list[Bar]
    height: int
    unit: str


def bar_chart(items: list[tuple[str, object]], unit: str) -> Chart:
    values = [(label, float(v or 0)) for label, v in items]
    top = max((v for _l, v in values), default=0) or 1
    bars = [Bar(label, v, int(WIDTH * v / top), i * (BAR_HEIGHT + GAP) + GAP)
            for i, (label, v) in enumerate(values)]
    return Chart(bars, max(1, len(bars)) * (BAR_HEIGHT + GAP) + GAP, unit)
