"""Simple horizontal bar charts as PNG images (Pillow), for the DOCX report.

A bar per category, its value written at its end, so nothing is told by colour alone; a
suppressed value ("färre än 3") gets no bar, only its words. The report puts the same numbers
in a table beside the chart and the chart's content in its alternative text."""

import io
import textwrap
from dataclasses import dataclass
from functools import cache

from flask_babel import gettext as _
from PIL import Image, ImageDraw, ImageFont
from ttf_opensans import OPENSANS_REGULAR

#: Pixels; the report shows the image 15 cm wide, so this is about 200 dpi.
WIDTH = 1200
BAR_HEIGHT = 34
ROW_HEIGHT = 64
MARGIN = 16
LABEL_SHARE = 0.42
FONT_SIZE = 22
#: Dark blue on white (contrast above 10:1) and a near-black for text.
BAR_COLOUR = (31, 78, 121)
TEXT_COLOUR = (25, 25, 25)
MUTED_COLOUR = (90, 90, 90)
AXIS_COLOUR = (150, 150, 150)


@dataclass(frozen=True, slots=True)
class ChartBar:
    label: str
    #: The bar's length in the chart's unit; None draws no bar (a suppressed value).
    value: float | None
    #: What is written at the bar's end (the value in words, "färre än 3", "63 %").
    text: str


@cache
def _font() -> ImageFont.FreeTypeFont:
    # Open Sans (Apache 2.0, shipped by ttf-opensans): Pillow's own font has no å, ä or ö.
    return ImageFont.truetype(str(OPENSANS_REGULAR.path), FONT_SIZE)


def bar_chart(bars: list[ChartBar]) -> bytes:
    """A PNG of ``bars``, one row each, scaled to the largest value."""
    font = _font()
    height = MARGIN * 2 + ROW_HEIGHT * max(len(bars), 1)
    image = Image.new("RGB", (WIDTH, height), "white")
    draw = ImageDraw.Draw(image)
    label_width = int(WIDTH * LABEL_SHARE)
    left = label_width + MARGIN
    room = WIDTH - left - 150
    largest = max((b.value for b in bars if b.value is not None), default=0) or 1
    for index, bar in enumerate(bars):
        top = MARGIN + index * ROW_HEIGHT
        lines = textwrap.wrap(bar.label, width=int(label_width / (FONT_SIZE * 0.5))) or [""]
        if len(lines) > 2:
            lines = [lines[0], lines[1][:-1].rstrip() + "…"]
        for number, line in enumerate(lines[:2]):
            y = (
                top
                + (ROW_HEIGHT - len(lines[:2]) * (FONT_SIZE + 4)) // 2
                + number * (FONT_SIZE + 4)
            )
            draw.text((MARGIN, y), line, font=font, fill=TEXT_COLOUR)
        bar_top = top + (ROW_HEIGHT - BAR_HEIGHT) // 2
        length = (
            0 if bar.value is None else max(int(room * bar.value / largest), 2 if bar.value else 0)
        )
        if length:
            draw.rectangle((left, bar_top, left + length, bar_top + BAR_HEIGHT), fill=BAR_COLOUR)
        colour = MUTED_COLOUR if bar.value is None else TEXT_COLOUR
        text_y = bar_top + (BAR_HEIGHT - FONT_SIZE) // 2
        draw.text((left + length + 10, text_y), bar.text, font=font, fill=colour)
    draw.line((left, MARGIN, left, height - MARGIN), fill=AXIS_COLOUR, width=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", compress_level=3)
    return buffer.getvalue()


def description(title: str, bars: list[ChartBar]) -> str:
    """The chart in words, for its alternative text."""
    items = "; ".join(f"{bar.label}: {bar.text}" for bar in bars)
    return _("Stapeldiagram, %(title)s. %(items)s.", title=title, items=items)
