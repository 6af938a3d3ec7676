"""The geometry of a small server-rendered bar chart (inline SVG, no JavaScript).

A page hands a series of values to `bar_panel()` and lays the result out in an
<svg> template: every coordinate is computed here, so the template only writes
them out and the arithmetic is tested without a browser. The axis runs from 0 to
a "nice" maximum (1, 2, 2.5 or 5 times a power of ten) so the tick labels read as
round numbers.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

NICE_STEPS = (Decimal(1), Decimal(2), Decimal("2.5"), Decimal(5), Decimal(10))


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: Decimal
    # What a pointer's tooltip says (the chart's figures are also in a table).
    title: str


@dataclass(frozen=True)
class Tick:
    y: float
    value: Decimal
    label: str


@dataclass(frozen=True)
class Panel:
    """One bar series: its bars, its horizontal grid lines with labels, its box."""

    heading: str
    top: float
    height: float
    left: float
    width: float
    bars: list
    ticks: list

    @property
    def bottom(self):
        return self.top + self.height

    @property
    def right(self):
        return self.left + self.width


def nice_maximum(value, ticks=4, *, integer=False):
    """The smallest round maximum >= `value` that divides in `ticks` round steps
    (1, 2, 2.5 or 5 times a power of ten); `ticks` for nothing to show. With
    `integer` (counts) every step is a whole number."""
    value = Decimal(value)
    if value <= 0:
        return Decimal(ticks)
    raw_step = value / ticks
    if integer:
        raw_step = max(raw_step, Decimal(1))
    power = Decimal(10) ** math.floor(math.log10(raw_step))
    for factor in NICE_STEPS:
        step = factor * power
        if step >= raw_step and not (integer and step != step.to_integral_value()):
            return step * ticks
    return NICE_STEPS[-1] * power * ticks  # pragma: no cover (10 always fits)


def bar_panel(
    values,
    *,
    heading,
    top,
    height,
    left,
    width,
    format_value=str,
    titles=None,
    ticks=4,
    bar_ratio=0.7,
    integer=False,
):
    """A panel of one bar per value, left to right, each in an equal slot of `width`.

    `format_value` writes a value for the tick labels; `titles` (one per value) are
    the bars' tooltips; `integer` keeps the ticks whole (counts). A zero value has no bar.
    """
    values = [Decimal(value or 0) for value in values]
    titles = titles or [format_value(value) for value in values]
    maximum = nice_maximum(max(values, default=0), ticks, integer=integer)
    slot = width / max(len(values), 1)
    bar_width = slot * bar_ratio
    bars = []
    for index, (value, title) in enumerate(zip(values, titles, strict=True)):
        bar_height = float(value / maximum) * height
        if bar_height <= 0:
            continue
        bars.append(
            Bar(
                x=round(left + index * slot + (slot - bar_width) / 2, 2),
                y=round(top + height - bar_height, 2),
                width=round(bar_width, 2),
                height=round(bar_height, 2),
                value=value,
                title=title,
            )
        )
    tick_list = [
        Tick(
            y=round(top + height - height * step / ticks, 2),
            value=maximum * step / ticks,
            label=format_value(maximum * step / ticks),
        )
        for step in range(ticks + 1)
    ]
    return Panel(
        heading=heading, top=top, height=height, left=left, width=width, bars=bars, ticks=tick_list
    )


def slot_centre(index, *, count, left, width):
    """The x of the middle of slot `index` of `count` across `width` (for axis labels)."""
    slot = width / max(count, 1)
    return round(left + index * slot + slot / 2, 2)
